#pragma once
// GPT-2 as a NextTokenModel (beam_search.h), two ways that must agree token for token:
//  - Gpt2CachedDecoder keeps every layer's keys and values (the reference's `past`), so a new
//    token costs one incremental step over one position;
//  - Gpt2ReforwardDecoder re-runs the whole sequence each step (no cache): the check of the
//    cached path, and the baseline of bench/generate.
// Both run the model as it is (call eval() first; PEFT modules follow their inference mode).
//
//   Gpt2CachedDecoder decoder(*gpt2);
//   auto best = beam_search(decoder, prompts, BeamSearchOptions{});
#include <torch/torch.h>

#include <vector>

#include "core/inference/beam_search.h"
#include "core/models/gpt2.h"

namespace adamix::inference {

class Gpt2CachedDecoder : public NextTokenModel {
 public:
  explicit Gpt2CachedDecoder(models::Gpt2ModelImpl& model) : model_(model) {}
  // InputError when a prompt plus max_new_tokens exceeds the position table.
  torch::Tensor start(const std::vector<std::vector<int64_t>>& prompts,
                      int64_t max_new_tokens) override;
  torch::Tensor extend(const torch::Tensor& parents, const torch::Tensor& tokens) override;

 private:
  models::Gpt2ModelImpl& model_;
  models::Gpt2KvCache cache_;
};

class Gpt2ReforwardDecoder : public NextTokenModel {
 public:
  explicit Gpt2ReforwardDecoder(models::Gpt2ModelImpl& model) : model_(model) {}
  torch::Tensor start(const std::vector<std::vector<int64_t>>& prompts,
                      int64_t max_new_tokens) override;
  torch::Tensor extend(const torch::Tensor& parents, const torch::Tensor& tokens) override;

 private:
  torch::Tensor last_logits();  // one forward over the right-padded rows

  models::Gpt2ModelImpl& model_;
  std::vector<std::vector<int64_t>> rows_;
};

// Right-padded [R,T] ids (pad 0) and lengths [R] of token rows, on the CPU.
std::pair<torch::Tensor, torch::Tensor> pad_rows(const std::vector<std::vector<int64_t>>& rows);

}  // namespace adamix::inference
