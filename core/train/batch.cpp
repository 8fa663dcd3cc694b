#include "core/train/batch.h"

#include <algorithm>

namespace adamix::train {

Batch make_batch(const data::TokenizedSplit& split, const std::vector<int64_t>& indices,
                 bool regression, torch::Device device) {
  const auto n = static_cast<int64_t>(indices.size());
  int64_t t = 1;
  for (auto i : indices) t = std::max(t, split.length(i));
  auto ids = torch::full({n, t}, split.pad_id, torch::kInt64);
  auto mask = torch::zeros({n, t}, torch::kInt64);
  auto types = torch::zeros({n, t}, torch::kInt64);
  auto labels = torch::empty({n}, regression ? torch::kFloat32 : torch::kInt64);
  for (int64_t row = 0; row < n; ++row) {
    const int64_t i = indices[static_cast<size_t>(row)];
    const int64_t len = split.length(i);
    std::copy(split.ids_of(i), split.ids_of(i) + len, ids[row].data_ptr<int64_t>());
    std::copy(split.type_ids_of(i), split.type_ids_of(i) + len, types[row].data_ptr<int64_t>());
    mask[row].narrow(0, 0, len).fill_(1);
    if (regression) {
      labels.data_ptr<float>()[row] = static_cast<float>(split.scores[static_cast<size_t>(i)]);
    } else {
      labels.data_ptr<int64_t>()[row] = split.labels[static_cast<size_t>(i)];
    }
  }
  return {ids.to(device), mask.to(device), types.to(device), labels.to(device)};
}

std::vector<int64_t> epoch_order(int64_t n, uint64_t seed, int64_t epoch) {
  auto generator = at::detail::createCPUGenerator(seed * 1000003ull + static_cast<uint64_t>(epoch));
  const auto perm = torch::randperm(n, generator, torch::kInt64);
  const auto* data = perm.data_ptr<int64_t>();
  return std::vector<int64_t>(data, data + n);
}

}  // namespace adamix::train
