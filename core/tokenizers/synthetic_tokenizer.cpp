// write_synthetic_tokenizer: tokenizer files for tiny random models (`adamix make-model`).
#include <algorithm>
#include <map>
#include <set>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/tokenizers/byte_bpe.h"
#include "core/tokenizers/tokenizer.h"
#include "core/tokenizers/tokenizer_files.h"
#include "core/tokenizers/unicode_text.h"

namespace adamix::text {
namespace {

namespace fs = std::filesystem;

// Text the synthetic BPE merges are learned from, so that English encodes in few tokens.
constexpr const char* kEnglishSample =
    "The quick brown fox jumps over the lazy dog. It was the best of times, it was the worst "
    "of times. We tested the model on the new data and found that it performed well in most "
    "of the cases, but there are still some examples where the results could be better. "
    "This is a sentence about a movie that was not very good, although the actors were "
    "great and the story was interesting. She said that he would come back to the city "
    "after the meeting. They have been working on this project for many years and they "
    "will continue to make it better. What do you think about the weather today? I think "
    "it is going to rain, so you should take an umbrella with you when you go out. The "
    "people in the room were talking about their plans for the summer. There is no reason "
    "to believe that the government will change its policy in the near future. Students "
    "learn more when they can ask questions and discuss the answers with each other. "
    "A man is playing a guitar on the street while a woman is singing a song. The company "
    "reported strong growth in the first quarter of the year, with sales up by ten percent.";

constexpr const char* kEnglishWords[] = {
    "the",    "of",    "and",    "to",    "a",      "in",     "is",     "it",     "that",   "was",
    "for",    "on",    "are",    "as",    "with",   "his",    "they",   "at",     "be",     "this",
    "from",   "have",  "or",     "by",    "one",    "had",    "not",    "but",    "what",   "all",
    "were",   "when",  "we",     "there", "can",    "an",     "your",   "which",  "their",  "said",
    "if",     "do",    "will",   "each",  "about",  "how",    "up",     "out",    "them",   "then",
    "she",    "many",  "some",   "so",    "these",  "would",  "other",  "into",   "has",    "more",
    "her",    "two",   "like",   "him",   "see",    "time",   "could",  "no",     "make",   "than",
    "first",  "been",  "its",    "who",   "now",    "people", "my",     "made",   "over",   "did",
    "down",   "only",  "way",    "find",  "use",    "may",    "water",  "long",   "little", "very",
    "after",  "words", "called", "just",  "where",  "most",   "know",   "good",   "new",    "man",
    "woman",  "day",   "year",   "work",  "world",  "movie",  "film",   "story",  "great",  "bad",
    "not",    "you",   "he",     "i",     "me",     "us",     "our",    "yes",    "##s",    "##ed",
    "##ing",  "##ly",  "##er",   "##est", "##tion", "##ment", "##ness", "##able", "##al",   "##ful",
    "##less", "##ous", "##ive",  "##ize", "##en",   "##es",   "##ie",   "##th"};

int64_t num_specials(TokenizerKind kind) {
  switch (kind) {
    case TokenizerKind::WordPiece: return 5;
    case TokenizerKind::Gpt2Bpe: return 1;
    case TokenizerKind::RobertaBpe: return 5;
  }
  return 0;
}

// [PAD] [UNK] [CLS] [SEP] [MASK], every printable ASCII character, "##" + each letter and
// digit, English words and suffixes, then BERT-style [unusedN] fillers.
std::vector<std::string> wordpiece_vocab(int64_t vocab_size) {
  std::vector<std::string> tokens = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
  std::unordered_set<std::string> seen(tokens.begin(), tokens.end());
  auto add = [&](const std::string& token) {
    if (static_cast<int64_t>(tokens.size()) < vocab_size && seen.insert(token).second) {
      tokens.push_back(token);
    }
  };
  for (char c = '!'; c <= '~'; ++c) {
    if (!(c >= 'A' && c <= 'Z')) add(std::string(1, c));  // lower-cased vocabulary
  }
  for (char c = '0'; c <= '9'; ++c) add("##" + std::string(1, c));
  for (char c = 'a'; c <= 'z'; ++c) add("##" + std::string(1, c));
  for (const char* word : kEnglishWords) add(word);
  for (int64_t i = 0; static_cast<int64_t>(tokens.size()) < vocab_size; ++i) {
    add("[unused" + std::to_string(i) + "]");
  }
  return tokens;
}

std::string symbol_string(char32_t cp) {
  std::string s;
  append_utf8(s, cp);
  return s;
}

// Learns `count` BPE merges from kEnglishSample (most frequent pair first, ties by the pair's
// text), then pads with merges of existing tokens and byte symbols. Every merge's parts and
// result are in `vocab` (appended to it), as HF's BPE loader requires.
std::vector<ByteBpeTokenizer::Merge> learn_merges(std::vector<std::string>& vocab, size_t count) {
  std::unordered_set<std::string> known(vocab.begin(), vocab.end());
  std::vector<ByteBpeTokenizer::Merge> merges;
  std::map<std::vector<std::string>, int64_t> words;
  for (const auto& piece : ByteBpeTokenizer::pre_tokenize(kEnglishSample)) {
    std::vector<std::string> symbols;
    for (unsigned char byte : piece)
      symbols.push_back(symbol_string(ByteBpeTokenizer::byte_symbols()[byte]));
    ++words[symbols];
  }
  while (merges.size() < count) {
    std::map<std::pair<std::string, std::string>, int64_t> pairs;
    for (const auto& [symbols, freq] : words) {
      for (size_t i = 0; i + 1 < symbols.size(); ++i) {
        if (!known.count(symbols[i] + symbols[i + 1])) pairs[{symbols[i], symbols[i + 1]}] += freq;
      }
    }
    if (pairs.empty()) break;
    auto best = pairs.begin();
    for (auto it = pairs.begin(); it != pairs.end(); ++it) {
      if (it->second > best->second) best = it;
    }
    const auto [first, second] = best->first;
    merges.emplace_back(first, second);
    vocab.push_back(first + second);
    known.insert(vocab.back());
    std::map<std::vector<std::string>, int64_t> merged_words;
    for (const auto& [symbols, freq] : words) {
      std::vector<std::string> merged;
      for (size_t i = 0; i < symbols.size(); ++i) {
        if (i + 1 < symbols.size() && symbols[i] == first && symbols[i + 1] == second) {
          merged.push_back(first + second);
          ++i;
        } else {
          merged.push_back(symbols[i]);
        }
      }
      merged_words[merged] += freq;
    }
    words = std::move(merged_words);
  }
  // Fillers: token + byte symbol, in vocabulary order.
  for (size_t x = 0; merges.size() < count; ++x) {
    for (char32_t cp : ByteBpeTokenizer::byte_symbols()) {
      if (merges.size() >= count) break;
      const std::string second = symbol_string(cp);
      const std::string first = vocab[x];
      if (known.insert(first + second).second) {
        merges.emplace_back(first, second);
        vocab.push_back(first + second);
      }
    }
  }
  return merges;
}

void write_byte_bpe(const fs::path& dir, bool roberta, int64_t vocab_size) {
  std::vector<std::string> vocab;
  if (roberta) vocab = {"<s>", "<pad>", "</s>", "<unk>"};
  // GPT-2's own order: the printable byte symbols first, then the remapped ones.
  std::vector<char32_t> symbols(ByteBpeTokenizer::byte_symbols().begin(),
                                ByteBpeTokenizer::byte_symbols().end());
  std::stable_sort(symbols.begin(), symbols.end());
  for (char32_t cp : symbols) vocab.push_back(symbol_string(cp));
  const size_t merge_count = static_cast<size_t>(vocab_size) - vocab.size() - 1;
  const auto merges = learn_merges(vocab, merge_count);
  vocab.push_back(roberta ? "<mask>" : "<|endoftext|>");

  nlohmann::ordered_json vocab_json = nlohmann::ordered_json::object();
  for (size_t i = 0; i < vocab.size(); ++i) vocab_json[vocab[i]] = static_cast<int64_t>(i);
  std::string merges_txt = "#version: 0.2\n";
  for (const auto& [first, second] : merges) merges_txt += first + " " + second + "\n";

  nlohmann::ordered_json config;
  if (roberta) {
    config = {{"tokenizer_class", "RobertaTokenizer"},
              {"add_prefix_space", false},
              {"bos_token", "<s>"},
              {"eos_token", "</s>"},
              {"sep_token", "</s>"},
              {"cls_token", "<s>"},
              {"unk_token", "<unk>"},
              {"pad_token", "<pad>"},
              {"mask_token", "<mask>"}};
  } else {
    config = {{"tokenizer_class", "GPT2Tokenizer"},
              {"add_prefix_space", false},
              {"bos_token", "<|endoftext|>"},
              {"eos_token", "<|endoftext|>"},
              {"unk_token", "<|endoftext|>"}};
  }
  write_file_atomically(dir / "vocab.json", vocab_json.dump());
  write_file_atomically(dir / "merges.txt", merges_txt);
  write_file_atomically(dir / "tokenizer_config.json", config.dump(2) + "\n");
}

}  // namespace

int64_t min_synthetic_vocab_size(TokenizerKind kind) {
  if (kind == TokenizerKind::WordPiece) {
    // Specials, printable ASCII less the capitals, "##" + 36 letters and digits.
    return num_specials(kind) + (94 - 26) + 36;
  }
  return num_specials(kind) + 256;
}

void write_synthetic_tokenizer(const fs::path& dir, TokenizerKind kind, int64_t vocab_size) {
  const int64_t minimum = min_synthetic_vocab_size(kind);
  if (vocab_size < minimum) {
    throw ConfigError("vocab_size " + std::to_string(vocab_size) + " is too small for this " +
                      "tokenizer kind: the minimum is " + std::to_string(minimum));
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw IoError("cannot create " + dir.string() + ": " + ec.message());
  if (kind != TokenizerKind::WordPiece) {
    write_byte_bpe(dir, kind == TokenizerKind::RobertaBpe, vocab_size);
    return;
  }
  std::string vocab_txt;
  for (const auto& token : wordpiece_vocab(vocab_size)) vocab_txt += token + "\n";
  const nlohmann::ordered_json config = {{"tokenizer_class", "BertTokenizer"},
                                         {"do_lower_case", true},
                                         {"unk_token", "[UNK]"},
                                         {"sep_token", "[SEP]"},
                                         {"pad_token", "[PAD]"},
                                         {"cls_token", "[CLS]"},
                                         {"mask_token", "[MASK]"}};
  write_file_atomically(dir / "vocab.txt", vocab_txt);
  write_file_atomically(dir / "tokenizer_config.json", config.dump(2) + "\n");
}

}  // namespace adamix::text
