#include "worker/checkpoint_io.h"

#include "core/error.h"
#include "worker/tensor_arrays.h"

namespace adamix::worker {

storage::Checkpoint to_checkpoint(const train::TrainerSnapshot& snapshot,
                                  const storage::AttributeMap& meta) {
  storage::Checkpoint c;
  c.meta = meta;
  const auto& s = snapshot.state;
  c.meta["step"] = s.step;
  c.meta["epoch"] = s.epoch;
  c.meta["batch_in_epoch"] = s.batch_in_epoch;
  c.meta["evaluations"] = s.evaluations;
  c.meta["stale_evaluations"] = s.stale_evaluations;
  c.meta["stopped_early"] = int64_t{s.stopped_early};
  for (const auto& [name, tensor] : snapshot.params)
    c.params.emplace_back(name, to_float_array(tensor));
  for (const auto& [name, adam] : snapshot.adam) {
    c.optimizer["step/" + name] = adam.step;
    if (adam.step == 0) continue;
    c.moments.emplace_back(
        name, storage::AdamMoments{to_float_array(adam.exp_avg), to_float_array(adam.exp_avg_sq)});
  }
  c.optimizer["global_step"] = s.step;
  c.rng = snapshot.generators;
  c.metrics["best_score"] = s.best_score;
  c.metrics["best_step"] = s.best_step;
  c.metrics["plateau_best"] = s.plateau_best;
  for (const auto& [name, value] : snapshot.counters) c.metrics["counter/" + name] = value;
  return c;
}

train::TrainerSnapshot to_snapshot(const storage::Checkpoint& c) {
  train::TrainerSnapshot snap;
  auto& s = snap.state;
  s.step = storage::attribute_int(c.meta, "step");
  s.epoch = storage::attribute_int(c.meta, "epoch");
  s.batch_in_epoch = storage::attribute_int(c.meta, "batch_in_epoch");
  s.evaluations = storage::attribute_int(c.meta, "evaluations");
  s.best_score = storage::attribute_double(c.metrics, "best_score");
  s.best_step = storage::attribute_int(c.metrics, "best_step");
  // Checkpoints from before early stopping: nothing stale yet, the best as the plateau's.
  if (c.meta.count("stale_evaluations")) {
    s.stale_evaluations = storage::attribute_int(c.meta, "stale_evaluations");
    s.stopped_early = storage::attribute_int(c.meta, "stopped_early") != 0;
    s.plateau_best = storage::attribute_double(c.metrics, "plateau_best");
  } else {
    s.plateau_best = s.best_score;
  }
  std::map<std::string, const storage::AdamMoments*> moments;
  for (const auto& [name, m] : c.moments) moments[name] = &m;
  for (const auto& [name, array] : c.params) {
    snap.params.emplace_back(name, from_float_array(array));
    train::AdamState adam;
    adam.step = storage::attribute_int(c.optimizer, "step/" + name);
    if (adam.step > 0) {
      const auto it = moments.find(name);
      if (it == moments.end())
        throw IoError("checkpoint has no optimizer moments for '" + name + "'");
      adam.exp_avg = from_float_array(it->second->exp_avg);
      adam.exp_avg_sq = from_float_array(it->second->exp_avg_sq);
    }
    snap.adam.emplace_back(name, adam);
  }
  snap.generators = c.rng;
  const std::string counter = "counter/";
  for (const auto& [name, value] : c.metrics)
    if (name.rfind(counter, 0) == 0)
      snap.counters[name.substr(counter.size())] = storage::attribute_int(c.metrics, name);
  return snap;
}

std::optional<train::TrainerSnapshot> read_resume_point(const std::filesystem::path& path,
                                                        const std::string& config_yaml,
                                                        const std::string& what) {
  if (!std::filesystem::exists(path)) return std::nullopt;
  const auto checkpoint = storage::read_checkpoint(path);
  if (storage::attribute_string(checkpoint.meta, "config") != config_yaml)
    throw ConfigError(path.string() + " was written by a different " + what);
  return to_snapshot(checkpoint);
}

}  // namespace adamix::worker
