#include "core/tokenizers/train_bpe.h"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <unordered_map>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/tokenizers/tokenizer.h"
#include "core/tokenizers/unicode_text.h"
#include "tokenizer_test_helpers.h"

namespace adamix::text {
namespace {

namespace fs = std::filesystem;

// The HF course's BPE example, one word a line: hug x10, pug x5, pun x12, bun x4, hugs x5.
std::vector<std::string> hug_lines() {
  std::vector<std::string> lines;
  for (const auto& [word, n] : std::vector<std::pair<std::string, int>>{
           {"hug", 10}, {"pug", 5}, {"pun", 12}, {"bun", 4}, {"hugs", 5}}) {
    lines.insert(lines.end(), static_cast<size_t>(n), word);
  }
  return lines;
}

// Ids back to text through vocab.json and the inverse of GPT-2's bytes_to_unicode.
class Decoder {
 public:
  explicit Decoder(const fs::path& dir) {
    const auto vocab = nlohmann::json::parse(testing::read_file(dir / "vocab.json"));
    for (const auto& [token, id] : vocab.items()) tokens_[id.get<int64_t>()] = token;
    const auto& symbols = ByteBpeTokenizer::byte_symbols();
    for (int b = 0; b < 256; ++b) bytes_[symbols[static_cast<size_t>(b)]] = static_cast<char>(b);
  }
  std::string decode(const std::vector<int64_t>& ids) const {
    std::string out;
    for (int64_t id : ids) {
      for (char32_t cp : utf8_to_code_points(tokens_.at(id))) out.push_back(bytes_.at(cp));
    }
    return out;
  }

