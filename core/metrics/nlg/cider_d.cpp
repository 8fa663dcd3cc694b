#include "core/metrics/nlg/cider_d.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "core/error.h"
#include "core/metrics/nlg/ngram_counts.h"
#include "core/metrics/nlg/unicode_text.h"

namespace adamix::metrics::nlg {
namespace {

constexpr size_t kMaxN = 4;
constexpr double kSigma = 6.0;

// precook: counts of all 1..4-grams.
NgramCounts precook(const std::string& text) {
  const std::vector<std::string> words = python_split(text);
  NgramCounts counts;
  for (size_t n = 1; n <= kMaxN; ++n) {
    for (const auto& [ngram, count] : count_ngrams(words, n)) counts[ngram] += count;
  }
  return counts;
}

struct TfIdf {
  std::vector<std::map<Ngram, double>> vec = std::vector<std::map<Ngram, double>>(kMaxN);
  std::vector<double> norm = std::vector<double>(kMaxN, 0.0);
  long long length = 0;  // number of bigrams (the reference's `if n == 1: length += tf`)
};

TfIdf counts_to_vec(const NgramCounts& counts, const std::map<Ngram, double>& df,
                    double log_ref_len) {
  TfIdf out;
  for (const auto& [ngram, tf] : counts) {
    const auto it = df.find(ngram);
    const double log_df = std::log(std::max(1.0, it == df.end() ? 0.0 : it->second));
    const size_t n = ngram.size() - 1;
    const double value = static_cast<double>(tf) * (log_ref_len - log_df);
    out.vec[n][ngram] = value;
    out.norm[n] += value * value;
    if (n == 1) out.length += tf;
  }
  for (double& v : out.norm) v = std::sqrt(v);
  return out;
}

std::vector<double> similarity(const TfIdf& hyp, const TfIdf& ref) {
  const double delta = static_cast<double>(hyp.length - ref.length);
  std::vector<double> val(kMaxN, 0.0);
  for (size_t n = 0; n < kMaxN; ++n) {
    for (const auto& [ngram, value] : hyp.vec[n]) {
      const auto it = ref.vec[n].find(ngram);
      const double ref_value = it == ref.vec[n].end() ? 0.0 : it->second;
      val[n] += std::min(value, ref_value) * ref_value;
    }
    if (hyp.norm[n] != 0.0 && ref.norm[n] != 0.0) val[n] /= hyp.norm[n] * ref.norm[n];
    val[n] *= std::exp(-(delta * delta) / (2 * kSigma * kSigma));
  }
  return val;
}

}  // namespace

std::vector<double> cider_d_segments(const std::vector<std::string>& hypotheses,
                                     const std::vector<std::vector<std::string>>& references) {
  if (hypotheses.size() != references.size() || hypotheses.empty()) {
    throw InputError("CIDEr-D: " + std::to_string(hypotheses.size()) + " hypotheses and " +
                     std::to_string(references.size()) + " reference groups");
  }
  std::vector<std::vector<NgramCounts>> ref_counts(references.size());
  std::map<Ngram, double> df;
  for (size_t i = 0; i < references.size(); ++i) {
    if (references[i].empty()) {
      throw InputError("CIDEr-D: hypothesis " + std::to_string(i) + " has no reference");
    }
    std::set<Ngram> seen;
    for (const auto& ref : references[i]) {
      ref_counts[i].push_back(precook(ref));
      for (const auto& entry : ref_counts[i].back()) seen.insert(entry.first);
    }
    for (const auto& ngram : seen) df[ngram] += 1.0;
  }
  const double log_ref_len = std::log(static_cast<double>(references.size()));
  std::vector<double> scores;
  scores.reserve(hypotheses.size());
  for (size_t i = 0; i < hypotheses.size(); ++i) {
    const TfIdf hyp = counts_to_vec(precook(hypotheses[i]), df, log_ref_len);
    std::vector<double> sum(kMaxN, 0.0);
    for (const auto& counts : ref_counts[i]) {
      const std::vector<double> val = similarity(hyp, counts_to_vec(counts, df, log_ref_len));
      for (size_t n = 0; n < kMaxN; ++n) sum[n] += val[n];
    }
    double mean = 0.0;
    for (double v : sum) mean += v;
    mean /= static_cast<double>(kMaxN);
    scores.push_back(mean / static_cast<double>(ref_counts[i].size()) * 10.0);
  }
  return scores;
}

double cider_d(const std::vector<std::string>& hypotheses,
               const std::vector<std::vector<std::string>>& references) {
  const std::vector<double> scores = cider_d_segments(hypotheses, references);
  double sum = 0.0;
  for (double s : scores) sum += s;
  return sum / static_cast<double>(scores.size());
}

}  // namespace adamix::metrics::nlg
