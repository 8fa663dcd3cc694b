#include "core/tokenizers/train_bpe.h"

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

std::vector<std::string> template_specials(BpeTemplate templates) {
  if (templates == BpeTemplate::Roberta) return {"<s>", "<pad>", "</s>", "<unk>", "<mask>"};
  return {"<|endoftext|>"};
}

// The tokens ByteBpeTokenizer requires for the template (bos, eos and pad for RoBERTa; GPT-2's
// eos), so that the trained files load.
std::vector<std::string> required_specials(BpeTemplate templates) {
  if (templates == BpeTemplate::Roberta) return {"<s>", "</s>", "<pad>"};
  return {"<|endoftext|>"};
}

std::vector<std::string> checked_specials(const BpeTrainingOptions& options) {
  std::vector<std::string> specials = options.special_tokens.empty()
                                          ? template_specials(options.templates)
                                          : options.special_tokens;
  for (const auto& token : specials) {
    try {
      utf8_to_code_points(token);
    } catch (const InputError& e) {
      throw ConfigError("special token '" + token + "' is not valid UTF-8: " + e.what());
    }
  }
  const char* name = options.templates == BpeTemplate::Roberta ? "RoBERTa" : "GPT-2";
  for (const auto& token : required_specials(options.templates)) {
    if (std::find(specials.begin(), specials.end(), token) == specials.end()) {
      throw ConfigError(std::string("special_tokens must include '") + token + "' for the " + name +
                        " template");
    }
  }
  return specials;
}

// GPT-2's pre-tokenization of every text, each piece as byte symbols, with its count; sorted,
// so that nothing downstream depends on hash order.
std::vector<std::pair<std::u32string, int64_t>> count_words(const std::vector<std::string>& texts) {
  std::unordered_map<std::string, int64_t> counts;
  for (size_t i = 0; i < texts.size(); ++i) {
    try {
      for (auto& piece : ByteBpeTokenizer::pre_tokenize(texts[i])) ++counts[std::move(piece)];
    } catch (const InputError& e) {
      throw InputError("training text " + std::to_string(i + 1) + ": " + e.what());
    }
  }
  const auto& symbols = ByteBpeTokenizer::byte_symbols();
  std::vector<std::pair<std::u32string, int64_t>> words;
  words.reserve(counts.size());
  for (const auto& [piece, count] : counts) {
    std::u32string word;
    word.reserve(piece.size());
    for (unsigned char byte : piece) word.push_back(symbols[byte]);
    words.emplace_back(std::move(word), count);
  }
  std::sort(words.begin(), words.end());
  return words;
}

nlohmann::ordered_json tokenizer_config(const BpeTrainingOptions& options,
                                        const std::vector<std::string>& specials) {
  auto has = [&](const char* token) {
    return std::find(specials.begin(), specials.end(), token) != specials.end();
  };
  nlohmann::ordered_json config;
  if (options.templates == BpeTemplate::Roberta) {
    config["tokenizer_class"] = "RobertaTokenizer";
    config["add_prefix_space"] = false;
    config["bos_token"] = "<s>";
    config["eos_token"] = "</s>";
    config["sep_token"] = "</s>";
    config["cls_token"] = "<s>";
    if (has("<unk>")) config["unk_token"] = "<unk>";
    config["pad_token"] = "<pad>";
    if (has("<mask>")) config["mask_token"] = "<mask>";
  } else {
    config["tokenizer_class"] = "GPT2Tokenizer";
    config["add_prefix_space"] = false;
    config["bos_token"] = "<|endoftext|>";
    config["eos_token"] = "<|endoftext|>";
    config["unk_token"] = "<|endoftext|>";
  }
  return config;
}

}  // namespace

ByteBpeVocabulary learn_byte_bpe(const std::vector<std::string>& texts,
                                 const BpeTrainingOptions& options) {
  MergeTrainingOptions merge_options;
  merge_options.vocab_size = options.vocab_size;
  merge_options.min_frequency = options.min_frequency;
  merge_options.special_tokens = checked_specials(options);
  const auto& symbols = ByteBpeTokenizer::byte_symbols();
  merge_options.initial_alphabet.assign(symbols.begin(), symbols.end());
  MergeTrainingResult trained = train_bpe_merges(count_words(texts), merge_options);

  ByteBpeVocabulary out;
  out.tokens = std::move(trained.tokens);
  out.merges.reserve(trained.merges.size());
  for (const auto& [first, second] : trained.merges) {
    out.merges.emplace_back(out.tokens[static_cast<size_t>(first)],
                            out.tokens[static_cast<size_t>(second)]);
  }
  return out;
}

void train_byte_bpe(const std::vector<std::string>& texts, const BpeTrainingOptions& options,
                    const fs::path& out_dir) {
  const ByteBpeVocabulary vocab = learn_byte_bpe(texts, options);
  // HF BPE::save: vocab.json is the token -> id object in id order, without white space.
  nlohmann::ordered_json vocab_json = nlohmann::ordered_json::object();
  for (size_t i = 0; i < vocab.tokens.size(); ++i) {
    vocab_json[vocab.tokens[i]] = static_cast<int64_t>(i);
  }
  std::string merges_txt = "#version: 0.2\n";
  for (const auto& [first, second] : vocab.merges) merges_txt += first + " " + second + "\n";

  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) throw IoError("cannot create " + out_dir.string() + ": " + ec.message());
  write_file_atomically(out_dir / "vocab.json", vocab_json.dump());
  write_file_atomically(out_dir / "merges.txt", merges_txt);
  const std::vector<std::string> specials = checked_specials(options);
  write_file_atomically(out_dir / "tokenizer_config.json",
                        tokenizer_config(options, specials).dump(2) + "\n");
}

}  // namespace adamix::text
