// Meteor's English normaliser (edu.cmu.meteor.util.Normalizer.normalizeLine with
// keepPunctuation, then String.toLowerCase), one step per Java regex. Java's Matcher.replaceAll
// scans left to right and resumes after each match, so a character consumed as the right
// context of one match cannot be the left context of the next ("a,b,c" -> "a , b,c"); the
// scans below keep that behaviour.
#include <utf8proc.h>
#include <string>
#include <unordered_map>

#include "core/metrics/nlg/meteor.h"

namespace adamix::metrics::nlg {
namespace {

using U32 = std::u32string;

U32 decode(const std::string& s) {
  U32 out;
  out.reserve(s.size());
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(s.size());
  while (left > 0) {
    utf8proc_int32_t c = 0;
    utf8proc_ssize_t n = utf8proc_iterate(p, left, &c);
    if (n <= 0) {  // Java's UTF-8 decoder replaces a malformed byte with U+FFFD
      out.push_back(0xFFFD);
      n = 1;
    } else {
      out.push_back(static_cast<char32_t>(c));
    }
    p += n;
    left -= n;
  }
  return out;
}

std::string encode(const U32& s) {
  std::string out;
  out.reserve(s.size());
  utf8proc_uint8_t buf[4];
  for (char32_t c : s) {
    utf8proc_ssize_t n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(c), buf);
    out.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
  }
  return out;
}

// Normalizer.alpha: "A-Za-zŠŽšžŸÀ-ÖØ-öø-ž" + "Ѐ-ӿԀ-ԧꙀ-ꙮ꙾-ꚗᴀ-ᵿ".
bool is_alpha(char32_t c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= 0xC0 && c <= 0xD6) ||
         (c >= 0xD8 && c <= 0xF6) || (c >= 0xF8 && c <= 0x17E) || (c >= 0x400 && c <= 0x527) ||
         (c >= 0xA640 && c <= 0xA66E) || (c >= 0xA67E && c <= 0xA697) ||
         (c >= 0x1D00 && c <= 0x1D7F);
}
bool is_digit(char32_t c) { return c >= '0' && c <= '9'; }  // \p{Digit} is ASCII in Java
bool is_alnum(char32_t c) { return is_digit(c) || is_alpha(c); }
bool is_regex_space(char32_t c) {  // Java's \s
  return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
}
bool is_token_delim(char32_t c) {  // StringTokenizer's default delimiters
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}
bool is_white(char32_t c) {  // Normalizer.r_white (Unicode spaces, not tabs)
  return c == ' ' || (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F || c == 0x3000 ||
         c == 0xA0;
}

U32 u32(const char* ascii) { return U32(ascii, ascii + std::char_traits<char>::length(ascii)); }

// String.replace(CharSequence, CharSequence): non-overlapping, left to right.
U32 replace_literal(const U32& s, const U32& from, const U32& to) {
  U32 out;
  size_t i = 0;
  while (true) {
    size_t j = s.find(from, i);
    if (j == U32::npos) break;
    out.append(s, i, j - i);
    out += to;
    i = j + from.size();
  }
  out.append(s, i, U32::npos);
  return out;
}

// replaceAll of "(A)[m](B)" with "$1" + middle + "$2".
template <class First, class Last>
U32 replace_triple(const U32& s, First first, char32_t m, Last last, const U32& middle) {
  U32 out;
  size_t i = 0;
  while (i < s.size()) {
    if (i + 2 < s.size() && first(s[i]) && s[i + 1] == m && last(s[i + 2])) {
      out += s[i];
      out += middle;
      out += s[i + 2];
      i += 3;
    } else {
      out += s[i++];
    }
  }
  return out;
}

// english.prefixes (Moses nonbreaking prefixes, as shipped in Meteor's resources).
enum class Prefix { Any, NumericOnly };
const std::unordered_map<std::u32string, Prefix>& nonbreaking_prefixes() {
  static const std::unordered_map<std::u32string, Prefix> map = [] {
    std::unordered_map<std::u32string, Prefix> m;
    const char* any[] = {
        "Adj",   "Adm",  "Adv",  "Asst", "Bart", "Bldg", "Brig", "Bros", "Capt", "Cmdr",   "Col",
        "Comdr", "Con",  "Corp", "Cpl",  "DR",   "Dr",   "Drs",  "Ens",  "Gen",  "Gov",    "Hon",
        "Hr",    "Hosp", "Insp", "Lt",   "MM",   "MR",   "MRS",  "MS",   "Maj",  "Messrs", "Mlle",
        "Mme",   "Mr",   "Mrs",  "Ms",   "Msgr", "Op",   "Ord",  "Pfc",  "Ph",   "Prof",   "Pvt",
        "Rep",   "Reps", "Res",  "Rev",  "Rt",   "Sen",  "Sens", "Sfc",  "Sgt",  "Sr",     "St",
        "Supt",  "Surg", "v",    "vs",   "i.e",  "rev",  "e.g",  "Nos",  "Nr"};
    for (const char* p : any) m[u32(p)] = Prefix::Any;
    for (char c = 'A'; c <= 'Z'; ++c) m[U32(1, static_cast<char32_t>(c))] = Prefix::Any;
    for (const char* p : {"No", "Art", "pp"}) m[u32(p)] = Prefix::NumericOnly;
    return m;
  }();
  return map;
}

// Java String.toLowerCase outside the Turkish locales: simple mappings plus the two
// context-free/conditional special cases (İ -> i̇, final sigma).
U32 java_lower(const U32& s) {
  auto cased = [](char32_t c) {
    auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(c));
    return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LL ||
           cat == UTF8PROC_CATEGORY_LT;
  };
  U32 out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char32_t c = s[i];
    if (c == 0x130) {
      out += U'i';
      out += char32_t{0x307};
    } else if (c == 0x3A3) {
      bool final_sigma = i > 0 && cased(s[i - 1]) && !(i + 1 < s.size() && cased(s[i + 1]));
      out += final_sigma ? char32_t{0x3C2} : char32_t{0x3C3};
    } else {
      out += static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c)));
    }
  }
  return out;
}

