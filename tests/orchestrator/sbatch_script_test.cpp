// The batch script `adamix submit` writes, and its errors when Slurm is missing.
#include "cluster/sbatch_script.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "cluster/slurm.h"
#include "core/error.h"

namespace adamix::cluster {
namespace {

SubmitSettings settings() {
  SubmitSettings s;
  s.sweep_name = "abl";
  s.spec = "/home/me/it's here/sweep.yaml";
  s.run_dir = "/scratch/runs/abl";
  s.work_dir = "/home/me";
  s.executable = "/opt/adamix/bin/adamix";
  s.adamix_version = "0.1.0";
  return s;
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(SbatchScript, OneMpiJobWithAWarningSignalAndSafeQuoting) {
  auto s = settings();
  s.nodes = 2;
  s.gpus_per_node = 4;
  s.time = "1-00:00:00";
  s.partition = "gpu";
  s.requeue = true;
  s.sbatch_args = {"--constraint=a100"};
  s.sets = {"base.train.epochs=1", "seeds=[1, 2]"};
  s.environment = "module load cuda/12.1\nexport OMP_NUM_THREADS=8";
  const auto script = sbatch_script(s);
  EXPECT_EQ(script.rfind("#!/bin/bash\n", 0), 0u);
  EXPECT_TRUE(has(script, "#SBATCH --nodes=2\n"));
  EXPECT_TRUE(has(script, "#SBATCH --ntasks=9   # 2 x 4 workers + the orchestrator\n"));
  EXPECT_TRUE(has(script, "#SBATCH --gpus-per-node=4\n"));
  EXPECT_TRUE(has(script, "#SBATCH --time=1-00:00:00\n"));
  EXPECT_TRUE(has(script, "#SBATCH --partition=gpu\n"));
  EXPECT_TRUE(has(script, "#SBATCH --signal=B:USR2@120\n"));
  EXPECT_TRUE(has(script, "#SBATCH --requeue"));
  EXPECT_TRUE(has(script, "#SBATCH --constraint=a100\n"));
  EXPECT_TRUE(has(script, "#SBATCH --open-mode=append\n"));  // a requeue must not truncate
  EXPECT_TRUE(has(script, "module load cuda/12.1\nexport OMP_NUM_THREADS=8\n"));
  EXPECT_TRUE(has(script, "spec='/home/me/it'\\''s here/sweep.yaml'\n"));
  EXPECT_TRUE(has(script, "srun --mpi=pmix"));
  EXPECT_TRUE(has(script, "--resume"));
  EXPECT_TRUE(has(script, "--gpus-per-worker 1"));
  EXPECT_TRUE(has(script, "--set 'base.train.epochs=1'"));  // the job expands the same trials
  EXPECT_TRUE(has(script, "--set 'seeds=[1, 2]'"));
  EXPECT_TRUE(has(script, "trap 'stop time-limit' USR2"));
  EXPECT_TRUE(has(script, "scontrol requeue"));
  // Environment lines come before the sweep starts.
  EXPECT_LT(script.find("module load"), script.find("srun --mpi=pmix"));
}

TEST(SbatchScript, CpuSweepsHaveNoGpuLinesAndDoNotRequeueByDefault) {
  auto s = settings();
  s.workers_per_node = 3;
  const auto script = sbatch_script(s);
  EXPECT_FALSE(has(script, "gpus"));
  EXPECT_TRUE(has(script, "#SBATCH --ntasks=4"));
  EXPECT_TRUE(has(script, "#SBATCH --no-requeue\n"));
  EXPECT_TRUE(has(script, "requeue=0\n"));
}

TEST(SbatchScript, RefusesCountsSlurmWouldRejectConfusingly) {
  auto s = settings();
  s.nodes = 0;
  EXPECT_THROW(sbatch_script(s), ConfigError);
  s = settings();
  s.gpus_per_node = -1;
  EXPECT_THROW(sbatch_script(s), ConfigError);
}

TEST(Slurm, MissingSbatchIsOneClearError) {
  const std::string saved = std::getenv("PATH") ? std::getenv("PATH") : "";
  setenv("PATH", "/nonexistent", 1);
  try {
    submit_batch("/tmp/job.sbatch", "");
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_TRUE(has(e.what(), "sbatch not found")) << e.what();
  }
  EXPECT_EQ(job_state("123"), "");  // no Slurm: no state, no error
  setenv("PATH", saved.c_str(), 1);
}

}  // namespace
}  // namespace adamix::cluster
