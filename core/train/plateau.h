#pragma once
// Early stopping's plateau bookkeeping, header-only and without LibTorch: the Trainer runs it
// after every evaluation, and `adamix report` (reports/run_data.cpp) replays it over a trial's
// stored rows to tell a converged trial from one still improving. One definition, so the two
// always agree.
//
//   Plateau plateau;
//   for (double v : dev_accuracy) plateau.add(v, "dev/accuracy", /*min_delta=*/0.0);
//   bool stalled = plateau.stale >= patience;
#include <cstdint>
#include <limits>
#include <string>

namespace adamix::train {

// Lower is better for losses, perplexity and TER ("dev/loss", "test/ter", "ter_mean").
inline bool lower_is_better(const std::string& metric) {
  const auto slash = metric.rfind('/');
  const std::string name = slash == std::string::npos ? metric : metric.substr(slash + 1);
  return name == "loss" || name == "perplexity" || name == "ter" || name == "ter_mean";
}

struct Plateau {
  double best = -std::numeric_limits<double>::infinity();  // as a score: higher is better
  int64_t stale = 0;  // evaluations since `best` last improved by more than min_delta

  // Folds one evaluation's value of `metric` in.
  void add(double value, const std::string& metric, double min_delta) {
    const double score = lower_is_better(metric) ? -value : value;
    if (score > best + min_delta) {
      best = score;
      stale = 0;
    } else {
      ++stale;
    }
  }
};

}  // namespace adamix::train
