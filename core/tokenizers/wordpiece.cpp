#include "core/tokenizers/wordpiece.h"

#include <utility>

#include "core/error.h"
#include "core/tokenizers/tokenizer_files.h"
#include "core/tokenizers/truncation.h"
#include "core/tokenizers/unicode_text.h"

namespace adamix::text {
namespace {

// Python's str.lower() applied one character at a time (see basic_words).
std::u32string python_lower_chars(std::u32string_view cps) {
  std::u32string out;
  out.reserve(cps.size());
  for (char32_t cp : cps) append_python_lower(out, cp);
  return out;
}

// HF `_run_strip_accents`: NFD, then drop the nonspacing marks (Mn).
std::u32string strip_accents(std::u32string_view cps) {
  std::u32string out;
  for (char32_t cp : nfd(cps)) {
    if (!is_nonspacing_mark(cp)) out.push_back(cp);
  }
  return out;
}

// HF `_run_split_on_punc`: every punctuation character is a word of its own.
void split_on_punctuation(const std::u32string& token, std::vector<std::u32string>& out) {
  bool start_new_word = true;
  for (char32_t cp : token) {
    if (is_bert_punctuation(cp)) {
      out.emplace_back(1, cp);
      start_new_word = true;
    } else {
      if (start_new_word) out.emplace_back();
      start_new_word = false;
      out.back().push_back(cp);
    }
  }
}

}  // namespace

WordPieceTokenizer::WordPieceTokenizer(const std::vector<std::string>& tokens,
                                       WordPieceOptions options, const std::string& source)
    : options_(std::move(options)), vocab_size_(static_cast<int64_t>(tokens.size())) {
  vocab_.reserve(tokens.size());
  // A repeated token keeps its last id, as HF's load_vocab (a dict filled in file order).
  for (size_t i = 0; i < tokens.size(); ++i) vocab_[tokens[i]] = static_cast<int64_t>(i);
  unk_id_ = id_of(options_.unk_token, source);
  cls_id_ = id_of(options_.cls_token, source);
  sep_id_ = id_of(options_.sep_token, source);
  pad_id_ = id_of(options_.pad_token, source);
  // BertTokenizer's special tokens: plain AddedTokens, no stripping.
  set_special_tokens({{options_.unk_token},
                      {options_.sep_token},
                      {options_.pad_token},
                      {options_.cls_token},
                      {options_.mask_token}});
}

int64_t WordPieceTokenizer::id_of(const std::string& token, const std::string& source) const {
  auto it = vocab_.find(token);
  if (it == vocab_.end()) {
    throw ConfigError(source + " has no special token '" + token + "'");
  }
  return it->second;
}

std::unique_ptr<WordPieceTokenizer> WordPieceTokenizer::from_file(
    const std::filesystem::path& vocab_txt, WordPieceOptions options) {
  const std::string text = read_text_file(vocab_txt);
  // Python's text mode reads "\r\n", "\r" and "\n" as line ends; a final line end adds no
  // token.
  std::vector<std::string> tokens;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find_first_of("\r\n", start);
    if (end == std::string::npos) end = text.size();
    tokens.push_back(text.substr(start, end - start));
    if (end < text.size() && text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n') {
      ++end;
    }
    start = end + 1;
  }
  if (tokens.empty()) throw IoError(vocab_txt.string() + " holds no tokens");
  for (size_t i = 0; i < tokens.size(); ++i) {
    try {
      utf8_to_code_points(tokens[i]);
    } catch (const InputError& e) {
      throw IoError(vocab_txt.string() + " line " + std::to_string(i + 1) + ": " + e.what());
    }
  }
  try {
    return std::make_unique<WordPieceTokenizer>(tokens, std::move(options), vocab_txt.string());
  } catch (const ConfigError& e) {
    throw IoError(e.what());
  }
}

