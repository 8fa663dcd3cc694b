#include "sweeps/sweep_spec.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/error.h"
#include "core/io/sha256.h"
#include "sweeps/presets.h"
#include "sweeps/sampling.h"
#include "sweeps/trial_yaml.h"

namespace adamix::sweeps {
namespace {

const std::string kBase = "base: {model: m, task: {name: rte, dir: d}, train: {epochs: 3}}\n";

SweepPlan expand(const std::string& body) {
  return expand_sweep("name: s\n" + body, "s.yaml", ".");
}

std::string error_of(const std::string& body) {
  try {
    expand(body);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

// What `adamix train --config trial.yaml` computes (apps/cmd_train.cpp).
std::string train_id(const std::string& trial_yaml) {
  auto config = parse_trial_yaml(trial_yaml, "trial.yaml");
  config.validate();
  return io::sha256_hex(to_yaml(config)).substr(0, 12);
}

std::vector<std::string> ids(const SweepPlan& plan) {
  std::vector<std::string> result;
  for (const auto& t : plan.trials) result.push_back(t.id);
  return result;
}

TEST(SweepSpec, GridIsTheProductFirstAxisSlowest) {
  const auto plan = expand(kBase + "axes: {method.experts: [1, 2, 4], method.size: [8, 16]}\n");
  ASSERT_EQ(plan.trials.size(), 6u);
  EXPECT_EQ(plan.generated, 6);
  const std::vector<std::pair<int64_t, int64_t>> want = {{1, 8},  {1, 16}, {2, 8},
                                                         {2, 16}, {4, 8},  {4, 16}};
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(plan.trials[i].config.method.experts, want[i].first);
    EXPECT_EQ(plan.trials[i].config.method.size, want[i].second);
    EXPECT_EQ(plan.trials[i].config.train.epochs, 3);
    EXPECT_EQ(plan.trials[i].tags, (std::vector<TrialTag>{{"grid", ""}}));
  }
  EXPECT_EQ(describe_changes(plan.trials[0]), "method.size=8 method.experts=1");
  EXPECT_EQ(describe_changes(plan.trials[3]), "method.experts=2");  // size 16 is the base's
}

TEST(SweepSpec, ExpansionIsDeterministicAndIdsAreUnique) {
  const std::string body = kBase +
                           "axes: {method.experts: [1, 2], train.lr: [1.0e-4, 3.0e-4]}\n"
                           "random: {samples: 3, seed: 9, distributions: {train.warmup_ratio: "
                           "{uniform: [0.0, 0.1]}}}\nseeds: [1, 2]\n";
  const auto a = expand(body), b = expand(body);
  EXPECT_EQ(a.trials.size(), 2u * 2 * 3 * 2);
  EXPECT_EQ(ids(a), ids(b));
  const auto all = ids(a);
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), all.size());
  for (const auto& id : all) EXPECT_EQ(id.size(), 12u);
}

TEST(SweepSpec, IdsEqualAdamixTrainsForTheSameConfig) {
  const auto plan = expand(kBase + "axes: {method.experts: [2, 8]}\n");
  ASSERT_EQ(plan.trials.size(), 2u);
  for (const auto& trial : plan.trials) {
    EXPECT_EQ(trial.id, train_id(trial.resolved_yaml));
    EXPECT_EQ(trial.resolved_yaml, to_yaml(trial.config));
  }
  // The same trial written by hand, sparse and in another order.
  EXPECT_EQ(plan.trials[1].id,
            train_id("method: {experts: 8}\ntrain: {epochs: 3}\nmodel: m\ntask: {dir: d, name: "
                     "rte}\n"));
  // Re-submitting the sweep with the axis values reordered finds the same trials.
  const auto again = expand(kBase + "axes: {method.experts: [8, 2]}\n");
  EXPECT_EQ(again.trials[0].id, plan.trials[1].id);
}

TEST(SweepSpec, SeedsAreCrossedInnermost) {
  const auto plan = expand(kBase + "axes: {method.experts: [1, 2]}\nseeds: [7, 8, 9]\n");
  ASSERT_EQ(plan.trials.size(), 6u);
  const std::vector<uint64_t> seeds = {7, 8, 9, 7, 8, 9};
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(plan.trials[i].config.train.seed, seeds[i]);
    EXPECT_EQ(plan.trials[i].config.method.experts, i < 3 ? 1 : 2);
  }
}

