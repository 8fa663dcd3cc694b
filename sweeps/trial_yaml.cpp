#include "sweeps/trial_yaml.h"

#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <cstdlib>
#include <set>

#include "core/data/task_spec.h"
#include "core/error.h"
#include "core/io/atomic_file.h"
#include "core/peft/peft_adapter_config.h"
#include "sweeps/config_overrides.h"
#include "sweeps/yaml_path.h"
#include "sweeps/yaml_reader.h"

namespace adamix::sweeps {
namespace {

using config::TrialConfig;

void module_defaults(peft::PeftModule module, peft::PeftOptions& method) {
  // docs/method.md: adapters r = 16 (RoBERTa-large GLUE row); LoRA r = 8, alpha = 16 for GLUE,
  // LoRA experts start identical, adapter experts independent.
  const bool lora = module == peft::PeftModule::Lora;
  method.size = lora ? 8 : 16;
  method.alpha = lora ? 16 : 32;
  method.expert_init = lora ? peft::ExpertInit::Identical : peft::ExpertInit::Independent;
}

void read_task(const YamlReader& r, const YAML::Node& node, data::TaskOptions& task) {
  r.only_keys(node, "task", {"name", "dir", "max_length", "score_test", "generate_every"});
  if (node["name"]) task.name = r.text(node["name"], "task.name");
  if (node["dir"]) task.dir = r.text(node["dir"], "task.dir");
  if (node["max_length"]) task.max_length = r.integer(node["max_length"], "task.max_length");
  if (const auto n = node["score_test"]) {
    const std::string text = r.text(n, "task.score_test");
    if (text != "true" && text != "false") r.fail(n, "task.score_test", "expected true or false");
    task.score_test = text == "true";
  }
  if (const auto n = node["generate_every"])
    task.generate_every = r.integer(n, "task.generate_every");
}

// A task.dir holding a task.json names its task: task.name may then be left out or be the
// folder's own name ("acceptability"); anything else that disagrees is an error naming both.
void resolve_task_name(const YamlReader& r, const YAML::Node& node, data::TaskOptions& task) {
  if (task.dir.empty()) return;
  const auto folder = data::read_task_folder_name(task.dir);
  if (!folder) return;
  if (task.name.empty() || task.name == folder->own_name) {
    task.name = folder->config_name;
    return;
  }
  if (data::canonical_task_name(task.name) == data::canonical_task_name(folder->config_name))
    return;
  r.fail(node["name"], "task.name",
         "\"" + task.name + "\" conflicts with " + (task.dir / "task.json").string() +
             ", which describes the " + folder->config_name + " task \"" + folder->own_name +
             "\" (write " + folder->config_name + " or leave task.name out)");
}

void read_method(const YamlReader& r, const YAML::Node& node, peft::PeftOptions& m) {
  r.only_keys(node, "method",
              {"module", "size", "alpha", "placement", "experts", "share", "routing", "consistency",
               "expert_init", "inference", "load_balance", "lora_dropout", "init_from"});
  if (const auto n = node["module"]) {
    m.module = r.with_line(n, [&] { return peft::parse_peft_module(r.text(n, "method.module")); });
    module_defaults(m.module, m);
  }
  if (node["size"]) m.size = r.integer(node["size"], "method.size");
  if (node["alpha"]) m.alpha = r.number(node["alpha"], "method.alpha");
  if (const auto n = node["placement"]) {
    if (n.IsSequence()) {
      m.lora_targets.clear();
      for (const auto& target : n) m.lora_targets.push_back(r.text(target, "method.placement"));
    } else {
      m.placement =
          r.with_line(n, [&] { return peft::parse_placement(r.text(n, "method.placement")); });
    }
  }
  if (node["experts"]) m.experts = r.integer(node["experts"], "method.experts");
  if (const auto n = node["share"])
    m.share = r.with_line(n, [&] { return peft::parse_share(r.text(n, "method.share")); });
  if (const auto n = node["routing"])
    m.routing = r.with_line(n, [&] { return peft::parse_routing(r.text(n, "method.routing")); });
  if (node["consistency"]) m.consistency = r.number(node["consistency"], "method.consistency");
  if (const auto n = node["expert_init"])
    m.expert_init =
        r.with_line(n, [&] { return peft::parse_expert_init(r.text(n, "method.expert_init")); });
  if (const auto n = node["inference"])
    m.inference =
        r.with_line(n, [&] { return peft::InferenceMode::parse(r.text(n, "method.inference")); });
  if (node["load_balance"]) m.load_balance = r.number(node["load_balance"], "method.load_balance");
  if (node["lora_dropout"]) m.lora_dropout = r.number(node["lora_dropout"], "method.lora_dropout");
  if (const auto n = node["init_from"]) {
    m.init_from = r.text(n, "method.init_from");
    if (m.init_from.empty()) r.fail(n, "method.init_from", "expected a PEFT adapter folder");
    // The adapter's LoRA shape fills what the config leaves out; a resolved config names it
    // all and is read without the folder (the worker checks it against the adapter).
    const bool no_placement = !node["placement"];
    if (!node["module"] || !node["size"] || !node["alpha"] || no_placement) {
      const auto adapter = r.with_line(n, [&] { return peft::read_peft_lora_config(m.init_from); });
      if (!node["module"]) {
        m.module = peft::PeftModule::Lora;
        module_defaults(m.module, m);
      }
      if (!node["size"]) m.size = adapter.r;
      if (!node["alpha"]) m.alpha = adapter.lora_alpha;
      if (no_placement && !adapter.fused_qkv) m.lora_targets = adapter.target_modules;
    }
  }
}

void read_train(const YamlReader& r, const YAML::Node& node, train::TrainOptions& t) {
  r.only_keys(node, "train",
              {"epochs",
               "batch_size",
               "lr",
               "weight_decay",
               "warmup_ratio",
               "warmup_steps",
               "max_grad_norm",
               "eval_every",
               "checkpoint_every",
               "seed",
               "grad_accum",
               "label_smoothing",
               "max_steps",
               "adam_beta1",
               "adam_beta2",
               "adam_eps",
               "lr_schedule",
               "optimizer",
               "early_stopping",
               "expert_diagnostics",
               "eval_paths",
               "consistency_passes",
               "group_by_length"});
  const auto integer = [&](const char* key, int64_t& field) {
    if (node[key]) field = r.integer(node[key], std::string("train.") + key);
  };
  const auto number = [&](const char* key, double& field) {
    if (node[key]) field = r.number(node[key], std::string("train.") + key);
  };
  integer("epochs", t.epochs);
  integer("batch_size", t.batch_size);
  number("lr", t.lr);
  number("weight_decay", t.weight_decay);
  number("warmup_ratio", t.warmup_ratio);
  integer("warmup_steps", t.warmup_steps);
  if (const auto n = node["lr_schedule"])
    t.lr_schedule =
        r.with_line(n, [&] { return train::parse_lr_schedule(r.text(n, "train.lr_schedule")); });
  number("max_grad_norm", t.max_grad_norm);
  if (const auto n = node["eval_every"]) {
    if (n.IsScalar() && n.Scalar() == "epoch") {
      t.eval_every = 0;
    } else {
      t.eval_every = r.integer(n, "train.eval_every");
      if (t.eval_every < 1) r.fail(n, "train.eval_every", "expected 'epoch' or a step count >= 1");
    }
  }
  integer("checkpoint_every", t.checkpoint_every);
  if (const auto n = node["seed"]) {
    const auto seed = r.integer(n, "train.seed");
    if (seed < 0) r.fail(n, "train.seed", "expected a non-negative integer");
    t.seed = static_cast<uint64_t>(seed);
  }
  integer("grad_accum", t.grad_accum);
  number("label_smoothing", t.label_smoothing);
  integer("max_steps", t.max_steps);
  number("adam_beta1", t.adam_beta1);
  number("adam_beta2", t.adam_beta2);
  number("adam_eps", t.adam_eps);
  if (const auto n = node["optimizer"])
    t.optimizer =
        r.with_line(n, [&] { return train::parse_optimizer(r.text(n, "train.optimizer")); });
  if (const auto n = node["expert_diagnostics"])
    t.expert_diagnostics = r.with_line(
        n, [&] { return train::parse_expert_diagnostics(r.text(n, "train.expert_diagnostics")); });
  if (const auto n = node["eval_paths"]) {
    const std::string text = r.text(n, "train.eval_paths");
    if (text != "true" && text != "false") r.fail(n, "train.eval_paths", "expected true or false");
    t.eval_paths = text == "true";
  }
  if (const auto n = node["group_by_length"]) {
    const std::string text = r.text(n, "train.group_by_length");
    if (text != "true" && text != "false")
      r.fail(n, "train.group_by_length", "expected true or false");
    t.group_by_length = text == "true";
  }
  if (const auto n = node["consistency_passes"])
    t.consistency_passes = r.with_line(
        n, [&] { return train::parse_consistency_passes(r.text(n, "train.consistency_passes")); });
  if (const auto n = node["early_stopping"]) {
    r.only_keys(n, "train.early_stopping", {"patience", "min_delta", "metric"});
    if (!n["patience"]) r.fail(n, "train.early_stopping.patience", "required (evaluations >= 1)");
    t.early_stopping.patience = r.integer(n["patience"], "train.early_stopping.patience");
    if (t.early_stopping.patience < 1)
      r.fail(n["patience"], "train.early_stopping.patience", "expected evaluations >= 1");
    if (n["min_delta"])
      t.early_stopping.min_delta = r.number(n["min_delta"], "train.early_stopping.min_delta");
    if (n["metric"]) t.early_stopping.metric = r.text(n["metric"], "train.early_stopping.metric");
  }
}

}  // namespace

void read_train_options(const YAML::Node& node, const std::string& source,
                        train::TrainOptions& options) {
  read_train(YamlReader(source), node, options);
}

void write_train_options(YAML::Emitter& out, const train::TrainOptions& t) {
  out << YAML::BeginMap;
  out << YAML::Key << "epochs" << YAML::Value << t.epochs;
  out << YAML::Key << "batch_size" << YAML::Value << t.batch_size;
  out << YAML::Key << "lr" << YAML::Value << exact_number(t.lr);
  out << YAML::Key << "weight_decay" << YAML::Value << exact_number(t.weight_decay);
  out << YAML::Key << "warmup_ratio" << YAML::Value << exact_number(t.warmup_ratio);
  out << YAML::Key << "warmup_steps" << YAML::Value << t.warmup_steps;
  // Only when not the default: trial ids hash this text, so configs written before the key
  // existed (all linear) keep their ids. Reading an absent key gives linear, so it round-trips.
  if (t.lr_schedule != train::LrSchedule::Linear)
    out << YAML::Key << "lr_schedule" << YAML::Value << train::to_string(t.lr_schedule);
  out << YAML::Key << "max_grad_norm" << YAML::Value << exact_number(t.max_grad_norm);
  out << YAML::Key << "eval_every" << YAML::Value;
  if (t.eval_every == 0) {
    out << "epoch";
  } else {
    out << t.eval_every;
  }
  out << YAML::Key << "checkpoint_every" << YAML::Value << t.checkpoint_every;
  out << YAML::Key << "seed" << YAML::Value << t.seed;
  out << YAML::Key << "grad_accum" << YAML::Value << t.grad_accum;
  out << YAML::Key << "label_smoothing" << YAML::Value << exact_number(t.label_smoothing);
  out << YAML::Key << "max_steps" << YAML::Value << t.max_steps;
  out << YAML::Key << "adam_beta1" << YAML::Value << exact_number(t.adam_beta1);
  out << YAML::Key << "adam_beta2" << YAML::Value << exact_number(t.adam_beta2);
  out << YAML::Key << "adam_eps" << YAML::Value << exact_number(t.adam_eps);
  if (t.optimizer != train::OptimizerKind::AdamW)  // as lr_schedule: old trial ids stay
    out << YAML::Key << "optimizer" << YAML::Value << train::to_string(t.optimizer);
  if (t.early_stopping.patience > 0) {
    out << YAML::Key << "early_stopping" << YAML::Value << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "patience" << YAML::Value << t.early_stopping.patience;
    out << YAML::Key << "min_delta" << YAML::Value << exact_number(t.early_stopping.min_delta);
    if (!t.early_stopping.metric.empty())
      out << YAML::Key << "metric" << YAML::Value << t.early_stopping.metric;
    out << YAML::EndMap;
  }
  if (t.eval_paths) out << YAML::Key << "eval_paths" << YAML::Value << true;
  if (t.group_by_length) out << YAML::Key << "group_by_length" << YAML::Value << true;
  if (t.consistency_passes != train::ConsistencyPasses::Batched)
    out << YAML::Key << "consistency_passes" << YAML::Value
        << train::to_string(t.consistency_passes);
  if (t.expert_diagnostics != train::ExpertDiagnosticsMode::Auto)
    out << YAML::Key << "expert_diagnostics" << YAML::Value
        << train::to_string(t.expert_diagnostics);
  out << YAML::EndMap;
}

namespace {

TrialConfig read_trial(const YAML::Node& root, const std::string& source) {
  YamlReader r(source);
  r.only_keys(root, "", {"recipe", "model", "task", "method", "train", "device", "precision"});
  TrialConfig config;
  if (const auto n = root["recipe"])
    r.with_line(n, [&] {
      config::apply_recipe(r.text(n, "recipe"), config);
      return 0;
    });
  if (root["model"]) config.model = r.text(root["model"], "model");
  if (root["task"]) {
    read_task(r, root["task"], config.task);
    resolve_task_name(r, root["task"], config.task);
  }
  if (root["method"]) read_method(r, root["method"], config.method);
  if (root["train"]) read_train(r, root["train"], config.train);
  if (root["device"]) config.device = r.text(root["device"], "device");
  if (const auto n = root["precision"])
    config.precision =
        r.with_line(n, [&] { return config::parse_precision(r.text(n, "precision")); });
  return config;
}

}  // namespace

TrialConfig parse_trial_yaml(const std::string& text, const std::string& source,
                             const std::vector<std::string>& sets) {
  const auto overrides = parse_overrides(sets);
  auto root = load_yaml_text(text, source, "trial config");
  apply_overrides(root, overrides);
  return with_override_errors(overrides, [&] { return read_trial(root, source); });
}

TrialConfig load_trial_yaml(const std::filesystem::path& path,
                            const std::vector<std::string>& sets) {
  return parse_trial_yaml(io::read_file(path), path.string(), sets);
}

std::string to_yaml(const TrialConfig& c) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  if (!c.recipe.empty()) out << YAML::Key << "recipe" << YAML::Value << c.recipe;
  out << YAML::Key << "model" << YAML::Value << c.model.string();
  out << YAML::Key << "task" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << c.task.name;
  out << YAML::Key << "dir" << YAML::Value << c.task.dir.string();
  out << YAML::Key << "max_length" << YAML::Value << c.task.max_length;
  if (c.task.score_test) out << YAML::Key << "score_test" << YAML::Value << true;  // ids stay
  if (c.task.generate_every > 0)
    out << YAML::Key << "generate_every" << YAML::Value << c.task.generate_every;
  out << YAML::EndMap;

