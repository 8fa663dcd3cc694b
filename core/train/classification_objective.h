#pragma once
// A task head on a PEFT backbone (docs/method.md): CE (or MSE) on the first pass; with an adapter /
// LoRA method and lambda > 0 a second pass with its own routes and dropout adds
// lambda · consistency(z1, z2); learned-top1 adds its weighted load-balancing loss. Evaluation:
// the task's metrics on every dev split, routes drawn from the seed and the evaluation's index.
//
//   ClassificationObjective objective(model, train_split, dev_splits, metric_spec, options);
//   Trainer trainer(objective, options);
#include <map>
#include <string>
#include <vector>

#include "core/data/tokenized_split.h"
#include "core/metrics/metric.h"
#include "core/train/objective.h"
#include "core/train/task_model.h"
#include "core/train/train_options.h"

namespace adamix::train {

struct MetricSpec {
  std::vector<metrics::Metric> metrics;
  metrics::Metric main_metric = metrics::Metric::Accuracy;  // read on the first eval split
};

class ClassificationObjective : public Objective {
 public:
  // `eval`: the dev splits; the main metric is read on the first. Uses options' batch_size,
  // label_smoothing, seed and consistency_passes. InputError when a split is empty. Keeps
  // references.
  ClassificationObjective(TaskModel& model, const data::TokenizedSplit& train,
                          const std::vector<data::TokenizedSplit>& eval, MetricSpec metric_spec,
                          const TrainOptions& options);

  int64_t train_size() const override { return train_.size(); }
  std::vector<int64_t> train_lengths() const override { return train_.lengths(); }
  void set_training(bool on) override { model_.train(on); }
  StepLoss loss(const std::vector<int64_t>& rows) override;
  Evaluation evaluate(int64_t index) override;
  std::string main_metric() const override;
  const NamedTensors& trainable() const override { return model_.trainable(); }
  void load_trainable(const NamedTensors& values) override { model_.load_trainable(values); }
  std::vector<std::pair<std::string, at::Generator>> generators() override;

 private:
  TaskModel& model_;
  const data::TokenizedSplit& train_;
  const std::vector<data::TokenizedSplit>& eval_;
  // One split's metrics under the routing context's current inference mode.
  std::map<std::string, double> score_split(const data::TokenizedSplit& split);

  MetricSpec metric_spec_;
  bool eval_paths_;  // TrainOptions::eval_paths on a mixture
  int64_t batch_size_;
  double label_smoothing_;
  uint64_t seed_;
  ConsistencyPasses consistency_passes_;
};

}  // namespace adamix::train
