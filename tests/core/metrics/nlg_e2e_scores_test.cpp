// E2E metrics against e2e-metrics measure_scores.py -p (goldens from
// tests/fixtures/metrics/nlg/make_goldens.py; PROVENANCE.md there says how they were made).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/metrics/nlg/bleu.h"
#include "core/metrics/nlg/cider_d.h"
#include "core/metrics/nlg/e2e_scores.h"
#include "core/metrics/nlg/nist.h"
#include "core/metrics/nlg/reference_groups.h"
#include "core/metrics/nlg/rouge_l.h"

namespace adamix::metrics::nlg {
namespace {

constexpr double kTolerance = 1e-4;  // per metric, absolute

std::string fixture(const std::string& name) {
  return std::string(ADAMIX_FIXTURES_DIR) + "/metrics/nlg/" + name;
}

const nlohmann::json& goldens() {
  static const nlohmann::json doc = [] {
    std::ifstream in(fixture("goldens.json"));
    EXPECT_TRUE(in) << "goldens.json missing: see tests/fixtures/metrics/nlg/PROVENANCE.md";
    return nlohmann::json::parse(in);
  }();
  return doc;
}

void expect_e2e_goldens(const Corpus& corpus, const nlohmann::json& golden) {
  ASSERT_EQ(corpus.hypotheses.size(), golden["segments"].get<size_t>());
  const E2eScores s = e2e_scores(corpus.hypotheses, corpus.references);
  EXPECT_NEAR(s.bleu, golden["BLEU"].get<double>(), kTolerance);
  EXPECT_NEAR(s.nist, golden["NIST"].get<double>(), kTolerance);
  EXPECT_NEAR(s.rouge_l, golden["ROUGE_L"].get<double>(), kTolerance);
  EXPECT_NEAR(s.cider_d, golden["CIDEr"].get<double>(), kTolerance);
}

TEST(NlgE2eScores, CraftedCasesMatchMeasureScores) {
  // Empty output, one reference, 45 references, punctuation, "£", repeated n-grams, outputs
  // longer and shorter than every reference, Unicode, upper case, abbreviations.
  expect_e2e_goldens(read_corpus(fixture("e2e_crafted_hyp.txt"), fixture("e2e_crafted_refs.txt")),
                     goldens()["e2e_crafted"]);
}

TEST(NlgE2eScores, TgenBaselineSubsetMatchesMeasureScores) {
  // The first 64 MRs of the E2E test set, TGen baseline outputs, all their references.
  expect_e2e_goldens(
      read_corpus(fixture("e2e_tgen_subset_hyp.txt"), fixture("e2e_tgen_subset_refs.txt")),
      goldens()["e2e_tgen_subset"]);
}

TEST(NlgE2eScores, TgenBaselineFullTestSet) {
  const char* dir = std::getenv("ADAMIX_E2E_REAL_DIR");
  if (dir == nullptr) {
    GTEST_SKIP() << "ADAMIX_E2E_REAL_DIR unset: it should hold hyp.txt and refs.txt, the full E2E "
                    "test set with TGen outputs (see tests/fixtures/metrics/nlg/PROVENANCE.md)";
  }
  const std::string d(dir);
  expect_e2e_goldens(read_corpus(d + "/hyp.txt", d + "/refs.txt"), goldens()["e2e_tgen_full"]);
}

TEST(NlgE2eScores, EmptyOutputCountsAsOneTokenAndTotalsAreNotClamped) {
  // pymteval: "".split(' ') == [''], so the empty output is 1 token long; the candidate 4-gram
  // total is (4-3) + (1-3) = -1, floored to 1e-9, so the 4-gram "precision" is 1e9 and
  // BLEU = (4/5 * 3/3 * 2/1 * 1/1e-9)^(1/4) = 200 (pymteval gives 199.99999999999991 too).
  EXPECT_NEAR(e2e_bleu({"a b c d", ""}, {{"a b c d"}, {"x"}}), 200.0, 1e-9);
}

TEST(NlgE2eScores, BleuIsCaseInsensitiveAndPerfectOnIdentity) {
  EXPECT_NEAR(
      e2e_bleu({"The Eagle is a pub near Café Rouge."}, {{"the eagle is a pub near café rouge ."}}),
      1.0, 1e-12);
}

TEST(NlgE2eScores, NistRejectsCorpusWithoutFiveGrams) {
  // Every output shorter than 5 tokens: the 5-gram total is 0 and the reference divides by it.
  // No 5-gram anywhere (the reference divides by zero): n = 5 contributes 0.
  EXPECT_GT(e2e_nist({"a b c d"}, {{"a b c d e"}}), 0.0);
  EXPECT_EQ(e2e_nist({""}, {{"a b c d e"}}), 0.0);
}

TEST(NlgE2eScores, RougeAndCiderTakeTokenisedText) {
  EXPECT_NEAR(rouge_l({"a b c"}, {{"a b c"}}), 1.0, 1e-12);
  EXPECT_DOUBLE_EQ(rouge_l({""}, {{"a b"}}), 0.0);  // "" splits to one empty token
  // One segment: idf = ln(1) - ln(1) = 0 for every n-gram, so CIDEr is 0.
  EXPECT_DOUBLE_EQ(cider_d({"a b c"}, {{"a b c"}}), 0.0);
}

TEST(NlgE2eScores, MismatchedCountsThrow) {
  EXPECT_THROW(e2e_scores({"a"}, {{"a"}, {"b"}}), InputError);
  EXPECT_THROW(e2e_bleu({"a"}, {{}}), InputError);
}

}  // namespace
}  // namespace adamix::metrics::nlg
