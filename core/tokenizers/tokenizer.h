#pragma once
// Tokenizers of Hugging Face model directories, exact against HF's (slow, Python) tokenizers:
// BERT WordPiece, GPT-2 and RoBERTa byte-level BPE.
//
//   auto tok = adamix::text::load_tokenizer("models/bert-base-uncased");
//   adamix::text::Encoding e = tok->encode("Hello world!");  // [CLS] hello world ! [SEP]
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace adamix::text {

struct Encoding {
  std::vector<int64_t> ids;
  std::vector<int64_t> type_ids;  // segment ids, same length as ids
};

// The entries of a token → id map listed by id, `size` long ("" where no entry has the id).
std::vector<std::string> vocabulary_of(const std::unordered_map<std::string, int64_t>& vocab,
                                       int64_t size);

// A special token as Hugging Face's AddedToken: its spelling, id, and whether the whitespace
// before (lstrip: RoBERTa's <mask>) or after it (rstrip) is dropped when it is found in text.
struct SpecialToken {
  std::string text;
  int64_t id = 0;
  bool lstrip = false;
  bool rstrip = false;
};

// A stretch of text, or one special token (id >= 0, text empty).
struct TextPiece {
  std::string_view text;
  int64_t id = -1;
};

// `text` cut at the special tokens written in it, as HF's slow tokenizers cut it (Trie.split:
// the earliest match, the longest at that position; then each token's lstrip / rstrip strip
// the whitespace of its neighbours, which may leave them empty: they are dropped).
std::vector<TextPiece> split_at_special_tokens(std::string_view text,
                                               const std::vector<SpecialToken>& specials);

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;
  // Token ids of `text` without the template's special tokens. A special token written in the
  // text ("[CLS] a [MASK] b", "<mask>", "<|endoftext|>") becomes its id, as Hugging Face's
  // tokenizers do by default; with split_special_tokens set it is plain text ("[", "mask",
  // "]"), as HF's split_special_tokens=True. Throws InputError on invalid UTF-8.
  std::vector<int64_t> encode_text(std::string_view text) const;
  // `text` as plain text whatever split_special_tokens says (GPT-2's original encoder.py, which
  // the NLG reference encodes its data with).
  std::vector<int64_t> encode_plain_text(std::string_view text) const {
    return encode_piece(prepare(text));
  }
  // A, or the pair (A, B), with the model's special tokens; max_length > 0 truncates
  // longest_first as HF does (counting special tokens). Throws InputError when max_length is
  // too small to hold the special tokens and one token of a single sequence (HF would log an
  // error and return the sequence untruncated).
  virtual Encoding encode(std::string_view a, const std::string_view* b = nullptr,
                          int64_t max_length = 0) const = 0;
  virtual int64_t vocab_size() const = 0;
  virtual int64_t pad_id() const = 0;
  // The id of the vocabulary entry spelt exactly `token` ("[MASK]", "<mask>", "Ġthe"), if any.
  virtual std::optional<int64_t> find_token(const std::string& token) const = 0;
  // Every vocabulary entry by id ("" where an id has no entry).
  virtual std::vector<std::string> vocabulary() const = 0;

  // The special tokens encode_text finds in text (those of the model's template and its mask
  // token that the vocabulary has).
  const std::vector<SpecialToken>& special_tokens() const { return special_tokens_; }
  bool split_special_tokens() const { return split_special_tokens_; }
  void set_split_special_tokens(bool split) { split_special_tokens_ = split; }

 protected:
  // What HF's prepare_for_tokenization does to the whole text first (add_prefix_space).
  virtual std::string prepare(std::string_view text) const { return std::string(text); }
  // Token ids of a stretch of text holding no special token.
  virtual std::vector<int64_t> encode_piece(std::string_view text) const = 0;
  // Keeps the tokens of `candidates` that `find_token` knows, with their ids.
  void set_special_tokens(std::vector<SpecialToken> candidates);

 private:
  std::vector<SpecialToken> special_tokens_;
  bool split_special_tokens_ = false;
};

// Picks the tokenizer from the files in a Hugging Face model directory: vocab.txt -> WordPiece
// (options from tokenizer_config.json if present: do_lower_case default true, strip_accents
// default null, split_special_tokens default false, the special tokens' spellings); vocab.json +
// merges.txt -> byte-level BPE, RoBERTa templates when config.json's model_type is "roberta" (or
// tokenizer_config.json's tokenizer_class names Roberta), else GPT-2. Missing or garbled files:
// IoError naming the file.
std::unique_ptr<Tokenizer> load_tokenizer(const std::filesystem::path& model_dir);

// Tokenizes many lines in parallel (TBB), keeping order; a line containing a TAB is the pair
// A<TAB>B (split at the first TAB). Errors are rethrown as InputError naming the line (1-based).
std::vector<Encoding> encode_lines(const Tokenizer& tok, const std::vector<std::string>& lines,
                                   int64_t max_length = 0);

enum class TokenizerKind { WordPiece, Gpt2Bpe, RobertaBpe };

// Copies vocab.txt or vocab.json + merges.txt (+ tokenizer_config.json and
// special_tokens_map.json when present) from one model directory into another (created if
// missing). IoError when `from` holds no tokenizer files.
void copy_tokenizer_files(const std::filesystem::path& from, const std::filesystem::path& to);

// Writes the tokenizer files of a tiny random model into `dir`: a valid vocabulary of exactly
// `vocab_size` entries for `kind` plus tokenizer_config.json, loadable by load_tokenizer and by
// HF transformers. ConfigError (naming the minimum) when vocab_size is too small for the kind.
void write_synthetic_tokenizer(const std::filesystem::path& dir, TokenizerKind kind,
                               int64_t vocab_size);
// The smallest vocab_size write_synthetic_tokenizer accepts for `kind`.
int64_t min_synthetic_vocab_size(TokenizerKind kind);

}  // namespace adamix::text
