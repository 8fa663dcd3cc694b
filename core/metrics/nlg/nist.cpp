#include "core/metrics/nlg/nist.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/metrics/nlg/mteval_tokenizer.h"
#include "core/metrics/nlg/ngram_counts.h"

namespace adamix::metrics::nlg {
namespace {
constexpr size_t kMaxN = 5;
}  // namespace

double e2e_nist(const std::vector<std::string>& hypotheses,
                const std::vector<std::vector<std::string>>& references) {
  if (hypotheses.size() != references.size()) {
    throw InputError("NIST: " + std::to_string(hypotheses.size()) + " hypotheses but " +
                     std::to_string(references.size()) + " reference groups");
  }
  // ref_counts[n]: corpus counts of reference n-grams; ref_counts[0][{}] = total ref words.
  std::vector<NgramCounts> ref_counts(kMaxN + 1);
  std::vector<std::vector<NgramCounts>> hit_counts(kMaxN);  // [n][segment]
  std::vector<long long> cand_totals(kMaxN, 0);
  double avg_ref_len = 0.0;
  for (size_t i = 0; i < hypotheses.size(); ++i) {
    if (references[i].empty()) {
      throw InputError("NIST: hypothesis " + std::to_string(i) + " has no reference");
    }
    const auto hyp = lower_tokens(mteval_tokenize(hypotheses[i]));
    std::vector<std::vector<std::string>> refs;
    for (const auto& r : references[i]) refs.push_back(lower_tokens(mteval_tokenize(r)));
    for (size_t n = 0; n < kMaxN; ++n) {
      cand_totals[n] += static_cast<long long>(hyp.size()) - static_cast<long long>(n);
      const NgramCounts merged = max_ngram_counts(refs, n + 1);
      NgramCounts hits;
      for (const auto& [ngram, count] : count_ngrams(hyp, n + 1)) {
        const auto it = merged.find(ngram);
        if (it != merged.end()) hits[ngram] = std::min(count, it->second);
      }
      hit_counts[n].push_back(std::move(hits));
      for (const auto& ref : refs) {
        for (const auto& [ngram, count] : count_ngrams(ref, n + 1))
          ref_counts[n + 1][ngram] += count;
      }
    }
    long long ref_len_sum = 0;
    for (const auto& ref : refs) ref_len_sum += static_cast<long long>(ref.size());
    ref_counts[0][Ngram()] += ref_len_sum;
    avg_ref_len += static_cast<double>(ref_len_sum) / static_cast<double>(refs.size());
  }
  double nist_sum = 0.0;
  for (size_t n = 0; n < kMaxN; ++n) {
    double info_sum = 0.0;
    for (const auto& segment : hit_counts[n]) {
      for (const auto& [ngram, hits] : segment) {
        const Ngram prefix(ngram.begin(), ngram.end() - 1);
        const double info = std::log2(static_cast<double>(ref_counts[n].at(prefix)) /
                                      static_cast<double>(ref_counts[n + 1].at(ngram)));
        info_sum += info * static_cast<double>(hits);
      }
    }
    // The reference divides by zero here (outputs too short for any n-gram, e.g. an untrained
    // model's empty texts); such an n contributes 0 instead.
    if (cand_totals[n] > 0) nist_sum += info_sum / static_cast<double>(cand_totals[n]);
  }
  // pymteval nist_length_penalty.
  const double beta = -std::log(0.5) / (std::log(1.5) * std::log(1.5));
  const double ratio = static_cast<double>(cand_totals[0]) / avg_ref_len;
  double penalty = 1.0;
  if (ratio <= 0.0) {
    penalty = 0.0;
  } else if (ratio < 1.0) {
    penalty = std::exp(-beta * std::log(ratio) * std::log(ratio));
  }
  return penalty * nist_sum;
}

}  // namespace adamix::metrics::nlg
