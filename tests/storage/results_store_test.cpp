// The SQLite results database: opening and schema, writes, reads, aggregates.
#include "storage/results_store.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <regex>

#include "core/error.h"
#include "storage/sqlite_util.h"
#include "tests/storage/checkpoint_helpers.h"

namespace adamix::storage {
namespace {

namespace fs = std::filesystem;
using Access = ResultsStore::Access;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The message of the `E` that f() throws; fails the test when it throws nothing.
template <typename E, typename F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  ADD_FAILURE() << "nothing thrown";
  return "";
}

NewTrial new_trial(const std::string& id, int64_t position, const std::string& group = "g") {
  return {id,    position,         "model: m\ntrain: {seed: " + std::to_string(position) + "}\n",
          group, "routing:merged", "train.seed=" + std::to_string(position),
          1.5};
}

TrialFacts facts(const std::string& main_metric = "dev/accuracy") {
  return {main_metric, 110000000, 900000, 300000, 1538, std::string(64, 'c'), 3000};
}

class ResultsStoreTest : public test_util::ScratchDirTest {
 protected:
  fs::path db_path() const { return dir_ / "results.sqlite"; }

  // A writer holding sweep "s" with trials t0..t{n-1} at positions 0..n-1.
  ResultsStore writer_with_trials(int n) {
    ResultsStore store(db_path(), Access::ReadWrite);
    store.put_sweep({"s", "base: {}\n", "2026-01-02T03:04:05.000Z", "adamix 0.1.0"});
    for (int i = 0; i < n; ++i) store.ensure_trial("s", new_trial("t" + std::to_string(i), i));
    return store;
  }

