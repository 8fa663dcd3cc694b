#include "worker/trial_events.h"

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>

#include "core/error.h"
#include "core/io/sha256.h"

namespace adamix::worker {
namespace {
using Json = nlohmann::ordered_json;
}  // namespace

void EventChannel::check_open() const {
  if (fd_ < 0 || ::fcntl(fd_, F_GETFL) == -1)
    throw ConfigError("--events-fd " + std::to_string(fd_) + ": not an open file descriptor");
}

void EventChannel::write_line(const std::string& json) const {
  const std::string line = json + "\n";
  size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
    if (n >= 0) {
      done += static_cast<size_t>(n);
    } else if (errno != EINTR) {
      const int error = errno;
      throw IoError("cannot write trial events to fd " + std::to_string(fd_) + ": " +
                    std::strerror(error) +
                    (error == EPIPE ? " (the parent process closed its end)" : ""));
    }
  }
}

TrialEvents::TrialEvents(EventChannel channel, std::string trial_id, int attempt,
                         double progress_every_seconds)
    : channel_(channel),
      trial_id_(std::move(trial_id)),
      attempt_(attempt),
      every_seconds_(progress_every_seconds),
      last_event_(Clock::now()) {}

void TrialEvents::started(const TrialStart& start, const std::vector<std::string>& kept_rows) {
  Json event;
  event["event"] = "started";
  event["trial"] = trial_id_;
  event["attempt"] = attempt_;
  event["step"] = start.step;
  event["total_steps"] = start.total_steps;
  event["resumed"] = start.resumed;
  event["main_metric"] = start.main_metric;
  event["params"] = {{"backbone", start.params_backbone},
                     {"trainable", start.params_trainable},
                     {"merged", start.params_merged},
                     {"head", start.params_head}};
  event["backbone_sha256"] = start.backbone_sha256;
  channel_.write_line(event.dump());
  for (const auto& row : kept_rows) metrics_event(row, true);
}

void TrialEvents::metrics_row(const std::string& row) { metrics_event(row, false); }

void TrialEvents::metrics_event(const std::string& row, bool replay) {
  const auto parsed = Json::parse(row);  // rows come from MetricsJsonl: always valid JSON
  Json event;
  event["event"] = "metrics";
  event["step"] = parsed.at("step");
  event["epoch"] = parsed.at("epoch");
  event["metrics"] = parsed.at("metrics");
  event["replay"] = replay;
  channel_.write_line(event.dump());
}

void TrialEvents::checkpoint_written(const std::filesystem::path& file, int64_t step) {
  Json event;
  event["event"] = "checkpoint";
  event["file"] = file.filename().string();
  event["step"] = step;
  event["sha256"] = io::sha256_file(file);
  channel_.write_line(event.dump());
}

void TrialEvents::finished(const train::TrainingState& state, const std::string& main_metric) {
  Json event;
  event["event"] = "finished";
  event["step"] = state.step;
  event["best_step"] = state.best_step;
  event["best_score"] = state.best_score;
  event["main_metric"] = main_metric;
  channel_.write_line(event.dump());
}

void TrialEvents::stopped(const train::TrainingState& state) {
  Json event;
  event["event"] = "stopped";
  event["step"] = state.step;
  channel_.write_line(event.dump());
}

void TrialEvents::on_start(const train::TrainingState&, int64_t) { last_event_ = Clock::now(); }

void TrialEvents::on_step(const train::TrainingState& state, const train::StepReport& report) {
  examples_ += report.examples;
  loss_sum_ += report.loss;
  ++loss_count_;
  const auto now = Clock::now();
  const double elapsed = std::chrono::duration<double>(now - last_event_).count();
  if (elapsed < every_seconds_) return;
  Json event;
  event["event"] = "progress";
  event["step"] = state.step;
  event["total_steps"] = report.total_steps;
  event["epoch"] = state.epoch;
  event["loss"] = loss_sum_ / static_cast<double>(loss_count_);  // mean since the last event
  event["examples_per_second"] = elapsed > 0 ? static_cast<double>(examples_) / elapsed : 0.0;
  channel_.write_line(event.dump());
  examples_ = 0;
  loss_sum_ = 0;
  loss_count_ = 0;
  last_event_ = now;
}

std::string error_kind(const std::exception& error) {
  if (dynamic_cast<const ConfigError*>(&error)) return "ConfigError";
  if (dynamic_cast<const IoError*>(&error)) return "IoError";
  if (dynamic_cast<const InputError*>(&error)) return "InputError";
  if (dynamic_cast<const DivergenceError*>(&error)) return "DivergenceError";
  if (dynamic_cast<const Error*>(&error)) return "Error";
  return "internal";
}

void write_error_event(const EventChannel& channel, const std::exception& error) noexcept {
  try {
    Json event;
    event["event"] = "error";
    event["kind"] = error_kind(error);
    event["message"] = std::string(error.what());
    channel.write_line(event.dump(-1, ' ', false, Json::error_handler_t::replace));
  } catch (...) {
    // The process is exiting with `error` already; its stderr line still says what happened.
  }
}

}  // namespace adamix::worker
