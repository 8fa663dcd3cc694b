#include "core/data/synthetic_tasks.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>

#include <nlohmann/json.hpp>

#include "core/data/rng.h"
#include "core/data/synthetic_examples.h"
#include "core/data/task_folder.h"
#include "core/error.h"
#include "core/io/atomic_file.h"

namespace adamix::data {
namespace {

namespace fs = std::filesystem;
using metrics::Metric;

constexpr const char* kTaskNames[] = {"sentiment",  "entailment",    "paraphrase",
                                      "similarity", "acceptability", "data-to-text"};
constexpr int kScoreBins = 5;            // similarity targets: [0, 1), ..., [4, 5]
constexpr uint64_t kCorpusStream = 100;  // seed streams: tasks use 0..5

// splitmix64 of (seed, stream): one seed gives unrelated draws to each task and the corpus.
uint64_t mixed_seed(uint64_t seed, uint64_t stream) {
  uint64_t z = seed + 0x9E3779B97F4A7C15ull * (stream + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

TaskSpec spec_for(LanguageTask task) {
  TaskSpec spec;
  spec.synthetic = true;
  spec.name = std::string("synthetic-") + to_string(task);
  spec.dev_splits = {"dev"};
  spec.test_splits = {"test"};
  const std::vector<std::string> binary = {"0", "1"};
  switch (task) {
    case LanguageTask::Sentiment:
      spec.kind = "single";
      spec.labels = binary;
      spec.metrics = {Metric::Accuracy};
      break;
    case LanguageTask::Entailment:
      spec.kind = "pair";
      spec.labels = {"contradiction", "entailment", "neutral"};
      spec.metrics = {Metric::Accuracy};
      break;
    case LanguageTask::Paraphrase:
      spec.kind = "pair";
      spec.labels = binary;
      spec.metrics = {Metric::F1, Metric::Accuracy};
      break;
    case LanguageTask::Similarity:
      spec.kind = "regression";
      spec.metrics = {Metric::Pearson, Metric::Spearman};
      break;
    case LanguageTask::Acceptability:
      spec.kind = "single";
      spec.labels = binary;
      spec.metrics = {Metric::Mcc, Metric::Accuracy};
      break;
    case LanguageTask::DataToText: spec.kind = "data-to-text"; return spec;
  }
  spec.pair = task != LanguageTask::Sentiment && task != LanguageTask::Acceptability;
  spec.regression = task == LanguageTask::Similarity;
  spec.main_metric = spec.metrics.front();
  return spec;
}

std::string score_text(int hundredths) {
  char text[16];
  std::snprintf(text, sizeof text, "%d.%02d", hundredths / 100, hundredths % 100);
  return text;
}

int targets_of(LanguageTask task) {
  if (task == LanguageTask::Entailment) return 3;
  return task == LanguageTask::Similarity ? kScoreBins : 2;
}

LanguageExample make_example(ExampleMaker& maker, LanguageTask task, int target) {
  switch (task) {
    case LanguageTask::Sentiment: return maker.sentiment(target == 1);
    case LanguageTask::Entailment: return maker.entailment(static_cast<Inference>(target));
    case LanguageTask::Paraphrase: return maker.paraphrase(target == 1);
    case LanguageTask::Similarity: return maker.similarity(target);
    default: return maker.acceptability(target == 1);
  }
}

// `count` rows, targets (classes, or similarity's score bins) cycled then shuffled. With
// `noise` (train), each row draws from it whether or not its label changes, so the examples
// are the same at any noise level.
std::vector<TaskRow> task_rows(ExampleMaker& maker, Rng& rng, LanguageTask task,
                               const TaskSpec& spec, int64_t count, double label_noise,
                               Rng* noise) {
  const int targets = targets_of(task);
  std::vector<int> wanted(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) wanted[i] = static_cast<int>(i % targets);
  rng.shuffle(wanted);
  const int64_t noise_ppm = std::llround(label_noise * 1e6);
  const int64_t classes = static_cast<int64_t>(spec.labels.size());
  std::vector<TaskRow> rows;
  rows.reserve(wanted.size());
  for (int target : wanted) {
    const LanguageExample e = make_example(maker, task, target);
    TaskRow row{e.first.text(), spec.pair ? e.second.text() : "", ""};
    int label = e.label, score = e.score_hundredths;
    if (noise && noise->below(1'000'000) < noise_ppm) {
      score = static_cast<int>(noise->below(501));
      if (classes > 1) label = static_cast<int>((label + 1 + noise->below(classes - 1)) % classes);
    }
    row.label = spec.regression ? score_text(score) : spec.labels[static_cast<size_t>(label)];
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string data_to_text_tsv(ExampleMaker& maker, int64_t count, int references) {
  std::string tsv = "mr\treference\n";
  for (int64_t i = 0; i < count; ++i) {
    const DataToTextExample e = maker.data_to_text(references);
    for (const auto& reference : e.references) tsv += e.mr + "\t" + reference + "\n";
  }
  return tsv;
}

nlohmann::json language_json(const SyntheticLanguage& language) {
  const LanguageOptions& o = language.options();
  return {{"seed", o.seed}, {"vocabulary", o.vocabulary}, {"depth", o.depth}};
}

void check_range(const char* name, int64_t value, int64_t low, int64_t high) {
  if (value < low || value > high) {
    throw ConfigError(std::string("make-task: ") + name + " " + std::to_string(value) +
                      " is outside [" + std::to_string(low) + ", " + std::to_string(high) + "]");
  }
}

}  // namespace

const char* to_string(LanguageTask task) { return kTaskNames[static_cast<int>(task)]; }

LanguageTask parse_language_task(const std::string& name) {
  for (int i = 0; i < 6; ++i) {
    if (name == kTaskNames[i]) return static_cast<LanguageTask>(i);
  }
  throw ConfigError("make-task: kind \"" + name +
                    "\" is not one of sentiment, entailment, paraphrase, similarity, "
                    "acceptability, data-to-text");
}

void LanguageTaskOptions::validate() const {
  check_range("size", size, 10, 10'000'000);
  check_range("dev_size", dev_size, 10, 10'000'000);
  if (!(label_noise >= 0 && label_noise <= 0.5)) {  // NaN fails too
    throw ConfigError("make-task: label_noise " + std::to_string(label_noise) +
                      " is outside [0, 0.5]");
  }
  check_range("references", references, 1, 8);
}

TaskSpec write_language_task(const SyntheticLanguage& language, LanguageTask task,
                             const LanguageTaskOptions& options, const fs::path& out_dir) {
  options.validate();
  if (out_dir.empty()) throw ConfigError("make-task: --out is required");
  const TaskSpec spec = spec_for(task);
  Rng rng(mixed_seed(options.seed, static_cast<uint64_t>(task)));
  ExampleMaker maker(language, rng);
  std::string train, dev, test;
  nlohmann::json doc;
  if (task == LanguageTask::DataToText) {
    train = data_to_text_tsv(maker, options.size, options.references);
    dev = data_to_text_tsv(maker, options.dev_size, options.references);
    test = data_to_text_tsv(maker, options.dev_size, options.references);
    doc = {{"format", "adamix-synthetic-data-to-text"},
           {"version", 1},
           {"name", spec.name},
           {"kind", spec.kind},
           {"columns", {"mr", "reference"}},
           {"references", options.references}};
  } else {
    Rng noise(mixed_seed(options.seed, 50 + static_cast<uint64_t>(task)));
    const char* header = spec.regression ? "score" : "label";
    train = task_tsv(task_rows(maker, rng, task, spec, options.size, options.label_noise, &noise),
                     spec.pair, false, header);
    dev = task_tsv(task_rows(maker, rng, task, spec, options.dev_size, 0, nullptr), spec.pair,
                   false, header);
    test = task_tsv(task_rows(maker, rng, task, spec, options.dev_size, 0, nullptr), spec.pair,
                    true, header);
    doc = synthetic_task_json(spec);
    doc["label_noise"] = options.label_noise;
  }
  doc["generator"] = "adamix make-task";
  doc["task"] = to_string(task);
  doc["seed"] = options.seed;
  doc["language"] = language_json(language);
  doc["sizes"] = {{"train", options.size}, {"dev", options.dev_size}, {"test", options.dev_size}};
  write_task_folder(out_dir, "make-task", [&](const fs::path& dir) {
    io::write_text_atomically(dir / "train.tsv", train);
    io::write_text_atomically(dir / "dev.tsv", dev);
    io::write_text_atomically(dir / "test.tsv", test);
    io::write_text_atomically(dir / "task.json", doc.dump(2) + "\n");
  });
  return spec;
}

void write_corpus(const SyntheticLanguage& language, int64_t tokens, const fs::path& out_dir) {
  check_range("tokens", tokens, 100, 10'000'000'000);
  if (out_dir.empty()) throw ConfigError("make-task: --out is required");
  Rng rng(mixed_seed(language.options().seed, kCorpusStream));
  int64_t written = 0, lines = 0;
  write_task_folder(out_dir, "make-task", [&](const fs::path& dir) {
    io::write_file_atomically(dir / "corpus.txt", [&](std::ostream& out) {
      while (written < tokens) {
        const int64_t r = rng.below(100);
        const int sentences = r < 60 ? 1 : r < 85 ? 2 : 3;  // a short paragraph now and then
        std::string line;
        for (int s = 0; s < sentences; ++s) {
          line += (s ? " " : "") + language.sentence(rng).text();
        }
        written += 1 + static_cast<int64_t>(std::count(line.begin(), line.end(), ' '));
        ++lines;
        out << line << '\n';
      }
    });
    nlohmann::json doc = {{"format", "adamix-synthetic-corpus"},
                          {"version", 1},
                          {"generator", "adamix make-task"},
                          {"task", "corpus"},
                          {"language", language_json(language)},
                          {"tokens", written},
                          {"lines", lines},
                          {"requested_tokens", tokens}};
    io::write_text_atomically(dir / "language.json", doc.dump(2) + "\n");
  });
}

}  // namespace adamix::data