  // Runs SQL on the file directly, as another program would.
  void raw_exec(const std::string& sql) {
    sqlite::Connection db(db_path(), false);
    db.exec(sql, "test");
  }
};

TEST_F(ResultsStoreTest, CreatesAndReopensKeepingRows) {
  {
    auto store = writer_with_trials(2);
    EXPECT_EQ(store.schema_version(), ResultsStore::kSchemaVersion);
    EXPECT_EQ(store.path(), db_path());
    store.put_metric({"t1", 10, "dev", "accuracy", 0.75, 1, 1});
    store.add_event("2026-01-02T03:04:06.000Z", "", "start", "sweep started");
  }
  for (auto access : {Access::ReadWrite, Access::ReadOnly}) {
    ResultsStore store(db_path(), access);
    EXPECT_EQ(store.schema_version(), 2);
    ASSERT_TRUE(store.sweep().has_value());
    EXPECT_EQ(store.sweep()->name, "s");
    EXPECT_EQ(store.sweep()->spec, "base: {}\n");
    EXPECT_EQ(store.sweep()->created, "2026-01-02T03:04:05.000Z");
    EXPECT_EQ(store.sweep()->software, "adamix 0.1.0");
    const auto trials = store.trials();
    ASSERT_EQ(trials.size(), 2u);
    EXPECT_EQ(trials[0].trial.id, "t0");
    EXPECT_EQ(trials[1].trial.config, new_trial("t1", 1).config);
    EXPECT_EQ(trials[1].trial.changes, "train.seed=1");
    EXPECT_EQ(trials[1].trial.expected_cost, 1.5);
    EXPECT_EQ(trials[1].status, TrialStatus::Queued);
    EXPECT_FALSE(trials[1].worker.has_value());
    EXPECT_FALSE(trials[1].facts.has_value());
    EXPECT_EQ(store.metrics().size(), 1u);
    ASSERT_EQ(store.events().size(), 1u);
    EXPECT_EQ(store.events()[0].trial, "");  // sweep-level
  }
}

TEST_F(ResultsStoreTest, MovedStoreKeepsWorking) {
  auto store = writer_with_trials(1);
  ResultsStore moved = std::move(store);
  moved.mark_done("t0", "now");
  EXPECT_EQ(moved.counts().done, 1);
}

TEST_F(ResultsStoreTest, KeepsOneSchemaVersionRow) {
  writer_with_trials(0);
  ResultsStore again(db_path(), Access::ReadWrite);  // an up-to-date database is not migrated
  sqlite::Connection db(db_path(), true);
  sqlite::Statement select(db, "SELECT version FROM schema_version", "test");
  ASSERT_TRUE(select.next("test"));
  EXPECT_EQ(select.integer(0), ResultsStore::kSchemaVersion);
  EXPECT_FALSE(select.next("test"));
}

TEST_F(ResultsStoreTest, RefusesANewerSchemaInBothModes) {
  writer_with_trials(1);
  raw_exec("UPDATE schema_version SET version = 9");
  for (auto access : {Access::ReadWrite, Access::ReadOnly}) {
    const auto message = message_of<IoError>([&] { ResultsStore(db_path(), access); });
    EXPECT_EQ(message, db_path().string() + " has schema version 9; this adamix knows up to 2");
  }
}

TEST_F(ResultsStoreTest, FileThatIsNotADatabaseIsOneIoErrorLine) {
  test_util::write_bytes(db_path(), std::string(4096, 'x'));
  for (auto access : {Access::ReadWrite, Access::ReadOnly}) {
    const auto message = message_of<IoError>([&] { ResultsStore(db_path(), access); });
    EXPECT_EQ(message, db_path().string() + ": cannot open: file is not a database");
  }
  EXPECT_EQ(test_util::read_bytes(db_path()), std::string(4096, 'x'));  // left alone
}

TEST_F(ResultsStoreTest, RefusesOtherSqliteDatabases) {
  raw_exec("CREATE TABLE notes(text TEXT)");
  for (auto access : {Access::ReadWrite, Access::ReadOnly}) {
    EXPECT_NE(message_of<IoError>([&] {
                ResultsStore(db_path(), access);
              }).find("is not an AdaMix results database"),
              std::string::npos);
  }
  test_util::write_bytes(dir_ / "empty.sqlite", "");
  EXPECT_EQ(message_of<IoError>([&] { ResultsStore(dir_ / "empty.sqlite", Access::ReadOnly); }),
            (dir_ / "empty.sqlite").string() + " is not an AdaMix results database (it is empty)");
  ResultsStore(dir_ / "empty.sqlite", Access::ReadWrite);  // an empty file is a new database
}

TEST_F(ResultsStoreTest, MissingFileOrFolderIsIoError) {
  EXPECT_EQ(message_of<IoError>([&] { ResultsStore(db_path(), Access::ReadOnly); }),
            db_path().string() + ": cannot open: no such file");
  EXPECT_FALSE(fs::exists(db_path()));  // not created
  const auto nested = dir_ / "missing" / "results.sqlite";
  EXPECT_EQ(message_of<IoError>([&] { ResultsStore(nested, Access::ReadWrite); }),
            nested.string() + ": cannot open: directory " + (dir_ / "missing").string() +
                " does not exist");
}

TEST_F(ResultsStoreTest, ReadOnlyStoreRefusesWrites) {
  writer_with_trials(1);
  ResultsStore store(db_path(), Access::ReadOnly);
  const auto refused = message_of<Error>([&] { store.mark_done("t0", "now"); });
  EXPECT_EQ(refused, db_path().string() + ": mark_done: the results database is open read-only");
  EXPECT_THROW(store.begin(), Error);
  EXPECT_THROW(store.put_sweep({"s2", "", "", ""}), Error);
  EXPECT_THROW(store.ensure_trial("s", new_trial("t9", 9)), Error);
  EXPECT_THROW(store.mark_running("t0", 1, 1, "h", "g", "now"), Error);
  EXPECT_THROW(store.mark_failed("t0", "now", "boom"), Error);
  EXPECT_THROW(store.mark_queued("t0", ""), Error);
  EXPECT_THROW(store.requeue_running("x"), Error);
  EXPECT_THROW(store.update_progress("t0", 1, "now"), Error);
  EXPECT_THROW(store.set_trial_facts("t0", facts()), Error);
  EXPECT_THROW(store.put_metric({"t0", 1, "dev", "accuracy", 1, 0, 1}), Error);
  EXPECT_THROW(store.delete_metrics_after("t0", 0), Error);
  EXPECT_THROW(store.add_event("now", "", "k", "t"), Error);
  EXPECT_THROW(store.put_artifact({"t0", "best", "p", "h", 1}), Error);
  EXPECT_EQ(store.counts().queued, 1);
  EXPECT_TRUE(store.metrics().empty());
}

TEST_F(ResultsStoreTest, ReaderSeesWhatAnOpenWriterCommitted) {
  auto writer = writer_with_trials(1);
  writer.put_metric({"t0", 1, "dev", "accuracy", 0.5, 0, 1});
  ResultsStore reader(db_path(), Access::ReadOnly);
  EXPECT_EQ(reader.metrics("t0").size(), 1u);

  auto batch = writer.begin();
  writer.put_metric({"t0", 2, "dev", "accuracy", 0.6, 0, 1});
  writer.mark_running("t0", 1, 3, "node7", "cuda:0", "now");
  EXPECT_EQ(reader.metrics("t0").size(), 1u);  // not committed yet, and the reader does not wait
  EXPECT_EQ(reader.counts().queued, 1);
  batch.commit();
  EXPECT_EQ(reader.metrics("t0").size(), 2u);
  EXPECT_EQ(reader.counts().running, 1);
}

TEST_F(ResultsStoreTest, MetricUpsertIsIdempotent) {
  auto store = writer_with_trials(1);
  for (int round = 0; round < 2; ++round) {
    for (int step = 1; step <= 3; ++step) {
      store.put_metric({"t0", step, "dev", "accuracy", 0.1 * step + round, 1, round + 1});
      store.put_metric({"t0", step, "train", "loss", 2.0 / step, 1, round + 1});
    }
  }
  const auto rows = store.metrics("t0");
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[0].split, "dev");  // ordered by step, split, name
  EXPECT_EQ(rows[1].split, "train");
  EXPECT_EQ(rows[4].step, 3);
  EXPECT_DOUBLE_EQ(rows[4].value, 1.3);  // the second round's value
  EXPECT_EQ(rows[4].attempt, 2);
}

