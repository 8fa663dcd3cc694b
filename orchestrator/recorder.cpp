#include "orchestrator/recorder.h"

#include <cmath>
#include <limits>

namespace adamix::orchestrator {

void Recorder::queue(std::function<void(storage::ResultsStore&)> write) {
  pending_.push_back(std::move(write));
}

void Recorder::running(const std::string& trial, int64_t attempt, int worker,
                       const std::string& host, const std::string& gpu) {
  const auto time = storage::utc_now();
  queue([=](storage::ResultsStore& s) {
    s.mark_running(trial, attempt, worker, host, gpu, time);
    s.add_event(time, trial, "started",
                "attempt " + std::to_string(attempt) + " on worker " + std::to_string(worker) +
                    " (" + host + (gpu.empty() ? "" : ", gpu " + gpu) + ")");
  });
}

void Recorder::trial_event(const std::string& trial, int64_t attempt, const Message& event) {
  const auto time = storage::utc_now();
  const auto name = event.value("event", std::string());
  if (name == "started") {
    storage::TrialFacts facts;
    facts.main_metric = event.value("main_metric", std::string());
    facts.total_steps = event.value("total_steps", int64_t{0});
    facts.backbone_sha256 = event.value("backbone_sha256", std::string());
    if (event.contains("params")) {
      const auto& p = event["params"];
      facts.params_backbone = p.value("backbone", int64_t{0});
      facts.params_trainable = p.value("trainable", int64_t{0});
      facts.params_merged = p.value("merged", int64_t{0});
      facts.params_head = p.value("head", int64_t{0});
    }
    const auto step = event.value("step", int64_t{0});
    const bool resumed = event.value("resumed", false);
    queue([=](storage::ResultsStore& s) {
      s.set_trial_facts(trial, facts);
      // Rows past the restored checkpoint came from a run that died; they are replayed.
      const auto dropped = s.delete_metrics_after(trial, step);
      s.update_progress(trial, step, time);
      if (resumed)
        s.add_event(
            time, trial, "resumed",
            "from step " + std::to_string(step) +
                (dropped ? " (" + std::to_string(dropped) + " later metric rows dropped)" : ""));
    });
  } else if (name == "metrics") {
    std::vector<storage::MetricRow> rows;
    const auto step = event.value("step", int64_t{0});
    const auto epoch = event.value("epoch", int64_t{0});
    for (const auto& [key, value] : event.at("metrics").items()) {
      const auto slash = key.find('/');
      storage::MetricRow row;
      row.trial = trial;
      row.step = step;
      row.split = slash == std::string::npos ? "" : key.substr(0, slash);
      row.name = slash == std::string::npos ? key : key.substr(slash + 1);
      row.value =
          value.is_number() ? value.get<double>() : std::numeric_limits<double>::quiet_NaN();
      row.epoch = epoch;
      row.attempt = attempt;
      rows.push_back(std::move(row));
    }
    queue([rows](storage::ResultsStore& s) {
      for (const auto& row : rows) s.put_metric(row);
    });
  } else if (name == "progress" || name == "finished" || name == "stopped") {
    const auto step = event.value("step", int64_t{0});
    queue([=](storage::ResultsStore& s) { s.update_progress(trial, step, time); });
  } else if (name == "checkpoint") {
    storage::ArtifactRow row;
    row.trial = trial;
    const auto file = event.value("file", std::string());
    row.kind = file == "best.h5" ? "best" : "checkpoint";
    row.path = "trials/" + trial + "/" + file;
    row.sha256 = event.value("sha256", std::string());
    row.step = event.value("step", int64_t{0});
    queue([row](storage::ResultsStore& s) { s.put_artifact(row); });
  }
}

void Recorder::heartbeat(const std::string& trial, int64_t step) {
  const auto time = storage::utc_now();
  queue([=](storage::ResultsStore& s) { s.update_progress(trial, step, time); });
}

void Recorder::done(const std::string& trial) {
  const auto time = storage::utc_now();
  queue([=](storage::ResultsStore& s) {
    s.mark_done(trial, time);
    s.add_event(time, trial, "done", "finished");
  });
}

void Recorder::failed(const std::string& trial, const std::string& error) {
  const auto time = storage::utc_now();
  queue([=](storage::ResultsStore& s) {
    s.mark_failed(trial, time, error);
    s.add_event(time, trial, "failed", error);
  });
}

void Recorder::requeued(const std::string& trial, const std::string& why) {
  const auto time = storage::utc_now();
  queue([=](storage::ResultsStore& s) {
    s.mark_queued(trial, why);
    s.add_event(time, trial, "requeued", why);
  });
}

void Recorder::note(const std::string& trial, const std::string& kind, const std::string& text) {
  const auto time = storage::utc_now();
  queue([=](storage::ResultsStore& s) { s.add_event(time, trial, kind, text); });
}

void Recorder::flush() {
  if (pending_.empty()) return;
  auto transaction = store_.begin();
  for (auto& write : pending_) write(store_);
  transaction.commit();
  pending_.clear();
}

}  // namespace adamix::orchestrator
