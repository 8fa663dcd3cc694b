#include "core/tokenizers/byte_decode.h"

#include <array>

#include "core/error.h"
#include "core/tokenizers/byte_bpe.h"

namespace adamix::text {

namespace {

constexpr const char* kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// The byte each byte symbol stands for (inverse of ByteBpeTokenizer::byte_symbols), -1 if none.
int byte_of_symbol(char32_t symbol) {
  static const std::array<int, 512> table = [] {
    std::array<int, 512> t{};
    t.fill(-1);
    const auto& symbols = ByteBpeTokenizer::byte_symbols();
    for (int b = 0; b < 256; ++b) t[symbols[b]] = b;
    return t;
  }();
  return symbol < table.size() ? table[symbol] : -1;
}

// Next code point of valid UTF-8 `s` at `i` (advances i); the vocabulary is valid UTF-8.
char32_t next_code_point(const std::string& s, size_t& i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = byte(i);
  int extra = lead < 0x80 ? 0 : lead < 0xE0 ? 1 : lead < 0xF0 ? 2 : 3;
  char32_t cp = extra == 0 ? lead : lead & (0x3F >> extra);
  ++i;
  for (; extra > 0 && i < s.size(); --extra, ++i) cp = (cp << 6) | (byte(i) & 0x3F);
  return cp;
}

}  // namespace

std::string decode_byte_level(const std::vector<std::string>& vocabulary,
                              const std::vector<int64_t>& ids) {
  std::string bytes;
  for (int64_t id : ids) {
    if (id < 0 || id >= static_cast<int64_t>(vocabulary.size())) {
      throw InputError("token id " + std::to_string(id) + " is outside the vocabulary of " +
                       std::to_string(vocabulary.size()));
    }
    const std::string& token = vocabulary[id];
    for (size_t i = 0; i < token.size();) {
      const int b = byte_of_symbol(next_code_point(token, i));
      if (b < 0) {
        throw InputError("token " + std::to_string(id) + " ('" + token +
                         "') is not made of byte symbols");
      }
      bytes.push_back(static_cast<char>(b));
    }
  }
  return utf8_replace_invalid(bytes);
}

std::string utf8_replace_invalid(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char lead = byte(i);
    if (lead < 0x80) {
      out.push_back(static_cast<char>(lead));
      ++i;
      continue;
    }
    // Length and the allowed range of the second byte (Unicode Table 3-7).
    int length = 0;
    unsigned char low = 0x80, high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    }
    if (length == 0) {  // 0x80..0xC1, 0xF5..0xFF: never valid
      out += kReplacement;
      ++i;
      continue;
    }
    size_t k = 1;
    for (; k < static_cast<size_t>(length) && i + k < s.size(); ++k) {
      const unsigned char c = byte(i + k);
      const bool ok = k == 1 ? (c >= low && c <= high) : (c >= 0x80 && c <= 0xBF);
      if (!ok) break;
    }
    if (k == static_cast<size_t>(length)) {
      out.append(s.substr(i, length));
    } else {
      out += kReplacement;  // the maximal subpart seen so far
    }
    i += k;
  }
  return out;
}

}  // namespace adamix::text
