#pragma once
// A split tokenized once per trial (in parallel, order kept), as flat arrays a batcher pads
// from. Nothing is cached on disk, so nothing can go stale.
//
//   TokenizedSplit train = tokenize_split(*tokenizer, task.train, 128, task.spec.pair);
//   train.ids_of(i), train.length(i);  // example i, unpadded; pad with train.pad_id
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/glue.h"
#include "core/tokenizers/tokenizer.h"

namespace adamix::data {

struct TokenizedSplit {
  std::string name;                    // the Split's name
  std::vector<int64_t> offsets = {0};  // example i's tokens are [offsets[i], offsets[i + 1])
  std::vector<int64_t> ids;            // token ids of all examples, special tokens included
  std::vector<int64_t> type_ids;       // segment ids, laid out as ids
  std::vector<int64_t> labels;         // class id per example; -1: unlabeled or regression
  std::vector<double> scores;          // regression target per example (0 otherwise)
  int64_t pad_id = 0;                  // the tokenizer's padding id

  int64_t size() const { return static_cast<int64_t>(offsets.size()) - 1; }
  int64_t length(int64_t i) const { return offsets[i + 1] - offsets[i]; }  // tokens
  const int64_t* ids_of(int64_t i) const { return ids.data() + offsets[i]; }
  const int64_t* type_ids_of(int64_t i) const { return type_ids.data() + offsets[i]; }
  std::vector<int64_t> lengths() const;  // [size()], tokens per example
  int64_t longest() const;               // max length, 0 when empty
};

// Encodes every example (text_a, plus text_b when `pair`, even if empty, as HF does) with
// `tokenizer`, truncating to max_length tokens as HF's longest_first (special tokens included), on
// TBB threads. InputError naming the file, line and split when an example cannot be encoded (the
// first such example in file order).
TokenizedSplit tokenize_split(const text::Tokenizer& tokenizer, const Split& split,
                              int64_t max_length, bool pair);

}  // namespace adamix::data
