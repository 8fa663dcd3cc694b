// Training-step benchmark of the C++ trainer (the Python twin is bench/train_step_bench.py;
// bench/run runs both and prints the ratios).
//
//   adamix_bench_train_step --threads 2 --model-dir /tmp/m --json /tmp/m/cpp.json
//
// What it measures, on the CPU, with LibTorch's intra-op threads set to --threads:
//  1. train: the real Trainer (core/train/trainer.cpp) on an AdaMix task model (adapter, r, M,
//     share up, random routing, consistency 1.0) over a fixed random batch: zero_grad, both
//     consistency passes, CE + lambda · consistency, backward, clip_grad_norm_ 1.0, AdamW step.
//     An observer stamps every optimiser step; the median step interval after the warm-up.
//     Three trainers: the default (both passes as one forward of the batch stacked twice), the
//     two-pass path (train.consistency_passes: two-pass, the reference's way), and a single
//     adapter (M = 1, same r, no consistency: one pass) for the AdaMix / single step ratio.
//  2. phases: the same step written out by hand (what Trainer::train_step does), timed per
//     phase (forward ×2 + loss, backward, clip + AdamW), to show where the time goes.
//  3. eval: no-grad eval-mode predict() of the AdaMix model in `merged` inference mode versus a
//     plain single adapter (M = 1, same r) on the same backbone, interleaved call by call.
//  4. memory: the peak resident memory of the first trainer's steps (the default path) above
//     what the process held before them (Linux: /proc/self/clear_refs resets VmHWM), measured
//     first, before any other step has grown the heap; the Python side measures its loop alike.
//  5. matmul probe: GFLOP/s of one matrix multiply of the step's largest shape (the batched
//     step's rows times the FFN's up projection), run in the same process after the steps, for
//     bench/run to compare with the step's own matrix-multiply FLOP/s.
// The backbone is a random BERT written by make_model to --model-dir, which the Python side
// then loads, so both run identical sizes.
// Numerics check, before any timing: the AdaMix model's initial trainable values go to
// <model-dir>/bench_trainable.safetensors, and the batch's cross-entropy with dropout off (eval
// mode) and every module forced onto expert path (0, 0) goes to the JSON as check_loss; the
// Python side loads the same values, computes the same number, and bench/run compares the two.
#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/io/safetensors.h"
#include "core/metrics/metric.h"
#include "core/models/make_model.h"
#include "core/peft/consistency.h"
#include "core/runtime/memory.h"
#include "core/train/optimizer.h"
#include "core/train/task_model.h"
#include "core/train/trainer.h"

