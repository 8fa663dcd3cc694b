#pragma once
// Token patterns of CoreNLP 3.4.1's PTBLexer.flex as matchers (internal to the PTB tokenizer
// port). Each matcher returns the length of its match at s[p], 0 for none; the flex macro it
// mirrors is quoted above its definition in ptb_patterns.cpp.
#include <string>

#include "core/metrics/nlg/ptb_chars.h"

namespace adamix::metrics::nlg::ptb {

bool is_hyphen(char32_t c);  // HYPHEN
bool is_letter_or_digit(char32_t c);
bool at(const std::u32string& s, size_t p, char32_t c);  // s[p] == c, false past the end
bool followed_by_space(const std::u32string& s, size_t p);
// The ACRONYM rule's right context (spaces, then "The", "He", "It", ... and a space).
bool sentence_start_follows(const std::u32string& s, size_t q);

size_t word(const std::u32string& s, size_t p);       // WORD (letters, marks, &eacute;)
size_t sppunc(const std::u32string& s, size_t p);     // SPPUNC (&HT; &#39; ...)
size_t subsupnum(const std::u32string& s, size_t p);  // SUBSUPNUM (superscript digits)
size_t phone(const std::u32string& s, size_t p);      // PHONE ("(555) 123-4567")
size_t dot_word(const std::u32string& s, size_t p);   // "sc.d", "b.m.reddy"
size_t email(const std::u32string& s, size_t p);      // EMAIL
size_t url(const std::u32string& s, size_t p);        // FULLURL, LIKELYURL
size_t thinga(const std::u32string& s, size_t p);     // THINGA ("AT&T")
size_t redaux(const std::u32string& s, size_t p);     // REDAUX ('s 'm 'd 're 've 'll)
size_t sredaux(const std::u32string& s, size_t p);    // SREDAUX (n't)
size_t thing_part(const std::u32string& s, size_t p);
size_t thing(const std::u32string& s, size_t p);   // THING
size_t hthing(const std::u32string& s, size_t p);  // HTHING
size_t number(const std::u32string& s, size_t p);  // NUMBER
size_t frac_simple(const std::u32string& s, size_t p);
size_t frac(const std::u32string& s, size_t p);  // FRAC
size_t thing3_part(const std::u32string& s, size_t p);
size_t thing3(const std::u32string& s, size_t p);   // THING3 ("km/h", "18L/36R")
size_t apoword(const std::u32string& s, size_t p);  // APOWORD ("o'clock", "'n'", "'90s")

// latexQuotes: the token text of a quote, opening (`` `) or closing ('' ').
std::u32string quote_text(const std::u32string& text, bool left);
bool is_quote_char(char32_t c);  // QUOTES' character class

}  // namespace adamix::metrics::nlg::ptb
