#pragma once
// Correlation metrics of regression tasks (STS-B), exact against scipy 1.10's pearsonr and
// spearmanr up to rounding (goldens: tests/fixtures/metrics/make_goldens.py). Inputs are equal
// length, non-empty and finite; otherwise InputError naming the index.
//
// Degenerate input: where scipy returns NaN (a constant input, or fewer than two values, where
// scipy raises), these return 0, so that a collapsed model scores "no correlation" in a report
// table and best-epoch selection never compares NaN.
//
//   double r = adamix::metrics::pearson({1, 2, 3}, {2, 4, 7});
#include <vector>

namespace adamix::metrics {

// Pearson's r, computed in double from mean-centred, power-of-two-scaled values with
// compensated sums; clamped to [-1, 1].
double pearson(const std::vector<double>& x, const std::vector<double>& y);

// Spearman's rho: Pearson's r of the average ranks (ties share the mean of their positions).
double spearman(const std::vector<double>& x, const std::vector<double>& y);

// 1-based ranks with ties averaged, as scipy.stats.rankdata(method="average").
std::vector<double> average_ranks(const std::vector<double>& values);

}  // namespace adamix::metrics
