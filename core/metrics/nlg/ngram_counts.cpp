#include "core/metrics/nlg/ngram_counts.h"

#include <algorithm>

#include "core/metrics/nlg/unicode_text.h"

namespace adamix::metrics::nlg {

NgramCounts count_ngrams(const std::vector<std::string>& tokens, size_t n) {
  NgramCounts counts;
  for (size_t i = 0; i + n <= tokens.size(); ++i) {
    ++counts[Ngram(tokens.begin() + static_cast<std::ptrdiff_t>(i),
                   tokens.begin() + static_cast<std::ptrdiff_t>(i + n))];
  }
  return counts;
}

NgramCounts max_ngram_counts(const std::vector<std::vector<std::string>>& sentences, size_t n) {
  NgramCounts merged;
  for (const auto& sentence : sentences) {
    for (const auto& [ngram, count] : count_ngrams(sentence, n)) {
      long long& slot = merged[ngram];
      slot = std::max(slot, count);
    }
  }
  return merged;
}

std::vector<std::string> lower_tokens(const std::vector<std::string>& tokens) {
  std::vector<std::string> out;
  out.reserve(tokens.size());
  for (const auto& token : tokens) out.push_back(python_lower(token));
  return out;
}

}  // namespace adamix::metrics::nlg
