#include "sweeps/pretrain_yaml.h"

#include <yaml-cpp/yaml.h>

#include "core/error.h"
#include "core/io/atomic_file.h"
#include "core/models/model_config.h"
#include "sweeps/config_overrides.h"
#include "sweeps/trial_yaml.h"
#include "sweeps/yaml_reader.h"

namespace adamix::sweeps {
namespace {

void read_init(const YamlReader& r, const YAML::Node& node, models::MakeModelOptions& o) {
  r.only_keys(node, "init",
              {"arch", "hidden", "layers", "heads", "intermediate", "max_positions", "activation",
               "initializer_range", "seed"});
  if (node["arch"]) o.arch = r.text(node["arch"], "init.arch");
  const auto integer = [&](const char* key, int64_t& field) {
    if (node[key]) field = r.integer(node[key], std::string("init.") + key);
  };
  integer("hidden", o.hidden);
  integer("layers", o.layers);
  integer("heads", o.heads);
  integer("intermediate", o.intermediate);
  integer("max_positions", o.max_positions);
  if (node["activation"]) o.activation = r.text(node["activation"], "init.activation");
  if (node["initializer_range"])
    o.initializer_range = r.number(node["initializer_range"], "init.initializer_range");
  if (const auto n = node["seed"]) {
    const auto seed = r.integer(n, "init.seed");
    if (seed < 0) r.fail(n, "init.seed", "expected a non-negative integer");
    o.seed = static_cast<uint64_t>(seed);
  }
}

bool read_bool(const YamlReader& r, const YAML::Node& node, const std::string& key) {
  const auto text = r.text(node, key);
  if (text == "true") return true;
  if (text == "false") return false;
  r.fail(node, key, "expected true or false, got '" + text + "'");
}

config::PretrainConfig read_pretrain(const YAML::Node& root, const std::string& source) {
  const YamlReader r(source);
  r.only_keys(root, "",
              {"model", "init", "tokenizer", "corpus", "dev_corpus", "dev_percent", "objective",
               "mlm_probability", "whole_word_mask", "block_size", "train", "device"});
  config::PretrainConfig c;
  c.train = config::default_pretrain_options();
  c.init.arch = "bert";
  c.init.hidden = 128;
  c.init.layers = 4;
  c.init.heads = 4;
  c.init.intermediate = 512;
  c.init.max_positions = 128;
  if (root["model"]) c.model = r.text(root["model"], "model");
  if (root["init"]) read_init(r, root["init"], c.init);
  if (root["tokenizer"]) c.tokenizer = r.text(root["tokenizer"], "tokenizer");
  if (root["corpus"]) c.corpus = r.text(root["corpus"], "corpus");
  if (root["dev_corpus"]) c.dev_corpus = r.text(root["dev_corpus"], "dev_corpus");
  if (root["dev_percent"]) c.dev_percent = r.number(root["dev_percent"], "dev_percent");
  if (const auto n = root["objective"]) {
    c.objective = r.with_line(n, [&] { return config::parse_lm_task(r.text(n, "objective")); });
  } else {
    const auto arch_node = root["init"] && root["init"]["arch"] ? root["init"]["arch"] : root;
    const auto arch = c.model.empty()
                          ? r.with_line(arch_node, [&] { return models::parse_arch(c.init.arch); })
                          : models::load_model_config(c.model).arch;
    c.objective = arch == models::Arch::Gpt2 ? train::LmTask::Causal : train::LmTask::Masked;
  }
  if (root["mlm_probability"])
    c.mlm_probability = r.number(root["mlm_probability"], "mlm_probability");
  if (root["whole_word_mask"])
    c.whole_word_mask = read_bool(r, root["whole_word_mask"], "whole_word_mask");
  if (root["block_size"]) c.block_size = r.integer(root["block_size"], "block_size");
  if (root["train"]) read_train_options(root["train"], source, c.train);
  if (root["device"]) c.device = r.text(root["device"], "device");
  return c;
}

}  // namespace

config::PretrainConfig parse_pretrain_yaml(const std::string& text, const std::string& source,
                                           const std::vector<std::string>& sets) {
  const auto overrides = parse_overrides(sets);
  auto root = load_yaml_text(text, source, "pretraining config");
  apply_overrides(root, overrides);
  return with_override_errors(overrides, [&] { return read_pretrain(root, source); });
}

config::PretrainConfig load_pretrain_yaml(const std::filesystem::path& path,
                                          const std::vector<std::string>& sets) {
  return parse_pretrain_yaml(io::read_file(path), path.string(), sets);
}

std::string to_yaml(const config::PretrainConfig& c) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  if (!c.model.empty()) out << YAML::Key << "model" << YAML::Value << c.model.string();
  const auto& o = c.init;
  out << YAML::Key << "init" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "arch" << YAML::Value << o.arch;
  out << YAML::Key << "hidden" << YAML::Value << o.hidden;
  out << YAML::Key << "layers" << YAML::Value << o.layers;
  out << YAML::Key << "heads" << YAML::Value << o.heads;
  out << YAML::Key << "intermediate" << YAML::Value << o.intermediate;
  out << YAML::Key << "max_positions" << YAML::Value << o.max_positions;
  if (!o.activation.empty()) out << YAML::Key << "activation" << YAML::Value << o.activation;
  out << YAML::Key << "initializer_range" << YAML::Value << exact_number(o.initializer_range);
  out << YAML::Key << "seed" << YAML::Value << o.seed;
  out << YAML::EndMap;
  if (!c.tokenizer.empty()) out << YAML::Key << "tokenizer" << YAML::Value << c.tokenizer.string();
  out << YAML::Key << "corpus" << YAML::Value << c.corpus.string();
  if (!c.dev_corpus.empty()) {
    out << YAML::Key << "dev_corpus" << YAML::Value << c.dev_corpus.string();
  } else {
    out << YAML::Key << "dev_percent" << YAML::Value << exact_number(c.dev_percent);
  }
  out << YAML::Key << "objective" << YAML::Value << config::to_string(c.objective);
  if (c.objective == train::LmTask::Masked) {
    out << YAML::Key << "mlm_probability" << YAML::Value << exact_number(c.mlm_probability);
    out << YAML::Key << "whole_word_mask" << YAML::Value << (c.whole_word_mask ? "true" : "false");
  }
  out << YAML::Key << "block_size" << YAML::Value << c.block_size;
  out << YAML::Key << "train" << YAML::Value;
  write_train_options(out, c.train);
  out << YAML::Key << "device" << YAML::Value << c.device;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace adamix::sweeps
