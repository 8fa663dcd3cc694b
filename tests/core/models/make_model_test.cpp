#include "core/models/make_model.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/io/safetensors.h"
#include "core/models/backbone.h"
#include "models_test_helpers.h"

namespace adamix::models {
namespace {

using testing::read_bytes;
using testing::TempDir;

int64_t expected_parameters(const MakeModelOptions& o, const ModelConfig& c) {
  const int64_t h = o.hidden, i = o.intermediate, l = o.layers;
  if (c.arch == Arch::Gpt2) {
    const int64_t block =
        2 * h + (h * 3 * h + 3 * h) + (h * h + h) + 2 * h + (h * i + i) + (i * h + h);
    return o.vocab_size * h + o.max_positions * h + l * block + 2 * h;
  }
  const int64_t positions = c.arch == Arch::Roberta ? o.max_positions + 2 : o.max_positions;
  const int64_t types = c.arch == Arch::Roberta ? 1 : 2;
  const int64_t layer = 4 * (h * h + h) + 2 * h + (h * i + i) + (i * h + h) + 2 * h;
  return (o.vocab_size + positions + types) * h + 2 * h + l * layer + (h * h + h);
}

class MakeModel : public ::testing::TestWithParam<std::string> {};

TEST_P(MakeModel, WritesALoadableModel) {
  TempDir tmp("make");
  MakeModelOptions o;
  o.arch = GetParam();
  o.vocab_size = 300;
  o.seed = 5;
  const ModelConfig config = make_model(o, tmp.path() / "m");
  EXPECT_TRUE(std::filesystem::exists(tmp.path() / "m" / "config.json"));

  const LoadedBackbone loaded = load_backbone(tmp.path() / "m", torch::kCPU);
  EXPECT_EQ(loaded.config.arch, config.arch);
  EXPECT_EQ(loaded.config.max_sequence_length(), o.max_positions);
  int64_t count = 0;
  for (const auto& p : loaded.backbone->parameters()) count += p.numel();
  EXPECT_EQ(count, expected_parameters(o, config));

  torch::NoGradGuard no_grad;
  BackboneInput in;
  in.input_ids = torch::randint(3, 300, {2, o.max_positions}, torch::kLong);
  in.attention_mask = torch::ones({2, o.max_positions}, torch::kLong);
  const BackboneOutput out = loaded.backbone->forward(in);
  EXPECT_EQ(out.last_hidden_state.sizes(), torch::IntArrayRef({2, o.max_positions, 64}));
  EXPECT_TRUE(torch::isfinite(out.last_hidden_state).all().item<bool>());

  const nlohmann::json j = nlohmann::json::parse(read_bytes(tmp.path() / "m" / "config.json"));
  EXPECT_EQ(j.at("model_type"), o.arch);
  EXPECT_TRUE(j.contains("transformers_version"));
  EXPECT_EQ(j.at("architectures").size(), 1u);
}

TEST_P(MakeModel, SameSeedSameBytes) {
  TempDir tmp("seed");
  MakeModelOptions o;
  o.arch = GetParam();
  o.seed = 42;
  make_model(o, tmp.path() / "a");
  make_model(o, tmp.path() / "b");
  o.seed = 43;
  make_model(o, tmp.path() / "c");
  for (const char* file : {"config.json", "model.safetensors"}) {
    EXPECT_EQ(read_bytes(tmp.path() / "a" / file), read_bytes(tmp.path() / "b" / file)) << file;
  }
  EXPECT_NE(read_bytes(tmp.path() / "a" / "model.safetensors"),
            read_bytes(tmp.path() / "c" / "model.safetensors"));
  EXPECT_EQ(
      io::SafetensorsFile::open(tmp.path() / "a" / "model.safetensors").metadata().at("format"),
      "pt");
}

INSTANTIATE_TEST_SUITE_P(Archs, MakeModel, ::testing::Values("bert", "roberta", "gpt2"));

TEST(MakeModelInit, FollowsHuggingFaceInitWeights) {
  TempDir tmp("init");
  MakeModelOptions o;
  o.arch = "roberta";
  o.hidden = 128;
  o.intermediate = 256;
  o.seed = 1;
  make_model(o, tmp.path());
  const auto w = io::load_safetensors(tmp.path() / "model.safetensors");
  EXPECT_TRUE(torch::equal(w.at("encoder.layer.0.output.LayerNorm.weight"), torch::ones({128})));
  EXPECT_TRUE(torch::equal(w.at("encoder.layer.1.attention.self.query.bias"), torch::zeros({128})));
  EXPECT_TRUE(torch::equal(w.at("embeddings.word_embeddings.weight")[1], torch::zeros({128})));
  EXPECT_TRUE(torch::equal(w.at("embeddings.position_embeddings.weight")[1], torch::zeros({128})));
  const double std = w.at("encoder.layer.0.intermediate.dense.weight").std().item<double>();
  EXPECT_NEAR(std, 0.02, 0.001);
}

TEST(MakeModelInit, Gpt2UsesConv1DLayoutAndScaledProjections) {
  TempDir tmp("gpt2");
  MakeModelOptions o;
  o.arch = "gpt2";
  o.hidden = 128;
  o.intermediate = 0;  // 4 * hidden
  o.layers = 8;
  make_model(o, tmp.path());
  const io::SafetensorsFile file = io::SafetensorsFile::open(tmp.path() / "model.safetensors");
  EXPECT_EQ(file.entry("h.0.attn.c_attn.weight").shape, (std::vector<int64_t>{128, 384}));
  EXPECT_EQ(file.entry("h.0.mlp.c_fc.weight").shape, (std::vector<int64_t>{128, 512}));
  EXPECT_EQ(file.entry("h.0.mlp.c_proj.weight").shape, (std::vector<int64_t>{512, 128}));
  EXPECT_FALSE(file.contains("lm_head.weight"));
  const double proj_std = file.tensor("h.3.mlp.c_proj.weight").std().item<double>();
  EXPECT_NEAR(proj_std, 0.02 / 4.0, 0.0005);  // initializer_range / sqrt(2 * layers)
  const auto config = load_model_config(tmp.path());
  EXPECT_EQ(config.intermediate_size, 512);
  EXPECT_EQ(config.eos_token_id, o.vocab_size - 1);
}

TEST(MakeModelInit, RejectsBadOptions) {
  TempDir tmp("bad");
  MakeModelOptions o;
  o.heads = 5;
  EXPECT_THROW(make_model(o, tmp.path()), ConfigError);
  o = {};
  o.layers = 0;
  EXPECT_THROW(make_model_config(o), ConfigError);
  o = {};
  o.arch = "t5";
  EXPECT_THROW(make_model_config(o), ConfigError);
  o = {};
  o.activation = "swish";
  EXPECT_THROW(make_model_config(o), ConfigError);
  o = {};
  o.vocab_size = 2;
  o.arch = "roberta";  // eos 2 does not fit
  EXPECT_THROW(make_model_config(o), ConfigError);
  EXPECT_TRUE(std::filesystem::is_empty(tmp.path()));
}

}  // namespace
}  // namespace adamix::models
