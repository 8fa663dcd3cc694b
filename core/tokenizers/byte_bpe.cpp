#include "core/tokenizers/byte_bpe.h"

#include <algorithm>
#include <limits>
#include <mutex>

#include "core/error.h"
#include "core/tokenizers/tokenizer_files.h"
#include "core/tokenizers/truncation.h"
#include "core/tokenizers/unicode_text.h"

namespace adamix::text {
namespace {

constexpr size_t kMaxCachedWords = 100000;

bool is_other(char32_t cp) { return !is_white_space(cp) && !is_letter(cp) && !is_number(cp); }

// Length of the match of GPT-2's pattern
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// at `i` (alternatives tried in order, as the `regex` module does). \s is White_Space.
size_t match_length(const std::u32string& s, size_t i) {
  const size_t n = s.size();
  if (s[i] == U'\'' && i + 1 < n) {
    const char32_t c1 = s[i + 1];
    if (c1 == U's' || c1 == U't' || c1 == U'm' || c1 == U'd') return 2;
    if (i + 2 < n) {
      const char32_t c2 = s[i + 2];
      if ((c1 == U'r' && c2 == U'e') || (c1 == U'v' && c2 == U'e') || (c1 == U'l' && c2 == U'l')) {
        return 3;
      }
    }
  }
  // " ?X+" for the three classes: an optional U+0020, then a run of the class.
  const size_t j = (s[i] == U' ') ? i + 1 : i;
  for (auto in_class : {is_letter, is_number, is_other}) {
    if (j < n && in_class(s[j])) {
      size_t k = j;
      while (k < n && in_class(s[k])) ++k;
      return k - i;
    }
  }
  // s[i] is white space here. \s+(?!\S): the run, less its last character when a
  // non-space follows; a run of one before a non-space falls to the plain \s+.
  size_t k = i;
  while (k < n && is_white_space(s[k])) ++k;
  if (k == n || k - i == 1) return k - i;
  return k - 1 - i;
}

std::string to_byte_symbols(std::string_view utf8) {
  const auto& symbols = ByteBpeTokenizer::byte_symbols();
  std::string out;
  out.reserve(utf8.size() * 2);
  for (unsigned char byte : utf8) append_utf8(out, symbols[byte]);
  return out;
}

std::string merge_key(const std::string& first, const std::string& second) {
  return first + ' ' + second;  // neither side of a merge holds white space
}

}  // namespace

const std::array<char32_t, 256>& ByteBpeTokenizer::byte_symbols() {
  // GPT-2's bytes_to_unicode: printable Latin-1 bytes stand for themselves, the others map to
  // U+0100 onwards in byte order.
  static const std::array<char32_t, 256> table = [] {
    std::array<char32_t, 256> t{};
    char32_t next = 256;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
      t[b] = printable ? static_cast<char32_t>(b) : next++;
    }
    return t;
  }();
  return table;
}

std::vector<std::string> ByteBpeTokenizer::pre_tokenize(std::string_view text) {
  const std::u32string cps = utf8_to_code_points(text);
  std::vector<std::string> pieces;
  for (size_t i = 0; i < cps.size();) {
    const size_t len = match_length(cps, i);
    pieces.push_back(code_points_to_utf8(std::u32string_view(cps).substr(i, len)));
    i += len;
  }
  return pieces;
}

