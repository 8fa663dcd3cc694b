#pragma once
// Padded mini-batches of tokenized examples, and the seeded example order of each epoch.
//
//   auto order = epoch_order(examples.size(), seed, epoch);
//   Batch batch = make_batch(split, {order.begin(), order.begin() + 64}, false, device);
#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "core/data/tokenized_split.h"

namespace adamix::train {

struct Batch {
  torch::Tensor input_ids;       // [N,T] int64, right-padded with the tokenizer's pad id
  torch::Tensor attention_mask;  // [N,T] int64
  torch::Tensor token_type_ids;  // [N,T] int64
  torch::Tensor labels;          // [N] int64 (classification) or float32 targets (regression)
  int64_t size() const { return input_ids.size(0); }
};

// Rows `indices` of `split`, right-padded with its pad id to the longest of them, on `device`;
// labels are the class ids, or the scores as float32 when `regression`.
Batch make_batch(const data::TokenizedSplit& split, const std::vector<int64_t>& indices,
                 bool regression, torch::Device device);

// A permutation of [0, n) that depends only on (seed, epoch): resuming at any epoch needs no
// saved data-order state.
std::vector<int64_t> epoch_order(int64_t n, uint64_t seed, int64_t epoch);

// HF's get_length_grouped_indices on a given order: cut `order` into megabatches of
// min(n / (4 · batch_size), 50) batches (at least 1), stable-sort each by `lengths` longest
// first, and concatenate. `lengths` is indexed by row; InputError when a row is out of range.
std::vector<int64_t> group_by_length(const std::vector<int64_t>& order,
                                     const std::vector<int64_t>& lengths, int64_t batch_size);

// The rows [0, n) ordered by `lengths` (stable, longest first): evaluation batches of similar
// length pad less; callers put the outputs back in row order.
std::vector<int64_t> longest_first(const std::vector<int64_t>& lengths);

}  // namespace adamix::train
