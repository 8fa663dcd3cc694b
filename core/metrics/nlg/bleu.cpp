#include "core/metrics/nlg/bleu.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "core/error.h"
#include "core/metrics/nlg/mteval_tokenizer.h"
#include "core/metrics/nlg/ngram_counts.h"

namespace adamix::metrics::nlg {
namespace {

constexpr int kMaxN = 4;

void check_shapes(const std::vector<std::string>& hypotheses,
                  const std::vector<std::vector<std::string>>& references) {
  if (hypotheses.size() != references.size()) {
    throw InputError("BLEU: " + std::to_string(hypotheses.size()) + " hypotheses but " +
                     std::to_string(references.size()) + " reference groups");
  }
  for (size_t i = 0; i < references.size(); ++i) {
    if (references[i].empty()) {
      throw InputError("BLEU: hypothesis " + std::to_string(i) + " has no reference");
    }
  }
}

struct BleuStats {
  long long hits[kMaxN] = {0, 0, 0, 0};
  long long totals[kMaxN] = {0, 0, 0, 0};
  long long hyp_len = 0;
  long long ref_len = 0;
};

// Adds one segment: clipped hits, n-gram totals and the closest reference length (ties to the
// shorter one, as both pymteval and multi-bleu-detok do).
void add_segment(const std::vector<std::string>& hyp,
                 const std::vector<std::vector<std::string>>& refs, bool clamp_totals,
                 BleuStats& stats) {
  for (int n = 1; n <= kMaxN; ++n) {
    const NgramCounts ref_counts = max_ngram_counts(refs, static_cast<size_t>(n));
    for (const auto& [ngram, count] : count_ngrams(hyp, static_cast<size_t>(n))) {
      const auto it = ref_counts.find(ngram);
      if (it != ref_counts.end()) stats.hits[n - 1] += std::min(count, it->second);
    }
    const long long total = static_cast<long long>(hyp.size()) - (n - 1);
    stats.totals[n - 1] += clamp_totals ? std::max(total, 0LL) : total;
  }
  const long long c = static_cast<long long>(hyp.size());
  long long best_len = 0;
  long long best_diff = -1;
  for (const auto& ref : refs) {
    const long long r = static_cast<long long>(ref.size());
    const long long diff = std::llabs(r - c);
    if (best_diff < 0 || diff < best_diff || (diff == best_diff && r < best_len)) {
      best_diff = diff;
      best_len = r;
    }
  }
  stats.hyp_len += c;
  stats.ref_len += best_len;
}

}  // namespace

double e2e_bleu(const std::vector<std::string>& hypotheses,
                const std::vector<std::vector<std::string>>& references) {
  check_shapes(hypotheses, references);
  BleuStats stats;
  for (size_t i = 0; i < hypotheses.size(); ++i) {
    const auto hyp = lower_tokens(mteval_tokenize(hypotheses[i]));
    std::vector<std::vector<std::string>> refs;
    for (const auto& r : references[i]) refs.push_back(lower_tokens(mteval_tokenize(r)));
    add_segment(hyp, refs, /*clamp_totals=*/false, stats);
  }
  // pymteval BLEUScore.bleu / ngram_precision.
  double bp = 1.0;
  const double c = static_cast<double>(stats.totals[0]);
  if (c <= static_cast<double>(stats.ref_len)) {
    bp = std::exp(1.0 - static_cast<double>(stats.ref_len) / (c != 0.0 ? c : 1e-5));
  }
  double log_sum = 0.0;
  for (int n = 0; n < kMaxN; ++n) {
    const double hits = std::max(static_cast<double>(stats.hits[n]), 1e-15);
    const double total = std::max(static_cast<double>(stats.totals[n]), 1e-9);
    log_sum += std::log(hits / total);
  }
  return bp * std::exp(log_sum / kMaxN);
}

double multi_bleu_detok(const std::vector<std::string>& hypotheses,
                        const std::vector<std::vector<std::string>>& references) {
  check_shapes(hypotheses, references);
  BleuStats stats;
  for (size_t i = 0; i < hypotheses.size(); ++i) {
    const auto hyp = mteval_tokenize(hypotheses[i], MtevalFlavour::Perl);
    std::vector<std::vector<std::string>> refs;
    for (const auto& r : references[i]) refs.push_back(mteval_tokenize(r, MtevalFlavour::Perl));
    add_segment(hyp, refs, /*clamp_totals=*/true, stats);
  }
  if (stats.ref_len == 0 || stats.hyp_len == 0) return 0.0;
  // my_log(0) = -9999999999 makes the score 0 for any zero precision.
  double log_sum = 0.0;
  for (int n = 0; n < kMaxN; ++n) {
    if (stats.totals[n] == 0 || stats.hits[n] == 0) return 0.0;
    log_sum += std::log(static_cast<double>(stats.hits[n]) / static_cast<double>(stats.totals[n]));
  }
  double bp = 1.0;
  if (stats.hyp_len < stats.ref_len) {
    bp = std::exp(1.0 - static_cast<double>(stats.ref_len) / static_cast<double>(stats.hyp_len));
  }
  return 100.0 * bp * std::exp(log_sum / kMaxN);
}

}  // namespace adamix::metrics::nlg
