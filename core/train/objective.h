#pragma once
// What the training loop trains (STYLE.md §5, loop apart from model): a model with its
// training examples and loss, its evaluation, and the random generators a resumed run must
// restore. Trainer (trainer.h) runs the loop around one. ClassificationObjective: a task head
// on a PEFT backbone (GLUE, docs/method.md). LmObjective: masked / causal LM pretraining.
#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/train/optimizer.h"

namespace adamix::train {

// The loss of one micro-batch, still connected to the graph.
struct StepLoss {
  torch::Tensor loss;         // what backward() runs on
  torch::Tensor task_loss;    // CE / MSE / LM part (a scalar)
  torch::Tensor consistency;  // the unweighted consistency term (zeros when off)
  int64_t examples = 0;
};

struct Evaluation {
  std::map<std::string, double> metrics;  // "<split>/<metric>", e.g. "dev_matched/accuracy"
};

class Objective {
 public:
  virtual ~Objective() = default;
  // Training examples (rows) of one epoch; > 0.
  virtual int64_t train_size() const = 0;
  // Each training row's length in tokens (train.group_by_length batches rows of similar
  // length); empty when the objective cannot tell, and then the option is refused.
  virtual std::vector<int64_t> train_lengths() const { return {}; }
  virtual void set_training(bool on) = 0;
  // Forward and loss of training rows `rows`, in training mode.
  virtual StepLoss loss(const std::vector<int64_t>& rows) = 0;
  // One pass over the evaluation data, in eval mode under NoGradGuard. `index` counts earlier
  // evaluations, so random draws can depend on it alone (evaluating never perturbs training).
  virtual Evaluation evaluate(int64_t index) = 0;
  // The key of the metric that picks the best step (higher is better), e.g. "dev/accuracy".
  virtual std::string main_metric() const = 0;
  // Trained tensors by their checkpoint names.
  virtual const NamedTensors& trainable() const = 0;
  // Copies saved values into trainable() by name; IoError on a missing / unknown / misshapen one.
  virtual void load_trainable(const NamedTensors& values) = 0;
  // Generators a checkpoint saves besides dropout (which the Trainer owns), by name.
  virtual std::vector<std::pair<std::string, at::Generator>> generators() = 0;
};

}  // namespace adamix::train
