#pragma once
// CIDEr-D as pycocoevalcap's Cider/CiderScorer (n = 4, sigma 6) computes it inside
// e2e-metrics. Inputs are the PTB-tokenised lines (coco_ptb_tokenize), split on whitespace.
// idf = ln(#segments) - ln(max(1, df)) with df counted over each segment's reference set;
// per n a clipped cosine sum(min(h, r) * r) / (|h| |r|) times exp(-delta^2 / (2 sigma^2)),
// where delta is -- a quirk of the reference code -- the difference in BIGRAM counts, not in
// lengths; mean over n, mean over references, x10; the corpus score is the mean over segments.
//
//   double c = adamix::metrics::nlg::cider_d(hyps, refs);  // about 2.23 for TGen on E2E test
#include <string>
#include <vector>

namespace adamix::metrics::nlg {

// Per-segment scores, in hypothesis order.
std::vector<double> cider_d_segments(const std::vector<std::string>& hypotheses,
                                     const std::vector<std::vector<std::string>>& references);

double cider_d(const std::vector<std::string>& hypotheses,
               const std::vector<std::vector<std::string>>& references);

}  // namespace adamix::metrics::nlg
