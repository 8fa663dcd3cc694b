#include "core/inference/gpt2_decoders.h"

#include <algorithm>
#include <string>

#include "core/error.h"

namespace adamix::inference {

std::pair<torch::Tensor, torch::Tensor> pad_rows(const std::vector<std::vector<int64_t>>& rows) {
  size_t width = 1;
  for (const auto& row : rows) width = std::max(width, row.size());
  torch::Tensor ids =
      torch::zeros({static_cast<int64_t>(rows.size()), static_cast<int64_t>(width)}, torch::kLong);
  torch::Tensor lengths = torch::zeros({static_cast<int64_t>(rows.size())}, torch::kLong);
  auto id = ids.accessor<int64_t, 2>();
  auto length = lengths.accessor<int64_t, 1>();
  for (size_t r = 0; r < rows.size(); ++r) {
    std::copy(rows[r].begin(), rows[r].end(), &id[r][0]);
    length[r] = static_cast<int64_t>(rows[r].size());
  }
  return {ids, lengths};
}

torch::Tensor Gpt2CachedDecoder::start(const std::vector<std::vector<int64_t>>& prompts,
                                       int64_t max_new_tokens) {
  auto [ids, lengths] = pad_rows(prompts);
  const int64_t capacity = ids.size(1) + max_new_tokens;
  const int64_t positions = model_.config().max_positions;
  if (capacity > positions) {
    throw InputError("a prompt of " + std::to_string(ids.size(1)) + " tokens plus " +
                     std::to_string(max_new_tokens) + " new tokens exceeds the " +
                     std::to_string(positions) + " positions of the model");
  }
  return model_.lm_logits(model_.prefill(ids, lengths, capacity, cache_));
}

torch::Tensor Gpt2CachedDecoder::extend(const torch::Tensor& parents, const torch::Tensor& tokens) {
  cache_.reorder(parents);
  return model_.lm_logits(model_.step(tokens, cache_));
}

torch::Tensor Gpt2ReforwardDecoder::start(const std::vector<std::vector<int64_t>>& prompts,
                                          int64_t /*max_new_tokens*/) {
  rows_ = prompts;
  return last_logits();
}

torch::Tensor Gpt2ReforwardDecoder::extend(const torch::Tensor& parents,
                                           const torch::Tensor& tokens) {
  const torch::Tensor parent = parents.to(torch::kCPU, torch::kLong);
  const torch::Tensor token = tokens.to(torch::kCPU, torch::kLong);
  std::vector<std::vector<int64_t>> next(rows_.size());
  for (size_t r = 0; r < rows_.size(); ++r) {
    next[r] = rows_[parent[r].item<int64_t>()];
    next[r].push_back(token[r].item<int64_t>());
  }
  rows_ = std::move(next);
  return last_logits();
}

torch::Tensor Gpt2ReforwardDecoder::last_logits() {
  auto [ids, lengths] = pad_rows(rows_);
  const torch::Tensor mask =
      (torch::arange(ids.size(1)).unsqueeze(0) < lengths.unsqueeze(1)).to(torch::kFloat);
  models::BackboneInput input{ids, mask, {}, false};
  const torch::Tensor hidden = model_.forward(input).last_hidden_state;  // [R,T,H]
  const torch::Tensor last = hidden.index(
      {torch::arange(ids.size(0)).to(hidden.device()), (lengths - 1).to(hidden.device())});
  return model_.lm_logits(last);
}

}  // namespace adamix::inference