TEST_F(ResultsStoreTest, MetricsOfAnUnknownTrialAreRefused) {
  auto store = writer_with_trials(1);
  const auto message = message_of<IoError>([&] {
    store.put_metric({"nope", 1, "dev", "accuracy", 1, 0, 1});
  });
  EXPECT_EQ(message,
            db_path().string() + ": put_metric for trial nope: FOREIGN KEY constraint failed");
}

TEST_F(ResultsStoreTest, DeletesMetricsAfterAStep) {
  auto store = writer_with_trials(2);
  for (int step = 1; step <= 5; ++step) {
    store.put_metric({"t0", step, "dev", "accuracy", 0.5, 0, 1});
    store.put_metric({"t1", step, "dev", "accuracy", 0.5, 0, 1});
  }
  EXPECT_EQ(store.delete_metrics_after("t0", 3), 2);
  EXPECT_EQ(store.delete_metrics_after("t0", 3), 0);
  const auto rows = store.metrics("t0");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows.back().step, 3);
  EXPECT_EQ(store.metrics("t1").size(), 5u);  // other trials untouched
  EXPECT_EQ(store.metrics().size(), 8u);
}

TEST_F(ResultsStoreTest, NanRoundTripsAsNull) {
  auto store = writer_with_trials(1);
  store.put_metric({"t0", 1, "train", "loss", kNaN, 0, 1});
  const auto rows = store.metrics();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(std::isnan(rows[0].value));
  sqlite::Connection db(db_path(), true);
  sqlite::Statement select(db, "SELECT count(*) FROM metrics WHERE value IS NULL", "test");
  ASSERT_TRUE(select.next("test"));
  EXPECT_EQ(select.integer(0), 1);
}

