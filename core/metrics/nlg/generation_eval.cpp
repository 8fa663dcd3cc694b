#include "core/metrics/nlg/generation_eval.h"

#include "core/error.h"
#include "core/metrics/nlg/bleu.h"
#include "core/metrics/nlg/unicode_text.h"
#include "core/metrics/nlg/webnlg_postprocess.h"

namespace adamix::metrics::nlg {

std::string nltk_retokenize(const std::string& postprocessed) {
  std::vector<std::string> out;
  for (const std::string& token : python_split(postprocessed)) {
    // TreebankWordTokenizer STARTING_QUOTES: a '"' at the start or after a space opens.
    if (token == "\"") {
      out.push_back("``");
      continue;
    }
    // CONTRACTIONS2 (case-insensitive, whole words; the text is lowercased already).
    const std::string lower = python_lower(token);
    bool split = false;
    for (const char* pair : {"can|not", "gim|me", "gon|na", "got|ta", "lem|me", "wan|na"}) {
      const std::string p(pair);
      const size_t bar = p.find('|');
      if (lower == p.substr(0, bar) + p.substr(bar + 1)) {
        out.push_back(token.substr(0, bar));
        out.push_back(token.substr(bar));
        split = true;
        break;
      }
    }
    if (!split) out.push_back(token);
  }
  return join(out);
}

GenerationEvalLines generation_eval_lines(const std::vector<std::string>& hypotheses,
                                          const std::vector<std::vector<std::string>>& references,
                                          size_t reference_slots) {
  if (hypotheses.empty() || hypotheses.size() != references.size()) {
    throw InputError("GenerationEval: " + std::to_string(hypotheses.size()) + " hypotheses and " +
                     std::to_string(references.size()) + " reference groups");
  }
  GenerationEvalLines lines;
  for (const auto& h : hypotheses) lines.hypotheses.push_back(webnlg_postprocess(h));
  lines.references = webnlg_reference_slots(references, reference_slots);
  for (const auto& h : lines.hypotheses) lines.hypotheses_tokens.push_back(nltk_retokenize(h));
  for (const auto& group : lines.references) {
    lines.references_tokens.emplace_back();
    for (const auto& r : group) lines.references_tokens.back().push_back(nltk_retokenize(r));
  }
  return lines;
}

GenerationEvalScores generation_eval_scores(const std::vector<std::string>& hypotheses,
                                            const std::vector<std::vector<std::string>>& references,
                                            size_t reference_slots) {
  const GenerationEvalLines lines = generation_eval_lines(hypotheses, references, reference_slots);
  GenerationEvalScores scores;
  scores.bleu = multi_bleu_detok(lines.hypotheses, lines.references);
  scores.ter = generation_eval_ter(lines.hypotheses_tokens, lines.references_tokens);
  return scores;
}

}  // namespace adamix::metrics::nlg
