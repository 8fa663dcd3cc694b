#include "core/metrics/nlg/ptb_tokenizer.h"

#include <algorithm>
#include <array>

#include "core/metrics/nlg/ptb_chars.h"
#include "core/metrics/nlg/ptb_patterns.h"
#include "core/metrics/nlg/unicode_text.h"

namespace adamix::metrics::nlg {
namespace {

using namespace ptb;  // NOLINT: the character classes read like the flex macros

// One candidate match of a rule: `total` competes for the longest match (JFlex counts trailing
// context), `length` characters are consumed, `text` is the token (empty text: no token).
struct Match {
  size_t total = 0;
  size_t length = 0;
  std::u32string text;
  bool emit = true;
};

// The PTBLexer rules in flex order; the longest `total` wins, ties go to the earlier rule.
Match best_match(const std::u32string& s, size_t p) {
  Match best;
  auto offer = [&best, &s, p](size_t total, size_t length, std::u32string text, bool emit = true) {
    if (total == 0 || total <= best.total) return;
    best.total = total;
    best.length = length;
    best.text = text.empty() && emit ? s.substr(p, length) : std::move(text);
    best.emit = emit;
  };
  const char32_t c = s[p];
  // splitAssimilations: "cannot" -> can not, "gonna" -> gon na, "'tis" -> 't is, ...
  if (literal(s, p, "cannot")) offer(6, 3, U"");
  for (const char* w : {"gonna", "gotta", "lemme", "gimme", "wanna"}) {
    if (literal(s, p, w)) offer(5, 3, U"");
  }
  if (is_apos(c) && literal(s, p + 1, "tis")) offer(4, 2, U"");
  if (is_apos(c) && literal(s, p + 1, "twas")) offer(5, 2, U"");
  if (c == U'<') {  // SGML = <\/?[A-Za-z!][^>]*>
    size_t q = p + 1 + (at(s, p + 1, U'/') ? 1 : 0);
    if (q < s.size() && (is_ascii_letter(s[q]) || s[q] == U'!')) {
      const size_t close = s.find(U'>', q);
      if (close != std::u32string::npos) offer(close + 1 - p, close + 1 - p, U"");
    }
  }
  if (c == 0x96 || c == 0x97 || c == 0x2013 || c == 0x2014 || c == 0x2015) offer(1, 1, U"--");
  for (const char* e : {"&mdash;", "&ndash;", "&md;"}) {
    const size_t n = literal(s, p, e);
    offer(n, n, U"--");
  }
  if (const size_t n = literal(s, p, "&amp;")) offer(n, n, U"&");
  if (const size_t n = literal(s, p, "&lt;")) offer(n, n, U"<");
  if (const size_t n = literal(s, p, "&gt;")) offer(n, n, U">");
  if (const size_t n = url(s, p)) offer(n, n, U"");
  if (const size_t n = sppunc(s, p)) offer(n, n, U"");
  if (const size_t n = subsupnum(s, p)) offer(n, n, U"");
  if (const size_t n = phone(s, p)) {  // PHONE: brackets normalised, spaces made non-breaking
    std::u32string text;
    for (char32_t x : s.substr(p, n)) {
      if (x == U'(')
        text += U"-LRB-";
      else if (x == U')')
        text += U"-RRB-";
      else
        text.push_back(x == U' ' ? static_cast<char32_t>(0xA0) : x);
    }
    offer(n, n, text);
  }
  const size_t word = ptb::word(s, p);
  if (word > 0) {
    if (const size_t r = redaux(s, p + word)) offer(word + r, word, U"");
  }
  {  // SWORD/SREDAUX: [A-Za-z\u00AD]*[A-MO-Za-mo-z](\u00AD)* before n't
    const size_t letters = run(s, p, [](char32_t x) { return is_ascii_letter(x) || x == 0xAD; });
    if (letters >= 2 && sredaux(s, p + letters - 1) && s[p + letters - 2] != U'n' &&
        s[p + letters - 2] != U'N') {
      offer(letters + 2, letters - 1, U"");
    }
  }
  offer(word, word, U"");
  if (const size_t n = apoword(s, p)) offer(n, n, U"");
  if ((c == U'y' || c == U'Y') && p + 2 < s.size() && is_apos(s[p + 1]) && is_letter(s[p + 2]))
    offer(3, 2, U"");
  if (const size_t r = redaux(s, p)) {
    if (p + r >= s.size() || !is_ascii_letter(s[p + r]))
      offer(r + (p + r < s.size() ? 1 : 0), r, quote_text(s.substr(p, r), false));
  }
  if (sredaux(s, p)) offer(3, 3, quote_text(s.substr(p, 3), false));
  if (const size_t n = number(s, p)) offer(n, n, U"");
  if (const size_t n = frac(s, p)) {
    std::u32string text = s.substr(p, n);
    std::replace(text.begin(), text.end(), U' ', static_cast<char32_t>(0xA0));
    offer(n, n, text);
  }
  if (c == 0xBC) offer(1, 1, U"1/4");
  if (c == 0xBD) offer(1, 1, U"1/2");
  if (c == 0xBE) offer(1, 1, U"3/4");
  if (c == 0x2153) offer(1, 1, U"1/3");
  for (const char* t : {"-RRB-", "-LRB-", "-RCB-", "-LCB-", "-RSB-", "-LSB-", "pro-", "anti-"}) {
    const size_t n = literal(s, p, t);
    offer(n, n, U"");
  }
  if (const size_t n = thing3(s, p)) offer(n, n, U"");
  {  // DOLSIGN = [A-Z]*\$|#
    const size_t caps = run(s, p, [](char32_t x) { return x >= U'A' && x <= U'Z'; });
    if (at(s, p + caps, U'$')) offer(caps + 1, caps + 1, U"");
    if (c == U'#') offer(1, 1, U"#");
  }
  if (c == 0xA2) offer(1, 1, U"cents");
  if (c == 0xA3) offer(1, 1, U"#");
  if (c == 0x80 || c == 0xA4 || c == 0x20A0 || c == 0x20AC) offer(1, 1, U"$");
  if (c == 0xA5 || c == 0x60B || c == 0xE3F || c == 0x20A4 || c == 0xFFE0 || c == 0xFFE1 ||
      c == 0xFFE5 || c == 0xFFE6)
    offer(1, 1, U"");
  if (const size_t n = abbreviation(s, p)) offer(n, n, U"");
  if (is_ascii_letter(c) && at(s, p + 1, U'.') && !sentence_start_follows(s, p + 2))
    offer(2, 2, U"");
  for (const char* w : {"no", "nos", "prop"}) {  // kept before a number: "No. 5"
    const size_t n = literal(s, p, w);
    if (n == 0 || !at(s, p + n, U'.')) continue;
    const size_t gap =
        run(s, p + n + 1, [](char32_t x) { return x == U' ' || x == U'\t' || x == 0xA0; });
    if (p + n + 1 + gap < s.size() && is_digit(s[p + n + 1 + gap])) offer(n + 2 + gap, n + 1, U"");
  }
  if (const size_t a = acro(s, p)) {
    if (followed_by_space(s, p + a)) offer(a + 1, a, U"");  // ACRO/{SPACENL}
  }
  if (const size_t n = dot_word(s, p)) offer(n, n, U"");
  auto insentp = [&s](size_t q) {
    return q < s.size() && (s[q] == U',' || s[q] == U';' || s[q] == U':');
  };
  if (word > 0 && at(s, p + word, U'.') && insentp(p + word + 1)) offer(word + 2, word + 1, U"");
  if (c == U'"' || literal(s, p, "&quot;")) {  // DBLQUOT/[A-Za-z0-9$] opens, else closes
    const size_t n = c == U'"' ? 1 : 6;
    const bool left = p + n < s.size() && (is_ascii_alnum(s[p + n]) || s[p + n] == U'$');
    offer(left ? n + 1 : n, n, left ? U"``" : U"''");
  }
  if (c == U'+' || c == U'%' || c == U'&' || c == 0x2030 || c == 0x2031 || c == U'~' || c == U'^')
    offer(1, 1, U"");
  if (c == U'|' || c == U'\\') offer(1, 1, U"");
  if (c == U'[') offer(1, 1, U"-LSB-");
  if (c == U']') offer(1, 1, U"-RSB-");
  if (c == U'<' || c == U'>') offer(1, 1, U"");
  if (c == U'{') offer(1, 1, U"-LCB-");
  if (c == U'}') offer(1, 1, U"-RCB-");
  if (c == U'(') offer(1, 1, U"-LRB-");
  if (c == U')') offer(1, 1, U"-RRB-");
  if (const size_t n = run(s, p, [](char32_t x) { return x == U'-'; })) {
    offer(n, n, n >= 3 && n <= 4 ? U"--" : U"");
  }
  {  // LDOTS = \.{3,5}|(\.[ \u00A0]){2,4}\.|[\u0085\u2026]
    const size_t dots = run(s, p, [](char32_t x) { return x == U'.'; });
    if (dots >= 3) offer(std::min<size_t>(dots, 5), std::min<size_t>(dots, 5), U"...");
    size_t k = 0;
    while (k < 4 && at(s, p + 2 * k, U'.') &&
           (at(s, p + 2 * k + 1, U' ') || at(s, p + 2 * k + 1, 0xA0)))
      ++k;
    if (k >= 2 && at(s, p + 2 * k, U'.')) offer(2 * k + 1, 2 * k + 1, U"...");
    if (c == 0x85 || c == 0x2026) offer(1, 1, U"...");
  }
  for (char32_t mark : {U'@', U'#', U'_'}) {
    if (const size_t n = run(s, p, [mark](char32_t x) { return x == mark; })) offer(n, n, U"");
  }
  if (const size_t n = run(s, p, [](char32_t x) { return x == U'*'; })) offer(n, n, U"");
  for (size_t k = 1; k <= 3 && at(s, p + 2 * k - 2, U'\\') && at(s, p + 2 * k - 1, U'*'); ++k) {
    offer(2 * k, 2 * k, U"");  // ASTS (\\\*){1,3}
  }
  if (c == U',' || c == U';' || c == U':') offer(1, 1, U"");
  if (const size_t n = run(s, p, [](char32_t x) { return x == U'?' || x == U'!'; }))
    offer(n, n, U"");
  if (c == U'.' || c == 0xA1 || c == 0xBF || c == U'=' || c == U'/') offer(1, 1, U"");
  if (const size_t h = hthing(s, p)) {
    if (at(s, p + h, U'.') && insentp(p + h + 1)) offer(h + 2, h + 1, U"");
    offer(h, h, U"");
  }
  if (const size_t t = thing(s, p)) {
    if (at(s, p + t, U'.') && insentp(p + t + 1)) offer(t + 2, t + 1, U"");
    offer(t, t, U"");
  }
  if (const size_t n = email(s, p)) offer(n, n, U"");
  if ((c == U'#' || c == U'@') && p + 1 < s.size() && is_letter(s[p + 1])) {  // "#tag", "@user"
    const size_t n =
        2 + run(s, p + 2, [](char32_t x) { return is_letter(x) || is_digit(x) || x == U'_'; });
    offer(n, n, U"");
  }
  if (const size_t n = thinga(s, p)) {
    // Every "&amp;" as "&" (built by appending: GCC 12 warns falsely on u32string::replace).
    const std::u32string raw = s.substr(p, n);
    std::u32string text;
    for (size_t k = 0; k < raw.size();) {
      if (raw.compare(k, 5, U"&amp;") == 0) {
        text += U'&';
        k += 5;
      } else {
        text += raw[k++];
      }
    }
    offer(n, n, text);
  }
  if (c == U'\'' && p + 2 < s.size() && is_ascii_letter(s[p + 1]) && !is_space(s[p + 2]))
    offer(3, 1, U"`");
  if (const size_t r = redaux(s, p)) offer(r, r, quote_text(s.substr(p, r), false));
  if (is_apos(c)) offer(1, 1, quote_text(s.substr(p, 1), false));
  if (c == U'\'' && at(s, p + 1, U'\'')) offer(2, 2, U"''");
  if (is_quote_char(c)) {
    const size_t n = (p + 1 < s.size() && is_quote_char(s[p + 1])) ? 2 : 1;
    offer(n, n, quote_text(s.substr(p, n), false));
  }
  if (is_misc_symbol(c)) offer(1, 1, U"");
  if (is_space(c) || c == 0 || c == 0x200B || c == 0x200E || c == 0x200F || c == 0xFEFF)
    offer(1, 1, U"", false);
  if (best.total == 0) offer(1, 1, U"", false);  // untokenizable: deleted (firstDelete)
  return best;
}

}  // namespace

std::vector<std::vector<std::string>> ptb_tokenize(const std::vector<std::string>& lines) {
  // PTBTokenizer -preserveLines reads the lines as one text: the next line's first character is
  // context for the last token of a line ("Plan B.\nThe" splits the period, "...\nthe" not).
  std::u32string s;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) s.push_back(U'\n');
    for (char32_t c : decode_utf8(lines[i], "PTB tokenizer input line " + std::to_string(i + 1))) {
      s.push_back(c == U'\n' ? U' ' : c);  // pycocoevalcap: caption.replace('\n', ' ')
    }
  }
  std::vector<std::vector<std::string>> out(1);
  size_t p = 0;
  while (p < s.size()) {
    if (s[p] == U'\n') {
      out.emplace_back();
      ++p;
      continue;
    }
    Match m = best_match(s, p);
    // A token never spans a line break here (the SGML rule could): cut it at the newline.
    const size_t newline = s.find(U'\n', p);
    if (newline != std::u32string::npos && p + m.length > newline) {
      m.length = newline - p;
      m.text = s.substr(p, m.length);
    }
    if (m.emit && !m.text.empty()) out.back().push_back(encode_utf8(python_lower(m.text)));
    p += std::max<size_t>(m.length, 1);
  }
  out.resize(std::max<size_t>(lines.size(), 1));
  if (lines.empty()) out.clear();
  return out;
}

