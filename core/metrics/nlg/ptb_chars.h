#pragma once
// Character classes and small matchers of CoreNLP 3.4.1's PTBLexer.flex (internal to the PTB
// tokenizer port). Positions index a UTF-32 line; every matcher returns the match length, 0 for
// none. JFlex's %caseless applies to literal strings, not to character classes.
#include <string>

namespace adamix::metrics::nlg::ptb {

bool is_letter(char32_t c);  // Java Character.isLetter ([:letter:])
bool is_digit(char32_t c);   // [:digit:]
bool is_ascii_letter(char32_t c);
bool is_ascii_alnum(char32_t c);
bool is_word_char(char32_t c);    // WORD's class: letters, soft hyphen, combining marks
bool is_apos(char32_t c);         // APOS
bool is_apos_etc(char32_t c);     // APOSETCETERA
bool is_space(char32_t c);        // SPACE or NEWLINE
bool is_misc_symbol(char32_t c);  // MISCSYMBOL

// Caseless match of an ASCII literal at s[p].
size_t literal(const std::u32string& s, size_t p, const char* text);
// Length of the run of characters satisfying `pred` from p.
template <typename Pred>
size_t run(const std::u32string& s, size_t p, Pred pred) {
  size_t n = 0;
  while (p + n < s.size() && pred(s[p + n])) ++n;
  return n;
}

// ACRO = [A-Za-z](\.[A-Za-z])+ (without the trailing period).
size_t acro(const std::u32string& s, size_t p);
// An abbreviation whose period stays on the token (titles, months, company words, acronyms
// such as "U.S."), with its period; 0 if none. Single letters and No./Nos./Prop. are the
// lexer's business.
size_t abbreviation(const std::u32string& s, size_t p);

}  // namespace adamix::metrics::nlg::ptb
