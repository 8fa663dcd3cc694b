#pragma once
// The merge loop shared by the byte-level BPE and WordPiece trainers: a port of Hugging Face
// `tokenizers`' BpeTrainer::do_train (the WordPieceTrainer is that trainer with a "##"
// continuation prefix).
//
//   MergeTrainingResult r = train_bpe_merges({{U"hug", 10}, {U"pug", 5}}, options);
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace adamix::text {

struct MergeTrainingOptions {
  int64_t vocab_size = 30000;               // tokens, special tokens included
  int64_t min_frequency = 0;                // a pair seen fewer times ends the training
  std::vector<std::string> special_tokens;  // ids 0, 1, ...; repeats are skipped
  // Characters kept (the most frequent) before merging; unset keeps them all.
  std::optional<int64_t> limit_alphabet;
  std::u32string initial_alphabet;  // always kept, whether seen or not
  // Marks a symbol that is not at the start of its word ("##" for WordPiece).
  std::string continuing_subword_prefix;
  // Characters whose prefixed forms take ids first, in this order; the others follow by code
  // point. HF numbers them in the order its hash map yields the words, which changes from run
  // to run (and with it the ties); a test passes one run's order to replay that run.
  std::u32string continuation_order;
};

struct MergeTrainingResult {
  std::vector<std::string> tokens;  // the vocabulary, token i has id i
  // (first id, second id) in rank order. A pair merged twice (possible when a merge rebuilds an
  // existing token) is listed once, at its last rank, as HF's BPE::save writes it.
  std::vector<std::pair<int64_t, int64_t>> merges;
};

// `words`: each distinct word (as code points) with its count in the corpus. Ids: the special
// tokens, then the alphabet by code point, then the prefixed characters seen after a word's
// first character (see continuation_order), then each new token in merge order. Merges the most
// frequent pair until the vocabulary has vocab_size tokens, no pair is left, or the best count is
// below min_frequency; equal counts go to the pair with the smaller (first id, second id).
// ConfigError when `words` is empty or when vocab_size is smaller than the vocabulary before any
// merge.
MergeTrainingResult train_bpe_merges(const std::vector<std::pair<std::u32string, int64_t>>& words,
                                     const MergeTrainingOptions& options);

}  // namespace adamix::text
