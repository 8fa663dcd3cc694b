#include <iostream>

#include "apps/commands.h"
#include "core/error.h"
#include "core/inference/forward_file.h"
#include "core/runtime/memory.h"
#include "core/runtime/threads.h"
#include "storage/checkpoint.h"
#include "sweeps/trial_yaml.h"
#include "worker/checkpoint_forward.h"

namespace adamix::cli {

int run_forward(const ParsedFlags& flags) {
  runtime::retain_freed_memory();
  runtime::configure_threads(static_cast<int>(flags.get_int("threads")));
  inference::ForwardFileOptions options;
  options.model_dir = flags.get("model");
  options.input_ids = flags.get("input-ids");
  options.token_type_ids = flags.get_optional("token-type-ids").value_or("");
  options.out = flags.get("out");
  options.batch_size = flags.has("batch-size") ? flags.get_int("batch-size") : 32;
  options.device = flags.get_optional("device").value_or("cpu");

  inference::ForwardFileResult result;
  if (flags.has("checkpoint") && flags.has("adapter"))
    throw ConfigError("--checkpoint and --adapter are two ways to give the PEFT weights: give one");
  if (const auto adapter = flags.get_optional("adapter")) {
    if (flags.has("mode")) throw ConfigError("--mode needs --checkpoint (an adapter is one LoRA)");
    result = worker::forward_adapter_file(options, *adapter);
  } else if (const auto checkpoint_path = flags.get_optional("checkpoint")) {
    inference::check_output_dir(options);
    const auto checkpoint = storage::read_checkpoint(*checkpoint_path);
    const auto trial = sweeps::parse_trial_yaml(
        storage::attribute_string(checkpoint.meta, "config"), *checkpoint_path + ":/meta/config");
    result = worker::forward_checkpoint_file(options, checkpoint, trial.method,
                                             flags.get_optional("mode").value_or(""));
  } else {
    if (flags.has("mode")) throw ConfigError("--mode needs --checkpoint");
    result = inference::forward_file(options);
  }
  std::cerr << "wrote " << options.out.string() << ": last_hidden_state [" << result.sequences
            << ", " << result.max_length << ", " << result.hidden_size << "]"
            << (result.wrote_logits ? " and logits" : "") << "\n";
  return 0;
}

}  // namespace adamix::cli
