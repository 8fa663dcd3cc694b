#include "orchestrator/orchestrator.h"

#include <algorithm>
#include <csignal>
#include <sstream>

#include "core/error.h"
#include "orchestrator/stop_signals.h"

namespace adamix::orchestrator {

Orchestrator::Orchestrator(OrchestratorSettings settings, std::vector<QueuedTrial> queue,
                           Recorder& recorder, Transport& transport, ProgressView& view)
    : settings_(std::move(settings)),
      trials_(std::move(queue)),
      recorder_(recorder),
      transport_(transport),
      view_(view) {
  std::vector<size_t> order(trials_.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  // Longest expected first, so the sweep does not end waiting on one long straggler.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (trials_[a].expected_cost != trials_[b].expected_cost)
      return trials_[a].expected_cost > trials_[b].expected_cost;
    return trials_[a].position < trials_[b].position;
  });
  queue_.assign(order.begin(), order.end());
  for (int w = 1; w <= transport_.workers(); ++w) workers_[w];
}

SweepOutcome Orchestrator::run() {
  const auto live = [&] {
    return std::any_of(workers_.begin(), workers_.end(), [](auto& w) { return !w.second.gone; });
  };
  while (live()) {
    if (!stopping_ && stop_signal() != 0) begin_stop(stop_signal());
    for (auto& envelope : transport_.poll(std::chrono::milliseconds(100)))
      handle(envelope.worker, envelope.message);
    check_heartbeats();
    release_idle_when_finished();
    recorder_.flush();  // after the replies: the database is off the workers' critical path
    view_.update(snapshot());
    if (stop_deadline_ && Clock::now() > *stop_deadline_) {
      for (auto& [id, worker] : workers_)
        if (!worker.gone) {
          if (worker.trial)
            give_back(worker, "interrupted: worker did not stop within the grace period");
          worker.gone = true;
        }
    }
  }
  recorder_.flush();
  outcome_.unfinished = static_cast<int64_t>(queue_.size());
  view_.finish(snapshot());
  return outcome_;
}

bool Orchestrator::current(const Worker& worker, const Message& message) const {
  return worker.trial && message.value("trial", std::string()) == trials_[*worker.trial].id &&
         message.value("attempt", int64_t{-1}) == worker.attempt;
}

void Orchestrator::handle(int worker_id, const Message& message) {
  auto& worker = workers_.at(worker_id);
  if (worker.gone) return;  // given up on (heartbeat) or left
  worker.last_heard = Clock::now();
  const auto type = message.value("type", std::string());
  if (type == "ready") {
    on_ready(worker_id, message);
  } else if (type == "event") {
    if (current(worker, message)) on_event(worker, message.at("event"));
  } else if (type == "heartbeat") {
    if (current(worker, message)) recorder_.heartbeat(trials_[*worker.trial].id, worker.step);
  } else if (type == "exit") {
    if (current(worker, message)) on_exit(worker_id, message);
  } else if (type == "bye") {
    on_bye(worker_id);
  } else {
    throw Error("worker " + std::to_string(worker_id) + " sent an unknown message type '" + type +
                "'");
  }
}

void Orchestrator::on_ready(int worker_id, const Message& message) {
  auto& worker = workers_.at(worker_id);
  worker.host = message.value("host", std::string());
  worker.gpu = message.value("gpu", std::string());
  worker.idle = true;
  dispatch(worker_id);
}

void Orchestrator::dispatch(int worker_id) {
  auto& worker = workers_.at(worker_id);
  if (!worker.idle || worker.sent_leave) return;
  if (stopping_ || outcome_.stopped_early) {
    transport_.send(worker_id, message::release());
    worker.sent_leave = true;
    return;
  }
  if (queue_.empty()) return;  // kept until the end: a running trial may fail and be retried
  const size_t index = queue_.front();
  queue_.pop_front();
  auto& trial = trials_[index];
  worker.idle = false;
  worker.trial = index;
  worker.attempt = ++trial.attempts;
  worker.step = 0;
  worker.total_steps = 0;
  ++running_;
  if (first_wave_.size() < workers_.size() && outcome_.done == 0) first_wave_.insert(index);
  const auto dir = settings_.run_dir / "trials" / trial.id;
  transport_.send(worker_id,
                  message::run(trial.id, worker.attempt, trial.yaml, dir.string(), trial.label));
  recorder_.running(trial.id, worker.attempt, worker_id, worker.host, worker.gpu);
  view_.event("trial " + trial.id + " started on worker " + std::to_string(worker_id) +
              " (attempt " + std::to_string(worker.attempt) + ")  " + trial.label);
}

void Orchestrator::on_event(Worker& worker, const Message& event) {
  const auto& trial = trials_[*worker.trial];
  const auto name = event.value("event", std::string());
  if (name == "started") {
    worker.step = event.value("step", int64_t{0});
    worker.total_steps = event.value("total_steps", int64_t{0});
    if (event.value("resumed", false))
      view_.event("trial " + trial.id + " resumed from its checkpoint at step " +
                  std::to_string(worker.step));
  } else if (name == "progress" || name == "metrics") {
    worker.step = std::max(worker.step, event.value("step", worker.step));
  } else if (name == "finished") {
    std::ostringstream text;
    text << "trial " << trial.id << " done: best " << event.value("main_metric", std::string())
         << " ";
    const auto score = event.find("best_score");
    if (score != event.end() && score->is_number())
      text << score->get<double>();
    else
      text << "none (no finite evaluation)";
    text << " at step " << event.value("best_step", int64_t{0});
    view_.event(text.str());
  }
  recorder_.trial_event(trial.id, worker.attempt, event);
}

