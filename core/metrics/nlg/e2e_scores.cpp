#include "core/metrics/nlg/e2e_scores.h"

#include "core/error.h"
#include "core/metrics/nlg/bleu.h"
#include "core/metrics/nlg/cider_d.h"
#include "core/metrics/nlg/nist.h"
#include "core/metrics/nlg/ptb_tokenizer.h"
#include "core/metrics/nlg/rouge_l.h"

namespace adamix::metrics::nlg {

E2eScores e2e_scores(const std::vector<std::string>& hypotheses,
                     const std::vector<std::vector<std::string>>& references) {
  if (hypotheses.empty() || hypotheses.size() != references.size()) {
    throw InputError("E2E metrics: " + std::to_string(hypotheses.size()) + " hypotheses and " +
                     std::to_string(references.size()) + " reference groups");
  }
  E2eScores scores;
  scores.bleu = e2e_bleu(hypotheses, references);
  scores.nist = e2e_nist(hypotheses, references);
  const std::vector<std::string> hyp_tok = coco_ptb_tokenize(hypotheses);
  const std::vector<std::vector<std::string>> ref_tok = coco_ptb_tokenize(references);
  scores.rouge_l = rouge_l(hyp_tok, ref_tok);
  scores.cider_d = cider_d(hyp_tok, ref_tok);
  return scores;
}

}  // namespace adamix::metrics::nlg