TEST_F(ResultsStoreTest, StatusTransitionsAndCounts) {
  auto store = writer_with_trials(4);
  store.mark_running("t0", 1, 2, "node1", "cuda:1", "T1");
  auto t0 = *store.trial("t0");
  EXPECT_EQ(t0.status, TrialStatus::Running);
  EXPECT_EQ(t0.attempts, 1);
  EXPECT_EQ(t0.worker, 2);
  EXPECT_EQ(t0.host, "node1");
  EXPECT_EQ(t0.gpu, "cuda:1");
  EXPECT_EQ(t0.started, "T1");
  EXPECT_EQ(t0.heartbeat, "T1");

  store.update_progress("t0", 250, "T2");
  store.set_trial_facts("t0", facts());
  t0 = *store.trial("t0");
  EXPECT_EQ(t0.step, 250);
  EXPECT_EQ(t0.heartbeat, "T2");
  ASSERT_TRUE(t0.facts.has_value());
  EXPECT_EQ(t0.facts->main_metric, "dev/accuracy");
  EXPECT_EQ(t0.facts->params_head, 1538);
  EXPECT_EQ(t0.facts->total_steps, 3000);

  store.mark_queued("t0", "out of memory");
  t0 = *store.trial("t0");
  EXPECT_EQ(t0.status, TrialStatus::Queued);
  EXPECT_EQ(t0.attempts, 1);
  EXPECT_EQ(t0.error, "out of memory");
  store.mark_running("t0", 2, 1, "", "", "T3");  // empty host and gpu are NULL
  t0 = *store.trial("t0");
  EXPECT_EQ(t0.attempts, 2);
  EXPECT_EQ(t0.error, "");
  EXPECT_EQ(t0.host, "");
  store.mark_done("t0", "T4");
  EXPECT_EQ(store.trial("t0")->finished, "T4");

  store.mark_running("t1", 1, 1, "h", "g", "T1");
  store.mark_failed("t1", "T5", "NaN loss at step 7");
  const auto t1 = *store.trial("t1");
  EXPECT_EQ(t1.status, TrialStatus::Failed);
  EXPECT_EQ(t1.error, "NaN loss at step 7");
  EXPECT_EQ(t1.finished, "T5");
  store.mark_running("t2", 1, 1, "h", "g", "T1");

  const auto counts = store.counts();
  EXPECT_EQ(counts.queued, 1);
  EXPECT_EQ(counts.running, 1);
  EXPECT_EQ(counts.done, 1);
  EXPECT_EQ(counts.failed, 1);
  EXPECT_FALSE(store.trial("nope").has_value());
}

TEST_F(ResultsStoreTest, UpdatesOfAnUnknownTrialNameIt) {
  auto store = writer_with_trials(1);
  EXPECT_EQ(message_of<Error>([&] { store.mark_done("0123456789ab", "now"); }),
            db_path().string() + ": mark_done 0123456789ab: no such trial");
  EXPECT_THROW(store.mark_running("x", 1, 1, "h", "g", "now"), Error);
  EXPECT_THROW(store.mark_failed("x", "now", "e"), Error);
  EXPECT_THROW(store.mark_queued("x", ""), Error);
  EXPECT_THROW(store.update_progress("x", 1, "now"), Error);
  EXPECT_THROW(store.set_trial_facts("x", facts()), Error);
}

TEST_F(ResultsStoreTest, MainMetricMustBeSplitSlashName) {
  auto store = writer_with_trials(1);
  for (const char* bad : {"accuracy", "/accuracy", "dev/", ""})
    EXPECT_THROW(store.set_trial_facts("t0", facts(bad)), ConfigError) << bad;
  EXPECT_FALSE(store.trial("t0")->facts.has_value());
}

