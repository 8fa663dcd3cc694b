#include "core/train/train_options.h"

#include <string>

#include "core/error.h"

namespace adamix::train {
namespace {

void require(bool ok, const std::string& field, const std::string& rule, double value) {
  if (!ok)
    throw ConfigError("train." + field + " must be " + rule + ", got " + std::to_string(value));
}

}  // namespace

const char* to_string(LrSchedule schedule) {
  switch (schedule) {
    case LrSchedule::Linear: return "linear";
    case LrSchedule::Cosine: return "cosine";
  }
  return "?";
}

LrSchedule parse_lr_schedule(const std::string& text) {
  if (text == "linear") return LrSchedule::Linear;
  if (text == "cosine") return LrSchedule::Cosine;
  throw ConfigError("train.lr_schedule: unknown value '" + text +
                    "' (expected one of linear, cosine)");
}

const char* to_string(OptimizerKind kind) {
  return kind == OptimizerKind::AdamWLora ? "adamw-lora" : "adamw";
}

OptimizerKind parse_optimizer(const std::string& text) {
  if (text == "adamw") return OptimizerKind::AdamW;
  if (text == "adamw-lora") return OptimizerKind::AdamWLora;
  throw ConfigError("train.optimizer: unknown optimizer '" + text +
                    "' (expected adamw or adamw-lora)");
}

const char* to_string(ExpertDiagnosticsMode mode) {
  switch (mode) {
    case ExpertDiagnosticsMode::Auto: return "auto";
    case ExpertDiagnosticsMode::On: return "on";
    case ExpertDiagnosticsMode::Off: return "off";
  }
  return "?";
}

ExpertDiagnosticsMode parse_expert_diagnostics(const std::string& text) {
  if (text == "auto") return ExpertDiagnosticsMode::Auto;
  if (text == "on") return ExpertDiagnosticsMode::On;
  if (text == "off") return ExpertDiagnosticsMode::Off;
  throw ConfigError("train.expert_diagnostics: unknown value '" + text +
                    "' (expected one of auto, on, off)");
}

const char* to_string(ConsistencyPasses passes) {
  return passes == ConsistencyPasses::TwoPass ? "two-pass" : "batched";
}

ConsistencyPasses parse_consistency_passes(const std::string& text) {
  if (text == "batched") return ConsistencyPasses::Batched;
  if (text == "two-pass") return ConsistencyPasses::TwoPass;
  throw ConfigError("train.consistency_passes: unknown value '" + text +
                    "' (expected batched or two-pass)");
}

void TrainOptions::validate() const {
  require(epochs >= 1, "epochs", ">= 1", static_cast<double>(epochs));
  require(batch_size >= 1, "batch_size", ">= 1", static_cast<double>(batch_size));
  require(lr > 0, "lr", "> 0", lr);
  require(weight_decay >= 0, "weight_decay", ">= 0", weight_decay);
  require(warmup_ratio >= 0 && warmup_ratio < 1, "warmup_ratio", "in [0, 1)", warmup_ratio);
  require(warmup_steps >= 0, "warmup_steps", ">= 0", static_cast<double>(warmup_steps));
  require(max_grad_norm >= 0, "max_grad_norm", ">= 0", max_grad_norm);
  require(eval_every >= 0, "eval_every", "'epoch' or a step count >= 1",
          static_cast<double>(eval_every));
  require(checkpoint_every >= 0, "checkpoint_every", ">= 0", static_cast<double>(checkpoint_every));
  require(grad_accum >= 1, "grad_accum", ">= 1", static_cast<double>(grad_accum));
  require(label_smoothing >= 0 && label_smoothing < 1, "label_smoothing", "in [0, 1)",
          label_smoothing);
  require(max_steps >= 0, "max_steps", ">= 0", static_cast<double>(max_steps));
  require(adam_beta1 >= 0 && adam_beta1 < 1, "adam_beta1", "in [0, 1)", adam_beta1);
  require(adam_beta2 >= 0 && adam_beta2 < 1, "adam_beta2", "in [0, 1)", adam_beta2);
  require(adam_eps > 0, "adam_eps", "> 0", adam_eps);
  require(early_stopping.patience >= 0, "early_stopping.patience", ">= 1 (0 = off)",
          static_cast<double>(early_stopping.patience));
  require(early_stopping.min_delta >= 0, "early_stopping.min_delta", ">= 0",
          early_stopping.min_delta);
}

}  // namespace adamix::train
