#pragma once
// Pretraining text as fixed-length blocks, as transformers' run_mlm / run_clm `group_texts`:
// each non-blank line is tokenized with the model's special tokens (BERT [CLS] … [SEP],
// RoBERTa <s> … </s>; GPT-2 adds none, so `separator_id` — its end-of-text id — follows each
// line), all ids are concatenated and cut into blocks of `block_size`; the remainder is dropped.
//
//   auto lines = read_corpus_lines("corpus.txt");
//   torch::Tensor blocks = group_texts(*tokenizer, lines, 128, -1);  // [B,128] int64
#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/tokenizers/tokenizer.h"

namespace adamix::data {

// The lines of a UTF-8 text file (a trailing '\r' removed); IoError naming the file when it
// cannot be read. Blank lines are kept here (group_texts skips them).
std::vector<std::string> read_corpus_lines(const std::filesystem::path& path);

// Tokenizes in parallel (TBB), in order. InputError naming `source` when the text makes fewer
// than one block, or a line (1-based) is not valid UTF-8. ConfigError when block_size < 2.
torch::Tensor group_texts(const text::Tokenizer& tokenizer, const std::vector<std::string>& lines,
                          int64_t block_size, int64_t separator_id, const std::string& source);

}  // namespace adamix::data
