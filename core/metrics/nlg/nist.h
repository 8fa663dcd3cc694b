#pragma once
// Corpus NIST-5 as e2e-metrics measure_scores.py -p computes it (metrics/pymteval.py
// NISTScore): lowercased Python mteval tokenisation of raw text; information weights
// log2(count(prefix) / count(ngram)) from all references of the corpus (the 0-gram count is
// the total number of reference words); penalty exp(-beta ln^2(min(1, Lsys / sum of mean
// reference lengths))), beta = -ln 0.5 / ln^2 1.5.
//
//   double n = adamix::metrics::nlg::e2e_nist({"a cat sat on the mat"}, {{"a cat sat on a mat"}});
#include <string>
#include <vector>

namespace adamix::metrics::nlg {

// An n-gram order with a total candidate count of 0 (every output shorter than n tokens, e.g.
// an untrained model's empty texts) contributes 0, where the Python reference raises
// ZeroDivisionError.
double e2e_nist(const std::vector<std::string>& hypotheses,
                const std::vector<std::vector<std::string>>& references);

}  // namespace adamix::metrics::nlg
