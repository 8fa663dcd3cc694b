// Training-step benchmark of the C++ trainer (the Python twin is bench/train_step_bench.py;
// bench/run runs both and prints the ratios).
//
//   adamix_bench_train_step --threads 2 --model-dir /tmp/m --json /tmp/m/cpp.json
//
// What it measures, on the CPU, with LibTorch's intra-op threads set to --threads:
//  1. train: the real Trainer (core/train/trainer.cpp) on an AdaMix task model (adapter, r, M,
//     share up, random routing, consistency 1.0) over a fixed random batch: zero_grad, two
//     forward passes, CE + lambda · consistency, backward, clip_grad_norm_ 1.0, AdamW step.
//     An observer stamps every optimiser step; the median step interval after the warm-up.
//  2. phases: the same step written out by hand (what Trainer::train_step does), timed per
//     phase (forward ×2 + loss, backward, clip + AdamW), to show where the time goes.
//  3. eval: no-grad eval-mode predict() of the AdaMix model in `merged` inference mode versus a
//     plain single adapter (M = 1, same r) on the same backbone, interleaved call by call.
// The backbone is a random BERT written by make_model to --model-dir, which the Python side
// then loads, so both run identical sizes.
#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/metrics/metric.h"
#include "core/models/make_model.h"
#include "core/peft/consistency.h"
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

BenchOptions parse_flags(int argc, char** argv) {
  BenchOptions o;
  std::map<std::string, int64_t*> ints = {{"--batch", &o.batch},
                                          {"--seq", &o.seq},
                                          {"--warmup", &o.warmup},
                                          {"--steps", &o.steps},
                                          {"--eval-calls", &o.eval_calls},
                                          {"--hidden", &o.hidden},
                                          {"--layers", &o.layers},
                                          {"--heads", &o.heads},
                                          {"--intermediate", &o.intermediate},
                                          {"--vocab", &o.vocab},
                                          {"--max-positions", &o.max_positions},
                                          {"--size", &o.size},
                                          {"--experts", &o.experts}};
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::cout << "flags: --threads --model-dir --json --seed";
      for (const auto& [name, ptr] : ints) std::cout << " " << name;
      std::cout << "\n";
      std::exit(0);
    }
    if (i + 1 >= argc) throw adamix::ConfigError("flag " + flag + " needs a value");
    const std::string value = argv[++i];
    if (flag == "--threads") {
      o.threads = std::stoi(value);
    } else if (flag == "--model-dir") {
      o.model_dir = value;
    } else if (flag == "--json") {
      o.json = value;
    } else if (flag == "--seed") {
      o.seed = std::stoull(value);
    } else if (auto it = ints.find(flag); it != ints.end()) {
      *it->second = std::stoll(value);
    } else {
      throw adamix::ConfigError("unknown flag " + flag + " (see --help)");
    }
  }
  if (o.threads < 1 || o.batch < 1 || o.seq < 2 || o.seq > o.max_positions || o.steps < 1 ||
      o.eval_calls < 1 || o.warmup < 0)
    throw adamix::ConfigError(
        "need threads, batch, steps, eval-calls >= 1 and 2 <= seq <= "
        "max-positions");
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

adamix::peft::PeftOptions adamix_method(const BenchOptions& o, int64_t experts) {
  adamix::peft::PeftOptions m;
  m.module = adamix::peft::PeftModule::Adapter;
  m.size = o.size;
  m.experts = experts;
  m.share = adamix::peft::Share::Up;
  m.routing = adamix::peft::Routing::Random;
  m.consistency = 1.0;
  m.inference = adamix::peft::InferenceMode::parse("merged");
  return m;
}

