// load_backbone's checkpoint checks and forward's input checks.
#include <gtest/gtest.h>

#include <fstream>

#include "core/error.h"
#include "core/io/safetensors.h"
#include "core/models/backbone.h"
#include "models_test_helpers.h"

namespace adamix::models {
namespace {

using testing::copy_fixture;
using testing::fixture;
using testing::TempDir;
using Weights = std::vector<std::pair<std::string, torch::Tensor>>;

Weights read_weights(const std::filesystem::path& dir) {
  const io::SafetensorsFile file = io::SafetensorsFile::open(dir / "model.safetensors");
  Weights out;
  for (const auto& entry : file.entries()) out.emplace_back(entry.name, file.tensor(entry.name));
  return out;
}

void write_weights(const std::filesystem::path& dir, const Weights& weights) {
  io::save_safetensors(dir / "model.safetensors", weights, {{"format", "pt"}});
}

// The IoError message load_backbone gives for `dir` ("" when it loads).
std::string load_error(const std::filesystem::path& dir) {
  try {
    load_backbone(dir, torch::kCPU);
  } catch (const IoError& e) {
    return e.what();
  }
  return "";
}

#define EXPECT_HAS(text, part) \
  EXPECT_NE(std::string(text).find(part), std::string::npos) << "in: " << (text)

TEST(Loader, MissingKeyIsNamed) {
  TempDir tmp("missing");
  const auto dir = copy_fixture("bert_gelu", tmp.path());
  Weights w = read_weights(dir);
  Weights kept;
  for (auto& item : w) {
    if (item.first != "bert.encoder.layer.1.output.dense.bias") kept.push_back(item);
  }
  write_weights(dir, kept);
  const std::string error = load_error(dir);
  EXPECT_HAS(error, "missing key 'encoder.layer.1.output.dense.bias'");
  EXPECT_HAS(error, "[32]");
  EXPECT_HAS(error, "model.safetensors");
}

TEST(Loader, UnexpectedKeyIsNamed) {
  TempDir tmp("unexpected");
  const auto dir = copy_fixture("gpt2_gelu_new", tmp.path());
  Weights w = read_weights(dir);
  w.emplace_back("h.0.attn.q_proj.weight", torch::zeros({32, 32}));
  write_weights(dir, w);
  const std::string error = load_error(dir);
  EXPECT_HAS(error, "unexpected key 'h.0.attn.q_proj.weight'");
  EXPECT_HAS(error, "[32,32]");
}

TEST(Loader, WrongShapeNamesBothShapes) {
  TempDir tmp("shape");
  const auto dir = copy_fixture("roberta_relu", tmp.path());
  Weights w = read_weights(dir);
  for (auto& item : w) {
    if (item.first == "roberta.encoder.layer.2.intermediate.dense.weight") {
      item.second = torch::zeros({48, 31}, torch::kHalf);
    }
  }
  write_weights(dir, w);
  const std::string error = load_error(dir);
  EXPECT_HAS(error, "roberta.encoder.layer.2.intermediate.dense.weight");
  EXPECT_HAS(error, "[48,31]");
  EXPECT_HAS(error, "[48,32]");
}

TEST(Loader, IntegerWeightsAreRejected) {
  TempDir tmp("dtype");
  const auto dir = copy_fixture("gpt2_gelu_new", tmp.path());
  Weights w = read_weights(dir);
  for (auto& item : w) {
    if (item.first == "ln_f.bias") item.second = torch::zeros({32}, torch::kLong);
  }
  write_weights(dir, w);
  EXPECT_HAS(load_error(dir), "ln_f.bias");
}

TEST(Loader, UntiedLmHeadIsRejected) {
  TempDir tmp("lmhead");
  const auto dir = copy_fixture("gpt2_buffers", tmp.path());
  Weights w = read_weights(dir);
  for (auto& item : w) {
    if (item.first == "lm_head.weight") item.second = item.second + 1;
  }
  write_weights(dir, w);
  EXPECT_HAS(load_error(dir), "lm_head.weight");
}

TEST(Loader, BertWithoutPoolerLoadsWithoutOne) {
  TempDir tmp("pooler");
  const auto dir = copy_fixture("bert_gelu", tmp.path());
  Weights kept;
  for (auto& item : read_weights(dir)) {
    if (item.first.find("pooler.") == std::string::npos) kept.push_back(item);
  }
  write_weights(dir, kept);
  const auto loaded = load_backbone(dir, torch::kCPU);
  torch::NoGradGuard no_grad;
  BackboneInput in;
  in.input_ids = torch::tensor({{3, 4, 5}}, torch::kLong);
  const auto out = loaded.backbone->forward(in);
  EXPECT_FALSE(out.pooled.defined());
  EXPECT_EQ(out.last_hidden_state.sizes(), torch::IntArrayRef({1, 3, 32}));
}

TEST(Loader, MissingFilesAndBadConfig) {
  TempDir tmp("files");
  EXPECT_THROW(load_backbone(tmp.path() / "absent", torch::kCPU), IoError);
  const auto dir = copy_fixture("bert_gelu", tmp.path());
  std::filesystem::remove(dir / "model.safetensors");
  EXPECT_HAS(load_error(dir), "model.safetensors");
  std::ofstream(dir / "config.json") << R"({"model_type": "bert", "vocab_size": 10})";
  EXPECT_THROW(load_backbone(dir, torch::kCPU), ConfigError);
}

class InputChecks : public ::testing::Test {
 protected:
  void SetUp() override {
    bert_ = load_backbone(fixture("bert_gelu"), torch::kCPU).backbone;
    roberta_ = load_backbone(fixture("roberta_relu"), torch::kCPU).backbone;
    gpt2_ = load_backbone(fixture("gpt2_gelu_new"), torch::kCPU).backbone;
  }
  static BackboneInput ids(std::vector<int64_t> values) {
    BackboneInput in;
    in.input_ids = torch::tensor(values, torch::kLong).unsqueeze(0);
    return in;
  }
  static std::string error(BackboneImpl& model, const BackboneInput& in) {
    try {
      torch::NoGradGuard no_grad;
      model.forward(in);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  }
  std::shared_ptr<BackboneImpl> bert_, roberta_, gpt2_;
};

TEST_F(InputChecks, IdsOutsideTheVocabulary) {
  EXPECT_HAS(error(*bert_, ids({1, 120})), "120");  // vocab 120
  EXPECT_HAS(error(*gpt2_, ids({-1, 3})), "-1");    // vocab 150
  EXPECT_EQ(error(*gpt2_, ids({0, 149})), "");
}

TEST_F(InputChecks, SequencesLongerThanThePositionTable) {
  const std::vector<int64_t> seq16(16, 5), seq17(17, 5);
  EXPECT_EQ(error(*bert_, ids(seq16)), "");  // max_position_embeddings 16
  EXPECT_HAS(error(*bert_, ids(seq17)), "17");
  // RoBERTa: 22 positions - padding_idx 1 - 1 = 20 tokens.
  EXPECT_EQ(error(*roberta_, ids(std::vector<int64_t>(20, 5))), "");
  EXPECT_HAS(error(*roberta_, ids(std::vector<int64_t>(21, 5))), "at most 20");
  EXPECT_HAS(error(*gpt2_, ids(std::vector<int64_t>(25, 5))), "at most 24");
}

TEST_F(InputChecks, ShapesAndTypes) {
  BackboneInput in = ids({3, 4, 5});
  in.attention_mask = torch::ones({1, 4}, torch::kLong);
  EXPECT_HAS(error(*bert_, in), "attention_mask");
  in.attention_mask = torch::Tensor();
  in.token_type_ids = torch::tensor({{0, 1, 2}}, torch::kLong);  // type vocab 2
  EXPECT_HAS(error(*bert_, in), "token_type_ids");
  in.token_type_ids = torch::ones({2, 3}, torch::kLong);
  EXPECT_HAS(error(*bert_, in), "token_type_ids");

  BackboneInput flat;
  flat.input_ids = torch::tensor({3, 4}, torch::kLong);
  EXPECT_HAS(error(*gpt2_, flat), "[2]");
  flat.input_ids = torch::ones({1, 2}, torch::kFloat);
  EXPECT_HAS(error(*gpt2_, flat), "integers");
  EXPECT_HAS(error(*gpt2_, BackboneInput{}), "missing");
  BackboneInput empty;
  empty.input_ids = torch::zeros({1, 0}, torch::kLong);
  EXPECT_HAS(error(*gpt2_, empty), "empty");
}

TEST_F(InputChecks, Int32IdsAndBoolMaskAreAccepted) {
  BackboneInput in = ids({3, 4, 5});
  in.input_ids = in.input_ids.to(torch::kInt);
  in.attention_mask = torch::tensor({{true, true, false}});
  torch::NoGradGuard no_grad;
  const auto out = gpt2_->forward(in);
  EXPECT_EQ(out.logits.sizes(), torch::IntArrayRef({1, 3, 150}));
  in.return_logits = false;
  EXPECT_FALSE(gpt2_->forward(in).logits.defined());
}

}  // namespace
}  // namespace adamix::models
