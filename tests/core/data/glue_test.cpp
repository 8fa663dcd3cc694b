#include <gtest/gtest.h>

#include "core/data/glue.h"
#include "core/error.h"
#include "data_test_helpers.h"

namespace adamix::data {
namespace {

namespace fs = std::filesystem;
using testing::expect_error_naming;

LoadedTask load(const std::string& name, const fs::path& dir) {
  TaskOptions options;
  options.name = name;
  options.dir = dir;
  return load_task(options);
}

LoadedTask load_fixture(const std::string& name, const std::string& folder) {
  return load(name, testing::glue_dir(folder));
}

TEST(GlueLoader, CoLAHasNoHeaderAndReadsColumns3And1) {
  const LoadedTask task = load_fixture("cola", "CoLA");
  ASSERT_EQ(task.train.examples.size(), 3u);
  EXPECT_EQ(task.train.examples[0].text_a, "The cat sat on the mat.");
  EXPECT_EQ(task.train.examples[0].label, 1);
  EXPECT_EQ(task.train.examples[0].line, 1);
  EXPECT_EQ(task.train.examples[1].label, 0);
  EXPECT_EQ(task.train.examples[2].text_a, "She said \"hello\" to everyone.");
  EXPECT_TRUE(task.train.examples[0].text_b.empty());
  ASSERT_EQ(task.dev.size(), 1u);
  EXPECT_EQ(task.dev[0].name, "dev");
  EXPECT_EQ(task.dev[0].examples.size(), 2u);
  ASSERT_EQ(task.test.size(), 1u);
  EXPECT_FALSE(task.test[0].labeled);
  ASSERT_EQ(task.test[0].examples.size(), 2u);  // header skipped in the test file
  EXPECT_EQ(task.test[0].examples[0].text_a, "Birds fly south.");
  EXPECT_EQ(task.test[0].examples[0].label, -1);
}

TEST(GlueLoader, SST2KeepsTextVerbatim) {
  const LoadedTask task = load_fixture("SST-2", "SST-2");
  ASSERT_EQ(task.train.examples.size(), 3u);
  EXPECT_EQ(task.train.examples[0].text_a, "a gripping , funny film ");
  EXPECT_EQ(task.train.examples[0].line, 2);
  EXPECT_EQ(task.train.examples[2].text_a, "it 's \" fine \" ");  // no quote handling
  EXPECT_EQ(task.train.examples[1].label, 0);
  EXPECT_EQ(task.test.at(0).examples.at(0).text_a, "what a ride .");
}

TEST(GlueLoader, MRPCPairsAndLabelInColumn0) {
  const LoadedTask task = load_fixture("mrpc", "MRPC");
  ASSERT_EQ(task.train.examples.size(), 2u);
  EXPECT_EQ(task.train.examples[0].text_a, "He called the man \" the witness \" .");
  EXPECT_EQ(task.train.examples[0].text_b, "The man was called \" the witness \" by him .");
  EXPECT_EQ(task.train.examples[0].label, 1);
  EXPECT_EQ(task.train.examples[1].label, 0);
  EXPECT_EQ(task.test.at(0).examples.at(0).text_b, "Rain fell .");
}

TEST(GlueLoader, STSBReadsFloatScores) {
  const LoadedTask task = load_fixture("sts-b", "STS-B");
  ASSERT_EQ(task.train.examples.size(), 2u);
  EXPECT_EQ(task.train.examples[0].text_a, "A plane is taking off.");
  EXPECT_EQ(task.train.examples[0].text_b, "An air plane is taking off.");
  EXPECT_EQ(task.train.examples[0].score, 5.0);
  EXPECT_EQ(task.train.examples[0].label, -1);
  EXPECT_DOUBLE_EQ(task.train.examples[1].score, 0.8);
  EXPECT_DOUBLE_EQ(task.dev.at(0).examples.at(1).score, 1.25);
  EXPECT_EQ(task.test.at(0).examples.at(0).text_b, "Markets drop.");
}

TEST(GlueLoader, QQPSkipsShortLinesAsHFDoes) {
  const LoadedTask task = load_fixture("qqp", "QQP");
  ASSERT_EQ(task.train.examples.size(), 2u);
  EXPECT_EQ(task.train.skipped_lines, 1);
  EXPECT_EQ(task.train.examples[1].text_a, "What is \"AI\"?");
  EXPECT_EQ(task.train.examples[1].line, 4);
  EXPECT_EQ(task.train.examples[0].label, 1);
  EXPECT_EQ(task.test.at(0).examples.at(0).text_a, "Is tea healthy?");
  EXPECT_EQ(task.test.at(0).examples.at(0).text_b, "Is coffee healthy?");
}

TEST(GlueLoader, MNLIHasMatchedAndMismatchedDevSplits) {
  const LoadedTask task = load_fixture("mnli", "MNLI");
  ASSERT_EQ(task.train.examples.size(), 3u);
  EXPECT_EQ(task.train.examples[0].text_a, "The report was \"long\" and dull.");
  EXPECT_EQ(task.train.examples[0].label, 0);  // contradiction
  EXPECT_EQ(task.train.examples[1].label, 1);  // entailment
  EXPECT_EQ(task.train.examples[2].label, 2);  // neutral
  ASSERT_EQ(task.dev.size(), 2u);
  EXPECT_EQ(task.dev[0].name, "dev_matched");
  EXPECT_EQ(task.dev[1].name, "dev_mismatched");
  // The gold label is the last of 16 columns, not label1.
  EXPECT_EQ(task.dev[0].examples.at(0).label, 2);
  EXPECT_EQ(task.dev[1].examples.at(0).text_b, "Your gift is unwelcome.");
  ASSERT_EQ(task.test.size(), 2u);
  EXPECT_EQ(task.test[0].name, "test_matched");
  EXPECT_EQ(task.test[1].examples.at(0).text_a, "We won.");
}

TEST(GlueLoader, QNLIRTEWNLIReadColumns1And2AndLastLabel) {
  for (const auto& [name, folder] : std::vector<std::pair<std::string, std::string>>{
           {"qnli", "QNLI"}, {"rte", "RTE"}, {"wnli", "WNLI"}}) {
    const LoadedTask task = load_fixture(name, folder);
    ASSERT_EQ(task.train.examples.size(), 2u) << name;
    EXPECT_EQ(task.train.examples[0].text_a, "What does the cat eat?");
    EXPECT_EQ(task.train.examples[0].text_b, "The cat eats fish every day.");
    // WNLI's fixture writes "1" then "0"; QNLI / RTE entailment then not_entailment.
    EXPECT_EQ(task.train.examples[0].label, name == "wnli" ? 1 : 0) << name;
    EXPECT_EQ(task.train.examples[1].label, name == "wnli" ? 0 : 1) << name;
    EXPECT_EQ(task.test.at(0).examples.at(0).text_b, "Because.");
  }
}

TEST(GlueLoader, LineEndingsBomAndBlankLines) {
  const auto dir = testing::fresh_dir("line_endings");
  testing::write_file(dir / "train.tsv",
                      "\xEF\xBB\xBFsentence\tlabel\r\nfirst\t1\r\n\r\nsecond\t0\rthird\t1");
  testing::write_file(dir / "dev.tsv", "sentence\tlabel\nx\t0\n");
  const LoadedTask task = load("sst2", dir);
  ASSERT_EQ(task.train.examples.size(), 3u);
  EXPECT_EQ(task.train.examples[0].text_a, "first");
  EXPECT_EQ(task.train.examples[1].text_a, "second");
  EXPECT_EQ(task.train.examples[1].line, 4);
  EXPECT_EQ(task.train.examples[2].text_a, "third");
  EXPECT_EQ(task.train.examples[2].label, 1);
  EXPECT_TRUE(task.test.empty());  // no test.tsv: fine
}

TEST(GlueLoader, ErrorsNameFileAndLine) {
  const auto dir = testing::fresh_dir("errors");
  testing::write_file(dir / "dev.tsv", "index\tsentence1\tsentence2\tlabel\n0\ta\tb\tentailment\n");
  expect_error_naming<InputError>([&] { load("rte", dir); }, {"train.tsv", "missing"});

  testing::write_file(dir / "train.tsv", "index\tsentence1\tsentence2\tlabel\n0\ta\tb\tmaybe\n");
  expect_error_naming<InputError>([&] { load("rte", dir); },
                                  {"train.tsv:2", "unknown label \"maybe\"", "not_entailment"});

  testing::write_file(dir / "train.tsv",
                      "index\tsentence1\tsentence2\tlabel\n0\ta\tb\tentailment\n1\tonly\n");
  expect_error_naming<InputError>([&] { load("rte", dir); },
                                  {"train.tsv:3", "2 columns", "at least 4"});

  // A label in the last column must not be read from a text column.
  testing::write_file(dir / "train.tsv", "index\tsentence1\tsentence2\n0\ta\tentailment\n");
  expect_error_naming<InputError>([&] { load("rte", dir); }, {"train.tsv:2", "3 columns"});

  testing::write_file(dir / "train.tsv", "index\tsentence1\tsentence2\tlabel\n");
  expect_error_naming<InputError>([&] { load("rte", dir); }, {"train.tsv", "no examples"});

  expect_error_naming<InputError>([&] { load("rte", dir / "nowhere"); }, {"nowhere"});
  expect_error_naming<ConfigError>([&] { load("e2e", dir); }, {"NLG"});
  expect_error_naming<ConfigError>([&] { load("", dir); }, {"task.name"});
}

TEST(GlueLoader, CoLAAndSTSBMalformedLines) {
  const auto dir = testing::fresh_dir("cola_errors");
  testing::write_file(dir / "train.tsv", "gj04\t1\t\tfine\ngj04\t1\tno sentence\n");
  testing::write_file(dir / "dev.tsv", "gj04\t1\t\tfine\n");
  expect_error_naming<InputError>([&] { load("cola", dir); }, {"train.tsv:2", "3 columns"});

  const std::string header =
      "index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\tsentence1\tsentence2\tscore\n";
  const std::string prefix = "0\tg\tf\ty\to\ts1\ts2\tA.\tB.\t";
  testing::write_file(dir / "dev.tsv", header + prefix + "1.0\n");
  for (const char* bad : {"high", "nan", "", "1.0x"}) {
    testing::write_file(dir / "train.tsv", header + prefix + bad + "\n");
    expect_error_naming<InputError>([&] { load("stsb", dir); },
                                    {"train.tsv:2", "score \"" + std::string(bad) + "\""});
  }
  testing::write_file(dir / "train.tsv", header + prefix + " +3.5 \n");
  EXPECT_EQ(load("stsb", dir).train.examples.at(0).score, 3.5);  // as Python float()
}

TEST(GlueLoader, QQPTestSkipsShortLinesToo) {
  const auto dir = testing::fresh_dir("qqp_test");
  const std::string header = "id\tqid1\tqid2\tquestion1\tquestion2\tis_duplicate\n";
  testing::write_file(dir / "train.tsv", header + "1\t1\t2\ta?\tb?\t0\n");
  testing::write_file(dir / "dev.tsv", header + "1\t1\t2\ta?\tb?\t2\n");
  expect_error_naming<InputError>([&] { load("qqp", dir); }, {"dev.tsv:2", "unknown label"});
  testing::write_file(dir / "dev.tsv", header + "1\t1\t2\ta?\tb?\t1\n");
  testing::write_file(dir / "test.tsv", "id\tquestion1\tquestion2\n0\tonly one\n1\tx?\ty?\n");
  const LoadedTask task = load("qqp", dir);
  ASSERT_EQ(task.test.size(), 1u);
  EXPECT_EQ(task.test[0].skipped_lines, 1);
  ASSERT_EQ(task.test[0].examples.size(), 1u);
  EXPECT_EQ(task.test[0].examples[0].text_b, "y?");
}

}  // namespace
}  // namespace adamix::data
