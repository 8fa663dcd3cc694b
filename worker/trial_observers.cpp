#include "worker/trial_observers.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <sstream>
#include <string_view>

#include "core/error.h"
#include "core/io/atomic_file.h"
#include "worker/checkpoint_io.h"

namespace adamix::worker {
namespace {

std::string timestamp() {
  const std::time_t now = std::time(nullptr);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", std::gmtime(&now));
  return buffer;
}

std::string duration_text(double seconds) {
  const auto s = static_cast<int64_t>(seconds + 0.5);
  char buffer[32];
  if (s >= 3600) {
    std::snprintf(buffer, sizeof buffer, "%lldh%02lldm", static_cast<long long>(s / 3600),
                  static_cast<long long>(s % 3600 / 60));
  } else {
    std::snprintf(buffer, sizeof buffer, "%lldm%02llds", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  }
  return buffer;
}

}  // namespace

TrialLog::TrialLog(const std::filesystem::path& path, std::ostream* echo)
    : file_(path, std::ios::app), echo_(echo) {
  if (!file_) throw IoError("cannot write " + path.string());
}

void TrialLog::line(const std::string& text) {
  file_ << timestamp() << " " << text << "\n" << std::flush;
  if (echo_) *echo_ << text << "\n" << std::flush;
}

MetricsJsonl::MetricsJsonl(const std::filesystem::path& path, int64_t resume_step) : path_(path) {
  std::string kept;
  if (std::filesystem::exists(path_)) {
    std::istringstream lines(io::read_file(path_));
    for (std::string line; std::getline(lines, line);) {
      if (line.empty()) continue;
      nlohmann::json row;
      try {
        row = nlohmann::json::parse(line);
      } catch (const nlohmann::json::exception&) {
        break;  // a torn last line from a kill: everything after it is replayed
      }
      if (row.value("step", int64_t{0}) <= resume_step) {
        kept += line + "\n";
        kept_.push_back(line);
      }
    }
  }
  io::write_text_atomically(path_, kept);
}

void MetricsJsonl::on_start(const train::TrainingState&, int64_t total_steps) {
  interval_ = std::max<int64_t>(1, total_steps / 100);
}

void MetricsJsonl::on_step(const train::TrainingState& state, const train::StepReport& report) {
  if (state.step % interval_ != 0) return;
  nlohmann::ordered_json row;
  row["step"] = state.step;
  row["epoch"] = state.epoch;
  row["metrics"] = {{"train/loss", report.loss},
                    {"train/task_loss", report.task_loss},
                    {"train/consistency", report.consistency},
                    {"train/lr", report.lr}};
  append(row.dump());
}

void MetricsJsonl::on_evaluation(const train::TrainingState&, const train::EvalResult& result) {
  nlohmann::ordered_json row;
  row["step"] = result.step;
  row["epoch"] = result.epoch;
  row["metrics"] = result.metrics;
  row["main_metric"] = result.main_metric;
  row["main_score"] = result.main_score;
  row["is_best"] = result.is_best;
  append(row.dump());
}

void MetricsJsonl::append(const std::string& row) {
  std::ofstream out(path_, std::ios::app);
  out << row << "\n" << std::flush;
  if (!out) throw IoError("cannot append to " + path_.string());
  for (const auto& listener : listeners_) listener(row);
}

namespace {

std::string tensorboard_folder_name(const std::string& run) {
  std::string name;
  for (char c : run.substr(0, 120)) {
    const bool kept = std::isalnum(static_cast<unsigned char>(c)) ||
                      std::string_view("._:=,+-").find(c) != std::string_view::npos;
    name.push_back(kept ? c : '_');
  }
  if (name.empty() || name == "." || name == "..") return "trial";
  return name;
}

}  // namespace

TensorBoardScalars::TensorBoardScalars(const std::filesystem::path& out_dir, const std::string& run,
                                       int64_t start_step)
    : writer_(out_dir / "tensorboard" / tensorboard_folder_name(run), start_step) {}

void TensorBoardScalars::add_row(const std::string& row) {
  const auto parsed = nlohmann::json::parse(row);
  const int64_t step = parsed.at("step").get<int64_t>();
  for (const auto& [tag, value] : parsed.at("metrics").items())
    if (value.is_number()) writer_.scalar(tag, step, value.get<double>());
  writer_.flush();
}

CheckpointWriter::CheckpointWriter(train::Trainer& trainer, std::filesystem::path dir,
                                   storage::AttributeMap meta, TrialLog& log, bool write_best)
    : trainer_(trainer),
      dir_(std::move(dir)),
      meta_(std::move(meta)),
      log_(log),
      write_best_(write_best) {}

void CheckpointWriter::on_checkpoint(const train::TrainingState& state, bool is_best) {
  const auto checkpoint = to_checkpoint(trainer_.snapshot(), meta_);
  // best.h5 first: if a kill lands between the two, the resumed run re-evaluates this step
  // and rewrites both.
  if (is_best && write_best_) {
    storage::write_checkpoint(dir_ / "best.h5", checkpoint);
    if (listener_) listener_(dir_ / "best.h5", state.step);
  }
  storage::write_checkpoint(dir_ / "checkpoint.h5", checkpoint);
  log_.line("checkpoint at step " + std::to_string(state.step) + (is_best ? " (best)" : ""));
  if (listener_) listener_(dir_ / "checkpoint.h5", state.step);
}

ProgressLine::ProgressLine(TrialLog& log, int64_t epochs, int64_t steps_per_epoch,
                           double every_seconds)
    : log_(log),
      epochs_(epochs),
      steps_per_epoch_(steps_per_epoch),
      every_seconds_(every_seconds) {}

void ProgressLine::on_start(const train::TrainingState& state, int64_t) {
  started_ = last_print_ = Clock::now();
  start_step_ = state.step;
}

void ProgressLine::on_step(const train::TrainingState& state, const train::StepReport& report) {
  examples_ += report.examples;
  loss_sum_ += report.loss;
  ++loss_count_;
  const auto now = Clock::now();
  const bool last = state.step == report.total_steps;
  if (!last && std::chrono::duration<double>(now - last_print_).count() < every_seconds_) return;
  const double elapsed = std::chrono::duration<double>(now - started_).count();
  const double steps_done = static_cast<double>(state.step - start_step_);
  const double eta =
      steps_done > 0 ? elapsed / steps_done * static_cast<double>(report.total_steps - state.step)
                     : 0;
  char buffer[256];
  std::snprintf(
      buffer, sizeof buffer, "step %lld/%lld (epoch %lld/%lld) loss %.4f lr %.2e %.1f ex/s ETA %s",
      static_cast<long long>(state.step), static_cast<long long>(report.total_steps),
      static_cast<long long>(std::min(epochs_, (state.step - 1) / steps_per_epoch_ + 1)),
      static_cast<long long>(epochs_), loss_sum_ / static_cast<double>(loss_count_), report.lr,
      elapsed > 0 ? static_cast<double>(examples_) / elapsed : 0.0, duration_text(eta).c_str());
  log_.line(buffer);
  loss_sum_ = 0;
  loss_count_ = 0;
  last_print_ = now;
}

void ProgressLine::on_evaluation(const train::TrainingState&, const train::EvalResult& result) {
  std::ostringstream text;
  text << "eval at step " << result.step << ":";
  for (const auto& [name, value] : result.metrics) text << " " << name << " " << value;
  if (result.is_best) text << " (best " << result.main_metric << ")";
  log_.line(text.str());
}

}  // namespace adamix::worker