 private:
  std::unordered_map<int64_t, std::string> tokens_;
  std::unordered_map<char32_t, char> bytes_;
};

TEST(TrainByteBpe, HugCorpusFilesAsHuggingFaceWritesThem) {
  const auto dir = testing::fresh_dir("train_bpe_hugs");
  BpeTrainingOptions options;
  options.vocab_size = 1000;
  train_byte_bpe(hug_lines(), options, dir);
  // Counts u g 20, u n 16, h ug 15, p un 12; p ug and hug s tie at 5 and HF takes the smaller
  // ids: "p" (a byte symbol) before "hug" (a merge). b un 4.
  EXPECT_EQ(testing::read_file(dir / "merges.txt"),
            "#version: 0.2\nu g\nu n\nh ug\np un\np ug\nhug s\nb un\n");
  // <|endoftext|>, the 256 byte symbols by code point (printable ones first, U+0100.. last),
  // then the merges: 264 tokens, short of vocab_size because no pair is left.
  const std::string vocab = testing::read_file(dir / "vocab.json");
  EXPECT_EQ(vocab.rfind(R"({"<|endoftext|>":0,"!":1,"\"":2,"#":3,)", 0), 0u) << vocab.substr(0, 60);
  EXPECT_NE(vocab.find(R"("ÿ":188,"Ā":189,)"), std::string::npos);
  EXPECT_NE(vocab.find(
                R"("Ń":256,"ug":257,"un":258,"hug":259,"pun":260,"pug":261,"hugs":262,"bun":263})"),
            std::string::npos);

  const auto tok = load_tokenizer(dir);
  ASSERT_NE(dynamic_cast<ByteBpeTokenizer*>(tok.get()), nullptr);
  EXPECT_EQ(dynamic_cast<ByteBpeTokenizer*>(tok.get())->templates(), BpeTemplate::Gpt2);
  EXPECT_EQ(tok->vocab_size(), 264);
  EXPECT_EQ(tok->pad_id(), 0);  // GPT-2's end-of-text stands in for padding
  EXPECT_EQ(tok->encode_text("hugs"), std::vector<int64_t>{262});
  EXPECT_EQ(tok->encode_text("hug pug"), (std::vector<int64_t>{259, 221, 261}));  // 221: Ġ
}

TEST(TrainByteBpe, MinFrequencyAndVocabSizeStopTheMerges) {
  BpeTrainingOptions options;
  options.vocab_size = 1000;
  options.min_frequency = 5;  // b un (4) is not merged
  EXPECT_EQ(learn_byte_bpe(hug_lines(), options).merges.size(), 6u);
  options.min_frequency = 2;
  options.vocab_size = 260;  // <|endoftext|> + 256 + 3 merges
  const ByteBpeVocabulary v = learn_byte_bpe(hug_lines(), options);
  EXPECT_EQ(v.tokens.size(), 260u);
  EXPECT_EQ(v.merges, (std::vector<ByteBpeTokenizer::Merge>{{"u", "g"}, {"u", "n"}, {"h", "ug"}}));
}

TEST(TrainByteBpe, TrainedFilesRoundTripExactly) {
  const auto dir = testing::fresh_dir("train_bpe_round_trip");
  const std::vector<std::string> lines = testing::synthetic_corpus(200000, 1);
  BpeTrainingOptions options;
  options.vocab_size = 1200;
  train_byte_bpe(lines, options, dir);
  const auto tok = load_tokenizer(dir);
  EXPECT_EQ(tok->vocab_size(), 1200);  // exactly: the corpus has pairs to spare
  const auto vocab = nlohmann::json::parse(testing::read_file(dir / "vocab.json"));
  EXPECT_EQ(vocab.size(), 1200u);
  const std::string merges = testing::read_file(dir / "merges.txt");
  EXPECT_EQ(std::count(merges.begin(), merges.end(), '\n'), 1 + 1200 - 257);

  const Decoder decoder(dir);
  size_t ids = 0, bytes = 0;
  for (const auto& line : lines) {
    const std::vector<int64_t> encoded = tok->encode_text(line);
    ASSERT_EQ(decoder.decode(encoded), line);
    ids += encoded.size();
    bytes += line.size();
  }
  EXPECT_LT(ids * 3, bytes);  // the merges compress the corpus they came from
  for (const std::string& text :
       std::vector<std::string>{"Unseen \u00c5ngstr\u00f6m\n\tline  \x01 \xf0\x9f\xa4\x97 ok",
                                std::string("nul\0byte", 8), std::string("")}) {
    EXPECT_EQ(decoder.decode(tok->encode_text(text)), text);
  }
}

TEST(TrainByteBpe, RobertaSpecialTokensComeFirst) {
  const auto dir = testing::fresh_dir("train_bpe_roberta");
  BpeTrainingOptions options;
  options.vocab_size = 300;
  options.templates = BpeTemplate::Roberta;
  train_byte_bpe(testing::synthetic_corpus(20000, 2), options, dir);
  const auto vocab = nlohmann::json::parse(testing::read_file(dir / "vocab.json"));
  EXPECT_EQ(vocab.at("<s>"), 0);
  EXPECT_EQ(vocab.at("<pad>"), 1);
  EXPECT_EQ(vocab.at("</s>"), 2);
  EXPECT_EQ(vocab.at("<unk>"), 3);
  EXPECT_EQ(vocab.at("<mask>"), 4);
  EXPECT_EQ(vocab.at("!"), 5);
  const auto config = nlohmann::json::parse(testing::read_file(dir / "tokenizer_config.json"));
  EXPECT_EQ(config.at("tokenizer_class"), "RobertaTokenizer");
  const auto tok = load_tokenizer(dir);
  EXPECT_EQ(dynamic_cast<ByteBpeTokenizer*>(tok.get())->templates(), BpeTemplate::Roberta);
  EXPECT_EQ(tok->encode("").ids, (std::vector<int64_t>{0, 2}));
  EXPECT_EQ(tok->pad_id(), 1);
  EXPECT_EQ(tok->vocab_size(), 300);
}

TEST(TrainByteBpe, SameInputSameBytes) {
  std::vector<std::string> lines = testing::synthetic_corpus(50000, 3);
  BpeTrainingOptions options;
  options.vocab_size = 700;
  const auto a = testing::fresh_dir("train_bpe_det_a");
  const auto b = testing::fresh_dir("train_bpe_det_b");
  train_byte_bpe(lines, options, a);
  std::reverse(lines.begin(), lines.end());  // only the word counts matter
  train_byte_bpe(lines, options, b);
  for (const char* name : {"vocab.json", "merges.txt", "tokenizer_config.json"}) {
    EXPECT_EQ(testing::read_file(a / name), testing::read_file(b / name)) << name;
  }
}

TEST(TrainByteBpe, BadOptionsAndCorpora) {
  BpeTrainingOptions options;
  options.vocab_size = 256;
  testing::expect_error_naming<ConfigError>([&] { learn_byte_bpe(hug_lines(), options); },
                                            "vocab_size 256 is smaller than the 257 tokens");
  options.vocab_size = 1000;
  testing::expect_error_naming<ConfigError>([&] { learn_byte_bpe({}, options); }, "empty");
  testing::expect_error_naming<ConfigError>([&] { learn_byte_bpe({"", ""}, options); }, "empty");
  testing::expect_error_naming<InputError>(
      [&] {
        learn_byte_bpe({"ok", "bad \xff"}, options);
      },
      "training text 2");
  options.templates = BpeTemplate::Roberta;
  options.special_tokens = {"<s>", "<pad>"};
  testing::expect_error_naming<ConfigError>([&] { learn_byte_bpe(hug_lines(), options); },
                                            "'</s>'");
  options.special_tokens = {};
  options.min_frequency = -1;
  testing::expect_error_naming<ConfigError>([&] { learn_byte_bpe(hug_lines(), options); },
                                            "min_frequency");
}

TEST(TrainByteBpe, TwoMegabytesInAFewSeconds) {
  const std::vector<std::string> lines = testing::synthetic_corpus(2000000, 4);
  BpeTrainingOptions options;
  options.vocab_size = 4000;
  const auto start = std::chrono::steady_clock::now();
  const ByteBpeVocabulary v = learn_byte_bpe(lines, options);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(v.tokens.size(), 4000u);
  RecordProperty("seconds", std::to_string(seconds));
  std::cout << "2 MB to 4000 byte-level BPE tokens: " << seconds << " s\n";
}

}  // namespace
}  // namespace adamix::text
