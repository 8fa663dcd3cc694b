#pragma once
// Changes to a Meaning, for paraphrase, similarity, entailment and data-to-text examples:
// rewrites keep the facts (facts() stays equal) and change the words; edits change one fact.
//
//   Meaning b = a;
//   rewrite(lexicon, rng, b);          // same_meaning(lexicon, a, b)
//   edit(sampler, lexicon, rng, b);    // one fact differs (check: it may do nothing)
#include <vector>

#include "core/data/rng.h"
#include "core/data/synthetic_meaning.h"
#include "core/data/synthetic_sampler.h"

namespace adamix::data {

// A predicate and the noun phrase it is said of (a clause's subject, or the head of a
// relative clause). Pointers into one Meaning; valid until it changes shape.
struct PredicateSite {
  NounPhrase* subject;
  Predicate* predicate;
  bool main;  // a clause's own predicate, not a relative clause
};

std::vector<NounPhrase*> noun_phrases(Meaning& meaning);  // subjects, objects, nested ones
std::vector<PredicateSite> predicate_sites(Meaning& meaning);
std::vector<int32_t> nouns_used(const Meaning& meaning);

// One meaning-preserving rewrite, picked at random among those that apply: "is not X" <->
// "is antonym(X)", "the big dog" <-> "the dog which is big", "A and B" -> "B and A". False
// when none applies.
bool rewrite(const Lexicon& lexicon, Rng& rng, Meaning& meaning);

// One fact-changing edit at random: flip a negation or a tense, change an attribute, a noun
// (same class), a count or a number, swap an action's doer and done-to, turn "and" into
// "because" (or back), drop an adjective. False when the drawn edit did not apply.
bool edit(const MeaningSampler& sampler, const Lexicon& lexicon, Rng& rng, Meaning& meaning);

// Without adjectives and relative clauses, when definite ("the big dog" -> "the dog"); a
// quantified phrase keeps them, since they restrict what it quantifies over.
NounPhrase stripped(const NounPhrase& np);
Predicate stripped(const Predicate& p);  // its object stripped

}  // namespace adamix::data
