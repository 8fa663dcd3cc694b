#pragma once
// `adamix status --run DIR`: a sweep's state from its database, read-only (safe while the sweep
// runs): counts, one line per trial, running trials with their heartbeat, failures with their
// errors, and every recorded artifact checked against its sha256.
//
//   StatusReport report = status_report("runs/ablations");
//   std::cout << report.text;  return report.problems ? 1 : 0;
#include <filesystem>
#include <string>

namespace adamix::orchestrator {

struct StatusReport {
  std::string text;
  int64_t problems = 0;  // artifacts missing or corrupted, running trials without a heartbeat
};

StatusReport status_report(const std::filesystem::path& run_dir);

}  // namespace adamix::orchestrator
