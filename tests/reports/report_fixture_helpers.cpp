#include "tests/reports/report_fixture_helpers.h"

#include <atomic>
#include <utility>

#include <unistd.h>

namespace adamix::reports::test_util {
namespace fs = std::filesystem;
using storage::TrialStatus;

namespace {

using Leaves = std::vector<std::pair<std::string, std::string>>;

// Every leaf of the resolved config, in to_yaml's order.
Leaves leaves(const FakeTrial& t) {
  const bool lora = t.module == "lora";
  Leaves out = {
      {"model", "models/tiny"},
      {"task.name", t.task},
      {"task.dir", "data/" + t.task},
      {"task.max_length", "128"},
      {"method.module", t.module},
      {"method.size", std::to_string(t.size)},
      {"method.alpha", lora ? "16.0" : "32.0"},
      {"method.placement", lora ? "[query, value]" : "ffn"},
      {"method.experts", std::to_string(t.experts)},
      {"method.share", "up"},
      {"method.routing", "random"},
      {"method.consistency", t.consistency},
      {"method.expert_init", lora ? "identical" : "independent"},
      {"method.inference", t.inference},
      {"method.load_balance", "0.01"},
      {"train.epochs", "3"},
      {"train.batch_size", "32"},
      {"train.lr", t.lr},
      {"train.eval_every", "epoch"},
      {"train.seed", std::to_string(t.seed)},
      {"device", "cpu"},
      {"precision", "fp32"},
  };
  if (!t.early_stopping.empty())
    out.insert(out.begin() + 20, {"train.early_stopping", t.early_stopping});
  return out;
}

// "key=value ..." against the base (AdaMix adapter r=16 M=4 on mrpc, seed 1), as
// sweeps::describe_changes writes trials.changes.
std::string changes_of(const FakeTrial& t) {
  const auto base = leaves(FakeTrial{});
  const auto mine = leaves(t);
  std::string text;
  for (size_t i = 0; i < mine.size(); ++i) {
    if (mine[i].second != base[i].second)
      text += (text.empty() ? "" : " ") + mine[i].first + "=" + mine[i].second;
  }
  return text;
}

FakeTrial make(const std::string& id, const std::string& task, int seed, const std::string& tags,
               std::map<int64_t, std::map<std::string, double>> evals,
               TrialStatus status = TrialStatus::Done) {
  FakeTrial t;
  t.id = id;
  t.task = task;
  t.seed = seed;
  t.tags = tags;
  t.evals = std::move(evals);
  t.status = status;
  return t;
}

// Two evaluations, the best (higher accuracy) second, so metrics must come from that step:
// its F1 is lower than the first step's.
std::map<int64_t, std::map<std::string, double>> mrpc(double accuracy, double f1) {
  return {{10, {{"dev/accuracy", accuracy - 0.05}, {"dev/f1", f1 + 0.05}}},
          {20, {{"dev/accuracy", accuracy}, {"dev/f1", f1}}}};
}

std::map<int64_t, std::map<std::string, double>> sst2(double accuracy) {
  return {{10, {{"dev/accuracy", accuracy}}}, {20, {{"dev/accuracy", accuracy - 0.1}}}};
}

}  // namespace

std::string trial_yaml(const FakeTrial& t) {
  std::string yaml, section;
  for (const auto& [key, value] : leaves(t)) {
    const auto dot = key.find('.');
    if (dot == std::string::npos) {
      yaml += key + ": " + value + "\n";
      section.clear();
      continue;
    }
    if (key.substr(0, dot) != section) {
      section = key.substr(0, dot);
      yaml += section + ":\n";
    }
    yaml += "  " + key.substr(dot + 1) + ": " + value + "\n";
  }
  return yaml;
}

void write_run(const fs::path& dir, const std::vector<FakeTrial>& trials,
               const std::string& sweep) {
  storage::ResultsStore store(dir / "results.sqlite", storage::ResultsStore::Access::ReadWrite);
  auto batch = store.begin();
  store.put_sweep(
      {sweep, "name: " + sweep + "\n", "2026-03-01T09:00:00.000Z", "adamix 0.1.0 (git abc123)"});
  for (size_t i = 0; i < trials.size(); ++i) {
    const auto& t = trials[i];
    const auto changes = t.changes.empty() ? changes_of(t) : t.changes;
    store.ensure_trial(sweep, {t.id, static_cast<int64_t>(i), trial_yaml(t),
                               t.id.substr(0, 1) + t.task, t.tags, changes, 1.0});
    if (t.status == TrialStatus::Queued) continue;
    store.mark_running(t.id, 1, 1, "node1", "", "2026-03-01T09:00:01.000Z");
    if (t.facts) {
      const int64_t backbone = 2000000;
      const bool full = t.module == "full";
      store.set_trial_facts(t.id,
                            {"dev/accuracy", backbone, full ? backbone : t.params_trainable,
                             full ? backbone : t.params_merged, 1538, t.backbone_sha256, 100});
    }
    for (const auto& [step, metrics] : t.evals) {
      for (const auto& [key, value] : metrics) {
        const auto slash = key.find('/');
        store.put_metric(
            {t.id, step, key.substr(0, slash), key.substr(slash + 1), value, step / 10, 1});
      }
      store.put_metric({t.id, step, "train", "loss", 0.5, step / 10, 1});
    }
    if (t.status == TrialStatus::Done) store.mark_done(t.id, t.finished);
    if (t.status == TrialStatus::Failed)
      store.mark_failed(t.id, t.finished, "DivergenceError: loss is nan");
  }
  batch.commit();
}

std::vector<FakeTrial> demo_trials() {
  std::vector<FakeTrial> trials = {
      make("c1", "mrpc", 1, "experts:M=4,mve:merged", mrpc(0.86, 0.89)),
      make("c2", "mrpc", 2, "experts:M=4,mve:merged", mrpc(0.88, 0.91)),
      make("c3", "mrpc", 3, "experts:M=4,mve:merged", mrpc(0.87, 0.90)),
      make("c4", "sst2", 1, "experts:M=4,mve:merged", sst2(0.94)),
      make("c5", "sst2", 2, "experts:M=4,mve:merged", sst2(0.96)),
      make("c6", "sst2", 3, "experts:M=4,mve:merged", {{10, {{"dev/accuracy", 0.99}}}},
           TrialStatus::Running),
      make("d1", "mrpc", 1, "experts:M=2", mrpc(0.83, 0.86)),
      make("d2", "mrpc", 2, "experts:M=2", mrpc(0.85, 0.88)),
      make("d3", "sst2", 1, "experts:M=2", {}, TrialStatus::Queued),
      make("d4", "sst2", 2, "experts:M=2", {}, TrialStatus::Queued),
      make("e1", "mrpc", 1, "mve:ensemble", mrpc(0.89, 0.92)),
      make("e2", "sst2", 1, "mve:ensemble", {}, TrialStatus::Failed),
      make("a1", "mrpc", 1, "baselines:method.module=full", mrpc(0.84, 0.88)),
      make("a2", "mrpc", 2, "baselines:method.module=full", mrpc(0.86, 0.90)),
      make("a3", "sst2", 1, "baselines:method.module=full", sst2(0.92)),
      make("a4", "sst2", 2, "baselines:method.module=full", sst2(0.94)),
      make("b1", "mrpc", 1, "baselines:method.module=lora,method.size=8", mrpc(0.80, 0.85)),
      make("b2", "mrpc", 2, "baselines:method.module=lora,method.size=8", mrpc(0.82, 0.87)),
      make("b3", "sst2", 1, "baselines:method.module=lora,method.size=8", sst2(0.91)),
      make("b4", "sst2", 2, "baselines:method.module=lora,method.size=8", {}, TrialStatus::Failed),
      make("f1", "mrpc", 1, "baselines:method.module=head-only", mrpc(0.70, 0.75)),
  };
  for (auto& t : trials) {
    switch (t.id[0]) {
      case 'd': t.experts = 2, t.params_trainable = 26112; break;
      case 'e': t.inference = "ensemble"; break;
      case 'a': t.module = "full"; break;
      case 'b':
        t.module = "lora", t.size = 8, t.experts = 1, t.params_trainable = 12288,
        t.params_merged = 12288;
        break;
      case 'f': t.module = "head-only", t.params_trainable = 0, t.params_merged = 0; break;
      default: break;
    }
  }
  trials[4].finished = "2026-03-01T12:34:56.789Z";  // the newest done trial
  trials[11].facts = false;                         // failed before its model was built
  return trials;
}

void RunDirTest::SetUp() {
  static std::atomic<int> counter{0};
  dir_ = fs::temp_directory_path() /
         ("adamix_reports_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  fs::remove_all(dir_);
  fs::create_directories(dir_);
}

void RunDirTest::TearDown() {
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

}  // namespace adamix::reports::test_util
