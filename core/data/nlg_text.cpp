// Text helpers of the NLG readers: whole-file reads, Python's universal newlines, str.strip()
// and str.lower(), and the `s : p : o` triple format of LoRA's format_converting_*.py.
#include <fstream>
#include <sstream>

#include "core/data/nlg_readers.h"
#include "core/error.h"
#include "core/tokenizers/unicode_text.h"

namespace adamix::data::nlg {

namespace {

// The code point starting at s[i] and its byte length; a malformed byte decodes as itself
// (never a space), so stripping never throws.
char32_t decode_at(std::string_view s, size_t i, size_t* length) {
  const auto b = static_cast<unsigned char>(s[i]);
  size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 1;
  if (i + n > s.size()) n = 1;
  char32_t cp = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
  for (size_t k = 1; k < n; ++k) {
    const auto c = static_cast<unsigned char>(s[i + k]);
    if ((c >> 6) != 0x2) {
      *length = 1;
      return b;
    }
    cp = (cp << 6) | (c & 0x3F);
  }
  *length = n;
  return cp;
}

// Byte length of the last code point of s (s not empty).
size_t last_code_point_length(std::string_view s) {
  size_t start = s.size() - 1;
  while (start > 0 && s.size() - start < 4 && (static_cast<unsigned char>(s[start]) >> 6) == 0x2)
    --start;
  size_t length = 0;
  decode_at(s, start, &length);
  return start + length == s.size() ? length : 1;
}

}  // namespace

std::string read_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw IoError("cannot read " + file.string());
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw IoError("cannot read " + file.string());
  return buffer.str();
}

std::vector<Line> split_lines(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<Line> lines;
  size_t start = 0;
  int64_t number = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n' && text[i] != '\r') continue;
    lines.push_back({number++, text.substr(start, i - start)});
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    start = i + 1;
  }
  if (start < text.size()) lines.push_back({number, text.substr(start)});
  return lines;
}

std::string_view python_strip(std::string_view s) {
  size_t length = 0;
  while (!s.empty() && text::is_python_space(decode_at(s, 0, &length))) s.remove_prefix(length);
  while (!s.empty()) {
    length = last_code_point_length(s);
    size_t decoded = 0;
    if (!text::is_python_space(decode_at(s, s.size() - length, &decoded))) break;
    s.remove_suffix(length);
  }
  return s;
}

std::string python_lower(std::string_view s) {
  std::u32string lower;
  for (char32_t cp : text::utf8_to_code_points(s)) text::append_python_lower(lower, cp);
  return text::code_points_to_utf8(lower);
}

std::string triple_text(std::string_view subject, std::string_view property,
                        std::string_view object) {
  std::string out;
  out.reserve(subject.size() + property.size() + object.size() + 6);
  out.append(subject).append(" : ").append(property).append(" : ").append(object);
  return out;
}

void split_mtriple(std::string_view mtriple, const std::string& where, std::string& subject,
                   std::string& property, std::string& object) {
  const size_t first = mtriple.find(" | ");
  const size_t second = first == std::string_view::npos ? first : mtriple.find(" | ", first + 3);
  if (second == std::string_view::npos) {
    throw InputError(where + ": triple '" + std::string(mtriple) +
                     "' is not 'subject | property | object'");
  }
  subject = mtriple.substr(0, first);
  property = mtriple.substr(first + 3, second - first - 3);
  object = mtriple.substr(second + 3);
}

}  // namespace adamix::data::nlg
