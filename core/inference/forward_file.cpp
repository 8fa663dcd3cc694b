#include "core/inference/forward_file.h"

#include "core/inference/batched_forward.h"

#include <algorithm>

#include "core/error.h"
#include "core/io/id_lines.h"
#include "core/io/safetensors.h"
#include "core/models/backbone.h"
#include "core/runtime/device.h"

namespace adamix::inference {
namespace {

void check_lines(const io::IdLines& ids, const io::IdLines& types,
                 const models::ModelConfig& config, const ForwardFileOptions& options) {
  if (ids.empty()) throw InputError(options.input_ids.string() + " holds no sequences");
  if (!types.empty() && types.size() != ids.size())
    throw InputError(options.token_type_ids.string() + " has " + std::to_string(types.size()) +
                     " lines but " + options.input_ids.string() + " has " +
                     std::to_string(ids.size()));
  if (!types.empty() && config.type_vocab_size == 0)
    throw InputError(options.token_type_ids.string() + ": a " + models::arch_name(config.arch) +
                     " model has no token types");
  const auto max_length = config.max_sequence_length();
  for (size_t line = 0; line < ids.size(); ++line) {
    const auto where = options.input_ids.string() + " line " + std::to_string(line + 1);
    if (static_cast<int64_t>(ids[line].size()) > max_length)
      throw InputError(where + " has " + std::to_string(ids[line].size()) +
                       " ids, longer than the model's " + std::to_string(max_length) +
                       " positions");
    for (auto id : ids[line])
      if (id >= config.vocab_size)
        throw InputError(where + ": id " + std::to_string(id) + " is outside the vocabulary [0, " +
                         std::to_string(config.vocab_size) + ")");
    if (types.empty()) continue;
    const auto type_where = options.token_type_ids.string() + " line " + std::to_string(line + 1);
    if (types[line].size() != ids[line].size())
      throw InputError(type_where + " has " + std::to_string(types[line].size()) +
                       " token types for " + std::to_string(ids[line].size()) + " ids");
    for (auto type : types[line])
      if (type >= config.type_vocab_size)
        throw InputError(type_where + ": token type " + std::to_string(type) + " is outside [0, " +
                         std::to_string(config.type_vocab_size) + ")");
  }
}

// Rows [begin, end) of `lines`, right-padded with `pad` into an [n, width] int64 tensor.
torch::Tensor pad_rows(const io::IdLines& lines, size_t begin, size_t end, int64_t width,
                       int64_t pad) {
  auto out = torch::full({static_cast<int64_t>(end - begin), width}, pad, torch::kInt64);
  auto acc = out.accessor<int64_t, 2>();
  for (size_t row = begin; row < end; ++row)
    for (size_t j = 0; j < lines[row].size(); ++j) acc[row - begin][j] = lines[row][j];
  return out;
}

}  // namespace

void check_output_dir(const ForwardFileOptions& options) {
  if (options.batch_size < 1)
    throw ConfigError("batch size must be >= 1, got " + std::to_string(options.batch_size));
  const auto out_dir =
      options.out.parent_path().empty() ? std::filesystem::path(".") : options.out.parent_path();
  if (!std::filesystem::is_directory(out_dir))
    throw IoError("cannot write " + options.out.string() + ": directory " + out_dir.string() +
                  " does not exist");
}

ForwardFileResult run_forward_file(const ForwardFileOptions& options,
                                   const models::ModelConfig& config, torch::Device device,
                                   const BatchForward& forward) {
  const auto ids = io::read_id_lines(options.input_ids);
  const auto types =
      options.token_type_ids.empty() ? io::IdLines{} : io::read_id_lines(options.token_type_ids);
  check_lines(ids, types, config, options);

  size_t longest = 0;
  for (const auto& line : ids) longest = std::max(longest, line.size());
  const auto n = static_cast<int64_t>(ids.size());
  const auto t = static_cast<int64_t>(longest);
  const int64_t pad = std::max<int64_t>(config.pad_token_id, 0);
  std::vector<std::pair<std::string, torch::Tensor>> tensors;  // in first-seen order
  std::vector<bool> per_token;

  torch::InferenceMode inference;
  for (size_t begin = 0; begin < ids.size(); begin += static_cast<size_t>(options.batch_size)) {
    const size_t end = std::min(ids.size(), begin + static_cast<size_t>(options.batch_size));
    size_t width = 0;
    for (size_t row = begin; row < end; ++row) width = std::max(width, ids[row].size());
    models::BackboneInput input;
    input.input_ids = pad_rows(ids, begin, end, static_cast<int64_t>(width), pad);
    input.attention_mask = torch::zeros_like(input.input_ids);
    for (size_t row = begin; row < end; ++row)
      input.attention_mask[static_cast<int64_t>(row - begin)]
          .narrow(0, 0, static_cast<int64_t>(ids[row].size()))
          .fill_(1);
    if (!types.empty())
      input.token_type_ids = pad_rows(types, begin, end, static_cast<int64_t>(width), 0);
    input.input_ids = input.input_ids.to(device);
    input.attention_mask = input.attention_mask.to(device);
    if (input.token_type_ids.defined()) input.token_type_ids = input.token_type_ids.to(device);

    const auto rows =
        torch::indexing::Slice(static_cast<int64_t>(begin), static_cast<int64_t>(end));
    const auto cols = torch::indexing::Slice(0, static_cast<int64_t>(width));
    for (auto& output : forward(input)) {
      const auto value = output.value.to(torch::kCPU, torch::kFloat32);
      auto it = std::find_if(tensors.begin(), tensors.end(),
                             [&](const auto& named) { return named.first == output.name; });
      if (it == tensors.end()) {
        auto shape = value.sizes().vec();
        shape[0] = n;
        if (output.per_token) shape[1] = t;
        tensors.emplace_back(output.name, torch::zeros(shape));
        per_token.push_back(output.per_token);
        it = tensors.end() - 1;
      }
      if (output.per_token) {
        it->second.index_put_({rows, cols}, value);
      } else {
        it->second.index_put_({rows}, value);
      }
    }
  }
  // Positions past each line's length hold padding outputs; zero them so files are tidy.
  for (size_t k = 0; k < tensors.size(); ++k) {
    if (!per_token[k]) continue;
    for (int64_t row = 0; row < n; ++row) {
      const auto len = static_cast<int64_t>(ids[static_cast<size_t>(row)].size());
      tensors[k].second[row].narrow(0, len, t - len).zero_();
    }
  }
  bool wrote_logits = false;
  for (const auto& [name, value] : tensors) wrote_logits = wrote_logits || name == "logits";
  io::save_safetensors(options.out, tensors, {{"model", options.model_dir.string()}});
  return {n, t, config.hidden_size, config.vocab_size, wrote_logits};
}

ForwardFileResult forward_file(const ForwardFileOptions& options) {
  check_output_dir(options);
  const auto device = runtime::parse_device(options.device);
  const auto config = models::load_model_config(options.model_dir);
  auto loaded = models::load_backbone(options.model_dir, device);
  const bool gpt2 = config.arch == models::Arch::Gpt2;
  return run_forward_file(options, config, device, [&](models::BackboneInput input) {
    input.return_logits = gpt2;
    const auto out = loaded.backbone->forward(input);
    std::vector<NamedOutput> outputs = {{"last_hidden_state", out.last_hidden_state, true}};
    if (gpt2) outputs.push_back({"logits", out.logits, true});
    return outputs;
  });
}

}  // namespace adamix::inference
