#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/metrics/nlg/meteor.h"

namespace adamix::metrics::nlg {
namespace {

// Goldens from the METEOR 1.5 jar itself, `-stdio -l en -norm -m "exact stem synonym"`
// (tests/fixtures/metrics/meteor/make_goldens.py, PROVENANCE.md). The statistics are integer
// counts and must match exactly; scores are the same double expressions evaluated in the same
// order, so they agree to rounding (std::pow vs Math.pow may differ in the last bit).
constexpr double kTolerance = 1e-12;

using Refs = std::vector<std::vector<std::string>>;

std::string fixture_path(const std::string& name) {
  return std::string(ADAMIX_FIXTURES_DIR) + "/metrics/meteor/" + name;
}

const nlohmann::json& load(const std::string& name) {
  static std::map<std::string, nlohmann::json> docs;
  auto it = docs.find(name);
  if (it == docs.end()) {
    std::ifstream in(fixture_path(name));
    EXPECT_TRUE(in) << fixture_path(name) << " missing";
    it = docs.emplace(name, nlohmann::json::parse(in)).first;
  }
  return it->second;
}

struct Set {
  std::vector<std::string> hypotheses;
  Refs references;
};

Set input_set(const std::string& name) {
  const nlohmann::json& doc = load("inputs.json");
  if (name == "e2e_devel_loo") {  // as make_goldens.py's leave_one_out
    Set set;
    for (const auto& refs : doc["e2e_devel_raw"]["references"]) {
      std::vector<std::string> all = refs.get<std::vector<std::string>>();
      for (size_t k = 0; k < all.size(); ++k) {
        set.hypotheses.push_back(all[k]);
        std::vector<std::string> others = all;
        others.erase(others.begin() + static_cast<std::ptrdiff_t>(k));
        set.references.push_back(others);
      }
    }
    return set;
  }
  return {doc[name]["hypotheses"].get<std::vector<std::string>>(),
          doc[name]["references"].get<Refs>()};
}

bool have_wordnet() { return std::filesystem::exists(meteor_default_wordnet_dir() / "index.noun"); }

#define REQUIRE_WORDNET()                                                       \
  if (!have_wordnet()) {                                                        \
    GTEST_SKIP() << "WordNet 3.0 not found at " << meteor_default_wordnet_dir() \
                 << " (install wordnet-base or set ADAMIX_WORDNET_DIR)";        \
  }

TEST(MeteorNormalize, MatchesMeteorNormalizer) {
  const auto lines = load("inputs.json")["normalize"]["lines"].get<std::vector<std::string>>();
  const auto want = load("goldens.json")["normalize"].get<std::vector<std::string>>();
  ASSERT_EQ(lines.size(), want.size());
  for (size_t i = 0; i < lines.size(); ++i)
    EXPECT_EQ(meteor_normalize(lines[i]), want[i]) << "line " << i << ": " << lines[i];
}

TEST(MeteorNormalize, SplitsPunctuationAndLowercases) {
  EXPECT_EQ(meteor_normalize("The Cat, (really)!"), "the cat , ( really ) !");
  EXPECT_EQ(meteor_normalize(""), "");
  EXPECT_EQ(meteor_normalize("  \t "), "");
}

class MeteorGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(MeteorGolden, SegmentStatsAndScoresMatchJar) {
  REQUIRE_WORDNET();
  const std::string name = GetParam();
  const Set set = input_set(name);
  const nlohmann::json& golden = load("goldens.json")[name];
  const auto stats = golden["segment_stats"].get<std::vector<std::string>>();
  const auto scores = golden["segment_scores"].get<std::vector<double>>();
  ASSERT_EQ(set.hypotheses.size(), stats.size());

  const MeteorScorer scorer;
  double max_dev = 0;
  for (size_t i = 0; i < set.hypotheses.size(); ++i) {
    const MeteorStats got = scorer.segment(set.hypotheses[i], set.references[i]);
    EXPECT_EQ(got.to_string(), stats[i]) << name << " segment " << i << ": " << set.hypotheses[i];
    EXPECT_NEAR(got.score, scores[i], kTolerance) << name << " segment " << i;
    max_dev = std::max(max_dev, std::fabs(got.score - scores[i]));
  }

