#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/metrics/classification.h"
#include "core/metrics/correlation.h"
#include "core/metrics/metric.h"

namespace adamix::metrics {
namespace {

using Ids = std::vector<int64_t>;
using Values = std::vector<double>;

// Goldens from scikit-learn 1.2 / scipy 1.10 (tests/fixtures/metrics/make_goldens.py).
// Tolerance: 1e-12 relative, plus 1e-14 absolute for values near 0 (a correlation of 1e-3 from
// sums of 1000 terms carries absolute rounding errors of a few 1e-16 in either library).
constexpr double kRelative = 1e-12;
constexpr double kAbsolute = 1e-14;

const nlohmann::json& goldens() {
  static const nlohmann::json doc = [] {
    std::ifstream in(std::string(ADAMIX_FIXTURES_DIR) + "/metrics/goldens.json");
    EXPECT_TRUE(in) << "goldens.json missing: run tests/fixtures/metrics/make_goldens.py";
    return nlohmann::json::parse(in);
  }();
  return doc;
}

void expect_close(double actual, double expected, const std::string& what) {
  EXPECT_FALSE(std::isnan(actual)) << what;
  EXPECT_LE(std::fabs(actual - expected), kRelative * std::fabs(expected) + kAbsolute)
      << what << ": " << actual << " vs golden " << expected;
}

TEST(MetricsGoldens, ClassificationAgreesWithSklearn) {
  const auto& cases = goldens().at("classification");
  ASSERT_GE(cases.size(), 50u);
  int f1_cases = 0;
  for (const auto& c : cases) {
    const std::string name = c.at("name");
    const Ids predictions = c.at("predictions").get<Ids>();
    const Ids labels = c.at("labels").get<Ids>();
    const auto& expected = c.at("expected");
    expect_close(accuracy(predictions, labels), expected.at("accuracy"), name + " accuracy");
    expect_close(matthews_corrcoef(predictions, labels), expected.at("mcc"), name + " mcc");
    if (expected.contains("f1")) {
      ++f1_cases;
      expect_close(binary_f1(predictions, labels), expected.at("f1"), name + " f1");
    }
  }
  EXPECT_GE(f1_cases, 40);
}

TEST(MetricsGoldens, CorrelationsAgreeWithScipy) {
  const auto& cases = goldens().at("regression");
  ASSERT_GE(cases.size(), 30u);
  for (const auto& c : cases) {
    const std::string name = c.at("name");
    const Values predictions = c.at("predictions").get<Values>();
    const Values targets = c.at("targets").get<Values>();
    const auto& expected = c.at("expected");
    expect_close(pearson(predictions, targets), expected.at("pearson"), name + " pearson");
    expect_close(spearman(predictions, targets), expected.at("spearman"), name + " spearman");
  }
}

TEST(Classification, HandCheckedValues) {
  EXPECT_DOUBLE_EQ(accuracy({1, 0, 1, 1}, {1, 1, 1, 0}), 0.5);
  // tp = 2, fp = 1, fn = 1: P = R = 2/3, F1 = 2/3.
  EXPECT_DOUBLE_EQ(binary_f1({1, 0, 1, 1}, {1, 1, 1, 0}), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(binary_f1({1, 0, 1}, {1, 1, 1}), 0.8);
  // tp = 1, tn = 1, fp = 1, fn = 1: (1 - 1) / sqrt(2 * 2 * 2 * 2) = 0.
  EXPECT_DOUBLE_EQ(matthews_corrcoef({1, 0, 1, 0}, {1, 0, 0, 1}), 0.0);
  // tp = 2, tn = 1, fp = 1, fn = 0: (2 - 0) / sqrt(3 * 2 * 1 * 2) = 2 / sqrt(12).
  EXPECT_DOUBLE_EQ(matthews_corrcoef({1, 1, 1, 0}, {1, 1, 0, 0}), 2.0 / std::sqrt(12.0));
  EXPECT_DOUBLE_EQ(matthews_corrcoef({0, 1, 0, 1}, {1, 0, 1, 0}), -1.0);
  EXPECT_DOUBLE_EQ(matthews_corrcoef({2, 0, 1}, {2, 0, 1}), 1.0);
}

TEST(Classification, DegenerateCasesAreZeroNotNan) {
  EXPECT_EQ(matthews_corrcoef({1, 1, 1}, {0, 1, 0}), 0.0);  // constant predictor
  EXPECT_EQ(matthews_corrcoef({0, 1, 0}, {1, 1, 1}), 0.0);  // one reference class
  EXPECT_EQ(matthews_corrcoef({1}, {1}), 0.0);
  EXPECT_EQ(binary_f1({0, 0}, {0, 0}), 0.0);  // no positives anywhere: zero_division = 0
  EXPECT_EQ(binary_f1({0, 0}, {1, 1}), 0.0);
  EXPECT_EQ(binary_f1({1, 1}, {0, 0}), 0.0);
  EXPECT_EQ(accuracy({3}, {3}), 1.0);
}

TEST(Classification, BadInputThrows) {
  EXPECT_THROW(accuracy({1, 0}, {1}), InputError);
  EXPECT_THROW(accuracy({}, {}), InputError);
  EXPECT_THROW(matthews_corrcoef({}, {}), InputError);
  try {
    binary_f1({0, 2}, {0, 1});
    ADD_FAILURE() << "no exception";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("predictions[1] is 2"), std::string::npos) << e.what();
  }
}

TEST(Correlation, HandCheckedValues) {
  EXPECT_NEAR(pearson({1, 2, 3}, {2, 4, 7}), 0.9933992677987828, 1e-15);
  EXPECT_DOUBLE_EQ(pearson({1, 2, 3}, {3, 2, 1}), -1.0);
  EXPECT_DOUBLE_EQ(spearman({1, 2, 3, 4}, {10, 20, 30, 1000}), 1.0);
  // x ranks 1, 2.5, 2.5, 4 against y ranks 1..4: 4.5 / sqrt(4.5 * 5) = 3 / sqrt(10).
  EXPECT_NEAR(spearman({1, 2, 2, 3}, {1, 2, 3, 4}), 3.0 / std::sqrt(10.0), 1e-15);
  EXPECT_EQ(average_ranks({5, 1, 5, 3, 5}), (Values{4, 1, 4, 2, 4}));
  EXPECT_EQ(average_ranks({2, 2}), (Values{1.5, 1.5}));
}

TEST(Correlation, DegenerateCasesAreZeroNotNan) {
  EXPECT_EQ(pearson({2, 2, 2}, {1, 2, 3}), 0.0);
  EXPECT_EQ(pearson({1, 2, 3}, {4, 4, 4}), 0.0);
  EXPECT_EQ(spearman({2, 2, 2}, {1, 2, 3}), 0.0);
  EXPECT_EQ(pearson({1}, {5}), 0.0);
  EXPECT_EQ(spearman({1}, {5}), 0.0);
}

TEST(Correlation, StaysAccurateUnderOffsetsAndExtremeScales) {
  const Values x = {0.1, 0.7, -0.4, 1.3, 0.2, -0.9};
  const Values y = {0.3, 0.2, -0.1, 0.9, 0.5, -1.2};
  const double r = pearson(x, y);
  auto transformed = [](const Values& v, double scale, double offset) {
    Values out;
    for (double e : v) out.push_back(e * scale + offset);
    return out;
  };
  EXPECT_NEAR(pearson(transformed(x, 1e300, 0), transformed(y, 1e-300, 0)), r, 1e-15);
  EXPECT_NEAR(pearson(transformed(x, 1, 1e6), transformed(y, 1, -1e6)), r, 1e-9);
  EXPECT_LE(pearson(x, x), 1.0);
  EXPECT_GE(pearson(x, transformed(x, -1, 0)), -1.0);
}

TEST(Correlation, BadInputThrows) {
  EXPECT_THROW(pearson({1, 2}, {1}), InputError);
  EXPECT_THROW(spearman({}, {}), InputError);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  try {
    pearson({1, nan, 3}, {1, 2, 3});
    ADD_FAILURE() << "no exception";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("value 1 is not finite"), std::string::npos) << e.what();
  }
}

TEST(Metric, NamesRoundTripAndDispatch) {
  for (Metric m : {Metric::Accuracy, Metric::F1, Metric::Mcc, Metric::Pearson, Metric::Spearman}) {
    EXPECT_EQ(parse_metric(to_string(m)), m);
  }
  EXPECT_THROW(parse_metric("matthews", "task.json metrics"), ConfigError);
  EXPECT_TRUE(is_regression_metric(Metric::Spearman));
  EXPECT_FALSE(is_regression_metric(Metric::F1));
  EXPECT_DOUBLE_EQ(classification_metric(Metric::F1, {1, 0, 1}, {1, 1, 1}), 0.8);
  EXPECT_DOUBLE_EQ(regression_metric(Metric::Pearson, {1, 2, 3}, {3, 2, 1}), -1.0);
  EXPECT_THROW(classification_metric(Metric::Pearson, {1}, {1}), ConfigError);
  EXPECT_THROW(regression_metric(Metric::Accuracy, {1}, {1}), ConfigError);
}

}  // namespace
}  // namespace adamix::metrics