void Orchestrator::on_exit(int worker_id, const Message& message) {
  auto& worker = workers_.at(worker_id);
  const size_t index = *worker.trial;
  const auto& id = trials_[index].id;
  const auto outcome = parse_outcome(message.value("outcome", std::string()));
  const auto error = message.value("error", std::string());
  worker.trial.reset();
  --running_;
  if (outcome == Outcome::Done) {
    ++outcome_.done;
    recorder_.done(id);
    return;
  }
  if (outcome == Outcome::Stopped) {
    queue_.push_front(index);
    recorder_.requeued(id, "interrupted: " + (error.empty() ? "stopped on request" : error));
    view_.event("trial " + id + " stopped at its checkpoint; it resumes on the next run");
    return;
  }
  const int failures = ++failures_[index];
  if (failures < settings_.max_attempts || stopping_) {  // when stopping: retried on --resume
    queue_.push_back(index);
    recorder_.requeued(id, "attempt " + std::to_string(worker.attempt) + " failed: " + error);
    view_.event("trial " + id + " failed (attempt " + std::to_string(worker.attempt) +
                "), will retry: " + error);
    return;
  }
  ++outcome_.failed;
  outcome_.failures.push_back({id, error});
  recorder_.failed(id, error);
  view_.event("trial " + id + " FAILED after " + std::to_string(failures) +
              (failures == 1 ? " attempt: " : " attempts: ") + error);
  const bool wave_failed = outcome_.done == 0 && !first_wave_.empty() &&
                           std::all_of(first_wave_.begin(), first_wave_.end(), [&](size_t t) {
                             const auto f = failures_.find(t);
                             return f != failures_.end() && f->second >= settings_.max_attempts;
                           });
  if (wave_failed && !outcome_.stopped_early) {
    outcome_.stopped_early = true;
    recorder_.note("", "stopped-early",
                   "every trial of the first wave failed; last error: " + error);
    view_.event("every trial of the first wave failed: stopping (fix the cause, then --resume)");
    for (auto& [wid, w] : workers_) dispatch(wid);  // releases the idle ones
  }
}

void Orchestrator::on_bye(int worker_id) {
  auto& worker = workers_.at(worker_id);
  if (worker.trial) give_back(worker, "interrupted: its worker left");
  worker.gone = true;
}

void Orchestrator::give_back(Worker& worker, const std::string& why) {
  const size_t index = *worker.trial;
  worker.trial.reset();
  --running_;
  queue_.push_front(index);
  recorder_.requeued(trials_[index].id, why);
  view_.event("trial " + trials_[index].id + " " + why);
}

void Orchestrator::release_idle_when_finished() {
  if (stopping_ || running_ > 0) return;
  for (auto& [id, worker] : workers_) {
    if (worker.gone || !worker.idle || worker.sent_leave) continue;
    if (!queue_.empty() && !outcome_.stopped_early) {
      dispatch(id);
      continue;
    }
    transport_.send(id, message::release());
    worker.sent_leave = true;
  }
}

void Orchestrator::begin_stop(int signal_number) {
  stopping_ = true;
  outcome_.stop_signal = signal_number;
  stop_deadline_ = Clock::now() + settings_.grace + std::chrono::seconds(30);
  recorder_.note("", "stopping",
                 "received " +
                     std::string(signal_number == SIGUSR2  ? "SIGUSR2"
                                 : signal_number == SIGINT ? "SIGINT"
                                                           : "SIGTERM") +
                     ": running trials checkpoint and stop");
  view_.event("stopping: running trials checkpoint and stop; re-run with --resume to continue");
  for (auto& [id, worker] : workers_) {
    if (worker.gone || worker.sent_leave) continue;
    transport_.send(id, worker.trial ? message::stop() : message::release());
    worker.sent_leave = true;
  }
}

void Orchestrator::check_heartbeats() {
  const auto now = Clock::now();
  for (auto& [id, worker] : workers_) {
    if (worker.gone || !worker.trial || now - worker.last_heard < settings_.heartbeat_timeout)
      continue;
    give_back(worker, "interrupted: worker " + std::to_string(id) + " stopped responding");
    worker.gone = true;  // never handed work again
  }
}

SweepView Orchestrator::snapshot() const {
  SweepView view;
  view.name = settings_.sweep_name;
  view.trials = settings_.sweep_trials;
  view.done = settings_.already_done + outcome_.done;
  view.failed = settings_.already_failed + outcome_.failed;
  view.running = running_;
  view.queued = static_cast<int64_t>(queue_.size());
  double progress = static_cast<double>(outcome_.done + outcome_.failed);
  for (const auto& [id, w] : workers_) {
    WorkerView wv{id, w.host, w.gpu, "", "", w.step, w.total_steps, w.gone};
    if (w.trial) {
      wv.trial = trials_[*w.trial].id;
      wv.label = trials_[*w.trial].label;
      if (w.total_steps > 0)
        progress += static_cast<double>(w.step) / static_cast<double>(w.total_steps);
    }
    view.workers.push_back(wv);
  }
  const double work = static_cast<double>(trials_.size());
  view.fraction = work > 0 ? progress / work : 1;
  return view;
}

}  // namespace adamix::orchestrator
