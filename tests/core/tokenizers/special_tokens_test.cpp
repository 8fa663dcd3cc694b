// Special tokens written in text: exact against Hugging Face transformers' slow and fast
// tokenizers (tests/fixtures/tokenizers/special_goldens.json, made by make_special_goldens.py
// with transformers itself), under HF's default and with split_special_tokens.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/tokenizers/tokenizer.h"
#include "tokenizer_test_helpers.h"

namespace adamix::text {
namespace {

using Ids = std::vector<int64_t>;

std::unique_ptr<Tokenizer> fixture_tokenizer(const std::string& name) {
  if (name == "bert-base-uncased") return load_tokenizer(testing::bert_uncased_dir());
  if (name == "gpt2") return load_tokenizer(testing::gpt2_dir());
  if (name == "roberta") return load_tokenizer(testing::roberta_from_gpt2_dir());
  ADD_FAILURE() << "no fixture tokenizer " << name;
  return nullptr;
}

TEST(SpecialTokens, MatchTransformersSlowAndFastTokenizers) {
  const auto goldens = nlohmann::json::parse(
      testing::read_file(testing::fixtures_dir() / "tokenizers" / "special_goldens.json"));
  int checked = 0;
  for (const auto& [name, cases] : goldens.at("tokenizers").items()) {
    const auto tok = fixture_tokenizer(name);
    ASSERT_NE(tok, nullptr);
    for (const auto& c : cases) {
      const std::string text = c.at("text");
      tok->set_split_special_tokens(c.at("split_special_tokens").get<bool>());
      SCOPED_TRACE(name + " split_special_tokens=" + c.at("split_special_tokens").dump() +
                   " text=" + nlohmann::json(text).dump() + " HF tokens " + c.at("tokens").dump());
      EXPECT_EQ(tok->encode(text).ids, c.at("ids").get<Ids>());
      EXPECT_EQ(tok->encode_text(text), c.at("text_ids").get<Ids>());
      ++checked;
    }
  }
  EXPECT_GE(checked, 50);
}

TEST(SpecialTokens, SplitTakesTheLongestMatchAndStripsAsEachTokenSays) {
  const std::vector<SpecialToken> specials = {
      {"<m>", 7, /*lstrip=*/true, /*rstrip=*/false},
      {"<m><m>", 8, false, false},
      {"[R]", 9, false, /*rstrip=*/true},
  };
  auto render = [&](std::string_view text) {
    std::string out;
    for (const TextPiece& p : split_at_special_tokens(text, specials))
      out += p.id >= 0 ? "#" + std::to_string(p.id) : "'" + std::string(p.text) + "'";
    return out;
  };
  EXPECT_EQ(render("a <m> b"), "'a'#7' b'");      // lstrip: the space before goes
  EXPECT_EQ(render("a <m><m> b"), "'a '#8' b'");  // longest match, which does not strip
  EXPECT_EQ(render("x [R]  y"), "'x '#9'y'");     // rstrip: the spaces after go
  EXPECT_EQ(render("[R] \u3000<m>"), "#9#7");     // stripped to nothing: no empty piece
  EXPECT_EQ(render("no tokens"), "'no tokens'");
  EXPECT_EQ(render(""), "");
  EXPECT_EQ(render("<m"), "'<m'");
}

TEST(SpecialTokens, PlainTextIgnoresThemAndTheConfigCanAskForThat) {
  const auto gpt2 = load_tokenizer(testing::gpt2_dir());
  EXPECT_EQ(gpt2->encode_text("a<|endoftext|>"), (Ids{64, 50256}));
  EXPECT_EQ(gpt2->encode_plain_text("a<|endoftext|>"), (Ids{64, 27, 91, 437, 1659, 5239, 91, 29}));

  const auto dir = testing::fresh_dir("split_special_tokens_config");
  copy_tokenizer_files(testing::bert_uncased_dir(), dir);
  testing::write_file(dir / "tokenizer_config.json", R"({"split_special_tokens": true})");
  const auto split = load_tokenizer(dir);
  EXPECT_TRUE(split->split_special_tokens());
  EXPECT_EQ(split->encode_text("[MASK]"), (Ids{1031, 7308, 1033}));  // [ mask ]
  EXPECT_EQ(load_tokenizer(testing::bert_uncased_dir())->encode_text("[MASK]"), Ids{103});

  testing::write_file(dir / "tokenizer_config.json", R"({"split_special_tokens": "yes"})");
  testing::expect_error_naming<ConfigError>([&] { load_tokenizer(dir); }, "split_special_tokens");
}

}  // namespace
}  // namespace adamix::text
