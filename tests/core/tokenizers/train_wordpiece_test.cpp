#include "core/tokenizers/train_wordpiece.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/tokenizers/tokenizer.h"
#include "core/tokenizers/unicode_text.h"
#include "tokenizer_test_helpers.h"

namespace adamix::text {
namespace {

namespace fs = std::filesystem;
using Strings = std::vector<std::string>;

std::vector<std::string> hug_lines() {
  std::vector<std::string> lines;
  for (const auto& [word, n] : std::vector<std::pair<std::string, int>>{
           {"Hug", 10}, {"pug", 5}, {"pun", 12}, {"bun", 4}, {"hugs", 5}}) {
    lines.insert(lines.end(), static_cast<size_t>(n), word);
  }
  return lines;
}

Strings split_lines(const std::string& text) {
  Strings out;
  size_t start = 0;
  for (size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    out.push_back(text.substr(start, end - start));
  }
  EXPECT_EQ(start, text.size()) << "the file does not end with a line break";
  return out;
}

TEST(TrainWordPiece, HugCorpusVocabularyByHand) {
  const auto dir = testing::fresh_dir("train_wordpiece_hugs");
  WordPieceTrainingOptions options;
  options.vocab_size = 100;
  train_wordpiece(hug_lines(), options, dir);
  // Specials; the characters; their "##" forms seen inside words; then the merges: ##u ##g 20,
  // ##u ##n 16, h ##ug 15, p ##un 12, the tie p ##ug / hug ##s (5) to the smaller ids, b ##un.
  EXPECT_EQ(split_lines(testing::read_file(dir / "vocab.txt")),
            (Strings{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "b",    "g",   "h",
                     "n",     "p",     "s",     "u",     "##g",    "##n",  "##s", "##u",
                     "##ug",  "##un",  "hug",   "pun",   "pug",    "hugs", "bun"}));
  const auto config = nlohmann::json::parse(testing::read_file(dir / "tokenizer_config.json"));
  EXPECT_EQ(config.at("do_lower_case"), true);
  EXPECT_TRUE(config.at("strip_accents").is_null());
  EXPECT_EQ(config.at("mask_token"), "[MASK]");

  const auto tok = load_tokenizer(dir);
  const auto* wp = dynamic_cast<WordPieceTokenizer*>(tok.get());
  ASSERT_NE(wp, nullptr);
  EXPECT_EQ(tok->pad_id(), 0);
  EXPECT_EQ(tok->vocab_size(), 23);
  EXPECT_EQ(tok->encode("HUGS pug, bun").ids, (std::vector<int64_t>{2, 21, 20, 1, 22, 3}));
  EXPECT_EQ(wp->tokenize("hun pugs"), (Strings{"h", "##un", "pug", "##s"}));
}

TEST(TrainWordPiece, MinFrequencyAndVocabSize) {
  WordPieceTrainingOptions options;
  options.vocab_size = 100;
  options.min_frequency = 5;
  EXPECT_EQ(learn_wordpiece(hug_lines(), options).size(), 22u);  // b ##un (4) not merged
  options.min_frequency = 2;
  options.vocab_size = 19;
  const Strings tokens = learn_wordpiece(hug_lines(), options);
  EXPECT_EQ(tokens.size(), 19u);
  EXPECT_EQ(tokens.back(), "hug");
}

// Pieces back to words: "##" continues the previous word.
std::string decode(const Strings& vocab, const std::vector<int64_t>& ids) {
  std::string out;
  for (int64_t id : ids) {
    const std::string& piece = vocab.at(static_cast<size_t>(id));
    if (piece.rfind("##", 0) == 0) {
      out += piece.substr(2);
    } else {
      if (!out.empty()) out += ' ';
      out += piece;
    }
  }
  return out;
}

TEST(TrainWordPiece, CorpusWordsRoundTripWithoutUnknown) {
  const auto dir = testing::fresh_dir("train_wordpiece_round_trip");
  const std::vector<std::string> lines = testing::synthetic_corpus(200000, 5);
  WordPieceTrainingOptions options;
  options.vocab_size = 800;
  train_wordpiece(lines, options, dir);
  const Strings vocab = split_lines(testing::read_file(dir / "vocab.txt"));
  EXPECT_EQ(vocab.size(), 800u);
  const auto tok = load_tokenizer(dir);
  EXPECT_EQ(tok->vocab_size(), 800);
  const WordPieceTokenizer& wp = dynamic_cast<const WordPieceTokenizer&>(*tok);
  for (const auto& line : lines) {
    const std::vector<int64_t> ids = tok->encode_text(line);
    ASSERT_EQ(std::count(ids.begin(), ids.end(), 1), 0) << line;  // 1: [UNK]
    // Up to BERT's normalization: lower-cased, accents stripped, punctuation split off.
    std::string words;
    for (const auto& word : wp.basic_tokenize(line)) words += (words.empty() ? "" : " ") + word;
    ASSERT_EQ(decode(vocab, ids), words);
  }
  // The accents of the corpus were stripped before training: no accented token.
  for (const auto& token : vocab) EXPECT_EQ(token.find("\u00e9"), std::string::npos) << token;
}

TEST(TrainWordPiece, CasedVocabularyKeepsCapitalsAndAccents) {
  const auto dir = testing::fresh_dir("train_wordpiece_cased");
  WordPieceTrainingOptions options;
  options.vocab_size = 600;
  options.tokenizer.do_lower_case = false;
  train_wordpiece(testing::synthetic_corpus(50000, 6), options, dir);
  const auto config = nlohmann::json::parse(testing::read_file(dir / "tokenizer_config.json"));
  EXPECT_EQ(config.at("do_lower_case"), false);
  const auto tok = load_tokenizer(dir);
  const auto& wp = dynamic_cast<const WordPieceTokenizer&>(*tok);
  EXPECT_FALSE(wp.options().do_lower_case);
  const Strings pieces = wp.tokenize("The caf\u00e9 \u4f60");
  EXPECT_EQ(std::count(pieces.begin(), pieces.end(), "[UNK]"), 0);
  EXPECT_EQ(pieces.front().substr(0, 1), "T");
  EXPECT_EQ(pieces.back(), "\u4f60");  // CJK ideographs are words of their own
}

TEST(TrainWordPiece, LimitAlphabetKeepsTheCommonestCharacters) {
  WordPieceTrainingOptions options;
  options.vocab_size = 100;
  options.limit_alphabet = 4;  // b 4 < s 5 < h 15 < n 16 < p 17 < g 20 < u 36: b, s, h go
  const Strings tokens = learn_wordpiece(hug_lines(), options);
  EXPECT_EQ(Strings(tokens.begin() + 5, tokens.begin() + 9), (Strings{"g", "n", "p", "u"}));
  // "hug" lost its h, so its u opens no word but keeps the "##" of a word's inside.
  EXPECT_EQ(Strings(tokens.begin() + 9, tokens.begin() + 12), (Strings{"##g", "##n", "##u"}));
}

TEST(TrainWordPiece, SameInputSameBytes) {
  const std::vector<std::string> lines = testing::synthetic_corpus(50000, 7);
  WordPieceTrainingOptions options;
  options.vocab_size = 500;
  const auto a = testing::fresh_dir("train_wordpiece_det_a");
  const auto b = testing::fresh_dir("train_wordpiece_det_b");
  train_wordpiece(lines, options, a);
  train_wordpiece(lines, options, b);
  EXPECT_EQ(testing::read_file(a / "vocab.txt"), testing::read_file(b / "vocab.txt"));
}

TEST(TrainWordPiece, BadOptionsAndCorpora) {
  WordPieceTrainingOptions options;
  options.vocab_size = 15;  // 5 specials + 7 characters + 4 "##" forms = 16
  testing::expect_error_naming<ConfigError>([&] { learn_wordpiece(hug_lines(), options); },
                                            "vocab_size 15 is smaller than the 16 tokens");
  options.vocab_size = 100;
  testing::expect_error_naming<ConfigError>([&] { learn_wordpiece({}, options); }, "empty");
  testing::expect_error_naming<ConfigError>(
      [&] {
        learn_wordpiece({" \t ", "\u0001"}, options);
      },
      "empty");
  testing::expect_error_naming<InputError>(
      [&] {
        learn_wordpiece({"ok", "ok", "\xc3"}, options);
      },
      "training text 3");
  options.special_tokens = {"[PAD]", "[CLS]", "[SEP]"};
  testing::expect_error_naming<ConfigError>([&] { learn_wordpiece(hug_lines(), options); },
                                            "'[UNK]'");
  options.special_tokens = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MA\nSK]"};
  testing::expect_error_naming<ConfigError>([&] { learn_wordpiece(hug_lines(), options); },
                                            "line break");
  options.special_tokens = {"[PAD]", "[UNK]", "[CLS]", "[SEP]"};
  options.limit_alphabet = -1;
  testing::expect_error_naming<ConfigError>([&] { learn_wordpiece(hug_lines(), options); },
                                            "limit_alphabet");
}

}  // namespace
}  // namespace adamix::text
