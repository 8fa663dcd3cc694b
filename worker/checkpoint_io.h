#pragma once
// Trainer snapshots <-> HDF5 checkpoints (DESIGN.md schema).
#include <filesystem>
#include <map>
#include <string>

#include "core/train/trainer.h"
#include "storage/checkpoint.h"

namespace adamix::worker {

// `meta` holds trial_id, config, backbone, ... (the snapshot adds step, epoch and the loop
// position).
storage::Checkpoint to_checkpoint(const train::TrainerSnapshot& snapshot,
                                  const storage::AttributeMap& meta);
train::TrainerSnapshot to_snapshot(const storage::Checkpoint& checkpoint);

}  // namespace adamix::worker
