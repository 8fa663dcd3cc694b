// Meteor's aligner (edu.cmu.meteor.aligner.Aligner and its matchers), kept faithful to the
// Java program, quirks included, because the chosen alignment decides chunks and per-stage
// counts:
//  - words are compared by Java String.hashCode, as Stage.wordsToKeys does;
//  - every stage matches all word pairs (earlier stages do not remove words); a reference word
//    with exactly one candidate match whose words no other match covers is fixed up front;
//  - the beam search ranks partial alignments by int counters that Java updates with
//    `int += double`: a stem or synonym match adds (int)(n + 0.5) = n, i.e. nothing, under the
//    search weights 1 / 0.5 / 0.5 / 0.5 that MeteorScorer installs;
//  - when a path branches on a match, the match distance is added to the parent path (which
//    then continues as the "skip" branch and seeds later branches), not to the new path;
//  - Collections.sort is stable, hence std::stable_sort.
#include <libstemmer.h>
#include <utf8proc.h>
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <unordered_set>

#include "core/error.h"
#include "core/metrics/nlg/meteor.h"

namespace adamix::metrics::nlg {
namespace {

constexpr int kExact = 0;
constexpr int kStem = 1;
constexpr int kSynonym = 2;
constexpr int kParaphrase = 3;

// Java String.hashCode over the UTF-16 encoding of a UTF-8 word.
int32_t java_hash(const std::string& word) {
  uint32_t h = 0;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(word.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(word.size());
  while (left > 0) {
    utf8proc_int32_t c = 0;
    utf8proc_ssize_t n = utf8proc_iterate(p, left, &c);
    if (n <= 0) {
      c = 0xFFFD;
      n = 1;
    }
    if (c >= 0x10000) {
      h = 31 * h + static_cast<uint32_t>(0xD800 + ((c - 0x10000) >> 10));
      h = 31 * h + static_cast<uint32_t>(0xDC00 + ((c - 0x10000) & 0x3FF));
    } else {
      h = 31 * h + static_cast<uint32_t>(c);
    }
    p += n;
    left -= n;
  }
  return static_cast<int32_t>(h);
}

// english.words, Meteor's function-word list (one entry per line, UTF-8).
const std::unordered_set<std::string>& function_words() {
  static const std::unordered_set<std::string> words = {
      "the",  ",",      ".",     "to",   "of",     "and",   "a",      "in",     "that",  "for",
      "\"",   "is",     "on",    "'s",   "it",     "with",  "was",    "as",     "said",  "at",
      "he",   "by",     "be",    "from", "have",   "has",   "are",    "his",    "but",   "an",
      "this", "not",    "i",     "will", "\u2019", "they",  ")",      "-rrb-",  "(",     "-lrb-",
      "who",  "their",  "had",   "we",   "which",  "were",  "been",   "more",   "or",    "s",
      "its",  "would",  "about", "new",  "one",    "after", "you",    ":",      "also",  "up",
      "when", "there",  "than",  "$",    "all",    "out",   "her",    "people", "she",   "year",
      "two",  "-",      "can",   "if",   "last",   "first", "\u201c", "over",   "other", "\u201d",
      "into", "some",   "what",  "so",   "--",     "no",    "time",   "years",  "could", "?",
      "'t",   "\u2014", "'"};
  return words;
}

// Aligner checks functionWords.contains(word.toLowerCase()); normalised words are already
// lower case, and for raw words ASCII folding is what can reach this list.
bool is_function_word(const std::string& word) {
  std::string lower = word;
  for (char& c : lower)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return function_words().count(lower) != 0;
}

class SnowballEnglish {
 public:
  SnowballEnglish() : stemmer_(sb_stemmer_new("english", "UTF_8"), &sb_stemmer_delete) {
    if (!stemmer_) throw IoError("meteor: libstemmer has no English stemmer");
  }
  std::string stem(const std::string& word) {
    const sb_symbol* out =
        sb_stemmer_stem(stemmer_.get(), reinterpret_cast<const sb_symbol*>(word.data()),
                        static_cast<int>(word.size()));
    if (out == nullptr) throw IoError("meteor: libstemmer out of memory");
    return std::string(reinterpret_cast<const char*>(out),
                       static_cast<size_t>(sb_stemmer_length(stemmer_.get())));
  }

 private:
  std::unique_ptr<sb_stemmer, void (*)(sb_stemmer*)> stemmer_;
};

struct Match {
  int start = 0;         // reference (line2) start
  int length = 0;        // reference words
  int match_start = 0;   // hypothesis (line1) start
  int match_length = 0;  // hypothesis words
  int module = 0;
};

// Stage: candidate matches per reference index plus coverage counts.
struct Stage {
  std::vector<std::vector<Match>> matches;
  std::vector<int> coverage1;
  std::vector<int> coverage2;

  void add(const Match& m) {
    matches[static_cast<size_t>(m.start)].push_back(m);
    for (int k = 0; k < m.match_length; ++k) ++coverage1[static_cast<size_t>(m.match_start + k)];
    for (int k = 0; k < m.length; ++k) ++coverage2[static_cast<size_t>(m.start + k)];
  }
};

bool intersects(const std::vector<int>& a, const std::vector<int>& b) {
  size_t i = 0;
  size_t j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) return true;
    if (a[i] < b[j])
      ++i;
    else
      ++j;
  }
  return false;
}

// PartialAlignment.
struct Path {
  std::vector<const Match*> matches;  // [reference words], match starting there or null
  int matches1 = 0;                   // weighted (int-truncated) match counts used for ranking
  int matches2 = 0;
  int chunks = 0;
  int idx = 0;
  int last_match_end = -1;
  int distance = 0;
  std::vector<char> used1;
  std::vector<char> used2;

