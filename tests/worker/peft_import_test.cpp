// Hugging Face PEFT LoRA adapters into our models: `adamix forward --adapter` on an exported
// trial gives the trial's merged logits, `method.init_from` starts every expert from it, and
// folders we cannot run as PEFT does are refused with one line.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <functional>

#include "core/io/atomic_file.h"
#include "core/io/safetensors.h"
#include "core/models/model_config.h"
#include "core/train/task_model.h"
#include "tests/support/cli_helpers.h"
#include "worker/peft_import.h"

namespace adamix::testing::peft_import {  // its own: unity batches share helper names
namespace {
namespace fs = std::filesystem;

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

class PeftImport : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const auto d = dir_->path();
    ASSERT_EQ(run_adamix("make-model --arch bert --hidden 32 --layers 2 --heads 4 --intermediate "
                         "64 --vocab-size 600 --init-range 0.2 --out " +
                         q(d / "model"))
                  .exit_code,
              0);
    ASSERT_EQ(run_adamix("make-task --model " + q(d / "model") +
                         " --kind single --size 64 --dev-size 16 --out " + q(d / "task"))
                  .exit_code,
              0);
    std::ofstream(d / "trial.yaml")
        << "model: " << (d / "model").string() << "\ntask: {dir: " << (d / "task").string()
        << ", max_length: 24}\n"
        << "method: {module: lora, size: 4, alpha: 8, experts: 2, placement: [query, value]}\n"
        << "train: {epochs: 2, batch_size: 16, lr: 5.0e-2}\n";
    auto r = run_adamix("train --threads 1 --config " + q(d / "trial.yaml") + " --out " +
                        q(d / "trial"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = run_adamix("export --format peft --checkpoint " + q(d / "trial" / "best.h5") + " --out " +
                   q(d / "peft"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::ofstream(d / "ids.txt") << "2 50 60 70 3\n2 33 44 3 80 90 3\n2 100 101 102 103 104 3\n";
  }
  static void TearDownTestSuite() { delete dir_; }

  static std::map<std::string, torch::Tensor> forward(const std::string& weights,
                                                      const std::string& name) {
    const auto out = dir_->path() / (name + ".safetensors");
    const auto r = run_adamix("forward --model " + q(dir_->path() / "model") + " " + weights +
                              " --input-ids " + q(dir_->path() / "ids.txt") + " --out " + q(out));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return io::load_safetensors(out);
  }

  // A copy of the exported folder with adapter_config.json changed by `edit`.
  static fs::path edited_copy(const std::string& name,
                              const std::function<void(nlohmann::json&)>& edit) {
    const auto out = dir_->path() / name;
    fs::create_directories(out);
    fs::copy_file(dir_->path() / "peft" / "adapter_model.safetensors",
                  out / "adapter_model.safetensors", fs::copy_options::overwrite_existing);
    auto config =
        nlohmann::json::parse(io::read_file(dir_->path() / "peft" / "adapter_config.json"));
    edit(config);
    std::ofstream(out / "adapter_config.json") << config.dump(2);
    return out;
  }
  static TempDir* dir_;
};
TempDir* PeftImport::dir_ = nullptr;

TEST_F(PeftImport, ForwardAdapterOfAnExportIsTheTrialsMergedModel) {
  const auto d = dir_->path();
  const auto ours =
      forward("--checkpoint " + q(d / "trial" / "best.h5") + " --mode merged", "ckpt");
  const auto imported = forward("--adapter " + q(d / "peft"), "adapter");
  ASSERT_TRUE(imported.count("logits"));
  EXPECT_TRUE(torch::allclose(imported.at("logits"), ours.at("logits"), 1e-5, 1e-5))
      << imported.at("logits") << ours.at("logits");
  EXPECT_TRUE(
      torch::allclose(imported.at("last_hidden_state"), ours.at("last_hidden_state"), 1e-5, 1e-5));
  // Not vacuous: without the LoRA the hidden states differ.
  const auto plain = forward("", "plain");
  EXPECT_FALSE(
      torch::allclose(plain.at("last_hidden_state"), ours.at("last_hidden_state"), 1e-4, 1e-4));
}

TEST_F(PeftImport, InitFromPutsTheAdapterInEveryExpertAndTheHead) {
  const auto d = dir_->path();
  const auto adapter = worker::import_peft_lora(d / "peft", models::load_model_config(d / "model"));
  EXPECT_EQ(adapter.method.size, 4);
  EXPECT_DOUBLE_EQ(adapter.method.alpha, 8);
  EXPECT_EQ(adapter.method.lora_targets, (std::vector<std::string>{"query", "value"}));
  peft::PeftOptions method = adapter.method;
  method.experts = 3;
  method.routing = peft::Routing::Random;
  train::TaskModel model(d / "model", method, 2, false, 7, torch::kCPU);
  ASSERT_TRUE(worker::initialise_from_adapter(model.trainable(), adapter, method));
  const std::map<std::string, torch::Tensor> loaded(adapter.params.begin(), adapter.params.end());
  size_t checked = 0;
  for (const auto& [name, p] : model.trainable()) {
    if (!loaded.count(name)) continue;
    for (int64_t e = 0; e < p.size(0); ++e)
      EXPECT_TRUE(torch::equal(p[e], loaded.at(name)[0])) << name << " expert " << e;
    ++checked;
  }
  EXPECT_EQ(checked, loaded.size());

  // Through a trial config: r, alpha and targets come from the folder; the log says so.
  std::ofstream(d / "init.yaml") << "model: " << (d / "model").string()
                                 << "\ntask: {dir: " << (d / "task").string()
                                 << ", max_length: 24}\nmethod: {init_from: "
                                 << (d / "peft").string()
                                 << ", experts: 2}\ntrain: {epochs: 1, batch_size: 32}\n";
  auto r =
      run_adamix("train --threads 1 --config " + q(d / "init.yaml") + " --out " + q(d / "init"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(io::read_file(d / "init" / "log.txt").find("initialised from PEFT adapter"),
            std::string::npos);
  EXPECT_NE(io::read_file(d / "init" / "trial.yaml").find("init_from: "), std::string::npos);
  // A trial whose LoRA is not the adapter's is refused before it trains.
  r = run_adamix("train --threads 1 --config " + q(d / "init.yaml") +
                 " --set method.size=8 --out " + q(d / "init8"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("the adapter has r = 4"), std::string::npos) << r.err;
}

TEST_F(PeftImport, FoldersWeCannotRunAreRefusedWithOneLine) {
  const auto d = dir_->path();
  const auto refuse = [&](const fs::path& adapter, const fs::path& model,
                          const std::string& needle) {
    const auto out = d / "refused.safetensors";
    const auto r = run_adamix("forward --model " + q(model) + " --adapter " + q(adapter) +
                              " --input-ids " + q(d / "ids.txt") + " --out " + q(out));
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out));
  };
  refuse(edited_copy("ia3", [](auto& c) { c["peft_type"] = "IA3"; }), d / "model",
         "peft_type: \"IA3\" is not supported");
  refuse(edited_copy("dense",
                     [](auto& c) {
                       c["target_modules"] = {"query", "dense"};
                     }),
         d / "model", "\"dense\" is not a module we put LoRA on");
  refuse(edited_copy("dora", [](auto& c) { c["use_dora"] = true; }), d / "model", "use_dora");
  refuse(edited_copy("regex", [](auto& c) { c["target_modules"] = ".*query"; }), d / "model",
         "is a pattern");
  // Another base model: hidden size 48 instead of 32.
  ASSERT_EQ(run_adamix("make-model --arch bert --hidden 48 --layers 2 --heads 4 --intermediate "
                       "64 --vocab-size 600 --out " +
                       q(d / "wide"))
                .exit_code,
            0);
  refuse(d / "peft", d / "wide", "trained on another base model");
  ASSERT_EQ(run_adamix("make-model --arch bert --hidden 32 --layers 3 --heads 4 --intermediate "
                       "64 --vocab-size 600 --out " +
                       q(d / "deep"))
                .exit_code,
            0);
  refuse(d / "peft", d / "deep", "layer 2 query");
  refuse(d / "missing", d / "model", "adapter_config.json is missing");
  // A LoRA trial is no bottleneck adapter: --format adapterhub refuses it.
  const auto hub = run_adamix("export --format adapterhub --checkpoint " +
                              q(d / "trial" / "best.h5") + " --out " + q(d / "hub"));
  EXPECT_EQ(hub.exit_code, 2);
  EXPECT_EQ(count_lines(hub.err), 1) << hub.err;
  EXPECT_NE(hub.err.find("use --format peft"), std::string::npos) << hub.err;
  EXPECT_FALSE(fs::exists(d / "hub" / "adapter.safetensors"));
  const auto both = run_adamix("forward --model " + q(d / "model") + " --adapter " + q(d / "peft") +
                               " --checkpoint " + q(d / "trial" / "best.h5") + " --input-ids " +
                               q(d / "ids.txt") + " --out " + q(d / "x"));
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("give one"), std::string::npos) << both.err;
}

}  // namespace
}  // namespace adamix::testing::peft_import
