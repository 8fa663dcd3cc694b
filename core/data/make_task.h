#pragma once
// Synthetic GLUE-format tasks over a model's vocabulary, for tests and `adamix make-task`:
// space-separated sentences of whole words that the model's tokenizer encodes as one token each
// (after a space; the sentence's first word, a filler, also without one where the vocabulary
// allows), whose labels a small frozen model with adapters can learn from word counts, though
// no single token gives the label away.
//
//   MakeTaskOptions options;
//   options.model_dir = "models/bert-tiny";
//   options.kind = "pair";
//   options.out = "tasks/pair";
//   TaskSpec spec = adamix::data::make_task(options);  // load back: load_task({"synthetic", out})
//
// Kinds (labels, or regression's (p, n) cells, are balanced to within one example per split):
//   single      num_labels (2..8) classes of 3 keywords each. A sentence has 4..10 filler words,
//               1..3 keywords of its class and fewer keywords of other classes: the label is
//               the class with the most keywords. Labels "0".."C-1"; accuracy (+ f1, mcc for 2).
//   pair        4 pairs of opposite keywords; sentence1 and sentence2 (3..8 fillers each) hold
//               one keyword each. 2 labels: entailment (same keyword) / not_entailment; 3 labels
//               (MNLI's order): contradiction (the opposite) / entailment / neutral (another
//               pair's). Accuracy.
//   regression  one sentence with p in {0,1,2} "up" keywords and n in {0,1,2} "down" keywords
//               (3 of each); score 1.25 (p - n + 2) in [0, 5]. Pearson (main) and Spearman.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/data/task_spec.h"

namespace adamix::data {

struct MakeTaskOptions {
  std::filesystem::path model_dir;  // tokenizer files: vocab.txt, or vocab.json + merges.txt
  std::string kind = "single";      // single | pair | regression
  int64_t size = 2000;              // train examples
  int64_t dev_size = 500;           // dev examples; test.tsv gets as many, unlabeled
  uint64_t seed = 1;
  int64_t num_labels = 2;     // single: 2..8; pair: 2 or 3; regression: ignored
  std::filesystem::path out;  // created; must not exist or be an empty folder

  // ConfigError naming the option: unknown kind, sizes outside [10, 10^7], num_labels out of
  // range for the kind, empty model_dir or out.
  void validate() const;
};

// Writes out/{train,dev,test}.tsv (with header lines) and out/task.json into a temporary folder
// beside `out`, then renames it into place: the same options and vocabulary give the same bytes.
// ConfigError for bad options or a vocabulary with too few whole words; IoError when `out` is a
// file or a non-empty folder, or a write fails. Returns the spec written to task.json.
TaskSpec make_task(const MakeTaskOptions& options);

// The whole-word tokens of a model's vocabulary, in vocabulary order: vocab.txt entries of 3+
// lower-case ASCII letters (no "##" pieces, no "[...]" specials); vocab.json entries "Ġ" + 3+
// lower-case ASCII letters, without the "Ġ". IoError when neither file exists.
std::vector<std::string> whole_word_tokens(const std::filesystem::path& model_dir);

}  // namespace adamix::data