namespace {

namespace fs = std::filesystem;
using adamix::train::TaskModel;
using Clock = std::chrono::steady_clock;

struct BenchOptions {
  int threads = 2;
  int64_t batch = 16;
  int64_t seq = 64;
  int64_t warmup = 3;       // untimed steps / calls first
  int64_t steps = 20;       // timed training steps (trainer and phases each)
  int64_t eval_calls = 30;  // timed eval calls per model
  int64_t hidden = 256;
  int64_t layers = 4;
  int64_t heads = 4;
  int64_t intermediate = 1024;
  int64_t vocab = 2000;
  int64_t max_positions = 128;
  int64_t size = 16;    // adapter bottleneck r
  int64_t experts = 4;  // M (down side; up is shared)
  uint64_t seed = 1;
  std::string model_dir;  // empty = a folder under the system temp directory
  std::string json;       // where to write the results; empty = none
};

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// Flags as `--name value`; nullopt after printing --help. ConfigError names a bad flag or value.
std::optional<BenchOptions> parse_flags(int argc, char** argv) {
  BenchOptions o;
  int64_t threads = o.threads;
  int64_t seed = static_cast<int64_t>(o.seed);
  const std::map<std::string, int64_t*> ints = {
      {"--threads", &threads}, {"--batch", &o.batch},     {"--seq", &o.seq},
      {"--warmup", &o.warmup}, {"--steps", &o.steps},     {"--eval-calls", &o.eval_calls},
      {"--hidden", &o.hidden}, {"--layers", &o.layers},   {"--heads", &o.heads},
      {"--vocab", &o.vocab},   {"--size", &o.size},       {"--intermediate", &o.intermediate},
      {"--seed", &seed},       {"--experts", &o.experts}, {"--max-positions", &o.max_positions}};
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::cout << "adamix_bench_train_step [--model-dir DIR] [--json FILE]";
      for (const auto& item : ints) std::cout << " [" << item.first << " N]";
      std::cout << "\n";
      return std::nullopt;
    }
    if (i + 1 >= argc) throw adamix::ConfigError("flag " + flag + " needs a value");
    const std::string value = argv[++i];
    if (flag == "--model-dir") {
      o.model_dir = value;
    } else if (flag == "--json") {
      o.json = value;
    } else if (const auto it = ints.find(flag); it != ints.end()) {
      size_t used = 0;
      try {
        *it->second = std::stoll(value, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used == 0 || used != value.size())
        throw adamix::ConfigError("flag " + flag + " needs an integer, got '" + value + "'");
    } else {
      throw adamix::ConfigError("unknown flag " + flag + " (see --help)");
    }
  }
  o.threads = static_cast<int>(threads);
  o.seed = static_cast<uint64_t>(seed);
  if (o.threads < 1 || o.batch < 1 || o.steps < 1 || o.eval_calls < 1 || o.warmup < 0 ||
      o.seq < 2 || o.seq > o.max_positions)
    throw adamix::ConfigError(
        "need --threads, --batch, --steps, --eval-calls >= 1, --warmup >= 0 and "
        "2 <= --seq <= --max-positions");
  return o;
}

// `n` random examples of exactly `seq` tokens ([CLS]-like id 1 first, no padding), 2 classes.
adamix::data::TokenizedSplit random_split(const std::string& name, int64_t n, int64_t seq,
                                          int64_t vocab, uint64_t seed) {
  const auto gen = at::detail::createCPUGenerator(seed);
  const auto ids = at::randint(2, vocab, {n, seq}, gen, torch::kLong).contiguous();
  const auto labels = at::randint(0, 2, {n}, gen, torch::kLong).contiguous();
  adamix::data::TokenizedSplit split;
  split.name = name;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t* row = ids.data_ptr<int64_t>() + i * seq;
    split.ids.push_back(1);
    split.ids.insert(split.ids.end(), row + 1, row + seq);
    split.type_ids.insert(split.type_ids.end(), seq, 0);
    split.offsets.push_back(static_cast<int64_t>(split.ids.size()));
    split.labels.push_back(labels.data_ptr<int64_t>()[i]);
    split.scores.push_back(0.0);
  }
  return split;
}

// Stamps every optimiser step of the real Trainer.
class StepTimer : public adamix::train::TrainerObserver {
 public:
  void on_start(const adamix::train::TrainingState&, int64_t) override { last_ = Clock::now(); }
  void on_step(const adamix::train::TrainingState&, const adamix::train::StepReport&) override {
    step_ms.push_back(ms_since(last_));
    last_ = Clock::now();
  }
  std::vector<double> step_ms;

 private:
  Clock::time_point last_;
};

adamix::peft::PeftOptions adamix_method(const BenchOptions& o, int64_t experts,
                                        double consistency = 1.0) {
  adamix::peft::PeftOptions m;
  m.module = adamix::peft::PeftModule::Adapter;
  m.size = o.size;
  m.experts = experts;
  m.share = adamix::peft::Share::Up;
  m.routing = adamix::peft::Routing::Random;
  m.consistency = consistency;
  m.inference = adamix::peft::InferenceMode::parse("merged");
  return m;
}

