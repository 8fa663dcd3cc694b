#include "worker/nlg_trial.h"

#include <chrono>
#include <fstream>
#include <functional>

#include "core/data/task_spec.h"
#include "core/error.h"
#include "core/inference/generate_gpt2.h"
#include "core/metrics/nlg/reference_groups.h"

namespace adamix::worker {
namespace fs = std::filesystem;

namespace {

metrics::nlg::NlgMetricSet metric_set_of(data::NlgDataset dataset) {
  switch (dataset) {
    case data::NlgDataset::WebNlg: return metrics::nlg::NlgMetricSet::WebNlg;
    case data::NlgDataset::Dart: return metrics::nlg::NlgMetricSet::Dart;
    case data::NlgDataset::E2e:
    case data::NlgDataset::Synthetic: return metrics::nlg::NlgMetricSet::E2e;
  }
  return metrics::nlg::NlgMetricSet::E2e;
}

std::vector<data::NlgEncoded> encode_all(const text::Tokenizer& tok,
                                         const std::vector<data::NlgPair>& pairs, int64_t seq_len,
                                         int64_t eos) {
  std::vector<data::NlgEncoded> rows;
  rows.reserve(pairs.size());
  for (const auto& pair : pairs) rows.push_back(data::encode_nlg_pair(tok, pair, seq_len, eos));
  return rows;
}

}  // namespace

bool is_nlg_trial(const config::TrialConfig& config) { return data::is_nlg_task(config.task.name); }

NlgTrialData load_nlg_trial_data(const config::TrialConfig& config) {
  NlgTrialData data;
  data.dataset = data::parse_nlg_dataset(config.task.name);
  data.metric_set = metric_set_of(data.dataset);
  data.tokenizer = text::load_tokenizer(config.model);
  data.generation.eos = inference::reference_eos_ids(*data.tokenizer);
  data.generation.seq_len = config.task.max_length;
  const int64_t eos = data.generation.eos.front();
  const auto train = data::load_nlg_split(data.dataset, config.task.dir, "train");
  data.dev = data::load_nlg_split(data.dataset, config.task.dir, "dev");
  data.train_rows = encode_all(*data.tokenizer, train.pairs, config.task.max_length, eos);
  data.dev_rows = encode_all(*data.tokenizer, data.dev.pairs, config.task.max_length, eos);
  if (config.task.score_test) {
    data.test = data::load_nlg_split(data.dataset, config.task.dir, "test");
  }
  return data;
}

namespace {

std::vector<std::string> generate_split(train::NlgModel& model, const NlgTrialData& data,
                                        const data::NlgSplit& split, const std::string& name,
                                        const fs::path& out_dir, TrialLog& log,
                                        const std::string& suffix = "") {
  const fs::path file = out_dir / ("generations." + name + suffix + ".txt");
  std::vector<std::string> texts;
  if (fs::exists(file)) {
    texts = metrics::nlg::read_hypotheses(file.string());
    log.line("scoring the generations already in " + file.string());
  } else {
    std::vector<std::string> contexts;
    for (const auto& group : split.groups) contexts.push_back(group.context);
    const auto start = std::chrono::steady_clock::now();
    int64_t truncated = 0;
    auto settings = data.generation;
    settings.seq_len = std::min(settings.seq_len, model.config().max_positions);
    const peft::MergeCacheScope merge_once(model.routing());  // decoding: no optimizer step
    texts =
        inference::generate_texts(model.gpt2(), *data.tokenizer, contexts, settings, &truncated);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    inference::write_generated_texts(file, texts);
    log.line("generated " + std::to_string(texts.size()) + " " + name + " texts (beam " +
             std::to_string(settings.beams) + ", " + std::to_string(truncated) +
             " contexts cut) in " + std::to_string(seconds) + " s: " + file.string());
  }
  if (texts.size() != split.groups.size()) {
    throw IoError(file.string() + " holds " + std::to_string(texts.size()) + " texts for " +
                  std::to_string(split.groups.size()) + " " + name + " contexts");
  }
  return texts;
}

// Scores the texts of the groups `keep` accepts as "<prefix>/<metric>"; nothing when none is.
void score_into(std::map<std::string, double>& scores, const std::string& prefix,
                const NlgTrialData& data, const data::NlgSplit& split,
                const std::vector<std::string>& texts,
                const std::function<bool(const data::NlgContextGroup&)>& keep) {
  std::vector<std::string> hypotheses;
  std::vector<std::vector<std::string>> references;
  for (size_t i = 0; i < texts.size(); ++i) {
    if (!keep(split.groups[i])) continue;
    hypotheses.push_back(texts[i]);
    references.push_back(split.groups[i].references);
  }
  if (hypotheses.empty()) return;
  for (const auto& [name, value] :
       metrics::nlg::nlg_scores(data.metric_set, hypotheses, references)) {
    scores[prefix + "/" + name] = value;
  }
}

}  // namespace

std::map<std::string, double> generate_and_score(train::NlgModel& model, const NlgTrialData& data,
                                                 const fs::path& out_dir, TrialLog& log,
                                                 int64_t during_step) {
  std::map<std::string, double> scores;
  const auto all = [](const data::NlgContextGroup&) { return true; };
  const std::string suffix = during_step >= 0 ? ".step-" + std::to_string(during_step) : "";
  const auto dev_texts = generate_split(model, data, data.dev, "dev", out_dir, log, suffix);
  score_into(scores, "dev", data, data.dev, dev_texts, all);
  if (data.test && during_step < 0) {
    const auto texts = generate_split(model, data, *data.test, "test", out_dir, log);
    score_into(scores, "test", data, *data.test, texts, all);
    if (data.dataset == data::NlgDataset::WebNlg) {
      score_into(scores, "test_seen", data, *data.test, texts, [](const data::NlgContextGroup& g) {
        return data::is_seen_webnlg_category(g.category);
      });
      score_into(scores, "test_unseen", data, *data.test, texts,
                 [](const data::NlgContextGroup& g) {
                   return !data::is_seen_webnlg_category(g.category);
                 });
    }
  }
  return scores;
}

}  // namespace adamix::worker