TEST_F(ResultsStoreTest, RequeuesRunningTrials) {
  auto store = writer_with_trials(3);
  store.mark_running("t0", 1, 1, "h", "g", "T");
  store.mark_running("t2", 3, 2, "h", "g", "T");
  store.mark_running("t1", 1, 1, "h", "g", "T");
  store.mark_done("t1", "T");
  EXPECT_EQ(store.requeue_running("interrupted: the sweep restarted"), 2);
  EXPECT_EQ(store.counts().queued, 2);
  EXPECT_EQ(store.counts().done, 1);
  const auto t2 = *store.trial("t2");
  EXPECT_EQ(t2.attempts, 3);
  EXPECT_EQ(t2.error, "interrupted: the sweep restarted");
  EXPECT_EQ(store.requeue_running("again"), 0);
}

TEST_F(ResultsStoreTest, EnsureTrialKeepsStatusButRefreshesQueueFields) {
  auto store = writer_with_trials(1);
  store.mark_running("t0", 2, 1, "h", "g", "T");
  store.mark_done("t0", "T");
  NewTrial again = new_trial("t0", 7);
  again.config = "changed: true\n";
  again.tags = "new:tag";
  again.changes = "x=1";
  again.expected_cost = 9;
  store.ensure_trial("s", again);
  const auto t0 = *store.trial("t0");
  EXPECT_EQ(t0.status, TrialStatus::Done);
  EXPECT_EQ(t0.attempts, 2);
  EXPECT_EQ(t0.trial.config, new_trial("t0", 0).config);
  EXPECT_EQ(t0.trial.position, 7);
  EXPECT_EQ(t0.trial.tags, "new:tag");
  EXPECT_EQ(t0.trial.changes, "x=1");
  EXPECT_EQ(t0.trial.expected_cost, 9);
  EXPECT_EQ(store.trials().size(), 1u);
}

TEST_F(ResultsStoreTest, TransactionRollsBackUnlessCommitted) {
  auto store = writer_with_trials(1);
  {
    auto batch = store.begin();
    store.put_metric({"t0", 1, "dev", "accuracy", 0.5, 0, 1});
    store.mark_done("t0", "T");
  }
  EXPECT_TRUE(store.metrics().empty());
  EXPECT_EQ(store.counts().queued, 1);
  {
    auto batch = store.begin();
    store.put_metric({"t0", 1, "dev", "accuracy", 0.5, 0, 1});
    auto moved = std::move(batch);
    moved.commit();
    EXPECT_THROW(moved.commit(), Error);
  }
  EXPECT_EQ(store.metrics().size(), 1u);
  {
    auto batch = store.begin();
    EXPECT_THROW(store.begin(), IoError);  // no nesting
    store.put_metric({"t0", 2, "dev", "accuracy", 0.5, 0, 1});
  }
  EXPECT_EQ(store.metrics().size(), 1u);
}

TEST_F(ResultsStoreTest, BestScoresPickTheMaximumAndTheEarliestStepOnTies) {
  auto store = writer_with_trials(4);
  store.set_trial_facts("t0", facts());
  store.set_trial_facts("t1", facts("dev_matched/accuracy"));
  store.set_trial_facts("t2", facts());  // facts but no main-metric rows
  // t3 has rows but no facts
  const std::vector<std::pair<int64_t, double>> t0 = {
      {100, 0.6}, {200, 0.8}, {300, kNaN}, {400, 0.8}, {500, 0.7}};
  for (const auto& [step, value] : t0) {
    store.put_metric({"t0", step, "dev", "accuracy", value, 0, 1});
    store.put_metric({"t0", step, "dev", "f1", value - 0.1, 0, 1});
    store.put_metric({"t0", step, "train", "loss", 1.0, 0, 1});
  }
  store.put_metric({"t1", 10, "dev_matched", "accuracy", 0.9, 0, 1});
  store.put_metric({"t1", 10, "dev_mismatched", "accuracy", 0.85, 0, 1});
  store.put_metric({"t1", 20, "dev_matched", "accuracy", 0.91, 0, 1});
  store.put_metric({"t1", 30, "dev", "accuracy", 0.99, 0, 1});  // not the main metric
  store.put_metric({"t2", 10, "dev", "f1", 0.5, 0, 1});
  store.put_metric({"t3", 10, "dev", "accuracy", 0.5, 0, 1});

  const auto best = store.best_scores();
  ASSERT_EQ(best.size(), 2u);
  EXPECT_EQ(best[0].trial, "t0");
  EXPECT_EQ(best[0].main_metric, "dev/accuracy");
  EXPECT_EQ(best[0].value, 0.8);
  EXPECT_EQ(best[0].step, 200);
  const std::map<std::string, double> at_200 = {{"dev/accuracy", 0.8}, {"dev/f1", 0.8 - 0.1}};
  EXPECT_EQ(best[0].metrics_at_step, at_200);
  EXPECT_EQ(best[1].trial, "t1");
  EXPECT_EQ(best[1].value, 0.91);
  EXPECT_EQ(best[1].step, 20);
  EXPECT_EQ(best[1].metrics_at_step.size(), 1u);
}

