#include "core/train/lr_schedule.h"

#include <algorithm>
#include <cmath>

namespace adamix::train {

double Schedule::lr(int64_t step) const {
  if (step < warmup_steps)
    return base_lr * static_cast<double>(step) /
           static_cast<double>(std::max<int64_t>(1, warmup_steps));
  const double decay_steps = static_cast<double>(std::max<int64_t>(1, total_steps - warmup_steps));
  if (kind == LrSchedule::Cosine) {
    // HF's lr_lambda with num_cycles 0.5: cos(pi * num_cycles * 2 * progress). Like HF, progress
    // is not clamped, so steps past total_steps would rise again (the trainer never asks for them).
    constexpr double kNumCycles = 0.5;
    const double progress = static_cast<double>(step - warmup_steps) / decay_steps;
    return base_lr * std::max(0.0, 0.5 * (1.0 + std::cos(M_PI * kNumCycles * 2.0 * progress)));
  }
  const double remaining = static_cast<double>(total_steps - step) / decay_steps;
  return base_lr * std::max(0.0, remaining);
}

int64_t optimizer_steps_per_epoch(const TrainOptions& options, int64_t batches_per_epoch) {
  return std::max<int64_t>(1, (batches_per_epoch + options.grad_accum - 1) / options.grad_accum);
}

int64_t total_optimizer_steps(const TrainOptions& options, int64_t batches_per_epoch) {
  if (options.max_steps > 0) return options.max_steps;
  return options.epochs * optimizer_steps_per_epoch(options, batches_per_epoch);
}

Schedule make_schedule(const TrainOptions& options, int64_t total_steps) {
  Schedule schedule;
  schedule.base_lr = options.lr;
  schedule.kind = options.lr_schedule;
  schedule.total_steps = total_steps;
  schedule.warmup_steps = options.warmup_steps > 0
                              ? options.warmup_steps
                              : static_cast<int64_t>(std::ceil(options.warmup_ratio *
                                                               static_cast<double>(total_steps)));
  return schedule;
}

}  // namespace adamix::train
