#pragma once
// Byte-level BPE of GPT-2 and RoBERTa, exact against Hugging Face's slow `GPT2Tokenizer` and
// `RobertaTokenizer` (add_prefix_space=False, their defaults).
//
//   auto tok = ByteBpeTokenizer::from_files("vocab.json", "merges.txt", ByteBpeOptions{});
//   tok->tokenize("Hello world");  // {"Hello", "Ġworld"}
#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/tokenizers/tokenizer.h"

namespace adamix::text {

enum class BpeTemplate {
  Gpt2,     // no special tokens; a pair is A B with type ids 0... 1...
  Roberta,  // <s> A </s> and <s> A </s></s> B </s>, type ids all 0
};

struct ByteBpeOptions {
  BpeTemplate templates = BpeTemplate::Gpt2;
  // Empty: the template's default (GPT-2: <|endoftext|> for all; RoBERTa: <s> </s> <unk>
  // <pad>). GPT-2 has no pad token: pad_id() is then the end-of-text id.
  std::string bos_token, eos_token, unk_token, pad_token;
  // Empty: RoBERTa's <mask> (found in text with the whitespace before it, as RobertaTokenizer's
  // AddedToken(lstrip=True)); GPT-2 has none.
  std::string mask_token;
  // HF slow prepends one space to every text when set (tokenizer_config.json's
  // add_prefix_space; GPT-2 and RoBERTa default to false).
  bool add_prefix_space = false;
};

class ByteBpeTokenizer final : public Tokenizer {
 public:
  using Merge = std::pair<std::string, std::string>;
  // `merges` in rank order. `source` names the vocabulary in error messages. ConfigError
  // when a special token the template needs is not in `vocab`.
  ByteBpeTokenizer(std::unordered_map<std::string, int64_t> vocab, const std::vector<Merge>& merges,
                   ByteBpeOptions options, const std::string& source = "BPE vocabulary");
  // Reads vocab.json (token -> id) and merges.txt ("#version" first line skipped). IoError
  // naming the file when missing or garbled.
  static std::unique_ptr<ByteBpeTokenizer> from_files(const std::filesystem::path& vocab_json,
                                                      const std::filesystem::path& merges_txt,
                                                      ByteBpeOptions options);

  // GPT-2's pre-tokenization regex, as UTF-8 pieces of `text`.
  static std::vector<std::string> pre_tokenize(std::string_view text);
  // GPT-2's bytes_to_unicode: the printable symbol standing for each byte.
  static const std::array<char32_t, 256>& byte_symbols();
  // The BPE tokens (byte-symbol strings) of `text`, as HF's `tokenize`.
  std::vector<std::string> tokenize(std::string_view text) const;

  Encoding encode(std::string_view a, const std::string_view* b = nullptr,
                  int64_t max_length = 0) const override;
  int64_t vocab_size() const override { return vocab_size_; }
  int64_t pad_id() const override { return pad_id_; }
  std::optional<int64_t> find_token(const std::string& token) const override {
    const auto it = vocab_.find(token);
    return it == vocab_.end() ? std::nullopt : std::optional<int64_t>(it->second);
  }
  std::vector<std::string> vocabulary() const override {
    return vocabulary_of(vocab_, vocab_size_);
  }
  BpeTemplate templates() const { return options_.templates; }

 protected:
  std::string prepare(std::string_view text) const override;
  std::vector<int64_t> encode_piece(std::string_view text) const override;

 private:
  std::vector<std::string> bpe(const std::string& symbols) const;
  void append_word_ids(const std::string& symbols, std::vector<int64_t>& ids) const;
  int64_t token_id(const std::string& token) const;

  ByteBpeOptions options_;
  std::unordered_map<std::string, int64_t> vocab_;
  std::unordered_map<std::string, int64_t> ranks_;  // "first second" -> merge rank
  int64_t vocab_size_ = 0;
  int64_t bos_id_ = -1, eos_id_ = -1, unk_id_ = -1, pad_id_ = -1;
  // Ids per byte-symbol word, shared by the threads of encode_lines.
  mutable std::unordered_map<std::string, std::vector<int64_t>> cache_;
  mutable std::shared_mutex cache_mutex_;
};

}  // namespace adamix::text
