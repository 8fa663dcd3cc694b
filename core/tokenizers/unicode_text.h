#pragma once
// Unicode helpers shared by the tokenizers: UTF-8 <-> code points and the character classes
// that Hugging Face's Python tokenizers test with `unicodedata` and the `regex` module.
// Character data comes from utf8proc.
//
//   std::u32string cps = adamix::text::utf8_to_code_points("café");  // throws InputError
#include <string>
#include <string_view>

namespace adamix::text {

// Decodes UTF-8; throws InputError naming the byte offset on malformed input (HF tokenizers
// take Python strings, so they never see invalid bytes).
std::u32string utf8_to_code_points(std::string_view utf8);
void append_utf8(std::string& out, char32_t cp);
std::string code_points_to_utf8(std::u32string_view cps);

bool is_letter(char32_t cp);           // \p{L}
bool is_number(char32_t cp);           // \p{N}
bool is_nonspacing_mark(char32_t cp);  // Mn
// Unicode White_Space: what `\s` matches in the Python `regex` module (GPT-2's pattern).
bool is_white_space(char32_t cp);

// HF BERT's `_is_whitespace`: space, \t, \n, \r, or category Zs.
bool is_bert_whitespace(char32_t cp);
// HF BERT's `_is_control`: category C* except \t, \n, \r.
bool is_bert_control(char32_t cp);
// HF BERT's `_is_punctuation`: ASCII 33-47, 58-64, 91-96, 123-126, or category P*.
bool is_bert_punctuation(char32_t cp);
// HF BERT's `_is_chinese_char`: the CJK Unified Ideographs blocks.
bool is_cjk_ideograph(char32_t cp);
// Python's str.isspace() for characters left after BERT's clean-up (split() separators).
bool is_python_space(char32_t cp);

// Python's `ch.lower()` for one character: the full lowercase mapping without context, which
// differs from the simple mapping only for U+0130 (-> "i\u0307").
void append_python_lower(std::u32string& out, char32_t cp);

std::u32string nfd(std::u32string_view cps);
std::u32string nfc(std::u32string_view cps);

}  // namespace adamix::text
