#pragma once
// Which language-model objective pretraining runs (lm_objective.h), apart from LibTorch so that
// configs and their YAML readers stay torch-free.
namespace adamix::train {

enum class LmTask { Masked, Causal };

}  // namespace adamix::train
