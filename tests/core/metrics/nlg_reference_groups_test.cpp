// Reading outputs and grouped references in the e2e-metrics text format.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "core/error.h"
#include "core/metrics/nlg/mteval_tokenizer.h"
#include "core/metrics/nlg/reference_groups.h"

namespace adamix::metrics::nlg {
namespace {

class NlgReferenceGroups : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& text) {
    const std::string path = ::testing::TempDir() + "nlg_refs_" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  // Runs `f` and returns the InputError message ("" if none was thrown).
  template <typename F>
  std::string error_of(F f) {
    try {
      f();
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  }
};

TEST_F(NlgReferenceGroups, ReadsGroupsSeparatedByOneBlankLine) {
  const auto hyp = write("h1", "out one\n  out two  \n");
  const auto ref = write("r1", "a\nb\n\nc\n");
  const Corpus c = read_corpus(hyp, ref);
  EXPECT_EQ(c.hypotheses, (std::vector<std::string>{"out one", "out two"}));
  EXPECT_EQ(c.references, (std::vector<std::vector<std::string>>{{"a", "b"}, {"c"}}));
}

TEST_F(NlgReferenceGroups, SingleGroupMeansOneReferencePerLine) {
  const Corpus c = read_corpus(write("h2", "x\ny\n"), write("r2", "a\nb\n"));
  EXPECT_EQ(c.references, (std::vector<std::vector<std::string>>{{"a"}, {"b"}}));
}

TEST_F(NlgReferenceGroups, ErrorsNameFileAndLine) {
  const auto empty_group = write("r3", "a\n\n\nb\n");
  EXPECT_NE(error_of([&] { read_reference_groups(empty_group); }).find(empty_group + ":3"),
            std::string::npos);
  const auto bad_utf8 = write("h4", "ok\nbad \xC3\x28 byte\n");
  EXPECT_NE(error_of([&] { read_hypotheses(bad_utf8); }).find(bad_utf8 + ":2"), std::string::npos);
  const auto three = write("h5", "x\ny\nz\n");
  const auto two = write("r5", "a\n\nb\n");
  EXPECT_NE(error_of([&] { read_corpus(three, two); }).find("2 reference groups"),
            std::string::npos);
  EXPECT_THROW(read_hypotheses(::testing::TempDir() + "nlg_refs_missing"), IoError);
}

TEST(NlgMtevalTokenizer, SplitsLikeMteval13a) {
  EXPECT_EQ(mteval_tokenize("£20-25, fine. 3.5 &amp; 1,000"),
            (std::vector<std::string>{"£20", "-", "25", ",", "fine", ".", "3.5", "&", "1,000"}));
  EXPECT_EQ(mteval_tokenize(""), (std::vector<std::string>{""}));
  EXPECT_TRUE(mteval_tokenize("", MtevalFlavour::Perl).empty());
  // "'" is not in mteval's punctuation classes.
  EXPECT_EQ(mteval_tokenize("it's (x)"), (std::vector<std::string>{"it's", "(", "x", ")"}));
}

}  // namespace
}  // namespace adamix::metrics::nlg
