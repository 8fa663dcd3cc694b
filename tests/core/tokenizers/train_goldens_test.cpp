// The trainers against vocabularies trained by Hugging Face's Rust `tokenizers` itself, from
// tests/fixtures/tokenizers/make_training_goldens.mjs (which states the settings).
#include <map>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/tokenizers/bpe_trainer.h"
#include "core/tokenizers/train_bpe.h"
#include "core/tokenizers/unicode_text.h"
#include "core/tokenizers/wordpiece.h"
#include "tokenizer_test_helpers.h"

namespace adamix::text {
namespace {

using Strings = std::vector<std::string>;

const nlohmann::json& goldens() {
  static const nlohmann::json doc = nlohmann::json::parse(
      testing::read_file(testing::fixtures_dir() / "tokenizers" / "training_goldens.json"));
  return doc;
}

// The corpus as HF's train(files) reads it: every line with its "\n".
Strings corpus_lines() {
  const std::string text =
      testing::read_file(testing::fixtures_dir() / "tokenizers" / "training_corpus.txt");
  Strings lines;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    end = end == std::string::npos ? text.size() : end + 1;
    lines.push_back(text.substr(start, end - start));
    start = end;
  }
  return lines;
}

bool is_one_character(const std::string& token) { return utf8_to_code_points(token).size() == 1; }

TEST(TrainingGoldens, ByteBpeMergesAreHuggingFaces) {
  BpeTrainingOptions options;
  options.vocab_size = 100000;  // as HF's 30000 here: the corpus runs out of pairs first
  options.min_frequency = 0;
  const ByteBpeVocabulary trained = learn_byte_bpe(corpus_lines(), options);
  Strings merges;
  for (const auto& [first, second] : trained.merges) merges.push_back(first + " " + second);
  const Strings expected_merges = goldens().at("byte_bpe").at("merges").get<Strings>();
  ASSERT_EQ(merges.size(), expected_merges.size());
  for (size_t i = 0; i < merges.size(); ++i) ASSERT_EQ(merges[i], expected_merges[i]) << i;

  // HF's alphabet is the byte symbols seen, ours <|endoftext|> and all 256; the merged tokens
  // after the alphabets come in the same order.
  const Strings hf_vocab = goldens().at("byte_bpe").at("vocab").get<Strings>();
  size_t hf_alphabet = 0;
  while (hf_alphabet < hf_vocab.size() && is_one_character(hf_vocab[hf_alphabet])) ++hf_alphabet;
  EXPECT_EQ(Strings(trained.tokens.begin() + 257, trained.tokens.end()),
            Strings(hf_vocab.begin() + static_cast<std::ptrdiff_t>(hf_alphabet), hf_vocab.end()));
}

TEST(TrainingGoldens, WordPieceVocabularyIsHuggingFacesGivenItsContinuationOrder) {
  std::map<std::u32string, int64_t> counts;
  for (const auto& line : corpus_lines()) {
    for (auto& word : WordPieceTokenizer::basic_words(line, WordPieceOptions{})) ++counts[word];
  }
  const Strings hf_vocab = goldens().at("wordpiece").at("vocab").get<Strings>();
  MergeTrainingOptions options;
  options.vocab_size = 30000;
  options.min_frequency = 0;
  options.continuing_subword_prefix = "##";
  // HF's "##" characters follow its alphabet in the order of that run's hash map.
  size_t i = 0;
  while (i < hf_vocab.size() && is_one_character(hf_vocab[i])) ++i;
  for (; i < hf_vocab.size() && hf_vocab[i].rfind("##", 0) == 0; ++i) {
    const std::u32string rest = utf8_to_code_points(hf_vocab[i].substr(2));
    if (rest.size() != 1) break;
    options.continuation_order += rest;
  }
  ASSERT_GT(options.continuation_order.size(), 20u);
  const MergeTrainingResult trained = train_bpe_merges(
      std::vector<std::pair<std::u32string, int64_t>>(counts.begin(), counts.end()), options);
  ASSERT_EQ(trained.tokens.size(), hf_vocab.size());
  for (size_t t = 0; t < hf_vocab.size(); ++t) ASSERT_EQ(trained.tokens[t], hf_vocab[t]) << t;
}

}  // namespace
}  // namespace adamix::text