// Nonbreaking-prefix pass over the tokens (dots still attached).
U32 split_dots(const U32& line) {
  std::vector<U32> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_token_delim(line[i])) ++i;
    size_t j = i;
    while (j < line.size() && !is_token_delim(line[j])) ++j;
    if (j > i) words.emplace_back(line, i, j - i);
    i = j;
  }
  const auto& nbp = nonbreaking_prefixes();
  U32 out;
  for (size_t k = 0; k < words.size(); ++k) {
    const U32& w = words[k];
    if (w.size() > 1 && w.back() == U'.') {
      U32 pre = w.substr(0, w.size() - 1);
      auto it = nbp.find(pre);
      bool has_alpha = false;
      for (char32_t c : pre) has_alpha = has_alpha || is_alpha(c);
      bool next_lower = k + 1 < words.size() && words[k + 1][0] >= 'a' && words[k + 1][0] <= 'z';
      bool next_digit = k + 1 < words.size() && is_digit(words[k + 1][0]);
      if (pre.find(U'.') != U32::npos && has_alpha) {
        for (char32_t c : w)  // New in Meteor: drop dots (U.S. -> US)
          if (c != U'.') out += c;
      } else if ((it != nbp.end() && it->second == Prefix::Any) || next_lower) {
        out += w;
      } else if (it != nbp.end() && it->second == Prefix::NumericOnly && next_digit) {
        out += w;
      } else {
        out += pre;
        out += u32(" .");
      }
    } else {
      out += w;
    }
    out += U' ';
  }
  return out;
}

}  // namespace

