// `adamix submit` on a real single-node Slurm cluster (cluster/local/start: munged, slurmctld,
// slurmd on this machine): a submitted sweep runs to the end; a requeue, the time-limit
// warning and a cancel + resubmit each end with exactly the rows of an uninterrupted run.
// Skipped where Slurm is not installed (scripts/setup installs it).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "cluster/command.h"
#include "storage/results_store.h"
#include "tests/orchestrator/sweep_test_helpers.h"

namespace adamix::testing {
namespace {
namespace fs = std::filesystem;
using storage::ResultsStore;

std::string q(const fs::path& path) { return "'" + path.string() + "'"; }

const fs::path kRepo = fs::path(ADAMIX_FIXTURES_DIR).parent_path().parent_path();

std::string job_field(const std::string& job, const std::string& field) {
  const auto shown = cluster::run_command({"scontrol", "show", "job", "-o", job});
  const auto at = shown.out.find(field + "=");
  if (at == std::string::npos) return "";
  const auto start = at + field.size() + 1;
  return shown.out.substr(start, shown.out.find_first_of(" \n", start) - start);
}

class SlurmIntegration : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!fs::exists("/usr/sbin/slurmctld") || !cluster::find_program("sbatch")) return;
    dir_ = new TempDir();
    state_ = *dir_ / "slurm";
    const auto start = "ADAMIX_SLURM_DIR=" + q(state_) + " ADAMIX_SLURM_PORT=6917 " +
                       q(kRepo / "cluster/local/start") + " --fresh > " + q(*dir_ / "start.log") +
                       " 2>&1";
    if (std::system(start.c_str()) != 0) {
      std::ifstream log(*dir_ / "start.log");
      start_error_ = std::string(std::istreambuf_iterator<char>(log), {});
      // slurmd cannot run without a cgroup file system (some containers, e.g. a bare chroot):
      // an environment without one cannot host the cluster, which is not a failure of ours.
      if (start_error_.find("No filesystem mounted on /sys/fs/cgroup") != std::string::npos) {
        skip_reason_ = "slurmd cannot start here: no cgroup file system at /sys/fs/cgroup";
        start_error_.clear();
      }
      return;
    }
    setenv("SLURM_CONF", (state_ / "slurm.conf").c_str(), 1);
    make_tiny_model_and_task(dir_->path());
    // 2 epochs x 15 steps (quick) and 10 epochs x 15 steps with a checkpoint every 10 (long).
    for (const auto& [name, epochs] : {std::pair<std::string, int>{"quick", 2}, {"long", 10}}) {
      std::ofstream(*dir_ / (name + ".yaml"))
          << "name: " << name << "\nbase:\n  model: " << (*dir_ / "model").string()
          << "\n  task: {name: synthetic, dir: " << (*dir_ / "task").string()
          << ", max_length: 16}\n  method: {module: adapter, size: 4}\n  train: {epochs: " << epochs
          << ", batch_size: 16, lr: 1.0e-3, checkpoint_every: 10}\n"
          << "axes: {method.experts: [1, 2]}\n";
      const auto reference = *dir_ / ("reference-" + name);
      ready_ =
          run_adamix("sweep " + q(*dir_ / (name + ".yaml")) + " --workers 2 --out " + q(reference))
              .exit_code == 0;
    }
  }
  static void TearDownTestSuite() {
    if (dir_ == nullptr) return;
    const auto stop = "ADAMIX_SLURM_DIR=" + q(state_) + " " + q(kRepo / "cluster/local/stop") +
                      " >/dev/null 2>&1";
    std::system(stop.c_str());
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (dir_ == nullptr) GTEST_SKIP() << "Slurm is not installed (scripts/setup installs it)";
    if (!skip_reason_.empty()) GTEST_SKIP() << skip_reason_;
    ASSERT_TRUE(start_error_.empty()) << "cluster/local/start failed:\n" << start_error_;
    ASSERT_TRUE(ready_) << "the reference sweeps failed";
  }

  static fs::path spec(const std::string& name) { return *dir_ / (name + ".yaml"); }
  static std::vector<std::string> reference(const std::string& name) {
    return metric_rows(*dir_ / ("reference-" + name) / "results.sqlite");
  }

  // `adamix submit`; the new job's id.
  std::string submit(const std::string& name, const fs::path& out, const std::string& extra) {
    const auto r = run_adamix("submit " + q(spec(name)) + " --out " + q(out) +
                              " --workers-per-node 2 " + extra);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    const auto at = r.out.find("submitted job ");
    if (at == std::string::npos) return "";
    return r.out.substr(at + 14, r.out.find_first_of(" \n", at + 14) - at - 14);
  }

  // Polls scontrol until the job is in one of `states`.
  static std::string wait_state(const std::string& job, const std::vector<std::string>& states) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(4);
    std::string state;
    while (std::chrono::steady_clock::now() < deadline) {
      state = job_field(job, "JobState");
      if (std::find(states.begin(), states.end(), state) != states.end()) return state;
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    ADD_FAILURE() << "job " << job << " stayed " << state;
    return state;
  }

  // Waits until a trial of the running sweep has written a checkpoint past step 0.
  static void wait_for_checkpoint(const fs::path& run) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
    while (std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      try {
        ResultsStore store(run / "results.sqlite", ResultsStore::Access::ReadOnly);
        for (const auto& a : store.artifacts())
          if (a.kind == "checkpoint" && a.step > 0) return;
      } catch (const std::exception&) {
      }
    }
    FAIL() << "no checkpoint appeared in " << run;
  }

  static TempDir* dir_;
  static fs::path state_;
  static std::string start_error_;
  static std::string skip_reason_;
  static bool ready_;
  TempDir work_;
};
TempDir* SlurmIntegration::dir_ = nullptr;
fs::path SlurmIntegration::state_;
std::string SlurmIntegration::start_error_;
std::string SlurmIntegration::skip_reason_;
bool SlurmIntegration::ready_ = false;

