#include "core/tokenizers/bpe_trainer.h"

#include <algorithm>
#include <limits>
#include <set>
#include <string_view>
#include <unordered_map>

#include "core/error.h"
#include "core/tokenizers/unicode_text.h"

namespace adamix::text {
namespace {

// (first id, second id) with the first in the high half, so keys order as the pairs do.
using Pair = uint64_t;

Pair pair_key(uint32_t first, uint32_t second) { return (uint64_t{first} << 32) | second; }
uint32_t first_of(Pair p) { return static_cast<uint32_t>(p >> 32); }
uint32_t second_of(Pair p) { return static_cast<uint32_t>(p & 0xFFFFFFFFu); }

std::string utf8_of(char32_t cp) {
  std::string s;
  append_utf8(s, cp);
  return s;
}

struct Vocabulary {
  std::vector<std::string> tokens;
  std::unordered_map<std::string, uint32_t> ids;

  bool contains(const std::string& token) const { return ids.count(token) > 0; }
  // The id of `token`, appended when new (HF reuses the id of a token built twice).
  uint32_t add(const std::string& token) {
    auto [it, inserted] = ids.emplace(token, static_cast<uint32_t>(tokens.size()));
    if (inserted) tokens.push_back(token);
    return it->second;
  }
};

// HF's Merge in the trainer's queue: a pair, its count when queued, and the words to merge it
// in (sorted word indices).
struct Candidate {
  int64_t count = 0;
  Pair pair = 0;
  std::vector<uint32_t> pos;
};

// Max-heap order of HF's Merge::cmp: the higher count first, then the smaller pair.
struct CandidateLess {
  bool operator()(const Candidate& x, const Candidate& y) const {
    if (x.count != y.count) return x.count < y.count;
    return x.pair > y.pair;
  }
};

using WordSites = std::unordered_map<Pair, std::vector<uint32_t>>;

void add_site(WordSites& sites, Pair pair, uint32_t word) {
  std::vector<uint32_t>& pos = sites[pair];
  if (pos.empty() || pos.back() != word) pos.push_back(word);  // words arrive in order
}

// Queues each pair of `sites` whose count is positive, in pair order (HF drains a hash map, in
// no fixed order; only entries equal in count and pair could tell the difference).
void queue_sites(WordSites& sites, const std::unordered_map<Pair, int64_t>& pair_counts,
                 std::vector<Candidate>& queue) {
  std::vector<Pair> pairs;
  pairs.reserve(sites.size());
  for (const auto& entry : sites) pairs.push_back(entry.first);
  std::sort(pairs.begin(), pairs.end());
  for (Pair pair : pairs) {
    const int64_t count = pair_counts.at(pair);
    if (count <= 0) continue;
    queue.push_back(Candidate{count, pair, std::move(sites[pair])});
    std::push_heap(queue.begin(), queue.end(), CandidateLess{});
  }
  sites.clear();
}

// HF Word::merge: replaces each (first, second) left to right without overlap and reports the
// neighbouring pairs that disappear (-1) and appear (+1); the merged pair itself is not
// reported, so its count goes stale (HF never decrements it either).
void merge_word(std::vector<uint32_t>& word, uint32_t first, uint32_t second, uint32_t merged,
                std::vector<std::pair<Pair, int>>& changes) {
  const size_t n = word.size();
  size_t out = 0;  // symbols [0, out) are final; out <= i, so word[i + 2] is still unread
  for (size_t i = 0; i < n;) {
    if (word[i] == first && i + 1 < n && word[i + 1] == second) {
      if (out > 0) {
        changes.emplace_back(pair_key(word[out - 1], first), -1);
        changes.emplace_back(pair_key(word[out - 1], merged), 1);
      }
      if (i + 2 < n) {
        changes.emplace_back(pair_key(second, word[i + 2]), -1);
        changes.emplace_back(pair_key(merged, word[i + 2]), 1);
      }
      word[out++] = merged;
      i += 2;
    } else {
      word[out++] = word[i++];
    }
  }
  word.resize(out);
}

void check_options(const MergeTrainingOptions& options) {
  if (options.vocab_size < 1) {
    throw ConfigError("vocab_size must be positive, got " + std::to_string(options.vocab_size));
  }
  if (options.min_frequency < 0) {
    throw ConfigError("min_frequency must not be negative, got " +
                      std::to_string(options.min_frequency));
  }
  if (options.limit_alphabet && *options.limit_alphabet < 0) {
    throw ConfigError("limit_alphabet must not be negative, got " +
                      std::to_string(*options.limit_alphabet));
  }
  for (const auto& token : options.special_tokens) {
    if (token.empty()) throw ConfigError("a special token is the empty string");
  }
}

// HF compute_alphabet: every character weighted by its words' counts, the initial alphabet
// counted as infinite; limit_alphabet drops the rarest. HF breaks ties in the drop by hash
// order; here the larger code point goes first. Returns how many characters were added.
size_t add_alphabet(const std::vector<std::pair<std::u32string, int64_t>>& words,
                    const MergeTrainingOptions& options, Vocabulary& vocab) {
  std::unordered_map<char32_t, uint64_t> counts;
  for (const auto& [word, count] : words) {
    for (char32_t cp : word) counts[cp] += static_cast<uint64_t>(count);
  }
  for (char32_t cp : options.initial_alphabet) counts[cp] = std::numeric_limits<uint64_t>::max();
  std::vector<std::pair<char32_t, uint64_t>> kept(counts.begin(), counts.end());
  const size_t limit = options.limit_alphabet ? static_cast<size_t>(*options.limit_alphabet)
                                              : std::numeric_limits<size_t>::max();
  if (kept.size() > limit) {
    std::sort(kept.begin(), kept.end(), [](const auto& x, const auto& y) {
      return x.second != y.second ? x.second < y.second : x.first > y.first;
    });
    kept.erase(kept.begin(), kept.begin() + static_cast<std::ptrdiff_t>(kept.size() - limit));
  }
  std::sort(kept.begin(), kept.end());
  const size_t before = vocab.tokens.size();
  for (const auto& entry : kept) vocab.add(utf8_of(entry.first));
  return vocab.tokens.size() - before;
}

// HF tokenize_words: each word as symbol ids; characters outside the vocabulary are dropped,
// and those after the word's first character carry the continuation prefix. HF numbers the
// prefixed characters in the order its hash map yields the words; here continuation_order,
// then code points.
std::vector<std::vector<uint32_t>> split_words(
    const std::vector<std::pair<std::u32string, int64_t>>& words,
    const MergeTrainingOptions& options, Vocabulary& vocab, size_t& prefixed_added) {
  const std::string& prefix = options.continuing_subword_prefix;
  std::unordered_map<char32_t, bool> known;  // is the character a token?
  auto is_known = [&](char32_t cp) {
    auto it = known.find(cp);
    if (it == known.end()) it = known.emplace(cp, vocab.contains(utf8_of(cp))).first;
    return it->second;
  };
  const size_t before = vocab.tokens.size();
  if (!prefix.empty()) {
    std::set<char32_t> continued;
    for (const auto& entry : words) {
      const std::u32string& word = entry.first;
      for (size_t i = 1; i < word.size(); ++i) {
        if (is_known(word[i])) continued.insert(word[i]);
      }
    }
    for (char32_t cp : options.continuation_order) {
      if (continued.count(cp)) vocab.add(prefix + utf8_of(cp));
    }
    for (char32_t cp : continued) vocab.add(prefix + utf8_of(cp));
  }
  prefixed_added = vocab.tokens.size() - before;

  std::vector<std::vector<uint32_t>> out;
  out.reserve(words.size());
  for (const auto& entry : words) {
    const std::u32string& word = entry.first;
    std::vector<uint32_t> symbols;
    symbols.reserve(word.size());
    for (size_t i = 0; i < word.size(); ++i) {
      if (!is_known(word[i])) continue;
      const std::string s = (i > 0 ? prefix : std::string()) + utf8_of(word[i]);
      symbols.push_back(vocab.ids.at(s));
    }
    out.push_back(std::move(symbols));
  }
  return out;
}

}  // namespace

MergeTrainingResult train_bpe_merges(const std::vector<std::pair<std::u32string, int64_t>>& words,
                                     const MergeTrainingOptions& options) {
  check_options(options);
  int64_t total_chars = 0;
  for (const auto& entry : words) total_chars += static_cast<int64_t>(entry.first.size());
  if (total_chars == 0) {
    throw ConfigError("the training corpus is empty: it holds no word to learn from");
  }

  // 1-3. Special tokens, the alphabet, the words as symbol ids.
  Vocabulary vocab;
  for (const auto& token : options.special_tokens) vocab.add(token);
  const size_t num_special = vocab.tokens.size();
  const size_t num_alphabet = add_alphabet(words, options, vocab);
  size_t num_prefixed = 0;
  std::vector<std::vector<uint32_t>> symbols = split_words(words, options, vocab, num_prefixed);
  if (static_cast<int64_t>(vocab.tokens.size()) > options.vocab_size) {
    std::string parts = std::to_string(num_special) + " special tokens and " +
                        std::to_string(num_alphabet) + " characters";
    if (num_prefixed > 0) {
      parts += " plus " + std::to_string(num_prefixed) + " of them with the '" +
               options.continuing_subword_prefix + "' prefix";
    }
    throw ConfigError("vocab_size " + std::to_string(options.vocab_size) + " is smaller than the " +
                      std::to_string(vocab.tokens.size()) +
                      " tokens every vocabulary of this corpus starts with (" + parts + ")");
  }

  // 4. Count the pairs; remember the words each one occurs in.
  std::unordered_map<Pair, int64_t> pair_counts;
  WordSites sites;
  for (size_t w = 0; w < symbols.size(); ++w) {
    const auto& word = symbols[w];
    for (size_t i = 0; i + 1 < word.size(); ++i) {
      const Pair pair = pair_key(word[i], word[i + 1]);
      pair_counts[pair] += words[w].second;
      add_site(sites, pair, static_cast<uint32_t>(w));
    }
  }
  std::vector<Candidate> queue;
  queue_sites(sites, pair_counts, queue);

  // 5. Merge the best pair until the vocabulary is full. A queued count that went stale is
  // refreshed and queued again (HF's lazy update), so pops follow the live counts.
  std::vector<std::pair<Pair, uint32_t>> merges;
  std::vector<std::pair<Pair, int>> changes;
  while (static_cast<int64_t>(vocab.tokens.size()) < options.vocab_size && !queue.empty()) {
    std::pop_heap(queue.begin(), queue.end(), CandidateLess{});
    Candidate top = std::move(queue.back());
    queue.pop_back();
    const int64_t live = pair_counts.at(top.pair);
    if (top.count != live) {
      top.count = live;
      queue.push_back(std::move(top));
      std::push_heap(queue.begin(), queue.end(), CandidateLess{});
      continue;
    }
    if (top.count < 1 || options.min_frequency > top.count) break;

    const uint32_t first = first_of(top.pair);
    const uint32_t second = second_of(top.pair);
    std::string_view tail = vocab.tokens[second];
    const std::string& prefix = options.continuing_subword_prefix;
    if (!prefix.empty() && tail.substr(0, prefix.size()) == prefix) {
      tail.remove_prefix(prefix.size());  // "##u" + "##g" -> "##ug", "h" + "##ug" -> "hug"
    }
    const uint32_t merged = vocab.add(vocab.tokens[first] + std::string(tail));
    merges.emplace_back(top.pair, merged);

    // Only the words queued with this entry are merged, as in HF.
    for (uint32_t w : top.pos) {
      changes.clear();
      merge_word(symbols[w], first, second, merged, changes);
      for (const auto& [pair, change] : changes) {
        pair_counts[pair] += change * words[w].second;
        if (change > 0) add_site(sites, pair, w);
      }
    }
    queue_sites(sites, pair_counts, queue);
  }

  MergeTrainingResult result;
  result.tokens = std::move(vocab.tokens);
  std::unordered_map<Pair, size_t> last_rank;
  for (size_t r = 0; r < merges.size(); ++r) last_rank[merges[r].first] = r;
  for (size_t r = 0; r < merges.size(); ++r) {
    if (last_rank.at(merges[r].first) != r) continue;
    result.merges.emplace_back(first_of(merges[r].first), second_of(merges[r].first));
  }
  return result;
}

}  // namespace adamix::text
