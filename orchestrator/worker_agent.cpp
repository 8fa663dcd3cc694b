#include "orchestrator/worker_agent.h"

#include <csignal>
#include <fstream>

#include "core/error.h"

namespace adamix::orchestrator {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct WorkerAgent::Running {
  std::string trial;
  int64_t attempt = 0;
  fs::path output;                        // the child's stdout + stderr
  std::unique_ptr<TrialProcess> process;  // null for no-op trials
  std::optional<Message> last_word;       // finished / stopped / error event
  Clock::time_point last_heartbeat = Clock::now();
  std::optional<Clock::time_point> stop_sent;
};

namespace {

// The last non-empty line a child printed: glibc's "double free", an uncaught exception, ...
std::string last_output_line(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  in.seekg(0, std::ios::end);
  const auto size = static_cast<std::streamoff>(in.tellg());
  const std::streamoff start = size > 4096 ? size - 4096 : 0;
  in.seekg(start);
  std::string tail((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r')) tail.pop_back();
  return tail.substr(tail.rfind('\n') == std::string::npos ? 0 : tail.rfind('\n') + 1);
}

std::string event_name(const Message& event) { return event.value("event", std::string()); }

}  // namespace

WorkerAgent::WorkerAgent(WorkerSettings settings, std::string host)
    : settings_(std::move(settings)), host_(std::move(host)) {}

WorkerAgent::~WorkerAgent() = default;

Message WorkerAgent::hello() const { return message::ready(host_, settings_.gpus); }

void WorkerAgent::handle(const Message& message) {
  const auto type = message.value("type", std::string());
  if (type == "run") {
    if (busy() || done_) throw Error("worker got a trial while it was busy or leaving");
    start(message);
  } else if (type == "stop") {
    request_stop();
  } else if (type == "release") {
    if (!busy() && !done_) {
      std::vector<Message> out;
      leave(out);
      outbox_.insert(outbox_.end(), out.begin(), out.end());
    }
    stopping_ = true;  // a trial handed out concurrently is stopped too
  } else {
    throw Error("worker got an unknown message type '" + type + "'");
  }
}

void WorkerAgent::start(const Message& run) {
  running_ = std::make_unique<Running>();
  running_->trial = run.at("trial").get<std::string>();
  running_->attempt = run.at("attempt").get<int64_t>();
  if (stopping_) {  // released or stopped before this arrived: hand it straight back
    outbox_.push_back(message::exit(running_->trial, running_->attempt, Outcome::Stopped,
                                    "the worker was stopping"));
    running_.reset();
    std::vector<Message> out;
    leave(out);
    outbox_.insert(outbox_.end(), out.begin(), out.end());
    return;
  }
  if (settings_.noop_trials) {
    const auto event = [&](Message e) {
      outbox_.push_back(message::event(running_->trial, running_->attempt, std::move(e)));
    };
    event({{"event", "started"},
           {"step", 0},
           {"total_steps", 1},
           {"resumed", false},
           {"main_metric", "dev/accuracy"}});
    event({{"event", "metrics"},
           {"step", 1},
           {"epoch", 1},
           {"replay", false},
           {"metrics", {{"dev/accuracy", 0.5}, {"train/loss", 0.69}}}});
    event({{"event", "finished"}, {"step", 1}, {"best_step", 1}, {"best_score", 0.5}});
    outbox_.push_back(message::exit(running_->trial, running_->attempt, Outcome::Done, ""));
    running_.reset();
    outbox_.push_back(hello());
    return;
  }
  const fs::path dir = run.at("dir").get<std::string>();
  fs::create_directories(dir);
  running_->output = dir / "output.log";
  TrialLaunch launch;
  launch.executable = settings_.executable;
  launch.arguments = {"train",
                      "--config",
                      "-",
                      "--out",
                      dir.string(),
                      "--events-fd",
                      "3",
                      "--attempt",
                      std::to_string(running_->attempt),
                      "--threads",
                      std::to_string(settings_.threads),
                      "--tensorboard-run",
                      run.value("label", std::string("trial"))};
  launch.stdin_text = run.at("yaml").get<std::string>();
  launch.output_path = running_->output;
  if (!settings_.gpus.empty())
    launch.environment.push_back({"CUDA_VISIBLE_DEVICES", settings_.gpus});
  running_->process = std::make_unique<TrialProcess>(launch);
}

void WorkerAgent::request_stop() {
  stopping_ = true;
  if (!running_) {
    if (!done_) {
      std::vector<Message> out;
      leave(out);
      outbox_.insert(outbox_.end(), out.begin(), out.end());
    }
    return;
  }
  if (running_->process && !running_->stop_sent) {
    running_->process->send_signal(SIGTERM);  // the trial checkpoints and exits 143
    running_->stop_sent = Clock::now();
  }
}

std::vector<Message> WorkerAgent::pump(std::chrono::milliseconds timeout) {
  std::vector<Message> out(outbox_.begin(), outbox_.end());
  outbox_.clear();
  if (!running_ || !running_->process) return out;
  auto& run = *running_;
  for (auto& line :
       run.process->read_events(out.empty() ? timeout : std::chrono::milliseconds(0))) {
    Message event;
    try {
      event = Message::parse(line);
    } catch (const nlohmann::json::exception&) {
      continue;  // not an event (cannot happen with our child); its output log has the text
    }
    const auto name = event_name(event);
    if (name == "finished" || name == "stopped" || name == "error") run.last_word = event;
    out.push_back(message::event(run.trial, run.attempt, std::move(event)));
    run.last_heartbeat = Clock::now();
  }
  if (run.stop_sent && Clock::now() - *run.stop_sent > settings_.grace)
    run.process->send_signal(SIGKILL);  // did not checkpoint within the grace period
  if (run.process->poll_exit()) {
    finish(out);
  } else if (Clock::now() - run.last_heartbeat >= settings_.heartbeat) {
    out.push_back(message::heartbeat(run.trial, run.attempt));
    run.last_heartbeat = Clock::now();
  }
  return out;
}

void WorkerAgent::finish(std::vector<Message>& out) {
  auto& run = *running_;
  const auto exit = *run.process->poll_exit();
  const auto word = run.last_word ? event_name(*run.last_word) : std::string();
  Outcome outcome = Outcome::Failed;
  std::string error;
  if (!exit.signaled && exit.code == 0 && word == "finished") {
    outcome = Outcome::Done;
  } else if (word == "stopped" || (run.stop_sent && exit.signaled)) {
    outcome = Outcome::Stopped;  // resumable from its last checkpoint
    if (word != "stopped") error = "stopped: " + exit.describe();
  } else if (word == "error") {
    error = run.last_word->value("kind", std::string("Error")) + ": " +
            run.last_word->value("message", std::string());
  } else {
    error = "trial process " + exit.describe() + " without reporting an error";
    const auto last = last_output_line(run.output);
    if (!last.empty()) error += "; its last output: " + last;
  }
  out.push_back(message::exit(run.trial, run.attempt, outcome, error));
  running_.reset();
  if (stopping_)
    leave(out);
  else
    out.push_back(hello());
}

void WorkerAgent::leave(std::vector<Message>& out) {
  out.push_back(message::bye());
  done_ = true;
}

}  // namespace adamix::orchestrator
