#include "core/tokenizers/bpe_trainer.h"

#include <algorithm>
#include <map>
#include <random>

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/tokenizers/unicode_text.h"

namespace adamix::text {
namespace {

using Words = std::vector<std::pair<std::u32string, int64_t>>;

// The HF course's BPE example: hug x10, pug x5, pun x12, bun x4, hugs x5.
const Words kHugs = {{U"hug", 10}, {U"pug", 5}, {U"pun", 12}, {U"bun", 4}, {U"hugs", 5}};

std::vector<std::string> merge_strings(const MergeTrainingResult& r) {
  std::vector<std::string> out;
  for (const auto& [a, b] : r.merges) {
    out.push_back(r.tokens[static_cast<size_t>(a)] + " " + r.tokens[static_cast<size_t>(b)]);
  }
  return out;
}

TEST(BpeTrainer, HugCorpusByHand) {
  MergeTrainingOptions options;
  options.vocab_size = 100;
  options.special_tokens = {"<unk>"};
  const MergeTrainingResult r = train_bpe_merges(kHugs, options);
  // Counts: u g 20, u n 16, h ug 15, p un 12, then p ug 5 ties hug s 5: HF takes the pair with
  // the smaller ids, and "p" (an alphabet id) precedes "hug" (a merge's id) although "hug" <
  // "p" as strings. b un 4 last.
  EXPECT_EQ(merge_strings(r),
            (std::vector<std::string>{"u g", "u n", "h ug", "p un", "p ug", "hug s", "b un"}));
  EXPECT_EQ(r.tokens, (std::vector<std::string>{"<unk>", "b", "g", "h", "n", "p", "s", "u", "ug",
                                                "un", "hug", "pun", "pug", "hugs", "bun"}));
}

TEST(BpeTrainer, StopsAtVocabSizeOrMinFrequency) {
  MergeTrainingOptions options;
  options.vocab_size = 10;  // 7 characters + 3 merges
  EXPECT_EQ(merge_strings(train_bpe_merges(kHugs, options)),
            (std::vector<std::string>{"u g", "u n", "h ug"}));
  options.vocab_size = 100;
  options.min_frequency = 5;  // b un (4) is never merged
  EXPECT_EQ(train_bpe_merges(kHugs, options).merges.size(), 6u);
  options.vocab_size = 7;  // the alphabet alone fits: no merge
  EXPECT_TRUE(train_bpe_merges(kHugs, options).merges.empty());
}

TEST(BpeTrainer, ContinuationPrefixAsWordPieceTrainer) {
  MergeTrainingOptions options;
  options.vocab_size = 100;
  options.continuing_subword_prefix = "##";
  const MergeTrainingResult r = train_bpe_merges(kHugs, options);
  EXPECT_EQ(r.tokens,
            (std::vector<std::string>{"b", "g", "h", "n", "p", "s", "u", "##g", "##n", "##s", "##u",
                                      "##ug", "##un", "hug", "pun", "pug", "hugs", "bun"}));
}

TEST(BpeTrainer, LimitAlphabetDropsTheRarestCharacters) {
  MergeTrainingOptions options;
  options.vocab_size = 100;
  options.limit_alphabet = 5;       // u 36, g 20, p 17, n 16, h 15, s 5, b 4: drop b, s, h
  options.initial_alphabet = U"z";  // kept although unseen, and it takes a slot
  const MergeTrainingResult r = train_bpe_merges(kHugs, options);
  EXPECT_EQ(std::vector<std::string>(r.tokens.begin(), r.tokens.begin() + 5),
            (std::vector<std::string>{"g", "n", "p", "u", "z"}));
  // "hug" lost its h, "bun" its b: their other characters still merge.
  EXPECT_EQ(merge_strings(r), (std::vector<std::string>{"u g", "u n", "p un", "p ug"}));
}

TEST(BpeTrainer, BadOptionsAndEmptyCorpus) {
  MergeTrainingOptions options;
  options.vocab_size = 6;
  options.special_tokens = {"[PAD]"};
  try {
    train_bpe_merges(kHugs, options);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("vocab_size 6 is smaller than the 8 tokens"),
              std::string::npos)
        << e.what();
  }
  options.vocab_size = 100;
  EXPECT_THROW(train_bpe_merges({}, options), ConfigError);
  EXPECT_THROW(train_bpe_merges({{U"", 3}}, options), ConfigError);
  options.min_frequency = -1;
  EXPECT_THROW(train_bpe_merges(kHugs, options), ConfigError);
}

// Reference: recounts every pair after each merge (HF's counting: overlapping windows) and takes
// the highest count, then the smallest (first id, second id). Stops before the first merge
// whose token already exists, where HF's incremental queue stops being a plain greedy BPE.
struct Reference {
  std::vector<std::string> tokens;
  bool reused = false;
};

Reference reference_bpe(const Words& words, const MergeTrainingOptions& options) {
  Reference ref;
  std::map<std::string, int> ids;
  auto add = [&](const std::string& t) {
    if (ids.emplace(t, static_cast<int>(ref.tokens.size())).second) ref.tokens.push_back(t);
  };
  std::u32string alphabet;
  for (const auto& w : words) alphabet += w.first;
  std::sort(alphabet.begin(), alphabet.end());
  alphabet.erase(std::unique(alphabet.begin(), alphabet.end()), alphabet.end());
  for (char32_t c : alphabet) add(code_points_to_utf8(std::u32string(1, c)));
  const std::string& prefix = options.continuing_subword_prefix;
  std::u32string inner;
  for (const auto& w : words) inner += w.first.substr(std::min<size_t>(1, w.first.size()));
  std::sort(inner.begin(), inner.end());
  inner.erase(std::unique(inner.begin(), inner.end()), inner.end());
  if (!prefix.empty()) {
    for (char32_t c : inner) add(prefix + code_points_to_utf8(std::u32string(1, c)));
  }
  std::vector<std::vector<int>> syms;
  for (const auto& w : words) {
    syms.emplace_back();
    for (size_t i = 0; i < w.first.size(); ++i) {
      syms.back().push_back(
          ids.at((i > 0 ? prefix : "") + code_points_to_utf8(std::u32string(1, w.first[i]))));
    }
  }
  while (static_cast<int64_t>(ref.tokens.size()) < options.vocab_size) {
    std::map<std::pair<int, int>, int64_t> counts;
    for (size_t w = 0; w < syms.size(); ++w) {
      for (size_t i = 0; i + 1 < syms[w].size(); ++i) {
        counts[{syms[w][i], syms[w][i + 1]}] += words[w].second;
      }
    }
    auto best = counts.end();
    for (auto it = counts.begin(); it != counts.end(); ++it) {
      if (best == counts.end() || it->second > best->second) best = it;
    }
    if (best == counts.end() || best->second < std::max<int64_t>(1, options.min_frequency)) break;
    const auto [a, b] = best->first;
    std::string tail = ref.tokens[static_cast<size_t>(b)];
    if (!prefix.empty() && tail.rfind(prefix, 0) == 0) tail = tail.substr(prefix.size());
    const std::string merged = ref.tokens[static_cast<size_t>(a)] + tail;
    if (ids.count(merged)) {
      ref.reused = true;
      break;
    }
    add(merged);
    const int m = ids.at(merged);
    for (auto& s : syms) {
      std::vector<int> out;
      for (size_t i = 0; i < s.size();) {
        if (i + 1 < s.size() && s[i] == a && s[i + 1] == b) {
          out.push_back(m);
          i += 2;
        } else {
          out.push_back(s[i++]);
        }
      }
      s = out;
    }
  }
  return ref;
}

TEST(BpeTrainer, IncrementalCountsAgreeWithFullRecounts) {
  std::mt19937 rng(7);
  int compared_in_full = 0;
  for (int trial = 0; trial < 300; ++trial) {
    Words words;
    std::map<std::u32string, int64_t> distinct;
    const int letters = 2 + trial % 4;
    for (int w = 0; w < 12; ++w) {
      std::u32string word;
      const int len = 1 + static_cast<int>(rng() % 9);
      for (int i = 0; i < len; ++i) word.push_back(U'a' + static_cast<char32_t>(rng() % letters));
      distinct[word] += 1 + static_cast<int64_t>(rng() % 6);
    }
    words.assign(distinct.begin(), distinct.end());
    MergeTrainingOptions options;
    options.vocab_size = 8 + trial % 40;
    options.min_frequency = trial % 3;
    if (trial % 2) options.continuing_subword_prefix = "##";
    const Reference ref = reference_bpe(words, options);
    const MergeTrainingResult got = train_bpe_merges(words, options);
    ASSERT_LE(ref.tokens.size(), got.tokens.size()) << "trial " << trial;
    EXPECT_EQ(std::vector<std::string>(got.tokens.begin(), got.tokens.begin() + ref.tokens.size()),
              ref.tokens)
        << "trial " << trial;
    if (!ref.reused) {
      EXPECT_EQ(got.tokens, ref.tokens) << "trial " << trial;
      ++compared_in_full;
    }
  }
  EXPECT_GT(compared_in_full, 100);
}

}  // namespace
}  // namespace adamix::text
