#include <iostream>
#include <sstream>

#include "apps/commands.h"
#include "core/error.h"
#include "core/inference/generate.h"
#include "core/models/model_config.h"
#include "core/runtime/memory.h"
#include "core/runtime/threads.h"
#include "storage/checkpoint.h"
#include "sweeps/trial_yaml.h"
#include "worker/checkpoint_forward.h"

namespace adamix::cli {

namespace {

std::vector<int64_t> parse_ids(const std::string& text, const std::string& flag) {
  std::vector<int64_t> ids;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    try {
      size_t used = 0;
      ids.push_back(std::stoll(item, &used));
      if (used != item.size()) throw std::invalid_argument(item);
    } catch (const std::exception&) {
      throw ConfigError("--" + flag + ": '" + item + "' is not an integer id");
    }
  }
  if (ids.empty()) throw ConfigError("--" + flag + " needs at least one id");
  return ids;
}

}  // namespace

int run_generate(const ParsedFlags& flags) {
  runtime::retain_freed_memory();
  runtime::configure_threads(static_cast<int>(flags.get_int("threads")));
  inference::GenerateFileOptions options;
  options.model_dir = flags.get("model");
  options.input = flags.get("input");
  options.out = flags.get("out");
  options.device = flags.get_optional("device").value_or("cpu");
  auto& s = options.settings;
  s.beams = flags.has("greedy") ? 1 : flags.get_int("beam");
  s.length_penalty = flags.get_double("length-penalty");
  s.no_repeat_ngram = flags.get_int("no-repeat-ngram");
  s.max_new_tokens = flags.get_int("max-new-tokens");
  s.eos = flags.has("eos") ? parse_ids(flags.get("eos"), "eos") : std::vector<int64_t>{};
  if (flags.has("batch-size")) s.batch_size = flags.get_int("batch-size");
  s.use_cache = !flags.has("no-cache");
  if (flags.has("seq-len")) {
    s.seq_len = flags.get_int("seq-len");
  } else {
    const auto config = models::load_model_config(options.model_dir / "config.json");
    s.seq_len = std::min<int64_t>(512, config.max_positions);
  }
  inference::GenerateResult result;
  if (const auto checkpoint_path = flags.get_optional("checkpoint")) {
    const auto checkpoint = storage::read_checkpoint(*checkpoint_path);
    const auto trial = sweeps::parse_trial_yaml(
        storage::attribute_string(checkpoint.meta, "config"), *checkpoint_path + ":/meta/config");
    result = worker::generate_checkpoint_file(options, checkpoint, trial.method,
                                              flags.get_optional("mode").value_or(""));
  } else {
    if (flags.has("mode")) throw ConfigError("--mode needs --checkpoint");
    result = inference::generate_file(options);
  }
  std::cerr << "wrote " << options.out.string() << ": " << result.contexts << " texts\n";
  return 0;
}

}  // namespace adamix::cli
