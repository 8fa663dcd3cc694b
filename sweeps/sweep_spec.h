#pragma once
// Sweep spec (YAML) -> the deterministic list of resolved trial configs (docs/formats.md "Sweep
// spec").
//
//   auto plan = adamix::sweeps::load_sweep("sweep.yaml");
//   for (const auto& t : plan.trials) std::cout << t.id << "\n";  // = `adamix train`'s id
//
// The spec, every key optional except `name` and `base`:
//
//   name: adamix-ablations            # [A-Za-z0-9._-]+, names runs/<name>/
//   base: {model: m, task: {name: rte, dir: d}}   # a trial config, or a path to one (relative
//                                                 # to the spec's folder)
//   axes: {method.experts: [1, 2, 4], method.size: [8, 16]}    # grid product
//   random:
//     samples: 4                     # K draws, each drawing every distribution once
//     seed: 1                        # default 0
//     distributions:
//       train.lr: {log-uniform: [1.0e-4, 1.0e-3]}   # exp(U(log lo, log hi))
//       train.warmup_ratio: {uniform: [0.0, 0.1]}   # lo + (hi - lo) U[0, 1)
//       train.batch_size: {int-uniform: [16, 64]}   # an integer in [lo, hi], both inclusive
//       method.share: {choice: [up, none]}          # one of the listed values
//   seeds: [1, 2, 3]                 # sets train.seed; crossed with every trial
//   exclude: [{method.experts: 1, method.share: none}]   # drop trials matching all keys
//   include: [{method.experts: 8, method.size: 48}]      # extra trials: base + these keys
//   ablations:
//     routing: inference-routing     # the preset inference-routing, its trials tagged routing
//     my-lr: [{train.lr: 1.0e-4}, {train.lr: 3.0e-4, train.epochs: 5}]   # custom variants
//   # or: ablations: [consistency, sharing]   (presets, each named after itself)
//
// Presets (sweeps/presets.h), the paper's ablation tables: inference-routing (method.inference
// merged | random-batch | random-token | fixed:0,0), merge-vs-ensemble (merged | ensemble),
// consistency (method.consistency 1.0 | 0.0), sharing (method.share up | none), experts
// (method.experts 1 | 2 | 4 | 8), bottleneck (method.size 8 | 16 | 32 | 48).
//
// Keys of axes, distributions, rules and variants are dotted paths into the trial config
// (`method.experts`, `task`, `recipe`); a value replaces the node at that path with the value's
// YAML type (a mapping value replaces the whole sub-mapping). The trial parser then reads the
// result, so the trial config's own keys, types and defaults apply (`method.module` resets the
// module's defaults, `recipe` applies its row first).
//
// Expansion, in this order (the order of the trial list):
//   points  = the axes' grid (first axis slowest, values in file order) x the K random draws
//             (draw k is the same for every grid point); no axes / no random = one empty point.
//   groups  = each ablation in file order, each of its variants in order, each point:
//             base + point + variant (the variant overrides the point's keys). Without
//             ablations: one group "grid" with one empty variant. Add a variant `{}` to an
//             ablation to keep the plain points.
//   include = then each include entry once: base + entry, group "include" (not crossed with
//             points or ablations, not subject to exclude).
//   seeds   = innermost: every trial above once per seed (train.seed), in list order.
// Tags: a preset variant's label ("routing:merged"), a custom variant's "key=value,..."
// ("lr:train.lr=1.0e-4"; "plain" for {}), "grid" without ablations, "include:key=value,...".
// A trial is excluded when its resolved config matches every key of some exclude rule (values
// compared numerically when both are numbers: 1 == 1.0). Exclusion runs before validate(), so
// it can drop combinations that would not validate. Trials whose resolved configs are equal
// are one trial (the first position) carrying every group/variant tag.
//
// Random draws are reproducible on every platform: std::mt19937_64 seeded with `seed`, 53-bit
// mapping to [0, 1), draws in file order of the distributions, floats rounded to 6 significant
// digits. The trial id is the first 12 hex digits of sha256(to_yaml(config)), exactly as
// `adamix train` computes it, so `adamix train` on a trial's YAML lands on the same id (the id
// covers every field, `device` too: `adamix train --device X` differs when X is not the spec's).
//
// Errors (ConfigError) name the file, the line and the dotted key: "sweep.yaml:7:
// axes.method.experts: expected an integer, got 'two'". Unknown keys, empty or non-list axes,
// a key given twice (axes and random, or `seeds` with a train.seed key) and unknown presets are
// errors, as is any trial that does not parse or validate (unless excluded).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/config/trial_config.h"

namespace adamix::sweeps {

struct TrialTag {
  std::string group;    // ablation name, "grid" or "include"
  std::string variant;  // the variant's label; empty for "grid"
  bool operator==(const TrialTag& other) const {
    return group == other.group && variant == other.variant;
  }
};

struct SweepTrial {
  std::string id;             // 12 hex digits of sha256(resolved_yaml)
  std::string resolved_yaml;  // sweeps::to_yaml(config)
  config::TrialConfig config;
  // Leaves of the resolved config that differ from the resolved base, in to_yaml order:
  // {"method.experts", "2"}, {"method.placement", "[query, value]"}.
  std::vector<std::pair<std::string, std::string>> changes;
  std::vector<TrialTag> tags;  // every group/variant that produced this config
};

struct SweepPlan {
  std::string name;
  std::string base_yaml;  // the base, resolved (to_yaml)
  std::vector<SweepTrial> trials;
  int64_t generated = 0;           // trials before exclusion and de-duplication
  int64_t excluded = 0;            // dropped by exclude rules
  int64_t duplicates = 0;          // merged into an earlier identical trial
  std::vector<std::string> notes;  // e.g. an exclude rule that matched no trial
};

// `source` names the text in errors; `base_dir` resolves a `base:` path. `sets` are `--set
// key.path=value` overrides of the spec's keys ("seeds=[1, 2]"); keys under `base.` change the
// base trial config, written inline or in its own file ("base.train.epochs=1").
SweepPlan expand_sweep(const std::string& text, const std::string& source,
                       const std::filesystem::path& base_dir,
                       const std::vector<std::string>& sets = {});
SweepPlan load_sweep(const std::filesystem::path& path, const std::vector<std::string>& sets = {});

// The spec text a run directory freezes: the file's text, followed by the overrides as comment
// lines when there are any (a resume must give the same ones).
std::string frozen_spec_text(const std::string& text, const std::vector<std::string>& sets);

// "method.experts=2 train.seed=1" (changes) and "routing:merged" (tags), as dry runs print them.
std::string describe_changes(const SweepTrial& trial);
std::string describe_tags(const SweepTrial& trial);

}  // namespace adamix::sweeps