std::string meteor_normalize(const std::string& line) {
  U32 s = U' ' + decode(line) + U' ';

  // r_sep_other: wrap every symbol except . ' ` , - ‘ ’ in spaces.
  {
    U32 out;
    for (char32_t c : s) {
      bool keep = is_alnum(c) || is_regex_space(c) || c == U'.' || c == U'\'' || c == U'`' ||
                  c == U',' || c == U'-' || c == 0x2018 || c == 0x2019;
      if (keep) {
        out += c;
      } else {
        out += U' ';
        out += c;
        out += U' ';
      }
    }
    s = out;
  }

  // r_multi_dot: "\.([\.]+)" -> " DOTMULTI$1", then the DOTMULTI. escape loop.
  {
    U32 out;
    size_t i = 0;
    while (i < s.size()) {
      if (s[i] == U'.' && i + 1 < s.size() && s[i + 1] == U'.') {
        size_t j = i + 1;
        while (j < s.size() && s[j] == U'.') ++j;
        out += u32(" DOTMULTI");
        out.append(s, i + 1, j - i - 1);
        i = j;
      } else {
        out += s[i++];
      }
    }
    s = out;
  }
  const U32 dotmulti_dot = u32("DOTMULTI.");
  while (s.find(dotmulti_dot) != U32::npos) {
    U32 out;  // r_multi_dot2: "DOTMULTI\.([^\.])" -> "DOTDOTMULTI $1"
    size_t i = 0;
    while (i < s.size()) {
      if (s.compare(i, dotmulti_dot.size(), dotmulti_dot) == 0 &&
          i + dotmulti_dot.size() < s.size() && s[i + dotmulti_dot.size()] != U'.') {
        out += u32("DOTDOTMULTI ");
        out += s[i + dotmulti_dot.size()];
        i += dotmulti_dot.size() + 1;
      } else {
        out += s[i++];
      }
    }
    s = replace_literal(out, dotmulti_dot, u32("DOTDOTMULTI"));
  }

  // Commas, except within numbers.
  auto digit = [](char32_t c) { return is_digit(c); };
  auto non_digit = [](char32_t c) { return !is_digit(c); };
  s = replace_triple(s, non_digit, U',', non_digit, u32(" , "));
  s = replace_triple(s, digit, U',', non_digit, u32(" , "));
  s = replace_triple(s, non_digit, U',', digit, u32(" , "));

  // Quotes: ` ‘ ’ -> ', then “ ” '' -> " \" ".
  for (char32_t& c : s)
    if (c == U'`' || c == 0x2018 || c == 0x2019) c = U'\'';
  {
    U32 out;
    size_t i = 0;
    while (i < s.size()) {
      if (s[i] == 0x201C || s[i] == 0x201D) {
        out += u32(" \" ");
        ++i;
      } else if (s[i] == U'\'' && i + 1 < s.size() && s[i + 1] == U'\'') {
        out += u32(" \" ");
        i += 2;
      } else {
        out += s[i++];
      }
    }
    s = out;
  }

  // Dashes: – -> -, -- -> -, then split dashes between words (U.S.-based).
  s = replace_literal(s, U32(1, char32_t{0x2013}), u32("-"));
  s = replace_literal(s, u32("--"), u32("-"));
  s = replace_triple(
      s, [](char32_t c) { return is_alnum(c) || c == U'.'; }, U'-',
      [](char32_t c) { return is_alnum(c); }, u32(" "));

  // English contractions split to the right.
  auto alpha = [](char32_t c) { return is_alpha(c); };
  auto non_alpha = [](char32_t c) { return !is_alpha(c); };
  auto non_alnum = [](char32_t c) { return !is_alpha(c) && !is_digit(c); };
  s = replace_triple(s, non_alpha, U'\'', non_alpha, u32(" ' "));
  s = replace_triple(s, non_alnum, U'\'', alpha, u32(" ' "));
  s = replace_triple(s, alpha, U'\'', non_alpha, u32(" ' "));
  s = replace_triple(s, alpha, U'\'', alpha, u32(" '"));
  s = replace_triple(
      s, digit, U'\'', [](char32_t c) { return c == U's'; }, u32(" '"));

  s = split_dots(s);

  // Unescape multiple dots.
  const U32 dotdotmulti = u32("DOTDOTMULTI");
  while (s.find(dotdotmulti) != U32::npos) s = replace_literal(s, dotdotmulti, dotmulti_dot);
  s = replace_literal(s, u32("DOTMULTI"), u32("."));

  // r_white, then String.trim (strips everything <= U+0020 at both ends).
  {
    U32 out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (is_white(s[i])) {
        out += U' ';
        while (i + 1 < s.size() && is_white(s[i + 1])) ++i;
      } else {
        out += s[i];
      }
    }
    size_t b = 0;
    size_t e = out.size();
    while (b < e && out[b] <= 0x20) ++b;
    while (e > b && out[e - 1] <= 0x20) --e;
    s = out.substr(b, e - b);
  }
  return encode(java_lower(s));
}

}  // namespace adamix::metrics::nlg
