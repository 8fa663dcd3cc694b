#include <gtest/gtest.h>

#include "core/data/task_options.h"
#include "core/data/task_spec.h"
#include "core/error.h"
#include "data_test_helpers.h"

namespace adamix::data {
namespace {

using metrics::Metric;
using testing::expect_error_naming;

TEST(TaskSpec, GlueTasksFollowMethodMd) {
  EXPECT_EQ(glue_task_names(), (std::vector<std::string>{"cola", "sst2", "mrpc", "stsb", "qqp",
                                                         "mnli", "qnli", "rte", "wnli"}));
  const TaskSpec& mnli = glue_task("MNLI");
  EXPECT_TRUE(mnli.pair);
  EXPECT_EQ(mnli.labels, (std::vector<std::string>{"contradiction", "entailment", "neutral"}));
  EXPECT_EQ(mnli.dev_splits, (std::vector<std::string>{"dev_matched", "dev_mismatched"}));
  EXPECT_EQ(mnli.test_splits, (std::vector<std::string>{"test_matched", "test_mismatched"}));
  EXPECT_EQ(mnli.main_metric, Metric::Accuracy);
  EXPECT_EQ(mnli.num_outputs(), 3);

  const TaskSpec& cola = glue_task("CoLA");
  EXPECT_FALSE(cola.pair);
  EXPECT_EQ(cola.metrics, std::vector<Metric>{Metric::Mcc});
  EXPECT_EQ(cola.main_metric, Metric::Mcc);

  const TaskSpec& stsb = glue_task("STS-B");
  EXPECT_TRUE(stsb.regression);
  EXPECT_TRUE(stsb.labels.empty());
  EXPECT_EQ(stsb.num_outputs(), 1);
  EXPECT_EQ(stsb.metrics, (std::vector<Metric>{Metric::Pearson, Metric::Spearman}));
  EXPECT_EQ(stsb.main_metric, Metric::Pearson);

  for (const char* name : {"mrpc", "qqp"}) {
    EXPECT_EQ(glue_task(name).metrics, (std::vector<Metric>{Metric::Accuracy, Metric::F1}));
    EXPECT_EQ(glue_task(name).main_metric, Metric::Accuracy);
    EXPECT_EQ(glue_task(name).labels, (std::vector<std::string>{"0", "1"}));
  }
  for (const char* name : {"qnli", "rte"}) {
    EXPECT_EQ(glue_task(name).labels, (std::vector<std::string>{"entailment", "not_entailment"}));
  }
  for (const char* name : {"sst2", "qnli", "rte", "wnli"}) {
    EXPECT_EQ(glue_task(name).metrics, std::vector<Metric>{Metric::Accuracy}) << name;
    EXPECT_EQ(glue_task(name).dev_splits, std::vector<std::string>{"dev"}) << name;
  }
  EXPECT_FALSE(glue_task("sst_2").pair);
}

TEST(TaskSpec, NamesAndErrors) {
  EXPECT_EQ(canonical_task_name("SST-2"), "sst2");
  EXPECT_EQ(canonical_task_name("sts_b"), "stsb");
  EXPECT_TRUE(is_glue_task("QNLI"));
  EXPECT_FALSE(is_glue_task("e2e"));
  EXPECT_TRUE(is_nlg_task("WebNLG"));
  expect_error_naming<ConfigError>([] { glue_task("mnli-mm"); }, {"mnli-mm", "cola"});
}

TEST(TaskOptions, Validate) {
  TaskOptions options;
  options.name = "SST-2";
  options.dir = "glue/SST-2";
  EXPECT_NO_THROW(options.validate());
  for (const char* name : {"e2e", "dart", "synthetic", "mnli"}) {
    options.name = name;
    EXPECT_NO_THROW(options.validate()) << name;
  }
  options.name = "squad";
  expect_error_naming<ConfigError>([&] { options.validate(); }, {"task.name", "squad"});
  options.name = "";
  expect_error_naming<ConfigError>([&] { options.validate(); }, {"task.name"});
  options.name = "rte";
  options.dir = "";
  expect_error_naming<ConfigError>([&] { options.validate(); }, {"task.dir"});
  options.dir = "x";
  options.max_length = 4;
  expect_error_naming<ConfigError>([&] { options.validate(); }, {"task.max_length", "4"});
}

TEST(SyntheticTaskJson, RoundTripsAndRejectsBadFields) {
  TaskSpec spec;
  spec.synthetic = true;
  spec.name = "synthetic-single";
  spec.kind = "single";
  spec.labels = {"0", "1", "2"};
  spec.metrics = {Metric::Accuracy};
  const auto dir = testing::fresh_dir("task_json");
  testing::write_file(dir / "task.json", synthetic_task_json(spec).dump());
  const TaskSpec read = read_synthetic_task(dir);
  EXPECT_TRUE(read.synthetic);
  EXPECT_EQ(read.name, "synthetic-single");
  EXPECT_EQ(read.labels, spec.labels);
  EXPECT_EQ(read.num_outputs(), 3);
  EXPECT_EQ(read.dev_splits, std::vector<std::string>{"dev"});

  auto with = [&](const char* key, nlohmann::json value) {
    nlohmann::json doc = synthetic_task_json(spec);
    doc[key] = std::move(value);
    testing::write_file(dir / "task.json", doc.dump());
  };
  with("kind", "triple");
  expect_error_naming<ConfigError>([&] { read_synthetic_task(dir); }, {"task.json", "kind"});
  with("metrics", {"pearson"});
  expect_error_naming<ConfigError>([&] { read_synthetic_task(dir); }, {"metrics", "pearson"});
  with("main_metric", "f1");
  expect_error_naming<ConfigError>([&] { read_synthetic_task(dir); }, {"main_metric"});
  with("labels", {"0"});
  expect_error_naming<ConfigError>([&] { read_synthetic_task(dir); }, {"labels"});
  with("version", 2);
  expect_error_naming<ConfigError>([&] { read_synthetic_task(dir); }, {"version"});
  testing::write_file(dir / "task.json", "{not json");
  expect_error_naming<IoError>([&] { read_synthetic_task(dir); }, {"task.json"});
  std::filesystem::remove(dir / "task.json");
  expect_error_naming<IoError>([&] { read_synthetic_task(dir); }, {"task.json", "missing"});
}

TEST(SyntheticTaskJson, PairIsOptionalAndMayMarkARegressionAsSentencePairs) {
  TaskSpec spec;
  spec.synthetic = true;
  spec.name = "synthetic-similarity";
  spec.kind = "regression";
  spec.pair = true;  // STS-B-like
  spec.regression = true;
  spec.metrics = {Metric::Pearson, Metric::Spearman};
  spec.main_metric = Metric::Pearson;
  const auto dir = testing::fresh_dir("task_json_pair");
  testing::write_file(dir / "task.json", synthetic_task_json(spec).dump());
  TaskSpec read = read_synthetic_task(dir);
  EXPECT_TRUE(read.pair);
  EXPECT_TRUE(read.regression);
  EXPECT_EQ(read.num_outputs(), 1);

  // Written before the key existed: kind decides.
  nlohmann::json doc = synthetic_task_json(spec);
  doc.erase("pair");
  testing::write_file(dir / "task.json", doc.dump());
  EXPECT_FALSE(read_synthetic_task(dir).pair);
  doc["kind"] = "pair";
  doc["labels"] = {"0", "1"};
  doc["metrics"] = {"f1", "accuracy"};
  doc["main_metric"] = "f1";  // MRPC-like: F1 picks the best epoch
  testing::write_file(dir / "task.json", doc.dump());
  read = read_synthetic_task(dir);
  EXPECT_TRUE(read.pair);
  EXPECT_EQ(read.main_metric, Metric::F1);

  doc["pair"] = false;
  testing::write_file(dir / "task.json", doc.dump());
  expect_error_naming<ConfigError>([&] { read_synthetic_task(dir); }, {"pair", "true"});
  doc["pair"] = "yes";
  testing::write_file(dir / "task.json", doc.dump());
  expect_error_naming<ConfigError>([&] { read_synthetic_task(dir); }, {"pair"});
}

}  // namespace
}  // namespace adamix::data
