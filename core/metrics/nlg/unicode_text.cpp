#include "core/metrics/nlg/unicode_text.h"

#include <utf8proc.h>

#include "core/error.h"
#include "core/tokenizers/unicode_text.h"

namespace adamix::metrics::nlg {

std::u32string decode_utf8(const std::string& text, const std::string& where) {
  std::u32string out;
  out.reserve(text.size());
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  utf8proc_ssize_t pos = 0;
  const auto size = static_cast<utf8proc_ssize_t>(text.size());
  while (pos < size) {
    utf8proc_int32_t code = 0;
    const utf8proc_ssize_t used = utf8proc_iterate(bytes + pos, size - pos, &code);
    if (used <= 0 || code < 0) {
      throw InputError(where + ": invalid UTF-8 at byte " + std::to_string(pos));
    }
    out.push_back(static_cast<char32_t>(code));
    pos += used;
  }
  return out;
}

std::string encode_utf8(const std::u32string& cps) { return text::code_points_to_utf8(cps); }

bool is_valid_utf8(const std::string& text) {
  try {
    decode_utf8(text);
    return true;
  } catch (const InputError&) {
    return false;
  }
}

bool is_python_word(char32_t c) {
  if (c < 0x80) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(c))) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO: return true;
    default: return false;
  }
}

namespace {
bool is_digit_like(char32_t c) {
  if (c < 0x80) return c < U'A' || c == U'_';
  const auto category = utf8proc_category(static_cast<utf8proc_int32_t>(c));
  return category == UTF8PROC_CATEGORY_ND || category == UTF8PROC_CATEGORY_NL ||
         category == UTF8PROC_CATEGORY_NO;
}
}  // namespace

std::u32string python_lower(const std::u32string& text) {
  std::u32string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char32_t c = text[i];
    if (c == 0x3A3) {  // Python's Final_Sigma: word-final capital sigma lowers to U+03C2
      const bool after_letter = i > 0 && is_python_word(text[i - 1]) && !is_digit_like(text[i - 1]);
      const bool before_letter =
          i + 1 < text.size() && is_python_word(text[i + 1]) && !is_digit_like(text[i + 1]);
      out.push_back(after_letter && !before_letter ? 0x3C2 : 0x3C3);
      continue;
    }
    if (c == 0x130) {  // Python: 'İ'.lower() == 'i̇' (two code points)
      out.push_back(U'i');
      out.push_back(0x307);
      continue;
    }
    out.push_back(static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c))));
  }
  return out;
}

std::string python_lower(const std::string& text) {
  return encode_utf8(python_lower(decode_utf8(text)));
}

std::string python_strip(const std::string& line) {
  const std::u32string s = decode_utf8(line);
  size_t begin = 0;
  size_t end = s.size();
  while (begin < end && text::is_python_space(s[begin])) ++begin;
  while (end > begin && text::is_python_space(s[end - 1])) --end;
  return encode_utf8(s.substr(begin, end - begin));
}

std::vector<std::string> python_split(const std::string& line) {
  std::vector<std::string> out;
  std::u32string current;
  bool in_token = false;
  for (char32_t c : decode_utf8(line)) {
    if (text::is_python_space(c)) {
      if (in_token) out.push_back(encode_utf8(current));
      current.clear();
      in_token = false;
    } else {
      current.push_back(c);
      in_token = true;
    }
  }
  if (in_token) out.push_back(encode_utf8(current));
  return out;
}

std::vector<std::string> split_on_space(const std::string& text) {
  std::vector<std::string> out(1);
  for (char c : text) {
    if (c == ' ') {
      out.emplace_back();
    } else {
      out.back().push_back(c);
    }
  }
  return out;
}

std::string join(const std::vector<std::string>& tokens, const std::string& separator) {
  std::string out;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (i > 0) out += separator;
    out += tokens[i];
  }
  return out;
}

}  // namespace adamix::metrics::nlg
