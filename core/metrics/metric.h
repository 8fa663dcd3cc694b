#pragma once
// The evaluation metrics of the GLUE tasks (docs/method.md "Tasks and metrics"), by name.
//
//   double mcc = adamix::metrics::classification_metric(Metric::Mcc, predicted, labels);
#include <cstdint>
#include <string>
#include <vector>

namespace adamix::metrics {

enum class Metric { Accuracy, F1, Mcc, Pearson, Spearman };

// "accuracy", "f1", "mcc", "pearson", "spearman": the names used in task.json, the results
// database and the report tables.
const char* to_string(Metric metric);
// The inverse of to_string; ConfigError naming `field` and the accepted names otherwise.
Metric parse_metric(const std::string& text, const std::string& field = "metric");
// Pearson and Spearman take real-valued predictions; the others take class ids.
bool is_regression_metric(Metric metric);

// `metric` of predicted class ids against reference class ids. ConfigError for a regression
// metric; InputError as the metric functions throw it.
double classification_metric(Metric metric, const std::vector<int64_t>& predictions,
                             const std::vector<int64_t>& labels);
// `metric` of real-valued predictions against reference scores. ConfigError for a
// classification metric; InputError as the metric functions throw it.
double regression_metric(Metric metric, const std::vector<double>& predictions,
                         const std::vector<double>& targets);

}  // namespace adamix::metrics
