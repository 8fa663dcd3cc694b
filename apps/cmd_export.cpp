#include <filesystem>
#include <iostream>

#include "apps/commands.h"
#include "core/error.h"
#include "core/io/atomic_file.h"
#include "storage/checkpoint.h"
#include "worker/export.h"

namespace adamix::cli {

int run_export(const ParsedFlags& flags) {
  const auto format = flags.get_optional("format").value_or("safetensors");
  if (format != "safetensors")
    throw ConfigError("--format '" + format + "' is not supported (supported: safetensors)");
  const auto checkpoint = storage::read_checkpoint(flags.get("checkpoint"));
  const std::filesystem::path out = flags.get("out");
  std::filesystem::create_directories(out);
  worker::ExportOptions options;
  options.hf_head_names = flags.get_switch("hf-head-names");
  worker::export_merged(checkpoint, out / "merged.safetensors", options);
  io::write_text_atomically(out / "trial.yaml",
                            storage::attribute_string(checkpoint.meta, "config"));
  std::cerr << "wrote " << (out / "merged.safetensors").string() << " and trial.yaml\n";
  return 0;
}

}  // namespace adamix::cli
