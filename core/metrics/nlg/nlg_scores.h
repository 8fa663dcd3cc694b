#pragma once
// The metric sets of the NLG tables, each metric fed what its reference pipeline feeds it:
//  e2e            e2e-metrics measure_scores.py -p: bleu (fraction), nist, meteor, rouge_l, cider
//  webnlg | dart  LoRA's gpt2_decode.py post-processing + GenerationEval: bleu (0-100), meteor,
//                 ter (as GenerationEval prints it: (ΣTER + 1) / (N + 1)), ter_mean (ΣTER / N)
// METEOR is 1.5 without the paraphrase table (meteor.h), about 0.003 below the published
// figures on E2E; reports label it "METEOR (no paraphrase)".
//
//   auto corpus = read_corpus("out.txt", "refs.txt");
//   for (auto& [name, value] : nlg_scores(NlgMetricSet::E2e, corpus.hypotheses,
//                                         corpus.references)) ...
#include <string>
#include <utility>
#include <vector>

#include "core/metrics/nlg/meteor.h"

namespace adamix::metrics::nlg {

enum class NlgMetricSet { E2e, WebNlg, Dart };

// "e2e", "webnlg", "dart"; ConfigError naming `field` and the choices otherwise.
NlgMetricSet parse_nlg_metric_set(const std::string& name, const std::string& field = "metrics");
const char* to_string(NlgMetricSet set);

// Raw hypotheses and their reference groups (as adamix generate and the task loaders give
// them). InputError when the counts differ, nothing is given, or a group is empty.
std::vector<std::pair<std::string, double>> nlg_scores(
    NlgMetricSet set, const std::vector<std::string>& hypotheses,
    const std::vector<std::vector<std::string>>& references, const MeteorOptions& meteor = {});

// METEOR on E2E as pycocoevalcap feeds it: PTB-tokenised lines without punctuation, the
// hypothesis with "|||" removed and double spaces made single.
double e2e_meteor(const std::vector<std::string>& hypotheses,
                  const std::vector<std::vector<std::string>>& references,
                  const MeteorOptions& options = {});

}  // namespace adamix::metrics::nlg