TEST_F(ResultsStoreTest, GroupAggregatesCountDoneTrialsOnly) {
  ResultsStore store(db_path(), Access::ReadWrite);
  store.put_sweep({"s", "", "", ""});
  // Group "b" starts first; group "a" has three done seeds and one still running.
  const std::vector<std::tuple<std::string, std::string, double, bool>> rows = {
      {"b0", "b", 0.4, true},
      {"a0", "a", 0.5, true},
      {"a1", "a", 0.7, true},
      {"a2", "a", 0.9, true},
      {"a3", "a", 0.1, false}};
  int position = 0;
  for (const auto& [id, group, value, done] : rows) {
    store.ensure_trial("s", new_trial(id, position++, group));
    store.set_trial_facts(id, facts());
    store.put_metric({id, 100, "dev", "accuracy", value, 0, 1});
    store.put_metric({id, 50, "dev", "accuracy", value - 0.2, 0, 1});
    store.mark_running(id, 1, 1, "h", "g", "T");
    if (done) store.mark_done(id, "T");
  }
  store.ensure_trial("s", new_trial("c0", position++, "c"));  // done without metrics
  store.mark_done("c0", "T");

  const auto groups = store.group_aggregates();
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].config_group, "b");
  EXPECT_EQ(groups[0].count, 1);
  EXPECT_DOUBLE_EQ(groups[0].mean, 0.4);
  EXPECT_EQ(groups[0].stddev, 0);
  EXPECT_EQ(groups[1].config_group, "a");
  EXPECT_EQ(groups[1].main_metric, "dev/accuracy");
  EXPECT_EQ(groups[1].count, 3);
  EXPECT_NEAR(groups[1].mean, 0.7, 1e-12);
  EXPECT_NEAR(groups[1].stddev, 0.2, 1e-12);
  EXPECT_EQ(groups[1].trials, (std::vector<std::string>{"a0", "a1", "a2"}));
}

TEST_F(ResultsStoreTest, EventsLastNAreTheNewestOldestFirst) {
  auto store = writer_with_trials(1);
  for (int i = 0; i < 5; ++i)
    store.add_event("T" + std::to_string(i), i % 2 ? "t0" : "", "kind",
                    "event " + std::to_string(i));
  const auto all = store.events();
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[0].text, "event 0");
  EXPECT_EQ(all[1].trial, "t0");
  const auto last = store.events(2);
  ASSERT_EQ(last.size(), 2u);
  EXPECT_EQ(last[0].text, "event 3");
  EXPECT_EQ(last[1].text, "event 4");
  EXPECT_EQ(last[1].time, "T4");
  EXPECT_LT(last[0].id, last[1].id);
  EXPECT_EQ(store.events(10).size(), 5u);
}

