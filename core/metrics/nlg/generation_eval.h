#pragma once
// WebNLG/DART scoring as the reference pipeline does it: LoRA's gpt2_decode.py post-processing
// (webnlg_postprocess, 6 reference slots), then WebNLG GenerationEval's eval.py: BLEU with
// multi-bleu-detok.perl on the post-processed files, TER with pyter on those lines re-tokenised
// by nltk.word_tokenize (nltk 3.5), which on post-processed text only turns '"' into '``' and
// splits "cannot", "gimme", "gonna", "gotta", "lemme", "wanna".
//
//   auto s = adamix::metrics::nlg::generation_eval_scores(hyps, refs);  // raw model outputs
#include <string>
#include <vector>

#include "core/metrics/nlg/ter.h"

namespace adamix::metrics::nlg {

struct GenerationEvalScores {
  double bleu = 0.0;  // 0-100
  TerScores ter;      // ter.reported is GenerationEval's printed value (trailing-line quirk)
};

// nltk.word_tokenize of a post-processed line, joined by spaces.
std::string nltk_retokenize(const std::string& postprocessed);

// The lines each GenerationEval metric reads: post-processed (BLEU) and then nltk-retokenised
// (TER, METEOR), references in `reference_slots` slots.
struct GenerationEvalLines {
  std::vector<std::string> hypotheses;
  std::vector<std::vector<std::string>> references;
  std::vector<std::string> hypotheses_tokens;
  std::vector<std::vector<std::string>> references_tokens;
};
// InputError when the counts differ or there is no hypothesis.
GenerationEvalLines generation_eval_lines(const std::vector<std::string>& hypotheses,
                                          const std::vector<std::vector<std::string>>& references,
                                          size_t reference_slots = 6);

// Raw hypotheses and references (any number per input, at least one).
GenerationEvalScores generation_eval_scores(const std::vector<std::string>& hypotheses,
                                            const std::vector<std::vector<std::string>>& references,
                                            size_t reference_slots = 6);

}  // namespace adamix::metrics::nlg
