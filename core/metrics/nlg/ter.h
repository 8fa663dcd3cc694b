#pragma once
// TER as WebNLG GenerationEval computes it with pyter (pyter3 0.3): greedy shifts (each step
// takes the shift that lowers the word edit distance most; ties go to the lexicographically
// largest shifted sentence, as Python's sort of (gain, words) tuples does), then
// (shifts + edit distance) / reference length. Inputs are whitespace-tokenised text, as
// GenerationEval passes hyp.split() and ref.split().
//
//   auto t = adamix::metrics::nlg::generation_eval_ter({"a b c"}, {{"a c b", "a b c d"}});
//   // t.mean == 0.25; t.reported == (0.25 + 1) / 2
#include <string>
#include <vector>

namespace adamix::metrics::nlg {

// pyter.ter(hyp, ref). InputError on an empty reference (pyter divides by zero).
double pyter_ter(const std::vector<std::string>& hypothesis,
                 const std::vector<std::string>& reference);

struct TerScores {
  double mean = 0.0;      // mean over segments of the minimum TER over references
  double reported = 0.0;  // GenerationEval's printed value: a trailing empty line scores 1,
                          // so (sum + 1) / (N + 1)
};

// Per segment the minimum over its references (an empty reference scores 1, as in
// GenerationEval's ter_score), then the mean over segments.
TerScores generation_eval_ter(const std::vector<std::string>& hypotheses,
                              const std::vector<std::vector<std::string>>& references);

}  // namespace adamix::metrics::nlg
