#pragma once
// Hugging Face's `longest_first` truncation and its checks, shared by the tokenizers.
#include <cstdint>
#include <vector>

namespace adamix::text {

// Shortens `a` (and `b` when not null) so that they plus `num_special` special tokens fit in
// `max_length` tokens, as HF's slow `truncate_sequences` does: a single sequence loses its
// tail; a pair loses one token at a time from `a` when it is the longer, else from `b` (ties
// cut `b`). max_length <= 0 means no truncation. Throws InputError where HF would log an error
// and return an over-long sequence.
void truncate_longest_first(std::vector<int64_t>& a, std::vector<int64_t>* b, int64_t max_length,
                            int64_t num_special);

}  // namespace adamix::text
