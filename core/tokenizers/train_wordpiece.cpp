#include "core/tokenizers/train_wordpiece.h"

#include <algorithm>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/tokenizers/bpe_trainer.h"
#include "core/tokenizers/tokenizer_files.h"
#include "core/tokenizers/unicode_text.h"

namespace adamix::text {
namespace {

namespace fs = std::filesystem;

void check_specials(const WordPieceTrainingOptions& options) {
  const auto& specials = options.special_tokens;
  for (const auto& token : specials) {
    try {
      utf8_to_code_points(token);
    } catch (const InputError& e) {
      throw ConfigError("special token '" + token + "' is not valid UTF-8: " + e.what());
    }
    // vocab.txt holds one token per line; HF's load_vocab splits at "\r" too.
    if (token.find_first_of("\r\n") != std::string::npos) {
      throw ConfigError("special token '" + token + "' holds a line break");
    }
  }
  const WordPieceOptions& tok = options.tokenizer;
  for (const std::string* token :
       {&tok.unk_token, &tok.cls_token, &tok.sep_token, &tok.pad_token}) {
    if (std::find(specials.begin(), specials.end(), *token) == specials.end()) {
      throw ConfigError("special_tokens must include '" + *token +
                        "', which the WordPiece tokenizer needs");
    }
  }
}

// BasicTokenizer words of every text with their counts; sorted, so that nothing downstream
// depends on hash order.
std::vector<std::pair<std::u32string, int64_t>> count_words(const std::vector<std::string>& texts,
                                                            const WordPieceOptions& options) {
  std::unordered_map<std::u32string, int64_t> counts;
  for (size_t i = 0; i < texts.size(); ++i) {
    try {
      for (auto& word : WordPieceTokenizer::basic_words(texts[i], options)) {
        ++counts[std::move(word)];
      }
    } catch (const InputError& e) {
      throw InputError("training text " + std::to_string(i + 1) + ": " + e.what());
    }
  }
  std::vector<std::pair<std::u32string, int64_t>> words(counts.begin(), counts.end());
  std::sort(words.begin(), words.end());
  return words;
}

}  // namespace

std::vector<std::string> learn_wordpiece(const std::vector<std::string>& texts,
                                         const WordPieceTrainingOptions& options) {
  check_specials(options);
  if (options.limit_alphabet < 0) {
    throw ConfigError("limit_alphabet must not be negative, got " +
                      std::to_string(options.limit_alphabet));
  }
  MergeTrainingOptions merge_options;
  merge_options.vocab_size = options.vocab_size;
  merge_options.min_frequency = options.min_frequency;
  merge_options.special_tokens = options.special_tokens;
  merge_options.limit_alphabet = options.limit_alphabet;
  merge_options.continuing_subword_prefix = "##";  // WordPieceTokenizer's fixed prefix
  return train_bpe_merges(count_words(texts, options.tokenizer), merge_options).tokens;
}

void train_wordpiece(const std::vector<std::string>& texts, const WordPieceTrainingOptions& options,
                     const fs::path& out_dir) {
  const std::vector<std::string> tokens = learn_wordpiece(texts, options);
  // HF WordPiece::save: the tokens in id order, each followed by "\n".
  std::string vocab_txt;
  for (const auto& token : tokens) vocab_txt += token + "\n";

  const WordPieceOptions& tok = options.tokenizer;
  nlohmann::ordered_json config;
  config["tokenizer_class"] = "BertTokenizer";
  config["do_lower_case"] = tok.do_lower_case;
  config["strip_accents"] = tok.strip_accents ? nlohmann::ordered_json(*tok.strip_accents)
                                              : nlohmann::ordered_json(nullptr);
  config["tokenize_chinese_chars"] = tok.tokenize_chinese_chars;
  config["unk_token"] = tok.unk_token;
  config["sep_token"] = tok.sep_token;
  config["pad_token"] = tok.pad_token;
  config["cls_token"] = tok.cls_token;
  const auto& specials = options.special_tokens;
  if (std::find(specials.begin(), specials.end(), "[MASK]") != specials.end()) {
    config["mask_token"] = "[MASK]";
  }

  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) throw IoError("cannot create " + out_dir.string() + ": " + ec.message());
  write_file_atomically(out_dir / "vocab.txt", vocab_txt);
  write_file_atomically(out_dir / "tokenizer_config.json", config.dump(2) + "\n");
}

}  // namespace adamix::text
