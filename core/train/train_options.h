#pragma once
// Optimiser, schedule and loop options: the `train:` block of a trial config (docs/method.md's
// reference hyperparameters are the defaults). No LibTorch here.
//
//   TrainOptions train;  // RoBERTa-large MNLI: lr 3e-4, 20 epochs, batch 64, ...
#include <cstdint>
#include <string>

namespace adamix::train {

// The learning rate after warmup: decays linearly to 0, or along half a cosine to 0.
enum class LrSchedule { Linear, Cosine };

const char* to_string(LrSchedule schedule);  // "linear" | "cosine"
// ConfigError naming the value and the choices for anything else.
LrSchedule parse_lr_schedule(const std::string& text);

// AdamW: LibTorch's (= torch.optim.AdamW / HF's: eps added to sqrt(v / (1 - b2^t)), decay
// p *= 1 - lr·wd before the update). AdamWLora: microsoft/LoRA examples/NLG/src/optimizer.py, as
// the AdaMix NLG results were trained: eps added to sqrt(v), bias correction folded into the
// step size lr·sqrt(1 - b2^t) / (1 - b1^t), decay p -= lr·wd·p after the update.
enum class OptimizerKind { AdamW, AdamWLora };

const char* to_string(OptimizerKind kind);  // "adamw" | "adamw-lora"
// ConfigError naming the value and the choices for anything else.
OptimizerKind parse_optimizer(const std::string& text);

// Per-expert diagnostics with every evaluation (expert_diagnostics.h): auto = for mixtures
// (M > 1) only; on = required (a config without a mixture is refused); off = never.
enum class ExpertDiagnosticsMode { Auto, On, Off };

const char* to_string(ExpertDiagnosticsMode mode);  // "auto" | "on" | "off"
// ConfigError naming train.expert_diagnostics and the choices for anything else.
ExpertDiagnosticsMode parse_expert_diagnostics(const std::string& text);

// How a method with consistency (λ > 0) runs its two passes: batched = one forward over the
// batch stacked twice (2B rows, each half on its own expert route, one backbone pass; the
// default), two-pass = two forward calls as the reference does (the order of operations of
// runs made before batched existed). Same routes for one seed; equal within float rounding
// without dropout (each half still draws its own dropout masks).
enum class ConsistencyPasses { Batched, TwoPass };

const char* to_string(ConsistencyPasses passes);  // "batched" | "two-pass"
// ConfigError naming train.consistency_passes and the choices for anything else.
ConsistencyPasses parse_consistency_passes(const std::string& text);

// train.early_stopping: stop when `metric` (empty = the main metric) has not improved by more
// than min_delta (lower is better for loss, perplexity and ter) over `patience` evaluations in a
// row. patience 0 = off.
struct EarlyStopping {
  int64_t patience = 0;
  double min_delta = 0.0;
  std::string metric;
};

struct TrainOptions {
  int64_t epochs = 20;
  int64_t batch_size = 64;
  double lr = 3.0e-4;
  double weight_decay = 0.1;   // decoupled (AdamW); not on biases and LayerNorm weights
  double warmup_ratio = 0.06;  // share of all optimiser steps spent warming up linearly
  int64_t warmup_steps = 0;    // > 0 overrides warmup_ratio (NLG recipes: 2000 steps)
  // After warmup: linear decay to 0 (HF get_linear_schedule_with_warmup), or HF's
  // get_cosine_schedule_with_warmup with num_cycles 0.5 (half a cosine down to 0).
  LrSchedule lr_schedule = LrSchedule::Linear;
  double max_grad_norm = 1.0;    // 0 = no clipping
  int64_t eval_every = 0;        // evaluate every N optimiser steps; 0 = at each epoch's end
  int64_t checkpoint_every = 0;  // also checkpoint every N optimiser steps; 0 = at evaluations
  uint64_t seed = 1;
  int64_t grad_accum = 1;  // micro-batches per optimiser step
  double label_smoothing = 0.0;
  int64_t max_steps = 0;  // stop after N optimiser steps; 0 = run all epochs
  double adam_beta1 = 0.9;
  double adam_beta2 = 0.999;
  double adam_eps = 1e-8;
  OptimizerKind optimizer = OptimizerKind::AdamW;
  EarlyStopping early_stopping;
  ExpertDiagnosticsMode expert_diagnostics = ExpertDiagnosticsMode::Auto;
  // Classification mixtures: every evaluation also scores the first dev split's main metric
  // under every other inference mode — each expert path fixed:I,J, random-batch, ensemble and
  // merged — as "<split>@<mode>/<metric>" (dev@fixed:0,0/accuracy).
  bool eval_paths = false;
  ConsistencyPasses consistency_passes = ConsistencyPasses::Batched;
  // Less padding: each epoch's seeded order is cut into megabatches of 50 batches (fewer for a
  // small set, as HF's LengthGroupedSampler), each sorted by length, longest first, and batched
  // in that order. Deterministic per (seed, epoch); resumes like the plain order.
  bool group_by_length = false;

  // ConfigError naming the `train.` field for values out of range.
  void validate() const;
};

}  // namespace adamix::train
