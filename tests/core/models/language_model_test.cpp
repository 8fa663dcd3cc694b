#include "core/models/language_model.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "core/error.h"
#include "core/models/make_model.h"
#include "core/util/text.h"
#include "models_test_helpers.h"

namespace adamix::models {
namespace {

constexpr int64_t kVocab = 120;

ModelConfig tiny_config(const std::string& arch) { return testing::tiny_config(arch, kVocab); }

LanguageModel seeded_model(const std::string& arch, uint64_t seed) {
  LanguageModel lm(create_backbone(tiny_config(arch), /*with_pooler=*/false));
  lm->reset_parameters(at::detail::createCPUGenerator(seed));
  lm->eval();
  return lm;
}

std::map<std::string, torch::Tensor> weight_map(const LanguageModel& lm) {
  std::map<std::string, torch::Tensor> out;
  for (const auto& [name, tensor] : lm->hf_weights()) out.emplace(name, tensor.detach().clone());
  return out;
}

std::string head_prefix(const std::string& arch) {
  return arch == "bert" ? "cls.predictions." : "lm_head.";
}

// The decoder bias starts at zero for every seed: give it values a copy can be seen by.
void randomize_head_bias(LanguageModel& lm, const std::string& arch, uint64_t seed) {
  auto generator = at::detail::createCPUGenerator(seed);
  torch::NoGradGuard no_grad;
  for (const auto& [name, tensor] : lm->hf_weights())
    if (name == head_prefix(arch) + "bias") tensor.normal_(0.0, 1.0, generator);
}

torch::Tensor sample_ids(int64_t n, int64_t t, uint64_t seed) {
  auto generator = at::detail::createCPUGenerator(seed);
  // Ids in [3, V - 1): no padding / special ids, valid for every family.
  return torch::randint(3, kVocab - 1, {n, t}, generator, torch::kInt64);
}

TEST(LanguageModel, HfWeightNamesCarryThePrefixAndTheHead) {
  const std::map<std::string, std::string> prefix = {
      {"bert", "bert."}, {"roberta", "roberta."}, {"gpt2", "transformer."}};
  for (const auto& [arch, backbone_prefix] : prefix) {
    SCOPED_TRACE(arch);
    const auto lm = seeded_model(arch, 1);
    std::set<std::string> names;
    for (const auto& [name, tensor] : lm->hf_weights()) {
      EXPECT_TRUE(names.insert(name).second) << "duplicate " << name;
      EXPECT_TRUE(tensor.defined()) << name;
      EXPECT_EQ(name.find("pooler"), std::string::npos) << name;
      if (arch == "gpt2") {
        EXPECT_TRUE(util::starts_with(name, backbone_prefix)) << name;
      } else {
        EXPECT_TRUE(util::starts_with(name, backbone_prefix) ||
                    util::starts_with(name, head_prefix(arch)))
            << name;
      }
    }
    if (arch == "bert") {
      EXPECT_EQ(names.count("cls.predictions.bias"), 1u);
      EXPECT_EQ(names.count("cls.predictions.transform.dense.weight"), 1u);
      EXPECT_EQ(names.count("cls.predictions.transform.LayerNorm.weight"), 1u);
      EXPECT_EQ(names.count("bert.embeddings.word_embeddings.weight"), 1u);
    } else if (arch == "roberta") {
      EXPECT_EQ(names.count("lm_head.bias"), 1u);
      EXPECT_EQ(names.count("lm_head.dense.weight"), 1u);
      EXPECT_EQ(names.count("lm_head.layer_norm.weight"), 1u);
      EXPECT_EQ(names.count("roberta.embeddings.word_embeddings.weight"), 1u);
    } else {
      EXPECT_EQ(names.count("transformer.wte.weight"), 1u);
      EXPECT_EQ(names.count("lm_head.weight"), 0u);  // tied to wte, not stored
    }
    // The tied decoder is not stored twice, and hf_weights are the module's parameters.
    EXPECT_EQ(names.size(), lm->parameters().size());
  }
}

TEST(LanguageModel, ForwardGivesLogitsOverTheVocabulary) {
  for (const std::string arch : {"bert", "roberta", "gpt2"}) {
    SCOPED_TRACE(arch);
    auto lm = seeded_model(arch, 2);
    torch::NoGradGuard no_grad;
    const auto ids = sample_ids(3, 7, 5);
    const auto logits = lm->forward(ids);
    EXPECT_EQ(logits.sizes(), (std::vector<int64_t>{3, 7, kVocab}));
    EXPECT_EQ(logits.scalar_type(), torch::kFloat);
    EXPECT_TRUE(torch::isfinite(logits).all().item<bool>());
    // An all-ones mask is the same as none.
    const auto masked = lm->forward(ids, torch::ones({3, 7}, torch::kInt64));
    EXPECT_TRUE(torch::allclose(logits, masked, 0.0, 1e-6));
  }
}

TEST(LanguageModel, SelectedPositionsEqualTheFullLogitsThere) {
  for (const std::string arch : {"bert", "roberta"}) {
    SCOPED_TRACE(arch);
    auto lm = seeded_model(arch, 3);
    torch::NoGradGuard no_grad;
    const auto ids = sample_ids(2, 9, 6);
    auto selected = torch::zeros({2, 9}, torch::kBool);
    selected.index_put_({0, 1}, true);
    selected.index_put_({0, 8}, true);
    selected.index_put_({1, 0}, true);
    selected.index_put_({1, 4}, true);
    selected.index_put_({1, 5}, true);
    const auto full = lm->forward(ids);
    const auto some = lm->forward(ids, {}, selected);
    ASSERT_EQ(some.sizes(), (std::vector<int64_t>{5, kVocab}));
    EXPECT_TRUE(torch::allclose(some, full.index({selected}), 0.0, 1e-6));
    // Row-major order: the second row of the result is position (0, 8).
    EXPECT_TRUE(torch::allclose(some[1], full[0][8], 0.0, 1e-6));
    EXPECT_THROW(lm->forward(ids, {}, torch::ones({2, 8}, torch::kBool)), InputError);
  }
  auto gpt2 = seeded_model("gpt2", 3);
  torch::NoGradGuard no_grad;
  EXPECT_THROW(gpt2->forward(sample_ids(1, 4, 1), {}, torch::ones({1, 4}, torch::kBool)),
               ConfigError);
}

TEST(LanguageModel, BackboneWithPoolerIsRejected) {
  EXPECT_THROW(LanguageModel(create_backbone(tiny_config("bert"), /*with_pooler=*/true)),
               ConfigError);
  EXPECT_THROW(LanguageModel(create_backbone(tiny_config("roberta"), /*with_pooler=*/true)),
               ConfigError);
  // GPT-2 has no pooler either way.
  EXPECT_NO_THROW(LanguageModel(create_backbone(tiny_config("gpt2"), /*with_pooler=*/true)));
}

TEST(LanguageModel, ResetParametersDependsOnTheSeedAlone) {
  for (const std::string arch : {"bert", "roberta", "gpt2"}) {
    SCOPED_TRACE(arch);
    const auto a = weight_map(seeded_model(arch, 11));
    const auto b = weight_map(seeded_model(arch, 11));
    const auto c = weight_map(seeded_model(arch, 12));
    bool any_differs = false;
    for (const auto& [name, tensor] : a) {
      EXPECT_TRUE(torch::equal(tensor, b.at(name))) << name;
      any_differs = any_differs || !torch::equal(tensor, c.at(name));
    }
    EXPECT_TRUE(any_differs);
  }
}

TEST(LanguageModel, LoadHfWeightsCopiesBackboneAndHead) {
  for (const std::string arch : {"bert", "roberta", "gpt2"}) {
    SCOPED_TRACE(arch);
    auto source = seeded_model(arch, 21);
    auto target = seeded_model(arch, 22);
    if (arch != "gpt2") randomize_head_bias(source, arch, 23);
    torch::NoGradGuard no_grad;
    const auto ids = sample_ids(2, 6, 7);
    const auto expected = source->forward(ids);
    ASSERT_FALSE(torch::allclose(expected, target->forward(ids)));
    const bool head_loaded = target->load_hf_weights(weight_map(source), "source.safetensors");
    EXPECT_EQ(head_loaded, arch != "gpt2");
    EXPECT_TRUE(torch::equal(expected, target->forward(ids)));
    const auto loaded = weight_map(target);
    for (const auto& [name, tensor] : weight_map(source))
      EXPECT_TRUE(torch::equal(tensor, loaded.at(name))) << name;
  }
}

TEST(LanguageModel, LoadHfWeightsWithoutHeadKeepsTheHead) {
  for (const std::string arch : {"bert", "roberta"}) {
    SCOPED_TRACE(arch);
    auto source = seeded_model(arch, 31);
    auto target = seeded_model(arch, 32);
    randomize_head_bias(source, arch, 33);
    randomize_head_bias(target, arch, 34);
    const auto before = weight_map(target);
    auto weights = weight_map(source);
    for (auto it = weights.begin(); it != weights.end();)
      it = util::starts_with(it->first, head_prefix(arch)) ? weights.erase(it) : std::next(it);
    ASSERT_LT(weights.size(), before.size());
    EXPECT_FALSE(target->load_hf_weights(weights, "backbone-only.safetensors"));
    for (const auto& [name, tensor] : weight_map(target)) {
      if (util::starts_with(name, head_prefix(arch))) {
        EXPECT_TRUE(torch::equal(tensor, before.at(name))) << name << " changed";
      } else {
        EXPECT_TRUE(torch::equal(tensor, weights.at(name))) << name << " not loaded";
      }
    }
  }
}

TEST(LanguageModel, LoadHfWeightsWithPartOfTheHeadIsAnIoError) {
  for (const std::string arch : {"bert", "roberta"}) {
    SCOPED_TRACE(arch);
    auto source = seeded_model(arch, 41);
    auto target = seeded_model(arch, 42);
    auto weights = weight_map(source);
    const std::string removed = head_prefix(arch) + "bias";
    ASSERT_EQ(weights.erase(removed), 1u);
    try {
      target->load_hf_weights(weights, "partial.safetensors");
      ADD_FAILURE() << "no error";
    } catch (const IoError& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find("partial.safetensors"), std::string::npos) << message;
      EXPECT_NE(message.find(removed), std::string::npos) << message;
    }
    // A misshapen head key is an error too.
    weights = weight_map(source);
    weights[removed] = torch::zeros({kVocab + 1});
    EXPECT_THROW(target->load_hf_weights(weights, "misshapen.safetensors"), IoError);
  }
}

TEST(LanguageModel, LoadHfWeightsAcceptsUnprefixedBackboneKeys) {
  auto source = seeded_model("bert", 51);
  auto target = seeded_model("bert", 52);
  std::map<std::string, torch::Tensor> weights;
  for (const auto& [name, tensor] : weight_map(source))
    weights.emplace(util::starts_with(name, "bert.") ? name.substr(5) : name, tensor);
  EXPECT_TRUE(target->load_hf_weights(weights, "bare.safetensors"));
  torch::NoGradGuard no_grad;
  const auto ids = sample_ids(1, 5, 3);
  EXPECT_TRUE(torch::equal(source->forward(ids), target->forward(ids)));
}

}  // namespace
}  // namespace adamix::models
