#pragma once
// Byte-level BPE training for GPT-2 and RoBERTa vocabularies, as Hugging Face `tokenizers`'
// ByteLevelBPETokenizer.train does it (BpeTrainer with the 256 byte symbols as initial
// alphabet), written as vocab.json + merges.txt that ByteBpeTokenizer and HF load unchanged.
//
//   BpeTrainingOptions options;
//   options.vocab_size = 4000;
//   train_byte_bpe(lines, options, "runs/tok");  // vocab.json, merges.txt, tokenizer_config.json
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "core/tokenizers/byte_bpe.h"

namespace adamix::text {

struct BpeTrainingOptions {
  int64_t vocab_size = 30000;  // tokens in vocab.json, special tokens included
  int64_t min_frequency = 2;   // training stops when the best pair is seen fewer times
  // The loader's template, written as tokenizer_config.json's tokenizer_class.
  BpeTemplate templates = BpeTemplate::Gpt2;
  // Ids 0, 1, ... in this order (HF's trainer puts them first). Empty: the template's, GPT-2
  // {"<|endoftext|>"} or RoBERTa {"<s>", "<pad>", "</s>", "<unk>", "<mask>"}.
  std::vector<std::string> special_tokens;
};

struct ByteBpeVocabulary {
  std::vector<std::string> tokens;              // byte-symbol strings; token i has id i
  std::vector<ByteBpeTokenizer::Merge> merges;  // in rank order
};

// Learns the vocabulary from `texts`, each pre-tokenized whole by GPT-2's pattern (HF's
// train(files) feeds each line with its "\n"; train_from_iterator feeds strings as given).
// Ids: the special tokens, the 256 byte symbols by code point, then one token per merge.
// Fewer than vocab_size tokens only when the corpus runs out of pairs seen min_frequency
// times. Throws ConfigError for bad options, an empty corpus, or special tokens that miss the
// template's; InputError naming the text (1-based) for invalid UTF-8.
ByteBpeVocabulary learn_byte_bpe(const std::vector<std::string>& texts,
                                 const BpeTrainingOptions& options);

// learn_byte_bpe, then writes vocab.json (compact, in id order), merges.txt ("#version: 0.2"
// then "a b" lines) and tokenizer_config.json into `out_dir` (created if missing; IoError).
void train_byte_bpe(const std::vector<std::string>& texts, const BpeTrainingOptions& options,
                    const std::filesystem::path& out_dir);

}  // namespace adamix::text
