#pragma once
// Random meanings of the synthetic language, with selectional restrictions (adjectives and
// verbs fit their nouns' classes) and Zipf-like word use. The tasks ask for clauses of a given
// polarity or quantifier; SyntheticLanguage::meaning() asks for anything.
//
//   MeaningSampler sampler(lexicon);
//   std::vector<int32_t> used;  // nouns already in the meaning: each noun is one referent
//   Clause c = sampler.clause(rng, ClauseWish{/*polarity=*/-1}, used, /*depth=*/2);
#include <cstdint>
#include <vector>

#include "core/data/rng.h"
#include "core/data/synthetic_lexicon.h"
#include "core/data/synthetic_meaning.h"

namespace adamix::data {

constexpr int kAnyPolarity = 2;

struct ClauseWish {
  int polarity = kAnyPolarity;          // wanted clause_polarity(): -1, 0, +1, or any
  std::vector<Quantifier> quantifiers;  // subject quantifiers to pick from; empty: the usual mix
  bool modifiers = true;                // adjectives and relative clauses (up to the depth)
  bool class_nouns = true;              // a subject may be "the animal", "some people", ...
};

class MeaningSampler {
 public:
  explicit MeaningSampler(const Lexicon& lexicon) : lex_(lexicon) {}

  // 1..depth clauses of any polarity, joined by and / but / because.
  Meaning meaning(Rng& rng, int depth) const;
  // One clause whose nouns are not in `used` (they are added to it).
  Clause clause(Rng& rng, const ClauseWish& wish, std::vector<int32_t>& used, int depth) const;
  // A noun phrase of one of `classes` (class_bit mask) with a quantifier from `quantifiers`
  // (empty: the usual mix), without modifiers.
  NounPhrase noun_phrase(Rng& rng, uint32_t classes, const std::vector<Quantifier>& quantifiers,
                         std::vector<int32_t>& used, bool class_nouns = false) const;
  // A predicate fitting `subject`'s class whose clause_polarity() with it is `polarity`; an
  // attribute is of another antonym pair than `avoid`'s and the subject's adjectives. An
  // action's object gets no modifiers (add_modifiers does that).
  Predicate predicate(Rng& rng, const NounPhrase& subject, int polarity, std::vector<int32_t>& used,
                      const std::vector<int32_t>& avoid = {}) const;
  // Adjectives (not of `avoid_attribute`'s pair; -1: none) and, from depth 2, maybe a relative
  // clause.
  void add_modifiers(Rng& rng, NounPhrase& np, int32_t avoid_attribute, std::vector<int32_t>& used,
                     int depth) const;
  // An adjective for `noun` of the given polarity (kAnyPolarity: any), not in `avoid`'s pairs.
  int32_t attribute(Rng& rng, int32_t noun, int polarity, const std::vector<int32_t>& avoid) const;
  // The quantifier's number: the count for Number, random for "the" and "no".
  static void set_number(Rng& rng, NounPhrase& np);

 private:
  const Lexicon& lex_;
};

}  // namespace adamix::data
