#include "core/metrics/metric.h"

#include "core/error.h"
#include "core/metrics/classification.h"
#include "core/metrics/correlation.h"

namespace adamix::metrics {

const char* to_string(Metric metric) {
  switch (metric) {
    case Metric::Accuracy: return "accuracy";
    case Metric::F1: return "f1";
    case Metric::Mcc: return "mcc";
    case Metric::Pearson: return "pearson";
    case Metric::Spearman: return "spearman";
  }
  return "?";
}

Metric parse_metric(const std::string& text, const std::string& field) {
  for (Metric m : {Metric::Accuracy, Metric::F1, Metric::Mcc, Metric::Pearson, Metric::Spearman}) {
    if (text == to_string(m)) return m;
  }
  throw ConfigError(field + ": unknown metric \"" + text +
                    "\" (expected accuracy, f1, mcc, pearson or spearman)");
}

bool is_regression_metric(Metric metric) {
  return metric == Metric::Pearson || metric == Metric::Spearman;
}

double classification_metric(Metric metric, const std::vector<int64_t>& predictions,
                             const std::vector<int64_t>& labels) {
  switch (metric) {
    case Metric::Accuracy: return accuracy(predictions, labels);
    case Metric::F1: return binary_f1(predictions, labels);
    case Metric::Mcc: return matthews_corrcoef(predictions, labels);
    case Metric::Pearson:
    case Metric::Spearman: break;
  }
  throw ConfigError(std::string(to_string(metric)) +
                    " is a regression metric; it cannot score class ids");
}

double regression_metric(Metric metric, const std::vector<double>& predictions,
                         const std::vector<double>& targets) {
  switch (metric) {
    case Metric::Pearson: return pearson(predictions, targets);
    case Metric::Spearman: return spearman(predictions, targets);
    case Metric::Accuracy:
    case Metric::F1:
    case Metric::Mcc: break;
  }
  throw ConfigError(std::string(to_string(metric)) +
                    " is a classification metric; it cannot score real-valued predictions");
}

}  // namespace adamix::metrics