TEST_F(ResultsStoreTest, ArtifactsUpsertOnTrialAndKind) {
  auto store = writer_with_trials(2);
  store.put_artifact({"t1", "checkpoint", "trials/t1/checkpoint.h5", "aa", 100});
  store.put_artifact({"t0", "best", "trials/t0/best.h5", "bb", 50});
  store.put_artifact({"t1", "checkpoint", "trials/t1/checkpoint.h5", "cc", 200});
  store.put_artifact({"t1", "best", "trials/t1/best.h5", "dd", 200});
  const auto rows = store.artifacts();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].trial, "t0");
  EXPECT_EQ(rows[1].kind, "best");
  EXPECT_EQ(rows[2].kind, "checkpoint");
  EXPECT_EQ(rows[2].sha256, "cc");
  EXPECT_EQ(rows[2].step, 200);
}

TEST_F(ResultsStoreTest, TenThousandMetricRowsInOneTransaction) {
  auto store = writer_with_trials(2);
  auto batch = store.begin();
  for (int i = 0; i < 10000; ++i)
    store.put_metric(
        {"t" + std::to_string(i % 2), i / 2, "dev", "accuracy", i * 1e-4, i / 1000, 1});
  batch.commit();
  const auto rows = store.metrics();
  ASSERT_EQ(rows.size(), 10000u);
  EXPECT_EQ(rows[0].trial, "t0");
  EXPECT_EQ(rows[4999].step, 4999);
  EXPECT_EQ(rows[5000].trial, "t1");
  EXPECT_DOUBLE_EQ(rows[9999].value, 9999 * 1e-4);
  EXPECT_EQ(ResultsStore(db_path(), Access::ReadOnly).metrics("t1").size(), 5000u);
}

TEST(TrialStatusTest, NamesRoundTrip) {
  for (auto status :
       {TrialStatus::Queued, TrialStatus::Running, TrialStatus::Done, TrialStatus::Failed})
    EXPECT_EQ(parse_trial_status(to_string(status)), status);
  EXPECT_STREQ(to_string(TrialStatus::Running), "running");
  EXPECT_THROW(parse_trial_status("finished"), ConfigError);
}

TEST(UtcNowTest, IsIso8601WithMilliseconds) {
  EXPECT_TRUE(
      std::regex_match(utc_now(), std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)")));
}

}  // namespace
}  // namespace adamix::storage

namespace adamix::storage {
namespace {

class ResultsStoreMigrationTest : public test_util::ScratchDirTest {};

// A version-1 database (made by an adamix before the jobs table) opened for writing is
// migrated in place: its rows stay, and Slurm jobs can be recorded.
TEST_F(ResultsStoreMigrationTest, MigratesAVersionOneDatabaseKeepingItsRows) {
  const auto path = dir_ / "results.sqlite";
  {
    ResultsStore store(path, ResultsStore::Access::ReadWrite);
    store.put_sweep({"s", "base: {}\n", "2026-01-02T03:04:05.000Z", "adamix 0.1.0"});
    store.ensure_trial("s", {"t1", 0, "yaml", "g", "", "", 1.0});
  }
  {
    sqlite::Connection db(path, false);
    db.exec("DROP TABLE jobs; UPDATE schema_version SET version = 1", "test");
  }
  {
    ResultsStore reader(path, ResultsStore::Access::ReadOnly);
    EXPECT_EQ(reader.schema_version(), 1);
    EXPECT_EQ(reader.trials().size(), 1u);
  }
  ResultsStore store(path, ResultsStore::Access::ReadWrite);
  EXPECT_EQ(store.schema_version(), 2);
  EXPECT_EQ(store.trials().size(), 1u);
  store.add_job({"1234", "2026-01-02T03:04:06.000Z", "#!/bin/bash\n", "chain 1 of 2"});
  store.add_job({"1234", "2026-01-02T03:04:07.000Z", "#!/bin/bash\n", "resubmitted"});
  const auto jobs = store.jobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].note, "resubmitted");
}

}  // namespace
}  // namespace adamix::storage
