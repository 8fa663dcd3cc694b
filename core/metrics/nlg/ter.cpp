#include "core/metrics/nlg/ter.h"

#include <algorithm>

#include "core/error.h"
#include "core/metrics/nlg/unicode_text.h"

namespace adamix::metrics::nlg {
namespace {

using Words = std::vector<std::string>;

size_t edit_distance(const Words& hyp, const Words& ref) {
  std::vector<size_t> previous(ref.size() + 1);
  std::vector<size_t> current(ref.size() + 1);
  for (size_t j = 0; j <= ref.size(); ++j) previous[j] = j;
  for (size_t i = 1; i <= hyp.size(); ++i) {
    current[0] = i;
    for (size_t j = 1; j <= ref.size(); ++j) {
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1,
                             previous[j - 1] + (hyp[i - 1] == ref[j - 1] ? 0 : 1)});
    }
    std::swap(previous, current);
  }
  return previous[ref.size()];
}

// pyter _shift: the best (gain, shifted words) over pyter's _findpairs candidates.
bool best_shift(const Words& hyp, const Words& ref, Words& shifted_out) {
  const long long before = static_cast<long long>(edit_distance(hyp, ref));
  bool found = false;
  long long best_gain = 0;
  Words best;
  for (size_t i1 = 0; i1 < hyp.size(); ++i1) {
    for (size_t i2 = 0; i2 < ref.size(); ++i2) {
      if (i1 == i2 || hyp[i1] != ref[i2]) continue;
      size_t length = 1;
      while (i1 + length < hyp.size() && i2 + length < ref.size() &&
             hyp[i1 + length] == ref[i2 + length]) {
        ++length;
      }
      // Remove hyp[i1, i1+length) and insert it at position i2 of what is left.
      Words rest(hyp.begin(), hyp.begin() + static_cast<std::ptrdiff_t>(i1));
      rest.insert(rest.end(), hyp.begin() + static_cast<std::ptrdiff_t>(i1 + length), hyp.end());
      const size_t at = std::min(i2, rest.size());
      rest.insert(rest.begin() + static_cast<std::ptrdiff_t>(at),
                  hyp.begin() + static_cast<std::ptrdiff_t>(i1),
                  hyp.begin() + static_cast<std::ptrdiff_t>(i1 + length));
      const long long gain = before - static_cast<long long>(edit_distance(rest, ref));
      if (!found || gain > best_gain || (gain == best_gain && rest > best)) {
        found = true;
        best_gain = gain;
        best = std::move(rest);
      }
    }
  }
  if (!found || best_gain <= 0) return false;
  shifted_out = std::move(best);
  return true;
}

}  // namespace

double pyter_ter(const Words& hypothesis, const Words& reference) {
  if (reference.empty()) throw InputError("TER: empty reference");
  Words hyp = hypothesis;
  size_t shifts = 0;
  Words shifted;
  while (best_shift(hyp, reference, shifted)) {
    ++shifts;
    hyp = std::move(shifted);
  }
  return static_cast<double>(shifts + edit_distance(hyp, reference)) /
         static_cast<double>(reference.size());
}

TerScores generation_eval_ter(const std::vector<std::string>& hypotheses,
                              const std::vector<std::vector<std::string>>& references) {
  if (hypotheses.size() != references.size() || hypotheses.empty()) {
    throw InputError("TER: " + std::to_string(hypotheses.size()) + " hypotheses and " +
                     std::to_string(references.size()) + " reference groups");
  }
  double sum = 0.0;
  for (size_t i = 0; i < hypotheses.size(); ++i) {
    if (references[i].empty()) {
      throw InputError("TER: hypothesis " + std::to_string(i) + " has no reference");
    }
    const Words hyp = python_split(hypotheses[i]);
    double best = 0.0;
    for (size_t r = 0; r < references[i].size(); ++r) {
      const Words ref = python_split(references[i][r]);
      // GenerationEval ter_score: an empty reference (or a pyter error) scores 1.
      const double score = ref.empty() ? 1.0 : pyter_ter(hyp, ref);
      best = r == 0 ? score : std::min(best, score);
    }
    sum += best;
  }
  const double n = static_cast<double>(hypotheses.size());
  return TerScores{sum / n, (sum + 1.0) / (n + 1.0)};
}

}  // namespace adamix::metrics::nlg
