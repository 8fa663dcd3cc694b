#include "core/models/heads.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace adamix::models {
namespace {

ModelConfig config(Arch arch) {
  ModelConfig c;
  c.arch = arch;
  c.vocab_size = 50;
  c.hidden_size = 8;
  c.num_layers = 1;
  c.num_heads = 2;
  c.intermediate_size = 16;
  c.max_positions = 32;
  c.type_vocab_size = arch == Arch::Gpt2 ? 0 : 2;
  return c;
}

torch::Tensor param(HeadImpl& head, const std::string& name) {
  return head.named_parameters()[name];
}

TEST(Heads, BertIsClassifierOnThePooledOutput) {
  auto head = make_head(config(Arch::Bert), 3);
  head->eval();
  BackboneOutput out;
  out.last_hidden_state = torch::randn({2, 5, 8});
  out.pooled = torch::randn({2, 8});
  const auto expected = torch::addmm(param(*head, "classifier.bias"), out.pooled,
                                     param(*head, "classifier.weight").t());
  EXPECT_TRUE(torch::allclose(head->forward(out, {}), expected));
  EXPECT_EQ(head->hf_state_dict().count("classifier.weight"), 1u);
}

TEST(Heads, BertWithoutABackbonePoolerOwnsOne) {
  auto head = make_head(config(Arch::Bert), 2, /*backbone_has_pooler=*/false);
  head->eval();
  BackboneOutput out;
  out.last_hidden_state = torch::randn({2, 5, 8});
  using torch::indexing::Slice;
  const auto pooled = torch::tanh(torch::addmm(param(*head, "pooler.dense.bias"),
                                               out.last_hidden_state.index({Slice(), 0}),
                                               param(*head, "pooler.dense.weight").t()));
  const auto expected =
      torch::addmm(param(*head, "classifier.bias"), pooled, param(*head, "classifier.weight").t());
  EXPECT_TRUE(torch::allclose(head->forward(out, {}), expected));
  EXPECT_EQ(head->hf_state_dict().count("bert.pooler.dense.weight"), 1u);
}

TEST(Heads, RobertaIsDenseTanhOutProjOnTheFirstToken) {
  auto head = make_head(config(Arch::Roberta), 3);
  head->eval();
  BackboneOutput out;
  out.last_hidden_state = torch::randn({2, 5, 8});
  using torch::indexing::Slice;
  const auto x = torch::tanh(torch::addmm(param(*head, "dense.bias"),
                                          out.last_hidden_state.index({Slice(), 0}),
                                          param(*head, "dense.weight").t()));
  const auto expected =
      torch::addmm(param(*head, "out_proj.bias"), x, param(*head, "out_proj.weight").t());
  EXPECT_TRUE(torch::allclose(head->forward(out, {}), expected));
  const auto names = head->hf_state_dict();
  EXPECT_EQ(names.count("classifier.dense.weight") + names.count("classifier.out_proj.bias"), 2u);
}

TEST(Heads, Gpt2ScoresEachRowsLastRealToken) {
  auto head = make_head(config(Arch::Gpt2), 2);
  head->eval();
  BackboneOutput out;
  out.last_hidden_state = torch::randn({2, 5, 8});
  const auto mask = torch::tensor({{1, 1, 1, 0, 0}, {1, 1, 1, 1, 1}});
  const auto w = param(*head, "score.weight");
  const auto expected = torch::stack({torch::matmul(w, out.last_hidden_state[0][2]),
                                      torch::matmul(w, out.last_hidden_state[1][4])});
  EXPECT_TRUE(torch::allclose(head->forward(out, mask), expected));
  EXPECT_FALSE(head->named_parameters().contains("score.bias"));
}

TEST(Heads, InitialisationIsSeededAndLikeHf) {
  auto a = make_head(config(Arch::Roberta), 3);
  auto b = make_head(config(Arch::Roberta), 3);
  a->reset_parameters(at::detail::createCPUGenerator(7));
  b->reset_parameters(at::detail::createCPUGenerator(7));
  EXPECT_TRUE(torch::equal(param(*a, "dense.weight"), param(*b, "dense.weight")));
  EXPECT_TRUE(torch::equal(param(*a, "out_proj.bias"), torch::zeros({3})));
  EXPECT_NEAR(param(*a, "dense.weight").std().item<double>(), 0.02, 0.006);
  EXPECT_THROW(make_head(config(Arch::Bert), 0), ConfigError);
}

}  // namespace
}  // namespace adamix::models
