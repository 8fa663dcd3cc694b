// A trained checkpoint through `adamix forward --checkpoint`, `inspect` and `export`.
#include <gtest/gtest.h>

#include <fstream>

#include "core/io/atomic_file.h"
#include "core/io/safetensors.h"
#include "storage/checkpoint.h"
#include "tests/support/cli_helpers.h"
#include "worker/tensor_arrays.h"

namespace adamix::testing {
namespace {
namespace fs = std::filesystem;

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

class CheckpointCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const auto d = dir_->path();
    ASSERT_EQ(
        run_adamix("make-model --arch roberta --hidden 32 --layers 2 --heads 4 --intermediate 64"
                   " --vocab-size 600 --init-range 0.2 --out " +
                   q(d / "model"))
            .exit_code,
        0);
    ASSERT_EQ(run_adamix("make-task --model " + q(d / "model") +
                         " --kind pair --labels 3 --size 96 --dev-size 32 --out " + q(d / "task"))
                  .exit_code,
              0);
    std::ofstream(d / "trial.yaml")
        << "model: " << (d / "model").string()
        << "\ntask: {name: synthetic, dir: " << (d / "task").string() << ", max_length: 40}\n"
        << "method: {module: adapter, size: 8, experts: 4, share: up}\n"
        << "train: {epochs: 2, batch_size: 16, lr: 1.0e-2}\n";
    auto r = run_adamix("train --threads 1 --config " + q(d / "trial.yaml") + " --out " +
                        q(d / "trial"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::ofstream(d / "ids.txt") << "0 50 60 70 2 2 80 90 2\n0 33 44 2\n0 100 101 102 103 104 2\n";
  }
  static void TearDownTestSuite() { delete dir_; }

  static torch::Tensor logits(const std::string& mode) {
    const auto out = dir_->path() / ("logits_" + mode + ".safetensors");
    const auto r = run_adamix("forward --model " + q(dir_->path() / "model") + " --checkpoint " +
                              q(dir_->path() / "trial" / "best.h5") + " --mode " + mode +
                              " --input-ids " + q(dir_->path() / "ids.txt") + " --out " + q(out));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return io::load_safetensors(out).at("logits");
  }
  static TempDir* dir_;
};
TempDir* CheckpointCli::dir_ = nullptr;

TEST_F(CheckpointCli, EnsembleIsTheMeanDistributionOfTheFixedPaths) {
  const auto ensemble = logits("ensemble");
  ASSERT_EQ(ensemble.sizes(), torch::IntArrayRef({3, 3}));
  std::vector<torch::Tensor> probs;
  for (int i = 0; i < 4; ++i)
    probs.push_back(torch::softmax(logits("fixed:" + std::to_string(i) + ",0"), -1));
  const auto expected = torch::log(torch::stack(probs).mean(0));
  EXPECT_TRUE(torch::allclose(ensemble, expected, 1e-5, 1e-5)) << ensemble << expected;
  // The paths differ, so the check is not vacuous; merged is yet another model.
  EXPECT_FALSE(torch::allclose(probs[0], probs[1], 1e-4, 1e-4));
  EXPECT_EQ(logits("merged").sizes(), torch::IntArrayRef({3, 3}));
}

TEST_F(CheckpointCli, ExportWritesTheMeanOfEachExpertStack) {
  const auto out = dir_->path() / "export";
  auto r = run_adamix("export --checkpoint " + q(dir_->path() / "trial" / "best.h5") + " --out " +
                      q(out));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto exported = io::load_safetensors(out / "merged.safetensors");
  const auto checkpoint = storage::read_checkpoint(dir_->path() / "trial" / "best.h5");
  int stacks = 0;
  for (const auto& [name, array] : checkpoint.params) {
    const auto saved = worker::from_float_array(array);
    ASSERT_TRUE(exported.count(name)) << name;
    if (name.find(".adapter.down.") != std::string::npos) {
      ++stacks;
      EXPECT_EQ(saved.size(0), 4);
      EXPECT_TRUE(torch::allclose(exported.at(name), saved.mean(0, true))) << name;
    } else {
      EXPECT_TRUE(torch::equal(exported.at(name), saved)) << name;  // shared up side, head
    }
  }
  EXPECT_EQ(stacks, 4);  // 2 layers x (weight, bias)
  EXPECT_TRUE(fs::exists(out / "trial.yaml"));
  r = run_adamix("export --hf-head-names --checkpoint " + q(dir_->path() / "trial" / "best.h5") +
                 " --out " + q(dir_->path() / "export_hf"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto hf = io::load_safetensors(dir_->path() / "export_hf" / "merged.safetensors");
  EXPECT_TRUE(hf.count("classifier.dense.weight"));  // RoBERTa's head
  EXPECT_TRUE(hf.count("classifier.out_proj.bias"));
}

TEST_F(CheckpointCli, PeftExportRefusesAdapterTrialsWithOneLine) {
  const auto out = dir_->path() / "export_peft";
  const auto r = run_adamix("export --format peft --checkpoint " +
                            q(dir_->path() / "trial" / "best.h5") + " --out " + q(out));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("LoRA"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--format safetensors"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out / "adapter_model.safetensors"));
  const auto bad = run_adamix("export --format onnx --checkpoint " +
                              q(dir_->path() / "trial" / "best.h5") + " --out " + q(out));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("peft"), std::string::npos) << bad.err;
}

// An adapter trial as an AdapterHub folder: the library's key names, one merged adapter per
// placement (the Python stage loads it with the adapters library to our hidden states).
TEST_F(CheckpointCli, AdapterHubExportNamesTensorsAsTheAdaptersLibrary) {
  const auto out = dir_->path() / "export_adapterhub";
  const auto r = run_adamix("export --format adapterhub --checkpoint " +
                            q(dir_->path() / "trial" / "best.h5") + " --out " + q(out));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto tensors = io::load_safetensors(out / "adapter.safetensors");
  const auto down = "encoder.layer.1.output.adapters.adamix.adapter_down.0.weight";
  ASSERT_TRUE(tensors.count(down));
  EXPECT_EQ(tensors.at(down).sizes(), torch::IntArrayRef({8, 32}));  // [size, hidden], merged
  EXPECT_TRUE(tensors.count("encoder.layer.0.output.adapters.adamix.adapter_up.bias"));
  EXPECT_EQ(tensors.size(), 2u * 4u);  // 2 layers x (down, up) x (weight, bias)
  const auto config = io::read_file(out / "adapter_config.json");
  EXPECT_NE(config.find("\"output_adapter\": true"), std::string::npos) << config;
  EXPECT_NE(config.find("\"mh_adapter\": false"), std::string::npos) << config;
  EXPECT_NE(config.find("\"reduction_factor\": 4.0"), std::string::npos) << config;
}

TEST_F(CheckpointCli, InspectShowsMetaAccountingAndChecksums) {
  const auto r = run_adamix("inspect " + q(dir_->path() / "trial" / "checkpoint.h5"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* text : {"checksums ok", "params_merged", "params_trainable", "backbone_sha256",
                           "encoder.layer.1.output.adapter.down.weight", "best_score"})
    EXPECT_NE(r.out.find(text), std::string::npos) << text;
}

TEST_F(CheckpointCli, BadRequestsFailWithOneLine) {
  const auto d = dir_->path();
  const auto base = "forward --model " + q(d / "model") + " --checkpoint " +
                    q(d / "trial" / "best.h5") + " --input-ids " + q(d / "ids.txt") + " --out " +
                    q(d / "bad.safetensors");
  for (const auto& [extra, needle] : std::vector<std::pair<std::string, std::string>>{
           {" --mode fixed:7,0", "fixed:7,0"}, {" --mode wobbly", "wobbly"}}) {
    const auto r = run_adamix(base + extra);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
  }
  ASSERT_EQ(
      run_adamix("make-model --arch roberta --hidden 32 --layers 2 --heads 4 --intermediate 64"
                 " --vocab-size 600 --seed 9 --out " +
                 q(d / "other"))
          .exit_code,
      0);
  auto r = run_adamix("forward --model " + q(d / "other") + " --checkpoint " +
                      q(d / "trial" / "best.h5") + " --input-ids " + q(d / "ids.txt") + " --out " +
                      q(d / "bad.safetensors"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not the backbone this checkpoint was trained on"), std::string::npos)
      << r.err;
  std::ofstream(d / "broken.h5") << "not hdf5";
  r = run_adamix("inspect " + q(d / "broken.h5"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_FALSE(fs::exists(d / "bad.safetensors"));
}

}  // namespace
}  // namespace adamix::testing
