#include "core/metrics/nlg/mteval_tokenizer.h"

#include "core/metrics/nlg/unicode_text.h"
#include "core/tokenizers/unicode_text.h"

namespace adamix::metrics::nlg {
namespace {

bool is_digit(char32_t c) { return c >= U'0' && c <= U'9'; }

// [\{-\~\[-\` -\&\(-\+\:-\@\/]
bool is_mteval_punct(char32_t c) {
  return (c >= 0x7B && c <= 0x7E) || (c >= 0x5B && c <= 0x60) || (c >= 0x20 && c <= 0x26) ||
         (c >= 0x28 && c <= 0x2B) || (c >= 0x3A && c <= 0x40) || c == 0x2F;
}

void replace_all(std::u32string& s, const std::u32string& from, const std::u32string& to) {
  std::u32string out;
  size_t pos = 0;
  while (true) {
    const size_t hit = s.find(from, pos);
    if (hit == std::u32string::npos) break;
    out.append(s, pos, hit - pos);
    out += to;
    pos = hit + from.size();
  }
  out.append(s, pos, std::u32string::npos);
  s = std::move(out);
}

// re.sub of a two-character pattern (first, second) with `a b` -> pre a mid b post, scanning
// left to right without overlap, exactly as Python's re.sub / Perl's s///g do.
template <typename First, typename Second>
std::u32string sub_pairs(const std::u32string& s, First first, Second second,
                         const std::u32string& pre, const std::u32string& mid,
                         const std::u32string& post) {
  std::u32string out;
  size_t i = 0;
  while (i < s.size()) {
    if (i + 1 < s.size() && first(s[i]) && second(s[i + 1])) {
      out += pre;
      out.push_back(s[i]);
      out += mid;
      out.push_back(s[i + 1]);
      out += post;
      i += 2;
    } else {
      out.push_back(s[i]);
      ++i;
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> mteval_tokenize(const std::string& text, MtevalFlavour flavour) {
  std::u32string s = decode_utf8(text);
  replace_all(s, U"<skipped>", U"");
  replace_all(s, U"-\n", U"");
  replace_all(s, U"\n", U" ");
  replace_all(s, U"&quot;", U"\"");
  replace_all(s, U"&amp;", U"&");
  replace_all(s, U"&lt;", U"<");
  replace_all(s, U"&gt;", U">");
  std::u32string padded = U" ";
  for (char32_t c : s) {
    if (is_mteval_punct(c)) {
      padded.push_back(U' ');
      padded.push_back(c);
      padded.push_back(U' ');
    } else {
      padded.push_back(c);
    }
  }
  padded.push_back(U' ');
  auto not_digit = [](char32_t c) { return !is_digit(c); };
  auto period_comma = [](char32_t c) { return c == U'.' || c == U','; };
  s = sub_pairs(padded, not_digit, period_comma, U"", U" ", U" ");
  s = sub_pairs(s, period_comma, not_digit, U" ", U" ", U"");
  s = sub_pairs(
      s, is_digit, [](char32_t c) { return c == U'-'; }, U"", U" ", U" ");
  // Collapse whitespace; Perl without utf8 flags only knows ASCII whitespace.
  auto is_space = [flavour](char32_t c) {
    if (flavour == MtevalFlavour::Python) return adamix::text::is_python_space(c);
    return c == U' ' || c == U'\t' || c == U'\n' || c == U'\r' || c == U'\f' || c == U'\v';
  };
  std::vector<std::string> tokens;
  std::u32string current;
  for (char32_t c : s) {
    if (is_space(c)) {
      if (!current.empty()) tokens.push_back(encode_utf8(current));
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  if (!current.empty()) tokens.push_back(encode_utf8(current));
  // pymteval: "".strip().split(' ') == [''] -- an empty output still counts as one token.
  if (tokens.empty() && flavour == MtevalFlavour::Python) tokens.emplace_back();
  return tokens;
}

}  // namespace adamix::metrics::nlg
