#include "core/metrics/correlation.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "core/error.h"

namespace adamix::metrics {
namespace {

// Neumaier's compensated sum: the error of a long sum stays at a few ulp of the result.
class CompensatedSum {
 public:
  void add(double value) {
    const double t = sum_ + value;
    if (std::fabs(sum_) >= std::fabs(value)) {
      compensation_ += (sum_ - t) + value;
    } else {
      compensation_ += (value - t) + sum_;
    }
    sum_ = t;
  }
  double value() const { return sum_ + compensation_; }

 private:
  double sum_ = 0;
  double compensation_ = 0;
};

void check_inputs(const char* metric, const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size()) {
    throw InputError(std::string(metric) + ": " + std::to_string(x.size()) + " predictions but " +
                     std::to_string(y.size()) + " targets");
  }
  if (x.empty()) throw InputError(std::string(metric) + " of an empty split");
  for (size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i]) || !std::isfinite(y[i])) {
      throw InputError(std::string(metric) + ": value " + std::to_string(i) +
                       " is not finite (prediction " + std::to_string(x[i]) + ", target " +
                       std::to_string(y[i]) + ")");
    }
  }
}

bool is_constant(const std::vector<double>& values) {
  return std::all_of(values.begin(), values.end(), [&](double v) { return v == values[0]; });
}

// Mean-centred values scaled by a power of two (exact) so that the largest has magnitude in
// [0.5, 1): the sums of squares below can neither overflow nor underflow.
std::vector<double> centred_and_scaled(const std::vector<double>& values) {
  const double n = static_cast<double>(values.size());
  CompensatedSum sum;
  for (double v : values) sum.add(v);
  double mean = sum.value() / n;
  CompensatedSum residual;  // second pass: corrects the rounding of the first mean
  for (double v : values) residual.add(v - mean);
  mean += residual.value() / n;
  std::vector<double> centred(values.size());
  double largest = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    centred[i] = values[i] - mean;
    largest = std::max(largest, std::fabs(centred[i]));
  }
  if (largest > 0) {
    int exponent = 0;
    std::frexp(largest, &exponent);
    for (double& v : centred) v = std::ldexp(v, -exponent);
  }
  return centred;
}

double pearson_unchecked(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() < 2 || is_constant(x) || is_constant(y)) return 0.0;
  const std::vector<double> dx = centred_and_scaled(x);
  const std::vector<double> dy = centred_and_scaled(y);
  CompensatedSum sxx, syy, sxy;
  for (size_t i = 0; i < dx.size(); ++i) {
    sxx.add(dx[i] * dx[i]);
    syy.add(dy[i] * dy[i]);
    sxy.add(dx[i] * dy[i]);
  }
  const double denominator = std::sqrt(sxx.value()) * std::sqrt(syy.value());
  // Not constant, yet every centred value rounds to 0: no measurable variation.
  if (denominator == 0) return 0.0;
  return std::clamp(sxy.value() / denominator, -1.0, 1.0);
}

}  // namespace

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
  check_inputs("pearson", x, y);
  return pearson_unchecked(x, y);
}

double spearman(const std::vector<double>& x, const std::vector<double>& y) {
  check_inputs("spearman", x, y);
  return pearson_unchecked(average_ranks(x), average_ranks(y));
}

std::vector<double> average_ranks(const std::vector<double>& values) {
  std::vector<size_t> order(values.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return values[a] < values[b]; });
  std::vector<double> ranks(values.size());
  for (size_t begin = 0; begin < order.size();) {
    size_t end = begin + 1;
    while (end < order.size() && values[order[end]] == values[order[begin]]) ++end;
    // Positions begin..end-1 (0-based) share the mean of the 1-based ranks begin+1..end.
    const double rank = 0.5 * static_cast<double>(begin + 1 + end);
    for (size_t k = begin; k < end; ++k) ranks[order[k]] = rank;
    begin = end;
  }
  return ranks;
}

}  // namespace adamix::metrics
