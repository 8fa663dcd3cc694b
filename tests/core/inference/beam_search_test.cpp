// The reference's beam search, cached and re-forward, against goldens made by transcribing
// gpt2_beam.py over transformers' GPT2LMHeadModel (tests/fixtures/generation/make_goldens.py),
// and the KV cache against the full forward.
#include "core/inference/beam_search.h"

#include <gtest/gtest.h>

#include <fstream>
#include <memory>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/inference/gpt2_decoders.h"
#include "core/models/backbone.h"
#include "core/models/gpt2.h"

namespace adamix::inference {
namespace {

const std::filesystem::path kModel =
    std::filesystem::path(ADAMIX_FIXTURES_DIR) / "generation" / "gpt2_beam";

std::shared_ptr<models::Gpt2ModelImpl> load_gpt2() {
  auto loaded = models::load_backbone(kModel, torch::kCPU);
  auto gpt2 = std::dynamic_pointer_cast<models::Gpt2ModelImpl>(loaded.backbone);
  EXPECT_TRUE(gpt2);
  gpt2->eval();
  return gpt2;
}

nlohmann::json goldens() {
  std::ifstream in(kModel / "goldens.json");
  EXPECT_TRUE(in) << "run tests/fixtures/generation/make_goldens.py";
  return nlohmann::json::parse(in);
}

BeamSearchOptions options_of(const nlohmann::json& c) {
  BeamSearchOptions o;
  o.beams = c.at("beams");
  o.length_penalty = c.at("length_penalty");
  o.no_repeat_ngram = c.at("no_repeat");
  o.max_new_tokens = c.at("max_new");
  o.eos = c.at("eos").get<std::vector<int64_t>>();
  return o;
}

// Every golden case through a fresh Decoder (cached or re-forward).
template <typename Decoder>
void expect_goldens() {
  auto gpt2 = load_gpt2();
  for (const auto& c : goldens().at("cases")) {
    Decoder decoder(*gpt2);
    const auto prompts = c.at("prompts").get<std::vector<std::vector<int64_t>>>();
    const auto want = c.at("expected").get<std::vector<std::vector<int64_t>>>();
    EXPECT_EQ(beam_search(decoder, prompts, options_of(c)), want) << c.at("name");
  }
}

TEST(BeamSearch, CachedDecodingEqualsTheReferenceTokenForToken) {
  expect_goldens<Gpt2CachedDecoder>();
}

TEST(BeamSearch, ReforwardDecodingEqualsTheReferenceTokenForToken) {
  expect_goldens<Gpt2ReforwardDecoder>();
}

TEST(BeamSearch, OnePromptAtATimeGivesTheBatchedResult) {
  auto gpt2 = load_gpt2();
  const auto c = goldens().at("cases").at(0);
  const auto prompts = c.at("prompts").get<std::vector<std::vector<int64_t>>>();
  const auto want = c.at("expected").get<std::vector<std::vector<int64_t>>>();
  for (size_t i = 0; i < prompts.size(); ++i) {
    Gpt2CachedDecoder decoder(*gpt2);
    EXPECT_EQ(beam_search(decoder, {prompts[i]}, options_of(c)).at(0), want[i]) << i;
  }
}

TEST(KvCache, PrefillAndStepsEqualTheFullForward) {
  auto gpt2 = load_gpt2();
  torch::NoGradGuard no_grad;
  const auto [ids, lengths] = pad_rows({{5, 9, 14, 200}, {7}, {1, 2, 3, 4, 5, 6, 7}});
  models::Gpt2KvCache cache;
  torch::Tensor h = gpt2->prefill(ids, lengths, 12, cache);
  std::vector<std::vector<int64_t>> rows = {{5, 9, 14, 200}, {7}, {1, 2, 3, 4, 5, 6, 7}};
  for (int step = 0; step < 4; ++step) {
    for (size_t r = 0; r < rows.size(); ++r) {
      const torch::Tensor full =
          gpt2->forward({torch::tensor(rows[r]).view({1, -1}), {}, {}, false}).last_hidden_state;
      EXPECT_LT((full[0][-1] - h[r]).abs().max().item<double>(), 1e-5) << step << " " << r;
    }
    // Reorder (row 0 continues old row 2, ...) and extend.
    const torch::Tensor parents = torch::tensor({2, 0, 0});
    const torch::Tensor tokens = torch::tensor({11 + step, 20 + step, 30 + step});
    std::vector<std::vector<int64_t>> next = {rows[2], rows[0], rows[0]};
    for (size_t r = 0; r < next.size(); ++r) next[r].push_back(tokens[r].item<int64_t>());
    rows = next;
    cache.reorder(parents);
    h = gpt2->step(tokens, cache);
  }
}

TEST(KvCache, StepPastTheCapacityAndLongPromptsAreInputErrors) {
  auto gpt2 = load_gpt2();
  torch::NoGradGuard no_grad;
  const auto [ids, lengths] = pad_rows({{5, 9}});
  models::Gpt2KvCache cache;
  gpt2->prefill(ids, lengths, 3, cache);
  gpt2->step(torch::tensor({1}), cache);
  EXPECT_THROW(gpt2->step(torch::tensor({1}), cache), InputError);
  Gpt2CachedDecoder decoder(*gpt2);
  BeamSearchOptions options;
  options.max_new_tokens = 90;  // 10 + 90 > 96 positions
  EXPECT_THROW(beam_search(decoder, {std::vector<int64_t>(10, 3)}, options), InputError);
  EXPECT_THROW(beam_search(decoder, {{}}, BeamSearchOptions{}), InputError);
}

TEST(BeamSearch, BannedNgramsFollowFairseq) {
  EXPECT_TRUE(banned_ngram_tokens({1, 2}, 4).empty());
  EXPECT_TRUE(banned_ngram_tokens({1, 2, 3}, 4).empty());  // no earlier 4-gram yet
  EXPECT_EQ(banned_ngram_tokens({1, 2, 3, 9, 1, 2, 3}, 4), (std::vector<int64_t>{9}));
  EXPECT_EQ(banned_ngram_tokens({5, 5, 5, 5}, 2), (std::vector<int64_t>{5, 5, 5}));
  EXPECT_EQ(banned_ngram_tokens({7, 1, 7, 2, 7}, 2), (std::vector<int64_t>{1, 2}));
  EXPECT_TRUE(banned_ngram_tokens({1, 2, 3}, 0).empty());
}

TEST(BeamSearch, OptionsOutOfRangeAreConfigErrors) {
  BeamSearchOptions o;
  o.beams = 0;
  EXPECT_THROW(o.validate(), ConfigError);
  o = {};
  o.max_new_tokens = 0;
  EXPECT_THROW(o.validate(), ConfigError);
  o = {};
  o.no_repeat_ngram = -1;
  EXPECT_THROW(o.validate(), ConfigError);
}

}  // namespace
}  // namespace adamix::inference