  const auto& m = c.method;
  out << YAML::Key << "method" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "module" << YAML::Value << peft::to_string(m.module);
  out << YAML::Key << "size" << YAML::Value << m.size;
  out << YAML::Key << "alpha" << YAML::Value << exact_number(m.alpha);
  if (m.module == peft::PeftModule::Lora) {
    out << YAML::Key << "placement" << YAML::Value << YAML::Flow << m.lora_targets;
  } else {
    out << YAML::Key << "placement" << YAML::Value << peft::to_string(m.placement);
  }
  out << YAML::Key << "experts" << YAML::Value << m.experts;
  out << YAML::Key << "share" << YAML::Value << peft::to_string(m.share);
  out << YAML::Key << "routing" << YAML::Value << peft::to_string(m.routing);
  out << YAML::Key << "consistency" << YAML::Value << exact_number(m.consistency);
  out << YAML::Key << "expert_init" << YAML::Value << peft::to_string(m.expert_init);
  out << YAML::Key << "inference" << YAML::Value << m.inference.to_string();
  out << YAML::Key << "load_balance" << YAML::Value << exact_number(m.load_balance);
  if (m.lora_dropout != 0)  // only when set: trial ids of earlier configs stay
    out << YAML::Key << "lora_dropout" << YAML::Value << exact_number(m.lora_dropout);
  if (!m.init_from.empty()) out << YAML::Key << "init_from" << YAML::Value << m.init_from;
  out << YAML::EndMap;

  out << YAML::Key << "train" << YAML::Value;
  write_train_options(out, c.train);

  out << YAML::Key << "device" << YAML::Value << c.device;
  out << YAML::Key << "precision" << YAML::Value << config::to_string(c.precision);
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace adamix::sweeps