  const MeteorResult result = meteor_evaluate(set.hypotheses, set.references);
  const double corpus = golden["corpus_score"].get<double>();
  EXPECT_NEAR(result.score, corpus, kTolerance) << name;
  EXPECT_EQ(meteor(set.hypotheses, set.references), result.score);
  if (golden.contains("plaintext_r_corpus_score")) {  // GenerationEval's `-r N` file mode
    EXPECT_NEAR(result.score, golden["plaintext_r_corpus_score"].get<double>(), kTolerance);
  }
  std::cout << "[ meteor   ] " << name << ": " << set.hypotheses.size()
            << " segments, max segment deviation " << max_dev << ", corpus " << result.score
            << " vs jar " << corpus << "\n";
}

INSTANTIATE_TEST_SUITE_P(Sets, MeteorGolden,
                         ::testing::Values("crafted", "e2e_devel_raw", "e2e_devel_ptb",
                                           "e2e_devel_loo", "webnlg_100", "webnlg_perturbed_100"));

TEST(Meteor, IdenticalSegmentScoresOneMinusNoPenalty) {
  REQUIRE_WORDNET();
  const MeteorScorer scorer;
  const MeteorStats s = scorer.segment("the cat sat on the mat", {"the cat sat on the mat"});
  EXPECT_EQ(s.chunks, 1);
  EXPECT_EQ(s.frag_penalty, 0);
  EXPECT_DOUBLE_EQ(s.score, 1.0);
}

TEST(Meteor, EmptyHypothesisScoresZero) {
  REQUIRE_WORDNET();
  EXPECT_EQ(meteor({""}, {{"a reference"}}), 0.0);
  EXPECT_EQ(meteor({}, {}), 0.0);  // Meteor's NaN guard
}

TEST(Meteor, RejectsBadInput) {
  REQUIRE_WORDNET();
  EXPECT_THROW(meteor({"a", "b"}, {{"a"}}), InputError);
  EXPECT_THROW(meteor({"a"}, {{}}), InputError);
  MeteorOptions options;
  options.beam_size = 0;
  EXPECT_THROW(MeteorScorer{options}, InputError);
}

TEST(Meteor, MissingWordNetDirectoryNamesPath) {
  MeteorOptions options;
  options.wordnet_dir = "/nonexistent/wordnet-dir";
  try {
    MeteorScorer scorer(options);
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/wordnet-dir"), std::string::npos)
        << e.what();
  }
}

// The paraphrase hook: a table that pairs "in front of" with "before" adds a stage-4 match.
class TinyParaphrases : public MeteorParaphraser {
 public:
  std::vector<MeteorPhraseMatch> match(const std::vector<std::string>& hyp,
                                       const std::vector<std::string>& ref) const override {
    std::vector<MeteorPhraseMatch> out;
    for (size_t j = 0; j < ref.size(); ++j)
      for (size_t i = 0; i + 2 < hyp.size(); ++i)
        if (ref[j] == "before" && hyp[i] == "in" && hyp[i + 1] == "front" && hyp[i + 2] == "of")
          out.push_back({static_cast<int>(j), 1, static_cast<int>(i), 3});
    return out;
  }
};

TEST(Meteor, ParaphraseHookAddsStageFourMatches) {
  REQUIRE_WORDNET();
  MeteorOptions options;
  const MeteorStats without =
      MeteorScorer(options).segment("he stood in front of it", {"he stood before it"});
  options.paraphraser = std::make_shared<TinyParaphrases>();
  const MeteorStats with =
      MeteorScorer(options).segment("he stood in front of it", {"he stood before it"});
  EXPECT_EQ(without.test_content[3] + without.test_function[3], 0);
  EXPECT_EQ(with.test_content[3] + with.test_function[3], 3);
  EXPECT_EQ(with.reference_content[3] + with.reference_function[3], 1);
  EXPECT_GT(with.score, without.score);
}

}  // namespace
}  // namespace adamix::metrics::nlg
