// RFC 4180 parsing as Python's csv module reads the official E2E files.
#include <gtest/gtest.h>

#include "core/data/nlg_csv.h"
#include "core/error.h"
#include "data_test_helpers.h"

namespace adamix::data {
namespace {

using testing::expect_error_naming;
using Fields = std::vector<std::string>;

TEST(NlgCsv, QuotedFieldsHoldCommasQuotesAndLineBreaks) {
  const auto rows = parse_csv(
      "mr,ref\r\n\"a, b\",\"say \"\"hi\"\"\"\r\nplain,\"two\r\nlines\"\n\nlast,\n", "x.csv");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].fields, (Fields{"mr", "ref"}));
  EXPECT_EQ(rows[1].fields, (Fields{"a, b", "say \"hi\""}));
  EXPECT_EQ(rows[1].line, 2);
  EXPECT_EQ(rows[2].fields, (Fields{"plain", "two\nlines"}));  // universal newlines: "\n"
  EXPECT_EQ(rows[3].fields, (Fields{"last", ""}));
  EXPECT_EQ(rows[3].line, 6);  // the blank line 5 is skipped
}

TEST(NlgCsv, BomAndMissingFinalNewline) {
  const auto rows = parse_csv("\xEF\xBB\xBFmr,ref\n\"x\",y", "x.csv");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].fields, (Fields{"mr", "ref"}));
  EXPECT_EQ(rows[1].fields, (Fields{"x", "y"}));
  EXPECT_EQ(parse_csv("", "x.csv").size(), 0u);
}

TEST(NlgCsv, ErrorsNameSourceAndLine) {
  expect_error_naming<InputError>([] { parse_csv("a,b\nc,\"open\nstill open", "e.csv"); },
                                  {"e.csv:2", "unterminated"});
  expect_error_naming<InputError>([] { parse_csv("a,b\n\"x\"y,z\n", "e.csv"); },
                                  {"e.csv:2", "closing quote"});
}

}  // namespace
}  // namespace adamix::data
