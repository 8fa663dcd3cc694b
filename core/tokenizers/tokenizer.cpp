#include "core/tokenizers/tokenizer.h"

#include <optional>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "core/error.h"
#include "core/tokenizers/byte_bpe.h"
#include "core/tokenizers/tokenizer_files.h"
#include "core/tokenizers/unicode_text.h"
#include "core/tokenizers/wordpiece.h"

namespace adamix::text {
namespace {

bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Python's str.rstrip() / str.lstrip(): whitespace code points off one end.
std::string_view rstrip_space(std::string_view s) {
  while (!s.empty()) {
    size_t start = s.size() - 1;
    while (start > 0 && is_continuation_byte(s[start])) --start;
    const std::u32string last = utf8_to_code_points(s.substr(start));
    if (last.size() != 1 || !is_python_space(last[0])) break;
    s.remove_suffix(s.size() - start);
  }
  return s;
}

std::string_view lstrip_space(std::string_view s) {
  while (!s.empty()) {
    size_t end = 1;
    while (end < s.size() && is_continuation_byte(s[end])) ++end;
    const std::u32string first = utf8_to_code_points(s.substr(0, end));
    if (first.size() != 1 || !is_python_space(first[0])) break;
    s.remove_prefix(end);
  }
  return s;
}

}  // namespace

std::vector<TextPiece> split_at_special_tokens(std::string_view text,
                                               const std::vector<SpecialToken>& specials) {
  std::vector<TextPiece> pieces;
  const SpecialToken* previous = nullptr;  // the token before the text piece being collected
  size_t begin = 0;                        // start of that text piece
  size_t at = 0;
  while (at < text.size()) {
    const SpecialToken* found = nullptr;
    for (const auto& token : specials) {  // longest match at this position
      if (token.text.empty() || text.compare(at, token.text.size(), token.text) != 0) continue;
      if (!found || token.text.size() > found->text.size()) found = &token;
    }
    if (!found) {
      ++at;
      continue;
    }
    std::string_view before = text.substr(begin, at - begin);
    if (previous && previous->rstrip) before = lstrip_space(before);
    if (found->lstrip) before = rstrip_space(before);
    if (!before.empty()) pieces.push_back({before, -1});
    pieces.push_back({{}, found->id});
    previous = found;
    at += found->text.size();
    begin = at;
  }
  std::string_view rest = text.substr(begin);
  if (previous && previous->rstrip) rest = lstrip_space(rest);
  if (!rest.empty()) pieces.push_back({rest, -1});
  return pieces;
}

std::vector<int64_t> Tokenizer::encode_text(std::string_view text) const {
  const std::string prepared = prepare(text);
  if (split_special_tokens_ || special_tokens_.empty()) return encode_piece(prepared);
  std::vector<int64_t> ids;
  for (const TextPiece& piece : split_at_special_tokens(prepared, special_tokens_)) {
    if (piece.id >= 0) {
      ids.push_back(piece.id);
    } else {
      const std::vector<int64_t> more = encode_piece(piece.text);
      ids.insert(ids.end(), more.begin(), more.end());
    }
  }
  return ids;
}

void Tokenizer::set_special_tokens(std::vector<SpecialToken> candidates) {
  special_tokens_.clear();
  for (auto& token : candidates) {
    if (token.text.empty()) continue;
    const std::optional<int64_t> id = find_token(token.text);
    if (!id) continue;
    bool repeated = false;
    for (const auto& kept : special_tokens_) repeated = repeated || kept.text == token.text;
    if (repeated) continue;
    token.id = *id;
    special_tokens_.push_back(std::move(token));
  }
}

std::vector<std::string> vocabulary_of(const std::unordered_map<std::string, int64_t>& vocab,
                                       int64_t size) {
  std::vector<std::string> tokens(static_cast<size_t>(size));
  for (const auto& [token, id] : vocab)
    if (id >= 0 && id < size) tokens[static_cast<size_t>(id)] = token;
  return tokens;
}
namespace {

namespace fs = std::filesystem;

// tokenizer_config.json / config.json, or an empty object when the file is absent.
nlohmann::json optional_json(const fs::path& path) {
  if (!fs::exists(path)) return nlohmann::json::object();
  nlohmann::json doc = read_json_file(path);
  if (!doc.is_object()) throw IoError(path.string() + " is not a JSON object");
  return doc;
}

std::optional<bool> optional_bool(const nlohmann::json& config, const char* key,
                                  const fs::path& file) {
  auto it = config.find(key);
  if (it == config.end() || it->is_null()) return std::nullopt;
  if (!it->is_boolean()) {
    throw ConfigError(file.string() + ": " + key + " must be true, false or null, not " +
                      it->dump());
  }
  return it->get<bool>();
}

// A special token is written as "[UNK]" or as an AddedToken object {"content": "[UNK]", ...}.
void read_token(const nlohmann::json& config, const char* key, const fs::path& file,
                std::string& token) {
  auto it = config.find(key);
  if (it == config.end() || it->is_null()) return;
  if (it->is_string()) {
    token = it->get<std::string>();
  } else if (it->is_object() && it->contains("content") && (*it)["content"].is_string()) {
    token = (*it)["content"].get<std::string>();
  } else {
    throw ConfigError(file.string() + ": " + key + " must be a string, not " + it->dump());
  }
}

std::unique_ptr<Tokenizer> load_wordpiece(const fs::path& dir) {
  const fs::path config_file = dir / "tokenizer_config.json";
  const nlohmann::json config = optional_json(config_file);
  WordPieceOptions options;
  options.do_lower_case = optional_bool(config, "do_lower_case", config_file).value_or(true);
  options.strip_accents = optional_bool(config, "strip_accents", config_file);
  options.tokenize_chinese_chars =
      optional_bool(config, "tokenize_chinese_chars", config_file).value_or(true);
  read_token(config, "unk_token", config_file, options.unk_token);
  read_token(config, "cls_token", config_file, options.cls_token);
  read_token(config, "sep_token", config_file, options.sep_token);
  read_token(config, "pad_token", config_file, options.pad_token);
  read_token(config, "mask_token", config_file, options.mask_token);
  auto tokenizer = WordPieceTokenizer::from_file(dir / "vocab.txt", std::move(options));
  tokenizer->set_split_special_tokens(
      optional_bool(config, "split_special_tokens", config_file).value_or(false));
  return tokenizer;
}

std::unique_ptr<Tokenizer> load_byte_bpe(const fs::path& dir) {
  const fs::path merges = dir / "merges.txt";
  if (!fs::exists(merges)) {
    throw IoError(merges.string() + " is missing (byte-level BPE needs it beside vocab.json)");
  }
  const fs::path config_file = dir / "tokenizer_config.json";
  const nlohmann::json config = optional_json(config_file);
  const nlohmann::json model_config = optional_json(dir / "config.json");
  const bool roberta =
      model_config.value("model_type", nlohmann::json()) == nlohmann::json("roberta") ||
      config.value("tokenizer_class", std::string()).find("Roberta") != std::string::npos;
  ByteBpeOptions options;
  options.templates = roberta ? BpeTemplate::Roberta : BpeTemplate::Gpt2;
  options.add_prefix_space = optional_bool(config, "add_prefix_space", config_file).value_or(false);
  read_token(config, "bos_token", config_file, options.bos_token);
  read_token(config, "eos_token", config_file, options.eos_token);
  read_token(config, "unk_token", config_file, options.unk_token);
  read_token(config, "pad_token", config_file, options.pad_token);
  read_token(config, "mask_token", config_file, options.mask_token);
  auto tokenizer = ByteBpeTokenizer::from_files(dir / "vocab.json", merges, std::move(options));
  tokenizer->set_split_special_tokens(
      optional_bool(config, "split_special_tokens", config_file).value_or(false));
  return tokenizer;
}

}  // namespace

std::unique_ptr<Tokenizer> load_tokenizer(const fs::path& model_dir) {
  if (!fs::is_directory(model_dir)) {
    throw IoError("model directory " + model_dir.string() + " does not exist");
  }
  if (fs::exists(model_dir / "vocab.txt")) return load_wordpiece(model_dir);
  if (fs::exists(model_dir / "vocab.json")) return load_byte_bpe(model_dir);
  throw IoError("no tokenizer files in " + model_dir.string() +
                ": expected vocab.txt, or vocab.json and merges.txt");
}

std::vector<Encoding> encode_lines(const Tokenizer& tok, const std::vector<std::string>& lines,
                                   int64_t max_length) {
  std::vector<Encoding> out(lines.size());
  tbb::parallel_for(tbb::blocked_range<size_t>(0, lines.size(), 64),
                    [&](const tbb::blocked_range<size_t>& range) {
                      for (size_t i = range.begin(); i != range.end(); ++i) {
                        const std::string_view line = lines[i];
                        const size_t tab = line.find('\t');
                        try {
                          if (tab == std::string_view::npos) {
                            out[i] = tok.encode(line, nullptr, max_length);
                          } else {
                            const std::string_view b = line.substr(tab + 1);
                            out[i] = tok.encode(line.substr(0, tab), &b, max_length);
                          }
                        } catch (const Error& e) {
                          throw InputError("line " + std::to_string(i + 1) + ": " + e.what());
                        }
                      }
                    });
  return out;
}

void copy_tokenizer_files(const fs::path& from, const fs::path& to) {
  std::vector<std::string> names;
  if (fs::exists(from / "vocab.txt")) {
    names = {"vocab.txt"};
  } else if (fs::exists(from / "vocab.json") && fs::exists(from / "merges.txt")) {
    names = {"vocab.json", "merges.txt"};
  } else {
    throw IoError("no tokenizer files in " + from.string() +
                  ": expected vocab.txt, or vocab.json and merges.txt");
  }
  for (const char* extra : {"tokenizer_config.json", "special_tokens_map.json"}) {
    if (fs::exists(from / extra)) names.emplace_back(extra);
  }
  std::error_code ec;
  fs::create_directories(to, ec);
  if (ec) throw IoError("cannot create " + to.string() + ": " + ec.message());
  for (const auto& name : names) write_file_atomically(to / name, read_text_file(from / name));
}

}  // namespace adamix::text
