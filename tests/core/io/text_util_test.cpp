// core/util/text.h: the small string helpers reports and inspect print with.
#include "core/util/text.h"

#include <gtest/gtest.h>

#include <limits>

namespace adamix::util {
namespace {

TEST(TextUtil, GroupedPutsACommaBetweenEveryThreeDigits) {
  EXPECT_EQ(grouped(0), "0");
  EXPECT_EQ(grouped(999), "999");
  EXPECT_EQ(grouped(1000), "1,000");
  EXPECT_EQ(grouped(1234567), "1,234,567");
  EXPECT_EQ(grouped(-1234), "-1,234");
  EXPECT_EQ(grouped(-123), "-123");
  EXPECT_EQ(grouped(std::numeric_limits<int64_t>::min()), "-9,223,372,036,854,775,808");
  EXPECT_EQ(shape_text({2, 3}), "[2, 3]");
  EXPECT_EQ(shape_text({}), "[]");
}

}  // namespace
}  // namespace adamix::util