// 1. The real Trainer: the split is one batch (so each step is one epoch) and evaluation waits
// for the last step, whose on_step comes before it. Step intervals after the warm-up.
std::vector<double> time_trainer(TaskModel& model, const adamix::data::TokenizedSplit& train,
                                 const adamix::train::TrainOptions& options,
                                 const BenchOptions& o) {
  const std::vector<adamix::data::TokenizedSplit> dev = {
      random_split("dev", o.batch, o.seq, o.vocab, o.seed + 2)};
  adamix::train::Trainer trainer(
      model, train, dev, {{adamix::metrics::Metric::Accuracy}, adamix::metrics::Metric::Accuracy},
      options);
  StepTimer timer;
  trainer.add_observer(&timer);
  trainer.run();
  return {timer.step_ms.begin() + o.warmup, timer.step_ms.end()};
}

struct Phases {
  std::vector<double> forward, backward, optimizer, total;  // ms per step
};

// 2. The step of Trainer::train_step written out for one fixed batch, timed per phase.
Phases time_phases(TaskModel& model, const adamix::train::Batch& batch,
                   const adamix::train::TrainOptions& options, const BenchOptions& o) {
  using Ms = std::chrono::duration<double, std::milli>;
  auto optimizer = adamix::train::make_adamw(model.trainable(), options);
  std::vector<torch::Tensor> params;
  for (const auto& [name, p] : model.trainable()) params.push_back(p);
  Phases phases;
  model.train(true);
  for (int64_t s = 0; s < o.warmup + o.steps; ++s) {
    const auto t0 = Clock::now();
    optimizer->zero_grad();
    const auto z1 = model.forward(batch);
    const auto task_loss = torch::nn::functional::cross_entropy(z1, batch.labels);
    const auto z2 = model.forward(batch);  // new routes, new dropout
    const auto loss = task_loss + 1.0 * adamix::peft::consistency_loss(z1, z2);
    const double value = loss.item<double>();
    const auto t1 = Clock::now();
    loss.backward();
    const auto t2 = Clock::now();
    torch::nn::utils::clip_grad_norm_(params, options.max_grad_norm);
    optimizer->step();
    const auto t3 = Clock::now();
    if (!std::isfinite(value)) throw adamix::DivergenceError("benchmark loss is not finite");
    if (s < o.warmup) continue;
    phases.forward.push_back(Ms(t1 - t0).count());
    phases.backward.push_back(Ms(t2 - t1).count());
    phases.optimizer.push_back(Ms(t3 - t2).count());
    phases.total.push_back(Ms(t3 - t0).count());
  }
  return phases;
}

// 3. No-grad eval-mode predict(), merged AdaMix then the single adapter, call by call, so a
// change in the machine's load hits both. Returns {merged ms, single ms} per call.
std::pair<std::vector<double>, std::vector<double>> time_eval(TaskModel& merged, TaskModel& single,
                                                              const adamix::train::Batch& batch,
                                                              const BenchOptions& o) {
  torch::NoGradGuard no_grad;
  merged.train(false);
  single.train(false);
  std::pair<std::vector<double>, std::vector<double>> ms;
  for (int64_t c = 0; c < o.warmup + o.eval_calls; ++c) {
    auto t = Clock::now();
    merged.predict(batch);
    const double m = ms_since(t);
    t = Clock::now();
    single.predict(batch);
    const double s = ms_since(t);
    if (c < o.warmup) continue;
    ms.first.push_back(m);
    ms.second.push_back(s);
  }
  return ms;
}

// The numerics check (see the top): saves the initial trainable values, returns the loss and
// the logits [N,2] it came from.
std::pair<double, torch::Tensor> check_loss(TaskModel& model, const adamix::train::Batch& batch,
                                            const fs::path& dir) {
  adamix::io::save_safetensors(dir / "bench_trainable.safetensors", model.trainable());
  torch::NoGradGuard no_grad;
  model.train(false);
  auto& routing = model.routing();
  routing.set_forced_path(adamix::peft::ExpertPath{0, 0});
  const torch::Tensor logits = model.forward(batch);
  routing.set_forced_path(std::nullopt);
  return {torch::nn::functional::cross_entropy(logits, batch.labels).item<double>(),
          logits.to(torch::kDouble).contiguous()};
}

