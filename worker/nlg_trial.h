#pragma once
// The NLG side of a trial (docs/nlg.md): data and encoding for GPT-2 fine-tuning, and the
// reference's evaluation after training: beam search on every dev context with the final model
// (merged experts), the texts in generations.dev.txt, scored with the task's metric set.
//
//   auto data = load_nlg_trial_data(config);
//   NlgObjective objective(model, data.train_rows, data.dev_rows, ...);
//   ... train ...
//   auto scores = generate_and_score(model, data, out_dir, log);  // {"dev/bleu": ..}
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/config/trial_config.h"
#include "core/data/nlg_dataset.h"
#include "core/data/nlg_encoding.h"
#include "core/inference/generate.h"
#include "core/metrics/nlg/nlg_scores.h"
#include "core/tokenizers/tokenizer.h"
#include "core/train/nlg_model.h"
#include "worker/trial_observers.h"

namespace adamix::worker {

struct NlgTrialData {
  data::NlgDataset dataset = data::NlgDataset::E2e;
  metrics::nlg::NlgMetricSet metric_set = metrics::nlg::NlgMetricSet::E2e;
  std::unique_ptr<text::Tokenizer> tokenizer;
  data::NlgSplit dev;
  std::optional<data::NlgSplit> test;        // task.score_test
  std::vector<data::NlgEncoded> train_rows;  // one per training pair, seq_len = task.max_length
  std::vector<data::NlgEncoded> dev_rows;
  inference::GenerateSettings generation;  // the reference's decoding with this vocabulary's eos
};

// True for e2e, webnlg, dart and data-to-text.
bool is_nlg_trial(const config::TrialConfig& config);

// Reads train and dev of config.task, encodes them with the model's tokenizer (ConfigError when
// it has no <|endoftext|>, i.e. is not GPT-2's byte-level BPE).
NlgTrialData load_nlg_trial_data(const config::TrialConfig& config);

// Generates for every dev (and, with task.score_test, test) context with `model` as it is (call
// after training), writes out_dir/generations.<split>.txt (one text per context, in the groups'
// order) and returns the metrics as "<split>/<name>"; WebNLG's test adds "test_seen/<name>" and
// "test_unseen/<name>" (the 10 seen categories, as the paper's S / U / A columns). When a
// generations file exists already (a finished trial run again, or one resumed past the point),
// scores it instead of generating again. `during_step` >= 0: a point during training
// (task.generate_every): the dev set only, into generations.dev.step-<N>.txt.
std::map<std::string, double> generate_and_score(train::NlgModel& model, const NlgTrialData& data,
                                                 const std::filesystem::path& out_dir,
                                                 TrialLog& log, int64_t during_step = -1);

}  // namespace adamix::worker
