#include "orchestrator/status_report.h"

#include <cstdio>
#include <ctime>
#include <map>
#include <sstream>

#include "core/error.h"
#include "core/io/sha256.h"
#include "orchestrator/progress_view.h"
#include "storage/results_store.h"

namespace adamix::orchestrator {
namespace fs = std::filesystem;
namespace {

constexpr double kStaleSeconds = 120;  // workers send a heartbeat every 5 s

// Seconds since an ISO-8601 UTC time written by storage::utc_now(); negative when unparsable.
double seconds_since(const std::string& time) {
  std::tm tm{};
  int millis = 0;
  if (std::sscanf(time.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &millis) < 6)
    return -1;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return std::difftime(std::time(nullptr), timegm(&tm)) - millis / 1000.0;
}

std::string pad(std::string text, size_t width) {
  if (text.size() < width) text.resize(width, ' ');
  return text;
}

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4f", value);
  return text;
}

}  // namespace

StatusReport status_report(const fs::path& run_dir) {
  const auto database = run_dir / "results.sqlite";
  if (!fs::exists(database))
    throw ConfigError(run_dir.string() + " holds no sweep (no results.sqlite)");
  storage::ResultsStore store(database, storage::ResultsStore::Access::ReadOnly);
  StatusReport report;
  std::ostringstream out;

  const auto sweep = store.sweep();
  const auto counts = store.counts();
  const auto trials = store.trials();
  out << "sweep " << (sweep ? sweep->name : "?") << " (" << run_dir.string()
      << "): " << trials.size() << " trials: " << counts.done << " done, " << counts.running
      << " running, " << counts.failed << " failed, " << counts.queued << " queued\n";

  std::map<std::string, storage::BestScore> best;
  for (auto& score : store.best_scores()) best[score.trial] = score;
  out << "\n  " << pad("trial", 14) << pad("status", 9) << pad("att", 5) << pad("step", 13)
      << pad("best (step)", 22) << "configuration\n";
  for (const auto& row : trials) {
    std::string step = row.step ? std::to_string(*row.step) : "-";
    if (row.facts && row.facts->total_steps > 0)
      step += "/" + std::to_string(row.facts->total_steps);
    std::string score = "-";
    if (const auto found = best.find(row.trial.id); found != best.end())
      score = found->second.main_metric + " " + number(found->second.value) + " (" +
              std::to_string(found->second.step) + ")";
    const auto& label =
        row.trial.tags == "grid" || row.trial.tags.empty() ? row.trial.changes : row.trial.tags;
    out << "  " << pad(row.trial.id, 14) << pad(storage::to_string(row.status), 9)
        << pad(std::to_string(row.attempts), 5) << pad(step, 13) << pad(score, 22)
        << (label.empty() ? "(the base)" : label) << "\n";
  }

  bool header = false;
  for (const auto& row : trials) {
    if (row.status != storage::TrialStatus::Running) continue;
    if (!header) out << "\nrunning:\n";
    header = true;
    const double quiet = seconds_since(row.heartbeat);
    out << "  " << row.trial.id << " on worker " << (row.worker ? std::to_string(*row.worker) : "?")
        << " (" << row.host << (row.gpu.empty() ? "" : ", gpu " + row.gpu) << "), attempt "
        << row.attempts << ", last heard " << (quiet < 0 ? "?" : format_duration(quiet)) << " ago";
    if (quiet > kStaleSeconds) {
      out << ": STALE (no heartbeat; the sweep process may be gone: re-run it with --resume)";
      ++report.problems;
    }
    out << "\n";
  }
  header = false;
  for (const auto& row : trials) {
    if (row.error.empty() || row.status == storage::TrialStatus::Done) continue;
    if (!header) out << "\nerrors:\n";
    header = true;
    out << "  " << row.trial.id << " (" << storage::to_string(row.status) << ", attempt "
        << row.attempts << "): " << row.error << "\n";
  }

  int64_t checked = 0, missing = 0, corrupted = 0;
  std::ostringstream details;
  std::map<std::string, storage::TrialStatus> status;
  for (const auto& row : trials) status[row.trial.id] = row.status;
  for (const auto& artifact : store.artifacts()) {
    ++checked;
    const auto path = run_dir / artifact.path;
    if (!fs::exists(path)) {
      ++missing;
      details << "  MISSING " << artifact.path << "\n";
      continue;
    }
    std::string sha;
    try {
      sha = io::sha256_file(path);
    } catch (const IoError&) {
      sha.clear();
    }
    if (sha == artifact.sha256) continue;
    if (status[artifact.trial] == storage::TrialStatus::Running) {
      --checked;  // being rewritten by its running trial: not a verdict
      continue;
    }
    ++corrupted;
    details << "  CORRUPTED " << artifact.path << " (sha256 differs from the one recorded at step "
            << artifact.step << ")\n";
  }
  out << "\nartifacts: " << checked << " checked, " << missing << " missing, " << corrupted
      << " corrupted\n"
      << details.str();
  report.problems += missing + corrupted;
  report.text = out.str();
  return report;
}

}  // namespace adamix::orchestrator
