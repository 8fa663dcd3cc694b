#pragma once
// What a synthetic-language sentence means, and what follows from it: sentiment, canonical
// facts (for paraphrase and similarity) and entailment. Surface choices (synonyms, passive
// voice) are not part of a meaning; a sentence's words are made from it by SyntheticLanguage.
//
//   Meaning m = language.meaning(rng);
//   int label = sentiment(language.lexicon(), m);      // -1, 0, +1
//   std::vector<std::string> f = facts(language.lexicon(), m);
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/synthetic_lexicon.h"

namespace adamix::data {

// The determiner of a noun phrase: "the", "a"/"an", "some", "every", "no", "many", "few", or a
// numeral ("one".."twelve", Number with count).
enum class Quantifier { The, A, Some, Every, No, Many, Few, Number };

struct Predicate;

struct NounPhrase {
  int32_t noun = 0;  // Lexicon::nouns id
  Quantifier quantifier = Quantifier::The;
  int count = 1;                    // Number only: 1..12
  bool plural = false;              // fixed by the quantifier except for The and No
  std::vector<int32_t> adjectives;  // Lexicon::adjectives ids, before the noun
  std::vector<Predicate> relative;  // 0 or 1: "which is big", "who chases the cat"
};

enum class PredicateKind { Attribute, Action };

struct Predicate {
  PredicateKind kind = PredicateKind::Attribute;
  int32_t attribute = 0;  // Attribute: "is [not] <adjective>"
  int32_t verb = 0;       // Action: "<verb> <object>" / "does not <verb> <object>"
  NounPhrase object;      // Action only
  bool negated = false;
  bool past = false;
};

struct Clause {
  NounPhrase subject;
  Predicate predicate;
};

enum class Connective { And, But, Because };  // "and", ", but", "because"

struct Meaning {
  std::vector<Clause> clauses;          // [not empty]
  std::vector<Connective> connectives;  // clauses.size() - 1; [i] joins clauses i and i + 1
};

// The determiner as written: "the", "a" (the realiser makes it "an" before a vowel), "some",
// "every", "no", "many", "few", or the numeral.
std::string determiner(const NounPhrase& np);

// +1, -1 or 0: the predicate's polarity (adjective or verb), flipped by "not" and by a "no"
// subject ("no dog is happy" is negative).
int clause_polarity(const Lexicon& lexicon, const Clause& clause);

// The sentence's sentiment, as SST-style data reads it: the clauses after the last "but" decide
// (the last clause wins); among them a clause introduced by "because" only gives a reason and
// is ignored; the rest are summed and the sign taken. Modifiers (adjectives, relative clauses)
// never count. 0 when that sum is 0.
int sentiment(const Lexicon& lexicon, const Meaning& meaning);

// Canonical facts, sorted: what the meaning says with synonyms, voice, clause order among
// "and", "not X" vs "antonym(X)" and "the big dog" vs "the dog which is big" normalised away.
// Two meanings say the same thing iff their facts are equal.
std::vector<std::string> facts(const Lexicon& lexicon, const Meaning& meaning);
bool same_meaning(const Lexicon& lexicon, const Meaning& a, const Meaning& b);

// STS-style similarity in hundredths, 0..500: 500 * |A ∩ B| / |A ∪ B|, rounded, over the
// facts and each predication without its referent (so "the dog is big" and "the cat is big"
// overlap a little).
int similarity_hundredths(const Lexicon& lexicon, const Meaning& a, const Meaning& b);

enum class Inference { Contradiction, Entailment, Neutral };  // MNLI's label order

// Whether `premise` entails or contradicts `hypothesis`, a one-clause meaning whose subject has
// no modifiers. Entailment: the premise asserts the same predication (any clause, a relative
// clause or an adjective of a "the" noun phrase) of the same referent, or of a member of the
// hypothesis's existential subject ("a dog", "some animals", hypernyms included). Contradiction:
// it asserts the opposite of the same definite referent, or "no X" against an existential X.
// Everything else is neutral. Nouns are assumed distinct referents within one premise.
Inference infer(const Lexicon& lexicon, const Meaning& premise, const Meaning& hypothesis);

}  // namespace adamix::data
