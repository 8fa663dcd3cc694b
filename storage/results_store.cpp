// Opening, schema migrations, transactions and writes of the results database; the reads live
// in results_store_reads.cpp.
#include "storage/results_store.h"

#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iterator>
#include <utility>

#include "core/error.h"
#include "storage/results_store_impl.h"

namespace adamix::storage {
namespace {

namespace fs = std::filesystem;

constexpr std::array<const char*, 4> kStatusNames = {"queued", "running", "done", "failed"};

// kMigrations[v] takes a database from schema version v to v + 1, in one transaction. Append
// only: databases in the field went through every earlier step.
constexpr const char* kMigrations[] = {R"sql(
CREATE TABLE schema_version(version INTEGER NOT NULL);
CREATE TABLE sweeps(
  name TEXT PRIMARY KEY, spec TEXT NOT NULL, created TEXT NOT NULL, software TEXT NOT NULL);
CREATE TABLE trials(
  id TEXT PRIMARY KEY,
  sweep TEXT NOT NULL REFERENCES sweeps(name),
  position INTEGER NOT NULL,
  config TEXT NOT NULL,
  config_group TEXT NOT NULL,
  tags TEXT NOT NULL,
  changes TEXT NOT NULL,
  expected_cost REAL NOT NULL,
  status TEXT NOT NULL CHECK(status IN ('queued', 'running', 'done', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  worker INTEGER, host TEXT, gpu TEXT, started TEXT, finished TEXT, heartbeat TEXT,
  step INTEGER, error TEXT,
  main_metric TEXT, params_backbone INTEGER, params_trainable INTEGER, params_merged INTEGER,
  params_head INTEGER, backbone_sha256 TEXT, total_steps INTEGER);
CREATE INDEX trials_by_status ON trials(status);
CREATE TABLE metrics(
  trial TEXT NOT NULL REFERENCES trials(id),
  step INTEGER NOT NULL,
  split TEXT NOT NULL,
  name TEXT NOT NULL,
  value REAL,  -- NULL = NaN
  epoch INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  PRIMARY KEY(trial, step, split, name));
CREATE INDEX metrics_by_series ON metrics(trial, split, name);
CREATE TABLE events(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time TEXT NOT NULL, trial TEXT, kind TEXT NOT NULL, text TEXT NOT NULL);
CREATE TABLE artifacts(
  trial TEXT NOT NULL REFERENCES trials(id),
  kind TEXT NOT NULL,
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  step INTEGER NOT NULL,
  PRIMARY KEY(trial, kind));
)sql",
                                       R"sql(
-- v1 -> v2: the Slurm jobs submitted for the sweep (adamix submit).
CREATE TABLE jobs(
  id TEXT PRIMARY KEY,
  submitted TEXT NOT NULL,
  script TEXT NOT NULL,
  note TEXT NOT NULL);
)sql"};
static_assert(std::size(kMigrations) == ResultsStore::kSchemaVersion);

constexpr char kPutSweep[] =
    "INSERT INTO sweeps(name, spec, created, software) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT(name) DO UPDATE SET "
    "spec = excluded.spec, created = excluded.created, software = excluded.software";
constexpr char kEnsureTrial[] =
    "INSERT INTO trials(id, sweep, position, config, config_group, tags, changes, "
    "expected_cost, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'queued') "
    "ON CONFLICT(id) DO UPDATE SET position = excluded.position, tags = excluded.tags, "
    "changes = excluded.changes, expected_cost = excluded.expected_cost";
constexpr char kMarkRunning[] =
    "UPDATE trials SET status = 'running', attempts = ?2, worker = ?3, host = ?4, gpu = ?5, "
    "started = ?6, heartbeat = ?6, finished = NULL, error = NULL WHERE id = ?1";
constexpr char kMarkDone[] = "UPDATE trials SET status = 'done', finished = ?2 WHERE id = ?1";
constexpr char kMarkFailed[] =
    "UPDATE trials SET status = 'failed', finished = ?2, error = ?3 WHERE id = ?1";
constexpr char kMarkQueued[] = "UPDATE trials SET status = 'queued', error = ?2 WHERE id = ?1";
constexpr char kRequeueRunning[] =
    "UPDATE trials SET status = 'queued', error = ?1 WHERE status = 'running'";
constexpr char kUpdateProgress[] = "UPDATE trials SET step = ?2, heartbeat = ?3 WHERE id = ?1";
constexpr char kSetTrialFacts[] =
    "UPDATE trials SET main_metric = ?2, params_backbone = ?3, params_trainable = ?4, "
    "params_merged = ?5, params_head = ?6, backbone_sha256 = ?7, total_steps = ?8 WHERE id = ?1";
constexpr char kPutMetric[] =
    "INSERT INTO metrics(trial, step, split, name, value, epoch, attempt) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(trial, step, split, name) DO UPDATE SET "
    "value = excluded.value, epoch = excluded.epoch, attempt = excluded.attempt";
constexpr char kDeleteMetricsAfter[] = "DELETE FROM metrics WHERE trial = ?1 AND step > ?2";
constexpr char kAddJob[] =
    "INSERT INTO jobs(id, submitted, script, note) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT(id) DO UPDATE SET submitted = excluded.submitted, script = excluded.script, "
    "note = excluded.note";
constexpr char kAddEvent[] = "INSERT INTO events(time, trial, kind, text) VALUES (?1, ?2, ?3, ?4)";
constexpr char kPutArtifact[] =
    "INSERT INTO artifacts(trial, kind, path, sha256, step) VALUES (?1, ?2, ?3, ?4, ?5) "
    "ON CONFLICT(trial, kind) DO UPDATE SET "
    "path = excluded.path, sha256 = excluded.sha256, step = excluded.step";

// Checked before SQLite sees the path, whose own message would be "unable to open database file".
void check_location(const fs::path& path, bool read_only) {
  const std::string what = path.string() + ": cannot open";
  std::error_code error;
  if (fs::is_directory(path, error)) throw IoError(what + ": it is a directory");
  if (read_only && !fs::exists(path, error)) throw IoError(what + ": no such file");
  const auto parent = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  if (!fs::is_directory(parent, error))
    throw IoError(what + ": directory " + parent.string() + " does not exist");
}

// 0 for an empty database; IoError for one that holds tables but no schema_version.
int64_t read_schema_version(const sqlite::Connection& db) {
  const std::string what = "cannot open";
  sqlite::Statement tables(db,
                           "SELECT count(*), max(name = 'schema_version') FROM sqlite_master "
                           "WHERE type = 'table'",
                           what);
  tables.next(what);  // an aggregate without GROUP BY always yields its one row
  if (tables.integer(1) == 0) {
    if (tables.integer(0) == 0) return 0;
    throw IoError(db.path().string() +
                  " is not an AdaMix results database (it has tables but no schema_version)");
  }
  sqlite::Statement version(db, "SELECT version FROM schema_version", what);
  if (!version.next(what)) throw IoError(db.path().string() + ": schema_version has no row");
  return version.integer(0);
}

// WAL lets `adamix status` read while rank 0 writes. It needs shared-memory locking, which some
// network file systems lack; SQLite then keeps the old mode instead of failing.
void use_wal(const sqlite::Connection& db) {
  const std::string what = "cannot switch to WAL journal mode";
  sqlite::Statement mode(db, "PRAGMA journal_mode = WAL", what);
  const std::string got = mode.next(what) ? mode.text(0) : "";
  if (got != "wal")
    throw IoError(db.path().string() + ": " + what + " (it stays '" + got +
                  "'); put the database on a local disk");
}

}  // namespace

const char* to_string(TrialStatus status) { return kStatusNames[static_cast<size_t>(status)]; }

TrialStatus parse_trial_status(const std::string& text) {
  for (size_t i = 0; i < kStatusNames.size(); ++i)
    if (text == kStatusNames[i]) return static_cast<TrialStatus>(i);
  throw ConfigError("unknown trial status '" + text +
                    "' (expected queued, running, done or failed)");
}

std::string utc_now() {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  const size_t length = std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(text + length, sizeof(text) - length, ".%03dZ", static_cast<int>(ms % 1000));
  return text;
}

void ResultsStore::Impl::require_writable(const std::string& operation) const {
  if (access == Access::ReadOnly)
    throw Error(db.path().string() + ": " + operation + ": the results database is open read-only");
}

sqlite::Statement& ResultsStore::Impl::write(const char* sql, const std::string& operation) {
  require_writable(operation);
  auto cached = writes.find(sql);
  if (cached == writes.end()) cached = writes.try_emplace(sql, db, sql, operation, true).first;
  return cached->second;
}

void ResultsStore::Impl::update_trial(sqlite::Statement& update, const std::string& operation,
                                      const std::string& id) {
  const std::string what = operation + " " + id;
  if (update.run(what) == 0) throw Error(db.path().string() + ": " + what + ": no such trial");
}

ResultsStore::ResultsStore(const fs::path& path, Access access) {
  const bool read_only = access == Access::ReadOnly;
  check_location(path, read_only);
  impl_ = std::make_unique<Impl>(path, access);
  auto& db = impl_->db;
  const int64_t version = read_schema_version(db);
  if (version < 0 || version > kSchemaVersion)
    throw IoError(path.string() + " has schema version " + std::to_string(version) +
                  "; this adamix knows up to " + std::to_string(kSchemaVersion));
  if (read_only && version == 0)
    throw IoError(path.string() + " is not an AdaMix results database (it is empty)");
  db.exec("PRAGMA foreign_keys = ON", "cannot open");
  impl_->version = static_cast<int>(version);
  if (read_only) return;
  use_wal(db);
  // In WAL mode NORMAL never corrupts the database; a power cut may lose the last commits,
  // which a resumed sweep writes again.
  db.exec("PRAGMA synchronous = NORMAL", "cannot open");
  for (int from = impl_->version; from < kSchemaVersion; ++from) {
    const std::string what = "cannot migrate to schema version " + std::to_string(from + 1);
    Transaction migration(*impl_);
    db.exec(kMigrations[from], what);
    db.exec("DELETE FROM schema_version", what);
    sqlite::Statement(db, "INSERT INTO schema_version(version) VALUES (?1)", what)
        .bind_int(1, from + 1)
        .run(what);
    migration.commit();
    impl_->version = from + 1;
  }
}

ResultsStore::~ResultsStore() = default;
ResultsStore::ResultsStore(ResultsStore&&) noexcept = default;
ResultsStore& ResultsStore::operator=(ResultsStore&&) noexcept = default;

int ResultsStore::schema_version() const { return impl_->version; }
const fs::path& ResultsStore::path() const { return impl_->db.path(); }

ResultsStore::Transaction::Transaction(Impl& impl) : impl_(&impl) {
  impl.db.exec("BEGIN IMMEDIATE", "cannot begin a transaction");
}

ResultsStore::Transaction::Transaction(Transaction&& other) noexcept
    : impl_(std::exchange(other.impl_, nullptr)) {}

ResultsStore::Transaction::~Transaction() {
  if (impl_ != nullptr) impl_->db.rollback();
}

void ResultsStore::Transaction::commit() {
  if (impl_ == nullptr) throw Error("commit of a transaction that is no longer open");
  impl_->db.exec("COMMIT", "cannot commit");
  impl_ = nullptr;
}

ResultsStore::Transaction ResultsStore::begin() {
  impl_->require_writable("begin");
  return Transaction(*impl_);
}

void ResultsStore::put_sweep(const SweepRow& sweep) {
  impl_->write(kPutSweep, "put_sweep")
      .bind_text(1, sweep.name)
      .bind_text(2, sweep.spec)
      .bind_text(3, sweep.created)
      .bind_text(4, sweep.software)
      .run("put_sweep " + sweep.name);
}

void ResultsStore::ensure_trial(const std::string& sweep, const NewTrial& trial) {
  impl_->write(kEnsureTrial, "ensure_trial")
      .bind_text(1, trial.id)
      .bind_text(2, sweep)
      .bind_int(3, trial.position)
      .bind_text(4, trial.config)
      .bind_text(5, trial.config_group)
      .bind_text(6, trial.tags)
      .bind_text(7, trial.changes)
      .bind_real(8, trial.expected_cost)
      .run("ensure_trial " + trial.id);
}

void ResultsStore::mark_running(const std::string& id, int64_t attempt, int64_t worker,
                                const std::string& host, const std::string& gpu,
                                const std::string& time) {
  auto& update = impl_->write(kMarkRunning, "mark_running");
  update.bind_text(1, id)
      .bind_int(2, attempt)
      .bind_int(3, worker)
      .bind_text_or_null(4, host)
      .bind_text_or_null(5, gpu)
      .bind_text(6, time);
  impl_->update_trial(update, "mark_running", id);
}

void ResultsStore::mark_done(const std::string& id, const std::string& time) {
  auto& update = impl_->write(kMarkDone, "mark_done");
  update.bind_text(1, id).bind_text(2, time);
  impl_->update_trial(update, "mark_done", id);
}

void ResultsStore::mark_failed(const std::string& id, const std::string& time,
                               const std::string& error) {
  auto& update = impl_->write(kMarkFailed, "mark_failed");
  update.bind_text(1, id).bind_text(2, time).bind_text_or_null(3, error);
  impl_->update_trial(update, "mark_failed", id);
}

void ResultsStore::mark_queued(const std::string& id, const std::string& error) {
  auto& update = impl_->write(kMarkQueued, "mark_queued");
  update.bind_text(1, id).bind_text_or_null(2, error);
  impl_->update_trial(update, "mark_queued", id);
}

int64_t ResultsStore::requeue_running(const std::string& note) {
  return impl_->write(kRequeueRunning, "requeue_running")
      .bind_text_or_null(1, note)
      .run("requeue_running");
}

void ResultsStore::update_progress(const std::string& id, int64_t step, const std::string& time) {
  auto& update = impl_->write(kUpdateProgress, "update_progress");
  update.bind_text(1, id).bind_int(2, step).bind_text(3, time);
  impl_->update_trial(update, "update_progress", id);
}

void ResultsStore::set_trial_facts(const std::string& id, const TrialFacts& facts) {
  // best_scores() splits it at the first '/'.
  const auto slash = facts.main_metric.find('/');
  if (slash == 0 || slash == std::string::npos || slash + 1 == facts.main_metric.size())
    throw ConfigError("trial " + id + ": main metric '" + facts.main_metric +
                      "' is not split/name (e.g. dev/accuracy)");
  auto& update = impl_->write(kSetTrialFacts, "set_trial_facts");
  update.bind_text(1, id)
      .bind_text(2, facts.main_metric)
      .bind_int(3, facts.params_backbone)
      .bind_int(4, facts.params_trainable)
      .bind_int(5, facts.params_merged)
      .bind_int(6, facts.params_head)
      .bind_text(7, facts.backbone_sha256)
      .bind_int(8, facts.total_steps);
  impl_->update_trial(update, "set_trial_facts", id);
}

void ResultsStore::put_metric(const MetricRow& metric) {
  impl_->write(kPutMetric, "put_metric")
      .bind_text(1, metric.trial)
      .bind_int(2, metric.step)
      .bind_text(3, metric.split)
      .bind_text(4, metric.name)
      .bind_real(5, metric.value)
      .bind_int(6, metric.epoch)
      .bind_int(7, metric.attempt)
      .run("put_metric for trial " + metric.trial);
}

int64_t ResultsStore::delete_metrics_after(const std::string& trial, int64_t step) {
  return impl_->write(kDeleteMetricsAfter, "delete_metrics_after")
      .bind_text(1, trial)
      .bind_int(2, step)
      .run("delete_metrics_after for trial " + trial);
}

void ResultsStore::add_event(const std::string& time, const std::string& trial,
                             const std::string& kind, const std::string& text) {
  impl_->write(kAddEvent, "add_event")
      .bind_text(1, time)
      .bind_text_or_null(2, trial)
      .bind_text(3, kind)
      .bind_text(4, text)
      .run("add_event " + kind);
}

void ResultsStore::add_job(const JobRow& job) {
  impl_->write(kAddJob, "add_job")
      .bind_text(1, job.id)
      .bind_text(2, job.submitted)
      .bind_text(3, job.script)
      .bind_text(4, job.note)
      .run("add_job " + job.id);
}

void ResultsStore::put_artifact(const ArtifactRow& artifact) {
  impl_->write(kPutArtifact, "put_artifact")
      .bind_text(1, artifact.trial)
      .bind_text(2, artifact.kind)
      .bind_text(3, artifact.path)
      .bind_text(4, artifact.sha256)
      .bind_int(5, artifact.step)
      .run("put_artifact for trial " + artifact.trial);
}

}  // namespace adamix::storage
