// METEOR scoring: MeteorScorer.getMeteorStats / computeMetrics and MeteorStats.addStats of
// Meteor 1.5, plus the corpus loop of its plaintext and stdio (EVAL) modes.
#include "core/metrics/nlg/meteor.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/error.h"

namespace adamix::metrics::nlg {
namespace {

// Alignment.tokenize: java.util.StringTokenizer with its default delimiters.
std::vector<std::string> tokenize(const std::string& line) {
  std::vector<std::string> words;
  size_t i = 0;
  auto delim = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; };
  while (i < line.size()) {
    while (i < line.size() && delim(line[i])) ++i;
    size_t j = i;
    while (j < line.size() && !delim(line[j])) ++j;
    if (j > i) words.push_back(line.substr(i, j - i));
    i = j;
  }
  return words;
}

double total_matches(const std::array<double, kMeteorStages>& content,
                     const std::array<double, kMeteorStages>& function) {
  double sum = 0;
  for (int i = 0; i < kMeteorStages; ++i) sum += content[i] + function[i];
  return sum;
}

// Java's Double.toString for the integral counts Meteor prints ("15.0").
std::string java_double(double v) {
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e7)
    std::snprintf(buf, sizeof buf, "%.1f", v);
  else
    std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

void MeteorStats::add(const MeteorStats& other) {
  test_length += other.test_length;
  reference_length += other.reference_length;
  test_function_words += other.test_function_words;
  reference_function_words += other.reference_function_words;
  for (int i = 0; i < kMeteorStages; ++i) {
    test_content[i] += other.test_content[i];
    reference_content[i] += other.reference_content[i];
    test_function[i] += other.test_function[i];
    reference_function[i] += other.reference_function[i];
  }
  // A segment identical to its reference (all words matched, one chunk) adds no chunks.
  const bool exact =
      total_matches(other.test_content, other.test_function) == other.test_length &&
      total_matches(other.reference_content, other.reference_function) == other.reference_length &&
      other.chunks == 1.0;
  if (!exact) chunks += other.chunks;
  test_word_matches += other.test_word_matches;
  reference_word_matches += other.reference_word_matches;
}

std::string MeteorStats::to_string() const {
  std::string out = java_double(test_length) + " " + java_double(reference_length) + " " +
                    java_double(test_function_words) + " " + java_double(reference_function_words);
  for (int i = 0; i < kMeteorStages; ++i)
    out += " " + java_double(test_content[i]) + " " + java_double(reference_content[i]) + " " +
           java_double(test_function[i]) + " " + java_double(reference_function[i]);
  out += " " + java_double(chunks) + " " + java_double(test_word_matches) + " " +
         java_double(reference_word_matches);
  return out;
}

MeteorScorer::MeteorScorer(const MeteorOptions& options) : options_(options) {
  if (options_.beam_size < 1)
    throw InputError("meteor: beam_size must be >= 1, got " + std::to_string(options_.beam_size));
  wordnet_ = MeteorWordNet::load(options_.wordnet_dir);
}

void MeteorScorer::compute(MeteorStats& stats) const {
  const double alpha = options_.alpha;
  const double beta = options_.beta;
  const double gamma = options_.gamma;
  const double delta = options_.delta;
  // One weight per module in use; the paraphrase stage is empty without a paraphraser.
  const std::array<double, kMeteorStages> weights = {
      options_.weight_exact, options_.weight_stem, options_.weight_synonym,
      options_.paraphraser ? options_.weight_paraphrase : 0.0};

  const double test_weighted_length = (delta * (stats.test_length - stats.test_function_words)) +
                                      ((1.0 - delta) * stats.test_function_words);
  const double reference_weighted_length =
      (delta * (stats.reference_length - stats.reference_function_words)) +
      ((1.0 - delta) * stats.reference_function_words);
  double test_weighted_matches = 0;
  double reference_weighted_matches = 0;
  for (int i = 0; i < kMeteorStages; ++i)
    test_weighted_matches += stats.test_content[i] * weights[i] * delta;
  for (int i = 0; i < kMeteorStages; ++i)
    reference_weighted_matches += stats.reference_content[i] * weights[i] * delta;
  for (int i = 0; i < kMeteorStages; ++i)
    test_weighted_matches += stats.test_function[i] * weights[i] * (1.0 - delta);
  for (int i = 0; i < kMeteorStages; ++i)
    reference_weighted_matches += stats.reference_function[i] * weights[i] * (1.0 - delta);

  stats.precision = test_weighted_matches / test_weighted_length;
  stats.recall = reference_weighted_matches / reference_weighted_length;
  stats.f_mean = 1.0 / (((1.0 - alpha) / stats.precision) + (alpha / stats.recall));
  double frag = 0;
  const bool exact =
      total_matches(stats.test_content, stats.test_function) == stats.test_length &&
      total_matches(stats.reference_content, stats.reference_function) == stats.reference_length &&
      stats.chunks == 1;
  if (!exact) frag = stats.chunks / ((stats.test_word_matches + stats.reference_word_matches) / 2);
  stats.frag_penalty = gamma * std::pow(frag, beta);
  const double score = stats.f_mean * (1.0 - stats.frag_penalty);
  // Division by zero (empty lines, no matches) gives NaN, which Meteor reports as 0.
  stats.score = std::isnan(score) ? 0.0 : std::max(score, 0.0);
}

MeteorStats MeteorScorer::segment(const std::string& hypothesis,
                                  const std::vector<std::string>& references) const {
  if (references.empty()) throw InputError("meteor: a hypothesis needs at least one reference");
  auto words = [&](const std::string& line) {
    return tokenize(options_.normalize ? meteor_normalize(line) : line);
  };
  const std::vector<std::string> test = words(hypothesis);
  MeteorStats best;
  best.score = -1;
  for (const std::string& reference : references) {
    MeteorStats stats = meteor_align(test, words(reference), *wordnet_, options_.paraphraser.get(),
                                     options_.beam_size);
    compute(stats);
    if (stats.score > best.score) best = stats;  // the first of equal scores wins
  }
  return best;
}

MeteorResult meteor_evaluate(const std::vector<std::string>& hypotheses,
                             const std::vector<std::vector<std::string>>& references,
                             const MeteorOptions& options) {
  if (hypotheses.size() != references.size())
    throw InputError("meteor: " + std::to_string(hypotheses.size()) + " hypotheses but " +
                     std::to_string(references.size()) + " reference lists");
  for (size_t i = 0; i < references.size(); ++i)
    if (references[i].empty())
      throw InputError("meteor: hypothesis " + std::to_string(i) + " has no references");
  const MeteorScorer scorer(options);
  MeteorResult result;
  result.segment_scores.reserve(hypotheses.size());
  for (size_t i = 0; i < hypotheses.size(); ++i) {
    const MeteorStats stats = scorer.segment(hypotheses[i], references[i]);
    result.segment_scores.push_back(stats.score);
    result.total.add(stats);
  }
  scorer.compute(result.total);
  result.score = result.total.score;
  return result;
}

double meteor(const std::vector<std::string>& hypotheses,
              const std::vector<std::vector<std::string>>& references,
              const MeteorOptions& options) {
  return meteor_evaluate(hypotheses, references, options).score;
}

}  // namespace adamix::metrics::nlg