TEST(SweepSpec, ExcludeDropsMatchingTrialsAndIncludeAddsTrials) {
  const auto plan = expand(kBase +
                           "axes: {method.experts: [1, 2], method.share: [up, none]}\n"
                           "exclude: [{method.experts: 1.0, method.share: none}, "
                           "{method.experts: 3}]\n"
                           "include: [{method.experts: 1, method.share: none, method.size: 48}]\n");
  // 4 grid points - 1 excluded + 1 included (exclude rules do not apply to include)
  ASSERT_EQ(plan.trials.size(), 4u);
  EXPECT_EQ(plan.excluded, 1);
  EXPECT_EQ(plan.generated, 5);
  for (size_t i = 0; i < 3; ++i)
    EXPECT_FALSE(plan.trials[i].config.method.experts == 1 &&
                 plan.trials[i].config.method.share == peft::Share::None);
  const auto& extra = plan.trials.back();
  EXPECT_EQ(extra.config.method.size, 48);
  EXPECT_EQ(extra.config.method.share, peft::Share::None);
  EXPECT_EQ(extra.tags.front().group, "include");
  EXPECT_EQ(extra.tags.front().variant, "method.experts=1,method.share=none,method.size=48");
  ASSERT_EQ(plan.notes.size(), 1u);  // the {experts: 3} rule
  EXPECT_NE(plan.notes[0].find("exclude[1] (s.yaml:4) matched no trial"), std::string::npos);
}

TEST(SweepSpec, ExcludeCanDropCombinationsThatWouldNotValidate) {
  const std::string body = kBase +
                           "axes: {method.experts: [1, 2], method.inference: [merged, "
                           "'fixed:1,0']}\n";
  EXPECT_NE(error_of(body).find("s.yaml:3: axes.method.inference"), std::string::npos)
      << error_of(body);
  const auto plan =
      expand(body + "exclude: [{method.experts: 1, method.inference: 'fixed:1,0'}]\n");
  EXPECT_EQ(plan.trials.size(), 3u);
}

TEST(SweepSpec, RandomDrawsAreReproducibleAndWithinBounds) {
  const std::string body = kBase +
                           "random:\n  samples: 200\n  seed: 5\n  distributions:\n"
                           "    train.lr: {log-uniform: [1.0e-5, 1.0e-1]}\n"
                           "    train.warmup_ratio: {uniform: [0.0, 0.1]}\n"
                           "    train.batch_size: {int-uniform: [8, 10]}\n"
                           "    method.share: {choice: [up, none]}\n";
  const auto a = expand(body), b = expand(body);
  EXPECT_EQ(ids(a), ids(b));
  EXPECT_EQ(a.generated, 200);
  std::set<int64_t> batches;
  std::set<peft::Share> shares;
  int below_geometric_mean = 0;
  for (const auto& t : a.trials) {
    EXPECT_GE(t.config.train.lr, 1e-5);
    EXPECT_LE(t.config.train.lr, 1e-1);
    EXPECT_GE(t.config.train.warmup_ratio, 0.0);
    EXPECT_LE(t.config.train.warmup_ratio, 0.1);
    batches.insert(t.config.train.batch_size);
    shares.insert(t.config.method.share);
    below_geometric_mean += t.config.train.lr < 1e-3;
  }
  EXPECT_EQ(batches, (std::set<int64_t>{8, 9, 10}));
  EXPECT_EQ(shares.size(), 2u);
  // Uniform in log space: about half below sqrt(lo * hi) (linear-uniform would put ~1% there).
  EXPECT_GT(below_geometric_mean, 70);
  EXPECT_LT(below_geometric_mean, 130);
  const auto other = expand(body.substr(0, body.find("seed: 5")) + "seed: 6" +
                            body.substr(body.find("seed: 5") + 7));
  EXPECT_NE(ids(other), ids(a));
  // Pinned: changing the mapping would change every random sweep's trial ids.
  const auto first = expand(kBase +
                            "random: {samples: 1, seed: 1, distributions: {train.lr: "
                            "{log-uniform: [1.0e-4, 1.0e-3]}}}\n");
  EXPECT_EQ(describe_changes(first.trials[0]),
            "train.lr=" + sampled_number_text(std::exp(
                              std::log(1e-4) + (std::log(1e-3) - std::log(1e-4)) *
                                                   static_cast<double>(std::mt19937_64(1)() >> 11) *
                                                   0x1.0p-53)));
}

