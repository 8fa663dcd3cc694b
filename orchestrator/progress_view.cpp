#include "orchestrator/progress_view.h"

#include <cstdio>

namespace adamix::orchestrator {

std::string format_duration(double seconds) {
  const auto s = static_cast<long long>(seconds + 0.5);
  char text[32];
  if (s < 60)
    std::snprintf(text, sizeof text, "%llds", s);
  else if (s < 3600)
    std::snprintf(text, sizeof text, "%lldm%02llds", s / 60, s % 60);
  else
    std::snprintf(text, sizeof text, "%lldh%02lldm", s / 3600, s % 3600 / 60);
  return text;
}

ProgressView::ProgressView(std::ostream& out, bool terminal) : out_(out), terminal_(terminal) {}

std::string ProgressView::summary(const SweepView& view) const {
  const double elapsed = std::chrono::duration<double>(Clock::now() - started_).count();
  std::string text = "sweep " + view.name + ": " + std::to_string(view.done) + "/" +
                     std::to_string(view.trials) + " done, " + std::to_string(view.running) +
                     " running, " + std::to_string(view.failed) + " failed, " +
                     std::to_string(view.queued) + " queued | " + format_duration(elapsed) +
                     " elapsed";
  if (view.fraction > 0.005 && view.fraction < 1)
    text += ", ETA " + format_duration(elapsed * (1 - view.fraction) / view.fraction);
  return text;
}

void ProgressView::erase() {
  for (; drawn_lines_ > 0; --drawn_lines_) out_ << "\033[F\033[2K";
}

void ProgressView::draw(const SweepView& view) {
  erase();
  out_ << summary(view) << "\n";
  drawn_lines_ = 1;
  for (const auto& w : view.workers) {
    std::string line = "  worker " + std::to_string(w.worker) + "  " + w.host;
    if (!w.gpu.empty()) line += " gpu " + w.gpu;
    if (w.gone)
      line += "  (left)";
    else if (w.trial.empty())
      line += "  idle";
    else
      line += "  " + w.trial + "  step " + std::to_string(w.step) + "/" +
              std::to_string(w.total_steps) + "  " + w.label;
    out_ << line << "\n";
    ++drawn_lines_;
  }
  out_ << std::flush;
}

void ProgressView::event(const std::string& line) {
  if (terminal_) {
    erase();  // the next update redraws the block below the line
    last_draw_ = {};
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - started_).count();
  out_ << "[" << format_duration(elapsed) << "] " << line << "\n" << std::flush;
}

void ProgressView::update(const SweepView& view) {
  const auto now = Clock::now();
  if (terminal_) {
    if (now - last_draw_ < std::chrono::milliseconds(500)) return;
    draw(view);
    last_draw_ = now;
  } else if (last_draw_ == Clock::time_point{} ? now - started_ >= std::chrono::seconds(30)
                                               : now - last_draw_ >= std::chrono::seconds(30)) {
    out_ << summary(view) << "\n" << std::flush;
    last_draw_ = now;
  }
}

void ProgressView::finish(const SweepView& view) {
  if (terminal_) erase();
  out_ << summary(view) << "\n" << std::flush;
}

}  // namespace adamix::orchestrator
