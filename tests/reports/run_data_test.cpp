// Loading a run directory: trial configs, tags, changes, best-step metrics, curves, read-only
// access while the sweep writes.
#include "reports/run_data.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "tests/reports/report_fixture_helpers.h"

namespace adamix::reports {
namespace {

namespace fs = std::filesystem;
using test_util::demo_trials;
using test_util::write_run;

class RunDataTest : public test_util::RunDirTest {};

const TrialData& find(const RunData& data, const std::string& id) {
  for (const auto& t : data.trials) {
    if (t.id == id) return t;
  }
  throw std::runtime_error("no trial " + id);
}

TEST_F(RunDataTest, LoadsTrialsInSweepOrderWithFlatConfigs) {
  write_run(dir_, demo_trials());
  const auto data = load_run(dir_);
  EXPECT_EQ(data.run_dir, dir_);
  ASSERT_TRUE(data.sweep.has_value());
  EXPECT_EQ(data.sweep->name, "demo");
  ASSERT_EQ(data.trials.size(), 21u);
  EXPECT_EQ(data.trials.front().id, "c1");
  EXPECT_EQ(data.trials.back().id, "f1");
  EXPECT_EQ(data.counts.done, 16);
  EXPECT_EQ(data.counts.failed, 2);
  EXPECT_EQ(data.counts.running, 1);
  EXPECT_EQ(data.counts.queued, 2);

  const auto& b1 = find(data, "b1");
  EXPECT_EQ(b1.value("method.module"), "lora");
  EXPECT_EQ(b1.value("method.placement"), "[query, value]");
  EXPECT_EQ(b1.value("train.eval_every"), "epoch");
  EXPECT_EQ(b1.value("no.such.key"), "");
  EXPECT_FALSE(b1.has_key("no.such.key"));
  EXPECT_EQ(b1.config.front().first, "model");
  EXPECT_EQ(b1.config[1].first, "task.name");
  EXPECT_EQ(b1.task, "mrpc");
  EXPECT_EQ(find(data, "a3").task, "sst2");
}

TEST_F(RunDataTest, ParsesTagsWithCommasAndChangesWithSpaces) {
  write_run(dir_, demo_trials());
  const auto data = load_run(dir_);
  const auto& c1 = find(data, "c1");
  ASSERT_EQ(c1.tags.size(), 2u);
  EXPECT_EQ(c1.tags[0].group, "experts");
  EXPECT_EQ(c1.tags[0].variant, "M=4");
  EXPECT_EQ(c1.tags[1].group, "mve");
  EXPECT_TRUE(c1.changed_keys.empty());
  EXPECT_TRUE(find(data, "c2").changed_keys.empty());  // train.seed only

  const auto& b3 = find(data, "b3");
  ASSERT_EQ(b3.tags.size(), 1u);
  EXPECT_EQ(b3.tags[0].group, "baselines");
  EXPECT_EQ(b3.tags[0].variant, "method.module=lora,method.size=8");
  const std::vector<std::string> keys = {"task.name",      "task.dir",          "method.module",
                                         "method.size",    "method.alpha",      "method.placement",
                                         "method.experts", "method.expert_init"};
  EXPECT_EQ(b3.changed_keys, keys);
}

TEST_F(RunDataTest, TagVariantsKeepTheirCommasAndColons) {
  auto trials = demo_trials();
  trials[0].tags = "routing:fixed:0,0,lr:train.lr=1e-4,method.inference=fixed:1,0,grid";
  write_run(dir_, trials);
  const auto tags = load_run(dir_).trials.front().tags;
  ASSERT_EQ(tags.size(), 3u);
  EXPECT_EQ(tags[0].group, "routing");
  EXPECT_EQ(tags[0].variant, "fixed:0,0");
  EXPECT_EQ(tags[1].group, "lr");
  EXPECT_EQ(tags[1].variant, "train.lr=1e-4,method.inference=fixed:1,0");
  EXPECT_EQ(tags[2].group, "grid");
  EXPECT_EQ(tags[2].variant, "");
}

TEST_F(RunDataTest, BestStepGivesEveryMetricOfThatStep) {
  write_run(dir_, demo_trials());
  const auto data = load_run(dir_);
  const auto& c1 = find(data, "c1");
  ASSERT_TRUE(c1.best.has_value());
  EXPECT_EQ(c1.best->main_metric, "dev/accuracy");
  EXPECT_EQ(c1.best->step, 20);
  ASSERT_TRUE(c1.best->epoch.has_value());
  EXPECT_EQ(*c1.best->epoch, 2);
  EXPECT_DOUBLE_EQ(c1.best->value, 0.86);
  EXPECT_DOUBLE_EQ(c1.best->metrics.at("dev/f1"), 0.89);  // not the higher f1 of step 10
  EXPECT_EQ(c1.best->metrics.count("train/loss"), 0u);
  EXPECT_EQ(find(data, "c4").best->step, 10);
  EXPECT_FALSE(find(data, "d3").best.has_value());  // queued
  EXPECT_FALSE(find(data, "e2").facts.has_value());
  ASSERT_TRUE(find(data, "c1").facts.has_value());
  EXPECT_EQ(find(data, "c1").facts->params_trainable, 49920);
}

TEST_F(RunDataTest, CurveHoldsEveryMetricRow) {
  write_run(dir_, demo_trials());
  const auto points = load_curve(dir_, "c1");
  ASSERT_EQ(points.size(), 6u);  // 2 evaluations x (accuracy, f1, train loss)
  EXPECT_EQ(points[0].step, 10);
  EXPECT_EQ(points[0].epoch, 1);
  EXPECT_EQ(points[0].split, "dev");
  EXPECT_EQ(points[0].name, "accuracy");
  EXPECT_DOUBLE_EQ(points[0].value, 0.86 - 0.05);
  EXPECT_EQ(points[2].split, "train");
  EXPECT_EQ(points[2].name, "loss");
  EXPECT_EQ(points[5].step, 20);
  EXPECT_THROW(load_curve(dir_, "zz"), ConfigError);
}

TEST_F(RunDataTest, FolderWithoutDatabaseIsAConfigError) {
  try {
    load_run(dir_ / "nowhere");
    FAIL() << "nothing thrown";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("no results.sqlite"), std::string::npos) << e.what();
  }
}

TEST_F(RunDataTest, ReadsWhileTheWriterHoldsAnOpenTransaction) {
  auto trials = demo_trials();
  write_run(dir_, trials);
  storage::ResultsStore writer(dir_ / "results.sqlite", storage::ResultsStore::Access::ReadWrite);
  auto batch = writer.begin();
  writer.put_metric({"d3", 10, "dev", "accuracy", 0.5, 1, 1});
  writer.mark_done("d3", "2026-03-02T00:00:00.000Z");
  const auto data = load_run(dir_);  // sees the last commit, not the open transaction
  EXPECT_EQ(find(data, "d3").status, storage::TrialStatus::Queued);
  EXPECT_EQ(data.counts.queued, 2);
  batch.commit();
  const auto after = load_run(dir_);
  EXPECT_EQ(find(after, "d3").status, storage::TrialStatus::Done);
}

TEST_F(RunDataTest, SyntheticTasksWithOneNameAreToldApartByFolder) {
  auto trials = demo_trials();
  trials.resize(2);
  write_run(dir_, trials);
  {
    // Two synthetic folders named alike: the task key names the folder.
    storage::ResultsStore store(dir_ / "results.sqlite", storage::ResultsStore::Access::ReadWrite);
    test_util::FakeTrial one, two;
    one.id = "s1", one.task = "synthetic", two.id = "s2", two.task = "synthetic";
    auto yaml_two = test_util::trial_yaml(two);
    yaml_two.replace(yaml_two.find("data/synthetic"), 14, "data/other");
    store.ensure_trial("demo", {"s1", 5, test_util::trial_yaml(one), "g", "", "", 1});
    store.ensure_trial("demo", {"s2", 6, yaml_two, "g", "", "", 1});
  }
  const auto data = load_run(dir_);
  // Synthetic tasks are called by their folders' names.
  EXPECT_EQ(find(data, "s1").task, "synthetic");
  EXPECT_EQ(find(data, "s2").task, "other");
  EXPECT_EQ(find(data, "c1").task, "mrpc");
}

TEST(FlattenYaml, NestsDottedKeysAndRejectsNonMappings) {
  const auto flat = flatten_yaml("a: 1\nb: {c: x, d: [p, q]}\ne:\n", "t");
  ASSERT_EQ(flat.size(), 4u);
  EXPECT_EQ(flat[0], (std::pair<std::string, std::string>{"a", "1"}));
  EXPECT_EQ(flat[1], (std::pair<std::string, std::string>{"b.c", "x"}));
  EXPECT_EQ(flat[2], (std::pair<std::string, std::string>{"b.d", "[p, q]"}));
  EXPECT_EQ(flat[3], (std::pair<std::string, std::string>{"e", ""}));
  EXPECT_THROW(flatten_yaml("- a\n- b\n", "t"), IoError);
  EXPECT_THROW(flatten_yaml("a: [\n", "t"), IoError);
}

}  // namespace
}  // namespace adamix::reports