ByteBpeTokenizer::ByteBpeTokenizer(std::unordered_map<std::string, int64_t> vocab,
                                   const std::vector<Merge>& merges, ByteBpeOptions options,
                                   const std::string& source)
    : options_(std::move(options)), vocab_(std::move(vocab)) {
  const bool roberta = options_.templates == BpeTemplate::Roberta;
  auto with_default = [](std::string& token, const char* value) {
    if (token.empty()) token = value;
  };
  with_default(options_.bos_token, roberta ? "<s>" : "<|endoftext|>");
  with_default(options_.eos_token, roberta ? "</s>" : "<|endoftext|>");
  with_default(options_.unk_token, roberta ? "<unk>" : "<|endoftext|>");
  with_default(options_.pad_token, roberta ? "<pad>" : "<|endoftext|>");
  auto lookup = [&](const std::string& token, bool required) -> int64_t {
    auto it = vocab_.find(token);
    if (it != vocab_.end()) return it->second;
    if (required) throw ConfigError(source + " has no special token '" + token + "'");
    return -1;
  };
  bos_id_ = lookup(options_.bos_token, roberta);
  eos_id_ = lookup(options_.eos_token, true);
  unk_id_ = lookup(options_.unk_token, false);
  pad_id_ = lookup(options_.pad_token, roberta);
  if (pad_id_ < 0) pad_id_ = eos_id_;
  if (roberta) with_default(options_.mask_token, "<mask>");
  set_special_tokens({{options_.bos_token},
                      {options_.eos_token},
                      {options_.unk_token},
                      {options_.pad_token},
                      {options_.mask_token, 0, /*lstrip=*/roberta}});
  for (const auto& [token, id] : vocab_) vocab_size_ = std::max(vocab_size_, id + 1);
  ranks_.reserve(merges.size());
  // A repeated merge keeps its last rank, as HF's dict(zip(merges, range(...))).
  for (size_t r = 0; r < merges.size(); ++r) {
    ranks_[merge_key(merges[r].first, merges[r].second)] = static_cast<int64_t>(r);
  }
}

std::unique_ptr<ByteBpeTokenizer> ByteBpeTokenizer::from_files(
    const std::filesystem::path& vocab_json, const std::filesystem::path& merges_txt,
    ByteBpeOptions options) {
  const nlohmann::json doc = read_json_file(vocab_json);
  if (!doc.is_object()) throw IoError(vocab_json.string() + " is not a JSON object");
  std::unordered_map<std::string, int64_t> vocab;
  vocab.reserve(doc.size());
  for (const auto& [token, id] : doc.items()) {
    if (!id.is_number_integer() || id.get<int64_t>() < 0) {
      throw IoError(vocab_json.string() + ": id of '" + token + "' is not a non-negative integer");
    }
    vocab[token] = id.get<int64_t>();
  }

  const std::string text = read_text_file(merges_txt);
  std::vector<Merge> merges;
  size_t start = 0;
  for (size_t line_no = 1; start < text.size(); ++line_no) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || (line_no == 1 && line.rfind("#version", 0) == 0)) continue;
    const size_t a_end = line.find_first_of(" \t");
    const size_t b_start = line.find_first_not_of(" \t", a_end);
    const size_t b_end = line.find_first_of(" \t", b_start);
    if (a_end == 0 || b_start == std::string::npos ||
        line.find_first_not_of(" \t", b_end) != std::string::npos) {
      throw IoError(merges_txt.string() + " line " + std::to_string(line_no) +
                    ": expected two space-separated symbols, got '" + line + "'");
    }
    merges.emplace_back(line.substr(0, a_end), line.substr(b_start, b_end - b_start));
  }
  try {
    return std::make_unique<ByteBpeTokenizer>(std::move(vocab), merges, std::move(options),
                                              vocab_json.string());
  } catch (const ConfigError& e) {
    throw IoError(e.what());
  }
}

std::vector<std::string> ByteBpeTokenizer::bpe(const std::string& symbols) const {
  std::vector<std::string> word;
  for (char32_t cp : utf8_to_code_points(symbols)) {
    word.emplace_back();
    append_utf8(word.back(), cp);
  }
  // HF GPT2Tokenizer.bpe: merge the lowest-ranked adjacent pair everywhere (left to right,
  // without overlap) until no adjacent pair has a rank.
  while (word.size() > 1) {
    int64_t best_rank = std::numeric_limits<int64_t>::max();
    size_t best = 0;
    for (size_t i = 0; i + 1 < word.size(); ++i) {
      auto it = ranks_.find(merge_key(word[i], word[i + 1]));
      if (it != ranks_.end() && it->second < best_rank) best_rank = it->second, best = i;
    }
    if (best_rank == std::numeric_limits<int64_t>::max()) break;
    const std::string first = word[best];
    const std::string second = word[best + 1];
    std::vector<std::string> merged;
    merged.reserve(word.size());
    for (size_t i = 0; i < word.size();) {
      if (i + 1 < word.size() && word[i] == first && word[i + 1] == second) {
        merged.push_back(first + second);
        i += 2;
      } else {
        merged.push_back(std::move(word[i]));
        ++i;
      }
    }
    word = std::move(merged);
  }
  return word;
}

