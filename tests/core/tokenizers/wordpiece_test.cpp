#include "core/tokenizers/wordpiece.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "tokenizer_test_helpers.h"

namespace adamix::text {
namespace {

using Strings = std::vector<std::string>;

const WordPieceTokenizer& uncased() {
  static const auto tok =
      WordPieceTokenizer::from_file(testing::bert_uncased_dir() / "vocab.txt", {});
  return *tok;
}

std::unique_ptr<WordPieceTokenizer> with_options(WordPieceOptions options) {
  return WordPieceTokenizer::from_file(testing::bert_uncased_dir() / "vocab.txt", options);
}

TEST(WordPiece, RealVocabularyIsBertBaseUncased) {
  EXPECT_EQ(uncased().vocab_size(), 30522);
  EXPECT_EQ(uncased().pad_id(), 0);
  EXPECT_EQ(uncased().encode("").ids, (std::vector<int64_t>{101, 102}));
}

TEST(WordPiece, GreedyLongestMatchWithContinuationPrefix) {
  EXPECT_EQ(uncased().tokenize("unaffable"), (Strings{"una", "##ffa", "##ble"}));
  EXPECT_EQ(uncased().tokenize("Hello, World!"), (Strings{"hello", ",", "world", "!"}));
  EXPECT_EQ(uncased().encode_text("hello world"), (std::vector<int64_t>{7592, 2088}));
}

TEST(WordPiece, WordsOverOneHundredCodePointsAreUnknown) {
  const std::string hundred(100, 'a');
  EXPECT_NE(uncased().tokenize(hundred), Strings{"[UNK]"});
  EXPECT_EQ(uncased().tokenize(hundred + "a"), Strings{"[UNK]"});
  std::string accented;  // stripping happens first, then the 101 'e' are counted
  for (int i = 0; i < 101; ++i) accented += "\u00e9";
  EXPECT_EQ(uncased().tokenize(accented), Strings{"[UNK]"});
}

TEST(WordPiece, CleanUpDropsControlsAndMapsWhiteSpace) {
  EXPECT_EQ(uncased().basic_tokenize("a\u0001b\u007fc\u200bd\u00ade"), Strings{"abcde"});
  EXPECT_EQ(uncased().basic_tokenize(std::string("x\0y\ufffdz", 7)), Strings{"xyz"});
  EXPECT_EQ(uncased().basic_tokenize("a\tb\nc\u3000d\u00a0e"), (Strings{"a", "b", "c", "d", "e"}));
  // Python's str.split() also splits at the line and paragraph separators (Zl, Zp).
  EXPECT_EQ(uncased().basic_tokenize("a\u2028b\u2029c"), (Strings{"a", "b", "c"}));
  // \v, \f and U+0085 are white space to Python's str.split() but control characters (Cc) to
  // HF's clean-up, which runs first and drops them.
  EXPECT_EQ(uncased().basic_tokenize("a\u000bb"), Strings{"ab"});
  EXPECT_EQ(uncased().basic_tokenize("a\u0085b"), Strings{"ab"});
  // Unassigned code points (Cn) are control characters to HF slow (category "C*") and dropped;
  // transformers.js keeps them, so the goldens leave them out.
  EXPECT_EQ(uncased().basic_tokenize("a\u0378b"), Strings{"ab"});
}

TEST(WordPiece, CjkIdeographsStandAloneIncludingOutsideTheBmp) {
  EXPECT_EQ(uncased().basic_tokenize("ab\u4f60\u597dcd"),
            (Strings{"ab", "\u4f60", "\u597d", "cd"}));
  // U+20000 (CJK Extension B) is spaced like any ideograph, as HF slow and fast do;
  // transformers.js walks UTF-16 units and misses it, so the goldens leave it out.
  EXPECT_EQ(uncased().basic_tokenize("a\U00020000b"), (Strings{"a", "\U00020000", "b"}));
  EXPECT_EQ(uncased().basic_tokenize("\u3072\u3089"), Strings{"\u3072\u3089"});  // kana: no
}

TEST(WordPiece, LowerCasingMatchesPythonPerCharacterLower) {
  // HF slow lower-cases one character at a time before BasicTokenizer, so a final capital
  // sigma is 'σ' (HF fast too); transformers.js' whole-text toLowerCase gives 'ς'.
  EXPECT_EQ(uncased().basic_tokenize("ΣΟΦΟΣ"), Strings{"σοφοσ"});
  // 'İ'.lower() is 'i̇' (two code points); the dot is a nonspacing mark and is stripped.
  EXPECT_EQ(uncased().basic_tokenize("İstanbul"), Strings{"istanbul"});
  WordPieceOptions keep;
  keep.strip_accents = false;
  EXPECT_EQ(with_options(keep)->basic_tokenize("İ"), Strings{"i\u0307"});
  EXPECT_EQ(with_options(keep)->basic_tokenize("Café"), Strings{"café"});
}

TEST(WordPiece, AccentOptionsFollowHuggingFace) {
  EXPECT_EQ(uncased().basic_tokenize("Ångström naïve"), (Strings{"angstrom", "naive"}));
  WordPieceOptions cased;
  cased.do_lower_case = false;  // strip_accents unset follows do_lower_case: keep accents
  EXPECT_EQ(with_options(cased)->basic_tokenize("Café"), Strings{"Café"});
  // BasicTokenizer normalizes to NFC, so a decomposed é equals the composed one.
  EXPECT_EQ(with_options(cased)->basic_tokenize("Cafe\u0301"), Strings{"Caf\u00e9"});
  cased.strip_accents = true;
  EXPECT_EQ(with_options(cased)->basic_tokenize("Café"), Strings{"Cafe"});
  // A lone combining mark is a word of its own until accent stripping empties it.
  EXPECT_EQ(uncased().basic_tokenize("a \u0301 b"), (Strings{"a", "b"}));
}

TEST(WordPiece, PunctuationIsSplitCharacterByCharacter) {
  EXPECT_EQ(
      uncased().basic_tokenize("?!...\u00abquoted\u00bb\u2014x$5"),
      (Strings{"?", "!", ".", ".", ".", "\u00ab", "quoted", "\u00bb", "\u2014", "x", "$", "5"}));
  EXPECT_EQ(uncased().basic_tokenize("don't"), (Strings{"don", "'", "t"}));
  EXPECT_EQ(uncased().basic_tokenize("\u20ac5"), Strings{"\u20ac5"});  // € is Sc, not P*
}

TEST(WordPiece, TemplatesAndTokenTypes) {
  const std::string_view b = "world";
  const Encoding e = uncased().encode("hello", &b);
  EXPECT_EQ(e.ids, (std::vector<int64_t>{101, 7592, 102, 2088, 102}));
  EXPECT_EQ(e.type_ids, (std::vector<int64_t>{0, 0, 0, 1, 1}));
}

TEST(WordPiece, TruncationLongestFirst) {
  const std::string_view b = "alpha beta gamma";
  // 3 + 3 tokens + 3 specials = 9 > 7: remove 2, one at a time from the longer sequence;
  // on a tie HF cuts the second, so B loses "gamma" first, then A loses "three".
  const Encoding e = uncased().encode("one two three", &b, 7);
  std::vector<int64_t> expected = {101};
  for (int64_t id : uncased().encode_text("one two")) expected.push_back(id);
  expected.push_back(102);
  for (int64_t id : uncased().encode_text("alpha beta")) expected.push_back(id);
  expected.push_back(102);
  EXPECT_EQ(e.ids, expected);
  EXPECT_EQ(e.type_ids, (std::vector<int64_t>{0, 0, 0, 0, 1, 1, 1}));
  EXPECT_EQ(uncased().encode("one two three four", nullptr, 4).ids,
            (std::vector<int64_t>{101, 2028, 2048, 102}));
  EXPECT_THROW(uncased().encode("one two", nullptr, 2), InputError);  // no room for text
  EXPECT_THROW(uncased().encode("one", &b, 2), InputError);           // fewer than 3 specials
  EXPECT_EQ(uncased().encode("one two", &b, 3).ids, (std::vector<int64_t>{101, 102, 102}));
}

TEST(WordPiece, InvalidInputAndVocabularies) {
  EXPECT_THROW(uncased().encode_text("bad \xff byte"), InputError);
  EXPECT_THROW(WordPieceTokenizer({"[PAD]", "[CLS]", "[SEP]"}, {}), ConfigError);  // no [UNK]
  const auto dir = testing::fresh_dir("wordpiece_crlf");
  testing::write_file(dir / "vocab.txt", "[PAD]\r\n[UNK]\r\n[CLS]\r\n[SEP]\r\nhello\r\n##s\r\n");
  const auto tok = WordPieceTokenizer::from_file(dir / "vocab.txt", {});
  EXPECT_EQ(tok->vocab_size(), 6);
  EXPECT_EQ(tok->encode_text("hellos HELLO x"), (std::vector<int64_t>{4, 5, 4, 1}));
  testing::write_file(dir / "vocab.txt", "[PAD]\n[CLS]\n[SEP]\n");
  try {
    WordPieceTokenizer::from_file(dir / "vocab.txt", {});
    FAIL();
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("vocab.txt"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[UNK]"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace adamix::text
