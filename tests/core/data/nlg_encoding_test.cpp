// NLG encoding against microsoft/LoRA's own code: tests/fixtures/nlg/encoding_golden.json was
// written by tests/fixtures/nlg/make_encoding_golden.py, which runs LoRA's gpt2_encode.py
// (--add_bos --add_eos) and FT_Dataset.__getitem__ (data_utils.py) with GPT-2's vocabulary.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "core/data/nlg_encoding.h"
#include "core/error.h"
#include "data_test_helpers.h"

namespace adamix::data {
namespace {

using testing::expect_error_naming;

const text::Tokenizer& gpt2() {
  static const auto tok = text::load_tokenizer(testing::gpt2_dir());
  return *tok;
}

nlohmann::json golden_cases() {
  std::ifstream in(std::filesystem::path(ADAMIX_FIXTURES_DIR) / "nlg" / "encoding_golden.json");
  return nlohmann::json::parse(in).at("cases");
}

template <typename T>
std::vector<T> padded(std::vector<T> v, size_t length) {
  v.resize(length, T(0));  // FT_Dataset pads input and target with 0, the mask with 0.0
  return v;
}

TEST(NlgEncoding, MatchesLoRAsFtDatasetRows) {
  const auto cases = golden_cases();
  ASSERT_EQ(cases.size(), 6u);
  for (const auto& c : cases) {
    const NlgPair pair{c.at("context"), c.at("completion")};
    const auto seq_len = c.at("seq_len").get<int64_t>();
    SCOPED_TRACE(pair.context + " / seq_len " + std::to_string(seq_len));
    const NlgEncoded e = encode_nlg_pair(gpt2(), pair, seq_len);
    ASSERT_EQ(e.input_ids.size(), e.targets.size());
    ASSERT_EQ(e.input_ids.size(), e.loss_mask.size());
    const auto length = static_cast<size_t>(seq_len);
    EXPECT_EQ(padded(e.input_ids, length), c.at("input").get<std::vector<int64_t>>());
    EXPECT_EQ(padded(e.targets, length), c.at("target").get<std::vector<int64_t>>());
    EXPECT_EQ(padded(e.loss_mask, length), c.at("mask").get<std::vector<float>>());

    const int64_t max_context = seq_len - c.at("max_eval_length").get<int64_t>();
    bool truncated = false;
    const auto query = encode_nlg_context(gpt2(), pair.context, max_context, 50256, &truncated);
    const auto query_len = c.at("query_len").get<size_t>();
    ASSERT_EQ(query.size(), query_len);
    const auto expected = c.at("query").get<std::vector<int64_t>>();
    EXPECT_EQ(query, std::vector<int64_t>(expected.begin(), expected.begin() + query_len));
    EXPECT_EQ(truncated,
              static_cast<int64_t>(gpt2().encode_text(pair.context).size()) + 1 > max_context);
  }
}

TEST(NlgEncoding, LayoutOfOneShortPair) {
  const NlgPair pair{"name : Aromi", "Aromi is a pub ."};
  const auto ctx = gpt2().encode_text(pair.context);
  const auto comp = gpt2().encode_text(" " + pair.completion);
  const NlgEncoded e = encode_nlg_pair(gpt2(), pair, 512);
  const size_t n = ctx.size() + comp.size() + 2;
  ASSERT_EQ(e.input_ids.size(), n);
  EXPECT_EQ(e.input_ids[ctx.size()], 50256);
  EXPECT_EQ(e.input_ids.back(), 50256);
  for (size_t i = 0; i + 1 < n; ++i) EXPECT_EQ(e.targets[i], e.input_ids[i + 1]);
  EXPECT_EQ(e.targets.back(), 0);
  for (size_t i = 0; i < n; ++i) {
    // scored: the targets comp[0] .. comp[-1] and the final eos
    EXPECT_EQ(e.loss_mask[i], i + 1 >= ctx.size() + 1 && i + 1 < n ? 1.0f : 0.0f) << i;
  }
}

TEST(NlgEncoding, RejectsNonPositiveLengths) {
  expect_error_naming<ConfigError>(
      [] {
        encode_nlg_pair(gpt2(), {"a", "b"}, 0);
      },
      {"seq_len", "0"});
  expect_error_naming<ConfigError>([] { encode_nlg_context(gpt2(), "a", 0); },
                                   {"max_context_tokens"});
}

}  // namespace
}  // namespace adamix::data