  bool is_used(const Match& m) const {
    for (int i = 0; i < m.length; ++i)
      if (used2[static_cast<size_t>(m.start + i)]) return true;
    for (int i = 0; i < m.match_length; ++i)
      if (used1[static_cast<size_t>(m.match_start + i)]) return true;
    return false;
  }
  void set_used(const Match& m) {
    for (int i = 0; i < m.length; ++i) used2[static_cast<size_t>(m.start + i)] = 1;
    for (int i = 0; i < m.match_length; ++i) used1[static_cast<size_t>(m.match_start + i)] = 1;
  }
};

// Constants.PARTIAL_COMPARE_TOTAL: more weighted matches, then fewer chunks, then distance.
bool path_before(const Path& x, const Path& y) {
  int match_diff = (y.matches1 + y.matches2) - (x.matches1 + x.matches2);
  if (match_diff != 0) return match_diff < 0;
  if (x.chunks != y.chunks) return x.chunks < y.chunks;
  return x.distance < y.distance;
}

// Java's `int += double`: the sum truncated toward zero.
int add_weighted(int counter, int words, double weight) {
  return static_cast<int>(counter + words * weight);
}

// Aligner.resolve: left-to-right beam search over reference positions.
Path resolve(const Stage& s, Path start, const std::vector<double>& weights, int beam_size) {
  const int n = static_cast<int>(s.matches.size());
  std::vector<Path> next;
  next.push_back(std::move(start));
  for (int current = 0; current <= n; ++current) {
    std::vector<Path> paths = std::move(next);
    next.clear();
    std::stable_sort(paths.begin(), paths.end(), path_before);
    const int ranks = std::min(beam_size, static_cast<int>(paths.size()));
    for (int rank = 0; rank < ranks; ++rank) {
      Path& path = paths[static_cast<size_t>(rank)];
      if (current == n) {  // complete: close the last chunk
        if (path.last_match_end != -1) ++path.chunks;
        next.push_back(std::move(path));
        continue;
      }
      if (path.used2[static_cast<size_t>(current)]) {
        if (current < path.idx) {  // inside a multi-word match
          next.push_back(std::move(path));
        } else if (path.matches[static_cast<size_t>(path.idx)] != nullptr) {  // fixed match
          const Match& m = *path.matches[static_cast<size_t>(path.idx)];
          path.matches1 = add_weighted(path.matches1, m.match_length, weights[m.module]);
          path.matches2 = add_weighted(path.matches2, m.length, weights[m.module]);
          if (path.last_match_end != -1 && m.match_start != path.last_match_end) ++path.chunks;
          path.idx = m.start + m.length;
          path.last_match_end = m.match_start + m.match_length;
          path.distance += std::abs(m.start - m.match_start);
          next.push_back(std::move(path));
        }
        continue;
      }
      for (const Match& m : s.matches[static_cast<size_t>(current)]) {
        if (path.is_used(m)) continue;
        Path branch = path;
        branch.set_used(m);
        branch.matches[static_cast<size_t>(current)] = &m;
        branch.matches1 = add_weighted(branch.matches1, m.match_length, weights[m.module]);
        branch.matches2 = add_weighted(branch.matches2, m.length, weights[m.module]);
        if (branch.last_match_end != -1 && m.match_start != branch.last_match_end) ++branch.chunks;
        branch.idx = m.start + m.length;
        branch.last_match_end = m.match_start + m.match_length;
        path.distance += std::abs(m.start - m.match_start);  // sic: the parent path
        next.push_back(std::move(branch));
      }
      // Skip this reference word.
      if (path.last_match_end != -1) {
        ++path.chunks;
        path.last_match_end = -1;
      }
      ++path.idx;
      next.push_back(std::move(path));
    }
    if (next.empty()) next.push_back(paths.front());  // Meteor's "unexpected conditions"
  }
  std::stable_sort(next.begin(), next.end(), path_before);
  return std::move(next.front());
}

}  // namespace

