#pragma once
// The SQLite results database of one sweep (docs/formats.md "Results database"): sweeps, trials,
// metrics, events and artifacts. Rank 0 is its only writer; `adamix status` and `adamix report`
// open it read-only, also while a sweep runs (WAL journal).
//
//   using adamix::storage::ResultsStore;
//   ResultsStore store(run_dir / "results.sqlite", ResultsStore::Access::ReadWrite);
//   auto batch = store.begin();  // one commit for many rows
//   store.put_metric({"0123456789ab", 500, "dev", "accuracy", 0.81, 1, 1});
//   batch.commit();
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace adamix::storage {

enum class TrialStatus { Queued, Running, Done, Failed };
const char* to_string(TrialStatus status);                // "queued" "running" "done" "failed"
TrialStatus parse_trial_status(const std::string& text);  // ConfigError on an unknown word

struct SweepRow {
  std::string name;
  std::string spec;      // the frozen sweep YAML text
  std::string created;   // ISO-8601 UTC
  std::string software;  // "adamix 0.1.0 (git abc123)" or similar, free text
};

// What the orchestrator knows before a trial runs.
struct NewTrial {
  std::string id;            // 12 hex digits
  int64_t position = 0;      // order in the expanded sweep
  std::string config;        // resolved trial YAML
  std::string config_group;  // id of the config without its seed: the seeds of one configuration
  std::string tags;          // "routing:merged,sharing:up" free text
  std::string changes;       // "method.experts=2 train.seed=1" free text
  double expected_cost = 0;  // relative cost estimate (queue order)
};

// Reported by the trial once its model is built.
struct TrialFacts {
  std::string main_metric;  // "dev/accuracy" (split/name)
  int64_t params_backbone = 0, params_trainable = 0, params_merged = 0, params_head = 0;
  std::string backbone_sha256;
  int64_t total_steps = 0;
};

struct TrialRow {
  NewTrial trial;
  TrialStatus status = TrialStatus::Queued;
  int64_t attempts = 0;
  std::optional<int64_t> worker;
  std::string host, gpu, started, finished, heartbeat, error;  // empty = NULL
  std::optional<int64_t> step;                                 // last reported optimiser step
  std::optional<TrialFacts> facts;                             // absent until set_trial_facts
};

struct MetricRow {
  std::string trial;
  int64_t step = 0;
  std::string split;  // "dev", "dev_matched", "train"
  std::string name;   // "accuracy", "loss"
  double value = 0;   // NaN is stored as NULL and read back as NaN
  int64_t epoch = 0;
  int64_t attempt = 0;  // which attempt wrote it (information only, not part of the key)
};

struct EventRow {
  int64_t id = 0;
  std::string time, trial, kind, text;  // trial empty = sweep-level
};

struct ArtifactRow {
  std::string trial, kind, path, sha256;  // kind: "checkpoint", "best"
  int64_t step = 0;
};

// A Slurm job submitted for the sweep (`adamix submit`): its id, when, the script it ran.
struct JobRow {
  std::string id, submitted, script, note;  // note: "chain 2 of 3", "after 1234", ...
};

struct StatusCounts {
  int64_t queued = 0, running = 0, done = 0, failed = 0;
};

// Per trial: the evaluation with the best main metric.
struct BestScore {
  std::string trial;
  std::string main_metric;  // split/name
  double value = 0;
  int64_t step = 0;
  std::map<std::string, double> metrics_at_step;  // every "split/name" of that step but train/*
};

// Per config_group (and main metric) over its done trials: the seeds of one configuration.
struct GroupAggregate {
  std::string config_group;
  std::string main_metric;
  int64_t count = 0;
  double mean = 0, stddev = 0;  // sample standard deviation (n - 1); 0 when count == 1
  std::vector<std::string> trials;
};

class ResultsStore {
  struct Impl;

 public:
  enum class Access { ReadWrite, ReadOnly };

  // ReadWrite creates the file (its folder must exist) and migrates the schema to
  // kSchemaVersion. ReadOnly needs an existing results database and opens it with
  // SQLITE_OPEN_READONLY, so it reads while the writer runs. Both refuse a database whose schema
  // is newer than this build knows. IoError naming the path and SQLite's reason. The writer uses
  // the WAL journal with synchronous=NORMAL; both have foreign keys on and wait up to 10 s for
  // a lock.
  ResultsStore(const std::filesystem::path& path, Access access);
  ~ResultsStore();
  ResultsStore(ResultsStore&&) noexcept;
  ResultsStore& operator=(ResultsStore&&) noexcept;

  static constexpr int kSchemaVersion = 2;
  int schema_version() const;
  const std::filesystem::path& path() const;

  // Groups writes in BEGIN IMMEDIATE ... COMMIT; rolled back when destroyed without commit().
  // It must not outlive its store; transactions do not nest (IoError).
  class Transaction {
   public:
    Transaction(Transaction&& other) noexcept;
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    Transaction& operator=(Transaction&&) = delete;
    ~Transaction();
    void commit();  // IoError when COMMIT fails; the destructor then rolls back

   private:
    friend class ResultsStore;
    explicit Transaction(Impl& impl);
    Impl* impl_;  // nullptr once committed or moved from
  };
  Transaction begin();

  // --- writes: on a ReadOnly store each throws Error ---
  void put_sweep(const SweepRow& sweep);  // insert or replace (one row per name)
  // Inserts a queued trial; an existing row keeps its config, status and attempts but takes the
  // new position, tags, changes and expected cost.
  void ensure_trial(const std::string& sweep, const NewTrial& trial);
  // The mark_* calls, update_progress and set_trial_facts throw Error on an unknown id.
  //
  // Status running, attempts = attempt, started = heartbeat = time; error and finished cleared.
  void mark_running(const std::string& id, int64_t attempt, int64_t worker, const std::string& host,
                    const std::string& gpu, const std::string& time);
  void mark_done(const std::string& id, const std::string& time);
  void mark_failed(const std::string& id, const std::string& time,
                   const std::string& error);  // final failure
  // Back in the queue (retry, interrupted); keeps attempts; an empty error clears it.
  void mark_queued(const std::string& id, const std::string& error);
  // Every running trial back to queued with `note` as its error (resume after a crash).
  int64_t requeue_running(const std::string& note);
  void update_progress(const std::string& id, int64_t step, const std::string& time);
  // ConfigError when facts.main_metric is not "split/name".
  void set_trial_facts(const std::string& id, const TrialFacts& facts);
  void put_metric(const MetricRow& metric);  // upsert on (trial, step, split, name)
  int64_t delete_metrics_after(const std::string& trial, int64_t step);  // rows past step
  void add_event(const std::string& time, const std::string& trial, const std::string& kind,
                 const std::string& text);
  void put_artifact(const ArtifactRow& artifact);  // upsert on (trial, kind)
  void add_job(const JobRow& job);                 // upsert on id (schema version 2)

  // --- reads ---
  std::optional<SweepRow> sweep() const;  // the first sweep row
  std::vector<TrialRow> trials() const;   // ordered by position
  std::optional<TrialRow> trial(const std::string& id) const;
  StatusCounts counts() const;
  // "" = every trial's; ordered by trial position, step, split, name.
  std::vector<MetricRow> metrics(const std::string& trial = "") const;
  // last_n = 0: all, else the newest last_n; oldest first either way.
  std::vector<EventRow> events(int64_t last_n = 0) const;
  std::vector<JobRow> jobs() const;            // by submission time
  std::vector<ArtifactRow> artifacts() const;  // ordered by trial position, kind
  // Trials with facts and a main-metric value, by position. Higher is better (true of every
  // GLUE metric we report); NaN is ignored; ties go to the earliest step.
  std::vector<BestScore> best_scores() const;
  // Over done trials' best scores, ordered by the first position of each group.
  std::vector<GroupAggregate> group_aggregates() const;

 private:
  std::unique_ptr<Impl> impl_;
};

std::string utc_now();  // "2026-11-25T03:10:05.123Z"

}  // namespace adamix::storage
