// Table building: seeds aggregated at the best step, labels, ablation tables, pivots, footer.
#include "reports/tables.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "reports/method_label.h"
#include "reports/render.h"
#include "tests/reports/report_fixture_helpers.h"

namespace adamix::reports {
namespace {

using test_util::demo_trials;
using test_util::write_run;

class TablesTest : public test_util::RunDirTest {
 protected:
  RunData demo() {
    write_run(dir_, demo_trials());
    return load_run(dir_);
  }
};

// The column index of `name` ("MRPC Acc" = group and name).
size_t column(const Table& table, const std::string& group, const std::string& name) {
  for (size_t c = 0; c < table.columns.size(); ++c) {
    if (table.columns[c].group == group && table.columns[c].name == name) return c;
  }
  ADD_FAILURE() << "no column " << group << " " << name;
  return 0;
}

TEST_F(TablesTest, MainTableAggregatesSeedsWithTheSampleDeviation) {
  const auto table = main_table(demo());
  EXPECT_EQ(table.name, "main");
  ASSERT_EQ(table.rows.size(), 6u);
  const auto acc = column(table, "MRPC", "Acc");
  const auto& base = table.rows[0].cells[acc];  // seeds 0.86, 0.88, 0.87
  EXPECT_EQ(base.state, CellState::Value);
  EXPECT_EQ(base.n, 3);
  EXPECT_NEAR(base.mean, 0.87, 1e-12);
  EXPECT_NEAR(base.sd, 0.01, 1e-12);  // sqrt((0.01^2 + 0.01^2 + 0) / (3 - 1))
  EXPECT_TRUE(base.has_sd);
  const auto& f1 = table.rows[0].cells[column(table, "MRPC", "F1")];
  EXPECT_NEAR(f1.mean, 0.90, 1e-12);  // F1 at the best-accuracy step, not the best F1

  const auto& ensemble = table.rows[2].cells[acc];  // one seed: no sd
  EXPECT_EQ(ensemble.n, 1);
  EXPECT_FALSE(ensemble.has_sd);
  EXPECT_TRUE(ensemble.bold);
  EXPECT_FALSE(base.bold);
}

TEST_F(TablesTest, MainTableMarksEveryTrialItDoesNotAverage) {
  const auto table = main_table(demo());
  const auto sst2 = column(table, "SST-2", "Acc");
  const auto avg = column(table, "", "Avg.");
  EXPECT_EQ(table.rows[0].cells[sst2].running, 1);  // a running seed is not averaged
  EXPECT_EQ(table.rows[0].cells[sst2].n, 2);
  EXPECT_EQ(table.rows[1].cells[sst2].state, CellState::Queued);
  EXPECT_EQ(table.rows[2].cells[sst2].state, CellState::Failed);
  EXPECT_EQ(table.rows[4].cells[sst2].state, CellState::Value);
  EXPECT_EQ(table.rows[4].cells[sst2].failed, 1);
  EXPECT_EQ(table.rows[5].cells[sst2].state, CellState::Missing);  // head only never ran sst2
  EXPECT_EQ(table.rows[5].cells[avg].state, CellState::Missing);
  EXPECT_NEAR(table.rows[3].cells[avg].mean, (0.85 + 0.93) / 2, 1e-12);
  EXPECT_TRUE(table.partial);
  EXPECT_EQ(table.running, 1);
  EXPECT_EQ(table.queued, 2);
  EXPECT_EQ(cell_status(table.rows[0].cells[sst2]), "done+running");
  EXPECT_EQ(cell_status(table.rows[5].cells[sst2]), "missing");
}

TEST_F(TablesTest, MethodLabelsAreReadableAndUnique) {
  const auto table = main_table(demo());
  std::vector<std::string> labels;
  for (const auto& row : table.rows) labels.push_back(row.cells[0].text);
  const std::vector<std::string> expected = {"AdaMix adapter (r=16, M=4, merged)",
                                             "AdaMix adapter (r=16, M=2)",
                                             "AdaMix adapter (r=16, M=4, ensemble)",
                                             "Full fine-tuning",
                                             "LoRA (r=8)",
                                             "Head only"};
  EXPECT_EQ(labels, expected);
  EXPECT_EQ(table.key_names, (std::vector<std::string>{
                                 "method.module", "method.size", "method.alpha", "method.placement",
                                 "method.experts", "method.expert_init", "method.inference"}));
}

TEST(MethodLabels, AddOnlyTheSettingsThatDiffer) {
  TrialData a, b, c;
  a.config = {{"method.module", "lora"},     {"method.size", "4"},   {"method.experts", "4"},
              {"method.consistency", "1.0"}, {"train.lr", "0.0003"}, {"train.seed", "1"}};
  b = a, c = a;
  b.config[3].second = "0.0";
  c.config[4].second = "0.0001";
  c.config[5].second = "2";
  EXPECT_EQ(method_label(a), "AdaMix LoRA (r=4, M=4)");
  EXPECT_EQ(method_labels({&a, &b, &c}),
            (std::vector<std::string>{"AdaMix LoRA (r=4, M=4, consistency 1.0, lr=0.0003)",
                                      "AdaMix LoRA (r=4, M=4, no consistency, lr=0.0003)",
                                      "AdaMix LoRA (r=4, M=4, consistency 1.0, lr=0.0001)"}));
  a.config[2].second = "1";
  EXPECT_EQ(method_label(a), "LoRA (r=4)");
  a.config[0].second = "adapter";
  EXPECT_EQ(method_label(a), "Adapter (r=4)");
}

TEST_F(TablesTest, OneAblationTablePerSweptKeyHoldingTheBase) {
  const auto tables = ablation_tables(demo());
  // "baselines" is a group of whole methods (LoRA changes several keys): its rows are the
  // main table's, not an ablation of method.module.
  ASSERT_EQ(tables.size(), 2u);
  EXPECT_EQ(tables[0].name, "experts");
  EXPECT_EQ(tables[0].title, "Number of experts");
  EXPECT_EQ(tables[0].key_names, std::vector<std::string>{"method.experts"});
  ASSERT_EQ(tables[0].rows.size(), 2u);
  EXPECT_EQ(tables[0].rows[0].cells[0].text, "4");  // the base, first in sweep order
  EXPECT_EQ(tables[0].rows[1].cells[0].text, "2");

  EXPECT_EQ(tables[1].name, "mve");
  EXPECT_EQ(tables[1].title, "Merge vs ensemble");
  EXPECT_EQ(tables[1].rows[1].cells[0].text, "ensemble");
  EXPECT_EQ(tables[1].running, 1);
  EXPECT_EQ(tables[1].queued, 0);

  const auto all = report_tables(load_run(dir_));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].name, "main");
  EXPECT_EQ(&find_table(all, "mve"), &all[2]);
  try {
    find_table(all, "routing");
    ADD_FAILURE() << "nothing thrown";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "no table 'routing' in this report (tables: main, experts, mve)");
  }
}

