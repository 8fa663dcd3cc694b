// attach_peft on BERT, RoBERTa and GPT-2: parameter names (docs/formats.md), freezing, gradients,
// train/eval state, and the model-level inference modes (merged, ensemble).
#include "core/peft/peft_model.h"

#include <gtest/gtest.h>

#include <map>

#include "core/error.h"
#include "core/peft/consistency.h"
#include "peft_test_helpers.h"

namespace adamix::peft {
namespace {

using testing::max_diff;
using testing::tiny_backbone;
using testing::tiny_input;
using Shapes = std::map<std::string, std::vector<int64_t>>;

Shapes shapes_of(const torch::OrderedDict<std::string, torch::Tensor>& params) {
  Shapes out;
  for (const auto& item : params) out[item.key()] = item.value().sizes().vec();
  return out;
}

PeftOptions adapter_method(Placement placement, Routing routing = Routing::Random) {
  PeftOptions o;
  o.size = 8;
  o.experts = 4;
  o.share = Share::Up;
  o.placement = placement;
  o.routing = routing;
  return o;
}

PeftOptions lora_method(std::vector<std::string> targets) {
  PeftOptions o;
  o.module = PeftModule::Lora;
  o.size = 4;
  o.experts = 3;
  o.share = Share::Up;  // B shared
  o.lora_targets = std::move(targets);
  return o;
}

TEST(AttachPeft, BertAdapterNamesMatchDesign) {
  auto backbone = tiny_backbone("bert");
  PeftHandle peft = attach_peft(*backbone, adapter_method(Placement::Both, Routing::LearnedTop1),
                                testing::generator(1));
  Shapes want;
  for (const std::string layer : {"0", "1"}) {
    for (const std::string host : {"attention.output", "output"}) {
      const std::string p = "encoder.layer." + layer + "." + host + ".adapter.";
      want[p + "down.weight"] = {4, 8, 32};
      want[p + "down.bias"] = {4, 8};
      want[p + "up.weight"] = {1, 32, 8};
      want[p + "up.bias"] = {1, 32};
      want[p + "gate.weight"] = {4, 32};
    }
  }
  EXPECT_EQ(shapes_of(peft.parameters), want);
  EXPECT_EQ(peft.adapters.size(), 4u);
  EXPECT_TRUE(peft.loras.empty());
}

TEST(AttachPeft, AdapterExpertsDrawFromTheBackbonesInitializerRange) {
  auto config = tiny_backbone("bert")->config();
  config.initializer_range = 0.2;  // the reference: N(0, config.initializer_range), not 0.02
  auto backbone = models::create_backbone(config);
  PeftOptions o = adapter_method(Placement::Ffn);
  o.size = 16;
  PeftHandle peft = attach_peft(*backbone, o, testing::generator(1));
  for (const auto& adapter : peft.adapters) {
    EXPECT_NEAR(adapter->down_->weight_.std().item<double>(), 0.2, 0.02);
    EXPECT_NEAR(adapter->up_->weight_.std().item<double>(), 0.2, 0.03);
    EXPECT_EQ(adapter->down_->bias_.abs().max().item<double>(), 0.0);
  }
}

TEST(AttachPeft, LoraNamesMatchDesignForRobertaAndGpt2) {
  auto roberta = tiny_backbone("roberta");
  PeftHandle r = attach_peft(*roberta, lora_method({"query", "value"}), testing::generator(1));
  Shapes want;
  for (const std::string layer : {"0", "1"}) {
    for (const std::string target : {"query", "value"}) {
      const std::string p = "encoder.layer." + layer + ".attention.self." + target + ".lora.";
      want[p + "A"] = {3, 4, 32};
      want[p + "B"] = {1, 32, 4};
    }
  }
  EXPECT_EQ(shapes_of(r.parameters), want);

  auto gpt2 = tiny_backbone("gpt2");
  PeftHandle g = attach_peft(*gpt2, lora_method({"query", "key", "value"}), testing::generator(1));
  want.clear();
  for (const std::string block : {"0", "1"}) {
    for (const std::string third : {"q", "k", "v"}) {
      const std::string p = "h." + block + ".attn.c_attn.lora_" + third + ".";
      want[p + "A"] = {3, 4, 32};
      want[p + "B"] = {1, 32, 4};
    }
  }
  EXPECT_EQ(shapes_of(g.parameters), want);

  auto gpt2_adapters = tiny_backbone("gpt2");
  PeftHandle a =
      attach_peft(*gpt2_adapters, adapter_method(Placement::Both), testing::generator(1));
  EXPECT_EQ(a.parameters.size(), 16u);
  EXPECT_NE(a.parameters.find("h.1.mlp.adapter.down.weight"), nullptr);
  EXPECT_NE(a.parameters.find("h.1.attn.adapter.up.bias"), nullptr);
  auto gpt2_ffn = tiny_backbone("gpt2");
  PeftHandle f = attach_peft(*gpt2_ffn, adapter_method(Placement::Ffn), testing::generator(1));
  EXPECT_EQ(f.parameters.size(), 8u);
  EXPECT_EQ(f.parameters.find("h.1.attn.adapter.up.bias"), nullptr);
}

TEST(AttachPeft, RejectsBadTargetsAndASecondAttach) {
  auto backbone = tiny_backbone("bert");
  EXPECT_THROW(attach_peft(*backbone, lora_method({"dense"}), testing::generator(1)), ConfigError);
  EXPECT_THROW(attach_peft(*backbone, lora_method({"query", "query"}), testing::generator(1)),
               ConfigError);
  attach_peft(*backbone, lora_method({"query"}), testing::generator(1));
  EXPECT_THROW(attach_peft(*backbone, lora_method({"value"}), testing::generator(1)), ConfigError);
}

TEST(AttachPeft, HeadOnlyAndFullAttachNothing) {
  for (const std::string arch : {"bert", "gpt2"}) {
    auto reference = tiny_backbone(arch);
    auto backbone = tiny_backbone(arch);
    const auto in = tiny_input(backbone->config(), 2, 6);
    PeftOptions o;
    o.module = PeftModule::HeadOnly;
    PeftHandle head = attach_peft(*backbone, o, testing::generator(1));
    EXPECT_TRUE(head.parameters.is_empty());
    for (const auto& p : backbone->parameters()) EXPECT_FALSE(p.requires_grad());
    torch::NoGradGuard no_grad;
    EXPECT_EQ(
        max_diff(backbone->forward(in).last_hidden_state, reference->forward(in).last_hidden_state),
        0.0);
    o.module = PeftModule::Full;
    PeftHandle full = attach_peft(*backbone, o, testing::generator(1));
    EXPECT_EQ(full.parameters.size(), backbone->named_parameters().size());
    for (const auto& p : backbone->parameters()) EXPECT_TRUE(p.requires_grad());
  }
}

TEST(AttachPeft, FreshLoraLeavesTheOutputUnchanged) {
  for (const std::string arch : {"roberta", "gpt2"}) {
    auto reference = tiny_backbone(arch);
    auto backbone = tiny_backbone(arch);
    attach_peft(*backbone, lora_method({"query", "value"}), testing::generator(1));
    const auto in = tiny_input(backbone->config(), 2, 6);
    torch::NoGradGuard no_grad;
    EXPECT_LT(
        max_diff(backbone->forward(in).last_hidden_state, reference->forward(in).last_hidden_state),
        1e-6)
        << arch << ": B = 0 at init";
  }
}

TEST(AttachPeft, NewModulesFollowTheBackbonesMode) {
  auto backbone = tiny_backbone("bert");  // eval()
  PeftHandle peft = attach_peft(*backbone, adapter_method(Placement::Ffn), testing::generator(1));
  for (auto& a : peft.adapters) EXPECT_FALSE(a->is_training());
  backbone->train();
  for (auto& a : peft.adapters) EXPECT_TRUE(a->is_training());
}

TEST(AttachPeft, GradientsReachOnlyTheTrainableParameters) {
  for (const std::string arch : {"bert", "gpt2"}) {
    auto backbone = tiny_backbone(arch, 3, /*dropout=*/true);
    PeftOptions o = adapter_method(Placement::Both);
    o.share = Share::None;
    PeftHandle peft = attach_peft(*backbone, o, testing::generator(1));
    backbone->train();
    const auto in = tiny_input(backbone->config(), 2, 6);
    const torch::Tensor h = backbone->forward(in).last_hidden_state;
    (h * torch::randn(h.sizes())).sum().backward();
    for (const auto& item : backbone->named_parameters()) {
      const bool trainable = peft.parameters.contains(item.key());
      EXPECT_EQ(item.value().requires_grad(), trainable) << item.key();
      if (!trainable) {
        EXPECT_FALSE(item.value().grad().defined()) << item.key();
      }
    }
    for (auto& adapter : peft.adapters) {
      const Route& route = adapter->last_route();
      ASSERT_EQ(route.kind, Route::Kind::Pair);
      for (int64_t e = 0; e < 4; ++e) {
        const double down = adapter->down_->weight_.grad()[e].abs().sum().item<double>();
        const double up = adapter->up_->bias_.grad()[e].abs().sum().item<double>();
        EXPECT_EQ(down > 0, e == route.down) << arch << " down expert " << e;
        EXPECT_EQ(up > 0, e == route.up) << arch << " up expert " << e;
      }
    }
  }
}

TEST(AttachPeft, EnsembleAveragesThePathDistributions) {
  auto backbone = tiny_backbone("bert");
  PeftOptions o = adapter_method(Placement::Ffn);
  o.experts = 3;
  o.inference = InferenceMode::parse("ensemble");
  PeftHandle peft = attach_peft(*backbone, o, testing::generator(1));
  const auto in = tiny_input(backbone->config(), 2, 6);
  torch::NoGradGuard no_grad;
  auto logits = [&] { return backbone->forward(in).last_hidden_state.select(1, 0); };  // [N,H]
  EXPECT_THROW(logits(), InputError) << "ensemble needs a forced path per pass";
  const std::vector<torch::Tensor> paths = run_expert_paths(*peft.context, o, logits);
  ASSERT_EQ(paths.size(), 3u);
  torch::Tensor mean = torch::zeros_like(paths[0]);
  for (int64_t i = 0; i < 3; ++i) {
    peft.context->set_inference(InferenceMode::parse("fixed:" + std::to_string(i) + ",0"));
    EXPECT_LT(max_diff(paths[i], logits()), 1e-6) << "path " << i << " = fixed:" << i << ",0";
    mean += torch::softmax(paths[i], -1) / 3.0;
  }
  EXPECT_GT(max_diff(paths[0], paths[1]), 1e-4);
  EXPECT_LT(max_diff(ensemble_log_probs(paths).exp(), mean), 1e-6);
  // Merged mode runs once with the averaged weights: differs from the ensemble in general.
  peft.context->set_inference(InferenceMode::parse("merged"));
  EXPECT_EQ(logits().sizes(), paths[0].sizes());
}

}  // namespace
}  // namespace adamix::peft