int64_t ByteBpeTokenizer::token_id(const std::string& token) const {
  auto it = vocab_.find(token);
  if (it != vocab_.end()) return it->second;
  if (unk_id_ >= 0) return unk_id_;
  throw InputError("BPE token '" + token + "' is not in the vocabulary, which has no '" +
                   options_.unk_token + "'");
}

void ByteBpeTokenizer::append_word_ids(const std::string& symbols,
                                       std::vector<int64_t>& ids) const {
  {
    std::shared_lock lock(cache_mutex_);
    auto it = cache_.find(symbols);
    if (it != cache_.end()) {
      ids.insert(ids.end(), it->second.begin(), it->second.end());
      return;
    }
  }
  std::vector<int64_t> word_ids;
  for (const auto& token : bpe(symbols)) word_ids.push_back(token_id(token));
  ids.insert(ids.end(), word_ids.begin(), word_ids.end());
  std::unique_lock lock(cache_mutex_);
  if (cache_.size() >= kMaxCachedWords) cache_.clear();
  cache_.emplace(symbols, std::move(word_ids));
}

std::vector<std::string> ByteBpeTokenizer::tokenize(std::string_view text) const {
  std::vector<std::string> tokens;
  const std::vector<std::string> pieces =
      options_.add_prefix_space ? pre_tokenize(" " + std::string(text)) : pre_tokenize(text);
  for (const auto& piece : pieces) {
    for (auto& token : bpe(to_byte_symbols(piece))) tokens.push_back(std::move(token));
  }
  return tokens;
}

std::string ByteBpeTokenizer::prepare(std::string_view text) const {
  return options_.add_prefix_space ? " " + std::string(text) : std::string(text);
}

std::vector<int64_t> ByteBpeTokenizer::encode_piece(std::string_view text) const {
  std::vector<int64_t> ids;
  for (const auto& piece : pre_tokenize(text)) append_word_ids(to_byte_symbols(piece), ids);
  return ids;
}

Encoding ByteBpeTokenizer::encode(std::string_view a, const std::string_view* b,
                                  int64_t max_length) const {
  std::vector<int64_t> ids_a = encode_text(a);
  std::vector<int64_t> ids_b;
  if (b) ids_b = encode_text(*b);
  const bool roberta = options_.templates == BpeTemplate::Roberta;
  const int64_t num_special = roberta ? (b ? 4 : 2) : 0;
  truncate_longest_first(ids_a, b ? &ids_b : nullptr, max_length, num_special);

  Encoding e;
  if (roberta) {  // RobertaTokenizer: <s> A </s> [</s> B </s>], token type ids all 0
    e.ids.push_back(bos_id_);
    e.ids.insert(e.ids.end(), ids_a.begin(), ids_a.end());
    e.ids.push_back(eos_id_);
    if (b) {
      e.ids.push_back(eos_id_);
      e.ids.insert(e.ids.end(), ids_b.begin(), ids_b.end());
      e.ids.push_back(eos_id_);
    }
    e.type_ids.assign(e.ids.size(), 0);
    return e;
  }
  // GPT2Tokenizer adds nothing; the base class gives B token type 1.
  e.ids = std::move(ids_a);
  e.type_ids.assign(e.ids.size(), 0);
  e.ids.insert(e.ids.end(), ids_b.begin(), ids_b.end());
  e.type_ids.resize(e.ids.size(), 1);
  return e;
}

}  // namespace adamix::text