TEST_F(TablesTest, TwoPresetsOnOneKeyGetTwoTablesSharingTheBase) {
  auto trials = demo_trials();
  trials.resize(12);  // C, D, E
  for (auto& t : trials) {
    if (t.id[0] == 'c') t.tags = "routing:merged,mve:merged";
  }
  auto routed = trials[10];  // like E, routed at random per batch
  routed.id = "r1";
  routed.inference = "random-batch";
  routed.tags = "routing:random-batch";
  trials.push_back(routed);
  write_run(dir_, trials);
  const auto tables = ablation_tables(load_run(dir_));
  ASSERT_EQ(tables.size(), 3u);  // experts, then method.inference split by group
  EXPECT_EQ(tables[0].name, "experts");
  EXPECT_EQ(tables[1].name, "mve");
  EXPECT_EQ(tables[1].title, "Merge vs ensemble");
  ASSERT_EQ(tables[1].rows.size(), 2u);
  EXPECT_EQ(tables[2].name, "routing");
  EXPECT_EQ(tables[2].title, "Routing at inference");
  ASSERT_EQ(tables[2].rows.size(), 2u);
  EXPECT_EQ(tables[2].rows[1].cells[0].text, "random-batch");
}

TEST_F(TablesTest, PivotPoolsEveryTrialOfACell) {
  const auto table = pivot_table(demo(), {"method.experts", "task.name", "dev/f1"});
  EXPECT_EQ(table.name, "pivot");
  EXPECT_EQ(table.title, "dev/f1 by method.experts and task.name");
  ASSERT_EQ(table.columns.size(), 3u);
  EXPECT_EQ(table.columns[1].name, "MRPC");
  EXPECT_EQ(table.columns[2].name, "SST-2");
  ASSERT_EQ(table.rows.size(), 3u);  // 4 (base, ensemble, full, head only), 2, 1 (LoRA)
  EXPECT_EQ(table.rows[0].cells[0].text, "4");
  const auto& pooled = table.rows[0].cells[1];  // C x3, E, A x2, F
  EXPECT_EQ(pooled.n, 7);
  EXPECT_NEAR(pooled.mean, (0.89 + 0.91 + 0.90 + 0.92 + 0.88 + 0.90 + 0.75) / 7, 1e-12);
  EXPECT_EQ(table.rows[0].cells[2].state, CellState::Running);  // no f1 on sst2; one runs
  EXPECT_EQ(table.rows[0].cells[2].no_value, 4);
  EXPECT_NE(table.caption.find("pooled over seeds and method.module, method.inference"),
            std::string::npos)
      << table.caption;

  const auto main = pivot_table(load_run(dir_), {"method.inference", "method.experts", "main"});
  EXPECT_EQ(main.columns[1].name, "method.experts=4");
}

