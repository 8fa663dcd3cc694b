// WebNLG/DART metrics against WebNLG GenerationEval (multi-bleu-detok.perl, pyter) on text
// post-processed as LoRA's gpt2_decode.py does (goldens: tests/fixtures/metrics/nlg).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/metrics/nlg/bleu.h"
#include "core/metrics/nlg/generation_eval.h"
#include "core/metrics/nlg/reference_groups.h"
#include "core/metrics/nlg/ter.h"
#include "core/metrics/nlg/webnlg_postprocess.h"

namespace adamix::metrics::nlg {
namespace {

constexpr double kTolerance = 1e-4;  // per metric, absolute (BLEU on its 0-100 scale)

std::string fixture(const std::string& name) {
  return std::string(ADAMIX_FIXTURES_DIR) + "/metrics/nlg/" + name;
}

nlohmann::json golden(const std::string& key) {
  std::ifstream in(fixture("goldens.json"));
  EXPECT_TRUE(in) << "goldens.json missing: see tests/fixtures/metrics/nlg/PROVENANCE.md";
  return nlohmann::json::parse(in)[key];
}

void expect_generation_eval(const std::string& name) {
  const Corpus corpus = read_corpus(fixture(name + "_hyp.txt"), fixture(name + "_refs.txt"));
  const nlohmann::json g = golden(name);
  ASSERT_EQ(corpus.hypotheses.size(), g["segments"].get<size_t>());
  const GenerationEvalScores s = generation_eval_scores(corpus.hypotheses, corpus.references);
  EXPECT_NEAR(s.bleu, g["BLEU"].get<double>(), kTolerance);
  EXPECT_NEAR(s.ter.reported, g["TER_reported"].get<double>(), kTolerance);
  EXPECT_NEAR(s.ter.mean, g["TER_mean"].get<double>(), kTolerance);
}

TEST(NlgGenerationEval, CraftedCasesMatchGenerationEval) {
  // 1, 3, 4 and 8 references (first 6 kept, missing ones filled with the first), an empty
  // output, quotes, "cannot"/"gonna"/"wanna", Unicode, repeated n-grams, long/short outputs.
  expect_generation_eval("webnlg_crafted");
}

TEST(NlgGenerationEval, WebNlgSubsetMatchesGenerationEval) {
  // The first 60 lines of GenerationEval's data/en example (WebNLG 2020 outputs).
  expect_generation_eval("webnlg_subset");
}

TEST(NlgGenerationEval, PostprocessSplitsNonWordCharacters) {
  EXPECT_EQ(webnlg_postprocess("Alan's (born 1930)"), "alan ' s ( born 1930 )");
  // "İ".lower() is "i" + U+0307, a combining mark, which is \W in Python: it splits off.
  EXPECT_EQ(webnlg_postprocess("  Café_Rouge,  İZMİR—5★ "),
            "café_rouge , i \xCC\x87 zmi \xCC\x87 r — 5 ★");
  EXPECT_EQ(webnlg_postprocess(""), "");
}

TEST(NlgGenerationEval, ReferenceSlotsKeepSixAndPadWithTheFirst) {
  const auto slots = webnlg_reference_slots({{"A", "B"}, {"1", "2", "3", "4", "5", "6", "7"}});
  EXPECT_EQ(slots[0], (std::vector<std::string>{"a", "b", "a", "a", "a", "a"}));
  EXPECT_EQ(slots[1], (std::vector<std::string>{"1", "2", "3", "4", "5", "6"}));
  EXPECT_THROW(webnlg_reference_slots({{}}), InputError);
}

TEST(NlgGenerationEval, NltkRetokenizeQuirks) {
  EXPECT_EQ(nltk_retokenize("he said \" cannot \" wanna go"), "he said `` can not `` wan na go");
}

TEST(NlgGenerationEval, PyterDocstringExample) {
  // pyter's doctest: '0.308'.
  const auto split = [](const std::string& s) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= s.size()) {
      const size_t end = std::min(s.find(' ', start), s.size());
      out.push_back(s.substr(start, end - start));
      start = end + 1;
    }
    return out;
  };
  const double t = pyter_ter(
      split("THIS WEEK THE SAUDIS denied information published in the new york times"),
      split("SAUDI ARABIA denied THIS WEEK information published in the AMERICAN new york times"));
  EXPECT_NEAR(t, 4.0 / 13.0, 1e-12);
}

TEST(NlgGenerationEval, TerQuirkAddsOneSegmentScoringOne) {
  const TerScores t = generation_eval_ter({"a b c"}, {{"a c b", "a b c d"}});
  EXPECT_DOUBLE_EQ(t.mean, 0.25);
  EXPECT_DOUBLE_EQ(t.reported, 1.25 / 2.0);
  EXPECT_DOUBLE_EQ(generation_eval_ter({"a"}, {{""}}).mean, 1.0);  // empty reference scores 1
}

TEST(NlgGenerationEval, MultiBleuDetokIsCaseSensitive) {
  EXPECT_NEAR(multi_bleu_detok({"a b c d"}, {{"a b c d"}}), 100.0, 1e-9);
  EXPECT_DOUBLE_EQ(multi_bleu_detok({"A B C D"}, {{"a b c d"}}), 0.0);
}

}  // namespace
}  // namespace adamix::metrics::nlg
