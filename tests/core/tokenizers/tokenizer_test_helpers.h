#pragma once
// Shared set-up of the tokenizer tests: fixture paths and throw-away model directories.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace adamix::text::testing {

std::filesystem::path fixtures_dir();
// A fresh, empty directory under the test temp dir.
std::filesystem::path fresh_dir(const std::string& name);
void write_file(const std::filesystem::path& path, std::string_view bytes);
std::string read_file(const std::filesystem::path& path);
// A model directory holding bert-base-uncased's vocab.txt.
std::filesystem::path bert_uncased_dir();
// A model directory holding GPT-2's vocab.json and merges.txt.
std::filesystem::path gpt2_dir();
// GPT-2's vocabulary as RoBERTa's layout (ids + 4 behind <s> <pad> </s> <unk>, <mask> last),
// with config.json model_type "roberta"; the same as make_goldens.mjs builds.
std::filesystem::path roberta_from_gpt2_dir();
// About `bytes` of English-like lines (Zipf-like syllable words, capitals, punctuation,
// contractions, numbers, accents, CJK, emoji, runs of spaces) for training tests; the same
// for the same seed.
std::vector<std::string> synthetic_corpus(size_t bytes, uint32_t seed);

// Runs `f`, expecting an exception of type E whose message contains `needle`.
template <typename E, typename F>
void expect_error_naming(F f, const std::string& needle) {
  try {
    f();
    ADD_FAILURE() << "no exception; expected one naming " << needle;
  } catch (const E& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

}  // namespace adamix::text::testing
