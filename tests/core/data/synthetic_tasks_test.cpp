#include "core/data/synthetic_tasks.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/data/glue.h"
#include "core/data/synthetic_edits.h"
#include "core/data/synthetic_examples.h"
#include "core/data/tokenized_split.h"
#include "core/error.h"
#include "core/tokenizers/tokenizer.h"
#include "core/tokenizers/train_bpe.h"
#include "core/tokenizers/train_wordpiece.h"
#include "data_test_helpers.h"

namespace adamix::data {
namespace {

namespace fs = std::filesystem;
using metrics::Metric;
using testing::expect_error_naming;

const SyntheticLanguage& language() {
  static const SyntheticLanguage lang(LanguageOptions{3, 2000, 3});
  return lang;
}

LanguageTaskOptions small_options() {
  LanguageTaskOptions options;
  options.size = 300;
  options.dev_size = 60;
  return options;
}

std::string folder_bytes(const fs::path& dir) {
  std::string all;
  for (const auto& entry : fs::directory_iterator(dir)) {
    all += entry.path().filename().string() + "\n" + testing::read_file(entry.path());
  }
  return all;
}

const std::vector<LanguageTask> kGlueLike = {LanguageTask::Sentiment, LanguageTask::Entailment,
                                             LanguageTask::Paraphrase, LanguageTask::Similarity,
                                             LanguageTask::Acceptability};

TEST(SyntheticTasks, FoldersLoadWithTheirLabelsAndMainMetric) {
  const std::map<LanguageTask, std::tuple<bool, bool, int64_t, Metric>> expected = {
      {LanguageTask::Sentiment, {false, false, 2, Metric::Accuracy}},
      {LanguageTask::Entailment, {true, false, 3, Metric::Accuracy}},
      {LanguageTask::Paraphrase, {true, false, 2, Metric::F1}},
      {LanguageTask::Similarity, {true, true, 1, Metric::Pearson}},
      {LanguageTask::Acceptability, {false, false, 2, Metric::Mcc}},
  };
  for (LanguageTask kind : kGlueLike) {
    const auto dir = testing::fresh_dir(std::string("load_") + to_string(kind)) / "task";
    const TaskSpec written = write_language_task(language(), kind, small_options(), dir);
    const LoadedTask task = testing::load_synthetic(dir);
    const auto& [pair, regression, outputs, main_metric] = expected.at(kind);
    EXPECT_EQ(task.spec.name, std::string("synthetic-") + to_string(kind));
    EXPECT_EQ(task.spec.pair, pair) << to_string(kind);
    EXPECT_EQ(task.spec.regression, regression) << to_string(kind);
    EXPECT_EQ(task.spec.num_outputs(), outputs) << to_string(kind);
    EXPECT_EQ(task.spec.main_metric, main_metric) << to_string(kind);
    EXPECT_EQ(task.spec.labels, written.labels);
    ASSERT_EQ(task.train.examples.size(), 300u);
    ASSERT_EQ(task.dev.at(0).examples.size(), 60u);
    ASSERT_EQ(task.test.at(0).examples.size(), 60u);
    EXPECT_FALSE(task.test[0].labeled);
    // Balanced to within one example per split (similarity: per score bin).
    std::map<int64_t, int64_t> per_target;
    for (const Example& e : task.train.examples) {
      ++per_target[regression ? std::min<int64_t>(static_cast<int64_t>(e.score), 4) : e.label];
      EXPECT_EQ(e.text_b.empty(), !pair);
    }
    const int64_t targets = regression ? 5 : outputs;
    ASSERT_EQ(static_cast<int64_t>(per_target.size()), targets) << to_string(kind);
    for (const auto& [target, count] : per_target) {
      EXPECT_NEAR(count, 300 / targets, 1) << to_string(kind) << " " << target;
    }
  }
}

TEST(SyntheticTasks, SameOptionsGiveTheSameBytes) {
  const auto root = testing::fresh_dir("language_determinism");
  for (LanguageTask kind : {LanguageTask::Entailment, LanguageTask::DataToText}) {
    const std::string name = to_string(kind);
    write_language_task(language(), kind, small_options(), root / (name + "_a"));
    write_language_task(language(), kind, small_options(), root / (name + "_b"));
    EXPECT_EQ(folder_bytes(root / (name + "_a")), folder_bytes(root / (name + "_b"))) << name;
    LanguageTaskOptions other = small_options();
    other.seed = 2;
    write_language_task(language(), kind, other, root / (name + "_seed2"));
    EXPECT_NE(folder_bytes(root / (name + "_a")), folder_bytes(root / (name + "_seed2")));
  }
  const SyntheticLanguage other_words(LanguageOptions{4, 2000, 3});
  write_language_task(other_words, LanguageTask::Entailment, small_options(), root / "words4");
  EXPECT_NE(folder_bytes(root / "entailment_a"), folder_bytes(root / "words4"));
  write_corpus(language(), 5000, root / "corpus_a");
  write_corpus(language(), 5000, root / "corpus_b");
  EXPECT_EQ(folder_bytes(root / "corpus_a"), folder_bytes(root / "corpus_b"));
  write_corpus(other_words, 5000, root / "corpus_words4");
  EXPECT_NE(folder_bytes(root / "corpus_a"), folder_bytes(root / "corpus_words4"));
  for (const auto& entry : fs::directory_iterator(root)) {  // no temporary folders left
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
  }
}

// Flips the sentiment() of a meaning: every deciding clause (after the last ", but", not a
// "because" reason) negated.
Meaning negate_deciding_clauses(Meaning m) {
  size_t start = 0;
  for (size_t i = 0; i < m.connectives.size(); ++i) {
    if (m.connectives[i] == Connective::But) start = i + 1;
  }
  for (size_t j = start; j < m.clauses.size(); ++j) {
    if (j == start || m.connectives[j - 1] != Connective::Because) {
      m.clauses[j].predicate.negated = !m.clauses[j].predicate.negated;
    }
  }
  return m;
}

TEST(SyntheticTasks, SentimentLabelsFollowNegationAndBut) {
  const Lexicon& lex = language().lexicon();
  Rng rng(21);
  ExampleMaker maker(language(), rng);
  int turns = 0, distracted = 0;
  for (int i = 0; i < 600; ++i) {
    const LanguageExample e = maker.sentiment(i % 2 == 1);
    const Meaning& m = e.first.meaning;
    ASSERT_EQ(sentiment(lex, m), e.label == 1 ? 1 : -1) << e.first.text();
    EXPECT_EQ(sentiment(lex, negate_deciding_clauses(m)), e.label == 1 ? -1 : 1);
    const auto but = std::find(m.connectives.begin(), m.connectives.end(), Connective::But);
    if (but != m.connectives.end()) {
      ++turns;  // the sentence opens with the other polarity
      EXPECT_EQ(clause_polarity(lex, m.clauses[0]), e.label == 1 ? -1 : 1) << e.first.text();
    }
    for (const Clause& c : m.clauses) {
      distracted += c.predicate.negated || c.subject.quantifier == Quantifier::No;
    }
  }
  EXPECT_GT(turns, 100);
  EXPECT_GT(distracted, 200);
}

TEST(SyntheticTasks, NoSingleWordGivesTheSentimentAway) {
  const auto dir = testing::fresh_dir("sentiment_probe") / "task";
  LanguageTaskOptions options = small_options();
  options.size = 1000;
  write_language_task(language(), LanguageTask::Sentiment, options, dir);
  const LoadedTask task = testing::load_synthetic(dir);
  std::map<std::string, std::pair<int64_t, int64_t>> with;  // word -> (positive, all)
  for (const Example& e : task.train.examples) {
    std::set<std::string> words;
    for (const auto& w : sentence_words(e.text_a)) words.insert(w);
    for (const auto& w : words) {
      with[w].first += e.label;
      with[w].second += 1;
    }
  }
  double best = 0;
  const double n = static_cast<double>(task.train.examples.size());
  for (const auto& [word, counts] : with) {  // "label 1 iff the word occurs", or its negation
    const double agree =
        static_cast<double>(counts.first) + (n / 2 - (counts.second - counts.first));
    best = std::max({best, agree / n, 1 - agree / n});
  }
  EXPECT_LT(best, 0.75);
}

TEST(SyntheticTasks, EntailmentLabelsFollowTheMeaning) {
  const Lexicon& lex = language().lexicon();
  Rng rng(22);
  ExampleMaker maker(language(), rng);
  for (int i = 0; i < 600; ++i) {
    const auto label = static_cast<Inference>(i % 3);
    const LanguageExample e = maker.entailment(label);
    ASSERT_EQ(e.label, static_cast<int>(label));
    ASSERT_EQ(infer(lex, e.first.meaning, e.second.meaning), label)
        << e.first.text() << " | " << e.second.text();
    if (label != Inference::Contradiction) continue;
    // A contradiction's opposite follows from the premise: "the dog is not happy" -> "the dog
    // is happy"; "no dog is happy" -> "a dog is happy".
    Meaning opposite = e.second.meaning;
    NounPhrase& s = opposite.clauses[0].subject;
    if (s.quantifier == Quantifier::No) {
      s.quantifier = Quantifier::A;
      s.plural = false;
    } else {
      Predicate& p = opposite.clauses[0].predicate;
      p.negated = !p.negated;
    }
    EXPECT_EQ(infer(lex, e.first.meaning, opposite), Inference::Entailment)
        << e.first.text() << " | " << e.second.text();
  }
}

TEST(SyntheticTasks, ParaphraseAndSimilarityFollowTheFacts) {
  const Lexicon& lex = language().lexicon();
  Rng rng(23);
  ExampleMaker maker(language(), rng);
  for (int i = 0; i < 400; ++i) {
    const LanguageExample e = maker.paraphrase(i % 2 == 1);
    EXPECT_EQ(same_meaning(lex, e.first.meaning, e.second.meaning), e.label == 1);
    EXPECT_NE(e.first.text(), e.second.text());
  }
  std::map<int, int> per_bin;
  for (int i = 0; i < 250; ++i) {
    const LanguageExample e = maker.similarity(i % 5);
    EXPECT_EQ(e.score_hundredths, similarity_hundredths(lex, e.first.meaning, e.second.meaning));
    ++per_bin[std::min(e.score_hundredths / 100, 4)];
  }
  for (int bin = 0; bin < 5; ++bin) EXPECT_EQ(per_bin[bin], 50) << bin;
}

TEST(SyntheticTasks, CorruptedSentencesAreNeverGrammatical) {
  const auto dir = testing::fresh_dir("acceptability") / "task";
  LanguageTaskOptions options = small_options();
  options.size = 1000;
  write_language_task(language(), LanguageTask::Acceptability, options, dir);
  const LoadedTask task = testing::load_synthetic(dir);
  std::set<std::string> grammatical;
  Rng rng(5);
  for (int i = 0; i < 20000; ++i) grammatical.insert(language().sentence(rng).text());
  for (const Example& e : task.train.examples) {
    if (e.label == 1) grammatical.insert(e.text_a);
  }
  int64_t corrupted = 0;
  for (const Example& e : task.train.examples) {
    const bool parses = language().grammatical(sentence_words(e.text_a));
    EXPECT_EQ(parses, e.label == 1) << e.text_a;
    if (e.label == 0) {
      ++corrupted;
      EXPECT_EQ(grammatical.count(e.text_a), 0u) << e.text_a;
    }
  }
  EXPECT_EQ(corrupted, 500);
}

TEST(SyntheticTasks, LabelNoiseChangesOnlyTrainLabels) {
  const auto root = testing::fresh_dir("noise");
  LanguageTaskOptions options = small_options();
  options.size = 1000;
  write_language_task(language(), LanguageTask::Entailment, options, root / "clean");
  options.label_noise = 0.2;
  write_language_task(language(), LanguageTask::Entailment, options, root / "noisy");
  const LoadedTask clean = testing::load_synthetic(root / "clean"),
                   noisy = testing::load_synthetic(root / "noisy");
  int64_t changed = 0;
  for (size_t i = 0; i < clean.train.examples.size(); ++i) {
    ASSERT_EQ(clean.train.examples[i].text_a, noisy.train.examples[i].text_a);
    changed += clean.train.examples[i].label != noisy.train.examples[i].label;
  }
  EXPECT_NEAR(static_cast<double>(changed), 200.0, 45.0);
  EXPECT_EQ(testing::read_file(root / "clean" / "dev.tsv"),
            testing::read_file(root / "noisy" / "dev.tsv"));
}

TEST(SyntheticTasks, CorpusHasAboutTheTokensAskedFor) {
  const auto dir = testing::fresh_dir("corpus") / "out";
  write_corpus(language(), 50000, dir);
  const std::string text = testing::read_file(dir / "corpus.txt");
  std::istringstream lines(text);
  int64_t tokens = 0, count = 0;
  for (std::string line; std::getline(lines, line); ++count) {
    ASSERT_FALSE(line.empty());
    std::istringstream words(line);
    for (std::string w; words >> w;) ++tokens;
    // Each sentence of the line parses.
    std::vector<std::string> sentence;
    for (const std::string& w : sentence_words(line)) {
      sentence.push_back(w);
      if (w != ".") continue;
      EXPECT_TRUE(language().grammatical(sentence)) << line;
      sentence.clear();
    }
  }
  EXPECT_GE(tokens, 50000);
  EXPECT_LT(tokens, 50000 + 200);
  const auto doc = nlohmann::json::parse(testing::read_file(dir / "language.json"));
  EXPECT_EQ(doc.at("tokens"), tokens);
  EXPECT_EQ(doc.at("lines"), count);
  EXPECT_EQ(doc.at("language").at("vocabulary"), 2000);
}

// The point of plain text: tokenizers trained on the corpus cover the tasks' sentences.
TEST(SyntheticTasks, CorpusTrainsRealTokenizersThatCoverTheTasks) {
  const auto root = testing::fresh_dir("corpus_tokenizers");
  write_corpus(language(), 30000, root / "corpus");
  std::vector<std::string> lines;
  std::istringstream in(testing::read_file(root / "corpus" / "corpus.txt"));
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  text::WordPieceTrainingOptions wordpiece;
  wordpiece.vocab_size = 2000;
  text::train_wordpiece(lines, wordpiece, root / "bert");
  text::BpeTrainingOptions bpe;
  bpe.vocab_size = 2000;
  text::train_byte_bpe(lines, bpe, root / "gpt2");

  write_language_task(language(), LanguageTask::Paraphrase, small_options(), root / "task");
  const LoadedTask task = testing::load_synthetic(root / "task");
  for (const char* model : {"bert", "gpt2"}) {
    const auto tokenizer = text::load_tokenizer(root / model);
    const TokenizedSplit tokens = tokenize_split(*tokenizer, task.train, 512, true);
    int64_t pieces = 0, words = 0;
    for (int64_t i = 0; i < tokens.size(); ++i) {
      pieces += tokens.length(i);
      words += static_cast<int64_t>(sentence_words(task.train.examples[i].text_a).size() +
                                    sentence_words(task.train.examples[i].text_b).size());
    }
    EXPECT_LT(static_cast<double>(pieces) / static_cast<double>(words), 2.0) << model;
    if (std::string(model) == "bert") {  // every piece is known: no [UNK] (id 1)
      EXPECT_EQ(std::count(tokens.ids.begin(), tokens.ids.end(), 1), 0);
    }
  }
}

TEST(SyntheticTasks, DataToTextHasSeveralReferencesPerMr) {
  const auto dir = testing::fresh_dir("data_to_text") / "out";
  LanguageTaskOptions options = small_options();
  options.references = 3;
  write_language_task(language(), LanguageTask::DataToText, options, dir);
  std::istringstream lines(testing::read_file(dir / "train.tsv"));
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line, "mr\treference");
  std::map<std::string, std::set<std::string>> references;
  int64_t rows = 0;
  for (; std::getline(lines, line); ++rows) {
    const size_t tab = line.find('\t');
    ASSERT_NE(tab, std::string::npos);
    ASSERT_EQ(line.find('\t', tab + 1), std::string::npos);
    EXPECT_EQ(line.compare(0, 10, "subject : "), 0) << line;
    EXPECT_NE(line.find(" | tense : "), std::string::npos) << line;
    EXPECT_TRUE(language().grammatical(sentence_words(line.substr(tab + 1)))) << line;
    EXPECT_TRUE(references[line.substr(0, tab)].insert(line.substr(tab + 1)).second) << line;
  }
  EXPECT_GE(references.size(), 280u);  // MRs may repeat now and then
  EXPECT_GT(rows, 2 * 300);
  EXPECT_LE(rows, 3 * 300);
  const auto doc = nlohmann::json::parse(testing::read_file(dir / "task.json"));
  EXPECT_EQ(doc.at("format"), "adamix-synthetic-data-to-text");
  expect_error_naming<ConfigError>([&] { testing::load_synthetic(dir); }, {"format"});
}

TEST(SyntheticTasks, SmallestVocabularyAndDeepestSentencesWork) {
  for (int depth : {1, 5}) {
    const SyntheticLanguage lang(LanguageOptions{9, kMinVocabulary, depth});
    LanguageTaskOptions options;
    options.size = 40;
    options.dev_size = 10;
    for (LanguageTask kind : kGlueLike) {
      const auto dir = testing::fresh_dir("edge_" + std::to_string(depth)) / to_string(kind);
      write_language_task(lang, kind, options, dir);
      EXPECT_EQ(testing::load_synthetic(dir).train.examples.size(), 40u) << to_string(kind);
    }
  }
}

TEST(SyntheticTasks, BadOptionsAreOneConfigErrorLine) {
  const auto root = testing::fresh_dir("language_errors");
  auto expect_one_line = [&](LanguageTaskOptions options, const char* needle) {
    try {
      write_language_task(language(), LanguageTask::Sentiment, options, root / "out");
      ADD_FAILURE() << "no error for " << needle;
    } catch (const ConfigError& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find(needle), std::string::npos) << message;
      EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    }
  };
  LanguageTaskOptions options = small_options();
  options.size = 5;
  expect_one_line(options, "size 5");
  options = small_options();
  options.dev_size = 0;
  expect_one_line(options, "dev_size 0");
  options = small_options();
  options.label_noise = 0.7;
  expect_one_line(options, "label_noise");
  options = small_options();
  options.references = 0;
  expect_one_line(options, "references 0");
  EXPECT_FALSE(fs::exists(root / "out"));
  expect_error_naming<ConfigError>([] { parse_language_task("translation"); },
                                   {"translation", "sentiment", "data-to-text"});
  EXPECT_EQ(parse_language_task("data-to-text"), LanguageTask::DataToText);
  expect_error_naming<ConfigError>([&] { write_corpus(language(), 10, root / "c"); },
                                   {"tokens 10"});
  fs::create_directories(root / "full");
  testing::write_file(root / "full" / "keep.txt", "mine");
  expect_error_naming<IoError>([&] { write_corpus(language(), 1000, root / "full"); },
                               {"full", "not empty"});
  EXPECT_EQ(testing::read_file(root / "full" / "keep.txt"), "mine");
}

}  // namespace
}  // namespace adamix::data
