// Parameter accounting: docs/method.md's worked numbers, and the config-only count against the
// modules actually attached.
#include "core/peft/parameter_count.h"

#include <gtest/gtest.h>

#include "core/models/bert.h"
#include "peft_test_helpers.h"

namespace adamix::peft {
namespace {

models::ModelConfig roberta_large() {
  models::ModelConfig c;
  c.arch = models::Arch::Roberta;
  c.vocab_size = 50265;
  c.hidden_size = 1024;
  c.num_layers = 24;
  c.num_heads = 16;
  c.intermediate_size = 4096;
  c.max_positions = 514;
  c.type_vocab_size = 1;
  c.pad_token_id = 1;
  return c;
}

models::ModelConfig bert_base() {
  models::ModelConfig c;
  c.arch = models::Arch::Bert;
  c.vocab_size = 30522;
  c.hidden_size = 768;
  c.num_layers = 12;
  c.num_heads = 12;
  c.intermediate_size = 3072;
  c.max_positions = 512;
  c.type_vocab_size = 2;
  return c;
}

TEST(ParameterCount, MethodWorkedNumbers) {
  PeftOptions o;  // adapter, FFN, M = 4, shared up
  o.size = 16;
  const ParameterCount large = count_parameters(roberta_large(), o);
  EXPECT_EQ(large.backbone, 355359744);  // RobertaModel roberta-large, pooler included
  EXPECT_EQ(large.merged, 24 * (1024 * 16 + 16 + 16 * 1024 + 1024));  // 811,392 = 0.81M
  EXPECT_NEAR(large.merged_share() * 100, 0.23, 0.005);
  EXPECT_EQ(large.trainable, 24 * (4 * (1024 * 16 + 16) + 16 * 1024 + 1024));  // 1,992,192
  EXPECT_NEAR(large.trainable / 1e6, 2.0, 0.05);

  o.size = 48;
  const ParameterCount base = count_parameters(bert_base(), o);
  EXPECT_EQ(base.backbone, 109482240);  // BertModel bert-base-uncased
  EXPECT_EQ(base.merged, 894528);       // 0.89M
}

TEST(ParameterCount, ConfigOnlyAgreesWithAttachedModules) {
  std::vector<PeftOptions> methods;
  PeftOptions o;
  o.size = 4;
  o.experts = 3;
  methods.push_back(o);
  o.placement = Placement::Both;
  o.share = Share::None;
  o.routing = Routing::LearnedTop1;
  methods.push_back(o);
  o.module = PeftModule::Lora;
  o.share = Share::Down;
  o.routing = Routing::Random;
  o.lora_targets = {"query", "key", "value"};
  methods.push_back(o);
  o.routing = Routing::LearnedTop1;
  o.lora_targets = {"value"};
  methods.push_back(o);
  o.module = PeftModule::Full;
  methods.push_back(o);
  o.module = PeftModule::HeadOnly;
  methods.push_back(o);
  for (const std::string arch : {"bert", "roberta", "gpt2"}) {
    for (const PeftOptions& method : methods) {
      auto backbone = testing::tiny_backbone(arch);
      int64_t before = 0;
      for (const auto& p : backbone->parameters()) before += p.numel();
      const PeftHandle peft = attach_peft(*backbone, method, testing::generator(1));
      const ParameterCount modules = count_parameters(*backbone, peft);
      const ParameterCount config = count_parameters(backbone->config(), method);
      const std::string what = arch + " " + to_string(method.module);
      EXPECT_EQ(modules.backbone, before) << what;
      EXPECT_EQ(config.backbone, before) << what;
      EXPECT_EQ(modules.trainable, config.trainable) << what;
      EXPECT_EQ(modules.merged, config.merged) << what;
      int64_t trained = 0;
      for (const auto& p : peft.parameter_list()) trained += p.numel();
      EXPECT_EQ(modules.trainable, method.module == PeftModule::HeadOnly ? 0 : trained) << what;
    }
  }
}

TEST(ParameterCount, MergedCountsOneExpertPerSideWithoutGates) {
  PeftOptions o;
  o.size = 4;
  o.experts = 5;
  o.share = Share::None;
  const models::ModelConfig c = testing::tiny_config("bert");
  const ParameterCount random = count_parameters(c, o);
  EXPECT_EQ(random.merged, 2 * (32 * 4 + 4 + 4 * 32 + 32));
  EXPECT_EQ(random.trainable, 5 * random.merged);
  o.routing = Routing::LearnedTop1;  // never merges: inference keeps every expert and the gate
  const ParameterCount gated = count_parameters(c, o);
  EXPECT_EQ(gated.trainable, random.trainable + 2 * 5 * 32);
  EXPECT_EQ(gated.merged, gated.trainable);
}

}  // namespace
}  // namespace adamix::peft
