#include "core/metrics/classification.h"

#include <cmath>
#include <map>
#include <string>

#include "core/error.h"

namespace adamix::metrics {
namespace {

void check_sizes(const char* metric, size_t predictions, size_t labels) {
  if (predictions != labels) {
    throw InputError(std::string(metric) + ": " + std::to_string(predictions) +
                     " predictions but " + std::to_string(labels) + " labels");
  }
  if (predictions == 0) throw InputError(std::string(metric) + " of an empty split");
}

void check_binary(const std::vector<int64_t>& ids, const char* what) {
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] != 0 && ids[i] != 1) {
      throw InputError(std::string("f1: ") + what + "[" + std::to_string(i) + "] is " +
                       std::to_string(ids[i]) + ", but binary F1 takes class ids 0 and 1 only");
    }
  }
}

}  // namespace

double accuracy(const std::vector<int64_t>& predictions, const std::vector<int64_t>& labels) {
  check_sizes("accuracy", predictions.size(), labels.size());
  int64_t correct = 0;
  for (size_t i = 0; i < labels.size(); ++i) correct += predictions[i] == labels[i];
  return static_cast<double>(correct) / static_cast<double>(labels.size());
}

double binary_f1(const std::vector<int64_t>& predictions, const std::vector<int64_t>& labels) {
  check_sizes("f1", predictions.size(), labels.size());
  check_binary(predictions, "predictions");
  check_binary(labels, "labels");
  int64_t true_positives = 0, false_positives = 0, false_negatives = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    true_positives += predictions[i] == 1 && labels[i] == 1;
    false_positives += predictions[i] == 1 && labels[i] == 0;
    false_negatives += predictions[i] == 0 && labels[i] == 1;
  }
  // Equal to 2 P R / (P + R); the zero-division case (no positives at all) is 0 in sklearn.
  const int64_t denominator = 2 * true_positives + false_positives + false_negatives;
  if (denominator == 0) return 0.0;
  return static_cast<double>(2 * true_positives) / static_cast<double>(denominator);
}

double matthews_corrcoef(const std::vector<int64_t>& predictions,
                         const std::vector<int64_t>& labels) {
  check_sizes("mcc", predictions.size(), labels.size());
  // Per class: how often it is the label (t_k) and the prediction (p_k).
  std::map<int64_t, std::pair<double, double>> counts;
  double correct = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    counts[labels[i]].first += 1;
    counts[predictions[i]].second += 1;
    correct += predictions[i] == labels[i];
  }
  const double n = static_cast<double>(labels.size());
  double true_dot_predicted = 0, true_dot_true = 0, predicted_dot_predicted = 0;
  for (const auto& [label, tp] : counts) {
    true_dot_predicted += tp.first * tp.second;
    true_dot_true += tp.first * tp.first;
    predicted_dot_predicted += tp.second * tp.second;
  }
  // sklearn: cov(y, y^) / sqrt(cov(y, y) cov(y^, y^)), each scaled by n^2. All terms are
  // integers, exact in double while n^2 < 2^53.
  const double cov_true_predicted = correct * n - true_dot_predicted;
  const double cov_predicted = n * n - predicted_dot_predicted;
  const double cov_true = n * n - true_dot_true;
  if (cov_predicted == 0 || cov_true == 0) return 0.0;
  return cov_true_predicted / std::sqrt(cov_true * cov_predicted);
}

}  // namespace adamix::metrics
