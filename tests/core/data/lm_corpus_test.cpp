#include "core/data/lm_corpus.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/tokenizers/tokenizer.h"
#include "core/tokenizers/wordpiece.h"
#include "data_test_helpers.h"

namespace adamix::data {
namespace {

using testing::expect_error_naming;
using testing::fresh_dir;
using testing::write_file;

// [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 [MASK]=4 the=5 cat=6 sat=7 on=8 mat=9 dog=10 ran=11 .=12
std::unique_ptr<text::Tokenizer> tiny_wordpiece(const std::string& name) {
  const auto dir = fresh_dir(name);
  write_file(dir / "vocab.txt",
             "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nthe\ncat\nsat\non\nmat\ndog\nran\n.\n");
  return text::load_tokenizer(dir);
}

std::vector<int64_t> flat(const torch::Tensor& blocks) {
  const auto contiguous = blocks.contiguous();
  return std::vector<int64_t>(contiguous.data_ptr<int64_t>(),
                              contiguous.data_ptr<int64_t>() + contiguous.numel());
}

TEST(LmCorpus, GroupTextsConcatenatesLinesInOrderAndDropsTheRemainder) {
  const auto tok = tiny_wordpiece("lm_group");
  const std::vector<std::string> lines = {"the cat sat",   "",           "  \t",
                                          "the dog ran .", "on the mat", "cat"};
  // [CLS] the cat sat [SEP] | [CLS] the dog ran . [SEP] | [CLS] on the mat [SEP] | [CLS] cat [SEP]
  const std::vector<int64_t> all = {2, 5, 6, 7, 3, 2, 5, 10, 11, 12, 3, 2, 8, 5, 9, 3, 2, 6, 3};
  ASSERT_EQ(all.size(), 19u);
  const auto blocks = group_texts(*tok, lines, 4, -1, "corpus.txt");
  EXPECT_EQ(blocks.scalar_type(), torch::kInt64);
  ASSERT_EQ(blocks.sizes(), (std::vector<int64_t>{4, 4}));  // 19 / 4: 3 ids dropped
  EXPECT_EQ(flat(blocks), std::vector<int64_t>(all.begin(), all.begin() + 16));

  const auto one = group_texts(*tok, lines, 19, -1, "corpus.txt");
  ASSERT_EQ(one.sizes(), (std::vector<int64_t>{1, 19}));
  EXPECT_EQ(flat(one), all);
}

TEST(LmCorpus, SeparatorFollowsEachNonBlankLine) {
  const auto tok = tiny_wordpiece("lm_separator");
  const std::vector<std::string> lines = {"cat", "", "dog ran"};
  const auto blocks = group_texts(*tok, lines, 3, 12, "corpus.txt");
  // [CLS] cat [SEP] . [CLS] dog ran [SEP] .   (9 ids → 3 blocks of 3)
  ASSERT_EQ(blocks.sizes(), (std::vector<int64_t>{3, 3}));
  EXPECT_EQ(flat(blocks), (std::vector<int64_t>{2, 6, 3, 12, 2, 10, 11, 3, 12}));
}

TEST(LmCorpus, ErrorsNameTheSourceOrTheOption) {
  const auto tok = tiny_wordpiece("lm_errors");
  expect_error_naming<InputError>(
      [&] {
        group_texts(*tok, {"the cat", "", "sat"}, 8, -1, "little.txt");
      },
      {"little.txt", "7 tokens", "8"});
  expect_error_naming<InputError>([&] { group_texts(*tok, {}, 2, -1, "empty.txt"); },
                                  {"empty.txt"});
  expect_error_naming<InputError>(
      [&] {
        group_texts(*tok, {"", " "}, 2, -1, "blank.txt");
      },
      {"blank.txt"});
  expect_error_naming<ConfigError>([&] { group_texts(*tok, {"the cat sat"}, 1, -1, "c.txt"); },
                                   {"block_size"});
  EXPECT_THROW(group_texts(*tok, {"the cat sat"}, 0, -1, "c.txt"), ConfigError);
  // Invalid UTF-8 names the source and the line.
  expect_error_naming<InputError>(
      [&] {
        group_texts(*tok, {"the cat", "sat \xff\xfe"}, 2, -1, "bad.txt");
      },
      {"bad.txt:2"});
}

TEST(LmCorpus, ReadCorpusLinesStripsCarriageReturnsAndKeepsBlankLines) {
  const auto dir = fresh_dir("lm_read");
  write_file(dir / "corpus.txt", "first line\r\n\r\nsecond\nthird\r\n");
  EXPECT_EQ(read_corpus_lines(dir / "corpus.txt"),
            (std::vector<std::string>{"first line", "", "second", "third"}));
  write_file(dir / "last.txt", "a\nb");  // no final newline
  EXPECT_EQ(read_corpus_lines(dir / "last.txt"), (std::vector<std::string>{"a", "b"}));
  write_file(dir / "empty.txt", "");
  EXPECT_TRUE(read_corpus_lines(dir / "empty.txt").empty());
  expect_error_naming<IoError>([&] { read_corpus_lines(dir / "missing.txt"); }, {"missing.txt"});
}

TEST(LmCorpus, ReadThenGroupAFile) {
  const auto tok = tiny_wordpiece("lm_file");
  const auto dir = fresh_dir("lm_file_corpus");
  write_file(dir / "c.txt", "the cat\r\n\r\nsat on the mat\r\n");
  const auto blocks = group_texts(*tok, read_corpus_lines(dir / "c.txt"), 5, -1, "c.txt");
  // [CLS] the cat [SEP] [CLS] | sat on the mat [SEP]
  EXPECT_EQ(flat(blocks), (std::vector<int64_t>{2, 5, 6, 3, 2, 7, 8, 5, 9, 3}));
}

TEST(TokenizerVocabulary, WordPieceFindTokenAndVocabulary) {
  const auto tok = tiny_wordpiece("lm_vocab_wp");
  const auto vocab = tok->vocabulary();
  ASSERT_EQ(static_cast<int64_t>(vocab.size()), tok->vocab_size());
  EXPECT_EQ(vocab[4], "[MASK]");
  EXPECT_EQ(tok->find_token("[MASK]"), std::optional<int64_t>(4));
  EXPECT_EQ(tok->find_token("dog"), std::optional<int64_t>(10));
  EXPECT_EQ(tok->find_token("Dog"), std::nullopt);  // exact spelling, no lower-casing
  EXPECT_EQ(tok->find_token("<mask>"), std::nullopt);
  for (const std::string token : {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "the", "."}) {
    const auto id = tok->find_token(token);
    ASSERT_TRUE(id.has_value()) << token;
    EXPECT_EQ(vocab[static_cast<size_t>(*id)], token);
  }
  for (size_t i = 0; i < vocab.size(); ++i)
    EXPECT_EQ(tok->find_token(vocab[i]), std::optional<int64_t>(static_cast<int64_t>(i)));
}

TEST(TokenizerVocabulary, ByteBpeFindTokenAndVocabulary) {
  const auto dir = fresh_dir("lm_vocab_bpe");
  text::write_synthetic_tokenizer(dir, text::TokenizerKind::Gpt2Bpe, 300);
  const auto tok = text::load_tokenizer(dir);
  const auto vocab = tok->vocabulary();
  ASSERT_EQ(vocab.size(), 300u);
  const auto eot = tok->find_token("<|endoftext|>");
  ASSERT_TRUE(eot.has_value());
  EXPECT_EQ(vocab[static_cast<size_t>(*eot)], "<|endoftext|>");
  for (const std::string token : {"a", "\xc4\xa0" /* Ġ, the byte-level space */}) {
    const auto id = tok->find_token(token);
    ASSERT_TRUE(id.has_value()) << token;
    EXPECT_EQ(vocab[static_cast<size_t>(*id)], token);
  }
  EXPECT_EQ(tok->find_token("[MASK]"), std::nullopt);
  EXPECT_EQ(tok->find_token(" "), std::nullopt);  // raw space is not a byte-level symbol
  int64_t named = 0;
  for (size_t i = 0; i < vocab.size(); ++i) {
    if (vocab[i].empty()) continue;
    ++named;
    EXPECT_EQ(tok->find_token(vocab[i]), std::optional<int64_t>(static_cast<int64_t>(i)))
        << vocab[i];
  }
  EXPECT_EQ(named, 300);
  // Each single-byte text encodes to its own byte symbol's id.
  EXPECT_EQ(tok->encode_text("a"), (std::vector<int64_t>{*tok->find_token("a")}));
}

}  // namespace
}  // namespace adamix::data