std::vector<std::u32string> WordPieceTokenizer::basic_words(std::string_view text,
                                                            const WordPieceOptions& options) {
  std::u32string cps = utf8_to_code_points(text);
  const bool lower = options.do_lower_case;
  // HF's PreTrainedTokenizer.tokenize lower-cases the text one character at a time (re.sub
  // over "(.+?)") before BasicTokenizer runs, so a final capital sigma becomes 'σ', not 'ς'.
  if (lower) cps = python_lower_chars(cps);

  // _clean_text, then _tokenize_chinese_chars.
  std::u32string cleaned;
  cleaned.reserve(cps.size());
  for (char32_t cp : cps) {
    if (cp == 0 || cp == 0xFFFD || is_bert_control(cp)) continue;
    if (is_bert_whitespace(cp)) {
      cleaned.push_back(U' ');
    } else if (options.tokenize_chinese_chars && is_cjk_ideograph(cp)) {
      cleaned.push_back(U' ');
      cleaned.push_back(cp);
      cleaned.push_back(U' ');
    } else {
      cleaned.push_back(cp);
    }
  }
  // BasicTokenizer.tokenize normalizes to NFC before splitting on whitespace (HF >= 4.31).
  cleaned = nfc(cleaned);

  const bool strip = options.strip_accents.value_or(lower);
  std::vector<std::u32string> words;
  size_t i = 0;
  while (i < cleaned.size()) {
    while (i < cleaned.size() && is_python_space(cleaned[i])) ++i;
    size_t end = i;
    while (end < cleaned.size() && !is_python_space(cleaned[end])) ++end;
    if (end == i) break;
    std::u32string token = cleaned.substr(i, end - i);
    if (lower) token = python_lower_chars(token);
    if (strip) token = strip_accents(token);
    split_on_punctuation(token, words);
    i = end;
  }
  return words;
}

void WordPieceTokenizer::word_pieces(const std::u32string& word, std::vector<int64_t>& ids,
                                     std::vector<std::string>* pieces) const {
  auto unknown = [&] {
    ids.push_back(unk_id_);
    if (pieces) pieces->push_back(options_.unk_token);
  };
  if (static_cast<int64_t>(word.size()) > options_.max_input_chars_per_word) return unknown();
  // Byte offset of every code point, so candidates are substrings of one UTF-8 string.
  std::string utf8;
  std::vector<size_t> offsets;
  offsets.reserve(word.size() + 1);
  for (char32_t cp : word) {
    offsets.push_back(utf8.size());
    append_utf8(utf8, cp);
  }
  offsets.push_back(utf8.size());

  std::vector<int64_t> word_ids;
  std::vector<std::string> word_strings;
  std::string candidate;
  size_t start = 0;
  while (start < word.size()) {
    // Greedy longest match; pieces after the first carry the "##" prefix.
    size_t end = word.size();
    int64_t found = -1;
    while (start < end) {
      candidate.assign(start > 0 ? "##" : "");
      candidate.append(utf8, offsets[start], offsets[end] - offsets[start]);
      auto it = vocab_.find(candidate);
      if (it != vocab_.end()) {
        found = it->second;
        break;
      }
      --end;
    }
    if (found < 0) return unknown();  // one unmatched rest makes the whole word [UNK]
    word_ids.push_back(found);
    if (pieces) word_strings.push_back(candidate);
    start = end;
  }
  ids.insert(ids.end(), word_ids.begin(), word_ids.end());
  if (pieces) pieces->insert(pieces->end(), word_strings.begin(), word_strings.end());
}

std::vector<std::string> WordPieceTokenizer::basic_tokenize(std::string_view text) const {
  std::vector<std::string> out;
  for (const auto& word : basic_words(text, options_)) out.push_back(code_points_to_utf8(word));
  return out;
}

std::vector<std::string> WordPieceTokenizer::tokenize(std::string_view text) const {
  std::vector<std::string> pieces;
  std::vector<int64_t> ids;
  for (const auto& word : basic_words(text, options_)) {
    word_pieces(word, ids, &pieces);
  }
  return pieces;
}

std::vector<int64_t> WordPieceTokenizer::encode_piece(std::string_view text) const {
  std::vector<int64_t> ids;
  for (const auto& word : basic_words(text, options_)) word_pieces(word, ids, nullptr);
  return ids;
}

Encoding WordPieceTokenizer::encode(std::string_view a, const std::string_view* b,
                                    int64_t max_length) const {
  std::vector<int64_t> ids_a = encode_text(a);
  std::vector<int64_t> ids_b;
  if (b) ids_b = encode_text(*b);
  truncate_longest_first(ids_a, b ? &ids_b : nullptr, max_length, b ? 3 : 2);

  // [CLS] A [SEP] (type 0) then B [SEP] (type 1), as BertTokenizer's templates.
  Encoding e;
  e.ids.push_back(cls_id_);
  e.ids.insert(e.ids.end(), ids_a.begin(), ids_a.end());
  e.ids.push_back(sep_id_);
  e.type_ids.assign(e.ids.size(), 0);
  if (b) {
    e.ids.insert(e.ids.end(), ids_b.begin(), ids_b.end());
    e.ids.push_back(sep_id_);
    e.type_ids.resize(e.ids.size(), 1);
  }
  return e;
}

}  // namespace adamix::text