TEST_F(TablesTest, PivotRejectsUnknownKeysAndMetrics) {
  const auto data = demo();
  const auto message = [&](const PivotSpec& spec) {
    try {
      pivot_table(data, spec);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("nothing thrown");
  };
  EXPECT_NE(message({"method.expert", "task.name", "main"})
                .find("no trial config has the key "
                      "'method.expert'"),
            std::string::npos);
  EXPECT_NE(message({"method.experts", "task", "dev/bleu"}).find("known: main, dev/accuracy"),
            std::string::npos);
  EXPECT_NE(message({"task", "task.name", "main"}).find("same key"), std::string::npos);
}

// The paper's NLG tables: generation scores come from the last evaluation (the final model,
// decoded once), not from the best dev-accuracy step; E2E's columns and scales, WebNLG's seen /
// unseen / all columns with TER lowest-best; a classification task keeps the main table.
TEST_F(TablesTest, GenerationTasksGetThePapersNlgTables) {
  using Evals = std::map<int64_t, std::map<std::string, double>>;
  const auto e2e = [](double bleu, double nist) {
    return Evals{{100, {{"dev/accuracy", 0.60}, {"dev/loss", 2.0}}},
                 {200, {{"dev/accuracy", 0.62}, {"dev/loss", 1.9}}},  // the best step
                 {300,
                  {{"dev/accuracy", 0.61},
                   {"dev/bleu", bleu - 0.01},
                   {"test/bleu", bleu},
                   {"test/nist", nist},
                   {"test/meteor", 0.46},
                   {"test/rouge_l", 0.71},
                   {"test/cider", 2.5}}}};
  };
  const auto webnlg = [](double ter) {
    Evals evals{{100, {{"dev/accuracy", 0.5}}}, {200, {{"dev/accuracy", 0.4}}}};
    for (const std::string split : {"test_seen", "test_unseen", "test"}) {
      evals[200][split + "/bleu"] = split == "test_unseen" ? 45.0 : 60.0;
      evals[200][split + "/meteor"] = 0.40;
      evals[200][split + "/ter"] = ter;
      evals[200][split + "/ter_mean"] = ter - 0.01;
    }
    return evals;
  };
  std::vector<test_util::FakeTrial> trials;
  const auto add = [&](const std::string& id, const std::string& task, int experts, int seed,
                       Evals evals) {
    test_util::FakeTrial t;
    t.id = id, t.task = task, t.module = "lora", t.size = 4, t.experts = experts, t.seed = seed;
    t.evals = std::move(evals);
    trials.push_back(t);
  };
  add("l1", "e2e", 1, 1, e2e(0.690, 8.70));
  add("l2", "e2e", 1, 2, e2e(0.700, 8.80));
  add("m1", "e2e", 8, 1, e2e(0.705, 8.85));
  add("m2", "e2e", 8, 2, e2e(0.715, 8.91));
  add("l3", "webnlg", 1, 1, webnlg(0.45));
  add("m3", "webnlg", 8, 1, webnlg(0.39));
  add("a1", "mrpc", 1, 1, {{10, {{"dev/accuracy", 0.85}}}});
  write_run(dir_, trials);
  const auto data = load_run(dir_);
  EXPECT_NEAR(data.trials[0].last_metrics.at("test/nist"), 8.70, 1e-12);
  EXPECT_EQ(data.trials[0].best->step, 200);

  const auto tables = report_tables(data);
  ASSERT_GE(tables.size(), 3u);
  EXPECT_EQ(tables[0].name, "main");
  EXPECT_EQ(tables[1].name, "e2e");
  EXPECT_EQ(tables[2].name, "webnlg");
  ASSERT_EQ(tables[0].columns.size(), 6u);  // Method, MRPC Acc F1, params, seeds: no Avg.
  EXPECT_EQ(tables[0].columns[1].group, "MRPC");
  EXPECT_EQ(tables[0].columns[2].group, "MRPC");

  const auto& table = tables[1];
  EXPECT_EQ(table.title, "E2E (test): generation with beam search");
  std::vector<std::string> names;
  for (const auto& column : table.columns) names.push_back(column.name);
  const std::vector<std::string> expected = {
      "Method",          "BLEU", "NIST", "MET", "ROUGE-L", "CIDEr", "Params (train)",
      "Params (merged)", "Seeds"};
  EXPECT_EQ(names, expected);
  EXPECT_EQ(table.columns[1].group, "E2E (test)");
  ASSERT_EQ(table.rows.size(), 2u);  // LoRA, AdaMix LoRA
  const auto& bleu = table.rows[1].cells[1];
  EXPECT_EQ(bleu.n, 2);
  EXPECT_NEAR(bleu.mean, 0.710, 1e-12);  // from step 300, not the best step 200
  EXPECT_TRUE(bleu.bold);
  EXPECT_EQ(table.columns[2].format.scale, 1);
  EXPECT_EQ(table.columns[2].format.decimals, 2);
  const auto markdown = render(table, Format::Markdown);
  EXPECT_NE(markdown.find("| **71.0 \xC2\xB1 0.7** | **8.88 \xC2\xB1 0.04** |"), std::string::npos)
      << markdown;
  EXPECT_NE(table.caption.find("no paraphrase table"), std::string::npos);

  const auto& web = tables[2];
  names.clear();
  for (const auto& column : web.columns) names.push_back(column.name);
  const std::vector<std::string> web_expected = {
      "Method", "BLEU S", "BLEU U", "BLEU A",         "MET S",           "MET U", "MET A",
      "TER S",  "TER U",  "TER A",  "Params (train)", "Params (merged)", "Seeds"};
  EXPECT_EQ(names, web_expected);
  EXPECT_EQ(web.columns[1].metric, "test_seen/bleu");
  EXPECT_EQ(web.columns[9].metric, "test/ter");
  EXPECT_TRUE(web.rows[1].cells[9].bold);  // TER 0.39 < 0.45: lower is better
  EXPECT_FALSE(web.rows[0].cells[9].bold);
  const auto web_markdown = render(web, Format::Markdown);
  EXPECT_NE(web_markdown.find("| 0.45 | 0.45 | 0.45 |"), std::string::npos) << web_markdown;
  EXPECT_NE(web_markdown.find("| **0.39** | **0.39** | **0.39** |"), std::string::npos);

  // Generation tasks alone: no empty main table.
  trials.pop_back();
  const auto alone = dir_ / "nlg-only";
  std::filesystem::create_directories(alone);
  write_run(alone, trials);
  EXPECT_EQ(report_tables(load_run(alone)).front().name, "e2e");
}

TEST_F(TablesTest, FooterNamesSweepSoftwareBackboneNewestResultAndCounts) {
  const auto footer = run_footer(demo());
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"sweep", "demo"},
      {"software", "adamix 0.1.0 (git abc123)"},
      {"backbone", "abababababab"},
      {"newest result", "2026-03-01 12:34 UTC"},
      {"trials", "16 done, 2 failed, 1 running, 2 queued"}};
  EXPECT_EQ(footer, expected);
}

