#include "core/models/save_pretrained.h"

#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/io/safetensors.h"
#include "core/models/backbone.h"
#include "core/models/lm_heads.h"
#include "core/models/make_model.h"
#include "models_test_helpers.h"

namespace adamix::models {
namespace {

using Weights = std::vector<std::pair<std::string, torch::Tensor>>;

ModelConfig tiny_config(const std::string& arch) { return testing::tiny_config(arch, 100); }

// A seeded backbone (eval mode) and, for BERT/RoBERTa, its masked-LM head.
struct TinyModel {
  ModelConfig config;
  std::shared_ptr<BackboneImpl> backbone;
  MlmHead head{nullptr};
};

TinyModel tiny_model(const std::string& arch, uint64_t seed) {
  TinyModel m;
  m.config = tiny_config(arch);
  m.backbone = create_backbone(m.config);
  m.backbone->reset_parameters(at::detail::createCPUGenerator(seed));
  m.backbone->eval();
  if (m.config.arch != Arch::Gpt2) {
    m.head = MlmHead(m.config, tied_word_embeddings(*m.backbone));
    m.head->reset_parameters(at::detail::createCPUGenerator(seed + 1));
    // Non-zero biases, so that a lost or misnamed head weight would show.
    torch::NoGradGuard no_grad;
    m.head->bias_.normal_(0.0, 0.02, at::detail::createCPUGenerator(seed + 2));
  }
  return m;
}

// The weights a pretraining run saves: prefixed backbone parameters plus the head's.
Weights lm_weights(const TinyModel& m) {
  Weights out;
  const std::string prefix = backbone_prefix(m.config.arch, SavedHead::LanguageModel);
  for (const auto& item : m.backbone->named_parameters()) {
    out.emplace_back(prefix + item.key(), item.value());
  }
  if (m.head) {
    for (const auto& [name, tensor] : m.head->hf_state_dict()) out.emplace_back(name, tensor);
  }
  return out;
}

BackboneOutput run(BackboneImpl& backbone) {
  torch::NoGradGuard no_grad;
  BackboneInput in;
  in.input_ids = torch::tensor({{5, 17, 42, 99, 3, 8}, {2, 60, 61, 7, 11, 4}}, torch::kLong);
  in.attention_mask = torch::tensor({{1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 0, 0}}, torch::kLong);
  return backbone.forward(in);
}

void expect_same_output(BackboneImpl& a, BackboneImpl& b) {
  const BackboneOutput x = run(a);
  const BackboneOutput y = run(b);
  EXPECT_TRUE(torch::equal(x.last_hidden_state, y.last_hidden_state));
  EXPECT_EQ(x.logits.defined(), y.logits.defined());
  if (x.logits.defined() && y.logits.defined()) {
    EXPECT_TRUE(torch::equal(x.logits, y.logits));
  }
  EXPECT_EQ(x.pooled.defined(), y.pooled.defined());
  if (x.pooled.defined() && y.pooled.defined()) {
    EXPECT_TRUE(torch::equal(x.pooled, y.pooled));
  }
}

void expect_same_config(const ModelConfig& a, const ModelConfig& b) {
  EXPECT_EQ(a.arch, b.arch);
  EXPECT_EQ(a.vocab_size, b.vocab_size);
  EXPECT_EQ(a.hidden_size, b.hidden_size);
  EXPECT_EQ(a.num_layers, b.num_layers);
  EXPECT_EQ(a.num_heads, b.num_heads);
  EXPECT_EQ(a.intermediate_size, b.intermediate_size);
  EXPECT_EQ(a.max_positions, b.max_positions);
  EXPECT_EQ(a.type_vocab_size, b.type_vocab_size);
  EXPECT_EQ(a.activation, b.activation);
  EXPECT_EQ(a.layer_norm_eps, b.layer_norm_eps);
  EXPECT_EQ(a.pad_token_id, b.pad_token_id);
  EXPECT_EQ(a.bos_token_id, b.bos_token_id);
  EXPECT_EQ(a.eos_token_id, b.eos_token_id);
  EXPECT_EQ(a.hidden_dropout, b.hidden_dropout);
  EXPECT_EQ(a.attention_dropout, b.attention_dropout);
  EXPECT_EQ(a.embedding_dropout, b.embedding_dropout);
  EXPECT_EQ(a.initializer_range, b.initializer_range);
}

nlohmann::json read_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

std::set<std::string> names_of(const Weights& weights) {
  std::set<std::string> out;
  for (const auto& item : weights) out.insert(item.first);
  return out;
}

std::vector<std::string> file_names(const std::filesystem::path& path) {
  std::vector<std::string> out;
  const auto file = io::SafetensorsFile::open(path);  // named: entries() refers into it
  for (const auto& e : file.entries()) out.push_back(e.name);
  return out;
}

std::set<std::string> dir_listing(const std::filesystem::path& dir) {
  std::set<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    out.insert(e.path().filename().string());
  }
  return out;
}

// Saves arch's LM model into a fresh dir and checks config, names, order and a reload.
void check_round_trip(const std::string& arch, const std::string& architecture) {
  SCOPED_TRACE(arch);
  testing::TempDir tmp("save_pretrained_" + arch);
  const auto dir = tmp.path() / "out" / "model";  // created by save_pretrained
  const TinyModel m = tiny_model(arch, 7);
  const Weights weights = lm_weights(m);
  save_pretrained(dir, m.config, SavedHead::LanguageModel, weights);

  EXPECT_EQ(dir_listing(dir), (std::set<std::string>{"config.json", "model.safetensors"}));
  const nlohmann::json json = read_json(dir / "config.json");
  ASSERT_TRUE(json.at("architectures").is_array());
  ASSERT_EQ(json.at("architectures").size(), 1u);
  EXPECT_EQ(json.at("architectures").at(0), architecture);
  EXPECT_EQ(json.at("model_type"), arch);
  expect_same_config(load_model_config(dir), m.config);

  const auto stored = file_names(dir / "model.safetensors");
  const std::set<std::string> expected = names_of(weights);
  EXPECT_EQ(std::set<std::string>(stored.begin(), stored.end()), expected);
  EXPECT_EQ(stored, std::vector<std::string>(expected.begin(), expected.end()));  // by name
  const auto file = io::SafetensorsFile::open(dir / "model.safetensors");
  EXPECT_EQ(file.metadata().at("format"), "pt");
  for (const auto& [name, tensor] : weights) {
    EXPECT_EQ(file.entry(name).dtype, io::DType::F32) << name;
    EXPECT_TRUE(torch::equal(file.tensor(name), tensor.detach())) << name;
  }

  const LoadedBackbone loaded = load_backbone(dir, torch::kCPU);
  expect_same_config(loaded.config, m.config);
  expect_same_output(*m.backbone, *loaded.backbone);
}

TEST(SavePretrained, Names) {
  EXPECT_EQ(architecture_name(Arch::Bert, SavedHead::None), "BertModel");
  EXPECT_EQ(architecture_name(Arch::Bert, SavedHead::LanguageModel), "BertForMaskedLM");
  EXPECT_EQ(architecture_name(Arch::Roberta, SavedHead::None), "RobertaModel");
  EXPECT_EQ(architecture_name(Arch::Roberta, SavedHead::LanguageModel), "RobertaForMaskedLM");
  EXPECT_EQ(architecture_name(Arch::Gpt2, SavedHead::None), "GPT2Model");
  EXPECT_EQ(architecture_name(Arch::Gpt2, SavedHead::LanguageModel), "GPT2LMHeadModel");
  for (Arch arch : {Arch::Bert, Arch::Roberta, Arch::Gpt2}) {
    EXPECT_EQ(backbone_prefix(arch, SavedHead::None), "");
  }
  EXPECT_EQ(backbone_prefix(Arch::Bert, SavedHead::LanguageModel), "bert.");
  EXPECT_EQ(backbone_prefix(Arch::Roberta, SavedHead::LanguageModel), "roberta.");
  EXPECT_EQ(backbone_prefix(Arch::Gpt2, SavedHead::LanguageModel), "transformer.");
}

TEST(SavePretrained, BertMaskedLmRoundTrips) {
  check_round_trip("bert", "BertForMaskedLM");
  const Weights weights = lm_weights(tiny_model("bert", 7));
  const auto names = names_of(weights);
  EXPECT_EQ(names.count("cls.predictions.bias"), 1u);
  EXPECT_EQ(names.count("cls.predictions.transform.LayerNorm.weight"), 1u);
  EXPECT_EQ(names.count("bert.embeddings.word_embeddings.weight"), 1u);
  EXPECT_EQ(names.count("cls.predictions.decoder.weight"), 0u);  // tied, not stored
}

TEST(SavePretrained, RobertaMaskedLmRoundTrips) {
  check_round_trip("roberta", "RobertaForMaskedLM");
  const auto names = names_of(lm_weights(tiny_model("roberta", 7)));
  EXPECT_EQ(names.count("lm_head.bias"), 1u);
  EXPECT_EQ(names.count("roberta.embeddings.word_embeddings.weight"), 1u);
}

TEST(SavePretrained, Gpt2LmHeadRoundTripsWithoutTiedHead) {
  check_round_trip("gpt2", "GPT2LMHeadModel");
  const auto names = names_of(lm_weights(tiny_model("gpt2", 7)));
  EXPECT_EQ(names.count("transformer.wte.weight"), 1u);
  EXPECT_EQ(names.count("lm_head.weight"), 0u);
  EXPECT_EQ(names.count("transformer.lm_head.weight"), 0u);
}

TEST(SavePretrained, BareBackboneKeepsUnprefixedNames) {
  testing::TempDir tmp("save_pretrained_bare");
  const TinyModel m = tiny_model("gpt2", 3);
  Weights weights;
  for (const auto& item : m.backbone->named_parameters()) {
    // Double-precision input is written as float32.
    weights.emplace_back(item.key(), item.value().detach().to(torch::kDouble));
  }
  save_pretrained(tmp.path(), m.config, SavedHead::None, weights);
  EXPECT_EQ(read_json(tmp.path() / "config.json").at("architectures").at(0), "GPT2Model");
  const auto file = io::SafetensorsFile::open(tmp.path() / "model.safetensors");
  EXPECT_TRUE(file.contains("wte.weight"));
  EXPECT_EQ(file.entry("wte.weight").dtype, io::DType::F32);
  expect_same_output(*m.backbone, *load_backbone(tmp.path(), torch::kCPU).backbone);
}

TEST(SavePretrained, DuplicateNameIsConfigError) {
  testing::TempDir tmp("save_pretrained_dup");
  const TinyModel m = tiny_model("bert", 1);
  Weights weights = lm_weights(m);
  weights.push_back(weights.front());
  EXPECT_THROW(save_pretrained(tmp.path() / "m", m.config, SavedHead::LanguageModel, weights),
               ConfigError);
  EXPECT_FALSE(std::filesystem::exists(tmp.path() / "m"));  // nothing written, not even the dir
}

TEST(SavePretrained, BadWeightsAreConfigErrors) {
  testing::TempDir tmp("save_pretrained_bad");
  const ModelConfig config = tiny_config("bert");
  const auto dir = tmp.path() / "m";
  EXPECT_THROW(save_pretrained(dir, config, SavedHead::None, {{"", torch::zeros({2})}}),
               ConfigError);
  EXPECT_THROW(save_pretrained(dir, config, SavedHead::None, {{"x", torch::Tensor()}}),
               ConfigError);
  EXPECT_THROW(save_pretrained(dir, config, SavedHead::None,
                               {{"x", torch::zeros({2}).toType(torch::kLong)}}),
               ConfigError);
  ModelConfig bad = config;
  bad.num_heads = 5;  // does not divide hidden 32
  EXPECT_THROW(save_pretrained(dir, bad, SavedHead::None, {{"x", torch::zeros({2})}}), ConfigError);
  EXPECT_FALSE(std::filesystem::exists(dir));
}

TEST(SavePretrained, UnwritableDirIsIoError) {
  testing::TempDir tmp("save_pretrained_io");
  const auto file = tmp.path() / "plain_file";
  std::ofstream(file) << "not a directory";
  const TinyModel m = tiny_model("gpt2", 1);
  EXPECT_THROW(save_pretrained(file / "model", m.config, SavedHead::LanguageModel, lm_weights(m)),
               IoError);
  EXPECT_THROW(save_pretrained(file, m.config, SavedHead::LanguageModel, lm_weights(m)), IoError);
}

TEST(SavePretrained, FailedSaveLeavesOlderModelLoadable) {
  testing::TempDir tmp("save_pretrained_keep");
  const TinyModel old_model = tiny_model("roberta", 11);
  save_pretrained(tmp.path(), old_model.config, SavedHead::LanguageModel, lm_weights(old_model));
  const std::string old_config = testing::read_bytes(tmp.path() / "config.json");
  const std::string old_weights = testing::read_bytes(tmp.path() / "model.safetensors");

  const TinyModel new_model = tiny_model("roberta", 12);
  Weights weights = lm_weights(new_model);
  weights.push_back(weights.back());
  EXPECT_THROW(save_pretrained(tmp.path(), new_model.config, SavedHead::LanguageModel, weights),
               ConfigError);

  EXPECT_EQ(dir_listing(tmp.path()),
            (std::set<std::string>{"config.json", "model.safetensors"}));  // no temporaries
  EXPECT_EQ(testing::read_bytes(tmp.path() / "config.json"), old_config);
  EXPECT_EQ(testing::read_bytes(tmp.path() / "model.safetensors"), old_weights);
  expect_same_output(*old_model.backbone, *load_backbone(tmp.path(), torch::kCPU).backbone);
}

TEST(SavePretrained, OverwritesAnOlderModel) {
  testing::TempDir tmp("save_pretrained_overwrite");
  const TinyModel old_model = tiny_model("bert", 21);
  save_pretrained(tmp.path(), old_model.config, SavedHead::LanguageModel, lm_weights(old_model));
  const TinyModel new_model = tiny_model("bert", 22);
  save_pretrained(tmp.path(), new_model.config, SavedHead::LanguageModel, lm_weights(new_model));
  expect_same_output(*new_model.backbone, *load_backbone(tmp.path(), torch::kCPU).backbone);
}

}  // namespace
}  // namespace adamix::models
