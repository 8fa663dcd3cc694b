#include "core/metrics/nlg/ptb_patterns.h"

#include <algorithm>
#include <initializer_list>

namespace adamix::metrics::nlg::ptb {

bool is_hyphen(char32_t c) {
  return c == U'-' || c == U'_' || c == 0x58A || c == 0x2010 || c == 0x2011;
}
bool is_letter_or_digit(char32_t c) { return is_letter(c) || is_digit(c); }
bool at(const std::u32string& s, size_t p, char32_t c) { return p < s.size() && s[p] == c; }
// Trailing context that only a following character can satisfy; the end of a line is a newline.
bool followed_by_space(const std::u32string& s, size_t p) {
  return p >= s.size() || is_space(s[p]);
}

// The ACRONYM rule's context: spaces, then a word that usually starts a sentence ([T]he:
// first letter in upper case, the rest caseless), then a space. A single letter with a period
// before it ("plan B. The") loses its period; elsewhere ("Albert B. White") keeps it.
bool sentence_start_follows(const std::u32string& s, size_t q) {
  const size_t gap = run(s, q, is_space);
  if (gap == 0) return false;
  q += gap;
  if (q >= s.size() || s[q] < U'A' || s[q] > U'Z') return false;
  for (const char* w :
       {"About", "According", "Additionally", "After", "An",    "A",       "As",   "At",
        "But",   "Earlier",   "He",           "Her",   "Here",  "However", "If",   "In",
        "It",    "Last",      "Many",         "More",  "Mr.",   "Ms.",     "Now",  "Once",
        "One",   "Other",     "Our",          "She",   "Since", "So",      "Some", "Such",
        "That",  "The",       "Then",         "There", "These", "They",    "This", "We",
        "When",  "While",     "What",         "Yet",   "You"}) {
    if (static_cast<char32_t>(w[0]) != s[q]) continue;
    const size_t n = literal(s, q, w);
    if (n > 0 && q + n < s.size() && is_space(s[q + n])) return true;
  }
  return false;
}

// 3.4.1 keeps letter-initial alphanumeric parts joined by periods ("sc.d", "b.m.reddy").
size_t dot_word(const std::u32string& s, size_t p) {
  auto part = [&s](size_t q) {
    return (q < s.size() && is_letter(s[q]))
               ? 1 + run(s, q + 1, [](char32_t x) { return is_letter(x) || is_digit(x); })
               : 0;
  };
  size_t n = part(p);
  size_t end = 0;
  while (n > 0 && at(s, p + n, U'.')) {
    const size_t next = part(p + n + 1);
    if (next == 0) break;
    n += 1 + next;
    end = n;
  }
  return end;
}

// EMAIL-like: [a-zA-Z0-9][^excluded]*@[^excluded]+ ("a@b.com", "c@@"), excluded being spaces
// and "<>|(){}; the address may not end in . , ; : [ ].
size_t email(const std::u32string& s, size_t p) {
  if (p >= s.size() || !is_ascii_alnum(s[p])) return 0;
  auto allowed = [](char32_t x) {
    return !is_space(x) && std::u32string(U"\"<>|(){}").find(x) == std::u32string::npos;
  };
  const size_t n = run(s, p, allowed);
  const size_t at_sign = s.substr(p, n).find(U'@');
  if (at_sign == std::u32string::npos || at_sign == 0) return 0;
  size_t end = n;
  while (end > at_sign + 1 &&
         std::u32string(U".,;:[]").find(s[p + end - 1]) != std::u32string::npos)
    --end;
  return end > at_sign + 1 ? end : 0;
}

// FULLURL = https?://[^ \t\n\f\r"<>|()]+[^ \t\n\f\r"<>|.!?(){},-] and LIKELYURL
// (www.host.tld or host.com|net|org|edu, with an optional /path).
size_t url(const std::u32string& s, size_t p) {
  auto url_char = [](char32_t x) {
    return !is_space(x) && std::u32string(U"\"<>|()").find(x) == std::u32string::npos;
  };
  auto trim = [&s](size_t begin, size_t end) {
    while (end > begin && std::u32string(U".!?(){},-").find(s[end - 1]) != std::u32string::npos)
      --end;
    return end;
  };
  size_t scheme = literal(s, p, "https://");
  if (scheme == 0) scheme = literal(s, p, "http://");
  if (scheme > 0) {
    const size_t end = trim(p + scheme, p + scheme + run(s, p + scheme, url_char));
    return end > p + scheme ? end - p : 0;
  }
  auto host_char = [](char32_t x) {
    return !is_space(x) && std::u32string(U"\"`'<>|.!?(){},-_$").find(x) == std::u32string::npos;
  };
  size_t n = 0;
  size_t host_end = 0;
  while (true) {  // (label\.)+ then the top-level domain
    const size_t label = run(s, p + n, host_char);
    if (label == 0) break;
    const std::u32string word = s.substr(p + n, label);
    if (n > 0 &&
        (literal(word, 0, "com") == 3 || literal(word, 0, "net") == 3 ||
         literal(word, 0, "org") == 3 || literal(word, 0, "edu") == 3) &&
        label == 3) {
      host_end = n + 3;
    } else if (n > 0 && literal(s, p, "www.") && label >= 2 && label <= 4 &&
               run(word, 0, is_ascii_letter) == label) {
      host_end = n + label;
    }
    if (!at(s, p + n + label, U'.')) break;
    n += label + 1;
  }
  if (host_end == 0) return 0;
  if (at(s, p + host_end, U'/')) {
    const size_t end =
        trim(p + host_end + 1, p + host_end + 1 + run(s, p + host_end + 1, url_char));
    if (end > p + host_end + 1) return end - p;
  }
  return host_end;
}

// THINGA = [A-Z]+(([+&]|&amp;)[A-Z]+)+ (upper case only: "AT&T", not "a&b").
size_t thinga(const std::u32string& s, size_t p) {
  auto caps = [&s](size_t q) {
    return run(s, q, [](char32_t x) { return x >= U'A' && x <= U'Z'; });
  };
  size_t n = caps(p);
  size_t end = 0;
  while (n > 0) {
    size_t sep = (at(s, p + n, U'+') || at(s, p + n, U'&')) ? 1 : literal(s, p + n, "&amp;");
    if (sep == 0) break;
    const size_t next = caps(p + n + sep);
    if (next == 0) break;
    n += sep + next;
    end = n;
  }
  return end;
}

// REDAUX = {APOS}([msd]|re|ve|ll), caseless.
size_t redaux(const std::u32string& s, size_t p) {
  if (p >= s.size() || !is_apos(s[p])) return 0;
  size_t n = 0;
  for (const char* w : {"re", "ve", "ll"}) n = std::max(n, literal(s, p + 1, w));
  if (n == 0)
    n = std::max({literal(s, p + 1, "m"), literal(s, p + 1, "s"), literal(s, p + 1, "d")});
  return n == 0 ? 0 : n + 1;
}

// SREDAUX = n{APOSETCETERA}t, caseless.
size_t sredaux(const std::u32string& s, size_t p) {
  return (literal(s, p, "n") && p + 2 < s.size() && is_apos_etc(s[p + 1]) && literal(s, p + 2, "t"))
             ? 3
             : 0;
}

// THING: ([dDoOlL]{APOSETC}[letter|digit])?[letter|digit]+ joined by HYPHENs.
size_t thing_part(const std::u32string& s, size_t p) {
  size_t n = 0;
  const char32_t c = p < s.size() ? s[p] : 0;
  if ((c == U'd' || c == U'D' || c == U'o' || c == U'O' || c == U'l' || c == U'L') &&
      p + 2 < s.size() && is_apos_etc(s[p + 1]) && is_letter_or_digit(s[p + 2])) {
    n = 2;
  }
  const size_t body = run(s, p + n, is_letter_or_digit);
  if (body == 0) return n == 0 ? 0 : run(s, p, is_letter_or_digit);
  return n + body;
}
size_t thing(const std::u32string& s, size_t p) {
  size_t n = thing_part(s, p);
  while (n > 0 && p + n < s.size() && is_hyphen(s[p + n])) {
    const size_t next = thing_part(s, p + n + 1);
    if (next == 0) break;
    n += 1 + next;
  }
  return n;
}

// HTHING = [A-Za-z0-9][A-Za-z0-9.,\u00AD]*(-([A-Za-z0-9\u00AD]+|{ACRO}\.))+
size_t hthing(const std::u32string& s, size_t p) {
  if (p >= s.size() || !is_ascii_alnum(s[p])) return 0;
  size_t n = 1 + run(s, p + 1, [](char32_t c) {
               return is_ascii_alnum(c) || c == U'.' || c == U',' || c == 0xAD;
             });
  size_t end = 0;
  while (at(s, p + n, U'-')) {
    const size_t word =
        run(s, p + n + 1, [](char32_t c) { return is_ascii_alnum(c) || c == 0xAD; });
    const size_t a = acro(s, p + n + 1);
    const size_t acro_dot = (a > 0 && at(s, p + n + 1 + a, U'.')) ? a + 1 : 0;
    const size_t part = std::max(word, acro_dot);
    if (part == 0) break;
    n += 1 + part;
    end = n;
  }
  return end;
}

// NUMBER = [-+]?({DIGIT}+|{DIGIT}*([.:,\u00AD\u066B\u066C]{DIGIT}+)+)
size_t number(const std::u32string& s, size_t p) {
  size_t n = (at(s, p, U'-') || at(s, p, U'+')) ? 1 : 0;
  const size_t sign = n;
  n += run(s, p + n, is_digit);
  while (p + n + 1 < s.size()) {
    const char32_t sep = s[p + n];
    if (sep != U'.' && sep != U':' && sep != U',' && sep != 0xAD && sep != 0x66B && sep != 0x66C)
      break;
    const size_t digits = run(s, p + n + 1, is_digit);
    if (digits == 0) break;
    n += 1 + digits;
  }
  return n > sign ? n : 0;
}

// FRAC = ({DIGIT}{1,4}[- \u00A0])?{DIGIT}{1,4}(\\?\/|\u2044){DIGIT}{1,4}
size_t frac_simple(const std::u32string& s, size_t p) {
  const size_t a = std::min<size_t>(run(s, p, is_digit), 4);
  if (a == 0 || run(s, p, is_digit) > 4) return 0;
  size_t n = a;
  if (at(s, p + n, U'\\')) ++n;
  if (!at(s, p + n, U'/') && !at(s, p + n, 0x2044)) return 0;
  ++n;
  const size_t b = run(s, p + n, is_digit);
  if (b == 0) return 0;
  return n + std::min<size_t>(b, 4);
}
size_t frac(const std::u32string& s, size_t p) {
  const size_t a = run(s, p, is_digit);
  size_t best = frac_simple(s, p);
  if (a >= 1 && a <= 4 && p + a < s.size() &&
      (s[p + a] == U'-' || s[p + a] == U' ' || s[p + a] == 0xA0)) {
    const size_t rest = frac_simple(s, p + a + 1);
    if (rest > 0) best = std::max(best, a + 1 + rest);
  }
  return best;
}

// THING3 = [A-Za-z0-9]+(-[A-Za-z]+){0,2}(\\?\/[A-Za-z0-9]+(-[A-Za-z]+){0,2}){1,2}
size_t thing3_part(const std::u32string& s, size_t p) {
  size_t n = run(s, p, is_ascii_alnum);
  if (n == 0) return 0;
  for (int k = 0; k < 2 && at(s, p + n, U'-'); ++k) {
    const size_t letters = run(s, p + n + 1, is_ascii_letter);
    if (letters == 0) break;
    n += 1 + letters;
  }
  return n;
}
size_t thing3(const std::u32string& s, size_t p) {
  size_t n = thing3_part(s, p);
  if (n == 0) return 0;
  size_t end = 0;
  for (int k = 0; k < 2; ++k) {
    size_t q = n;
    if (at(s, p + q, U'\\')) ++q;
    if (!at(s, p + q, U'/')) break;
    const size_t part = thing3_part(s, p + q + 1);
    if (part == 0) break;
    n = q + 1 + part;
    end = n;
  }
  return end;
}

// APOWORD alternatives (flex order does not matter inside one rule).
size_t apoword(const std::u32string& s, size_t p) {
  if (p >= s.size()) return 0;
  size_t best = 0;
  auto consider = [&best](size_t n) { best = std::max(best, n); };
  const char32_t c = s[p];
  if (is_apos(c)) {
    if (literal(s, p + 1, "n")) consider(p + 2 < s.size() && is_apos(s[p + 2]) ? 3 : 2);
    consider(literal(s, p + 1, "em") ? 3 : 0);
    if (p + 3 < s.size() && s[p + 1] >= U'2' && s[p + 1] <= U'9' && s[p + 2] == U'0' &&
        (s[p + 3] == U's' || s[p + 3] == U'S'))
      consider(4);
    if (literal(s, p + 1, "till"))
      consider(5);
    else if (literal(s, p + 1, "til"))
      consider(4);
    if (literal(s, p + 1, "cause")) consider(6);
  }
  if ((c == U'l' || c == U'L' || c == U'd' || c == U'D' || c == U'j' || c == U'J') &&
      p + 1 < s.size() && is_apos(s[p + 1]))
    consider(2);
  for (const char* w : {"dunkin", "somethin", "ol"}) {
    const size_t n = literal(s, p, w);
    if (n && p + n < s.size() && is_apos(s[p + n])) consider(n + 1);
  }
  // [A-HJ-XZn]{APOSETCETERA}[:letter:]{2}[:letter:]*
  if (((c >= U'A' && c <= U'H') || (c >= U'J' && c <= U'X') || c == U'Z' || c == U'n') &&
      p + 1 < s.size() && is_apos_etc(s[p + 1])) {
    const size_t letters = run(s, p + 2, is_letter);
    if (letters >= 2) consider(2 + letters);
  }
  // [:letter:]+[aeiouyAEIOUY]{APOSETCETERA}[aeiouA-Z][:letter:]*
  const size_t head = run(s, p, is_letter);
  if (head >= 2 && p + head + 1 < s.size() && is_apos_etc(s[p + head])) {
    const char32_t v = s[p + head - 1];
    const char32_t w = s[p + head + 1];
    const bool vowel = std::u32string(U"aeiouyAEIOUY").find(v) != std::u32string::npos;
    const bool next =
        std::u32string(U"aeiou").find(w) != std::u32string::npos || (w >= U'A' && w <= U'Z');
    if (vowel && next) consider(head + 1 + run(s, p + head + 1, is_letter));
  }
  for (const char* w : {"cont'd.", "cont'd", "'twas", "nor'easter", "c'mon", "e'er", "s'mores",
                        "ev'ry", "li'l", "nat'l"})
    consider(literal(s, p, w));
  return best;
}

std::u32string quote_text(const std::u32string& text, bool left) {
  std::u32string out;
  for (char32_t c : text) {
    if (c == U'\'')
      out += left ? U"`" : U"'";
    else if (c == U'"')
      out += left ? U"``" : U"''";
    else if (c == 0x91 || c == 0x2018 || c == 0x201B || c == 0x2039)
      out += U"`";
    else if (c == 0x92 || c == 0x2019 || c == 0x203A)
      out += U"'";
    else if (c == 0x93 || c == 0x201C || c == 0xAB)
      out += U"``";
    else if (c == 0x94 || c == 0x201D || c == 0xBB)
      out += U"''";
    else
      out.push_back(c);
  }
  return out;
}

bool is_quote_char(char32_t c) {
  return c == U'`' || c == 0x2018 || c == 0x2019 || (c >= 0x201A && c <= 0x201F) ||
         (c >= 0x91 && c <= 0x94) || c == 0x2039 || c == 0x203A || c == 0xAB || c == 0xBB;
}

// WORD = ({letter}|{SPLET}|...)+ with SPLET = &[aeiouAEIOU](acute|grave|uml);
size_t word(const std::u32string& s, size_t p) {
  size_t n = 0;
  while (p + n < s.size()) {
    if (is_word_char(s[p + n])) {
      ++n;
      continue;
    }
    size_t entity = 0;
    if (s[p + n] == U'&' && p + n + 1 < s.size() &&
        std::u32string(U"aeiouAEIOU").find(s[p + n + 1]) != std::u32string::npos) {
      for (const char* accent : {"acute;", "grave;", "uml;"}) {
        if (const size_t k = literal(s, p + n + 2, accent)) entity = 2 + k;
      }
    }
    if (entity == 0) break;
    n += entity;
  }
  return n;
}

// SPPUNC = &(HT|TL|UR|LR|QC|QL|QR|odq|cdq|#[0-9]+);
size_t sppunc(const std::u32string& s, size_t p) {
  if (!at(s, p, U'&')) return 0;
  for (const char* name : {"HT;", "TL;", "UR;", "LR;", "QC;", "QL;", "QR;", "odq;", "cdq;"}) {
    if (const size_t k = literal(s, p + 1, name)) return 1 + k;
  }
  if (!at(s, p + 1, U'#')) return 0;
  const size_t digits = run(s, p + 2, [](char32_t c) { return c >= U'0' && c <= U'9'; });
  return (digits > 0 && at(s, p + 2 + digits, U';')) ? 3 + digits : 0;
}

// SUBSUPNUM =
// [\u207A\u207B\u208A\u208B]?([\u2070\u00B9\u00B2\u00B3\u2074-\u2079]+|[\u2080-\u2089]+)
size_t subsupnum(const std::u32string& s, size_t p) {
  size_t n = 0;
  if (p < s.size() && (s[p] == 0x207A || s[p] == 0x207B || s[p] == 0x208A || s[p] == 0x208B)) n = 1;
  const size_t sup = run(s, p + n, [](char32_t c) {
    return c == 0x2070 || c == 0xB9 || c == 0xB2 || c == 0xB3 || (c >= 0x2074 && c <= 0x2079);
  });
  const size_t sub = run(s, p + n, [](char32_t c) { return c >= 0x2080 && c <= 0x2089; });
  const size_t digits = std::max(sup, sub);
  return digits == 0 ? 0 : n + digits;
}

// PHONE = (\([0-9]{3}\)[ \u00A0]?|[0-9]{3}[\- \u00A0.])[0-9]{3}[\- \u00A0.][0-9]{4}
size_t phone(const std::u32string& s, size_t p) {
  auto digits = [&s](size_t q, size_t k) {
    for (size_t i = 0; i < k; ++i) {
      if (q + i >= s.size() || s[q + i] < U'0' || s[q + i] > U'9') return false;
    }
    return true;
  };
  auto sep = [&s](size_t q) {
    return q < s.size() && (s[q] == U'-' || s[q] == U' ' || s[q] == 0xA0 || s[q] == U'.');
  };
  size_t n = 0;
  if (at(s, p, U'(') && digits(p + 1, 3) && at(s, p + 4, U')')) {
    n = 5;
    if (at(s, p + n, U' ') || at(s, p + n, 0xA0)) {
      // [ \u00A0]? : take it only if the rest still matches
      if (digits(p + n + 1, 3) && sep(p + n + 4) && digits(p + n + 5, 4)) return n + 9;
    }
  } else if (digits(p, 3) && sep(p + 3)) {
    n = 4;
  } else {
    return 0;
  }
  return (digits(p + n, 3) && sep(p + n + 3) && digits(p + n + 4, 4)) ? n + 8 : 0;
}

}  // namespace adamix::metrics::nlg::ptb
