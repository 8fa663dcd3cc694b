// Early stopping in the Trainer: a scripted dev metric, patience and min_delta, a
// lower-is-better metric, an unknown metric, and a restore that stops at the same step.
#include <gtest/gtest.h>

#include <optional>

#include "core/error.h"
#include "core/train/trainer.h"

namespace adamix::train {
namespace {

// One trainable scalar and a dev metric read from a script, one value per evaluation.
class ScriptedObjective : public Objective {
 public:
  explicit ScriptedObjective(std::vector<double> script) : script_(std::move(script)) {
    params_ = {{"w", torch::zeros({1}).requires_grad_()}};
  }
  int64_t train_size() const override { return 4; }
  void set_training(bool) override {}
  StepLoss loss(const std::vector<int64_t>& rows) override {
    StepLoss step;
    step.task_loss = (params_[0].second - 1).pow(2).sum();
    step.loss = step.task_loss;
    step.consistency = torch::zeros({});
    step.examples = static_cast<int64_t>(rows.size());
    return step;
  }
  Evaluation evaluate(int64_t index) override {
    Evaluation e;
    const double v = script_.at(static_cast<size_t>(index));
    e.metrics["dev/accuracy"] = v;
    e.metrics["dev/loss"] = 1.0 - v;
    return e;
  }
  std::string main_metric() const override { return "dev/accuracy"; }
  const NamedTensors& trainable() const override { return params_; }
  void load_trainable(const NamedTensors& values) override {
    torch::NoGradGuard no_grad;
    params_[0].second.copy_(values.at(0).second);
  }
  std::vector<std::pair<std::string, at::Generator>> generators() override { return {}; }

 private:
  std::vector<double> script_;
  NamedTensors params_;
};

struct Rows : TrainerObserver {
  std::vector<EvalResult> evaluations;
  void on_evaluation(const TrainingState&, const EvalResult& r) override {
    evaluations.push_back(r);
  }
};

TrainOptions options(int64_t patience, double min_delta = 0.0, std::string metric = "") {
  TrainOptions o;
  o.epochs = 10;  // 10 steps of batch 4 over 4 rows: one evaluation per step
  o.batch_size = 4;
  o.lr = 0.1;
  o.early_stopping = {patience, min_delta, std::move(metric)};
  return o;
}

const std::vector<double> kScript = {0.5, 0.6, 0.6, 0.55, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7};

TEST(GroupByLength, IsRefusedForAnObjectiveWithoutRowLengths) {
  ScriptedObjective objective(kScript);
  TrainOptions o = options(0);
  o.group_by_length = true;
  EXPECT_THROW(Trainer(objective, o), ConfigError);
}

TEST(EarlyStopping, StopsAfterPatienceEvaluationsWithoutImprovement) {
  ScriptedObjective objective(kScript);
  Trainer trainer(objective, options(2));
  Rows rows;
  trainer.add_observer(&rows);
  EXPECT_TRUE(trainer.run());  // finished, not stopped on request
  EXPECT_TRUE(trainer.state().stopped_early);
  EXPECT_EQ(trainer.state().step, 4);  // 0.6 at step 2, then 0.6 and 0.55: two stale
  ASSERT_EQ(rows.evaluations.size(), 4u);
  EXPECT_EQ(rows.evaluations.back().metrics.at("train/early_stopped"), 1.0);
  EXPECT_FALSE(rows.evaluations[2].metrics.count("train/early_stopped"));
  EXPECT_EQ(trainer.state().best_step, 2);
  // Run again: nothing more happens.
  EXPECT_TRUE(trainer.run());
  EXPECT_EQ(rows.evaluations.size(), 4u);
}

TEST(EarlyStopping, MinDeltaLowerIsBetterAndOff) {
  {
    // min_delta 0.15: 0.6 and 0.55 are not improvements over 0.5; 0.7 is, too late.
    ScriptedObjective objective(kScript);
    Trainer trainer(objective, options(3, 0.15));
    trainer.run();
    EXPECT_EQ(trainer.state().step, 4);
  }
  {
    // dev/loss = 1 - accuracy, lower is better: the same stop as the accuracy.
    ScriptedObjective objective(kScript);
    Trainer trainer(objective, options(2, 0.0, "dev/loss"));
    trainer.run();
    EXPECT_EQ(trainer.state().step, 4);
  }
  {
    ScriptedObjective objective(kScript);
    Trainer trainer(objective, options(0));  // off: all 10 steps, stale count still kept
    EXPECT_TRUE(trainer.run());
    EXPECT_FALSE(trainer.state().stopped_early);
    EXPECT_EQ(trainer.state().step, 10);
    EXPECT_EQ(trainer.state().stale_evaluations, 5);
  }
  {
    ScriptedObjective objective(kScript);
    Trainer trainer(objective, options(2, 0.0, "dev/f1"));
    try {
      trainer.run();
      FAIL() << "an unknown metric was accepted";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("train.early_stopping.metric"), std::string::npos);
      EXPECT_NE(std::string(e.what()).find("dev/accuracy"), std::string::npos) << e.what();
    }
  }
}

TEST(EarlyStopping, ARestoredRunStopsAtTheSameStep) {
  ScriptedObjective first(kScript);
  Trainer a(first, options(2));
  struct SnapshotAt : TrainerObserver {
    Trainer* trainer = nullptr;
    std::optional<TrainerSnapshot> snapshot;
    void on_checkpoint(const TrainingState& s, bool) override {
      if (s.step == 3) snapshot = trainer->snapshot();
    }
  } at;
  at.trainer = &a;
  a.add_observer(&at);
  a.run();
  ASSERT_TRUE(at.snapshot);
  EXPECT_EQ(at.snapshot->state.stale_evaluations, 1);
  ScriptedObjective second(kScript);
  Trainer b(second, options(2));
  b.restore(*at.snapshot);
  EXPECT_TRUE(b.run());
  EXPECT_TRUE(b.state().stopped_early);
  EXPECT_EQ(b.state().step, a.state().step);
}

}  // namespace
}  // namespace adamix::train
