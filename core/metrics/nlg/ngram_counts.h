#pragma once
// n-gram counting shared by the BLEU and NIST ports.
#include <map>
#include <string>
#include <vector>

namespace adamix::metrics::nlg {

using Ngram = std::vector<std::string>;
using NgramCounts = std::map<Ngram, long long>;

// Counts of the n-grams of one token sequence (none when it is shorter than n).
NgramCounts count_ngrams(const std::vector<std::string>& tokens, size_t n);

// Per n-gram, the maximum count over the sentences (pymteval get_ngram_counts).
NgramCounts max_ngram_counts(const std::vector<std::vector<std::string>>& sentences, size_t n);

// Python str.lower() of every token.
std::vector<std::string> lower_tokens(const std::vector<std::string>& tokens);

}  // namespace adamix::metrics::nlg