TEST(Sampling, MappingIsOursAndFixed) {
  std::mt19937_64 rng;  // the standard fixes this stream: its 10000th value is 9981545732273789042
  rng.discard(9999);
  auto copy = rng;
  EXPECT_EQ(rng(), 9981545732273789042ull);
  EXPECT_EQ(unit_draw(copy), static_cast<double>(9981545732273789042ull >> 11) * 0x1.0p-53);
  std::mt19937_64 a(3);
  for (int i = 0; i < 1000; ++i) {
    const double u = unit_draw(a);
    EXPECT_GE(u, 0.0);
    EXPECT_LT(u, 1.0);
    EXPECT_LT(choice_draw(a, 3), 3u);
    const auto k = int_uniform_draw(a, -2, 2);
    EXPECT_GE(k, -2);
    EXPECT_LE(k, 2);
  }
  EXPECT_EQ(sampled_number_text(2), "2.0");
  EXPECT_EQ(sampled_number_text(0.000316227766), "0.000316228");
}

TEST(SweepSpec, PresetsReproduceThePapersAblationTables) {
  const auto labels = [](const std::string& name) {
    std::vector<std::string> result;
    for (const auto& v : find_preset(name)->variants) {
      EXPECT_EQ(v.overrides.size(), 1u);
      result.push_back(v.label + " " + v.overrides[0].first + "=" + v.overrides[0].second);
    }
    return result;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(
      labels("inference-routing"),
      (V{"merged method.inference=merged", "random-batch method.inference=random-batch",
         "random-token method.inference=random-token", "fixed:0,0 method.inference=fixed:0,0"}));
  EXPECT_EQ(labels("merge-vs-ensemble"),
            (V{"merged method.inference=merged", "ensemble method.inference=ensemble"}));
  EXPECT_EQ(labels("consistency"), (V{"on method.consistency=1.0", "off method.consistency=0.0"}));
  EXPECT_EQ(labels("sharing"), (V{"share-up method.share=up", "share-none method.share=none"}));
  EXPECT_EQ(labels("experts"), (V{"M=1 method.experts=1", "M=2 method.experts=2",
                                  "M=4 method.experts=4", "M=8 method.experts=8"}));
  EXPECT_EQ(labels("bottleneck"), (V{"r=8 method.size=8", "r=16 method.size=16",
                                     "r=32 method.size=32", "r=48 method.size=48"}));
  EXPECT_EQ(find_preset("nope"), nullptr);
  EXPECT_EQ(preset_names(),
            "bottleneck, consistency, experts, inference-routing, merge-vs-ensemble, sharing");
}

TEST(SweepSpec, AblationsApplyEachVariantOnEveryPoint) {
  const auto plan = expand(kBase +
                           "axes: {task: [{name: rte, dir: r}, {name: mrpc, dir: p}]}\n"
                           "ablations:\n"
                           "  routing: inference-routing\n"
                           "  lr: [{train.lr: 1.0e-4}, {}]\n");
  EXPECT_EQ(plan.generated, 2 * 4 + 2 * 2);
  ASSERT_EQ(plan.trials.size(), 10u);
  EXPECT_EQ(plan.trials[1].config.task.name, "mrpc");
  EXPECT_EQ(plan.trials[6].config.method.inference.to_string(), "fixed:0,0");
  EXPECT_EQ(describe_tags(plan.trials[8]), "lr:train.lr=1.0e-4");
  EXPECT_DOUBLE_EQ(plan.trials[8].config.train.lr, 1e-4);
  // {} keeps the plain point: the same config as routing:merged, so one trial with both tags.
  EXPECT_EQ(plan.duplicates, 2);
  EXPECT_EQ(describe_tags(plan.trials[0]), "routing:merged lr:plain");
  EXPECT_EQ(describe_changes(plan.trials[1]), "task.name=mrpc task.dir=p");
}

TEST(SweepSpec, IdenticalConfigsAreOneTrialWithAllTags) {
  // The base has M = 4 and lambda = 1: experts:M=4 and consistency:on are the same trial.
  const auto plan = expand(kBase + "ablations: [experts, consistency]\n");
  EXPECT_EQ(plan.generated, 6);
  EXPECT_EQ(plan.duplicates, 1);
  ASSERT_EQ(plan.trials.size(), 5u);
  EXPECT_EQ(describe_tags(plan.trials[2]), "experts:M=4 consistency:on");
  EXPECT_EQ(describe_tags(plan.trials[4]), "consistency:off");
}

TEST(SweepSpec, BaseMayBeAFileBesideTheSpec) {
  const auto dir = std::filesystem::temp_directory_path() / "adamix_sweep_spec_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "trial.yaml")
      << "model: m\ntask: {name: rte, dir: d}\nmethod: {experts: 2}\n";
  std::ofstream(dir / "sweep.yaml") << "name: f\nbase: trial.yaml\naxes: {method.size: [8]}\n";
  const auto plan = load_sweep(dir / "sweep.yaml");
  ASSERT_EQ(plan.trials.size(), 1u);
  EXPECT_EQ(plan.trials[0].config.method.experts, 2);
  std::ofstream(dir / "trial.yaml")
      << "model: m\ntask: {name: rte, dir: d}\nmethod: {experts: x}\n";
  try {
    load_sweep(dir / "sweep.yaml");
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("trial.yaml:3: method.experts: expected an integer"),
              std::string::npos)
        << e.what();
  }
  std::filesystem::remove_all(dir);
}

