#pragma once
// UTF-8 helpers that reproduce the Python 3 str semantics the reference metric scripts rely on
// (str.lower, str.isspace, the re module's \w and \s on str patterns). Backed by utf8proc.
//
//   std::u32string s = adamix::metrics::nlg::decode_utf8("Café");  // throws on bad bytes
#include <string>
#include <vector>

namespace adamix::metrics::nlg {

// Decodes UTF-8; throws adamix::InputError naming `where` on invalid bytes.
std::u32string decode_utf8(const std::string& text, const std::string& where = "text");
std::string encode_utf8(const std::u32string& text);  // text::code_points_to_utf8
// Python's str.isspace() / re \s on str: text::is_python_space (core/tokenizers/unicode_text.h).
// True when `text` is valid UTF-8.
bool is_valid_utf8(const std::string& text);

// Python re \w on str: letters, numbers (Nd, Nl, No) and '_'.
bool is_python_word(char32_t c);
// Python str.lower() (full mapping for U+0130, simple mapping elsewhere).
std::u32string python_lower(const std::u32string& text);
std::string python_lower(const std::string& text);
// Python str.strip() with no argument.
std::string python_strip(const std::string& text);
// Python str.split() with no argument: runs of whitespace separate, no empty items.
std::vector<std::string> python_split(const std::string& text);
// Python str.split(' '): every single space separates; empty items are kept.
std::vector<std::string> split_on_space(const std::string& text);
std::string join(const std::vector<std::string>& tokens, const std::string& separator = " ");

}  // namespace adamix::metrics::nlg
