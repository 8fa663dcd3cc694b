#pragma once
// Folders of the synthetic language (synthetic_language.h) for pretraining and fine-tuning:
// an unlabelled corpus, five GLUE-style tasks that load through load_task({"synthetic", dir}),
// and an E2E-style data-to-text set.
//
//   SyntheticLanguage language(LanguageOptions{});          // seed 1, 3000 words, depth 2
//   write_corpus(language, 1'000'000, "data/corpus");       // data/corpus/corpus.txt
//   LanguageTaskOptions options;
//   write_language_task(language, LanguageTask::Paraphrase, options, "data/paraphrase");
//
// Tasks (labels balanced to within one example per split; regression: over five score bins):
//   sentiment      single, labels "0" "1" (1 positive, as SST-2), accuracy
//   entailment     pair, contradiction / entailment / neutral (MNLI's order), accuracy
//   paraphrase     pair, labels "0" "1" (1 same meaning, as MRPC), f1 (main), accuracy
//   similarity     pair regression, score 0..5 (as STS-B), pearson (main), spearman
//   acceptability  single, labels "0" "1" (1 grammatical, as CoLA), mcc (main), accuracy
// Each folder holds train.tsv and dev.tsv (header; sentence[, sentence2], label or score),
// test.tsv (header; index, sentence[, sentence2]; as many as dev, unlabelled) and task.json.
// data-to-text: train/dev/test.tsv with header "mr<TAB>reference" and one line per reference
// (several per MR, test included, for BLEU), and task.json of format
// "adamix-synthetic-data-to-text" (load_task does not read it).
#include <cstdint>
#include <filesystem>
#include <string>

#include "core/data/synthetic_language.h"
#include "core/data/task_spec.h"

namespace adamix::data {

enum class LanguageTask {
  Sentiment,
  Entailment,
  Paraphrase,
  Similarity,
  Acceptability,
  DataToText
};

// "sentiment", ..., "data-to-text"; parse_language_task is the inverse (ConfigError listing the
// names otherwise).
const char* to_string(LanguageTask task);
LanguageTask parse_language_task(const std::string& name);

struct LanguageTaskOptions {
  int64_t size = 2000;     // train examples (data-to-text: meaning representations)
  int64_t dev_size = 500;  // dev examples; test.tsv gets as many
  double label_noise = 0;  // train only: this fraction of labels replaced by another label
                           // (similarity: a random score); dev and test stay clean
  int references = 3;      // data-to-text: references per MR, at most (distinct texts)
  uint64_t seed = 1;       // draws the examples; the language's own seed draws its words

  // ConfigError naming the option: sizes outside [10, 10^7], label_noise outside [0, 0.5],
  // references outside [1, 8].
  void validate() const;
};

// Writes the task's folder at `out_dir` (staged beside it, then renamed into place). Same
// language, options and kind give the same bytes. ConfigError for bad options; IoError when
// out_dir is a file or a non-empty folder, or a write fails. Returns the spec in task.json
// (data-to-text: a spec with only name and kind "data-to-text", which load_task does not read).
TaskSpec write_language_task(const SyntheticLanguage& language, LanguageTask task,
                             const LanguageTaskOptions& options,
                             const std::filesystem::path& out_dir);

// Writes out_dir/corpus.txt, sentences of the language (a line holds one to three of them, as
// a short paragraph) until `tokens` words (split at spaces) are reached, and
// out_dir/language.json (options, words and lines written). Drawn from the language's seed.
// ConfigError when tokens is outside [100, 10^10]; IoError as write_language_task.
void write_corpus(const SyntheticLanguage& language, int64_t tokens,
                  const std::filesystem::path& out_dir);

}  // namespace adamix::data
