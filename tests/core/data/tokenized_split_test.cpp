#include <gtest/gtest.h>

#include "core/data/tokenized_split.h"
#include "core/error.h"
#include "data_test_helpers.h"

namespace adamix::data {
namespace {

using testing::expect_error_naming;

Split many_examples(int64_t count, bool pair) {
  Split split;
  split.name = "train";
  split.file = "memory/train.tsv";
  const char* words[] = {"the", "movie", "was", "great", "and", "not", "bad", "at", "all"};
  for (int64_t i = 0; i < count; ++i) {
    Example e;
    e.line = i + 2;
    for (int64_t w = 0; w <= i % 23; ++w)
      e.text_a += std::string(w ? " " : "") + words[(i + w) % 9];
    if (pair) e.text_b = words[i % 9] + std::string(" ") + std::to_string(i);
    e.label = i % 3;
    e.score = 0.5 * static_cast<double>(i % 11);
    split.examples.push_back(std::move(e));
  }
  return split;
}

TEST(TokenizedSplit, MatchesSequentialEncodingInOrder) {
  const auto tokenizer = text::load_tokenizer(testing::bert_uncased_dir());
  for (bool pair : {false, true}) {
    const Split split = many_examples(3000, pair);
    const TokenizedSplit tokens = tokenize_split(*tokenizer, split, 16, pair);
    ASSERT_EQ(tokens.size(), 3000);
    EXPECT_EQ(tokens.name, "train");
    EXPECT_EQ(tokens.pad_id, 0);
    EXPECT_EQ(tokens.ids.size(), tokens.type_ids.size());
    EXPECT_EQ(tokens.longest(), 16);
    const std::vector<int64_t> lengths = tokens.lengths();
    for (int64_t i = 0; i < tokens.size(); ++i) {
      const Example& e = split.examples[i];
      const std::string_view b = e.text_b;
      const text::Encoding expected = tokenizer->encode(e.text_a, pair ? &b : nullptr, 16);
      ASSERT_EQ(tokens.length(i), static_cast<int64_t>(expected.ids.size())) << i;
      EXPECT_EQ(lengths[i], tokens.length(i));
      EXPECT_LE(tokens.length(i), 16);
      EXPECT_TRUE(std::equal(expected.ids.begin(), expected.ids.end(), tokens.ids_of(i))) << i;
      EXPECT_TRUE(
          std::equal(expected.type_ids.begin(), expected.type_ids.end(), tokens.type_ids_of(i)))
          << i;
      EXPECT_EQ(tokens.labels[i], e.label);
      EXPECT_EQ(tokens.scores[i], e.score);
    }
  }
}

TEST(TokenizedSplit, PairWithEmptySecondTextStillEncodesAPair) {
  const auto tokenizer = text::load_tokenizer(testing::bert_uncased_dir());
  Split split;
  split.examples.push_back(Example{"hello world", "", 1, 0, 2});
  const TokenizedSplit single = tokenize_split(*tokenizer, split, 128, false);
  const TokenizedSplit pair = tokenize_split(*tokenizer, split, 128, true);
  EXPECT_EQ(single.length(0), 4);  // [CLS] hello world [SEP]
  EXPECT_EQ(pair.length(0), 5);    // [CLS] hello world [SEP] [SEP]
  EXPECT_EQ(pair.type_ids_of(0)[4], 1);
}

TEST(TokenizedSplit, EmptySplit) {
  const auto tokenizer = text::load_tokenizer(testing::bert_uncased_dir());
  Split split;
  const TokenizedSplit tokens = tokenize_split(*tokenizer, split, 128, false);
  EXPECT_EQ(tokens.size(), 0);
  EXPECT_EQ(tokens.longest(), 0);
}

TEST(TokenizedSplit, ErrorNamesTheFirstBadExampleInFileOrder) {
  const auto tokenizer = text::load_tokenizer(testing::bert_uncased_dir());
  Split split = many_examples(500, false);
  split.examples[123].text_a = "bad \xFF utf-8";
  split.examples[400].text_a = "also \xFE bad";
  for (int run = 0; run < 3; ++run) {
    expect_error_naming<InputError>(
        [&] { tokenize_split(*tokenizer, split, 32, false); },
        {"memory/train.tsv:125", "train example 123", "cannot tokenize"});
  }
}

}  // namespace
}  // namespace adamix::data
