#include "core/train/lr_schedule.h"

#include <algorithm>
#include <cmath>

namespace adamix::train {

double LinearSchedule::lr(int64_t step) const {
  if (step < warmup_steps)
    return base_lr * static_cast<double>(step) /
           static_cast<double>(std::max<int64_t>(1, warmup_steps));
  const double remaining = static_cast<double>(total_steps - step) /
                           static_cast<double>(std::max<int64_t>(1, total_steps - warmup_steps));
  return base_lr * std::max(0.0, remaining);
}

int64_t optimizer_steps_per_epoch(const TrainOptions& options, int64_t batches_per_epoch) {
  return std::max<int64_t>(1, (batches_per_epoch + options.grad_accum - 1) / options.grad_accum);
}

int64_t total_optimizer_steps(const TrainOptions& options, int64_t batches_per_epoch) {
  if (options.max_steps > 0) return options.max_steps;
  return options.epochs * optimizer_steps_per_epoch(options, batches_per_epoch);
}

LinearSchedule make_schedule(const TrainOptions& options, int64_t total_steps) {
  LinearSchedule schedule;
  schedule.base_lr = options.lr;
  schedule.total_steps = total_steps;
  schedule.warmup_steps = options.warmup_steps > 0
                              ? options.warmup_steps
                              : static_cast<int64_t>(std::ceil(options.warmup_ratio *
                                                               static_cast<double>(total_steps)));
  return schedule;
}

}  // namespace adamix::train
