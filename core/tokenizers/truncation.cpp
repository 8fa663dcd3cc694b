#include "core/tokenizers/truncation.h"

#include <string>

#include "core/error.h"

namespace adamix::text {

void truncate_longest_first(std::vector<int64_t>& a, std::vector<int64_t>* b, int64_t max_length,
                            int64_t num_special) {
  if (max_length <= 0) return;
  const auto len_a = static_cast<int64_t>(a.size());
  const auto len_b = b ? static_cast<int64_t>(b->size()) : 0;
  const int64_t to_remove = len_a + len_b + num_special - max_length;
  if (to_remove <= 0) return;
  if (b == nullptr) {
    // HF (tokenization_utils_base.truncate_sequences) only truncates when the sequence keeps
    // at least one token; otherwise it logs an error and leaves it as is.
    if (len_a <= to_remove) {
      throw InputError("max_length " + std::to_string(max_length) +
                       " is too small: " + std::to_string(num_special) +
                       " special tokens need at least one token of text beside them");
    }
    a.resize(static_cast<size_t>(len_a - to_remove));
    return;
  }
  if (max_length < num_special) {
    throw InputError("max_length " + std::to_string(max_length) + " is smaller than the " +
                     std::to_string(num_special) + " special tokens of a pair");
  }
  for (int64_t i = 0; i < to_remove; ++i) {
    if (a.size() > b->size()) {
      a.pop_back();
    } else {
      b->pop_back();
    }
  }
}

}  // namespace adamix::text
