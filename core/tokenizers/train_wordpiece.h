#pragma once
// WordPiece vocabulary training for BERT, as Hugging Face `tokenizers`' BertWordPieceTokenizer
// .train does it (WordPieceTrainer: BPE merges by pair frequency, pieces after a word's first
// character carry "##"), written as the vocab.txt that WordPieceTokenizer and HF load unchanged.
//
//   WordPieceTrainingOptions options;
//   options.vocab_size = 4000;
//   train_wordpiece(lines, options, "runs/tok");  // vocab.txt, tokenizer_config.json
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/tokenizers/wordpiece.h"

namespace adamix::text {

struct WordPieceTrainingOptions {
  int64_t vocab_size = 30000;     // lines of vocab.txt, special tokens included
  int64_t min_frequency = 2;      // training stops when the best pair is seen fewer times
  int64_t limit_alphabet = 1000;  // characters kept before merging, the most frequent
  // Ids 0, 1, ... in this order (HF's trainer puts them first); must hold the unk, cls, sep
  // and pad tokens of `tokenizer`.
  std::vector<std::string> special_tokens = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
  // How the vocabulary will be used: the pre-tokenization (lower-casing, accents, CJK) that
  // splits the corpus into words, and the options written to tokenizer_config.json.
  WordPieceOptions tokenizer;
};

// Learns the vocabulary (token i has id i) from `texts`, split into words by BERT's
// BasicTokenizer with `options.tokenizer`. Ids: the special tokens, the kept characters by
// code point, the "##" forms of those seen inside words by code point, then one token per
// merge. Fewer than vocab_size tokens only when the corpus runs out of pairs seen
// min_frequency times. Throws ConfigError for bad options, an empty corpus, or a vocab_size
// below the tokens before any merge; InputError naming the text (1-based) for invalid UTF-8.
std::vector<std::string> learn_wordpiece(const std::vector<std::string>& texts,
                                         const WordPieceTrainingOptions& options);

// learn_wordpiece, then writes vocab.txt (one token per line) and tokenizer_config.json
// (do_lower_case, strip_accents, tokenize_chinese_chars, special tokens) into `out_dir`
// (created if missing; IoError).
void train_wordpiece(const std::vector<std::string>& texts, const WordPieceTrainingOptions& options,
                     const std::filesystem::path& out_dir);

}  // namespace adamix::text
