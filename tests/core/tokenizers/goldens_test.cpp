// Exact agreement with the goldens of tests/fixtures/tokenizers/make_goldens.mjs (Hugging Face
// transformers.js emulating HF's slow tokenizers; see that script for what it reproduces).
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/tokenizers/tokenizer.h"
#include "tokenizer_test_helpers.h"

namespace adamix::text {
namespace {

using testing::fixtures_dir;
namespace fs = std::filesystem;

const nlohmann::json& goldens() {
  static const nlohmann::json doc =
      nlohmann::json::parse(testing::read_file(fixtures_dir() / "tokenizers" / "goldens.json"));
  return doc;
}

// The model directory a golden tokenizer's setup describes, loaded through load_tokenizer.
std::unique_ptr<Tokenizer> load_golden_tokenizer(const std::string& name,
                                                 const nlohmann::json& setup) {
  if (setup.value("model_type", "") == "roberta") {
    return load_tokenizer(testing::roberta_from_gpt2_dir());
  }
  if (setup.value("model_type", "") == "gpt2") return load_tokenizer(testing::gpt2_dir());
  const fs::path dir = testing::fresh_dir("golden_" + name);
  std::string vocab = testing::read_file(testing::bert_uncased_dir() / "vocab.txt");
  for (const auto& token : setup.value("extra_tokens", nlohmann::json::array())) {
    vocab += token.get<std::string>() + "\n";
  }
  testing::write_file(dir / "vocab.txt", vocab);
  const nlohmann::json config = {{"do_lower_case", setup.at("do_lower_case")},
                                 {"strip_accents", setup.at("strip_accents")}};
  testing::write_file(dir / "tokenizer_config.json", config.dump());
  return load_tokenizer(dir);
}

std::string describe(const nlohmann::json& c) {
  return c.at("name").get<std::string>() + " text=" + c.at("text").dump() +
         (c.contains("pair") ? " pair=" + c.at("pair").dump() : "") +
         (c.contains("max_length") ? " max_length=" + c.at("max_length").dump() : "");
}

TEST(TokenizerGoldens, EveryCaseOfEveryTokenizerIsExact) {
  int checked = 0;
  for (const auto& [name, spec] : goldens().at("tokenizers").items()) {
    SCOPED_TRACE(name);
    const auto tok = load_golden_tokenizer(name, spec.at("setup"));
    int failures = 0;
    for (const auto& c : spec.at("cases")) {
      const std::string text = c.at("text");
      const std::string pair = c.value("pair", "");
      const std::string_view pair_view = pair;
      const std::string_view* b = c.contains("pair") ? &pair_view : nullptr;
      const int64_t max_length = c.value("max_length", 0);
      ++checked;
      if (c.contains("error")) {
        EXPECT_THROW(tok->encode(text, b, max_length), InputError) << describe(c);
        continue;
      }
      const Encoding e = tok->encode(text, b, max_length);
      const auto ids = c.at("ids").get<std::vector<int64_t>>();
      const auto type_ids = c.at("type_ids").get<std::vector<int64_t>>();
      if (e.ids != ids || e.type_ids != type_ids) {
        ADD_FAILURE() << describe(c) << "\n expected " << nlohmann::json(ids).dump() << " "
                      << nlohmann::json(type_ids).dump() << "\n got      "
                      << nlohmann::json(e.ids).dump() << " " << nlohmann::json(e.type_ids).dump();
        if (++failures >= 10) break;
      }
    }
  }
  EXPECT_GE(checked, 1500);
}

TEST(TokenizerGoldens, EncodeLinesMatchesTheGoldensInParallel) {
  const auto& spec = goldens().at("tokenizers").at("bert-base-uncased");
  const auto tok = load_golden_tokenizer("bert-base-uncased", spec.at("setup"));
  std::vector<std::string> lines;
  std::vector<std::vector<int64_t>> expected;
  for (const auto& c : spec.at("cases")) {
    const std::string text = c.at("text");
    // A line is one text, or A<TAB>B; texts with a TAB of their own cannot be lines.
    if (c.contains("max_length") || text.find('\t') != std::string::npos) continue;
    if (c.contains("pair")) {
      const std::string pair = c.at("pair");
      if (pair.find('\t') != std::string::npos) continue;
      lines.push_back(text + "\t" + pair);
    } else {
      lines.push_back(text);
    }
    expected.push_back(c.at("ids").get<std::vector<int64_t>>());
  }
  ASSERT_GE(lines.size(), 120u);
  const auto encodings = encode_lines(*tok, lines);
  ASSERT_EQ(encodings.size(), lines.size());
  for (size_t i = 0; i < lines.size(); ++i) EXPECT_EQ(encodings[i].ids, expected[i]) << lines[i];
}

TEST(TokenizerGoldens, GptGoldensSurviveParallelEncodingWithSharedCache) {
  const auto& spec = goldens().at("tokenizers").at("gpt2");
  const auto tok = load_tokenizer(testing::gpt2_dir());
  std::vector<std::string> lines;
  std::vector<std::vector<int64_t>> expected;
  for (int round = 0; round < 8; ++round) {  // repeats hit the per-word cache from many threads
    for (const auto& c : spec.at("cases")) {
      const std::string text = c.at("text");
      if (c.contains("pair") || c.contains("max_length") || text.find('\t') != std::string::npos) {
        continue;
      }
      lines.push_back(text);
      expected.push_back(c.at("ids").get<std::vector<int64_t>>());
    }
  }
  const auto encodings = encode_lines(*tok, lines);
  for (size_t i = 0; i < lines.size(); ++i) ASSERT_EQ(encodings[i].ids, expected[i]) << lines[i];
}

}  // namespace
}  // namespace adamix::text
