#pragma once
// Messages between rank 0 and the workers, one JSON object each (sent as text over MPI, or
// handed over in-process by the local transport). Small and explicit, so a trace is readable.
//
// worker -> orchestrator
//   {"type":"ready","host":H,"gpu":G}                 asks for work (also after each trial)
//   {"type":"event","trial":ID,"attempt":A,"event":{...}}   a trial child's event, verbatim
//   {"type":"heartbeat","trial":ID,"attempt":A}       the child is alive (every few seconds)
//   {"type":"exit","trial":ID,"attempt":A,"outcome":"done|stopped|failed","error":TEXT}
//   {"type":"bye"}                                    the worker leaves (released or stopped)
// orchestrator -> worker
//   {"type":"run","trial":ID,"attempt":A,"yaml":TEXT,"dir":PATH,"label":TEXT}
//                        label: the trial's tags or changes (its TensorBoard run's name)
//   {"type":"stop"}      checkpoint and stop the current trial (SIGTERM to it), then leave
//   {"type":"release"}   no more work: leave
//
// Trial child events (`adamix train --events-fd`): started, metrics, progress, checkpoint,
// finished, stopped, error (worker/trial_events.h documents their fields).
#include <nlohmann/json.hpp>

#include <string>

namespace adamix::orchestrator {

using Message = nlohmann::json;

enum class Outcome { Done, Stopped, Failed };
const char* to_string(Outcome outcome);
Outcome parse_outcome(const std::string& text);

namespace message {
Message ready(const std::string& host, const std::string& gpu);
Message event(const std::string& trial, int64_t attempt, Message event);
Message heartbeat(const std::string& trial, int64_t attempt);
Message exit(const std::string& trial, int64_t attempt, Outcome outcome, const std::string& error);
Message bye();
Message run(const std::string& trial, int64_t attempt, const std::string& yaml,
            const std::string& dir, const std::string& label);
Message stop();
Message release();
}  // namespace message

}  // namespace adamix::orchestrator
