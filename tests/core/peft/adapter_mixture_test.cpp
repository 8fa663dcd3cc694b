// The adapter mixture against direct re-computations: every inference mode, initialisation,
// merged-cache invalidation, gradients and the learned-top1 gate.
#include "core/peft/adapter_mixture.h"

#include <gtest/gtest.h>

#include <set>

#include "core/error.h"
#include "peft_test_helpers.h"

namespace adamix::peft {
namespace {

using testing::adapter_pair;
using testing::adapter_reference;
using testing::make_context;
using testing::max_diff;

constexpr double kTight = 1e-10;  // double-precision comparisons

struct Fixture {
  PeftOptions options;
  std::shared_ptr<RoutingContext> context;
  AdapterMixture adapter{nullptr};
  torch::Tensor x;  // [2,5,d] double
};

// d = 6, r = 3, M = 3, double precision, every parameter random (biases too).
Fixture make(Share share, const std::string& inference, Routing routing = Routing::Random,
             uint64_t seed = 1) {
  Fixture f;
  f.options.size = 3;
  f.options.experts = 3;
  f.options.share = share;
  f.options.routing = routing;
  f.options.inference = InferenceMode::parse(inference);
  f.context = make_context(f.options, seed);
  f.adapter = AdapterMixture(adapter_options(f.options, 6), f.context);
  f.adapter->to(torch::kDouble);
  testing::randomize(*f.adapter, seed + 100, 0.5);
  f.adapter->eval();
  f.x = at::randn({2, 5, 6}, testing::generator(seed + 200), torch::kDouble);
  return f;
}

TEST(AdapterMixture, ParameterShapesFollowSharing) {
  PeftOptions o;
  o.size = 4;
  o.experts = 3;
  for (Share share : {Share::Up, Share::Down, Share::None}) {
    o.share = share;
    AdapterMixture a(adapter_options(o, 10), make_context(o));
    const auto p = a->named_parameters();
    const int64_t md = share == Share::Down ? 1 : 3;
    const int64_t mu = share == Share::Up ? 1 : 3;
    EXPECT_EQ(p["down.weight"].sizes(), torch::IntArrayRef({md, 4, 10}));
    EXPECT_EQ(p["down.bias"].sizes(), torch::IntArrayRef({md, 4}));
    EXPECT_EQ(p["up.weight"].sizes(), torch::IntArrayRef({mu, 10, 4}));
    EXPECT_EQ(p["up.bias"].sizes(), torch::IntArrayRef({mu, 10}));
    EXPECT_EQ(p.size(), 4u);
  }
}

TEST(AdapterMixture, MergedEqualsAdapterOfExpertMeans) {
  for (Share share : {Share::Up, Share::None, Share::Down}) {
    Fixture f = make(share, "merged");
    torch::NoGradGuard no_grad;
    const auto& a = *f.adapter;
    const torch::Tensor want =
        adapter_reference(f.x, a.down_->weight_.mean(0), a.down_->bias_.mean(0),
                          a.up_->weight_.mean(0), a.up_->bias_.mean(0));
    EXPECT_LT(max_diff(f.adapter(f.x), want), kTight);
    EXPECT_EQ(f.adapter->last_route().kind, Route::Kind::Merged);
  }
}

TEST(AdapterMixture, FixedModeEqualsThatExpertAlone) {
  Fixture f = make(Share::None, "fixed:2,1");
  torch::NoGradGuard no_grad;
  EXPECT_LT(max_diff(f.adapter(f.x), adapter_pair(*f.adapter, f.x, 2, 1)), kTight);
  EXPECT_GT(max_diff(f.adapter(f.x), adapter_pair(*f.adapter, f.x, 1, 2)), 1e-3);
  Fixture g = make(Share::Up, "fixed:1,0");
  EXPECT_LT(max_diff(g.adapter(g.x), adapter_pair(*g.adapter, g.x, 1, 0)), kTight);
}

TEST(AdapterMixture, RandomBatchUsesOnePairForTheWholeBatch) {
  Fixture f = make(Share::None, "random-batch");
  torch::NoGradGuard no_grad;
  std::set<std::pair<int64_t, int64_t>> seen;
  for (int call = 0; call < 30; ++call) {
    const torch::Tensor y = f.adapter(f.x);
    const Route& route = f.adapter->last_route();
    ASSERT_EQ(route.kind, Route::Kind::Pair);
    EXPECT_LT(max_diff(y, adapter_pair(*f.adapter, f.x, route.down, route.up)), kTight);
    seen.emplace(route.down, route.up);
  }
  EXPECT_GT(seen.size(), 3u) << "30 draws over 9 pairs should not keep repeating one pair";
}

TEST(AdapterMixture, RandomTokenDrawsAPairPerToken) {
  Fixture f = make(Share::None, "random-token");
  torch::NoGradGuard no_grad;
  const torch::Tensor y = f.adapter(f.x).reshape({10, 6});
  const Route& route = f.adapter->last_route();
  ASSERT_EQ(route.kind, Route::Kind::PerToken);
  ASSERT_EQ(route.down_index.sizes(), torch::IntArrayRef({10}));
  const torch::Tensor x = f.x.reshape({10, 6});
  std::set<std::pair<int64_t, int64_t>> pairs;
  for (int64_t k = 0; k < 10; ++k) {
    const int64_t i = route.down_index[k].item<int64_t>();
    const int64_t j = route.up_index[k].item<int64_t>();
    pairs.emplace(i, j);
    EXPECT_LT(max_diff(y[k], adapter_pair(*f.adapter, x[k], i, j)), kTight) << "token " << k;
  }
  EXPECT_GT(pairs.size(), 1u) << "10 tokens over 9 pairs all drew the same pair";
  // Share up: the up side has one expert and no index.
  Fixture g = make(Share::Up, "random-token");
  const torch::Tensor z = g.adapter(g.x).reshape({10, 6});
  ASSERT_FALSE(g.adapter->last_route().up_index.defined());
  for (int64_t k = 0; k < 10; ++k) {
    const int64_t i = g.adapter->last_route().down_index[k].item<int64_t>();
    EXPECT_LT(max_diff(z[k], adapter_pair(*g.adapter, g.x.reshape({10, 6})[k], i, 0)), kTight);
  }
}

TEST(AdapterMixture, FixedRoutingIsASingleAdapter) {
  // With more experts it would create experts it never trains: refused, naming the key.
  PeftOptions o;
  o.routing = Routing::Fixed;
  o.experts = 3;
  try {
    o.validate();
    FAIL() << "routing fixed with 3 experts was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("method.routing"), std::string::npos) << e.what();
  }
  o.experts = 1;
  o.share = Share::None;
  o.inference = InferenceMode::parse("merged");
  auto context = make_context(o, 1);
  AdapterMixture adapter(adapter_options(o, 6), context);
  adapter->to(torch::kDouble);
  testing::randomize(*adapter, 101, 0.5);
  const torch::Tensor x = at::randn({2, 5, 6}, testing::generator(201), torch::kDouble);
  adapter->train();
  const torch::Tensor y = adapter(x);
  EXPECT_LT(max_diff(y, adapter_pair(*adapter, x, 0, 0)), kTight);
  adapter->eval();
  EXPECT_LT(max_diff(adapter(x), y), kTight);
}

TEST(AdapterMixture, InitialisationIndependentOrIdentical) {
  PeftOptions o;
  o.size = 8;
  o.experts = 4;
  o.share = Share::None;
  AdapterMixture independent(adapter_options(o, 64), make_context(o, 7));
  o.expert_init = ExpertInit::Identical;
  AdapterMixture identical(adapter_options(o, 64), make_context(o, 7));
  for (const auto& w : {independent->down_->weight_, independent->up_->weight_}) {
    EXPECT_GT(max_diff(w[0], w[1]), 1e-3);
    EXPECT_NEAR(w.std().item<double>(), 0.02, 0.002);
  }
  for (const auto& w : {identical->down_->weight_, identical->up_->weight_}) {
    for (int64_t e = 1; e < 4; ++e) EXPECT_TRUE(torch::equal(w[0], w[e]));
    EXPECT_NEAR(w.std().item<double>(), 0.02, 0.003);
  }
  EXPECT_EQ(independent->down_->bias_.abs().max().item<double>(), 0.0);
  EXPECT_EQ(independent->up_->bias_.abs().max().item<double>(), 0.0);
  // Same seed, same values; reset_parameters is safe to call again (draws the next values).
  AdapterMixture again(adapter_options(o, 64), make_context(o, 7));
  EXPECT_TRUE(torch::equal(again->down_->weight_, identical->down_->weight_));
  again->reset_parameters();
  EXPECT_FALSE(torch::equal(again->down_->weight_, identical->down_->weight_));
  EXPECT_TRUE(torch::equal(again->down_->weight_[0], again->down_->weight_[3]));
}

// The reference merges once and then evaluates stale weights; here every kind of write shows up
// in the next merged evaluation: SGD and AdamW steps (LibTorch writes through param.data(),
// bypassing version counters), and in-place edits such as a checkpoint load.
TEST(AdapterMixture, MergedOutputFollowsEveryParameterUpdate) {
  Fixture f = make(Share::Up, "merged");
  auto merged_reference = [&] {
    const auto& a = *f.adapter;
    return adapter_reference(f.x, a.down_->weight_.mean(0), a.down_->bias_.mean(0),
                             a.up_->weight_.mean(0), a.up_->bias_.mean(0));
  };
  torch::optim::SGD sgd(f.adapter->parameters(), torch::optim::SGDOptions(0.5));
  torch::optim::AdamW adamw(f.adapter->parameters(), torch::optim::AdamWOptions(0.05));
  torch::Tensor before;
  {
    torch::NoGradGuard no_grad;
    before = f.adapter(f.x);
  }
  for (torch::optim::Optimizer* optimizer : {static_cast<torch::optim::Optimizer*>(&sgd),
                                             static_cast<torch::optim::Optimizer*>(&adamw)}) {
    f.adapter->train();
    optimizer->zero_grad();
    f.adapter(f.x).pow(2).sum().backward();
    optimizer->step();
    f.adapter->eval();
    torch::NoGradGuard no_grad;
    const torch::Tensor after = f.adapter(f.x);
    EXPECT_GT(max_diff(before, after), 1e-3);
    EXPECT_LT(max_diff(after, merged_reference()), kTight);
    before = after;
  }
  torch::NoGradGuard no_grad;
  f.adapter->down_->weight_.data()[0].add_(1.0);
  EXPECT_LT(max_diff(f.adapter(f.x), merged_reference()), kTight);
  EXPECT_GT(max_diff(f.adapter(f.x), before), 1e-3);
  f.adapter->up_->bias_.copy_(torch::ones_like(f.adapter->up_->bias_));
  EXPECT_LT(max_diff(f.adapter(f.x), merged_reference()), kTight);
}

// Inside a merge-cache scope (an evaluation, a decoding) the means are computed once: a write
// there is not seen until the scope ends; the next scope, and any call with gradients on, merges
// again. The cached output equals the per-call one.
TEST(AdapterMixture, MergeCacheScopeMergesOncePerScope) {
  Fixture f = make(Share::Up, "merged");
  torch::NoGradGuard no_grad;
  const torch::Tensor per_call = f.adapter(f.x);
  torch::Tensor inside;
  {
    const MergeCacheScope scope(*f.context);
    EXPECT_NE(f.context->merge_cache_scope(), 0u);
    inside = f.adapter(f.x);
    EXPECT_TRUE(torch::equal(inside, per_call));
    f.adapter->down_->weight_.data()[0].add_(1.0);      // no optimizer step happens in a scope
    EXPECT_TRUE(torch::equal(f.adapter(f.x), inside));  // merged once: the cache
    {
      const MergeCacheScope nested(*f.context);  // shares the outer scope
      EXPECT_TRUE(torch::equal(f.adapter(f.x), inside));
    }
    EXPECT_NE(f.context->merge_cache_scope(), 0u);
    {
      torch::AutoGradMode grad(true);  // never cached with gradients on
      EXPECT_GT(max_diff(f.adapter(f.x).detach(), inside), 1e-3);
    }
  }
  EXPECT_EQ(f.context->merge_cache_scope(), 0u);
  const torch::Tensor after = f.adapter(f.x);
  EXPECT_GT(max_diff(after, inside), 1e-3);
  const auto& a = *f.adapter;
  EXPECT_LT(max_diff(after, adapter_reference(f.x, a.down_->weight_.mean(0), a.down_->bias_.mean(0),
                                              a.up_->weight_.mean(0), a.up_->bias_.mean(0))),
            kTight);
  const MergeCacheScope next(*f.context);  // a new scope merges again
  EXPECT_TRUE(torch::equal(f.adapter(f.x), after));
}

TEST(AdapterMixture, GradientsOnlyReachTheDrawnExperts) {
  Fixture f = make(Share::None, "merged");
  f.adapter->train();
  for (int step = 0; step < 4; ++step) {
    f.adapter->zero_grad();
    f.adapter(f.x).sum().backward();
    const Route route = f.adapter->last_route();
    const torch::Tensor& gd = f.adapter->down_->weight_.grad();
    const torch::Tensor& gu = f.adapter->up_->weight_.grad();
    for (int64_t e = 0; e < 3; ++e) {
      EXPECT_EQ(gd[e].abs().sum().item<double>() > 0, e == route.down) << "down expert " << e;
      EXPECT_EQ(gu[e].abs().sum().item<double>() > 0, e == route.up) << "up expert " << e;
    }
  }
}

TEST(AdapterMixture, GradientCheckEveryRoute) {
  for (const std::string mode : {"merged", "fixed:1,2", "random-token"}) {
    Fixture f = make(Share::None, mode);
    f.x.requires_grad_(true);
    std::vector<torch::Tensor> inputs = f.adapter->parameters();
    inputs.push_back(f.x);
    const torch::Tensor w = at::randn({2, 5, 6}, testing::generator(9), torch::kDouble);
    auto reseed = [&] { f.context->generator().set_current_seed(5); };  // same draws each time
    const double mismatch =
        testing::gradient_mismatch([&] { return (f.adapter(f.x) * w).sum(); }, inputs, reseed);
    EXPECT_LT(mismatch, 1e-6) << mode;
  }
}

TEST(AdapterMixture, LearnedTop1GateRoutesPerTokenWithBalanceLoss) {
  Fixture f = make(Share::Up, "merged", Routing::LearnedTop1);
  ASSERT_TRUE(f.adapter->gate_);
  EXPECT_EQ(f.adapter->gate_->weight.sizes(), torch::IntArrayRef({3, 6}));
  f.adapter->train();
  const torch::Tensor y = f.adapter(f.x).reshape({10, 6});
  const torch::Tensor x = f.x.reshape({10, 6});
  // Direct computation: softmax gate, top-1 expert, output scaled by its probability.
  const torch::Tensor probs = torch::softmax(torch::matmul(x, f.adapter->gate_->weight.t()), -1);
  const torch::Tensor chosen = probs.argmax(-1);
  for (int64_t k = 0; k < 10; ++k) {
    const int64_t e = chosen[k].item<int64_t>();
    const double p = probs[k][e].item<double>();
    const torch::Tensor delta = adapter_pair(*f.adapter, x[k], e, 0) - x[k];
    EXPECT_LT(max_diff(y[k], x[k] + p * delta), kTight) << "token " << k;
  }
  torch::Tensor f_share = torch::zeros({3}, torch::kDouble);
  for (int64_t k = 0; k < 10; ++k) f_share[chosen[k].item<int64_t>()] += 0.1;
  const double balance = 3.0 * (f_share * probs.mean(0)).sum().item<double>();
  const torch::Tensor aux = f.context->take_aux_loss();
  ASSERT_TRUE(aux.defined());
  EXPECT_NEAR(aux.item<double>(), f.options.load_balance * balance, 1e-12);
  EXPECT_FALSE(f.context->take_aux_loss().defined()) << "take_aux_loss resets";
  // The gate learns from both the scaled output and the balance loss.
  const torch::Tensor out = f.adapter(f.x).sum();
  (out + 100 * f.context->take_aux_loss()).backward();
  ASSERT_TRUE(f.adapter->gate_->weight.grad().defined());
  EXPECT_GT(f.adapter->gate_->weight.grad().abs().sum().item<double>(), 0);
  // Gradient check through the gate (argmax is locally constant).
  f.x.requires_grad_(true);
  std::vector<torch::Tensor> inputs = f.adapter->parameters();
  inputs.push_back(f.x);
  EXPECT_LT(testing::gradient_mismatch([&] { return f.adapter(f.x).pow(2).sum(); }, inputs), 1e-6);
  f.context->take_aux_loss();
}

TEST(AdapterMixture, RejectsWrongInputWidth) {
  Fixture f = make(Share::Up, "merged");
  EXPECT_THROW(f.adapter(torch::zeros({2, 5}, torch::kDouble)), c10::Error);
}

TEST(AdapterMixture, GpuMatchesCpu) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  for (const std::string mode : {"merged", "fixed:2,1", "random-token"}) {
    Fixture f = make(Share::None, mode);
    torch::NoGradGuard no_grad;
    f.context->generator().set_current_seed(3);
    const torch::Tensor cpu = f.adapter(f.x);
    f.adapter->to(torch::kCUDA);
    f.context->generator().set_current_seed(3);
    const torch::Tensor gpu = f.adapter(f.x.cuda());
    ASSERT_TRUE(gpu.is_cuda());
    EXPECT_LT(max_diff(cpu, gpu.cpu()), 1e-9) << mode;
  }
}

}  // namespace
}  // namespace adamix::peft
