#include "core/config/trial_config.h"

#include <functional>
#include <map>

#include "core/data/task_spec.h"
#include "core/error.h"

namespace adamix::config {
namespace {

using Recipe = std::function<void(TrialConfig&)>;

// docs/method.md "Reference hyperparameters", each row switch for switch with the microsoft/AdaMix
// file it follows. GLUE rows: adapters in the FFN, shared up-projection, M = 4 experts drawn
// independently from N(0, initializer_range); `consistency` is the lambda the reference really
// trains with (RoBERTa 1; BERT 0: modeling_bert.py's BertForSequenceClassification ignores the
// flag that modeling_roberta.py's RobertaForSequenceClassification applies). NLG rows: LoRA
// r = 4, alpha = 32, shared B, identical A-experts, lambda = 100.
void glue_adapter(TrialConfig& c, double lr, int64_t epochs, int64_t r, double consistency) {
  c.task.name = "mnli";
  c.task.max_length = 128;
  c.method = peft::PeftOptions{};
  c.method.module = peft::PeftModule::Adapter;
  c.method.size = r;
  c.method.experts = 4;
  c.method.share = peft::Share::Up;
  c.method.consistency = consistency;
  c.method.expert_init = peft::ExpertInit::Independent;
  c.train.lr = lr;
  c.train.epochs = epochs;
  c.train.batch_size = 64;
  c.train.weight_decay = 0.1;
  c.train.warmup_ratio = 0.06;
  c.train.warmup_steps = 0;
}

void nlg_lora(TrialConfig& c, const char* task, int64_t epochs, int64_t warmup, double decay) {
  c.task.name = task;
  c.task.max_length = 512;
  c.method = peft::PeftOptions{};
  c.method.module = peft::PeftModule::Lora;
  c.method.size = 4;
  c.method.alpha = 32;
  c.method.experts = 8;
  c.method.share = peft::Share::Up;  // B shared, M A-experts
  c.method.consistency = 100.0;
  c.method.expert_init = peft::ExpertInit::Identical;
  c.train.lr = 2e-4;
  c.train.epochs = epochs;
  c.train.batch_size = 8;
  c.train.weight_decay = decay;
  c.train.warmup_steps = warmup;
  c.train.label_smoothing = std::string(task) == "dart" ? 0.0 : 0.1;
  // microsoft/LoRA examples/NLG (gpt2_ft.py, optimizer.py), which the AdaMix NLG fork runs.
  c.method.lora_dropout = 0.1;
  c.train.optimizer = train::OptimizerKind::AdamWLora;
  c.train.adam_eps = 1e-6;
  c.train.max_grad_norm = 0.0;
}

const std::map<std::string, Recipe>& recipes() {
  static const std::map<std::string, Recipe> table = {
      // roberta_large_mnli_expert_soup.sh → examples/text-classification/run_glue.py,
      // models/roberta/modeling_roberta.py (consistency applied), models/expert_soup.py.
      {"roberta-large-mnli", [](TrialConfig& c) { glue_adapter(c, 3e-4, 20, 16, 1.0); }},
      // bert_base_mnli_expert_soup.sh → run_glue.py, models/bert/modeling_bert.py (no
      // consistency term: BertForSequenceClassification never adds it).
      {"bert-base-mnli", [](TrialConfig& c) { glue_adapter(c, 4e-4, 40, 48, 0.0); }},
      // NLG/run_train_{e2e,webnlg,dart}.sh → NLG/src/gpt2_ft.py, NLG/src/optimizer.py,
      // NLG/src/expert_soup.py, NLG/loralib/layers.py.
      {"gpt2-medium-e2e", [](TrialConfig& c) { nlg_lora(c, "e2e", 20, 2000, 0.01); }},
      {"gpt2-medium-webnlg", [](TrialConfig& c) { nlg_lora(c, "webnlg", 25, 2500, 0.01); }},
      {"gpt2-medium-dart", [](TrialConfig& c) { nlg_lora(c, "dart", 20, 2000, 0.0); }},
  };
  return table;
}

}  // namespace

const char* to_string(Precision precision) {
  switch (precision) {
    case Precision::Fp32: return "fp32";
    case Precision::Bf16: return "bf16";
    case Precision::Fp16: return "fp16";
  }
  return "?";
}

Precision parse_precision(const std::string& text) {
  if (text == "fp32") return Precision::Fp32;
  if (text == "bf16") return Precision::Bf16;
  if (text == "fp16") return Precision::Fp16;
  throw ConfigError("precision: unknown value '" + text + "' (expected one of fp32, bf16, fp16)");
}

const std::vector<std::string>& recipe_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> result;
    for (const auto& [name, recipe] : recipes()) result.push_back(name);
    return result;
  }();
  return names;
}

void apply_recipe(const std::string& name, TrialConfig& config) {
  const auto it = recipes().find(name);
  if (it == recipes().end()) {
    std::string known;
    for (const auto& n : recipe_names()) known += (known.empty() ? "" : ", ") + n;
    throw ConfigError("recipe: unknown recipe '" + name + "' (known: " + known + ")");
  }
  it->second(config);
  config.recipe = name;
}

void TrialConfig::validate() const {
  if (model.empty()) throw ConfigError("model: a model directory is required");
  task.validate();
  method.validate();
  train.validate();
  if (train.eval_paths && (!peft::is_mixture(method) || data::is_nlg_task(task.name)))
    throw ConfigError(
        "train.eval_paths: scores a classification mixture's expert paths (an adapter or LoRA "
        "with method.experts > 1 on a classification task)");
  if (train.expert_diagnostics == train::ExpertDiagnosticsMode::On && !peft::is_mixture(method))
    throw ConfigError(std::string("train.expert_diagnostics: on needs a mixture (an adapter or "
                                  "LoRA with method.experts > 1); this method is ") +
                      peft::to_string(method.module) + " with " + std::to_string(method.experts) +
                      " expert(s)");
  if (precision != Precision::Fp32 && device.rfind("cuda", 0) != 0)
    throw ConfigError(std::string("precision: ") + to_string(precision) +
                      " needs a CUDA device (device is '" + device + "'); CPU trains in fp32");
}

}  // namespace adamix::config
