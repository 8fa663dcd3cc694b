#pragma once
// Labelled examples of the synthetic language's tasks, each with the meanings it was made from
// so that tests can check every label against the semantics (synthetic_meaning.h).
// synthetic_tasks.h writes them out as GLUE-format folders.
//
//   ExampleMaker maker(language, rng);
//   LanguageExample e = maker.entailment(Inference::Contradiction);
//   infer(language.lexicon(), e.first.meaning, e.second.meaning);  // Inference::Contradiction
#include <string>
#include <vector>

#include "core/data/rng.h"
#include "core/data/synthetic_language.h"

namespace adamix::data {

struct LanguageExample {
  Sentence first;
  Sentence second;           // pair tasks only
  int label = 0;             // class id: index into the task's labels
  int score_hundredths = 0;  // similarity only: 0..500
};

struct DataToTextExample {
  std::string mr;  // "subject : brandle | quantity : three | number : plural | property : ..."
  Meaning meaning;
  std::vector<std::string> references;  // distinct texts, each saying exactly `meaning`
};

class ExampleMaker {
 public:
  ExampleMaker(const SyntheticLanguage& language, Rng& rng) : lang_(language), rng_(rng) {}

  // Label 1 positive, 0 negative (SST-2's ids) by sentiment(): half the multi-clause sentences
  // turn at a ", but" (the clauses before it have the opposite polarity), "because" clauses
  // have any polarity, and negation, "no" subjects and modifiers of either polarity make sure
  // no single word gives the label away.
  LanguageExample sentiment(bool positive);
  // Label = the Inference (MNLI's order); the hypothesis is derived from the premise's meaning:
  // a clause restated or generalised (hypernym, "a"/"some"), a modifier stated as a fact, its
  // negation or antonym, "no ..." against it, an unrelated attribute, action or entity.
  LanguageExample entailment(Inference label);
  // Label 1 when both say the same facts (passive/active, synonyms, clause order, "not X" vs
  // antonym, adjective vs relative clause), 0 after one fact-changing edit. Texts always differ.
  LanguageExample paraphrase(bool same);
  // Score = similarity_hundredths(); `bin` 0..4 asks for a score in [bin, bin + 1) (bin 4:
  // [4, 5]). The closest of many tries when the depth makes the bin unreachable.
  LanguageExample similarity(int bin);
  // Label 1: a generated sentence; 0: one corrupted (agreement, an adjacent swap, a dropped
  // word) that the grammar rejects.
  LanguageExample acceptability(bool grammatical);
  // One clause's meaning as an E2E-style MR, and up to `references` distinct realisations.
  DataToTextExample data_to_text(int references);

 private:
  Meaning premise();
  bool hypothesis(Inference label, Meaning& premise, Meaning& out);
  std::vector<std::string> corrupted(const Sentence& sentence);
  std::string mr(const Meaning& meaning) const;

  const SyntheticLanguage& lang_;
  Rng& rng_;
};

}  // namespace adamix::data
