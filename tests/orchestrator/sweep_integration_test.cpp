// `adamix sweep` end to end: real mpirun with 3 ranks (rank 0 + 2 workers) on tiny models and a
// synthetic task; crashes, kill -9 of the whole job, SIGTERM, and the same rows as an
// uninterrupted run after --resume.
#include <gtest/gtest.h>
#include <signal.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include "storage/results_store.h"
#include "tests/orchestrator/sweep_test_helpers.h"

namespace adamix::testing {
namespace {
namespace fs = std::filesystem;
using storage::ResultsStore;
using storage::TrialStatus;

std::string q(const fs::path& path) { return "'" + path.string() + "'"; }

class SweepIntegration : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    auto r = run_adamix(
        "make-model --arch bert --hidden 32 --layers 2 --heads 2 --intermediate 64"
        " --max-positions 32 --vocab-size 200 --init-range 0.2 --seed 5 --out " +
        q(*dir_ / "model"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = run_adamix("make-task --model " + q(*dir_ / "model") +
                   " --kind single --size 64 --dev-size 32 --out " + q(*dir_ / "task"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = run_adamix("make-task --model " + q(*dir_ / "model") +
                   " --kind single --size 320 --dev-size 32 --seed 2 --out " + q(*dir_ / "long"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // Quick: 4 trials of 8 steps. Long: 4 trials of 200 steps with a checkpoint every 20, so a
    // kill lands mid-trial, after a checkpoint.
    write_spec("quick.yaml", "quick", "task", 2, "");
    write_spec("long.yaml", "long", "long", 10, ", checkpoint_every: 20");
  }
  static void TearDownTestSuite() { delete dir_; }

  static void write_spec(const std::string& file, const std::string& name, const std::string& task,
                         int epochs, const std::string& train_extra) {
    std::ofstream(*dir_ / file) << "name: " << name << "\n"
                                << "base:\n"
                                << "  model: " << (*dir_ / "model").string() << "\n"
                                << "  task: {name: synthetic, dir: " << (*dir_ / task).string()
                                << ", max_length: 16}\n"
                                << "  method: {module: adapter, size: 4}\n"
                                << "  train: {epochs: " << epochs << ", batch_size: 16, lr: 1.0e-3"
                                << train_extra << "}\n"
                                << "axes: {method.experts: [1, 2]}\n"
                                << "seeds: [1, 2]\n";
  }
  static fs::path spec(const std::string& name) { return *dir_ / name; }

  // The uninterrupted run of long.yaml, made once and shared.
  static const std::vector<std::string>& long_reference() {
    static std::vector<std::string> rows;
    if (rows.empty()) {
      const auto out = *dir_ / "long-reference";
      const auto r = run_mpi_sweep(3, "sweep " + q(spec("long.yaml")) + " --out " + q(out));
      EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
      rows = metric_rows(out / "results.sqlite");
    }
    return rows;
  }

  // Polls the database read-only while the sweep runs until `ready(store)`.
  template <typename Ready>
  static void wait_for(const fs::path& run, Ready ready) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
    while (std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      if (!fs::exists(run / "results.sqlite")) continue;
      try {
        ResultsStore store(run / "results.sqlite", ResultsStore::Access::ReadOnly);
        if (ready(store)) return;
      } catch (const std::exception&) {
        // not created yet
      }
    }
    FAIL() << "timed out waiting on " << run;
  }
  // Some trial has written a checkpoint past step 0.
  static void wait_for_checkpoint(const fs::path& run) {
    wait_for(run, [](const ResultsStore& store) {
      for (const auto& a : store.artifacts())
        if (a.kind == "checkpoint" && a.step > 0) return true;
      return false;
    });
  }

  // Starts long.yaml under mpirun, waits for a checkpoint, interrupts the job, waits for it.
  template <typename Interrupt>
  void start_long_sweep_then(const fs::path& out, Interrupt interrupt) {
    const pid_t job = start_background(
        mpirun_command(3, "sweep " + q(spec("long.yaml")) + " --out " + q(out)), work_ / "log");
    wait_for_checkpoint(out);
    interrupt(job);
    wait_exit_code(job);
  }
  // --resume to the end; the database then holds exactly the uninterrupted run's rows.
  RunResult resume_long_sweep(const fs::path& out) {
    const auto& reference = long_reference();
    EXPECT_FALSE(reference.empty());
    auto r = run_mpi_sweep(3, "sweep " + q(spec("long.yaml")) + " --out " + q(out) + " --resume");
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(metric_rows(out / "results.sqlite"), reference);
    return r;
  }

  static TempDir* dir_;
  TempDir work_;
};
TempDir* SweepIntegration::dir_ = nullptr;

TEST_F(SweepIntegration, RunsUnderMpirunWithOneRowPerMetricAndMatchesASingleProcess) {
  const auto out = work_ / "mpi";
  const auto r = run_mpi_sweep(3, "sweep " + q(spec("quick.yaml")) + " --out " + q(out));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("on 2 workers"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("4/4 done, 0 running, 0 failed, 0 queued"), std::string::npos) << r.out;

  ResultsStore store(out / "results.sqlite", ResultsStore::Access::ReadOnly);
  EXPECT_EQ(store.counts().done, 4);
  std::set<int64_t> workers;
  for (const auto& trial : store.trials()) {
    EXPECT_EQ(trial.attempts, 1);
    ASSERT_TRUE(trial.facts);
    EXPECT_EQ(trial.facts->main_metric, "dev/accuracy");
    EXPECT_EQ(trial.facts->total_steps, 8);
    workers.insert(trial.worker.value_or(0));
    EXPECT_TRUE(fs::exists(out / "trials" / trial.trial.id / "checkpoint.h5"));
  }
  EXPECT_EQ(workers, (std::set<int64_t>{1, 2}));
  EXPECT_EQ(store.best_scores().size(), 4u);
  EXPECT_EQ(store.group_aggregates().size(), 2u);  // experts 1 and 2, two seeds each
  EXPECT_EQ(store.artifacts().size(), 8u);         // checkpoint.h5 and best.h5 per trial

  // The same sweep as one process (no mpirun): the same rows, bit for bit.
  const auto single = work_ / "single";
  // One thread per trial, as each of mpirun's two workers gets on 2 cores: LibTorch's kernels
  // promise equal bits for equal thread counts only (2 threads sum in another order on some
  // CPUs).
  const auto s = run_adamix("sweep --threads 1 " + q(spec("quick.yaml")) + " --out " + q(single));
  ASSERT_EQ(s.exit_code, 0) << s.out << s.err;
  EXPECT_EQ(metric_rows(single / "results.sqlite"), metric_rows(out / "results.sqlite"));

  const auto status = run_adamix("status --run " + q(out));
  EXPECT_EQ(status.exit_code, 0) << status.out << status.err;
  EXPECT_NE(status.out.find("4 trials: 4 done, 0 running, 0 failed, 0 queued"), std::string::npos)
      << status.out;
  EXPECT_NE(status.out.find("artifacts: 8 checked, 0 missing, 0 corrupted"), std::string::npos);

  // The report: tables in every format, the figures, one self-contained HTML page.
  const auto report = run_adamix("report --run " + q(out));
  ASSERT_EQ(report.exit_code, 0) << report.err;
  EXPECT_NE(report.out.find("### Main results"), std::string::npos) << report.out;
  EXPECT_NE(report.out.find("| AdaMix adapter (r=4, M=2) |"), std::string::npos) << report.out;
  EXPECT_NE(report.out.find("### Number of experts"), std::string::npos) << report.out;
  for (const char* file : {"main.md", "main.tex", "main.csv", "main.html", "report.md",
                           "report.html", "figures/curve-synthetic.svg"})
    EXPECT_TRUE(fs::exists(out / "reports" / file)) << file;
  std::ifstream page(out / "reports" / "report.html");
  const std::string html((std::istreambuf_iterator<char>(page)), std::istreambuf_iterator<char>());
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"));  // nothing fetched
  const auto unknown =
      run_adamix("report --run " + q(out) + " --table nope --out " + q(work_ / "none"));
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("no table 'nope'"), std::string::npos) << unknown.err;
  EXPECT_FALSE(fs::exists(work_ / "none"));

  // Finished: running it again needs --resume, which then has nothing to do.
  const auto again = run_mpi_sweep(3, "sweep " + q(spec("quick.yaml")) + " --out " + q(out));
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("add --resume"), std::string::npos) << again.err;
  const auto resumed =
      run_mpi_sweep(3, "sweep " + q(spec("quick.yaml")) + " --out " + q(out) + " --resume");
  EXPECT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  EXPECT_NE(resumed.out.find("4 already done, 0 to run"), std::string::npos) << resumed.out;

  // A damaged artifact is reported, with a non-zero exit.
  const auto victim = out / "trials" / store.trials()[0].trial.id / "best.h5";
  std::ofstream(victim, std::ios::app) << "x";
  const auto damaged = run_adamix("status --run " + q(out));
  EXPECT_EQ(damaged.exit_code, 1);
  EXPECT_NE(damaged.out.find("CORRUPTED trials/" + store.trials()[0].trial.id + "/best.h5"),
            std::string::npos)
      << damaged.out;
}

TEST_F(SweepIntegration, ACrashingTrialFailsAloneAndIsRetried) {
  const auto ids = trial_ids(spec("quick.yaml"));
  ASSERT_EQ(ids.size(), 4u);
  const auto out = work_ / "crash";
  // ids[0] segfaults on its first attempt only; ids[1] aborts on every attempt.
  const auto faults = "ADAMIX_INJECT_FAULT='kind=segv,step=2,attempt=1,trial=" + ids[0] +
                      ";kind=abort,step=1,trial=" + ids[1] + "'";
  const auto r = run_mpi_sweep(3, "sweep " + q(spec("quick.yaml")) + " --out " + q(out), faults);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  ResultsStore store(out / "results.sqlite", ResultsStore::Access::ReadOnly);
  EXPECT_EQ(store.trial(ids[0])->status, TrialStatus::Done);
  EXPECT_EQ(store.trial(ids[0])->attempts, 2);
  const auto failed = *store.trial(ids[1]);
  EXPECT_EQ(failed.status, TrialStatus::Failed);
  EXPECT_EQ(failed.attempts, 2);
  EXPECT_NE(failed.error.find("SIGABRT"), std::string::npos) << failed.error;
  EXPECT_EQ(store.trial(ids[2])->status, TrialStatus::Done);
  EXPECT_EQ(store.trial(ids[3])->status, TrialStatus::Done);
  EXPECT_NE(r.out.find("1 trial failed"), std::string::npos) << r.out;

  // The retried trial's rows equal those of a run that never crashed.
  const auto clean = work_ / "clean";
  // One thread per trial, as under mpirun on 2 cores (see the test above).
  ASSERT_EQ(
      run_adamix("sweep --threads 1 " + q(spec("quick.yaml")) + " --out " + q(clean)).exit_code, 0);
  const auto rows_of = [&](const fs::path& db, const std::string& id) {
    std::vector<std::string> rows;
    for (const auto& row : metric_rows(db))
      if (row.compare(0, id.size(), id) == 0) rows.push_back(row);
    return rows;
  };
  EXPECT_EQ(rows_of(out / "results.sqlite", ids[0]), rows_of(clean / "results.sqlite", ids[0]));
  EXPECT_FALSE(rows_of(out / "results.sqlite", ids[0]).empty());
}

TEST_F(SweepIntegration, ATrialWhoseLossTurnsNanFailsWithTheDivergenceAndTheRestFinish) {
  // A real divergence (full fine-tuning at lr 1e30), not an injected one.
  std::ofstream(work_ / "nan.yaml")
      << "name: nan\n"
      << "base:\n"
      << "  model: " << (*dir_ / "model").string() << "\n"
      << "  task: {name: synthetic, dir: " << (*dir_ / "task").string() << ", max_length: 16}\n"
      << "  train: {epochs: 2, batch_size: 16, lr: 1.0e-3}\n"
      << "include: [{method.module: full, train.lr: 1.0e+30}]\n";
  const auto out = work_ / "nan";
  const auto r = run_mpi_sweep(3, "sweep " + q(work_ / "nan.yaml") + " --out " + q(out));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  ResultsStore store(out / "results.sqlite", ResultsStore::Access::ReadOnly);
  const auto trials = store.trials();
  ASSERT_EQ(trials.size(), 2u);
  EXPECT_EQ(trials[0].status, TrialStatus::Done);
  EXPECT_EQ(trials[1].status, TrialStatus::Failed);
  EXPECT_EQ(trials[1].attempts, 2);
  EXPECT_NE(trials[1].error.find("DivergenceError: training diverged: loss is nan"),
            std::string::npos)
      << trials[1].error;
}

// The bar: the paper's ablation grid on a tiny model under mpirun, with an injected
// crash and a kill -9 of the whole job, ends with exactly the rows of an uninterrupted run and
// one row per metric of every trial's metrics.jsonl.
TEST_F(SweepIntegration, PaperAblationGridSurvivesACrashAndAKillWithExactlyOneRowPerMetric) {
  std::ofstream(work_ / "ablations.yaml")
      << "name: ablations\n"
      << "base:\n"
      << "  model: " << (*dir_ / "model").string() << "\n"
      << "  task: {name: synthetic, dir: " << (*dir_ / "task").string() << ", max_length: 16}\n"
      << "  method: {module: adapter, size: 8, experts: 4}\n"
      << "  train: {epochs: 2, batch_size: 16, lr: 1.0e-3, checkpoint_every: 2}\n"
      << "ablations: [inference-routing, merge-vs-ensemble, consistency, sharing, experts, "
         "bottleneck]\n";
  const auto spec_path = work_ / "ablations.yaml";
  const auto ids = trial_ids(spec_path);
  ASSERT_GE(ids.size(), 12u);
  const auto reference = work_ / "reference";
  ASSERT_EQ(run_mpi_sweep(3, "sweep " + q(spec_path) + " --out " + q(reference)).exit_code, 0);

  const auto out = work_ / "interrupted";
  const auto fault = "ADAMIX_INJECT_FAULT='kind=segv,step=3,attempt=1,trial=" + ids[5] + "'";
  const pid_t job = start_background(
      "env " + fault + " " + mpirun_command(3, "sweep " + q(spec_path) + " --out " + q(out)),
      work_ / "log");
  wait_for(out, [](const ResultsStore& store) { return store.counts().done >= 4; });
  kill_tree(job);
  wait_exit_code(job);
  const auto r =
      run_mpi_sweep(3, "sweep " + q(spec_path) + " --out " + q(out) + " --resume", fault);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

  ResultsStore store(out / "results.sqlite", ResultsStore::Access::ReadOnly);
  EXPECT_EQ(store.counts().done, static_cast<int64_t>(ids.size()));
  EXPECT_GE(store.trial(ids[5])->attempts, 2);  // it crashed once
  EXPECT_EQ(metric_rows(out / "results.sqlite"), metric_rows(reference / "results.sqlite"));
  for (const auto& id : ids) {
    std::ifstream lines(out / "trials" / id / "metrics.jsonl");
    size_t expected = 0;
    for (std::string line; std::getline(lines, line);)
      expected += nlohmann::json::parse(line).at("metrics").size();
    EXPECT_EQ(store.metrics(id).size(), expected) << id;
  }
}

TEST_F(SweepIntegration, KillMinus9OfTheWholeJobThenResumeGivesTheUninterruptedRows) {
  const auto out = work_ / "killed";
  start_long_sweep_then(out, [](pid_t job) { kill_tree(job); });
  {
    ResultsStore store(out / "results.sqlite", ResultsStore::Access::ReadOnly);
    EXPECT_LT(store.counts().done, 4) << "the kill came too late to test anything";
    EXPECT_GT(store.counts().running, 0);
  }
  const auto r = resume_long_sweep(out);
  EXPECT_NE(r.out.find("resumed from its checkpoint"), std::string::npos) << r.out;
}

TEST_F(SweepIntegration, SigtermCheckpointsRunningTrialsAndResumeFinishesTheSweep) {
  const auto out = work_ / "terminated";
  start_long_sweep_then(out, [](pid_t job) { kill(job, SIGTERM); });  // mpirun forwards it
  {
    ResultsStore store(out / "results.sqlite", ResultsStore::Access::ReadOnly);
    EXPECT_EQ(store.counts().running, 0) << "every running trial was handed back";
    EXPECT_LT(store.counts().done, 4);
  }
  resume_long_sweep(out);
}

// NLG trials in a sweep like classification trials: a tiny GPT-2 on the synthetic data-to-text
// task, LoRA against AdaMix-LoRA on two workers; every trial decodes and scores its dev set, the
// database holds the generation scores, and the report has the data-to-text table (no main
// table: there is no classification task).
TEST_F(SweepIntegration, NlgTrialsRunAndReportTheirGenerationTable) {
  const auto d = work_.path();
  make_tiny_gpt2_and_data_to_text(d, 32, 10);
  std::ofstream(d / "nlg.yaml")
      << "name: nlg\nbase:\n  model: " << (d / "gpt2").string()
      << "\n  task: {name: data-to-text, dir: " << (d / "d2t").string() << ", max_length: 128}\n"
      << "  method: {module: lora, size: 4, alpha: 32, experts: 2, share: up, expert_init: "
         "identical, consistency: 1.0}\n"
      << "  train: {epochs: 1, batch_size: 8, lr: 2.0e-3, optimizer: adamw-lora}\n"
      << "seeds: [1]\nablations:\n  methods:\n    - {}\n    - {method.experts: 1}\n";
  const auto out = d / "run";
  const auto r =
      run_adamix("sweep --workers 2 --threads 1 " + q(d / "nlg.yaml") + " --out " + q(out));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  ResultsStore store(out / "results.sqlite", ResultsStore::Access::ReadOnly);
  EXPECT_EQ(store.counts().done, 2);
  std::set<std::string> scored;
  for (const auto& row : store.metrics())
    if (row.split == "dev" && row.name == "bleu") scored.insert(row.trial);
  EXPECT_EQ(scored.size(), 2u);
  for (const auto& trial : store.trials())
    EXPECT_TRUE(fs::exists(out / "trials" / trial.trial.id / "generations.dev.txt"));

  const auto report = run_adamix("report --run " + q(out));
  ASSERT_EQ(report.exit_code, 0) << report.err;
  EXPECT_NE(report.out.find("### data-to-text (dev): generation with beam search"),
            std::string::npos)
      << report.out;
  EXPECT_NE(report.out.find("| Method | data-to-text (dev) BLEU | data-to-text (dev) NIST |"),
            std::string::npos)
      << report.out;
  EXPECT_NE(report.out.find("| LoRA (r=4) |"), std::string::npos) << report.out;
  EXPECT_EQ(report.out.find("### Main results"), std::string::npos);
  for (const char* file : {"data-to-text.md", "data-to-text.tex", "data-to-text.csv",
                           "figures/curve-data-to-text.svg"})  // the dev LM loss per step
    EXPECT_TRUE(fs::exists(out / "reports" / file)) << file;
  EXPECT_FALSE(fs::exists(out / "reports" / "figures" / "ablation-data-to-text.svg"));
}

TEST_F(SweepIntegration, BadRequestsFailWithOneLineAndTouchNothing) {
  const auto out = work_ / "run";
  ASSERT_EQ(run_adamix("sweep " + q(spec("quick.yaml")) + " --out " + q(out)).exit_code, 0);
  const auto before = metric_rows(out / "results.sqlite");
  // A changed spec cannot continue a run started with another one.
  std::ofstream(work_ / "changed.yaml")
      << "name: quick\nbase: {model: " << (*dir_ / "model").string()
      << ", task: {name: synthetic, dir: " << (*dir_ / "task").string() << "}}\n";
  auto r = run_adamix("sweep " + q(work_ / "changed.yaml") + " --out " + q(out) + " --resume");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("the spec differs from"), std::string::npos) << r.err;
  EXPECT_EQ(metric_rows(out / "results.sqlite"), before);
  r = run_adamix("status --run " + q(work_.path()));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("holds no sweep"), std::string::npos) << r.err;
  r = run_adamix("sweep " + q(spec("quick.yaml")) + " --out " + q(out) + " --retry-failed");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("add --resume"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace adamix::testing
