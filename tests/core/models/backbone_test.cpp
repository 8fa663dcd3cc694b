// Golden parity with transformers (tests/fixtures/models/make_goldens.py), the loader's
// checks, and input validation.
#include "core/models/backbone.h"

#include <gtest/gtest.h>

#include <set>

#include "core/error.h"
#include "core/io/safetensors.h"
#include "core/models/bert.h"
#include "core/models/gpt2.h"
#include "models_test_helpers.h"

namespace adamix::models {
namespace {

using testing::fixture;

constexpr double kTolerance = 1e-4;

// max |a - b| over the rows where mask [N,T] is 1; a, b [N,T,...]
double max_diff_on_tokens(const torch::Tensor& a, const torch::Tensor& b,
                          const torch::Tensor& mask) {
  const torch::Tensor keep = mask.to(torch::kBool);
  return (a.index({keep}) - b.index({keep})).abs().max().item<double>();
}

BackboneInput fixture_input(const std::map<std::string, torch::Tensor>& expected) {
  BackboneInput in;
  in.input_ids = expected.at("input_ids");
  in.attention_mask = expected.at("attention_mask");
  if (expected.count("token_type_ids") != 0) in.token_type_ids = expected.at("token_type_ids");
  return in;
}

class GoldenParity : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenParity, MatchesTransformersOnValidTokens) {
  const auto dir = fixture(GetParam());
  const LoadedBackbone loaded = load_backbone(dir, torch::kCPU);
  const auto expected = io::load_safetensors(dir / "expected.safetensors");
  const torch::Tensor mask = expected.at("attention_mask");
  torch::NoGradGuard no_grad;
  const BackboneOutput out = loaded.backbone->forward(fixture_input(expected));

  const torch::Tensor& want = expected.at("last_hidden_state");
  ASSERT_EQ(out.last_hidden_state.sizes(), want.sizes());
  EXPECT_GT(want.abs().max().item<double>(), 1.0) << "activations too small for the tolerance";
  EXPECT_LT(max_diff_on_tokens(out.last_hidden_state, want, mask), kTolerance);

