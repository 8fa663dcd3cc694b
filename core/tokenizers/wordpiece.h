#pragma once
// BERT's WordPiece tokenizer, exact against Hugging Face's slow `BertTokenizer`
// (BasicTokenizer + WordpieceTokenizer) with its `[CLS] A [SEP] B [SEP]` template.
//
//   auto tok = WordPieceTokenizer::from_file("vocab.txt", WordPieceOptions{});
//   tok->tokenize("Unaffable!");  // {"una", "##ffa", "##ble", "!"}
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/tokenizers/tokenizer.h"

namespace adamix::text {

struct WordPieceOptions {
  bool do_lower_case = true;
  std::optional<bool> strip_accents;  // unset: strip when lower-casing (HF's None)
  bool tokenize_chinese_chars = true;
  int64_t max_input_chars_per_word = 100;  // code points; longer words become unk_token
  std::string unk_token = "[UNK]";
  std::string cls_token = "[CLS]";
  std::string sep_token = "[SEP]";
  std::string pad_token = "[PAD]";
  std::string mask_token = "[MASK]";  // found in text when the vocabulary has it
};

class WordPieceTokenizer final : public Tokenizer {
 public:
  // `tokens[i]` has id i. `source` names the vocabulary in error messages. Throws ConfigError
  // when a special token of `options` is missing.
  WordPieceTokenizer(const std::vector<std::string>& tokens, WordPieceOptions options,
                     const std::string& source = "WordPiece vocabulary");
  // Reads vocab.txt (one token per line, as HF's load_vocab). IoError naming the file.
  static std::unique_ptr<WordPieceTokenizer> from_file(const std::filesystem::path& vocab_txt,
                                                       WordPieceOptions options);

  // BasicTokenizer: the words after clean-up, lower-casing, accent stripping and punctuation
  // splitting.
  std::vector<std::string> basic_tokenize(std::string_view text) const;
  // Word pieces (strings) of `text`, as HF's `tokenize`.
  std::vector<std::string> tokenize(std::string_view text) const;
  // The words of basic_tokenize as code points, for `options` (shared with the WordPiece
  // trainer, which has no vocabulary yet).
  static std::vector<std::u32string> basic_words(std::string_view text,
                                                 const WordPieceOptions& options);

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
  const WordPieceOptions& options() const { return options_; }

 protected:
  std::vector<int64_t> encode_piece(std::string_view text) const override;

 private:
  // Appends the ids of one word's pieces (or unk) to `ids`; the strings too when `pieces`.
  void word_pieces(const std::u32string& word, std::vector<int64_t>& ids,
                   std::vector<std::string>* pieces) const;
  int64_t id_of(const std::string& token, const std::string& source) const;

  WordPieceOptions options_;
  std::unordered_map<std::string, int64_t> vocab_;
  int64_t vocab_size_ = 0;
  int64_t unk_id_ = 0, cls_id_ = 0, sep_id_ = 0, pad_id_ = 0;
};

}  // namespace adamix::text
