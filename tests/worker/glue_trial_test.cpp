// `adamix train` on the official GLUE file layouts (small hand-written fixtures): each task's
// loader, head size and metrics flow through to metrics.jsonl.
#include <gtest/gtest.h>

#include <fstream>

#include "core/io/atomic_file.h"
#include "tests/support/cli_helpers.h"

namespace adamix::testing {
namespace {
namespace fs = std::filesystem;

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

TEST(GlueTrial, EveryTaskTrainsAndReportsItsMetrics) {
  TempDir dir;
  ASSERT_EQ(run_adamix("make-model --arch bert --hidden 32 --layers 1 --heads 4 --intermediate 64"
                       " --vocab-from " +
                       q(fs::path(ADAMIX_FIXTURES_DIR) / "vocab" / "bert-base-uncased") +
                       " --out " + q(dir / "model"))
                .exit_code,
            0);
  const std::vector<std::pair<std::string, std::vector<std::string>>> tasks = {
      {"CoLA", {"dev/mcc"}},
      {"SST-2", {"dev/accuracy"}},
      {"MRPC", {"dev/accuracy", "dev/f1"}},
      {"STS-B", {"dev/pearson", "dev/spearman"}},
      {"QQP", {"dev/accuracy", "dev/f1"}},
      {"MNLI", {"dev_matched/accuracy", "dev_mismatched/accuracy"}},
      {"QNLI", {"dev/accuracy"}},
      {"RTE", {"dev/accuracy"}},
      {"WNLI", {"dev/accuracy"}},
  };
  for (const auto& [task, metrics] : tasks) {
    SCOPED_TRACE(task);
    const auto config = dir / (task + ".yaml");
    std::ofstream(config) << "model: " << (dir / "model").string() << "\n"
                          << "task: {name: " << task
                          << ", dir: " << (fs::path(ADAMIX_FIXTURES_DIR) / "glue" / task).string()
                          << ", max_length: 64}\n"
                          << "method: {module: adapter, size: 4, experts: 2}\n"
                          << "train: {epochs: 1, batch_size: 4}\n";
    const auto r =
        run_adamix("train --threads 1 --config " + q(config) + " --out " + q(dir / task));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto lines = io::read_file(dir / task / "metrics.jsonl");
    for (const auto& metric : metrics)
      EXPECT_NE(lines.find("\"" + metric + "\""), std::string::npos) << metric << " in " << lines;
  }
}

}  // namespace
}  // namespace adamix::testing
