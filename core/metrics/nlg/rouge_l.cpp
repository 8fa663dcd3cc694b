#include "core/metrics/nlg/rouge_l.h"

#include <algorithm>

#include "core/error.h"
#include "core/metrics/nlg/unicode_text.h"

namespace adamix::metrics::nlg {
namespace {

size_t lcs_length(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<size_t> previous(b.size() + 1, 0);
  std::vector<size_t> current(b.size() + 1, 0);
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      current[j] =
          a[i - 1] == b[j - 1] ? previous[j - 1] + 1 : std::max(previous[j], current[j - 1]);
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

}  // namespace

double rouge_l_segment(const std::string& hypothesis, const std::vector<std::string>& references) {
  if (references.empty()) throw InputError("ROUGE-L: a hypothesis has no reference");
  constexpr double kBeta = 1.2;
  const std::vector<std::string> hyp = split_on_space(hypothesis);
  double best_precision = 0.0;
  double best_recall = 0.0;
  for (const auto& reference : references) {
    const std::vector<std::string> ref = split_on_space(reference);
    const double lcs = static_cast<double>(lcs_length(ref, hyp));
    best_precision = std::max(best_precision, lcs / static_cast<double>(hyp.size()));
    best_recall = std::max(best_recall, lcs / static_cast<double>(ref.size()));
  }
  if (best_precision == 0.0 || best_recall == 0.0) return 0.0;
  return (1 + kBeta * kBeta) * best_precision * best_recall /
         (best_recall + kBeta * kBeta * best_precision);
}

double rouge_l(const std::vector<std::string>& hypotheses,
               const std::vector<std::vector<std::string>>& references) {
  if (hypotheses.size() != references.size() || hypotheses.empty()) {
    throw InputError("ROUGE-L: " + std::to_string(hypotheses.size()) + " hypotheses and " +
                     std::to_string(references.size()) + " reference groups");
  }
  double sum = 0.0;
  for (size_t i = 0; i < hypotheses.size(); ++i)
    sum += rouge_l_segment(hypotheses[i], references[i]);
  return sum / static_cast<double>(hypotheses.size());
}

}  // namespace adamix::metrics::nlg
