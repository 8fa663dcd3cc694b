#pragma once
// The E2E metrics of e2e-metrics' measure_scores.py -p (Python mode) minus METEOR, with each
// metric fed what the reference feeds it: BLEU and NIST get the raw text (they lowercase and
// mteval-tokenise it themselves); ROUGE-L and CIDEr-D get the PTB-tokenised,
// punctuation-stripped text (coco_ptb_tokenize, references as one batch, hypotheses as another).
//
//   auto corpus = adamix::metrics::nlg::read_corpus("out.txt", "refs.txt");
//   auto s = adamix::metrics::nlg::e2e_scores(corpus.hypotheses, corpus.references);
#include <string>
#include <vector>

namespace adamix::metrics::nlg {

struct E2eScores {
  double bleu = 0.0;  // [0, 1]
  double nist = 0.0;
  double rouge_l = 0.0;  // [0, 1]
  double cider_d = 0.0;  // x10 scale, like the reference's CIDEr
};

E2eScores e2e_scores(const std::vector<std::string>& hypotheses,
                     const std::vector<std::vector<std::string>>& references);

}  // namespace adamix::metrics::nlg
