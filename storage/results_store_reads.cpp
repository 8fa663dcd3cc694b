// The read side of the results database: rows as structs, best scores and seed aggregates.
// Each function is one SELECT, so it sees one consistent snapshot while rank 0 writes.
#include <cmath>
#include <numeric>

#include "storage/results_store.h"
#include "storage/results_store_impl.h"

namespace adamix::storage {
namespace {

constexpr char kTrialSelect[] =
    "SELECT id, position, config, config_group, tags, changes, expected_cost, status, attempts, "
    "worker, host, gpu, started, finished, heartbeat, error, step, main_metric, "
    "params_backbone, params_trainable, params_merged, params_head, backbone_sha256, "
    "total_steps FROM trials";

// Each trial's main-metric rows ranked best first (place = 1): the highest value, then the
// earliest step. main_metric is "split/name", split at its first '/'; NULL (NaN) values drop.
constexpr char kRankedCte[] =
    "WITH best AS (SELECT t.id, t.position, t.config_group, t.status, t.main_metric, m.value, "
    "m.step, row_number() OVER (PARTITION BY t.id ORDER BY m.value DESC, m.step) AS place "
    "FROM trials t JOIN metrics m ON m.trial = t.id "
    "AND m.split = substr(t.main_metric, 1, instr(t.main_metric, '/') - 1) "
    "AND m.name = substr(t.main_metric, instr(t.main_metric, '/') + 1) "
    "WHERE m.value IS NOT NULL)";

TrialRow read_trial(const sqlite::Statement& select) {
  TrialRow row;
  row.trial = {select.text(0), select.integer(1), select.text(2), select.text(3),
               select.text(4), select.text(5),    select.real(6)};
  row.status = parse_trial_status(select.text(7));
  row.attempts = select.integer(8);
  row.worker = select.optional_integer(9);
  row.host = select.text(10);
  row.gpu = select.text(11);
  row.started = select.text(12);
  row.finished = select.text(13);
  row.heartbeat = select.text(14);
  row.error = select.text(15);
  row.step = select.optional_integer(16);
  if (!select.text(17).empty()) {
    row.facts =
        TrialFacts{select.text(17),    select.integer(18), select.integer(19), select.integer(20),
                   select.integer(21), select.text(22),    select.integer(23)};
  }
  return row;
}

void summarise(GroupAggregate& group, const std::vector<double>& values) {
  const double n = static_cast<double>(values.size());
  group.count = static_cast<int64_t>(values.size());
  group.mean = std::accumulate(values.begin(), values.end(), 0.0) / n;
  double squares = 0;
  for (double value : values) squares += (value - group.mean) * (value - group.mean);
  group.stddev = values.size() > 1 ? std::sqrt(squares / (n - 1)) : 0.0;
}

}  // namespace

std::optional<SweepRow> ResultsStore::sweep() const {
  const std::string what = "cannot read the sweep";
  sqlite::Statement select(
      impl_->db, "SELECT name, spec, created, software FROM sweeps ORDER BY rowid LIMIT 1", what);
  if (!select.next(what)) return std::nullopt;
  return SweepRow{select.text(0), select.text(1), select.text(2), select.text(3)};
}

std::vector<TrialRow> ResultsStore::trials() const {
  const std::string what = "cannot read trials";
  sqlite::Statement select(impl_->db, std::string(kTrialSelect) + " ORDER BY position, id", what);
  std::vector<TrialRow> rows;
  while (select.next(what)) rows.push_back(read_trial(select));
  return rows;
}

std::optional<TrialRow> ResultsStore::trial(const std::string& id) const {
  const std::string what = "cannot read trial " + id;
  sqlite::Statement select(impl_->db, std::string(kTrialSelect) + " WHERE id = ?1", what);
  select.bind_text(1, id);
  if (!select.next(what)) return std::nullopt;
  return read_trial(select);
}

StatusCounts ResultsStore::counts() const {
  const std::string what = "cannot count trials";
  sqlite::Statement select(impl_->db, "SELECT status, count(*) FROM trials GROUP BY status", what);
  StatusCounts counts;
  while (select.next(what)) {
    const int64_t n = select.integer(1);
    switch (parse_trial_status(select.text(0))) {
      case TrialStatus::Queued: counts.queued = n; break;
      case TrialStatus::Running: counts.running = n; break;
      case TrialStatus::Done: counts.done = n; break;
      case TrialStatus::Failed: counts.failed = n; break;
    }
  }
  return counts;
}

std::vector<MetricRow> ResultsStore::metrics(const std::string& trial) const {
  const std::string what = "cannot read metrics";
  std::string sql =
      "SELECT m.trial, m.step, m.split, m.name, m.value, m.epoch, m.attempt "
      "FROM metrics m JOIN trials t ON t.id = m.trial";
  if (!trial.empty()) sql += " WHERE m.trial = ?1";  // SQL text only; the id is bound below
  sql += " ORDER BY t.position, m.trial, m.step, m.split, m.name";
  sqlite::Statement select(impl_->db, sql, what);
  if (!trial.empty()) select.bind_text(1, trial);
  std::vector<MetricRow> rows;
  while (select.next(what)) {
    rows.push_back({select.text(0), select.integer(1), select.text(2), select.text(3),
                    select.real(4), select.integer(5), select.integer(6)});
  }
  return rows;
}

std::vector<EventRow> ResultsStore::events(int64_t last_n) const {
  const std::string what = "cannot read events";
  sqlite::Statement select(impl_->db,
                           "SELECT id, time, trial, kind, text FROM "
                           "(SELECT * FROM events ORDER BY id DESC LIMIT ?1) ORDER BY id",
                           what);
  select.bind_int(1, last_n > 0 ? last_n : -1);  // LIMIT -1: no limit
  std::vector<EventRow> rows;
  while (select.next(what)) {
    rows.push_back(
        {select.integer(0), select.text(1), select.text(2), select.text(3), select.text(4)});
  }
  return rows;
}

std::vector<JobRow> ResultsStore::jobs() const {
  if (impl_->version < 2) return {};  // read-only on a database from before the jobs table
  const std::string what = "cannot read jobs";
  sqlite::Statement select(
      impl_->db, "SELECT id, submitted, script, note FROM jobs ORDER BY submitted, id", what);
  std::vector<JobRow> rows;
  while (select.next(what))
    rows.push_back({select.text(0), select.text(1), select.text(2), select.text(3)});
  return rows;
}

std::vector<ArtifactRow> ResultsStore::artifacts() const {
  const std::string what = "cannot read artifacts";
  sqlite::Statement select(impl_->db,
                           "SELECT a.trial, a.kind, a.path, a.sha256, a.step FROM artifacts a "
                           "JOIN trials t ON t.id = a.trial ORDER BY t.position, a.trial, a.kind",
                           what);
  std::vector<ArtifactRow> rows;
  while (select.next(what)) {
    rows.push_back(
        {select.text(0), select.text(1), select.text(2), select.text(3), select.integer(4)});
  }
  return rows;
}

std::vector<BestScore> ResultsStore::best_scores() const {
  const std::string what = "cannot read best scores";
  // One row per metric of the best step (LEFT JOIN: none when the main metric is train/*).
  sqlite::Statement select(
      impl_->db,
      std::string(kRankedCte) +
          " SELECT b.id, b.main_metric, b.value, b.step, m.split, m.name, m.value FROM best b "
          "LEFT JOIN metrics m ON m.trial = b.id AND m.step = b.step AND m.split <> 'train' "
          "WHERE b.place = 1 ORDER BY b.position, b.id, m.split, m.name",
      what);
  std::vector<BestScore> scores;
  while (select.next(what)) {
    const std::string id = select.text(0);
    if (scores.empty() || scores.back().trial != id)
      scores.push_back({id, select.text(1), select.real(2), select.integer(3), {}});
    const std::string split = select.text(4);
    if (!split.empty())
      scores.back().metrics_at_step[split + "/" + select.text(5)] = select.real(6);
  }
  return scores;
}

std::vector<GroupAggregate> ResultsStore::group_aggregates() const {
  const std::string what = "cannot aggregate seeds";
  // A group's place in the table is its first trial's, done or not, so rows keep their order
  // while a sweep fills in.
  sqlite::Statement select(
      impl_->db,
      std::string(kRankedCte) +
          ", firsts AS (SELECT config_group, min(position) AS first FROM trials "
          "GROUP BY config_group) "
          "SELECT b.config_group, b.main_metric, b.id, b.value FROM best b JOIN firsts f "
          "ON f.config_group = b.config_group WHERE b.place = 1 AND b.status = 'done' "
          "ORDER BY f.first, b.config_group, b.main_metric, b.position, b.id",
      what);
  std::vector<GroupAggregate> groups;
  std::vector<double> values;
  while (select.next(what)) {
    const std::string group = select.text(0), metric = select.text(1);
    if (groups.empty() || groups.back().config_group != group ||
        groups.back().main_metric != metric) {
      if (!groups.empty()) summarise(groups.back(), values);
      groups.push_back({group, metric, 0, 0, 0, {}});
      values.clear();
    }
    groups.back().trials.push_back(select.text(2));
    values.push_back(select.real(3));
  }
  if (!groups.empty()) summarise(groups.back(), values);
  return groups;
}

}  // namespace adamix::storage
