#pragma once
// The mteval-v13a "basic" tokenisation as e2e-metrics' metrics/pymteval.py (NGramScore.tokenize)
// and Moses' multi-bleu-detok.perl (sub tokenization) implement it: unescape &quot; &amp; &lt;
// &gt;, split ASCII punctuation, split '.' and ',' unless next to a digit, split '-' after a
// digit, collapse whitespace. Case is kept.
//
//   auto tokens = adamix::metrics::nlg::mteval_tokenize("£20-25, fine.");  // £ 20 - 25 , fine .
#include <string>
#include <vector>

namespace adamix::metrics::nlg {

enum class MtevalFlavour {
  Python,  // pymteval: Unicode \s, then str.split(' '): an empty text gives one empty token
  Perl,    // multi-bleu-detok.perl: byte semantics (ASCII \s), split: empty text, no token
};

std::vector<std::string> mteval_tokenize(const std::string& text,
                                         MtevalFlavour flavour = MtevalFlavour::Python);

}  // namespace adamix::metrics::nlg
