#pragma once
// Corpus BLEU-4 in the two reference flavours. Both take raw text and tokenise it themselves
// with mteval_tokenize; references[i] holds every reference of hypotheses[i] (at least one).
//
//   double b = adamix::metrics::nlg::e2e_bleu({"a cat sat ."}, {{"a cat sat .", "the cat"}});
#include <string>
#include <vector>

namespace adamix::metrics::nlg {

// e2e-metrics measure_scores.py -p (metrics/pymteval.py BLEUScore): lowercased, Python mteval
// tokenisation (an empty output counts as one token), clipped counts against the per-n-gram
// maximum over references, candidate totals sum len-n+1 unclamped, closest reference length
// (ties to the shorter), BP when c <= r, floors 1e-15 (hits) and 1e-9 (totals). Usually in
// [0, 1]; like the reference it exceeds 1 when outputs shorter than 4 tokens make a total <= 0.
double e2e_bleu(const std::vector<std::string>& hypotheses,
                const std::vector<std::vector<std::string>>& references);

// WebNLG GenerationEval's BLEU: Moses multi-bleu-detok.perl, case-sensitive, on 0-100 (the
// reference prints it rounded to 2 decimals). A precision of 0 gives 0. Returns 0 where the
// Perl script prints 0 (no reference words) or dies (no hypothesis words).
double multi_bleu_detok(const std::vector<std::string>& hypotheses,
                        const std::vector<std::vector<std::string>>& references);

}  // namespace adamix::metrics::nlg