nlohmann::json run(const BenchOptions& o) {
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
  const auto train = random_split("train", o.batch, o.seq, o.vocab, o.seed + 1);
  const std::vector<adamix::data::TokenizedSplit> dev = {
      random_split("dev", o.batch, o.seq, o.vocab, o.seed + 2)};

  // 1. The real Trainer: one batch per epoch (the split is one batch), no evaluation until the
  // last step, whose on_step comes before it.
  adamix::train::TrainOptions to;
  to.batch_size = o.batch;
  to.max_steps = o.warmup + o.steps;
  to.eval_every = 1 << 30;
  to.seed = o.seed;
  StepTimer timer;
  {
    adamix::train::Trainer trainer(
        model, train, dev, {{adamix::metrics::Metric::Accuracy}, adamix::metrics::Metric::Accuracy},
        to);
    trainer.add_observer(&timer);
    trainer.run();
  }
  const std::vector<double> trainer_ms(timer.step_ms.begin() + o.warmup, timer.step_ms.end());

  // 2. The same step by hand, timed per phase (what Trainer::train_step does for one batch).
  std::vector<int64_t> rows(static_cast<size_t>(o.batch));
  for (int64_t i = 0; i < o.batch; ++i) rows[static_cast<size_t>(i)] = i;
  const auto fixed = adamix::train::make_batch(train, rows, false, cpu);
  auto optimizer = adamix::train::make_adamw(model.trainable(), to);
  std::vector<torch::Tensor> params;
  for (const auto& [name, p] : model.trainable()) params.push_back(p);
  std::vector<double> fwd_ms, bwd_ms, opt_ms, total_ms;
  model.train(true);
  for (int64_t s = 0; s < o.warmup + o.steps; ++s) {
    const auto t0 = Clock::now();
    optimizer->zero_grad();
    const auto z1 = model.forward(fixed);
    const auto task_loss = torch::nn::functional::cross_entropy(z1, fixed.labels);
    const auto z2 = model.forward(fixed);  // new routes, new dropout
    const auto loss = task_loss + 1.0 * adamix::peft::consistency_loss(z1, z2);
    const double value = loss.item<double>();
    const auto t1 = Clock::now();
    loss.backward();
    const auto t2 = Clock::now();
    torch::nn::utils::clip_grad_norm_(params, 1.0);
    optimizer->step();
    const auto t3 = Clock::now();
    if (!std::isfinite(value)) throw adamix::DivergenceError("benchmark loss is not finite");
    if (s < o.warmup) continue;
    using ms = std::chrono::duration<double, std::milli>;
    fwd_ms.push_back(ms(t1 - t0).count());
    bwd_ms.push_back(ms(t2 - t1).count());
    opt_ms.push_back(ms(t3 - t2).count());
    total_ms.push_back(ms(t3 - t0).count());
  }

  // 3. Inference: merged AdaMix versus one plain adapter of the same r, interleaved.
  TaskModel single(dir, adamix_method(o, 1), 2, /*regression=*/false, o.seed, cpu);
  std::vector<double> merged_ms, single_ms;
  {
    torch::NoGradGuard no_grad;
    model.train(false);
    single.train(false);
    for (int64_t c = 0; c < o.warmup + o.eval_calls; ++c) {
      auto t = Clock::now();
      model.predict(fixed);
      const double m = ms_since(t);
      t = Clock::now();
      single.predict(fixed);
      const double s = ms_since(t);
      if (c < o.warmup) continue;
      merged_ms.push_back(m);
      single_ms.push_back(s);
    }
  }

  const auto acc = model.accounting();
  const auto single_acc = single.accounting();
  int64_t trainable = 0, single_trainable = 0;
  for (const auto& [name, p] : model.trainable()) trainable += p.numel();
  for (const auto& [name, p] : single.trainable()) single_trainable += p.numel();
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
  r["sizes"] = {{"backbone", acc.peft.backbone},
                {"trainable", trainable},
                {"trainable_single", single_trainable},
                {"head", acc.head},
                {"single_head", single_acc.head}};
  r["train_step_ms"] = median(trainer_ms);
  r["train_step_ms_all"] = trainer_ms;
  r["phases_ms"] = {{"forward", median(fwd_ms)},
                    {"backward", median(bwd_ms)},
                    {"optimizer", median(opt_ms)},
                    {"total", median(total_ms)}};
  r["eval_merged_ms"] = median(merged_ms);
  r["eval_single_ms"] = median(single_ms);
  r["eval_merged_over_single"] = median(merged_ms) / median(single_ms);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const BenchOptions o = parse_flags(argc, argv);
    const nlohmann::json r = run(o);
    std::cout << "C++  threads " << r["threads"] << "  batch " << o.batch << "x" << o.seq
              << "  backbone " << r["sizes"]["backbone"] << "  trainable "
              << r["sizes"]["trainable"] << " (single " << r["sizes"]["trainable_single"] << ")\n"
              << "C++  train step (Trainer) median " << r["train_step_ms"].get<double>()
              << " ms; by hand: forward " << r["phases_ms"]["forward"].get<double>()
              << ", backward " << r["phases_ms"]["backward"].get<double>() << ", clip+AdamW "
              << r["phases_ms"]["optimizer"].get<double>() << " ms\n"
              << "C++  eval merged " << r["eval_merged_ms"].get<double>() << " ms, single "
              << r["eval_single_ms"].get<double>() << " ms, ratio "
              << r["eval_merged_over_single"].get<double>() << "\n";
    if (!o.json.empty()) std::ofstream(o.json) << r.dump(2) << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "adamix_bench_train_step: " << e.what() << "\n";
    return 1;
  }
}
