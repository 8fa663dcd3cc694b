#include "core/models/lm_heads.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>

#include "core/error.h"
#include "core/models/bert.h"
#include "core/train/lm_masking.h"

// A namespace of its own: unity builds compile this file with its neighbours, whose
// anonymous-namespace helpers have the same names.
namespace adamix::models::lm_heads_test {
namespace {

ModelConfig config(Arch arch) {
  ModelConfig c;
  c.arch = arch;
  c.vocab_size = 30;
  c.hidden_size = 16;
  c.num_layers = 2;
  c.num_heads = 2;
  c.intermediate_size = 32;
  c.max_positions = 40;
  c.type_vocab_size = arch == Arch::Gpt2 ? 0 : (arch == Arch::Roberta ? 1 : 2);
  c.pad_token_id = arch == Arch::Roberta ? 1 : 0;
  c.activation = arch == Arch::Bert ? Activation::Relu : Activation::Gelu;
  c.hidden_dropout = c.attention_dropout = c.embedding_dropout = 0.0;
  return c;
}

BackboneInput input(const torch::Tensor& ids) {
  BackboneInput in;
  in.input_ids = ids;
  return in;
}

std::set<std::string> names(const torch::nn::Module& m) {
  std::set<std::string> out;
  for (const auto& item : m.named_parameters()) out.insert(item.key());
  return out;
}

TEST(LmHeads, ParameterNamesAreHuggingFaces) {
  auto bert = create_backbone(config(Arch::Bert), false);
  MlmHead bert_head(config(Arch::Bert), tied_word_embeddings(*bert));
  EXPECT_EQ(names(*bert_head), (std::set<std::string>{
                                   "cls.predictions.bias",
                                   "cls.predictions.transform.dense.weight",
                                   "cls.predictions.transform.dense.bias",
                                   "cls.predictions.transform.LayerNorm.weight",
                                   "cls.predictions.transform.LayerNorm.bias",
                               }));
  auto roberta = create_backbone(config(Arch::Roberta), false);
  MlmHead roberta_head(config(Arch::Roberta), tied_word_embeddings(*roberta));
  EXPECT_EQ(names(*roberta_head),
            (std::set<std::string>{"lm_head.bias", "lm_head.dense.weight", "lm_head.dense.bias",
                                   "lm_head.layer_norm.weight", "lm_head.layer_norm.bias"}));
  EXPECT_EQ(roberta_head->hf_state_dict().size(), 5u);
  EXPECT_THROW(MlmHead(config(Arch::Gpt2), torch::zeros({30, 16})), ConfigError);
}

TEST(LmHeads, MlmHeadIsDenseActLayerNormTiedDecoder) {
  for (Arch arch : {Arch::Bert, Arch::Roberta}) {
    const auto c = config(arch);
    auto backbone = create_backbone(c, false);
    auto emb = tied_word_embeddings(*backbone);
    MlmHead head(c, emb);
    head->reset_parameters(at::detail::createCPUGenerator(3));
    {
      torch::NoGradGuard no_grad;
      head->bias_.normal_();
    }
    const auto hidden = torch::randn({2, 5, 16});
    auto x = torch::linear(hidden, head->dense_->weight, head->dense_->bias);
    x = arch == Arch::Bert ? torch::relu(x) : torch::gelu(x);  // BERT uses hidden_act
    x = torch::layer_norm(x, {16}, head->layer_norm_->weight, head->layer_norm_->bias,
                          c.layer_norm_eps);
    const auto expected = torch::matmul(x, emb.t()) + head->bias_;
    const auto logits = head(hidden);
    EXPECT_EQ(logits.sizes(), (std::vector<int64_t>{2, 5, 30}));
    EXPECT_TRUE(torch::allclose(logits, expected, 1e-5, 1e-6));

    // Tied: writing the backbone's table changes the logits; gradients reach it.
    {
      torch::NoGradGuard no_grad;
      emb[7].add_(torch::randn({16}));  // not a constant: LayerNorm output sums to 0
    }
    EXPECT_FALSE(torch::allclose(head(hidden), logits));
    head(hidden).sum().backward();
    ASSERT_TRUE(emb.grad().defined());
    EXPECT_GT(emb.grad().abs().sum().item<double>(), 0.0);
  }
}

TEST(LmHeads, Gpt2LogitsAreTiedToWte) {
  const auto c = config(Arch::Gpt2);
  auto backbone = create_backbone(c);
  backbone->eval();
  const auto ids = torch::tensor({{3, 4, 5}});
  const auto out = backbone->forward(input(ids));
  EXPECT_TRUE(torch::allclose(
      out.logits, torch::matmul(out.last_hidden_state, tied_word_embeddings(*backbone).t())));
}

// -log softmax(row)[label], in double.
double nll(const std::vector<double>& row, int label) {
  double z = 0;
  for (double v : row) z += std::exp(v);
  return std::log(z) - row[label];
}

TEST(LmHeads, MlmLossIsMeanOverLabelledPositions) {
  const std::vector<std::vector<double>> rows = {
      {0.1, 0.2, 0.3, 0.4}, {1.0, -1.0, 0.5, 2.0}, {0.0, 0.0, 3.0, -2.0}, {0.7, 0.1, 0.2, 0.3}};
  const auto logits = torch::tensor({0.1, 0.2, 0.3, 0.4, 1.0, -1.0, 0.5, 2.0, 0.0, 0.0, 3.0, -2.0,
                                     0.7, 0.1, 0.2, 0.3},
                                    torch::kDouble)
                          .reshape({2, 2, 4})
                          .to(torch::kFloat);
  const auto labels = torch::tensor({{-100, 3}, {2, -100}});
  const double expected = (nll(rows[1], 3) + nll(rows[2], 2)) / 2;
  EXPECT_NEAR(mlm_loss(logits, labels).item<double>(), expected, 1e-6);
  EXPECT_EQ(mlm_loss(logits, torch::full({2, 2}, -100)).item<double>(), 0.0);
  EXPECT_THROW(mlm_loss(logits, torch::zeros({2, 3}, torch::kLong)), InputError);
}

TEST(LmHeads, CausalLossShiftsByOneAndSkipsPadding) {
  const std::vector<std::vector<double>> rows = {
      {0.1, 0.2, 0.3, 0.4}, {1.0, -1.0, 0.5, 2.0}, {0.0, 0.0, 3.0, -2.0}, {0.7, 0.1, 0.2, 0.3}};
  const auto logits = torch::tensor({0.1, 0.2, 0.3, 0.4, 1.0, -1.0, 0.5, 2.0, 0.0, 0.0, 3.0, -2.0,
                                     0.7, 0.1, 0.2, 0.3},
                                    torch::kDouble)
                          .reshape({1, 4, 4})
                          .to(torch::kFloat);
  const auto labels = torch::tensor({{2, 1, 0, 3}});
  // Positions 0..2 predict labels 1..3.
  const double all = (nll(rows[0], 1) + nll(rows[1], 0) + nll(rows[2], 3)) / 3;
  EXPECT_NEAR(causal_lm_loss(logits, labels).item<double>(), all, 1e-6);
  // The last token is padding: position 2 no longer counts. Then label -100 at 1 drops position 0.
  const auto mask = torch::tensor({{1, 1, 1, 0}});
  EXPECT_NEAR(causal_lm_loss(logits, labels, mask).item<double>(),
              (nll(rows[0], 1) + nll(rows[1], 0)) / 2, 1e-6);
  EXPECT_NEAR(causal_lm_loss(logits, torch::tensor({{2, -100, 0, 3}}), mask).item<double>(),
              nll(rows[1], 0), 1e-6);
}

// A tiny BERT learns a repetitive corpus with masked-LM: 30 AdamW steps at least halve the loss.
TEST(LmHeads, MlmTrainingLowersTheLoss) {
  torch::manual_seed(0);
  auto c = config(Arch::Bert);
  c.hidden_size = 32;
  c.intermediate_size = 64;
  c.num_heads = 4;
  auto backbone = create_backbone(c, false);
  backbone->reset_parameters(at::detail::createCPUGenerator(1));
  MlmHead head(c, tied_word_embeddings(*backbone));
  head->reset_parameters(at::detail::createCPUGenerator(2));
  backbone->train();
  head->train();

  // Ids 0 pad, 1 [CLS], 2 [SEP], 3 [MASK]; every row is the text 5..12 5..12 ...
  // Halving the loss (from ln 30) needs more than the unigram distribution (ln 8).
  const int64_t n = 32, t = 18;
  auto ids = torch::empty({n, t}, torch::kLong);
  for (int64_t i = 0; i < n; ++i) {
    ids[i][0] = 1;
    ids[i][t - 1] = 2;
    for (int64_t j = 1; j < t - 1; ++j) ids[i][j] = 5 + j % 8;
  }
  const auto special = train::special_tokens_mask(ids, {0, 1, 2});

  std::vector<torch::Tensor> params = backbone->parameters();
  for (const auto& p : head->parameters()) params.push_back(p);
  torch::optim::AdamW optimizer(params, torch::optim::AdamWOptions(1e-2).weight_decay(0.01));
  auto gen = at::detail::createCPUGenerator(5);
  std::vector<double> losses;
  for (int step = 0; step < 30; ++step) {
    const auto batch = train::mask_tokens(ids, special, 3, c.vocab_size, 0.15, gen);
    const auto hidden = backbone->forward(input(batch.input_ids)).last_hidden_state;
    const auto loss = mlm_loss(head(hidden), batch.labels);
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
    losses.push_back(loss.item<double>());
  }
  const double first = (losses[0] + losses[1] + losses[2]) / 3;
  const double last = (losses[27] + losses[28] + losses[29]) / 3;
  RecordProperty("loss_first3", std::to_string(first));
  RecordProperty("loss_last3", std::to_string(last));
  EXPECT_LT(last, 0.5 * first) << "losses " << torch::tensor(losses);
}

}  // namespace
}  // namespace adamix::models::lm_heads_test
