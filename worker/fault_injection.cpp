#include "worker/fault_injection.h"

#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <sstream>

#include "core/error.h"

namespace adamix::worker {
namespace {

[[noreturn]] void fail(const std::string& part, const std::string& why) {
  throw ConfigError(std::string(kInjectFaultVariable) + ": '" + part + "': " + why);
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::istringstream in(text);
  for (std::string part; std::getline(in, part, separator);) parts.push_back(part);
  return parts;
}

int64_t positive(const std::string& part, const std::string& value) {
  try {
    size_t used = 0;
    const long long n = std::stoll(value, &used);
    if (used == value.size() && n >= 1) return n;
  } catch (const std::exception&) {
  }
  fail(part, "expected a positive integer");
}

FaultKind parse_kind(const std::string& part, const std::string& value) {
  if (value == "segv") return FaultKind::Segv;
  if (value == "abort") return FaultKind::Abort;
  if (value == "kill") return FaultKind::Kill;
  if (value == "exit") return FaultKind::Exit;
  if (value == "hang") return FaultKind::Hang;
  if (value == "throw") return FaultKind::Throw;
  fail(part, "kind must be segv, abort, kill, exit, hang or throw");
}

FaultRule parse_rule(const std::string& rule) {
  FaultRule parsed;
  bool has_kind = false;
  for (const auto& part : split(rule, ',')) {
    const auto eq = part.find('=');
    if (eq == std::string::npos) fail(part, "expected key=value");
    const auto key = part.substr(0, eq), value = part.substr(eq + 1);
    if (key == "kind") {
      parsed.kind = parse_kind(part, value);
      has_kind = true;
    } else if (key == "step") {
      parsed.step = positive(part, value);
    } else if (key == "attempt") {
      parsed.attempt = static_cast<int>(positive(part, value));
    } else if (key == "trial") {
      if (value.empty()) fail(part, "empty trial id prefix");
      parsed.trial_prefix = value;
    } else {
      fail(part, "unknown key (kind, step, attempt, trial)");
    }
  }
  if (!has_kind) fail(rule, "a rule needs kind=");
  return parsed;
}

[[noreturn]] void fire(FaultKind kind, int64_t step) {
  switch (kind) {
    case FaultKind::Segv:
      std::signal(SIGSEGV, SIG_DFL);
      std::raise(SIGSEGV);
      break;
    case FaultKind::Abort: std::abort();
    case FaultKind::Kill: std::raise(SIGKILL); break;
    case FaultKind::Exit: std::_Exit(3);
    case FaultKind::Hang:
      for (;;) ::pause();  // a stop signal's handler returns here: keep hanging
    case FaultKind::Throw: throw Error("injected fault at step " + std::to_string(step));
  }
  std::_Exit(3);  // a signal that did not end the process
}

}  // namespace

std::vector<FaultRule> parse_fault_rules(const std::string& text) {
  std::vector<FaultRule> rules;
  for (const auto& rule : split(text, ';'))
    if (!rule.empty()) rules.push_back(parse_rule(rule));
  if (rules.empty()) fail(text, "no rule (expected e.g. kind=segv,step=3)");
  return rules;
}

FaultInjector::FaultInjector(std::vector<FaultRule> rules, const std::string& trial_id,
                             int attempt) {
  for (auto& rule : rules)
    if ((rule.attempt == 0 || rule.attempt == attempt) &&
        trial_id.compare(0, rule.trial_prefix.size(), rule.trial_prefix) == 0)
      rules_.push_back(std::move(rule));
}

void FaultInjector::on_step(const train::TrainingState& state, const train::StepReport&) {
  for (const auto& rule : rules_)
    if (rule.step == state.step) fire(rule.kind, state.step);
}

}  // namespace adamix::worker
