#pragma once
// Classification metrics, exact against scikit-learn 1.2 (accuracy_score, f1_score,
// matthews_corrcoef; tests/fixtures/metrics/make_goldens.py holds the goldens). Inputs are
// predicted and reference class ids of equal, non-zero length; otherwise InputError.
//
//   double f1 = adamix::metrics::binary_f1({1, 0, 1}, {1, 1, 1});  // 0.8
#include <cstdint>
#include <vector>

namespace adamix::metrics {

// Fraction of predictions equal to their label.
double accuracy(const std::vector<int64_t>& predictions, const std::vector<int64_t>& labels);

// F1 of the positive class 1 (sklearn f1_score(average="binary", pos_label=1,
// zero_division=0)): 2 tp / (2 tp + fp + fn), and 0 when there are neither predicted nor true
// positives. Every id must be 0 or 1 (InputError naming the index otherwise).
double binary_f1(const std::vector<int64_t>& predictions, const std::vector<int64_t>& labels);

// Matthews correlation coefficient, multi-class as sklearn's matthews_corrcoef (Gorodkin's
// R_K; the usual MCC for two classes). 0 when the denominator is 0 (a constant predictor, or a
// single reference class), never NaN. Counts are exact up to 9e7 examples.
double matthews_corrcoef(const std::vector<int64_t>& predictions,
                         const std::vector<int64_t>& labels);

}  // namespace adamix::metrics
