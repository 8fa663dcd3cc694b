#include "core/tokenizers/byte_decode.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/tokenizers/byte_bpe.h"
#include "tokenizer_test_helpers.h"

namespace adamix::text {
namespace {

const std::vector<std::string>& gpt2_vocabulary() {
  static const auto vocabulary =
      ByteBpeTokenizer::from_files(testing::gpt2_dir() / "vocab.json",
                                   testing::gpt2_dir() / "merges.txt", {})
          ->vocabulary();
  return vocabulary;
}

TEST(ByteDecode, InvertsEncodingOfAnyText) {
  const auto tok = ByteBpeTokenizer::from_files(testing::gpt2_dir() / "vocab.json",
                                                testing::gpt2_dir() / "merges.txt", {});
  for (const std::string text :
       {"Hello world", "  two  spaces\n\nand lines",
        "caf\xC3\xA9 \xE2\x82\xAC 20 - 25 \xF0\x9F\x98\x80", "<|endoftext|> stays text"}) {
    EXPECT_EQ(decode_byte_level(gpt2_vocabulary(), tok->encode_text(text)), text);
  }
  EXPECT_EQ(decode_byte_level(gpt2_vocabulary(), {15496, 995, 50256}), "Hello world<|endoftext|>");
}

TEST(ByteDecode, InvalidUtf8BecomesReplacementCharactersAsPython) {
  // bytes.decode("utf-8", "replace") in CPython 3.11, one U+FFFD per maximal invalid subpart.
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(utf8_replace_invalid("a\xE2\x82"), "a" + r);  // truncated 3-byte
  EXPECT_EQ(utf8_replace_invalid("\xE2\x82x"), r + "x");
  EXPECT_EQ(utf8_replace_invalid("\xF0\x80\x80"), r + r + r);  // overlong lead
  EXPECT_EQ(utf8_replace_invalid("\xED\xA0\x80"), r + r + r);  // surrogate
  EXPECT_EQ(utf8_replace_invalid("\xC0\xAF"), r + r);
  EXPECT_EQ(utf8_replace_invalid("\xF4\x90\x80\x80"), r + r + r + r);  // above U+10FFFF
  EXPECT_EQ(utf8_replace_invalid("\xFF"), r);
  EXPECT_EQ(utf8_replace_invalid("ok \xC3\xA9"), "ok \xC3\xA9");
  // GPT-2 splits "é" over two tokens when cut: the first alone is half a character.
  const auto tok = ByteBpeTokenizer::from_files(testing::gpt2_dir() / "vocab.json",
                                                testing::gpt2_dir() / "merges.txt", {});
  const auto ids = tok->encode_text("\xF0\x9F\x98\x80");
  ASSERT_GT(ids.size(), 1u);
  EXPECT_EQ(decode_byte_level(gpt2_vocabulary(), {ids[0]}).substr(0, 3), r);
}

TEST(ByteDecode, IdsOutsideTheVocabularyAreInputErrors) {
  EXPECT_THROW(decode_byte_level(gpt2_vocabulary(), {50257}), InputError);
  EXPECT_THROW(decode_byte_level(gpt2_vocabulary(), {-1}), InputError);
}

}  // namespace
}  // namespace adamix::text
