#pragma once
// A small seeded language of English-like sentences whose meaning is known, for pretraining a
// backbone and for GLUE-style tasks over it (synthetic_tasks.h). Sentences have subject-verb
// agreement, adjectives, negation ("is not", "does not"), quantities ("three", "many", "no"),
// relative clauses ("which ...", "who ..."), passives, and clauses joined by "and", ", but" and
// "because"; each comes with its Meaning (synthetic_meaning.h).
//
//   SyntheticLanguage language(LanguageOptions{/*seed=*/7, /*vocabulary=*/3000, /*depth=*/2});
//   Rng rng(1);
//   Sentence s = language.sentence(rng);  // s.text(): "Three brandles were not floopish."
//
// Grammar (what sentence() makes and grammatical() accepts; lower case, "," and "." as words):
//   sentence  := clause ( ("and" | "," "but" | "because") clause )* "."
//   clause    := np(n) vp(n)            -- n: the number (singular / plural) both agree in
//   np(n)     := det(n) adjective* noun(n) [ ("who" | "which") vp(n) ]   -- "who" for persons
//   det       := the | no | a/an (sg) | every (sg) | one (sg) | some | many | few | two..twelve
//   vp(n)     := be(n) [not] adjective | be(n) [not] participle "by" np | verb(n) np
//              | do(n) "not" verb-base np            -- be: is/are/was/were; do: does/do/did
// Depth d: 1..d clauses; up to min(d - 1, 3) adjectives per noun phrase; relative clauses
// (nested at most d - 1 deep) from d = 2.
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/rng.h"
#include "core/data/synthetic_lexicon.h"
#include "core/data/synthetic_meaning.h"
#include "core/data/synthetic_parser.h"
#include "core/data/synthetic_sampler.h"

namespace adamix::data {

struct LanguageOptions {
  uint64_t seed = 1;          // picks the words: same seed, same lexicon
  int64_t vocabulary = 3000;  // content words: noun, adjective and verb lemmas, synonyms included
  int depth = 2;              // 1..5: clauses per sentence and modifiers per noun phrase

  // ConfigError naming the option: vocabulary outside [200, 200000], depth outside [1, 5].
  void validate() const;
};

// A subject and the finite verb agreeing with it, as word indices into Sentence::words.
struct AgreementSite {
  int32_t subject = 0;  // the head noun ("dogs" in "the big dogs which ...")
  int32_t verb = 0;     // "is"/"are", "was"/"were", "does"/"do", "chases"/"chase", "did", ...
  bool plural = false;
  bool marked = true;  // false when the form is the same for both numbers ("did", "chased")
};

struct Sentence {
  Meaning meaning;
  std::vector<std::string> words;        // lower case; "," and "." are words of their own
  std::vector<AgreementSite> agreement;  // one per clause and per relative clause
  std::string text() const { return sentence_text(words); }
};

class SyntheticLanguage {
 public:
  explicit SyntheticLanguage(const LanguageOptions& options);  // validates options
  SyntheticLanguage(const SyntheticLanguage&) = delete;        // the sampler points at the lexicon
  SyntheticLanguage& operator=(const SyntheticLanguage&) = delete;

  const LanguageOptions& options() const { return options_; }
  const Lexicon& lexicon() const { return lexicon_; }
  const MeaningSampler& sampler() const { return sampler_; }
  const SyntheticParser& parser() const { return parser_; }

  Meaning meaning(Rng& rng) const { return sampler_.meaning(rng, options_.depth); }
  Sentence sentence(Rng& rng) const { return realise(meaning(rng), rng); }
  // Words for `meaning`, with random surface choices: synonyms, and the passive voice for
  // passive_percent of the clauses whose verb has one (and whose doer is not "every", "no" or
  // "few": "by every dog" would change the scope).
  Sentence realise(const Meaning& meaning, Rng& rng, int passive_percent = 25) const;
  // Whether `words` (as Sentence::words) is a sentence of the grammar above.
  bool grammatical(const std::vector<std::string>& words) const { return parser_.accepts(words); }

 private:
  LanguageOptions options_;
  Lexicon lexicon_;
  MeaningSampler sampler_;
  SyntheticParser parser_;
};

}  // namespace adamix::data
