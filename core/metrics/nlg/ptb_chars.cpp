#include "core/metrics/nlg/ptb_chars.h"

#include <utf8proc.h>

#include <algorithm>
#include <initializer_list>

namespace adamix::metrics::nlg::ptb {
namespace {

utf8proc_category_t category(char32_t c) {
  return utf8proc_category(static_cast<utf8proc_int32_t>(c));
}

char32_t ascii_lower(char32_t c) { return (c >= U'A' && c <= U'Z') ? c + 32 : c; }

// Longest caseless literal among `words` at p, 0 if none.
size_t longest_literal(const std::u32string& s, size_t p,
                       std::initializer_list<const char*> words) {
  size_t best = 0;
  for (const char* w : words) best = std::max(best, literal(s, p, w));
  return best;
}

// A literal that must not be followed by further letters of the same abbreviation is the
// caller's business: the lexer compares whole-rule lengths.
size_t with_period(const std::u32string& s, size_t p, size_t n) {
  return (n > 0 && p + n < s.size() && s[p + n] == U'.') ? n + 1 : 0;
}

}  // namespace

bool is_letter(char32_t c) {
  if (c < 0x80) return is_ascii_letter(c);
  if (c > 0xFFFF) return false;  // JFlex 1.4 scans UTF-16 units: no supplementary letters
  switch (category(c)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO: return true;
    default: return false;
  }
}

bool is_digit(char32_t c) {
  if (c < 0x80) return c >= U'0' && c <= U'9';
  return c <= 0xFFFF && category(c) == UTF8PROC_CATEGORY_ND;
}

bool is_ascii_letter(char32_t c) { return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z'); }
bool is_ascii_alnum(char32_t c) { return is_ascii_letter(c) || (c >= U'0' && c <= U'9'); }

bool is_word_char(char32_t c) {
  if (is_letter(c) || c == 0xAD) return true;
  if (c < 0x80 || c > 0xFFFF) return false;
  const auto cat = category(c);
  return cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC || (c >= 0x2C2 && c <= 0x2C5) ||
         (c >= 0x2D2 && c <= 0x2DF) || (c >= 0x2E5 && c <= 0x2FF);
}

bool is_apos(char32_t c) { return c == U'\'' || c == 0x92 || c == 0x2019; }
bool is_apos_etc(char32_t c) { return is_apos(c) || c == 0x91 || c == 0x2018 || c == 0x201B; }

bool is_space(char32_t c) {
  return c == U' ' || c == U'\t' || c == 0xA0 || (c >= 0x2000 && c <= 0x200A) || c == 0x3000 ||
         c == U'\r' || c == U'\n' || c == 0x2028 || c == 0x2029 || c == 0x0B || c == 0x0C ||
         c == 0x85;
}

bool is_misc_symbol(char32_t c) {
  return c == 0xA6 || c == 0xA7 || c == 0xA8 || c == 0xA9 || c == 0xAC || c == 0xAE || c == 0xAF ||
         (c >= 0xB0 && c <= 0xBA) || c == 0xD7 || c == 0xF7 || c == 0x387 ||
         (c >= 0x2020 && c <= 0x2023) || (c >= 0x2032 && c <= 0x2038) || c == 0x2044 ||
         (c >= 0x207A && c <= 0x207F) || (c >= 0x208A && c <= 0x208E) ||
         (c >= 0x2100 && c <= 0x214F) || (c >= 0x2190 && c <= 0x23FF) ||
         (c >= 0x2600 && c <= 0x27BF) || c == 0x3012 || c == 0x30FB ||
         (c >= 0xFF01 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) ||
         (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65);
}

size_t literal(const std::u32string& s, size_t p, const char* text) {
  size_t n = 0;
  for (; text[n] != '\0'; ++n) {
    if (p + n >= s.size()) return 0;
    if (ascii_lower(s[p + n]) != ascii_lower(static_cast<char32_t>(text[n]))) return 0;
  }
  return n;
}

size_t acro(const std::u32string& s, size_t p) {
  if (p >= s.size() || !is_ascii_letter(s[p])) return 0;
  size_t n = 1;
  while (p + n + 1 < s.size() && s[p + n] == U'.' && is_ascii_letter(s[p + n + 1])) n += 2;
  return n >= 3 ? n : 0;
}

size_t abbreviation(const std::u32string& s, size_t p) {
  // ABBREV1 and ABBREV2 words of 3.4.1 whose period always stays on the token (checked
  // against the jar: "Inc. The" -> "inc. ." with a duplicated period, "Mr. The" -> "mr.").
  size_t n = longest_literal(
      s, p,
      {"jan",  "feb",   "mar",   "apr",   "jun",  "jul",   "aug",     "sep",   "sept",  "oct",
       "nov",  "dec",   "mon",   "tue",   "tues", "wed",   "thu",     "thurs", "fri",   "ala",
       "ariz", "calif", "colo",  "conn",  "dak",  "fla",   "ga",      "ind",   "kan",   "kans",
       "ky",   "md",    "mich",  "minn",  "mo",   "mont",  "neb",     "nev",   "okla",  "penn",
       "tenn", "va",    "vt",    "wis",   "wisc", "wyo",   "inc",     "co",    "cos",   "corp",
       "pty",  "ptys",  "ppty",  "pptys", "ltd",  "plc",   "bancorp", "dept",  "bhd",   "assn",
       "univ", "intl",  "sys",   "ph",    "tel",  "est",   "ext",     "sq",    "ft",    "jr",
       "sr",   "bros",  "ed.d",  "ph.d",  "blvd", "rd",    "esq",     "etc",   "al",    "seq",
       "mr",   "mrs",   "ms",    "dr",    "drs",  "prof",  "profs",   "sen",   "sens",  "rep",
       "reps", "atty",  "attys", "lt",    "col",  "gen",   "messrs",  "gov",   "govs",  "adm",
       "rev",  "maj",   "sgt",   "cpl",   "pvt",  "mt",    "capt",    "st",    "ste",   "ave",
       "pres", "lieut", "hon",   "brig",  "cmdr", "comdr", "pfc",     "spc",   "supt",  "supts",
       "det",  "vs",    "alex",  "wm",    "jos",  "cie",   "a.k.a",   "cf",    "treas", "invt",
       "elec", "natl",  "mfg",   "mtg",   "adv",  "assoc", "asst",    "insp",  "adj",   "ct",
       "mlle", "mme"});
  // [A]rk, [A]z, [D]el, [I]ll, [L]a, [M]ass, [M]iss, [O]re, [P]a, [T]ex, [W]ash: capital first.
  if (p < s.size()) {
    switch (s[p]) {
      case U'A': n = std::max({n, literal(s, p, "ark"), literal(s, p, "az")}); break;
      case U'D': n = std::max(n, literal(s, p, "del")); break;
      case U'I': n = std::max(n, literal(s, p, "ill")); break;
      case U'L': n = std::max(n, literal(s, p, "la")); break;
      case U'M': n = std::max({n, literal(s, p, "mass"), literal(s, p, "miss")}); break;
      case U'O': n = std::max(n, literal(s, p, "ore")); break;
      case U'P': n = std::max(n, literal(s, p, "pa")); break;
      case U'T': n = std::max(n, literal(s, p, "tex")); break;
      case U'W': n = std::max(n, literal(s, p, "wash")); break;
      default: break;
    }
  }
  return std::max(with_period(s, p, n), with_period(s, p, acro(s, p)));
}

}  // namespace adamix::metrics::nlg::ptb
