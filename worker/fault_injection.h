#pragma once
// TEST ONLY: crashes a trial on purpose, so that tests of the sweep orchestrator can check
// that a trial dying in every way a real one can (segfault, abort, OOM kill, silent exit,
// hang, exception) never takes a sweep down. Never set it in production runs.
//
// `adamix train` reads the rules from the environment variable ADAMIX_INJECT_FAULT: rules
// separated by ';', each a comma-separated list of key=value:
//   kind=segv|abort|kill|exit|hang|throw   (required)
//     segv: raise SIGSEGV; abort: std::abort (SIGABRT); kill: raise SIGKILL (as the OOM killer);
//     exit: std::_Exit(3), printing nothing; hang: sleep forever, ignoring SIGTERM (the parent
//     must SIGKILL it); throw: throw adamix::Error("injected fault at step N") (exit code 2)
//   step=N      (default 1) fires right after optimiser step N's on_step observers ran (its
//               metrics row and progress are out), before that step's evaluation and checkpoint
//   attempt=A   only on attempt A (`--attempt`)
//   trial=P     only when the trial id starts with P
//
//   ADAMIX_INJECT_FAULT='kind=segv,step=3,attempt=1;kind=throw,step=5,trial=ab12' adamix train ...
#include <cstdint>
#include <string>
#include <vector>

#include "core/train/trainer.h"

namespace adamix::worker {

inline constexpr const char* kInjectFaultVariable = "ADAMIX_INJECT_FAULT";

enum class FaultKind { Segv, Abort, Kill, Exit, Hang, Throw };

struct FaultRule {
  FaultKind kind = FaultKind::Throw;
  int64_t step = 1;
  int attempt = 0;           // 0 = any attempt
  std::string trial_prefix;  // empty = any trial
};

// Throws ConfigError naming ADAMIX_INJECT_FAULT and the bad part.
std::vector<FaultRule> parse_fault_rules(const std::string& text);

// The observer that fires the rules matching this trial and attempt.
class FaultInjector : public train::TrainerObserver {
 public:
  FaultInjector(std::vector<FaultRule> rules, const std::string& trial_id, int attempt);
  void on_step(const train::TrainingState& state, const train::StepReport& report) override;

 private:
  std::vector<FaultRule> rules_;  // only those that apply to this trial and attempt
};

}  // namespace adamix::worker
