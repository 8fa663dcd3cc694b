#pragma once
// Shared by the reports tests: a scratch run directory and a results.sqlite written through
// storage::ResultsStore with known trials (configs shaped like sweeps::to_yaml's).
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "storage/results_store.h"

namespace adamix::reports::test_util {

struct FakeTrial {
  std::string id;
  std::string task = "mrpc";
  std::string module = "adapter";
  int size = 16;
  int experts = 4;
  std::string inference = "merged";
  std::string consistency = "1.0";
  std::string lr = "0.0003";
  int seed = 1;
  std::string tags, changes;
  storage::TrialStatus status = storage::TrialStatus::Done;
  std::string finished = "2026-03-01T10:00:00.000Z";
  // One evaluation per entry: step -> {"dev/accuracy": 0.8, "dev/f1": 0.9}; the step's epoch
  // is step / 10.
  std::map<int64_t, std::map<std::string, double>> evals;
  std::string early_stopping;  // train.early_stopping's flow map, e.g. "{patience: 2}"; "" = none
  bool facts = true;
  int64_t params_trainable = 49920, params_merged = 13056;
  std::string backbone_sha256 = "abababababababababababababababababababababababababababababababab";
};

// The resolved trial YAML of `t`, in to_yaml's key order.
std::string trial_yaml(const FakeTrial& t);

// Writes the sweep row and `trials` (positions in list order) to dir/results.sqlite.
void write_run(const std::filesystem::path& dir, const std::vector<FakeTrial>& trials,
               const std::string& sweep = "demo");

// The demo run of the tests: AdaMix adapter base (C), an experts ablation (D, M=2), merged vs
// ensemble (E), full fine-tuning (A), LoRA (B), head only (F) on mrpc and sst2, with a failed,
// a running, two queued trials and a missing task.
std::vector<FakeTrial> demo_trials();

class RunDirTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  std::filesystem::path dir_;
};

}  // namespace adamix::reports::test_util
