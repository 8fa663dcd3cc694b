#include "core/models/model_config.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

#include "core/error.h"
#include "models_test_helpers.h"

namespace adamix::models {
namespace {

using nlohmann::json;

json bert_json() {
  return json::parse(R"({"model_type": "bert", "vocab_size": 30522, "hidden_size": 768,
    "num_hidden_layers": 12, "num_attention_heads": 12, "intermediate_size": 3072,
    "hidden_act": "gelu", "max_position_embeddings": 512, "type_vocab_size": 2,
    "layer_norm_eps": 1e-12, "pad_token_id": 0, "hidden_dropout_prob": 0.1,
    "attention_probs_dropout_prob": 0.1, "initializer_range": 0.02})");
}

json gpt2_json() {
  // The gpt2 checkpoint's config.json, abridged.
  return json::parse(R"({"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2",
    "activation_function": "gelu_new", "attn_pdrop": 0.1, "bos_token_id": 50256,
    "embd_pdrop": 0.1, "eos_token_id": 50256, "initializer_range": 0.02,
    "layer_norm_epsilon": 1e-05, "n_ctx": 1024, "n_embd": 768, "n_head": 12, "n_inner": null,
    "n_layer": 12, "n_positions": 1024, "resid_pdrop": 0.1, "vocab_size": 50257})");
}

