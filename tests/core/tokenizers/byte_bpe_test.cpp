#include "core/tokenizers/byte_bpe.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "tokenizer_test_helpers.h"

namespace adamix::text {
namespace {

using Strings = std::vector<std::string>;

const ByteBpeTokenizer& gpt2() {
  static const auto tok = ByteBpeTokenizer::from_files(testing::gpt2_dir() / "vocab.json",
                                                       testing::gpt2_dir() / "merges.txt", {});
  return *tok;
}

TEST(ByteBpe, BytesToUnicodeIsGpt2s) {
  const auto& symbols = ByteBpeTokenizer::byte_symbols();
  EXPECT_EQ(symbols[' '], 0x120u);   // Ġ
  EXPECT_EQ(symbols['\n'], 0x10Au);  // Ċ
  EXPECT_EQ(symbols['!'], U'!');
  EXPECT_EQ(symbols[0xAD], 0x143u);  // soft hyphen byte is remapped
  EXPECT_EQ(symbols[0xAE], 0xAEu);
}

TEST(ByteBpe, PreTokenizerFollowsTheGpt2Pattern) {
  EXPECT_EQ(ByteBpeTokenizer::pre_tokenize("Hello world"), (Strings{"Hello", " world"}));
  EXPECT_EQ(ByteBpeTokenizer::pre_tokenize("don't I'll she's"),
            (Strings{"don", "'t", " I", "'ll", " she", "'s"}));
  // Contractions are case-sensitive: 'S is punctuation then a letter.
  EXPECT_EQ(ByteBpeTokenizer::pre_tokenize("IT'S"), (Strings{"IT", "'", "S"}));
  // \s+(?!\S): a run of spaces leaves its last space to the next word.
  EXPECT_EQ(ByteBpeTokenizer::pre_tokenize("a   b"), (Strings{"a", "  ", " b"}));
  EXPECT_EQ(ByteBpeTokenizer::pre_tokenize("a  "), (Strings{"a", "  "}));
  EXPECT_EQ(ByteBpeTokenizer::pre_tokenize("a\nb"), (Strings{"a", "\n", "b"}));
  EXPECT_EQ(ByteBpeTokenizer::pre_tokenize("a\n\n b"), (Strings{"a", "\n\n", " b"}));
  EXPECT_EQ(ByteBpeTokenizer::pre_tokenize(" 123 4.5?!"), (Strings{" 123", " 4", ".", "5", "?!"}));
  EXPECT_EQ(ByteBpeTokenizer::pre_tokenize("\u00e9t\u00e9 \u4f60\u597d"),
            (Strings{"\u00e9t\u00e9", " \u4f60\u597d"}));
  EXPECT_EQ(ByteBpeTokenizer::pre_tokenize(""), Strings{});
}

TEST(ByteBpe, WhiteSpaceIsUnicodeWhiteSpaceLikePythonRegex) {
  // U+0085 is \s for Python's `regex` (HF slow) but not for JavaScript (transformers.js, and
  // gpt-3-encoder); U+FEFF the other way round. The goldens leave both out.
  EXPECT_EQ(ByteBpeTokenizer::pre_tokenize("a\u0085\u0085b"),
            (Strings{"a", "\u0085", "\u0085", "b"}));
  EXPECT_EQ(ByteBpeTokenizer::pre_tokenize("a\u0085 b"), (Strings{"a", "\u0085", " b"}));
  EXPECT_EQ(ByteBpeTokenizer::pre_tokenize("x\ufeffy"), (Strings{"x", "\ufeff", "y"}));
}

TEST(ByteBpe, MergesByRankIntoGpt2Ids) {
  EXPECT_EQ(gpt2().tokenize("Hello world"), (Strings{"Hello", "\u0120world"}));
  EXPECT_EQ(gpt2().encode_text("Hello world"), (std::vector<int64_t>{15496, 995}));
  EXPECT_EQ(gpt2().encode_text(" \U0001F917"), (std::vector<int64_t>{12520, 97, 245}));
  EXPECT_EQ(gpt2().vocab_size(), 50257);
  EXPECT_EQ(gpt2().pad_id(), 50256);  // GPT-2 has no pad token: end-of-text stands in
}

TEST(ByteBpe, Gpt2PairsAreConcatenatedWithTypeIds) {
  const std::string_view b = " world";
  const Encoding e = gpt2().encode("Hello", &b);
  EXPECT_EQ(e.ids, (std::vector<int64_t>{15496, 995}));
  EXPECT_EQ(e.type_ids, (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(gpt2().encode("Hello world", nullptr, 1).ids, std::vector<int64_t>{15496});
}

TEST(ByteBpe, RobertaTemplates) {
  const auto tok = load_tokenizer(testing::roberta_from_gpt2_dir());
  const std::string_view b = " world";
  const Encoding e = tok->encode("Hello", &b);
  EXPECT_EQ(e.ids, (std::vector<int64_t>{0, 15500, 2, 2, 999, 2}));
  EXPECT_EQ(e.type_ids, std::vector<int64_t>(6, 0));
  EXPECT_EQ(tok->pad_id(), 1);
  EXPECT_EQ(tok->vocab_size(), 50262);
  EXPECT_THROW(tok->encode("Hello", &b, 3), InputError);  // 4 specials do not fit
}

TEST(ByteBpe, GarbledFilesNameTheFile) {
  const auto dir = testing::fresh_dir("bpe_garbled");
  testing::write_file(dir / "vocab.json", R"({"a": 0, "b": 1, "ab": 2, "<|endoftext|>": 3})");
  testing::write_file(dir / "merges.txt", "#version: 0.2\na b\nthree parts here\n");
  try {
    ByteBpeTokenizer::from_files(dir / "vocab.json", dir / "merges.txt", {});
    FAIL();
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("merges.txt line 3"), std::string::npos) << e.what();
  }
  testing::write_file(dir / "merges.txt", "a b\n");  // no #version line: every line is a merge
  const auto tok = ByteBpeTokenizer::from_files(dir / "vocab.json", dir / "merges.txt", {});
  EXPECT_EQ(tok->encode_text("ab"), std::vector<int64_t>{2});
  EXPECT_EQ(tok->encode_text("ba"), (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(tok->encode_text("c"), std::vector<int64_t>{3});  // unknown byte: unk token
  testing::write_file(dir / "vocab.json", R"({"a": "zero"})");
  EXPECT_THROW(ByteBpeTokenizer::from_files(dir / "vocab.json", dir / "merges.txt", {}), IoError);
  testing::write_file(dir / "vocab.json", R"({"a": 0})");  // no <|endoftext|>
  EXPECT_THROW(ByteBpeTokenizer::from_files(dir / "vocab.json", dir / "merges.txt", {}), IoError);
}

}  // namespace
}  // namespace adamix::text