TEST_F(SlurmIntegration, ASubmittedSweepRunsToTheEndAndStatusShowsItsJob) {
  const auto out = work_ / "quick";
  const auto dry = run_adamix("submit " + q(spec("quick")) + " --out " + q(out) + " --dry-run");
  EXPECT_EQ(dry.exit_code, 0);
  EXPECT_NE(dry.out.find("srun --mpi=pmix"), std::string::npos) << dry.out;
  EXPECT_FALSE(fs::exists(out)) << "--dry-run writes nothing";

  // A chain of two: the second job starts after the first and finds nothing left to do.
  const auto job = submit("quick", out, "--chain 2");
  ASSERT_FALSE(job.empty());
  EXPECT_EQ(wait_state(job, {"COMPLETED", "FAILED", "CANCELLED"}), "COMPLETED");
  const auto second = std::to_string(std::stoll(job) + 1);
  EXPECT_EQ(wait_state(second, {"COMPLETED", "FAILED", "CANCELLED"}), "COMPLETED");
  // afterany: the second started only once the first had ended (ISO times compare as text).
  EXPECT_GE(job_field(second, "StartTime"), job_field(job, "EndTime"));
  EXPECT_TRUE(fs::exists(out / "job.sbatch"));
  EXPECT_TRUE(fs::exists(out / "sweep.yaml"));
  EXPECT_EQ(metric_rows(out / "results.sqlite"), reference("quick"));
  ResultsStore store(out / "results.sqlite", ResultsStore::Access::ReadOnly);
  EXPECT_EQ(store.counts().done, 2);
  ASSERT_EQ(store.jobs().size(), 2u);
  EXPECT_EQ(store.jobs()[0].id, job);
  EXPECT_EQ(store.jobs()[0].note, "chain 1 of 2");
  const auto status = run_adamix("status --run " + q(out));
  EXPECT_NE(status.out.find(job + "  COMPLETED"), std::string::npos) << status.out;
}

TEST_F(SlurmIntegration, ARequeuedJobResumesAndLosesNothing) {
  const auto out = work_ / "requeued";
  const auto job = submit("long", out, "--requeue");
  wait_for_checkpoint(out);
  ASSERT_EQ(cluster::run_command({"scontrol", "requeue", job}).exit_code, 0);
  EXPECT_EQ(wait_state(job, {"COMPLETED", "FAILED", "CANCELLED"}), "COMPLETED");
  EXPECT_EQ(job_field(job, "Restarts"), "1");
  EXPECT_EQ(metric_rows(out / "results.sqlite"), reference("long"));
}

TEST_F(SlurmIntegration, TheTimeLimitWarningCheckpointsAndRequeuesTheJob) {
  const auto out = work_ / "warned";
  const auto job = submit("long", out, "--requeue");
  wait_for_checkpoint(out);
  // What --signal=B:USR2@120 sends before the time limit, sent now.
  ASSERT_EQ(cluster::run_command({"scancel", "--batch", "--signal=USR2", job}).exit_code, 0);
  EXPECT_EQ(wait_state(job, {"COMPLETED", "FAILED", "CANCELLED"}), "COMPLETED");
  EXPECT_EQ(job_field(job, "Restarts"), "1") << "the job requeued itself";
  std::ifstream log(out / ("slurm-" + job + ".out"));
  const std::string text(std::istreambuf_iterator<char>(log), {});
  EXPECT_NE(text.find("time-limit: stopping the sweep at its checkpoints"), std::string::npos)
      << text;
  EXPECT_NE(text.find("requeueing job " + job), std::string::npos) << text;
  EXPECT_EQ(metric_rows(out / "results.sqlite"), reference("long"));
}

TEST_F(SlurmIntegration, ACancelledJobResubmittedResumes) {
  const auto out = work_ / "cancelled";
  const auto first = submit("long", out, "");
  wait_for_checkpoint(out);
  ASSERT_EQ(cluster::run_command({"scancel", first}).exit_code, 0);
  EXPECT_EQ(wait_state(first, {"CANCELLED", "COMPLETED", "FAILED"}), "CANCELLED");
  {
    ResultsStore store(out / "results.sqlite", ResultsStore::Access::ReadOnly);
    EXPECT_LT(store.counts().done, 2);
  }
  const auto second = submit("long", out, "");
  EXPECT_EQ(wait_state(second, {"COMPLETED", "FAILED", "CANCELLED"}), "COMPLETED");
  EXPECT_EQ(metric_rows(out / "results.sqlite"), reference("long"));
  ResultsStore store(out / "results.sqlite", ResultsStore::Access::ReadOnly);
  EXPECT_EQ(store.jobs().size(), 2u);
}

TEST_F(SlurmIntegration, SbatchRefusalsAreOneClearLine) {
  auto r = run_adamix("submit " + q(spec("quick")) + " --out " + q(work_ / "bad") +
                      " --partition nosuchpartition");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("sbatch refused the job"), std::string::npos) << r.err;
  r = run_adamix("submit " + q(spec("quick")) + " --out " + q(work_ / "big") + " --nodes 4");
  EXPECT_EQ(r.exit_code, 2);  // a request this one-node cluster cannot fit
  EXPECT_NE(r.err.find("sbatch refused the job"), std::string::npos) << r.err;
  r = run_adamix("submit " + q(spec("quick")) + " --out " + q(work_ / "bad2") + " --nodes 0");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--nodes must be at least 1"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace adamix::testing
