#include "core/data/tokenized_split.h"

#include <algorithm>
#include <atomic>
#include <limits>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "core/error.h"

namespace adamix::data {

std::vector<int64_t> TokenizedSplit::lengths() const {
  std::vector<int64_t> result(static_cast<size_t>(size()));
  for (int64_t i = 0; i < size(); ++i) result[i] = length(i);
  return result;
}

int64_t TokenizedSplit::longest() const {
  int64_t longest = 0;
  for (int64_t i = 0; i < size(); ++i) longest = std::max(longest, length(i));
  return longest;
}

TokenizedSplit tokenize_split(const text::Tokenizer& tokenizer, const Split& split,
                              int64_t max_length, bool pair) {
  const size_t n = split.examples.size();
  std::vector<text::Encoding> encodings(n);
  // Each failing example records its message; the first in file order is reported, so the
  // error does not depend on thread timing.
  std::vector<std::string> errors(n);
  std::atomic<bool> failed{false};
  tbb::parallel_for(tbb::blocked_range<size_t>(0, n, 64), [&](const tbb::blocked_range<size_t>& r) {
    for (size_t i = r.begin(); i != r.end(); ++i) {
      const Example& example = split.examples[i];
      const std::string_view b = example.text_b;
      try {
        encodings[i] = tokenizer.encode(example.text_a, pair ? &b : nullptr, max_length);
      } catch (const Error& e) {
        errors[i] = e.what();
        failed = true;
      }
    }
  });
  if (failed) {
    for (size_t i = 0; i < n; ++i) {
      if (errors[i].empty()) continue;
      throw InputError(split.file.string() + ":" + std::to_string(split.examples[i].line) + " (" +
                       split.name + " example " + std::to_string(i) +
                       "): cannot tokenize: " + errors[i]);
    }
  }

  TokenizedSplit out;
  out.name = split.name;
  out.pad_id = tokenizer.pad_id();
  out.offsets.resize(n + 1);
  for (size_t i = 0; i < n; ++i) {
    out.offsets[i + 1] = out.offsets[i] + static_cast<int64_t>(encodings[i].ids.size());
  }
  out.ids.resize(static_cast<size_t>(out.offsets[n]));
  out.type_ids.resize(out.ids.size());
  out.labels.resize(n);
  out.scores.resize(n);
  tbb::parallel_for(tbb::blocked_range<size_t>(0, n, 256),
                    [&](const tbb::blocked_range<size_t>& r) {
                      for (size_t i = r.begin(); i != r.end(); ++i) {
                        std::copy(encodings[i].ids.begin(), encodings[i].ids.end(),
                                  out.ids.begin() + out.offsets[i]);
                        std::copy(encodings[i].type_ids.begin(), encodings[i].type_ids.end(),
                                  out.type_ids.begin() + out.offsets[i]);
                        out.labels[i] = split.examples[i].label;
                        out.scores[i] = split.examples[i].score;
                      }
                    });
  return out;
}

}  // namespace adamix::data
