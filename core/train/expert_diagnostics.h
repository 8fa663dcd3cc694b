#pragma once
// Per-expert diagnostics of the AdaMix mixtures of one model, logged with every evaluation so a
// report can show why a mixture trains the way it does (the ablations issue: a mixture that
// never leaves a plateau, experts that disagree, a merge that cancels out). Keys, all
// containing "expert" (side: down = the adapter's down-projection / LoRA's A, up = the
// up-projection / B):
//   expert/picks_<side>_<i>   share of the training draws of random routing that picked
//                             expert i, over all modules since training began (sides with M > 1)
//   expert/delta_<side>_<i>   ‖θ_i − θ_i(0)‖ of expert i (its weight and bias, Frobenius), mean
//                             over the modules (layers); a shared side has i = 0 only
//   expert/cosine_<side>      mean pairwise cosine of the experts' Δ, mean over modules: 1 = the
//                             experts moved the same way, 0 = unrelated (sides with M > 1)
//   expert/update_ratio       ‖module output − input‖ / ‖input‖ (LoRA: ‖update‖ / ‖x‖) of every
//                             mixture call in this evaluation, under its inference mode (merged
//                             by default), mean over calls
// The training CE and consistency terms are the training rows' train/task_loss and
// train/consistency. Pick counts are integer state a checkpoint keeps (counters()).
//
//   ExpertDiagnostics diagnostics(model.peft());  // before restoring a checkpoint
//   trainer.set_probe(&diagnostics);
#include <map>
#include <string>
#include <vector>

#include "core/peft/peft_model.h"
#include "core/train/trainer.h"

namespace adamix::train {

class ExpertDiagnostics : public EvaluationProbe {
 public:
  // Remembers every mixture's experts as they are now: build it before a checkpoint's weights
  // are loaded, so Δ is measured from the initialisation. InputError when `peft` has no
  // mixture with more than one expert on a side (peft::is_mixture).
  explicit ExpertDiagnostics(const peft::PeftHandle& peft);

  void before_evaluation() override;
  std::map<std::string, double> measure() override;
  std::map<std::string, int64_t> counters() const override;
  void set_counters(const std::map<std::string, int64_t>& counters) override;

 private:
  // One side of one module: its experts as rows [M, P] (weight and bias flattened).
  struct Side {
    std::string name;                  // "down" | "up"
    std::vector<torch::Tensor> parts;  // the module's stacked tensors of this side, [M, ...]
    torch::Tensor initial;             // [M, P] float64 copy at construction
  };
  static torch::Tensor rows(const std::vector<torch::Tensor>& parts);

  std::shared_ptr<peft::RoutingContext> context_;
  std::vector<Side> sides_;
};

}  // namespace adamix::train
