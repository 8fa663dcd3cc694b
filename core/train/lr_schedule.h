#pragma once
// Warmup, then decay to zero: Hugging Face get_linear_schedule_with_warmup, or (kind Cosine)
// get_cosine_schedule_with_warmup with num_cycles 0.5. The optimiser step with index k (0-based)
// uses lr(k), so with warmup the very first step has learning rate 0, exactly as HF's scheduler
// (stepped after each optimiser step) gives.
//
//   Schedule schedule{3e-4, /*warmup=*/100, /*total=*/1000, LrSchedule::Cosine};
//   double lr = schedule.lr(step);
#include <cstdint>

#include "core/train/train_options.h"

namespace adamix::train {

struct Schedule {
  double base_lr = 0;
  int64_t warmup_steps = 0;
  int64_t total_steps = 0;
  LrSchedule kind = LrSchedule::Linear;  // the decay after warmup

  double lr(int64_t step) const;
};

// Optimiser steps of a whole run: max_steps when set, else epochs × ceil(batches / grad_accum)
// (an epoch's last, partial accumulation group still takes a step).
int64_t total_optimizer_steps(const TrainOptions& options, int64_t batches_per_epoch);
int64_t optimizer_steps_per_epoch(const TrainOptions& options, int64_t batches_per_epoch);

// warmup_steps when set, else ceil(warmup_ratio × total) as HF TrainingArguments.get_warmup_steps;
// kind from options.lr_schedule.
Schedule make_schedule(const TrainOptions& options, int64_t total_steps);

}  // namespace adamix::train
