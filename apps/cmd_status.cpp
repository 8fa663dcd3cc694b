#include <iostream>

#include "apps/commands.h"
#include "orchestrator/status_report.h"

namespace adamix::cli {

// Prints the sweep's state (orchestrator/status_report.h); exit 1 when an artifact is missing
// or corrupted or a running trial has lost its heartbeat, so scripts can check a run.
int run_status(const ParsedFlags& flags) {
  const auto report = orchestrator::status_report(flags.get("run"));
  std::cout << report.text;
  return report.problems > 0 ? 1 : 0;
}

}  // namespace adamix::cli
