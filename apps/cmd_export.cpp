#include <filesystem>
#include <iostream>

#include "apps/commands.h"
#include "core/data/task_spec.h"
#include "core/error.h"
#include "core/io/atomic_file.h"
#include "core/models/model_config.h"
#include "storage/checkpoint.h"
#include "sweeps/trial_yaml.h"
#include "worker/export.h"

namespace adamix::cli {

int run_export(const ParsedFlags& flags) {
  const auto format = flags.get_optional("format").value_or("safetensors");
  if (format != "safetensors" && format != "peft" && format != "adapterhub")
    throw ConfigError("--format '" + format +
                      "' is not supported (supported: safetensors, peft, adapterhub)");
  const auto checkpoint = storage::read_checkpoint(flags.get("checkpoint"));
  const std::string yaml = storage::attribute_string(checkpoint.meta, "config");
  const std::filesystem::path out = flags.get("out");
  if (format == "adapterhub" || format == "peft") {
    const auto trial = sweeps::parse_trial_yaml(yaml, flags.get("checkpoint") + " (its config)");
    const auto model = models::load_model_config(trial.model);
    worker::PeftExportInfo info;
    info.method = trial.method;
    info.arch = model.arch;
    info.hidden_size = model.hidden_size;
    info.causal_lm = data::is_nlg_task(trial.task.name);
    info.base_model = storage::attribute_string(checkpoint.meta, "backbone");
    const bool hub = format == "adapterhub";
    if (hub)
      worker::export_adapterhub(checkpoint, info, "adamix", out);
    else
      worker::export_peft(checkpoint, info, out);
    io::write_text_atomically(out / "trial.yaml", yaml);
    std::cerr << "wrote " << (out / "adapter_config.json").string()
              << (hub ? ", adapter.safetensors and trial.yaml (adapter name adamix)\n"
                      : ", adapter_model.safetensors and trial.yaml\n");
    return 0;
  }
  std::filesystem::create_directories(out);
  worker::ExportOptions options;
  options.hf_head_names = flags.get_switch("hf-head-names");
  worker::export_merged(checkpoint, out / "merged.safetensors", options);
  io::write_text_atomically(out / "trial.yaml", yaml);
  std::cerr << "wrote " << (out / "merged.safetensors").string() << " and trial.yaml\n";
  return 0;
}

}  // namespace adamix::cli
