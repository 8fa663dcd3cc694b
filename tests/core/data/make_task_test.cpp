#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/data/glue.h"
#include "core/data/make_task.h"
#include "core/data/tokenized_split.h"
#include "core/error.h"
#include "core/tokenizers/tokenizer.h"
#include "data_test_helpers.h"

namespace adamix::data {
namespace {

namespace fs = std::filesystem;
using testing::expect_error_naming;

MakeTaskOptions options_for(const std::string& kind, const fs::path& out,
                            const fs::path& model = testing::bert_uncased_dir()) {
  MakeTaskOptions options;
  options.model_dir = model;
  options.kind = kind;
  options.size = 600;
  options.dev_size = 90;
  options.out = out;
  return options;
}

std::vector<std::string> words_of(const std::string& sentence) {
  std::istringstream in(sentence);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

std::string folder_bytes(const fs::path& dir) {
  std::string all;
  for (const char* file : {"train.tsv", "dev.tsv", "test.tsv", "task.json"}) {
    all += std::string(file) + "\n" + testing::read_file(dir / file);
  }
  return all;
}

TEST(MakeTask, SameOptionsGiveTheSameBytes) {
  const auto root = testing::fresh_dir("determinism");
  for (const char* kind : {"single", "pair", "regression"}) {
    make_task(options_for(kind, root / (std::string(kind) + "_a")));
    make_task(options_for(kind, root / (std::string(kind) + "_b")));
    EXPECT_EQ(folder_bytes(root / (std::string(kind) + "_a")),
              folder_bytes(root / (std::string(kind) + "_b")))
        << kind;
  }
  MakeTaskOptions other = options_for("single", root / "single_seed2");
  other.seed = 2;
  make_task(other);
  EXPECT_NE(folder_bytes(root / "single_a"), folder_bytes(root / "single_seed2"));
  // Only the finished folders remain: no temporary folders left behind.
  int entries = 0;
  for (const auto& entry : fs::directory_iterator(root)) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
    ++entries;
  }
  EXPECT_EQ(entries, 7);
}

TEST(MakeTask, SingleLoadsBackBalancedAndLearnableFromCounts) {
  const auto dir = testing::fresh_dir("single") / "task";
  MakeTaskOptions options = options_for("single", dir);
  options.num_labels = 3;
  const TaskSpec spec = make_task(options);
  const LoadedTask task = testing::load_synthetic(dir);
  EXPECT_EQ(task.spec.name, "synthetic-single");
  EXPECT_EQ(task.spec.labels, spec.labels);
  EXPECT_EQ(task.spec.labels, (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_FALSE(task.spec.pair);
  ASSERT_EQ(task.train.examples.size(), 600u);
  ASSERT_EQ(task.dev.at(0).examples.size(), 90u);
  ASSERT_EQ(task.test.at(0).examples.size(), 90u);
  EXPECT_FALSE(task.test[0].labeled);

  const auto doc = nlohmann::json::parse(testing::read_file(dir / "task.json"));
  const auto keywords = doc.at("keywords").get<std::vector<std::string>>();
  ASSERT_EQ(keywords.size(), 9u);
  std::map<int64_t, int64_t> per_label;
  for (const Example& e : task.train.examples) {
    ++per_label[e.label];
    // The label is the class with the most keywords (3 keywords per class, in order).
    std::vector<int64_t> counts(3);
    for (const auto& w : words_of(e.text_a)) {
      const auto it = std::find(keywords.begin(), keywords.end(), w);
      if (it != keywords.end()) ++counts[(it - keywords.begin()) / 3];
    }
    EXPECT_EQ(std::max_element(counts.begin(), counts.end()) - counts.begin(), e.label) << e.text_a;
  }
  EXPECT_EQ(per_label, (std::map<int64_t, int64_t>{{0, 200}, {1, 200}, {2, 200}}));
}

TEST(MakeTask, NoSingleTokenGivesTheLabelAway) {
  const auto dir = testing::fresh_dir("single_probe") / "task";
  make_task(options_for("single", dir));
  const LoadedTask task = testing::load_synthetic(dir);
  EXPECT_EQ(task.spec.metrics.size(), 3u);  // binary: accuracy, f1, mcc
  // Best accuracy of "label = 1 iff word w occurs" (or its negation), over all words.
  std::set<std::string> vocabulary;
  for (const Example& e : task.train.examples) {
    for (const auto& w : words_of(e.text_a)) vocabulary.insert(w);
  }
  double best = 0;
  for (const auto& word : vocabulary) {
    int64_t agree = 0;
    for (const Example& e : task.train.examples) {
      const auto words = words_of(e.text_a);
      const bool has = std::find(words.begin(), words.end(), word) != words.end();
      agree += has == (e.label == 1);
    }
    const double accuracy = static_cast<double>(agree) / task.train.examples.size();
    best = std::max({best, accuracy, 1 - accuracy});
  }
  EXPECT_LT(best, 0.9);
  EXPECT_GT(best, 0.6);
}

TEST(MakeTask, PairLabelsFollowTheSharedKeyword) {
  for (int64_t labels : {2, 3}) {
    const auto dir = testing::fresh_dir("pair" + std::to_string(labels)) / "task";
    MakeTaskOptions options = options_for("pair", dir);
    options.num_labels = labels;
    make_task(options);
    const LoadedTask task = testing::load_synthetic(dir);
    EXPECT_TRUE(task.spec.pair);
    ASSERT_EQ(task.spec.num_outputs(), labels);
    const auto keywords = nlohmann::json::parse(testing::read_file(dir / "task.json"))
                              .at("keywords")
                              .get<std::vector<std::string>>();
    ASSERT_EQ(keywords.size(), 8u);
    auto keyword_in = [&](const std::string& sentence) {
      int64_t found = -1;
      for (const auto& w : words_of(sentence)) {
        const auto it = std::find(keywords.begin(), keywords.end(), w);
        if (it != keywords.end()) {
          EXPECT_EQ(found, -1) << "two keywords in: " << sentence;
          found = it - keywords.begin();
        }
      }
      EXPECT_NE(found, -1) << sentence;
      return found;
    };
    std::map<int64_t, int64_t> per_label;
    for (const Example& e : task.train.examples) {
      ++per_label[e.label];
      const int64_t a = keyword_in(e.text_a), b = keyword_in(e.text_b);
      const std::string& name = task.spec.labels[e.label];
      if (name == "entailment") {
        EXPECT_EQ(a, b);
      } else if (name == "not_entailment") {
        EXPECT_NE(a, b);
      } else if (name == "contradiction") {
        EXPECT_EQ(a ^ 1, b);
      } else {
        EXPECT_EQ(name, "neutral");
        EXPECT_TRUE(a != b && (a ^ 1) != b);
      }
    }
    for (const auto& [label, count] : per_label) EXPECT_EQ(count, 600 / labels) << label;
  }
}

TEST(MakeTask, RegressionScoresFromCountsOverGpt2Vocabulary) {
  const auto dir = testing::fresh_dir("regression") / "task";
  make_task(options_for("regression", dir, testing::gpt2_dir()));
  const LoadedTask task = testing::load_synthetic(dir);
  EXPECT_TRUE(task.spec.regression);
  EXPECT_EQ(task.spec.main_metric, metrics::Metric::Pearson);
  const auto keywords = nlohmann::json::parse(testing::read_file(dir / "task.json"))
                            .at("keywords")
                            .get<std::vector<std::string>>();
  std::map<double, int64_t> per_score;
  for (const Example& e : task.train.examples) {
    int64_t up = 0, down = 0;
    for (const auto& w : words_of(e.text_a)) {
      const auto it = std::find(keywords.begin(), keywords.end(), w);
      if (it == keywords.end()) continue;
      (it - keywords.begin() < 3 ? up : down) += 1;
    }
    EXPECT_EQ(e.score, 1.25 * static_cast<double>(up - down + 2)) << e.text_a;
    ++per_score[e.score];
  }
  EXPECT_EQ(per_score.size(), 5u);
  // Every word is one GPT-2 token after a space: sentences tokenize to real words.
  const auto tokenizer = text::load_tokenizer(testing::gpt2_dir());
  const TokenizedSplit tokens = tokenize_split(*tokenizer, task.dev.at(0), 128, false);
  for (int64_t i = 0; i < tokens.size(); ++i) {
    EXPECT_EQ(tokens.length(i),
              static_cast<int64_t>(words_of(task.dev[0].examples[i].text_a).size()));
  }
}

TEST(MakeTask, WorksOverMakeModelsSyntheticTokenizers) {
  using text::TokenizerKind;
  for (TokenizerKind kind :
       {TokenizerKind::WordPiece, TokenizerKind::Gpt2Bpe, TokenizerKind::RobertaBpe}) {
    const auto model = testing::fresh_dir("synthetic_model_" + std::to_string(int(kind)));
    if (kind == TokenizerKind::RobertaBpe) {
      testing::write_file(model / "config.json", R"({"model_type": "roberta"})");
    }
    text::write_synthetic_tokenizer(model, kind, 1000);  // make-model's default vocab_size
    const auto tokenizer = text::load_tokenizer(model);
    for (const char* task_kind : {"single", "pair", "regression"}) {
      const auto out = testing::fresh_dir("synthetic_task") / task_kind;
      make_task(options_for(task_kind, out, model));
      const LoadedTask task = testing::load_synthetic(out);
      const TokenizedSplit tokens = tokenize_split(*tokenizer, task.train, 128, task.spec.pair);
      // Every word is one token: the length is the words plus the special tokens.
      const std::string_view nothing;
      const int64_t specials = static_cast<int64_t>(
          tokenizer->encode("", task.spec.pair ? &nothing : nullptr).ids.size());
      for (int64_t i = 0; i < tokens.size(); ++i) {
        const Example& e = task.train.examples[i];
        const auto words = words_of(e.text_a).size() + words_of(e.text_b).size();
        ASSERT_EQ(tokens.length(i), static_cast<int64_t>(words) + specials)
            << task_kind << ": " << e.text_a << " | " << e.text_b;
      }
    }
  }
}

TEST(MakeTask, WholeWordTokens) {
  const auto bert = whole_word_tokens(testing::bert_uncased_dir());
  EXPECT_GT(bert.size(), 15000u);
  EXPECT_EQ(bert.front(), "the");  // first 3+ letter word in bert-base-uncased's vocab.txt
  const auto gpt2 = whole_word_tokens(testing::gpt2_dir());
  EXPECT_GT(gpt2.size(), 15000u);
  EXPECT_EQ(gpt2.front(), "the");  // "Ġthe" = 262
  for (const auto& w : gpt2)
    ASSERT_TRUE(w.size() >= 3 &&
                w.find_first_not_of("abcdefghijklmnopqrstuvwxyz") == std::string::npos)
        << w;
  expect_error_naming<IoError>([] { whole_word_tokens(testing::fresh_dir("no_vocab")); },
                               {"vocab.txt"});
}

TEST(MakeTask, RefusesBadOptionsAndNonEmptyOut) {
  const auto root = testing::fresh_dir("errors");
  MakeTaskOptions options = options_for("single", root / "out");
  options.kind = "triple";
  expect_error_naming<ConfigError>([&] { make_task(options); }, {"kind", "triple"});
  options = options_for("single", root / "out");
  options.size = 5;
  expect_error_naming<ConfigError>([&] { make_task(options); }, {"size", "5"});
  options = options_for("pair", root / "out");
  options.num_labels = 4;
  expect_error_naming<ConfigError>([&] { make_task(options); }, {"num_labels", "4", "pair"});
  options = options_for("single", root / "out");
  options.num_labels = 9;
  expect_error_naming<ConfigError>([&] { make_task(options); }, {"num_labels"});
  options = options_for("single", "");
  expect_error_naming<ConfigError>([&] { make_task(options); }, {"--out"});

  fs::create_directories(root / "full");
  testing::write_file(root / "full" / "keep.txt", "mine");
  expect_error_naming<IoError>([&] { make_task(options_for("single", root / "full")); },
                               {"full", "not empty"});
  EXPECT_EQ(testing::read_file(root / "full" / "keep.txt"), "mine");
  // An existing empty folder is fine, and a trailing slash too.
  fs::create_directories(root / "empty");
  make_task(options_for("single", root / "empty/"));
  EXPECT_TRUE(fs::exists(root / "empty" / "task.json"));

  // A vocabulary with too few whole words.
  const auto tiny = testing::fresh_dir("tiny_vocab");
  testing::write_file(tiny / "vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nthe\ncat\n##s\n");
  expect_error_naming<ConfigError>([&] { make_task(options_for("single", root / "t", tiny)); },
                                   {"tiny_vocab", "2 usable whole-word tokens", "at least 18"});
  EXPECT_FALSE(fs::exists(root / "t"));
}

}  // namespace
}  // namespace adamix::data
