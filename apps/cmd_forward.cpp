#include <iostream>

#include "apps/commands.h"
#include "core/inference/forward_file.h"
#include "core/runtime/threads.h"

namespace adamix::cli {

int run_forward(const ParsedFlags& flags) {
  runtime::configure_threads(static_cast<int>(flags.get_int("threads")));
  inference::ForwardFileOptions options;
  options.model_dir = flags.get("model");
  options.input_ids = flags.get("input-ids");
  options.token_type_ids = flags.get_optional("token-type-ids").value_or("");
  options.out = flags.get("out");
  options.batch_size = flags.get_int("batch-size");
  options.device = flags.get_optional("device").value_or("cpu");
  const auto result = inference::forward_file(options);
  std::cerr << "wrote " << options.out.string() << ": last_hidden_state [" << result.sequences
            << ", " << result.max_length << ", " << result.hidden_size << "]";
  if (result.wrote_logits)
    std::cerr << ", logits [" << result.sequences << ", " << result.max_length << ", "
              << result.vocab_size << "]";
  std::cerr << "\n";
  return 0;
}

}  // namespace adamix::cli
