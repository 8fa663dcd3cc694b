// core/train/lm_masking; kept beside the LM heads so it builds into core_models_test.
#include "core/train/lm_masking.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "core/error.h"

namespace adamix::train {
namespace {

constexpr int64_t kVocab = 1000;
constexpr int64_t kMask = 3;

// 100 rows × 1000 tokens: [CLS]=1 first, [SEP]=2 and then padding 0 over the last 50.
torch::Tensor corpus() {
  auto gen = at::detail::createCPUGenerator(11);
  auto ids = torch::randint(5, kVocab, {100, 1000}, gen, torch::kLong);
  ids.select(1, 0).fill_(1);
  ids.select(1, 949).fill_(2);
  ids.narrow(1, 950, 50).fill_(0);
  return ids;
}

TEST(LmMasking, StatisticsMatchDataCollatorForLanguageModeling) {
  const auto ids = corpus();
  const auto special = special_tokens_mask(ids, {0, 1, 2});
  auto gen = at::detail::createCPUGenerator(42);
  const auto out = mask_tokens(ids, special, kMask, kVocab, 0.15, gen);

  const auto chosen = out.labels.ne(-100);
  EXPECT_FALSE((chosen & special).any().item<bool>());  // specials and padding never chosen
  EXPECT_TRUE(out.labels.masked_select(chosen).equal(ids.masked_select(chosen)));
  EXPECT_TRUE(out.input_ids.masked_select(chosen.logical_not())
                  .equal(ids.masked_select(chosen.logical_not())));

  const double eligible = special.logical_not().sum().item<double>();
  const double n_chosen = chosen.sum().item<double>();
  EXPECT_NEAR(n_chosen / eligible, 0.15, 0.005);
  const auto new_ids = out.input_ids.masked_select(chosen);
  const auto old_ids = ids.masked_select(chosen);
  const double masked = new_ids.eq(kMask).sum().item<double>();
  const double kept = new_ids.eq(old_ids).sum().item<double>();
  const double random = n_chosen - masked - kept;
  EXPECT_NEAR(masked / n_chosen, 0.8, 0.01);
  EXPECT_NEAR(random / n_chosen, 0.1, 0.01);
  EXPECT_NEAR(kept / n_chosen, 0.1, 0.01);
}

TEST(LmMasking, SameGeneratorStateSameResult) {
  const auto ids = corpus();
  const auto special = special_tokens_mask(ids, {0, 1, 2});
  auto a = at::detail::createCPUGenerator(7);
  auto b = at::detail::createCPUGenerator(7);
  auto c = at::detail::createCPUGenerator(8);
  const auto x = mask_tokens(ids, special, kMask, kVocab, 0.15, a);
  const auto y = mask_tokens(ids, special, kMask, kVocab, 0.15, b);
  const auto z = mask_tokens(ids, special, kMask, kVocab, 0.15, c);
  EXPECT_TRUE(x.input_ids.equal(y.input_ids));
  EXPECT_TRUE(x.labels.equal(y.labels));
  EXPECT_FALSE(x.labels.equal(z.labels));
  // The generator advanced: a second call differs.
  EXPECT_FALSE(mask_tokens(ids, special, kMask, kVocab, 0.15, a).labels.equal(x.labels));
}

TEST(LmMasking, RejectsBadArguments) {
  const auto ids = torch::ones({2, 4}, torch::kLong);
  const auto special = torch::zeros({2, 4}, torch::kBool);
  auto gen = at::detail::createCPUGenerator(1);
  EXPECT_THROW(mask_tokens(ids, special, kMask, kVocab, 1.5, gen), ConfigError);
  EXPECT_THROW(mask_tokens(ids, special, kVocab, kVocab, 0.15, gen), ConfigError);
  EXPECT_THROW(mask_tokens(ids, torch::zeros({2, 3}, torch::kBool), kMask, kVocab, 0.15, gen),
               InputError);
  EXPECT_THROW(mask_tokens(ids.to(torch::kFloat), special, kMask, kVocab, 0.15, gen), InputError);
}

TEST(LmMasking, ContinuationPiecesForWordPieceAndByteBpe) {
  const auto wordpiece = continuation_pieces({"[CLS]", "the", "##s", "#x"}, false);
  EXPECT_TRUE(wordpiece.equal(torch::tensor({false, false, true, false})));
  const auto bpe = continuation_pieces({"\xC4\xA0"
                                        "the",
                                        "s",
                                        "\xC4\xA0"
                                        "cat",
                                        ","},
                                       true);
  EXPECT_TRUE(bpe.equal(torch::tensor({false, true, false, true})));
}

TEST(LmMasking, WholeWordsAreChosenTogether) {
  // 0 [PAD], 1 [CLS], 2 [SEP], 3 [MASK]; word starts 4, 6, 9; continuations 5, 7, 8.
  const std::vector<std::string> vocab = {"[PAD]", "[CLS]", "[SEP]", "[MASK]", "the",
                                          "##s",   "cat",   "##ty",  "##ies",  "dog"};
  const auto continuation = continuation_pieces(vocab, false);
  std::mt19937 rng(3);
  const int64_t n = 200, t = 400;
  auto ids = torch::zeros({n, t}, torch::kLong);
  auto word = torch::full({n, t}, -1, torch::kLong);  // word index per piece, -1 for specials
  auto a = ids.accessor<int64_t, 2>();
  auto w = word.accessor<int64_t, 2>();
  int64_t words = 0;
  for (int64_t i = 0; i < n; ++i) {
    a[i][0] = 1;
    int64_t j = 1;
    while (j + 3 < t - 20) {  // the last 20 or so stay padding
      a[i][j] = std::vector<int64_t>{4, 6, 9}[rng() % 3];
      w[i][j++] = words;
      for (unsigned k = rng() % 3; k > 0; --k, ++j) {
        a[i][j] = 5 + static_cast<int64_t>(rng() % 3 == 0 ? 0 : 2 + rng() % 2);
        w[i][j] = words;
      }
      ++words;
    }
    a[i][j] = 2;
  }
  const auto special = special_tokens_mask(ids, {0, 1, 2});
  auto gen = at::detail::createCPUGenerator(9);
  const auto out = mask_whole_words(ids, special, continuation, 3, 10, 0.15, gen);
  const auto chosen = out.labels.ne(-100);
  EXPECT_FALSE((chosen & special).any().item<bool>());
  EXPECT_TRUE(out.labels.masked_select(chosen).equal(ids.masked_select(chosen)));

  // Per word: every piece chosen or none.
  auto per_word = torch::zeros({words}, torch::kLong);
  auto pieces = torch::zeros({words}, torch::kLong);
  const auto real = word.ge(0);
  per_word.index_add_(0, word.masked_select(real), chosen.masked_select(real).to(torch::kLong));
  pieces.index_add_(0, word.masked_select(real), torch::ones_like(word.masked_select(real)));
  EXPECT_TRUE((per_word.eq(0) | per_word.eq(pieces)).all().item<bool>());
  const double word_rate = per_word.gt(0).sum().item<double>() / static_cast<double>(words);
  EXPECT_NEAR(word_rate, 0.15, 0.01);
  const double masked = out.input_ids.masked_select(chosen).eq(3).sum().item<double>();
  EXPECT_NEAR(masked / chosen.sum().item<double>(), 0.8, 0.015);
  EXPECT_THROW(mask_whole_words(ids, special, continuation.narrow(0, 0, 9), 3, 10, 0.15, gen),
               InputError);
}

}  // namespace
}  // namespace adamix::train
