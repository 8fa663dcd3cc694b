// `adamix score` and `adamix generate` as a user runs them: the reference programs' numbers
// through the command line, and bad input as one line, exit 2, nothing written.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/support/cli_helpers.h"

namespace adamix::testing {
namespace {
namespace fs = std::filesystem;

const fs::path kMetrics = fs::path(ADAMIX_FIXTURES_DIR) / "metrics" / "nlg";
constexpr double kTolerance = 1e-4;  // the tolerance against the reference programs

std::string q(const fs::path& path) { return "'" + path.string() + "'"; }
void write(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }
std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void expect_clear_error(const RunResult& r, const std::string& needle) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

nlohmann::json goldens() {
  std::ifstream in(kMetrics / "goldens.json");
  return nlohmann::json::parse(in);
}

nlohmann::ordered_json score_json(const std::string& set, const std::string& name) {
  const auto r = run_adamix("score --json --metrics " + set + " --hypotheses " +
                            q(kMetrics / (name + "_hyp.txt")) + " --references " +
                            q(kMetrics / (name + "_refs.txt")));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::ordered_json::parse(r.out);
}

TEST(ScoreCli, E2eMetricsEqualE2eMetricsOnARealSystemOutput) {
  const auto want = goldens().at("e2e_tgen_subset");
  const auto got = score_json("e2e", "e2e_tgen_subset");
  EXPECT_NEAR(got.at("bleu").get<double>(), want.at("BLEU").get<double>(), kTolerance);
  EXPECT_NEAR(got.at("nist").get<double>(), want.at("NIST").get<double>(), kTolerance);
  EXPECT_NEAR(got.at("rouge_l").get<double>(), want.at("ROUGE_L").get<double>(), kTolerance);
  EXPECT_NEAR(got.at("cider").get<double>(), want.at("CIDEr").get<double>(), kTolerance);
  // No paraphrase table: a little below the jar with paraphrases (core_metrics_test checks
  // METEOR against the jar without them).
  const double meteor = got.at("meteor").get<double>();
  const double with_paraphrase = want.at("METEOR_with_paraphrase").get<double>();
  EXPECT_LT(meteor, with_paraphrase);
  EXPECT_GT(meteor, with_paraphrase - 0.02);
  std::vector<std::string> keys;
  for (auto it = got.begin(); it != got.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"bleu", "nist", "meteor", "rouge_l", "cider"}));
}

TEST(ScoreCli, WebnlgMetricsEqualGenerationEval) {
  const auto want = goldens().at("webnlg_subset");
  const auto got = score_json("webnlg", "webnlg_subset");
  EXPECT_NEAR(got.at("bleu").get<double>(), want.at("BLEU").get<double>(), kTolerance);
  EXPECT_NEAR(got.at("ter").get<double>(), want.at("TER_reported").get<double>(), kTolerance);
  EXPECT_NEAR(got.at("ter_mean").get<double>(), want.at("TER_mean").get<double>(), kTolerance);
  EXPECT_GT(got.at("meteor").get<double>(), 0.0);
  const auto plain =
      run_adamix("score --metrics dart --hypotheses " + q(kMetrics / "webnlg_subset_hyp.txt") +
                 " --references " + q(kMetrics / "webnlg_subset_refs.txt"));
  EXPECT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_NE(plain.out.find("METEOR (no paraphrase): "), std::string::npos) << plain.out;
}

TEST(ScoreCli, CategoriesFilterSeenAndUnseen) {
  TempDir dir;
  write(dir / "h.txt", "the big cat sat on the mat\nthe small dog ran to the park\n");
  write(dir / "r.txt", "the big cat sat on the mat\n\nthe small dog walked to a park\n");
  write(dir / "c.txt", "Airport\nArtist\n");
  const std::string base = "score --json --metrics webnlg --hypotheses " + q(dir / "h.txt") +
                           " --references " + q(dir / "r.txt") + " --categories " +
                           q(dir / "c.txt");
  const auto seen = run_adamix(base + " --filter seen");
  ASSERT_EQ(seen.exit_code, 0) << seen.err;
  EXPECT_NEAR(nlohmann::json::parse(seen.out).at("bleu").get<double>(), 100.0, 1e-6);
  const auto unseen = run_adamix(base + " --filter unseen");
  ASSERT_EQ(unseen.exit_code, 0) << unseen.err;
  EXPECT_LT(nlohmann::json::parse(unseen.out).at("bleu").get<double>(), 100.0);
  write(dir / "c1.txt", "Airport\n");
  expect_clear_error(
      run_adamix("score --metrics webnlg --hypotheses " + q(dir / "h.txt") + " --references " +
                 q(dir / "r.txt") + " --categories " + q(dir / "c1.txt")),
      "1 categories for 2 hypotheses");
}

