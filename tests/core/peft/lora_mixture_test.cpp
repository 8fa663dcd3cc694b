// The LoRA mixture against direct re-computations, its initialisation, gradients, and its seams
// in BERT (query / value) and GPT-2 (the q and v thirds of c_attn).
#include "core/peft/lora_mixture.h"

#include <gtest/gtest.h>

#include "core/models/bert.h"
#include "core/models/gpt2.h"
#include "core/peft/peft_model.h"
#include "peft_test_helpers.h"

// A namespace of its own: unity builds compile this file with its neighbours, whose
// anonymous-namespace helpers have the same names.
namespace adamix::peft::lora_mixture_test {
namespace {

using testing::lora_reference;
using testing::make_context;
using testing::max_diff;

constexpr double kTight = 1e-10;

struct Fixture {
  PeftOptions options;
  std::shared_ptr<RoutingContext> context;
  LoraMixture lora{nullptr};
  torch::Tensor x;  // [2,4,6] double
};

// in 6 → out 5, r = 2, alpha 4 (scale 2), M = 3, double, A and B random.
Fixture make(Share share, const std::string& inference, uint64_t seed = 1) {
  Fixture f;
  f.options.module = PeftModule::Lora;
  f.options.size = 2;
  f.options.alpha = 4;
  f.options.experts = 3;
  f.options.share = share;
  f.options.inference = InferenceMode::parse(inference);
  f.context = make_context(f.options, seed);
  f.lora = LoraMixture(lora_options(f.options, 6, 5), f.context);
  f.lora->to(torch::kDouble);
  testing::randomize(*f.lora, seed + 100, 0.5);
  f.lora->eval();
  f.x = at::randn({2, 4, 6}, testing::generator(seed + 200), torch::kDouble);
  return f;
}

TEST(LoraMixture, ShapesScaleAndSharing) {
  Fixture up = make(Share::Up, "merged");  // B shared
  EXPECT_EQ(up.lora->a_.sizes(), torch::IntArrayRef({3, 2, 6}));
  EXPECT_EQ(up.lora->b_.sizes(), torch::IntArrayRef({1, 5, 2}));
  EXPECT_DOUBLE_EQ(up.lora->scale(), 2.0);
  Fixture down = make(Share::Down, "merged");  // A shared
  EXPECT_EQ(down.lora->a_.sizes(), torch::IntArrayRef({1, 2, 6}));
  EXPECT_EQ(down.lora->b_.sizes(), torch::IntArrayRef({3, 5, 2}));
  const auto names = up.lora->named_parameters().keys();
  EXPECT_EQ(names, (std::vector<std::string>{"A", "B"}));
}

TEST(LoraMixture, MergedFixedAndRandomModesMatchDirectComputation) {
  Fixture f = make(Share::None, "merged");
  torch::NoGradGuard no_grad;
  const auto& l = *f.lora;
  EXPECT_LT(max_diff(f.lora(f.x), lora_reference(l, f.x, l.a_.mean(0), l.b_.mean(0))), kTight);
  f.context->set_inference(InferenceMode::parse("fixed:2,0"));
  EXPECT_LT(max_diff(f.lora(f.x), lora_reference(l, f.x, l.a_[2], l.b_[0])), kTight);
  f.context->set_inference(InferenceMode::parse("random-batch"));
  const torch::Tensor y = f.lora(f.x);
  const Route& r = f.lora->last_route();
  EXPECT_LT(max_diff(y, lora_reference(l, f.x, l.a_[r.down], l.b_[r.up])), kTight);
  f.context->set_inference(InferenceMode::parse("random-token"));
  const torch::Tensor z = f.lora(f.x).reshape({8, 5});
  const torch::Tensor x = f.x.reshape({8, 6});
  for (int64_t k = 0; k < 8; ++k) {
    const int64_t i = f.lora->last_route().down_index[k].item<int64_t>();
    const int64_t j = f.lora->last_route().up_index[k].item<int64_t>();
    EXPECT_LT(max_diff(z[k], lora_reference(l, x[k], l.a_[i], l.b_[j])), kTight);
  }
}

TEST(LoraMixture, InitKaimingUniformAZeroBIdenticalOrIndependent) {
  PeftOptions o;
  o.module = PeftModule::Lora;
  o.size = 4;
  o.experts = 4;
  o.expert_init = ExpertInit::Identical;
  LoraMixture identical(lora_options(o, 100, 50), make_context(o, 2));
  const double bound = 1.0 / std::sqrt(100.0);
  EXPECT_LE(identical->a_.abs().max().item<double>(), bound);
  EXPECT_GT(identical->a_.abs().max().item<double>(), 0.9 * bound);
  for (int64_t e = 1; e < 4; ++e) EXPECT_TRUE(torch::equal(identical->a_[0], identical->a_[e]));
  EXPECT_EQ(identical->b_.abs().max().item<double>(), 0.0);
  o.expert_init = ExpertInit::Independent;
  LoraMixture independent(lora_options(o, 100, 50), make_context(o, 2));
  EXPECT_GT(max_diff(independent->a_[0], independent->a_[1]), 1e-3);
  // B = 0: the update starts at zero whatever the route.
  EXPECT_EQ(independent(torch::randn({3, 100})).abs().max().item<double>(), 0.0);
}

TEST(LoraMixture, GradientCheckEveryRoute) {
  for (const std::string mode : {"merged", "fixed:0,2", "random-token"}) {
    Fixture f = make(Share::None, mode);
    f.x.requires_grad_(true);
    std::vector<torch::Tensor> inputs = f.lora->parameters();
    inputs.push_back(f.x);
    const torch::Tensor w = at::randn({2, 4, 5}, testing::generator(9), torch::kDouble);
    auto reseed = [&] { f.context->generator().set_current_seed(5); };
    EXPECT_LT(testing::gradient_mismatch([&] { return (f.lora(f.x) * w).sum(); }, inputs, reseed),
              1e-6)
        << mode;
  }
}

TEST(LoraMixture, LearnedTop1GateGetsGradients) {
  Fixture f = make(Share::Up, "merged");
  PeftOptions o = f.options;
  o.routing = Routing::LearnedTop1;
  auto context = make_context(o, 4);
  LoraMixture lora(lora_options(o, 6, 5), context);
  lora->to(torch::kDouble);
  testing::randomize(*lora, 8, 0.5);
  EXPECT_EQ(lora->named_parameters()["gate.weight"].sizes(), torch::IntArrayRef({3, 6}));
  const torch::Tensor out = lora(f.x).sum();
  (out + context->take_aux_loss()).backward();
  EXPECT_GT(lora->gate_->weight.grad().abs().sum().item<double>(), 0);
  std::vector<torch::Tensor> inputs = lora->parameters();
  EXPECT_LT(testing::gradient_mismatch([&] { return lora(f.x).pow(2).sum(); }, inputs), 1e-6);
}

// Attaching LoRA (q, v) and evaluating expert (1, 0) equals adding scale · (B_0 A_1)^T to the
// q and v columns of c_attn's weight: the k third is untouched.
TEST(LoraMixture, Gpt2LoraChangesOnlyTheQAndVThirdsOfCAttn) {
  auto backbone = testing::tiny_backbone("gpt2");
  auto& gpt2 = dynamic_cast<models::Gpt2ModelImpl&>(*backbone);
  PeftOptions o;
  o.module = PeftModule::Lora;
  o.size = 2;
  o.alpha = 8;
  o.experts = 3;
  o.inference = InferenceMode::parse("fixed:1,0");
  PeftHandle peft = attach_peft(*backbone, o, testing::generator(5));
  ASSERT_EQ(peft.loras.size(), 4u);  // 2 blocks × (q, v)
  for (auto& lora : peft.loras) testing::randomize(*lora, 21, 0.2);
  const int64_t h = 32;
  auto& attn = *gpt2.blocks_[0]->attn_;
  models::Gpt2Attention plain(backbone->config());
  plain->eval();
  {
    torch::NoGradGuard no_grad;
    plain->c_proj_->weight_.copy_(attn.c_proj_->weight_);
    plain->c_proj_->bias_.copy_(attn.c_proj_->bias_);
    plain->c_attn_->bias_.copy_(attn.c_attn_->bias_);
    torch::Tensor w = attn.c_attn_->weight_.clone();  // [H, 3H]
    const auto params = attn.c_attn_->named_parameters();
    const double scale = 8.0 / 2.0;
    for (const auto& [third, column] :
         {std::pair<std::string, int64_t>{"q", 0}, std::pair<std::string, int64_t>{"v", 2}}) {
      const torch::Tensor a = params["lora_" + third + ".A"][1];  // [r, H]
      const torch::Tensor b = params["lora_" + third + ".B"][0];  // [H, r]
      w.narrow(1, column * h, h).add_(scale * torch::matmul(b, a).t());
    }
    EXPECT_EQ(params.find("lora_k.A"), nullptr);
    plain->c_attn_->weight_.copy_(w);
  }
  torch::NoGradGuard no_grad;
  const torch::Tensor x = torch::randn({2, 5, h});
  EXPECT_LT(max_diff(attn.forward(x, {}), plain->forward(x, {})), 1e-5);
}

TEST(LoraMixture, BertQueryLoraEqualsAWeightDelta) {
  auto backbone = testing::tiny_backbone("bert");
  auto& bert = dynamic_cast<models::BertModelImpl&>(*backbone);
  PeftOptions o;
  o.module = PeftModule::Lora;
  o.lora_targets = {"query"};
  o.size = 2;
  o.alpha = 2;
  o.experts = 2;
  o.inference = InferenceMode::parse("fixed:1,0");
  PeftHandle peft = attach_peft(*backbone, o, testing::generator(5));
  for (auto& lora : peft.loras) testing::randomize(*lora, 22, 0.2);
  auto& self = *bert.encoder_->layers_[1]->attention_->self_;
  models::BertSelfAttention plain(backbone->config());
  plain->eval();
  {
    torch::NoGradGuard no_grad;
    for (const auto& item : plain->named_parameters()) {
      item.value().copy_(self.named_parameters()[item.key()]);
    }
    const auto& lora = *peft.loras[1];
    plain->query_->weight.add_(torch::matmul(lora.b_[0], lora.a_[1]));
  }
  torch::NoGradGuard no_grad;
  const torch::Tensor x = torch::randn({2, 5, 32});
  EXPECT_LT(max_diff(self.forward(x, {}), plain->forward(x, {})), 1e-5);
}

}  // namespace
}  // namespace adamix::peft::lora_mixture_test
