#include "orchestrator/protocol.h"

#include "core/error.h"

namespace adamix::orchestrator {

const char* to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::Done: return "done";
    case Outcome::Stopped: return "stopped";
    case Outcome::Failed: return "failed";
  }
  return "failed";
}

Outcome parse_outcome(const std::string& text) {
  if (text == "done") return Outcome::Done;
  if (text == "stopped") return Outcome::Stopped;
  if (text == "failed") return Outcome::Failed;
  throw Error("unknown trial outcome '" + text + "' in a worker message");
}

namespace message {

Message ready(const std::string& host, const std::string& gpu) {
  return {{"type", "ready"}, {"host", host}, {"gpu", gpu}};
}

Message event(const std::string& trial, int64_t attempt, Message event) {
  return {{"type", "event"}, {"trial", trial}, {"attempt", attempt}, {"event", std::move(event)}};
}

Message heartbeat(const std::string& trial, int64_t attempt) {
  return {{"type", "heartbeat"}, {"trial", trial}, {"attempt", attempt}};
}

Message exit(const std::string& trial, int64_t attempt, Outcome outcome, const std::string& error) {
  return {{"type", "exit"},
          {"trial", trial},
          {"attempt", attempt},
          {"outcome", to_string(outcome)},
          {"error", error}};
}

Message bye() { return {{"type", "bye"}}; }

Message run(const std::string& trial, int64_t attempt, const std::string& yaml,
            const std::string& dir, const std::string& label) {
  return {{"type", "run"}, {"trial", trial}, {"attempt", attempt},
          {"yaml", yaml},  {"dir", dir},     {"label", label}};
}

Message stop() { return {{"type", "stop"}}; }
Message release() { return {{"type", "release"}}; }

}  // namespace message
}  // namespace adamix::orchestrator
