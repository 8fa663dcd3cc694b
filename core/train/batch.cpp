#include "core/train/batch.h"

#include <algorithm>
#include <numeric>
#include <string>

#include "core/error.h"

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

std::vector<int64_t> group_by_length(const std::vector<int64_t>& order,
                                     const std::vector<int64_t>& lengths, int64_t batch_size) {
  const auto n = static_cast<int64_t>(order.size());
  for (int64_t row : order) {
    if (row < 0 || row >= static_cast<int64_t>(lengths.size()))
      throw InputError("group_by_length: row " + std::to_string(row) + " has no length (" +
                       std::to_string(lengths.size()) + " lengths)");
  }
  const int64_t multiple = std::max<int64_t>(1, std::min<int64_t>(n / (4 * batch_size), 50));
  const int64_t megabatch = multiple * batch_size;
  std::vector<int64_t> out = order;
  for (int64_t begin = 0; begin < n; begin += megabatch) {
    std::stable_sort(out.begin() + begin, out.begin() + std::min(n, begin + megabatch),
                     [&](int64_t a, int64_t b) { return lengths[a] > lengths[b]; });
  }
  return out;
}

std::vector<int64_t> longest_first(const std::vector<int64_t>& lengths) {
  std::vector<int64_t> rows(lengths.size());
  std::iota(rows.begin(), rows.end(), 0);
  std::stable_sort(rows.begin(), rows.end(),
                   [&](int64_t a, int64_t b) { return lengths[a] > lengths[b]; });
  return rows;
}

}  // namespace adamix::train
