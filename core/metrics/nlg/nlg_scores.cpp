#include "core/metrics/nlg/nlg_scores.h"

#include "core/error.h"
#include "core/metrics/nlg/bleu.h"
#include "core/metrics/nlg/e2e_scores.h"
#include "core/metrics/nlg/generation_eval.h"
#include "core/metrics/nlg/ptb_tokenizer.h"
#include "core/metrics/nlg/ter.h"

namespace adamix::metrics::nlg {

namespace {

// Python's s.replace(old, new): every non-overlapping occurrence, left to right.
std::string replace_all(const std::string& s, const std::string& from, const std::string& to) {
  std::string out;
  size_t start = 0;
  for (size_t at; (at = s.find(from, start)) != std::string::npos; start = at + from.size()) {
    out.append(s, start, at - start);
    out += to;
  }
  out.append(s, start, std::string::npos);
  return out;
}

}  // namespace

NlgMetricSet parse_nlg_metric_set(const std::string& name, const std::string& field) {
  if (name == "e2e") return NlgMetricSet::E2e;
  if (name == "webnlg") return NlgMetricSet::WebNlg;
  if (name == "dart") return NlgMetricSet::Dart;
  throw ConfigError(field + ": unknown metric set '" + name + "' (expected e2e, webnlg or dart)");
}

const char* to_string(NlgMetricSet set) {
  switch (set) {
    case NlgMetricSet::E2e: return "e2e";
    case NlgMetricSet::WebNlg: return "webnlg";
    case NlgMetricSet::Dart: return "dart";
  }
  return "?";
}

double e2e_meteor(const std::vector<std::string>& hypotheses,
                  const std::vector<std::vector<std::string>>& references,
                  const MeteorOptions& options) {
  std::vector<std::string> hyps = coco_ptb_tokenize(hypotheses);
  for (auto& h : hyps) h = replace_all(replace_all(h, "|||", ""), "  ", " ");  // meteor.py
  return meteor(hyps, coco_ptb_tokenize(references), options);
}

std::vector<std::pair<std::string, double>> nlg_scores(
    NlgMetricSet set, const std::vector<std::string>& hypotheses,
    const std::vector<std::vector<std::string>>& references, const MeteorOptions& meteor_options) {
  if (hypotheses.empty()) throw InputError("no hypotheses to score");
  if (hypotheses.size() != references.size()) {
    throw InputError(std::to_string(hypotheses.size()) + " hypotheses but " +
                     std::to_string(references.size()) + " reference groups");
  }
  for (size_t i = 0; i < references.size(); ++i) {
    if (references[i].empty()) {
      throw InputError("hypothesis " + std::to_string(i + 1) + " has no reference");
    }
  }
  if (set == NlgMetricSet::E2e) {
    const E2eScores s = e2e_scores(hypotheses, references);
    return {{"bleu", s.bleu},
            {"nist", s.nist},
            {"meteor", e2e_meteor(hypotheses, references, meteor_options)},
            {"rouge_l", s.rouge_l},
            {"cider", s.cider_d}};
  }
  const GenerationEvalLines lines = generation_eval_lines(hypotheses, references);
  const TerScores ter = generation_eval_ter(lines.hypotheses_tokens, lines.references_tokens);
  return {{"bleu", multi_bleu_detok(lines.hypotheses, lines.references)},
          {"meteor", meteor(lines.hypotheses_tokens, lines.references_tokens, meteor_options)},
          {"ter", ter.reported},
          {"ter_mean", ter.mean}};
}

}  // namespace adamix::metrics::nlg