// The message of the ConfigError that parsing `j` throws ("" when none).
std::string parse_error(const json& j) {
  try {
    parse_model_config(j, "cfg.json");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(ModelConfig, ParsesBert) {
  const ModelConfig c = parse_model_config(bert_json(), "cfg.json");
  EXPECT_EQ(c.arch, Arch::Bert);
  EXPECT_EQ(c.vocab_size, 30522);
  EXPECT_EQ(c.hidden_size, 768);
  EXPECT_EQ(c.num_layers, 12);
  EXPECT_EQ(c.num_heads, 12);
  EXPECT_EQ(c.head_size(), 64);
  EXPECT_EQ(c.intermediate_size, 3072);
  EXPECT_EQ(c.max_positions, 512);
  EXPECT_EQ(c.max_sequence_length(), 512);
  EXPECT_EQ(c.type_vocab_size, 2);
  EXPECT_EQ(c.activation, Activation::Gelu);
  EXPECT_DOUBLE_EQ(c.layer_norm_eps, 1e-12);
  EXPECT_EQ(c.pad_token_id, 0);
}

TEST(ModelConfig, ParsesRobertaDefaultsAndPositions) {
  json j = bert_json();
  j["model_type"] = "roberta";
  j["max_position_embeddings"] = 514;
  j["pad_token_id"] = 1;
  j.erase("type_vocab_size");
  j.erase("layer_norm_eps");
  j["layer_norm_epsilon"] = 1e-5;  // the other spelling
  const ModelConfig c = parse_model_config(j, "cfg.json");
  EXPECT_EQ(c.arch, Arch::Roberta);
  EXPECT_EQ(c.type_vocab_size, 1);
  EXPECT_EQ(c.max_sequence_length(), 512);
  EXPECT_DOUBLE_EQ(c.layer_norm_eps, 1e-5);
  EXPECT_EQ(c.bos_token_id, 0);
  EXPECT_EQ(c.eos_token_id, 2);
}

TEST(ModelConfig, ParsesGpt2WithNullInner) {
  const ModelConfig c = parse_model_config(gpt2_json(), "cfg.json");
  EXPECT_EQ(c.arch, Arch::Gpt2);
  EXPECT_EQ(c.hidden_size, 768);
  EXPECT_EQ(c.intermediate_size, 4 * 768);
  EXPECT_EQ(c.max_positions, 1024);
  EXPECT_EQ(c.activation, Activation::GeluNew);
  EXPECT_EQ(c.type_vocab_size, 0);
  EXPECT_DOUBLE_EQ(c.layer_norm_eps, 1e-5);
  EXPECT_EQ(c.eos_token_id, 50256);
  EXPECT_EQ(c.pad_token_id, -1);
}

TEST(ModelConfig, InfersTypeFromArchitectures) {
  json j = bert_json();
  j.erase("model_type");
  j["architectures"] = {"RobertaForSequenceClassification"};
  EXPECT_EQ(parse_model_config(j, "cfg.json").arch, Arch::Roberta);
  j["architectures"] = {"BertForMaskedLM"};
  EXPECT_EQ(parse_model_config(j, "cfg.json").arch, Arch::Bert);
  j["architectures"] = {"T5ForConditionalGeneration"};
  EXPECT_NE(parse_error(j).find("T5ForConditionalGeneration"), std::string::npos);
  j.erase("architectures");
  EXPECT_NE(parse_error(j).find("model_type"), std::string::npos);
}

TEST(ModelConfig, ErrorsNameTheFileKeyAndValue) {
  json j = bert_json();
  j["model_type"] = "xlnet";
  EXPECT_NE(parse_error(j).find("xlnet"), std::string::npos);

  j = bert_json();
  j.erase("hidden_size");
  const std::string missing = parse_error(j);
  EXPECT_NE(missing.find("cfg.json"), std::string::npos) << missing;
  EXPECT_NE(missing.find("hidden_size"), std::string::npos) << missing;

  j = bert_json();
  j["num_hidden_layers"] = "12";
  EXPECT_NE(parse_error(j).find("num_hidden_layers"), std::string::npos);
  j = bert_json();
  j["hidden_size"] = 768.5;
  EXPECT_NE(parse_error(j).find("hidden_size"), std::string::npos);
  j = bert_json();
  j["layer_norm_eps"] = "tiny";
  EXPECT_NE(parse_error(j).find("layer_norm_eps"), std::string::npos);

  j = bert_json();
  j["hidden_act"] = "swish";
  const std::string act = parse_error(j);
  EXPECT_NE(act.find("swish"), std::string::npos) << act;
  EXPECT_NE(act.find("hidden_act"), std::string::npos) << act;

  j = bert_json();
  j["num_attention_heads"] = 7;
  EXPECT_NE(parse_error(j).find("multiple"), std::string::npos);
  j = bert_json();
  j["position_embedding_type"] = "relative_key";
  EXPECT_NE(parse_error(j).find("relative_key"), std::string::npos);
  j = gpt2_json();
  j["activation_function"] = "silu";
  EXPECT_NE(parse_error(j).find("silu"), std::string::npos);
  j = gpt2_json();
  j["scale_attn_by_inverse_layer_idx"] = true;
  EXPECT_NE(parse_error(j).find("scale_attn_by_inverse_layer_idx"), std::string::npos);
  EXPECT_NE(parse_error(json::array()).find("object"), std::string::npos);
}

TEST(ModelConfig, ToJsonRoundTripsForEveryFamily) {
  json roberta = bert_json();
  roberta["model_type"] = "roberta";
  roberta["pad_token_id"] = 1;
  roberta["max_position_embeddings"] = 514;
  roberta["hidden_act"] = "relu";
  for (const json& j : {bert_json(), roberta, gpt2_json()}) {
    const ModelConfig c = parse_model_config(j, "cfg.json");
    const json written = to_json(c);
    EXPECT_TRUE(written.contains("transformers_version"));
    EXPECT_TRUE(written.at("architectures").is_array());
    EXPECT_EQ(written.at("model_type"), arch_name(c.arch));
    const ModelConfig back = parse_model_config(written, "written");
    EXPECT_EQ(back.arch, c.arch);
    EXPECT_EQ(back.vocab_size, c.vocab_size);
    EXPECT_EQ(back.hidden_size, c.hidden_size);
    EXPECT_EQ(back.num_layers, c.num_layers);
    EXPECT_EQ(back.num_heads, c.num_heads);
    EXPECT_EQ(back.intermediate_size, c.intermediate_size);
    EXPECT_EQ(back.max_positions, c.max_positions);
    EXPECT_EQ(back.type_vocab_size, c.type_vocab_size);
    EXPECT_EQ(back.activation, c.activation);
    EXPECT_DOUBLE_EQ(back.layer_norm_eps, c.layer_norm_eps);
    EXPECT_EQ(back.pad_token_id, c.pad_token_id);
    EXPECT_EQ(back.bos_token_id, c.bos_token_id);
    EXPECT_EQ(back.eos_token_id, c.eos_token_id);
  }
  EXPECT_EQ(to_json(parse_model_config(bert_json(), "x")).at("architectures")[0], "BertModel");
}

TEST(ModelConfig, LoadsFromDirectoryAndFile) {
  testing::TempDir dir("config");
  const auto c = parse_model_config(gpt2_json(), "x");
  save_model_config(c, dir.path() / "config.json");
  EXPECT_EQ(load_model_config(dir.path()).hidden_size, 768);
  EXPECT_EQ(load_model_config(dir.path() / "config.json").arch, Arch::Gpt2);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "config.json.tmp"));

  EXPECT_THROW(load_model_config(dir.path() / "absent.json"), IoError);
  std::ofstream(dir.path() / "bad.json") << "{not json";
  EXPECT_THROW(load_model_config(dir.path() / "bad.json"), ConfigError);
}

}  // namespace
}  // namespace adamix::models