  const bool gpt2 = loaded.config.arch == Arch::Gpt2;
  ASSERT_EQ(out.logits.defined(), gpt2);
  if (gpt2) {
    const torch::Tensor& logits = expected.at("logits");
    ASSERT_EQ(out.logits.sizes(), logits.sizes());
    EXPECT_GT(logits.abs().max().item<double>(), 1.0);
    EXPECT_LT(max_diff_on_tokens(out.logits, logits, mask), kTolerance);
  }
  ASSERT_EQ(out.pooled.defined(), expected.count("pooled") != 0);
  if (out.pooled.defined()) {
    EXPECT_LT((out.pooled - expected.at("pooled")).abs().max().item<double>(), kTolerance);
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, GoldenParity,
                         ::testing::Values("bert_gelu", "roberta_relu", "gpt2_gelu_new",
                                           "gpt2_buffers"));

TEST(Backbone, GpuMatchesCpu) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  for (const char* name : {"bert_gelu", "gpt2_gelu_new"}) {
    const auto dir = fixture(name);
    const auto expected = io::load_safetensors(dir / "expected.safetensors");
    const LoadedBackbone gpu = load_backbone(dir, torch::Device(torch::kCUDA, 0));
    torch::NoGradGuard no_grad;
    const BackboneOutput out = gpu.backbone->forward(fixture_input(expected));  // CPU input
    ASSERT_TRUE(out.last_hidden_state.is_cuda());
    EXPECT_LT(max_diff_on_tokens(out.last_hidden_state.cpu(), expected.at("last_hidden_state"),
                                 expected.at("attention_mask")),
              1e-3)
        << name;
  }
}

TEST(Backbone, ParameterNamesAreHuggingFaceKeys) {
  const auto bert = load_backbone(fixture("bert_gelu"), torch::kCPU).backbone;
  std::set<std::string> names;
  for (const auto& item : bert->named_parameters()) names.insert(item.key());
  for (const char* key :
       {"embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight",
        "embeddings.token_type_embeddings.weight", "embeddings.LayerNorm.weight",
        "encoder.layer.0.attention.self.query.weight", "encoder.layer.1.attention.self.value.bias",
        "encoder.layer.0.attention.output.dense.weight",
        "encoder.layer.0.attention.output.LayerNorm.weight",
        "encoder.layer.0.intermediate.dense.weight", "encoder.layer.0.output.dense.weight",
        "encoder.layer.0.output.LayerNorm.bias", "pooler.dense.weight"}) {
    EXPECT_EQ(names.count(key), 1u) << key;
  }
  EXPECT_EQ(names.size(), 5u + 2 * 16 + 2);

  const auto gpt2 = load_backbone(fixture("gpt2_gelu_new"), torch::kCPU).backbone;
  names.clear();
  for (const auto& item : gpt2->named_parameters()) names.insert(item.key());
  for (const char* key : {"wte.weight", "wpe.weight", "h.0.ln_1.weight", "h.0.attn.c_attn.weight",
                          "h.0.attn.c_proj.weight", "h.1.mlp.c_fc.weight", "h.1.mlp.c_proj.bias",
                          "h.1.ln_2.bias", "ln_f.weight"}) {
    EXPECT_EQ(names.count(key), 1u) << key;
  }
  EXPECT_EQ(names.size(), 2u + 2 * 12 + 2);
  EXPECT_EQ(gpt2->named_parameters()["h.0.attn.c_attn.weight"].sizes(),
            torch::IntArrayRef({32, 96}));  // Conv1D: [in, out]
  EXPECT_EQ(gpt2->named_buffers().size(), 0u);
}

TEST(Backbone, FrozenEvalByDefaultTrainableOnRequest) {
  const auto frozen = load_backbone(fixture("roberta_relu"), torch::kCPU);
  EXPECT_FALSE(frozen.backbone->is_training());
  for (const auto& p : frozen.backbone->parameters()) EXPECT_FALSE(p.requires_grad());

  LoadOptions options;
  options.trainable = true;
  const auto trainable = load_backbone(fixture("roberta_relu"), torch::kCPU, options);
  for (const auto& p : trainable.backbone->parameters()) EXPECT_TRUE(p.requires_grad());
}

TEST(Backbone, LoadingLeavesGlobalGeneratorAlone) {
  torch::manual_seed(7);
  const torch::Tensor a = torch::rand({4});
  torch::manual_seed(7);
  load_backbone(fixture("gpt2_gelu_new"), torch::kCPU);
  EXPECT_TRUE(torch::equal(a, torch::rand({4})));
}

TEST(Backbone, ForwardIsDeterministicAndRowIndependent) {
  const auto loaded = load_backbone(fixture("bert_gelu"), torch::kCPU);
  const auto expected = io::load_safetensors(fixture("bert_gelu") / "expected.safetensors");
  torch::NoGradGuard no_grad;
  BackboneInput in = fixture_input(expected);
  const auto first = loaded.backbone->forward(in).last_hidden_state;
  EXPECT_TRUE(torch::equal(first, loaded.backbone->forward(in).last_hidden_state));
  // Row 1 alone, cut to its length (7), gives its batched values.
  BackboneInput one;
  one.input_ids = in.input_ids.slice(0, 1, 2).slice(1, 0, 7);
  one.token_type_ids = in.token_type_ids.slice(0, 1, 2).slice(1, 0, 7);
  const auto alone = loaded.backbone->forward(one).last_hidden_state;
  EXPECT_LT((alone[0] - first[1].slice(0, 0, 7)).abs().max().item<double>(), 1e-5);
}

TEST(Backbone, RobertaPositionIdsCountFromPaddingIdx) {
  const auto loaded = load_backbone(fixture("roberta_relu"), torch::kCPU);
  auto* roberta = dynamic_cast<BertModelImpl*>(loaded.backbone.get());
  ASSERT_NE(roberta, nullptr);
  const torch::Tensor ids = torch::tensor({{0, 5, 6, 2, 1, 1}}, torch::kLong);
  const torch::Tensor want = torch::tensor({{2, 3, 4, 5, 1, 1}}, torch::kLong);
  EXPECT_TRUE(torch::equal(roberta->position_ids(ids), want));
}

TEST(Backbone, GradientsMatchFiniteDifferences) {
  for (const char* name : {"bert_gelu", "gpt2_gelu_new"}) {
    LoadOptions options;
    options.trainable = true;
    auto backbone = load_backbone(fixture(name), torch::kCPU, options).backbone;
    backbone->to(torch::kDouble);
    const auto expected = io::load_safetensors(fixture(name) / "expected.safetensors");
    const BackboneInput in = fixture_input(expected);
    const std::string key = std::string(name) == "bert_gelu"
                                ? "encoder.layer.0.attention.self.query.weight"
                                : "h.0.attn.c_attn.weight";
    torch::Tensor param = backbone->named_parameters()[key];
    auto loss = [&] { return backbone->forward(in).last_hidden_state.pow(2).mean(); };
    loss().backward();
    const double analytic = param.grad()[0][1].item<double>();
    const double eps = 1e-6;
    double plus = 0, minus = 0;
    {
      torch::NoGradGuard no_grad;
      param[0][1] += eps;
      plus = loss().item<double>();
      param[0][1] -= 2 * eps;
      minus = loss().item<double>();
    }
    const double numeric = (plus - minus) / (2 * eps);
    EXPECT_NEAR(analytic, numeric, 1e-6 + 1e-4 * std::abs(numeric)) << name;
    EXPECT_NE(analytic, 0.0) << name;
  }
}

}  // namespace
}  // namespace adamix::models