MeteorStats meteor_align(const std::vector<std::string>& hypothesis,
                         const std::vector<std::string>& reference, const MeteorWordNet& wordnet,
                         const MeteorParaphraser* paraphraser, int beam_size) {
  const size_t n1 = hypothesis.size();
  const size_t n2 = reference.size();
  std::vector<int32_t> keys1(n1);
  std::vector<int32_t> keys2(n2);
  for (size_t i = 0; i < n1; ++i) keys1[i] = java_hash(hypothesis[i]);
  for (size_t j = 0; j < n2; ++j) keys2[j] = java_hash(reference[j]);

  Stage s;
  s.matches.resize(n2);
  s.coverage1.assign(n1, 0);
  s.coverage2.assign(n2, 0);
  auto add_pair = [&](size_t i, size_t j, int module) {
    s.add(Match{static_cast<int>(j), 1, static_cast<int>(i), 1, module});
  };

  // Identical lines need only exact matches ("prevents beam search errors").
  const bool identical = keys1 == keys2;
  // ExactMatcher.
  for (size_t j = 0; j < n2; ++j)
    for (size_t i = 0; i < n1; ++i)
      if (keys1[i] == keys2[j]) add_pair(i, j, kExact);
  if (!identical) {
    // StemMatcher: different words, same Snowball stem.
    SnowballEnglish stemmer;
    std::vector<int32_t> stems1(n1);
    std::vector<int32_t> stems2(n2);
    for (size_t i = 0; i < n1; ++i) stems1[i] = java_hash(stemmer.stem(hypothesis[i]));
    for (size_t j = 0; j < n2; ++j) stems2[j] = java_hash(stemmer.stem(reference[j]));
    for (size_t j = 0; j < n2; ++j)
      for (size_t i = 0; i < n1; ++i)
        if (stems1[i] == stems2[j] && keys1[i] != keys2[j]) add_pair(i, j, kStem);
    // SynonymMatcher: different words sharing a synset of the word or of its base form.
    auto sets_of = [&](const std::string& word) {
      std::vector<int> sets = wordnet.synsets(word);
      std::vector<int> stem_sets = wordnet.stem_synsets(word);
      sets.insert(sets.end(), stem_sets.begin(), stem_sets.end());
      std::sort(sets.begin(), sets.end());
      sets.erase(std::unique(sets.begin(), sets.end()), sets.end());
      return sets;
    };
    std::vector<std::vector<int>> syn1(n1);
    std::vector<std::vector<int>> syn2(n2);
    for (size_t i = 0; i < n1; ++i) syn1[i] = sets_of(hypothesis[i]);
    for (size_t j = 0; j < n2; ++j) syn2[j] = sets_of(reference[j]);
    for (size_t j = 0; j < n2; ++j)
      for (size_t i = 0; i < n1; ++i)
        if (keys1[i] != keys2[j] && intersects(syn1[i], syn2[j])) add_pair(i, j, kSynonym);
    // ParaphraseMatcher, through the hook.
    if (paraphraser != nullptr) {
      for (const MeteorPhraseMatch& p : paraphraser->match(hypothesis, reference)) {
        if (p.reference_length < 1 || p.hypothesis_length < 1 || p.reference_start < 0 ||
            p.hypothesis_start < 0 ||
            static_cast<size_t>(p.reference_start + p.reference_length) > n2 ||
            static_cast<size_t>(p.hypothesis_start + p.hypothesis_length) > n1)
          throw InputError("meteor: paraphrase match out of range (reference " +
                           std::to_string(p.reference_start) + "+" +
                           std::to_string(p.reference_length) + ", hypothesis " +
                           std::to_string(p.hypothesis_start) + "+" +
                           std::to_string(p.hypothesis_length) + ")");
        s.add(Match{p.reference_start, p.reference_length, p.hypothesis_start, p.hypothesis_length,
                    kParaphrase});
      }
    }
  }

  // Search weights installed by MeteorScorer: exact 1, every other module 0.5.
  const std::vector<double> search_weights = {1.0, 0.5, 0.5, 0.5};

  Path start;
  start.matches.assign(n2, nullptr);
  start.used1.assign(n1, 0);
  start.used2.assign(n2, 0);
  // One-to-one, non-overlapping matches are definite.
  for (size_t j = 0; j < n2; ++j) {
    if (s.matches[j].size() != 1) continue;
    const Match& m = s.matches[j][0];
    bool overlap = false;
    for (int k = 0; k < m.length; ++k) overlap |= s.coverage2[j + static_cast<size_t>(k)] != 1;
    for (int k = 0; k < m.match_length; ++k)
      overlap |= s.coverage1[static_cast<size_t>(m.match_start + k)] != 1;
    if (!overlap) {
      start.matches[j] = &m;
      start.set_used(m);
    }
  }
  const Path best = resolve(s, std::move(start), search_weights, beam_size);

  MeteorStats stats;
  stats.test_length = static_cast<double>(n1);
  stats.reference_length = static_cast<double>(n2);
  std::vector<char> function1(n1);
  std::vector<char> function2(n2);
  for (size_t i = 0; i < n1; ++i) function1[i] = is_function_word(hypothesis[i]);
  for (size_t j = 0; j < n2; ++j) function2[j] = is_function_word(reference[j]);
  for (char f : function1) stats.test_function_words += f;
  for (char f : function2) stats.reference_function_words += f;

  // Per-module counts by word type.
  for (const Match* m : best.matches) {
    if (m == nullptr) continue;
    for (int k = 0; k < m->match_length; ++k) {
      bool f = function1[static_cast<size_t>(m->match_start + k)];
      (f ? stats.test_function : stats.test_content)[static_cast<size_t>(m->module)] += 1;
      stats.test_word_matches += 1;
    }
    for (int k = 0; k < m->length; ++k) {
      bool f = function2[static_cast<size_t>(m->start + k)];
      auto& counts = f ? stats.reference_function : stats.reference_content;
      counts[static_cast<size_t>(m->module)] += 1;
      stats.reference_word_matches += 1;
    }
  }
  // Aligner.getCountAndChunks.
  int chunks = 0;
  int last_match_end = -1;
  size_t idx = 0;
  while (idx < n2) {
    const Match* m = best.matches[idx];
    if (m == nullptr) {
      if (last_match_end != -1) {
        ++chunks;
        last_match_end = -1;
      }
      ++idx;
      continue;
    }
    if (last_match_end != -1 && m->match_start != last_match_end) ++chunks;
    idx = static_cast<size_t>(m->start + m->length);
    last_match_end = m->match_start + m->match_length;
  }
  if (last_match_end != -1) ++chunks;
  stats.chunks = chunks;
  return stats;
}

}  // namespace adamix::metrics::nlg
