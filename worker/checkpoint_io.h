#pragma once
// Trainer snapshots <-> HDF5 checkpoints (docs/formats.md schema).
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "core/train/trainer.h"
#include "storage/checkpoint.h"

namespace adamix::worker {

// `meta` holds trial_id, config, backbone, ... (the snapshot adds step, epoch and the loop
// position).
storage::Checkpoint to_checkpoint(const train::TrainerSnapshot& snapshot,
                                  const storage::AttributeMap& meta);
train::TrainerSnapshot to_snapshot(const storage::Checkpoint& checkpoint);

// The resumable state in `path` (a run's checkpoint.h5), or nullopt when there is none yet.
// ConfigError when it was written by another config than `config_yaml` ("a different
// <what>"); IoError when it is damaged.
std::optional<train::TrainerSnapshot> read_resume_point(const std::filesystem::path& path,
                                                        const std::string& config_yaml,
                                                        const std::string& what);

}  // namespace adamix::worker