// Resident memory in KiB from /proc/self/status (`VmRSS` now, `VmHWM` the peak since the last
// reset_peak_memory()).
int64_t status_kib(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field + ":", 0) == 0) return std::stoll(line.substr(field.size() + 1));
  throw adamix::IoError("no " + field + " in /proc/self/status (peak memory needs Linux)");
}

// Sets the peak (VmHWM) to the current resident size (Linux >= 4.0); returns that size in KiB.
int64_t reset_peak_memory() {
  std::ofstream("/proc/self/clear_refs") << "5";
  return status_kib("VmRSS");
}

// GFLOP/s of linear(x [rows, in], W [out, in]) as the model's FFN runs it, over enough calls for
// about a second (at least 5).
double matmul_probe_gflops(int64_t rows, int64_t in, int64_t out) {
  torch::NoGradGuard no_grad;
  const auto x = torch::randn({rows, in});
  const auto w = torch::randn({out, in});
  const auto b = torch::randn({out});
  torch::linear(x, w, b);  // warm-up
  std::vector<double> ms;
  const auto start = Clock::now();
  while (ms.size() < 5 || (ms_since(start) < 1000 && ms.size() < 1000)) {
    const auto t = Clock::now();
    torch::linear(x, w, b);
    ms.push_back(ms_since(t));
  }
  return 2.0 * rows * in * out / (median(ms) * 1e6);
}

int64_t trained_parameters(const TaskModel& model) {
  int64_t n = 0;
  for (const auto& [name, p] : model.trainable()) n += p.numel();
  return n;
}

