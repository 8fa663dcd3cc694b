#pragma once
// ROUGE-L as pycocoevalcap's Rouge (beta 1.2) computes it inside e2e-metrics. Inputs are the
// PTB-tokenised lines (coco_ptb_tokenize); tokens are split on single spaces as the reference
// does, so an empty line is one empty token. Per segment: LCS-based precision and recall
// against each reference, the best of each taken separately, F = (1+b^2)PR / (R + b^2 P);
// the score is the mean over segments.
//
//   double r = adamix::metrics::nlg::rouge_l({"a cat sat"}, {{"a cat sat on the mat"}});
#include <string>
#include <vector>

namespace adamix::metrics::nlg {

// Score of one segment (the reference's Rouge.calc_score).
double rouge_l_segment(const std::string& hypothesis, const std::vector<std::string>& references);

double rouge_l(const std::vector<std::string>& hypotheses,
               const std::vector<std::vector<std::string>>& references);

}  // namespace adamix::metrics::nlg
