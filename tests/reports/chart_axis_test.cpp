#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "reports/chart_axis.h"
#include "reports/chart_format.h"

namespace adamix::reports {
namespace {

using Labels = std::vector<std::string>;

TEST(ChartAxis, LinearTicksUseOneTwoFiveSteps) {
  const Axis axis = linear_axis(0.4973, 0.8121);
  EXPECT_EQ(axis.labels,
            (Labels{"0.45", "0.50", "0.55", "0.60", "0.65", "0.70", "0.75", "0.80", "0.85"}));
  EXPECT_DOUBLE_EQ(axis.lo, 0.45);
  EXPECT_DOUBLE_EQ(axis.hi, 0.85);
  EXPECT_EQ(axis.ticks.size(), axis.labels.size());
  EXPECT_FALSE(axis.log);

  EXPECT_EQ(linear_axis(0.0, 1.0).labels, (Labels{"0.0", "0.2", "0.4", "0.6", "0.8", "1.0"}));
  EXPECT_EQ(linear_axis(-3.2, 7.9).labels, (Labels{"-4", "-2", "0", "2", "4", "6", "8"}));
  EXPECT_EQ(linear_axis(0, 1234).labels,
            (Labels{"0", "200", "400", "600", "800", "1000", "1200", "1400"}));
  EXPECT_EQ(linear_axis(7.9, -3.2).labels, linear_axis(-3.2, 7.9).labels);  // order-free
}

TEST(ChartAxis, EndsOnTicksWithinSlack) {
  // 0.15 / 0.05 is 2.9999999999999996: still the first tick, not one before it (which would
  // need 9 intervals and push the step to 0.1).
  const Axis axis = linear_axis(0.15, 0.55);
  EXPECT_EQ(axis.labels.front(), "0.15");
  EXPECT_EQ(axis.labels.back(), "0.55");
  EXPECT_EQ(axis.labels.size(), 9u);
}

TEST(ChartAxis, ConstantSeriesGetsARealAxis) {
  for (const double v : {0.7, 0.0, -12.0, 1e-9, 3e6}) {
    const Axis axis = linear_axis(v, v);
    EXPECT_LT(axis.lo, v) << v;
    EXPECT_GT(axis.hi, v) << v;
    ASSERT_GE(axis.ticks.size(), 3u) << v;
    for (std::size_t i = 1; i < axis.labels.size(); ++i) {
      EXPECT_NE(axis.labels[i], axis.labels[i - 1]) << v;
    }
  }
  EXPECT_EQ(linear_axis(0, 0).labels.front(), "-1.0");
  EXPECT_EQ(linear_axis(0, 0).labels.back(), "1.0");
}

TEST(ChartAxis, NonFiniteBoundsFallBackToUnitRange) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const Axis axis = linear_axis(nan, 3.0);
  EXPECT_DOUBLE_EQ(axis.lo, 0.0);
  EXPECT_DOUBLE_EQ(axis.hi, 1.0);
}

TEST(ChartAxis, LogTicksArePowersOfTwoForSizes) {
  const Axis sizes = log_axis(8, 48);
  EXPECT_TRUE(sizes.log);
  EXPECT_EQ(sizes.labels, (Labels{"8", "16", "32", "64"}));
  EXPECT_EQ(log_axis(1, 8).labels, (Labels{"1", "2", "4", "8"}));
  EXPECT_EQ(log_axis(0.25, 3).labels, (Labels{"0.25", "0.5", "1", "2", "4"}));
  EXPECT_DOUBLE_EQ(sizes.fraction(8), 0.0);
  EXPECT_DOUBLE_EQ(sizes.fraction(64), 1.0);
  EXPECT_NEAR(sizes.fraction(16), 1.0 / 3.0, 1e-12);
  EXPECT_EQ(log_axis(16, 16).labels, (Labels{"8", "16", "32"}));  // a single x
}

TEST(ChartAxis, LogTicksUseDecadesForWideRanges) {
  EXPECT_EQ(log_axis(1e-5, 1e-2).labels, (Labels{"1e-05", "2e-05", "5e-05", "0.0001", "0.0002",
                                                 "0.0005", "0.001", "0.002", "0.005", "0.01"}));
  EXPECT_EQ(log_axis(3e-8, 40).labels, (Labels{"1e-08", "1e-07", "1e-06", "1e-05", "0.0001",
                                               "0.001", "0.01", "0.1", "1", "10", "100"}));
  EXPECT_EQ(log_axis(1e-4, 3e-4).labels, (Labels{"0.0001", "0.0002", "0.0005"}));  // trimmed
  EXPECT_EQ(log_axis(1e-5, 1e-3).labels.size(), 7u);  // small values: decades, not octaves
  const Axis huge = log_axis(1e-30, 1e30);            // every few decades, still covering the range
  EXPECT_LE(huge.ticks.size(), 12u);
  EXPECT_LE(huge.lo, 1e-30);
  EXPECT_GE(huge.hi, 1e30);
}

TEST(ChartAxis, PaddingKeepsTicks) {
  Axis axis = linear_axis(0, 1);
  pad_axis(axis, 0.1);
  EXPECT_DOUBLE_EQ(axis.lo, -0.1);
  EXPECT_DOUBLE_EQ(axis.hi, 1.1);
  EXPECT_EQ(axis.labels.front(), "0.0");
  Axis bars = linear_axis(0, 1);
  pad_axis(bars, 0.1, false);
  EXPECT_DOUBLE_EQ(bars.lo, 0.0);
  Axis sizes = log_axis(8, 64);
  pad_axis(sizes, 0.1);
  EXPECT_NEAR(sizes.fraction(8), 1.0 / 12.0, 1e-12);
}

TEST(ChartAxis, CategoryAxisCentresOnIndices) {
  const Axis axis = category_axis({"SST-2", "MNLI"}, 3);
  EXPECT_EQ(axis.labels, (Labels{"SST-2", "MNLI", "2"}));
  EXPECT_DOUBLE_EQ(axis.lo, -0.5);
  EXPECT_DOUBLE_EQ(axis.hi, 2.5);
  EXPECT_DOUBLE_EQ(axis.fraction(1.0), 0.5);
}

TEST(ChartFormat, TickLabelsAndNumbers) {
  EXPECT_EQ(format_tick(0.45, 0.05), "0.45");
  EXPECT_EQ(format_tick(2, 0.5), "2.0");
  EXPECT_EQ(format_tick(-1e-17, 0.1), "0.0");  // no "-0.0"
  EXPECT_EQ(format_tick(2e6, 1e6), "2e+06");
  EXPECT_EQ(format_fixed(1.0 / 3.0, 2), "0.33");
  EXPECT_EQ(format_general(1e-5), "1e-05");
  EXPECT_EQ(std::stod(format_exact(0.1 + 0.2)), 0.1 + 0.2);
}

}  // namespace
}  // namespace adamix::reports