nlohmann::json run(const BenchOptions& o) {
  adamix::runtime::retain_freed_memory();  // as `adamix train` does
  torch::set_num_threads(o.threads);
  const fs::path dir = o.model_dir.empty() ? fs::temp_directory_path() / "adamix_bench_model"
                                           : fs::path(o.model_dir);
  adamix::models::MakeModelOptions mm;
  mm.arch = "bert";
  mm.hidden = o.hidden;
  mm.layers = o.layers;
  mm.heads = o.heads;
  mm.intermediate = o.intermediate;
  mm.vocab_size = o.vocab;
  mm.max_positions = o.max_positions;
  mm.seed = o.seed;
  adamix::models::make_model(mm, dir);

  const torch::Device cpu(torch::kCPU);
  TaskModel model(dir, adamix_method(o, o.experts), 2, /*regression=*/false, o.seed, cpu);
  TaskModel single(dir, adamix_method(o, 1), 2, /*regression=*/false, o.seed, cpu);
  const auto train = random_split("train", o.batch, o.seq, o.vocab, o.seed + 1);
  std::vector<int64_t> rows;
  for (int64_t i = 0; i < o.batch; ++i) rows.push_back(i);
  const auto batch = adamix::train::make_batch(train, rows, /*regression=*/false, cpu);

  adamix::train::TrainOptions options;  // lr 3e-4, weight decay 0.1, clip 1.0 (the defaults)
  options.batch_size = o.batch;
  options.max_steps = o.warmup + o.steps;
  options.eval_every = 1 << 30;
  options.seed = o.seed;
  const auto [numerics_loss, numerics_logits] = check_loss(model, batch, dir);
  const int64_t rss_before_kib = reset_peak_memory();
  const std::vector<double> trainer_ms = time_trainer(model, train, options, o);
  const int64_t step_peak_kib = status_kib("VmHWM") - rss_before_kib;
  adamix::train::TrainOptions two_pass = options;
  two_pass.consistency_passes = adamix::train::ConsistencyPasses::TwoPass;
  const std::vector<double> two_pass_ms = time_trainer(model, train, two_pass, o);
  TaskModel plain(dir, adamix_method(o, 1, /*consistency=*/0.0), 2, false, o.seed, cpu);
  const std::vector<double> plain_ms = time_trainer(plain, train, options, o);
  const Phases phases = time_phases(model, batch, options, o);
  const auto [merged_ms, single_ms] = time_eval(model, single, batch, o);
  const double probe_gflops = matmul_probe_gflops(2 * o.batch * o.seq, o.hidden, o.intermediate);

  nlohmann::json r;
  r["side"] = "cpp";
  r["torch"] = std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) +
               "." + std::to_string(TORCH_VERSION_PATCH);
  r["threads"] = torch::get_num_threads();
  r["batch"] = o.batch;
  r["seq"] = o.seq;
  r["warmup"] = o.warmup;
  r["steps"] = o.steps;
  r["eval_calls"] = o.eval_calls;
  r["model_dir"] = dir.string();
  r["model"] = {{"hidden", o.hidden}, {"layers", o.layers},
                {"heads", o.heads},   {"intermediate", o.intermediate},
                {"vocab", o.vocab},   {"max_positions", o.max_positions}};
  r["method"] = {{"size", o.size},
                 {"experts", o.experts},
                 {"share", "up"},
                 {"routing", "random"},
                 {"consistency", 1.0}};
  r["sizes"] = {{"backbone", model.accounting().peft.backbone},
                {"trainable", trained_parameters(model)},
                {"trainable_single", trained_parameters(single)}};
  r["check_loss"] = numerics_loss;
  r["check_logits"] =
      std::vector<double>(numerics_logits.data_ptr<double>(),
                          numerics_logits.data_ptr<double>() + numerics_logits.numel());
  r["train_step_ms"] = median(trainer_ms);
  r["train_step_ms_all"] = trainer_ms;
  r["train_step_two_pass_ms"] = median(two_pass_ms);
  r["train_step_single_ms"] = median(plain_ms);
  r["adamix_over_single_step"] = median(trainer_ms) / median(plain_ms);
  r["phases_ms"] = {{"forward", median(phases.forward)},
                    {"backward", median(phases.backward)},
                    {"optimizer", median(phases.optimizer)},
                    {"total", median(phases.total)}};
  r["eval_merged_ms"] = median(merged_ms);
  r["eval_single_ms"] = median(single_ms);
  r["eval_merged_over_single"] = median(merged_ms) / median(single_ms);
  r["step_peak_mib"] = static_cast<double>(step_peak_kib) / 1024.0;
  r["matmul_probe_gflops"] = probe_gflops;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::optional<BenchOptions> flags = parse_flags(argc, argv);
    if (!flags) return 0;
    const BenchOptions& o = *flags;
    const nlohmann::json r = run(o);
    std::cout << "C++  threads " << r["threads"] << "  batch " << o.batch << "x" << o.seq
              << "  backbone " << r["sizes"]["backbone"] << "  trainable "
              << r["sizes"]["trainable"] << " (single " << r["sizes"]["trainable_single"] << ")\n"
              << "C++  train step (Trainer) median " << r["train_step_ms"].get<double>()
              << " ms; by hand: forward " << r["phases_ms"]["forward"].get<double>()
              << ", backward " << r["phases_ms"]["backward"].get<double>() << ", clip+AdamW "
              << r["phases_ms"]["optimizer"].get<double>() << " ms\n"
              << "C++  train step two-pass " << r["train_step_two_pass_ms"].get<double>()
              << " ms, single adapter " << r["train_step_single_ms"].get<double>()
              << " ms, AdaMix / single " << r["adamix_over_single_step"].get<double>() << "\n"
              << "C++  eval merged " << r["eval_merged_ms"].get<double>() << " ms, single "
              << r["eval_single_ms"].get<double>() << " ms, ratio "
              << r["eval_merged_over_single"].get<double>() << "\n"
              << "C++  peak memory of the steps " << r["step_peak_mib"].get<double>()
              << " MiB above the loaded model; matmul probe "
              << r["matmul_probe_gflops"].get<double>() << " GFLOP/s\n";
    if (!o.json.empty()) std::ofstream(o.json) << r.dump(2) << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "adamix_bench_train_step: " << e.what() << "\n";
    return 1;
  }
}