std::vector<std::string> ptb_tokenize(const std::string& line) {
  return ptb_tokenize(std::vector<std::string>{line})[0];
}

std::string coco_punctuation_filter(const std::vector<std::string>& tokens) {
  static const std::array<const char*, 17> kPunctuation = {
      "''", "'", "``", "`", "-LRB-", "-RRB-", "-LCB-", "-RCB-", ".",
      "?",  "!", ",",  ":", "-",     "--",    "...",   ";"};
  std::vector<std::string> kept;
  for (const std::string& token : tokens) {
    if (std::find(kPunctuation.begin(), kPunctuation.end(), token) == kPunctuation.end())
      kept.push_back(token);
  }
  return join(kept);
}

std::string coco_ptb_tokenize(const std::string& line) {
  return coco_punctuation_filter(ptb_tokenize(line));
}

std::vector<std::string> coco_ptb_tokenize(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  out.reserve(lines.size());
  for (const auto& tokens : ptb_tokenize(lines)) out.push_back(coco_punctuation_filter(tokens));
  return out;
}

std::vector<std::vector<std::string>> coco_ptb_tokenize(
    const std::vector<std::vector<std::string>>& groups) {
  // pycocoevalcap tokenises all references of all segments as one batch, in order.
  std::vector<std::string> flat;
  for (const auto& group : groups) flat.insert(flat.end(), group.begin(), group.end());
  const std::vector<std::string> tokenized = coco_ptb_tokenize(flat);
  std::vector<std::vector<std::string>> out;
  size_t k = 0;
  for (const auto& group : groups) {
    out.emplace_back(tokenized.begin() + static_cast<std::ptrdiff_t>(k),
                     tokenized.begin() + static_cast<std::ptrdiff_t>(k + group.size()));
    k += group.size();
  }
  return out;
}

}  // namespace adamix::metrics::nlg
