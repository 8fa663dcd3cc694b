#include "core/tokenizers/unicode_text.h"

#include <gtest/gtest.h>

#include "core/error.h"

// Known, deliberate gap: character data comes from utf8proc (Unicode 15.0 with utf8proc 2.8),
// HF's from the running Python's unicodedata (3.11: Unicode 14.0; 3.12: 15.0; 3.13: 15.1). Code
// points assigned in only one of the two versions classify differently (e.g. a character new
// in 15.0 is unassigned, so dropped by BERT's clean-up, under Python 3.11). For every code point
// assigned in Unicode 14, these helpers were checked against Python 3.11's unicodedata and
// `regex` (categories, per-character lower, NFD less Mn, NFC).
namespace adamix::text {
namespace {

TEST(UnicodeText, Utf8RoundTrip) {
  const std::string text = "a\u00e9\u4f60\U0001F917";
  const std::u32string cps = utf8_to_code_points(text);
  EXPECT_EQ(cps, (std::u32string{U'a', 0xE9, 0x4F60, 0x1F917}));
  EXPECT_EQ(code_points_to_utf8(cps), text);
}

TEST(UnicodeText, MalformedUtf8ThrowsInputErrorNamingTheByte) {
  for (const std::string bad :
       {"ab\xff", "\xc3", "\xe4\xbd", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "x\x80"}) {
    EXPECT_THROW(utf8_to_code_points(bad), InputError) << bad;
  }
  try {
    utf8_to_code_points("ab\xff");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("byte 2"), std::string::npos) << e.what();
  }
}

TEST(UnicodeText, BertCharacterClassesFollowHuggingFace) {
  EXPECT_TRUE(is_bert_punctuation(U'$'));  // ASCII symbol counted as punctuation
  EXPECT_TRUE(is_bert_punctuation(U'`'));
  EXPECT_TRUE(is_bert_punctuation(0xAB));     // « (Pi)
  EXPECT_TRUE(is_bert_punctuation(0x2014));   // — (Pd)
  EXPECT_FALSE(is_bert_punctuation(0x20AC));  // € (Sc) is not
  EXPECT_FALSE(is_bert_punctuation(0x1F917));
  EXPECT_TRUE(is_bert_whitespace(0x3000));  // Zs
  EXPECT_FALSE(is_bert_whitespace(0x0B));   // vertical tab is a control character
  EXPECT_TRUE(is_bert_control(0x0B));
  EXPECT_TRUE(is_bert_control(0x200D));  // ZWJ (Cf)
  EXPECT_TRUE(is_bert_control(0x0378));  // unassigned (Cn)
  EXPECT_TRUE(is_bert_control(0xE000));  // private use (Co)
  EXPECT_FALSE(is_bert_control(U'\t'));
  EXPECT_TRUE(is_cjk_ideograph(0x4F60));
  EXPECT_TRUE(is_cjk_ideograph(0x20000));  // CJK Extension B, outside the BMP
  EXPECT_TRUE(is_cjk_ideograph(0xF900));
  EXPECT_FALSE(is_cjk_ideograph(0x3042));  // hiragana
  EXPECT_FALSE(is_cjk_ideograph(0xD55C));  // hangul
  EXPECT_TRUE(is_python_space(0x2028));
}

TEST(UnicodeText, WhiteSpaceIsTheUnicodeProperty) {
  EXPECT_TRUE(is_white_space(0x85));     // NEL: \s in Python's regex (not in JavaScript's)
  EXPECT_FALSE(is_white_space(0xFEFF));  // BOM: \s in JavaScript only
  EXPECT_FALSE(is_white_space(0x200B));
  EXPECT_TRUE(is_white_space(0x3000));
  EXPECT_FALSE(is_white_space(0x1C));  // str.isspace() but not White_Space
}

TEST(UnicodeText, PythonLowerOfOneCharacter) {
  std::u32string out;
  append_python_lower(out, 0x130);  // 'İ'.lower() == 'i̇'
  append_python_lower(out, 0x3A3);  // 'Σ'.lower() == 'σ' (no context, no final form)
  append_python_lower(out, U'A');
  append_python_lower(out, 0xDF);  // ß stays
  EXPECT_EQ(out, (std::u32string{U'i', 0x307, 0x3C3, U'a', 0xDF}));
}

TEST(UnicodeText, NormalizationForms) {
  EXPECT_EQ(nfd(std::u32string{0xE9}), (std::u32string{U'e', 0x301}));
  EXPECT_EQ(nfc(std::u32string{U'e', 0x301}), std::u32string{0xE9});
  EXPECT_EQ(nfc(std::u32string{0x212B}), std::u32string{0xC5});  // Å sign -> Å
  EXPECT_EQ(nfd(std::u32string{0xD55C}).size(), 3u);             // 한 -> three jamo
  EXPECT_EQ(nfc(std::u32string{}), std::u32string{});
}

}  // namespace
}  // namespace adamix::text
