#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/error.h"
#include "core/tokenizers/tokenizer.h"
#include "tokenizer_test_helpers.h"

namespace adamix::text {
namespace {

const char* kind_name(TokenizerKind kind) {
  switch (kind) {
    case TokenizerKind::WordPiece: return "wordpiece";
    case TokenizerKind::Gpt2Bpe: return "gpt2";
    case TokenizerKind::RobertaBpe: return "roberta";
  }
  return "?";
}

class SyntheticTokenizer : public ::testing::TestWithParam<TokenizerKind> {};

TEST_P(SyntheticTokenizer, LoadsBackWithExactlyTheRequestedSize) {
  const TokenizerKind kind = GetParam();
  const int64_t minimum = min_synthetic_vocab_size(kind);
  for (int64_t size : {minimum, minimum + 1, int64_t{300}, int64_t{1000}, int64_t{8000}}) {
    SCOPED_TRACE(size);
    const auto dir = testing::fresh_dir(std::string("synthetic_") + kind_name(kind));
    write_synthetic_tokenizer(dir, kind, size);
    const auto tok = load_tokenizer(dir);
    EXPECT_EQ(tok->vocab_size(), size);
    const std::string_view b = "Is it? Yes, 42 times!";
    const Encoding e = tok->encode("The quick brown fox jumps over the lazy dog.", &b);
    EXPECT_EQ(e.ids.size(), e.type_ids.size());
    for (int64_t id : e.ids) {
      EXPECT_GE(id, 0);
      EXPECT_LT(id, size);
    }
    EXPECT_GE(tok->pad_id(), 0);
    EXPECT_LT(tok->pad_id(), size);
  }
}

TEST_P(SyntheticTokenizer, FilesAreWhatHuggingFaceLoads) {
  const TokenizerKind kind = GetParam();
  const auto dir = testing::fresh_dir(std::string("synthetic_files_") + kind_name(kind));
  write_synthetic_tokenizer(dir, kind, 1000);
  const auto config = nlohmann::json::parse(testing::read_file(dir / "tokenizer_config.json"));
  EXPECT_TRUE(config.contains("tokenizer_class"));
  if (kind == TokenizerKind::WordPiece) {
    std::istringstream lines(testing::read_file(dir / "vocab.txt"));
    std::set<std::string> unique;
    std::vector<std::string> tokens;
    for (std::string line; std::getline(lines, line);) tokens.push_back(line), unique.insert(line);
    EXPECT_EQ(tokens.size(), 1000u);
    EXPECT_EQ(unique.size(), tokens.size());
    EXPECT_EQ(tokens[0], "[PAD]");
    // Lower-case English needs no [UNK].
    const auto tok = load_tokenizer(dir);
    for (int64_t id : tok->encode_text("the model was trained, and it's 99% done!")) {
      EXPECT_NE(id, 1);
    }
    return;
  }
  // BPE: ids 0..n-1 once each, and every merge's parts and result are in the vocabulary (the
  // Rust loader behind HF's fast tokenizers rejects files where they are not).
  const auto vocab = nlohmann::json::parse(testing::read_file(dir / "vocab.json"));
  std::set<int64_t> ids;
  for (const auto& [token, id] : vocab.items()) ids.insert(id.get<int64_t>());
  EXPECT_EQ(ids.size(), 1000u);
  EXPECT_EQ(*ids.rbegin(), 999);
  std::istringstream merges(testing::read_file(dir / "merges.txt"));
  std::string line;
  std::getline(merges, line);
  EXPECT_EQ(line, "#version: 0.2");
  int count = 0;
  while (std::getline(merges, line)) {
    const size_t space = line.find(' ');
    ASSERT_NE(space, std::string::npos) << line;
    const std::string a = line.substr(0, space), b = line.substr(space + 1);
    EXPECT_TRUE(vocab.contains(a) && vocab.contains(b) && vocab.contains(a + b)) << line;
    ++count;
  }
  const bool roberta = kind == TokenizerKind::RobertaBpe;
  EXPECT_EQ(count, 1000 - 256 - (roberta ? 5 : 1));
  EXPECT_EQ(vocab.at(roberta ? "<mask>" : "<|endoftext|>"), 999);
  if (roberta) {
    EXPECT_EQ(vocab.at("<pad>"), 1);
  }
  // The merges are learned from English: a sentence takes fewer tokens than bytes.
  const std::string sentence = "the people were talking about their plans for the summer";
  EXPECT_LT(load_tokenizer(dir)->encode_text(sentence).size(), sentence.size() / 2);
}

TEST_P(SyntheticTokenizer, TooSmallSizeIsAConfigErrorNamingTheMinimum) {
  const TokenizerKind kind = GetParam();
  const int64_t minimum = min_synthetic_vocab_size(kind);
  try {
    write_synthetic_tokenizer(testing::fresh_dir("synthetic_small"), kind, minimum - 1);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(std::to_string(minimum)), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(AllKinds, SyntheticTokenizer,
                         ::testing::Values(TokenizerKind::WordPiece, TokenizerKind::Gpt2Bpe,
                                           TokenizerKind::RobertaBpe),
                         [](const auto& info) { return std::string(kind_name(info.param)); });

TEST(SyntheticTokenizer, MinimumSizes) {
  EXPECT_EQ(min_synthetic_vocab_size(TokenizerKind::Gpt2Bpe), 257);
  EXPECT_EQ(min_synthetic_vocab_size(TokenizerKind::RobertaBpe), 261);
  EXPECT_EQ(min_synthetic_vocab_size(TokenizerKind::WordPiece), 109);
}

}  // namespace
}  // namespace adamix::text