// --set on a sweep: spec keys, and base.* keys over an inline base or a base file; errors name
// the override; the frozen spec text carries them.
TEST(SweepSpec, SetOverridesTheSpecAndItsBase) {
  const std::string spec = "name: s\n" + kBase + "axes: {method.size: [8, 16]}\n";
  auto plan = expand_sweep(spec, "s.yaml", ".", {"seeds=[1, 2]", "base.train.epochs=1"});
  ASSERT_EQ(plan.trials.size(), 4u);
  for (const auto& trial : plan.trials) EXPECT_EQ(trial.config.train.epochs, 1);
  EXPECT_EQ(plan.trials[3].config.train.seed, 2);
  const auto error = [&](const std::vector<std::string>& sets) {
    try {
      expand_sweep(spec, "s.yaml", ".", sets);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(error({"base.train.epochs=many"}).rfind("--set base.train.epochs=many: ", 0), 0u)
      << error({"base.train.epochs=many"});
  EXPECT_NE(error({"base.train.epochs=many"}).find("expected an integer"), std::string::npos);
  EXPECT_EQ(error({"base.train.epochz=1"}).rfind("--set base.train.epochz=1: ", 0), 0u)
      << error({"base.train.epochz=1"});
  EXPECT_EQ(error({"seedz=[1]"}).rfind("--set seedz=[1]: unknown key", 0), 0u)
      << error({"seedz=[1]"});

  const auto dir = std::filesystem::temp_directory_path() / "adamix_sweep_spec_set_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "trial.yaml") << "model: m\ntask: {name: rte, dir: d}\n";
  std::ofstream(dir / "sweep.yaml") << "name: f\nbase: trial.yaml\n";
  plan = load_sweep(dir / "sweep.yaml", {"base.method.experts=2"});
  ASSERT_EQ(plan.trials.size(), 1u);
  EXPECT_EQ(plan.trials[0].config.method.experts, 2);
  try {
    load_sweep(dir / "sweep.yaml", {"base.method.experts=x"});
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("--set base.method.experts=x: ", 0), 0u) << e.what();
  }
  std::filesystem::remove_all(dir);

  EXPECT_EQ(frozen_spec_text("name: s\n", {}), "name: s\n");
  EXPECT_EQ(frozen_spec_text("name: s", {"seeds=[1]"}),
            "name: s\n# adamix sweep --set, applied over the lines above:\n#   --set seeds=[1]\n");
}

TEST(SweepSpec, ErrorsNameTheKeyAndTheLine) {
  const auto expect_error = [](const std::string& body, const std::string& needle) {
    const auto message = error_of(body);
    EXPECT_NE(message.find(needle), std::string::npos) << "got: " << message;
  };
  expect_error(kBase + "axis: {method.experts: [1]}\n", "s.yaml:3: axis: unknown key");
  expect_error(kBase + "axes:\n  method.experts: []\n",
               "s.yaml:4: axes.method.experts: empty list");
  expect_error(kBase + "axes:\n  method.experts: 4\n",
               "s.yaml:4: axes.method.experts: expected a list");
  expect_error(kBase + "axes:\n  method.expert: [1]\n",
               "s.yaml:4: axes.method.expert: unknown trial config key 'method.expert' "
               "(expected one of method.alpha");
  expect_error(kBase + "axes:\n  method.experts:\n    - 1\n    - two\n",
               "s.yaml:6: axes.method.experts: expected an integer, got 'two'");
  expect_error(kBase + "ablations:\n  r: [{method.share: sideways}]\n",
               "s.yaml:4: ablations.r[0].method.share: unknown value 'sideways'");
  expect_error(kBase + "include: [{task: {name: rte, dri: d}}]\n",
               "s.yaml:3: include[0].task.dri: unknown key");
  expect_error(kBase + "ablations:\n  routing: nope\n",
               "s.yaml:4: ablations.routing: unknown preset 'nope' (known: bottleneck");
  expect_error(kBase + "ablations: [experts, nope]\n", "s.yaml:3: ablations.nope: unknown preset");
  expect_error(
      kBase + "axes: {method.experts: [2]}\nablations:\n  f: [{method.inference: 'fixed:2,0'}]\n",
      "s.yaml:5: ablations.f[0].method.inference: fixed:2,0 needs down index < 2");
  expect_error("base: {task: {name: rte, dir: d}}\n", "s.yaml:2: base.model: a model directory");
  expect_error("base: {model: m, task: {name: rte, dir: d}, method: {experts: 0}}\n",
               "s.yaml:2: base.method.experts must be >= 1");
  expect_error(kBase + "seeds: [1]\naxes:\n  train.seed: [1, 2]\n",
               "s.yaml:5: axes.train.seed: conflicts with `seeds`");
  expect_error(kBase + "seeds: [1, x]\n", "s.yaml:3: seeds[1]: expected an integer >= 0");
  expect_error(kBase +
                   "axes: {train.lr: [0.1]}\nrandom:\n  samples: 1\n  distributions:\n"
                   "    train.lr: {uniform: [0, 1]}\n",
               "s.yaml:7: random.distributions.train.lr: also an axis (line 3)");
  expect_error(kBase + "random:\n  samples: 2\n  distributions:\n    train.lr: {normal: [0, 1]}\n",
               "s.yaml:6: random.distributions.train.lr.normal: unknown distribution");
  expect_error(kBase + "random:\n  samples: 2\n  distributions:\n    train.lr: {uniform: [1, 0]}\n",
               "random.distributions.train.lr.uniform: expected lo <= hi");
  expect_error(kBase + "random:\n  samples: 0\n",
               "s.yaml:4: random.samples: expected an integer >= 1");
  expect_error(kBase + "exclude: [{}]\n", "s.yaml:3: exclude[0]: an empty rule");
  expect_error(kBase + "axes:\n  method.size: [8]\n  method.size: [16]\n",
               "s.yaml:5: axes.method.size: given twice (first on line 4)");
  expect_error(kBase + "axes: [1, 2\n", "s.yaml:4: invalid YAML");
  expect_error("axes: {}\n", "s.yaml:1: base: required");
  EXPECT_NE(std::string([] {
              try {
                expand_sweep(kBase, "s.yaml", ".");
              } catch (const ConfigError& e) {
                return e.what();
              }
              return "";
            }())
                .find("s.yaml:1: name: required"),
            std::string::npos);
}

}  // namespace
}  // namespace adamix::sweeps
