#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/tokenizers/byte_bpe.h"
#include "core/tokenizers/tokenizer.h"
#include "core/tokenizers/wordpiece.h"
#include "tokenizer_test_helpers.h"

namespace adamix::text {
namespace {

namespace fs = std::filesystem;

TEST(LoadTokenizer, PicksTheKindFromTheFiles) {
  EXPECT_NE(dynamic_cast<WordPieceTokenizer*>(load_tokenizer(testing::bert_uncased_dir()).get()),
            nullptr);
  const auto gpt = load_tokenizer(testing::gpt2_dir());
  ASSERT_NE(dynamic_cast<ByteBpeTokenizer*>(gpt.get()), nullptr);
  EXPECT_EQ(dynamic_cast<ByteBpeTokenizer*>(gpt.get())->templates(), BpeTemplate::Gpt2);
  const auto roberta = load_tokenizer(testing::roberta_from_gpt2_dir());
  EXPECT_EQ(dynamic_cast<ByteBpeTokenizer*>(roberta.get())->templates(), BpeTemplate::Roberta);
}

TEST(LoadTokenizer, RobertaFromTokenizerClass) {
  const auto dir = testing::fresh_dir("roberta_by_class");
  copy_tokenizer_files(testing::roberta_from_gpt2_dir(), dir);  // no config.json
  EXPECT_EQ(load_tokenizer(dir)->encode("").ids, std::vector<int64_t>{});
  testing::write_file(
      dir / "tokenizer_config.json",
      R"({"tokenizer_class": "RobertaTokenizer", "pad_token": {"content": "<pad>"}})");
  const auto tok = load_tokenizer(dir);
  EXPECT_EQ(tok->encode("").ids, (std::vector<int64_t>{0, 2}));
  EXPECT_EQ(tok->pad_id(), 1);
}

TEST(LoadTokenizer, AddPrefixSpaceFromTokenizerConfig) {
  const auto dir = testing::fresh_dir("add_prefix_space");
  copy_tokenizer_files(testing::gpt2_dir(), dir);
  testing::write_file(dir / "tokenizer_config.json", R"({"add_prefix_space": true})");
  // HF slow GPT2Tokenizer.prepare_for_tokenization: " " + text.
  EXPECT_EQ(load_tokenizer(dir)->encode_text("Hello world"), (std::vector<int64_t>{18435, 995}));
}

TEST(LoadTokenizer, WordPieceOptionsFromTokenizerConfig) {
  const auto dir = testing::fresh_dir("wordpiece_options");
  copy_tokenizer_files(testing::bert_uncased_dir(), dir);
  testing::write_file(dir / "tokenizer_config.json",
                      R"({"do_lower_case": false, "strip_accents": true})");
  const auto tok = load_tokenizer(dir);
  const auto& options = dynamic_cast<WordPieceTokenizer&>(*tok).options();
  EXPECT_FALSE(options.do_lower_case);
  EXPECT_EQ(options.strip_accents, std::optional<bool>(true));
  EXPECT_EQ(dynamic_cast<WordPieceTokenizer&>(*tok).basic_tokenize("Café"),
            std::vector<std::string>{"Cafe"});
  testing::write_file(dir / "tokenizer_config.json", R"({"do_lower_case": "yes"})");
  testing::expect_error_naming<ConfigError>([&] { load_tokenizer(dir); }, "do_lower_case");
  testing::write_file(dir / "tokenizer_config.json", "{not json");
  testing::expect_error_naming<IoError>([&] { load_tokenizer(dir); }, "tokenizer_config.json");
}

TEST(LoadTokenizer, MissingOrGarbledFilesAreIoErrorsNamingTheFile) {
  testing::expect_error_naming<IoError>([] { load_tokenizer("/nonexistent/model"); },
                                        "/nonexistent/model");
  const auto empty = testing::fresh_dir("no_tokenizer_files");
  testing::expect_error_naming<IoError>([&] { load_tokenizer(empty); }, "vocab.txt");

  const auto dir = testing::fresh_dir("missing_merges");
  testing::write_file(dir / "vocab.json", testing::read_file(testing::gpt2_dir() / "vocab.json"));
  testing::expect_error_naming<IoError>([&] { load_tokenizer(dir); }, "merges.txt");

  testing::write_file(dir / "merges.txt", "#version: 0.2\n");
  testing::write_file(dir / "vocab.json", "this is not JSON");
  testing::expect_error_naming<IoError>([&] { load_tokenizer(dir); },
                                        (dir / "vocab.json").string());
  testing::write_file(dir / "vocab.json", "[1, 2]");
  testing::expect_error_naming<IoError>([&] { load_tokenizer(dir); }, "vocab.json");

  testing::write_file(dir / "vocab.json", R"({"<|endoftext|>": 0})");
  testing::write_file(dir / "config.json", "{garbled");
  testing::expect_error_naming<IoError>([&] { load_tokenizer(dir); }, "config.json");

  const auto bert = testing::fresh_dir("bad_vocab_txt");
  testing::write_file(bert / "vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\n\xff\xfe\n");
  testing::expect_error_naming<IoError>([&] { load_tokenizer(bert); }, "vocab.txt line 5");
}

TEST(EncodeLines, KeepsOrderAndSplitsPairsAtTheFirstTab) {
  const auto tok = load_tokenizer(testing::bert_uncased_dir());
  std::vector<std::string> lines;
  for (int i = 0; i < 500; ++i) lines.push_back("line " + std::to_string(i));
  lines.push_back("first\tsecond\tthird");
  lines.push_back("");
  const auto out = encode_lines(*tok, lines);
  ASSERT_EQ(out.size(), lines.size());
  for (size_t i = 0; i < 500; ++i) EXPECT_EQ(out[i].ids, tok->encode(lines[i]).ids) << i;
  const std::string_view b = "second\tthird";
  EXPECT_EQ(out[500].ids, tok->encode("first", &b).ids);
  EXPECT_EQ(out[500].type_ids, tok->encode("first", &b).type_ids);
  EXPECT_EQ(out[500].type_ids.back(), 1);
  EXPECT_EQ(out[501].ids, (std::vector<int64_t>{101, 102}));

  const auto truncated = encode_lines(*tok, {"a b c d e f", "a b\tc d e f"}, 5);
  EXPECT_EQ(truncated[0].ids.size(), 5u);
  EXPECT_EQ(truncated[1].ids.size(), 5u);
}

TEST(EncodeLines, ErrorsNameTheLine) {
  const auto tok = load_tokenizer(testing::gpt2_dir());
  std::vector<std::string> lines(100, "fine");
  lines[41] = "bad \xc3";
  testing::expect_error_naming<InputError>([&] { encode_lines(*tok, lines); }, "line 42");
}

TEST(CopyTokenizerFiles, CopiesVocabularyAndConfigs) {
  const auto from = testing::fresh_dir("copy_from");
  copy_tokenizer_files(testing::gpt2_dir(), from);
  testing::write_file(from / "tokenizer_config.json", R"({"tokenizer_class": "GPT2Tokenizer"})");
  testing::write_file(from / "special_tokens_map.json", R"({"eos_token": "<|endoftext|>"})");
  testing::write_file(from / "model.safetensors", "not copied");
  const auto to = testing::fresh_dir("copy_to") / "nested";
  copy_tokenizer_files(from, to);
  for (const char* name :
       {"vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json"}) {
    EXPECT_EQ(testing::read_file(to / name), testing::read_file(from / name)) << name;
  }
  EXPECT_FALSE(fs::exists(to / "model.safetensors"));
  EXPECT_EQ(load_tokenizer(to)->encode_text("Hello world"),
            load_tokenizer(testing::gpt2_dir())->encode_text("Hello world"));
  testing::expect_error_naming<IoError>(
      [] { copy_tokenizer_files(testing::fresh_dir("copy_empty"), testing::fresh_dir("x")); },
      "copy_empty");
}

}  // namespace
}  // namespace adamix::text