TEST(ScoreCli, BadInputIsOneLineNamingTheProblem) {
  TempDir dir;
  write(dir / "h.txt", "one\ntwo\n");
  write(dir / "r1.txt", "one\n\ntwo\n\nthree\n");
  write(dir / "r_empty.txt", "one\n\n\ntwo\n");
  write(dir / "h_bad.txt", "one\n\xff\xfe\n");
  write(dir / "r.txt", "one\n\ntwo\n");
  const auto score = [&](const std::string& set, const std::string& h, const std::string& r) {
    return run_adamix("score --metrics " + set + " --hypotheses " + q(dir / h) + " --references " +
                      q(dir / r));
  };
  expect_clear_error(score("e2e", "h.txt", "r1.txt"), "3");
  expect_clear_error(score("e2e", "h.txt", "r_empty.txt"), "r_empty.txt:3");
  expect_clear_error(score("e2e", "h_bad.txt", "r.txt"), "h_bad.txt:2");
  expect_clear_error(score("bleu", "h.txt", "r.txt"), "unknown metric set 'bleu'");
  expect_clear_error(score("e2e", "missing.txt", "r.txt"), "missing.txt");
  expect_clear_error(run_adamix("score --metrics webnlg --filter seen --hypotheses " +
                                q(dir / "h.txt") + " --references " + q(dir / "r.txt")),
                     "--categories");
}

// A small random GPT-2 with the real GPT-2 tokenizer files.
fs::path make_gpt2(const TempDir& dir) {
  const fs::path model = dir / "gpt2";
  const auto r = run_adamix(
      "make-model --arch gpt2 --hidden 32 --layers 2 --heads 4 "
      "--intermediate 64 --max-positions 96 --init-range 0.3 --vocab-from " +
      q(fs::path(ADAMIX_FIXTURES_DIR) / "vocab" / "gpt2") + " --out " + q(model));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return model;
}

TEST(GenerateCli, CachedAndUncachedDecodingWriteTheSameTexts) {
  TempDir dir;
  const fs::path model = make_gpt2(dir);
  write(dir / "contexts.txt",
        "name : The Eagle | Type : coffee shop\nname : Aromi | area : riverside\n"
        "Alan Bean : birthPlace : Wheeler , Texas\n");
  const std::string base = "generate --threads 1 --model " + q(model) + " --input " +
                           q(dir / "contexts.txt") + " --beam 3 --max-new-tokens 12 ";
  const auto cached = run_adamix(base + "--out " + q(dir / "cached.txt"));
  ASSERT_EQ(cached.exit_code, 0) << cached.err;
  const auto plain = run_adamix(base + "--no-cache --out " + q(dir / "plain.txt"));
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  const std::string texts = read(dir / "cached.txt");
  EXPECT_EQ(count_lines(texts), 3);
  EXPECT_EQ(texts, read(dir / "plain.txt"));
  EXPECT_NE(texts, "\n\n\n") << "a random model with peaked weights generates something";
  // The same again with one context per batch.
  ASSERT_EQ(run_adamix(base + "--batch-size 1 --out " + q(dir / "one.txt")).exit_code, 0);
  EXPECT_EQ(texts, read(dir / "one.txt"));
}

TEST(GenerateCli, LongContextsAreCutFromTheLeftAndSaidOnce) {
  TempDir dir;
  const fs::path model = make_gpt2(dir);
  std::string long_context;
  for (int i = 0; i < 60; ++i) long_context += "word" + std::to_string(i) + " ";
  write(dir / "contexts.txt", long_context + "\n" + long_context + "\nshort\n");
  const auto r = run_adamix("generate --model " + q(model) + " --input " + q(dir / "contexts.txt") +
                            " --greedy --max-new-tokens 8 --out " + q(dir / "out.txt"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("2 of 3 contexts"), std::string::npos) << r.err;
  EXPECT_EQ(count_lines(r.err), 2) << r.err;  // the truncation note and "wrote ..."
  EXPECT_EQ(count_lines(read(dir / "out.txt")), 3);
}

TEST(GenerateCli, BadInputIsOneLineAndWritesNothing) {
  TempDir dir;
  const fs::path model = make_gpt2(dir);
  write(dir / "contexts.txt", "a\n");
  write(dir / "out.txt", "kept\n");
  const std::string base =
      "generate --model " + q(model) + " --input " + q(dir / "contexts.txt") + " ";
  expect_clear_error(run_adamix(base + "--eos 50256,x --out " + q(dir / "out.txt")), "'x'");
  expect_clear_error(run_adamix(base + "--beam 0 --out " + q(dir / "out.txt")), "beam");
  expect_clear_error(run_adamix(base + "--seq-len 500 --out " + q(dir / "out.txt")), "96");
  expect_clear_error(run_adamix(base + "--eos 99999 --out " + q(dir / "out.txt")), "99999");
  expect_clear_error(run_adamix(base + "--out " + q(dir / "no" / "out.txt")), "does not exist");
  expect_clear_error(run_adamix("generate --model " + q(model) + " --input " +
                                q(dir / "missing.txt") + " --out " + q(dir / "out.txt")),
                     "missing.txt");
  EXPECT_EQ(read(dir / "out.txt"), "kept\n");
  ASSERT_EQ(run_adamix("make-model --arch bert --hidden 32 --layers 1 --heads 4 --intermediate "
                       "64 --out " +
                       q(dir / "bert"))
                .exit_code,
            0);
  expect_clear_error(run_adamix("generate --model " + q(dir / "bert") + " --input " +
                                q(dir / "contexts.txt") + " --out " + q(dir / "out.txt")),
                     "not a GPT-2 model");
}

}  // namespace
}  // namespace adamix::testing