TEST_F(TablesTest, FooterSaysMixedForSeveralBackbones) {
  auto trials = demo_trials();
  trials[3].backbone_sha256 = std::string(64, 'f');
  write_run(dir_, trials);
  EXPECT_EQ(run_footer(load_run(dir_))[2].second, "mixed");
}

TEST_F(TablesTest, FinishedSweepIsNotPartial) {
  auto trials = demo_trials();
  for (auto& t : trials) {
    if (t.status == storage::TrialStatus::Running || t.status == storage::TrialStatus::Queued)
      t.status = storage::TrialStatus::Failed;
  }
  write_run(dir_, trials);
  const auto table = main_table(load_run(dir_));
  EXPECT_FALSE(table.partial);
  EXPECT_EQ(partial_note(table), "");
}

}  // namespace
}  // namespace adamix::reports

namespace adamix::reports {
namespace {

TEST_F(TablesTest, ConvergenceIsMarkedAndExpertDiagnosticsGetATable) {
  using Evals = std::map<int64_t, std::map<std::string, double>>;
  std::vector<test_util::FakeTrial> trials;
  const auto add = [&](const std::string& id, int experts, int seed, Evals evals,
                       const std::string& early_stopping = "") {
    test_util::FakeTrial t;
    t.id = id, t.experts = experts, t.seed = seed, t.evals = std::move(evals);
    t.early_stopping = early_stopping;
    trials.push_back(t);
  };
  const auto diagnostics = [](double low, double cosine) {
    return std::map<std::string, double>{{"dev/accuracy", 0.7},
                                         {"expert/picks_down_0", low},
                                         {"expert/picks_down_1", 1.0 - low},
                                         {"expert/delta_down_0", 0.2},
                                         {"expert/delta_down_1", 0.4},
                                         {"expert/delta_up_0", 0.5},
                                         {"expert/cosine_down", cosine},
                                         {"expert/update_ratio", 0.01}};
  };
  // Still improving at its last evaluation: not converged (3 evaluations of patience by default).
  add("m1", 2, 1,
      {{5, {{"dev/accuracy", 0.4}}},
       {10, {{"dev/accuracy", 0.5}}},
       {20, {{"dev/accuracy", 0.6}}},
       {30, diagnostics(0.4, 0.2)}});
  // Too few evaluations to show a plateau: not judged.
  add("f1", 1, 2, {{10, {{"dev/accuracy", 0.5}}}, {20, {{"dev/accuracy", 0.6}}}});
  // Plateaued for 3 evaluations: converged.
  auto plateau = diagnostics(0.5, 0.4);
  plateau["dev/accuracy"] = 0.69;
  // train.eval_paths' scores of the other inference modes (the trial's own is merged).
  plateau["dev@fixed:0,0/accuracy"] = 0.60;
  plateau["dev@fixed:1,0/accuracy"] = 0.64;
  plateau["dev@ensemble/accuracy"] = 0.66;
  plateau["dev@random-batch/accuracy"] = 0.62;
  add("m2", 2, 2,
      {{5, {{"dev/accuracy", 0.6}}},
       {10, {{"dev/accuracy", 0.7}}},
       {20, {{"dev/accuracy", 0.7}}},
       {30, {{"dev/accuracy", 0.68}}},
       {40, plateau}});
  // Early stopping ended it at step 20 (the trainer's marker).
  add("s1", 1, 1,
      {{5, {{"dev/accuracy", 0.7}}},
       {10, {{"dev/accuracy", 0.8}}},
       {20, {{"dev/accuracy", 0.8}, {"train/early_stopped", 1.0}}}},
      "{patience: 1, min_delta: 0}");
  write_run(dir_, trials);
  const auto data = load_run(dir_);
  ASSERT_TRUE(data.trials[0].ending);
  EXPECT_FALSE(data.trials[0].ending->converged);
  EXPECT_TRUE(data.trials[0].ending->judged);
  EXPECT_EQ(data.trials[0].ending->stop_step, 30);
  EXPECT_FALSE(data.trials[1].ending->judged);
  EXPECT_TRUE(data.trials[2].ending->converged);
  EXPECT_EQ(data.trials[2].ending->stale_evaluations, 3);
  EXPECT_TRUE(data.trials[3].ending->stopped_early);
  EXPECT_TRUE(data.trials[3].ending->converged);
  EXPECT_EQ(data.trials[3].ending->patience, 1);
  EXPECT_EQ(data.trials[3].ending->stop_step, 20);

  const auto tables = report_tables(data);
  const auto& main = find_table(tables, "main");
  for (const auto& column : main.columns)  // diagnostics are no score columns
    EXPECT_EQ(column.metric.find("expert/"), std::string::npos) << column.metric;
  EXPECT_EQ(main.columns.size(), 6u);  // Method, MRPC Acc and F1, the two params, seeds
  // The M = 2 row pools a converged and a not converged seed, and says so.
  std::string notes;
  for (const auto& row : main.rows) notes += cell_notes(row.cells[1]) + ";";
  EXPECT_NE(notes.find("(1 not converged)"), std::string::npos) << notes;

  const auto& table = find_table(tables, "expert-diagnostics");
  EXPECT_EQ(table.kind, TableKind::Diagnostics);
  ASSERT_EQ(table.rows.size(), 1u);  // only the mixture logged diagnostics
  std::map<std::string, const Cell*> cells;
  for (size_t c = 0; c < table.columns.size(); ++c)
    cells[table.columns[c].name] = &table.rows[0].cells[c];
  EXPECT_NEAR(cells.at("Picks min %")->mean, 0.45, 1e-12);  // seeds: 0.4 and 0.5
  EXPECT_NEAR(cells.at("Picks max %")->mean, 0.55, 1e-12);
  EXPECT_NEAR(cells.at("|\xCE\x94| down")->mean, 0.3, 1e-12);
  EXPECT_NEAR(cells.at("|\xCE\x94| up")->mean, 0.5, 1e-12);
  EXPECT_NEAR(cells.at("cos down")->mean, 0.3, 1e-12);
  EXPECT_TRUE(cells.at("cos down")->has_sd);
  EXPECT_EQ(cells.at("cos up")->state, CellState::Missing);  // a shared side
  EXPECT_EQ(cells.at("Converged")->text, "1/2");
  EXPECT_EQ(cells.at("Steps")->text, "30-40");
  EXPECT_NEAR(cells.at("Best path")->mean, 0.64, 1e-12);  // the one seed that logged paths
  EXPECT_NEAR(cells.at("Worst path")->mean, 0.60, 1e-12);
  EXPECT_NEAR(cells.at("Ensemble")->mean, 0.66, 1e-12);
  EXPECT_NEAR(cells.at("Random-batch")->mean, 0.62, 1e-12);
  EXPECT_NEAR(cells.at("Merged")->mean, (0.7 + 0.69) / 2, 1e-12);  // its own dev/accuracy
  EXPECT_EQ(main.columns.size(), 6u);  // and no columns of their own in the main table
}

// A trial stuck at its first evaluation's score (a plateau at chance from the start) is "flat":
// not counted as converged, whether it ran out its budget or early stopping ended it (the
// first trial stands for one whose early stopping was asked for but never reached).
TEST_F(TablesTest, AFlatTrialIsNeitherConvergedNorStillImproving) {
  std::vector<test_util::FakeTrial> trials;
  const auto add = [&](const std::string& id, int seed, std::vector<double> accuracies,
                       bool stopped = false) {
    test_util::FakeTrial t;
    t.id = id, t.experts = 4, t.seed = seed, t.early_stopping = "{patience: 2, min_delta: 0}";
    int64_t step = 0;
    for (const double a : accuracies) {
      t.evals[step += 10] = {{"dev/accuracy", a},          {"expert/picks_down_0", 0.25},
                             {"expert/delta_down_0", 0.2}, {"expert/delta_up_0", 0.5},
                             {"expert/cosine_down", 0.1},  {"expert/update_ratio", 0.01}};
    }
    if (stopped) t.evals.rbegin()->second["train/early_stopped"] = 1.0;
    trials.push_back(t);
  };
  add("flat", 1, {0.334, 0.334, 0.33, 0.334, 0.332});  // the majority class throughout
  add("stopped-flat", 2, {0.334, 0.334, 0.334}, true);
  add("learned", 3, {0.334, 0.5, 0.6, 0.6, 0.59, 0.6});  // plateaued after learning
  write_run(dir_, trials);
  const auto data = load_run(dir_);
  ASSERT_EQ(data.trials.size(), 3u);
  for (int i : {0, 1}) {
    ASSERT_TRUE(data.trials[i].ending) << i;
    EXPECT_TRUE(data.trials[i].ending->flat) << i;
    EXPECT_FALSE(data.trials[i].ending->converged) << i;
  }
  EXPECT_TRUE(data.trials[1].ending->stopped_early);
  EXPECT_FALSE(data.trials[2].ending->flat);
  EXPECT_TRUE(data.trials[2].ending->converged);

  const auto tables = report_tables(data);
  const auto& main = find_table(tables, "main");
  ASSERT_EQ(main.rows.size(), 1u);
  EXPECT_EQ(cell_notes(main.rows[0].cells[1]), " (2 flat)");
  EXPECT_NE(main.caption.find("\"n flat\""), std::string::npos) << main.caption;
  const auto& diagnostics = find_table(tables, "expert-diagnostics");
  for (size_t c = 0; c < diagnostics.columns.size(); ++c) {
    if (diagnostics.columns[c].name == "Converged") {
      EXPECT_EQ(diagnostics.rows.at(0).cells[c].text, "1/3 (2 flat)");
    }
  }
}

}  // namespace
}  // namespace adamix::reports
