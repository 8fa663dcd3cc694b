#pragma once
// Shared set-up of the data tests: fixture paths and throw-away folders.
#include <gtest/gtest.h>

#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>

#include "core/data/glue.h"

namespace adamix::data::testing {

// tests/fixtures/glue/<task folder>, e.g. glue_dir("MNLI").
std::filesystem::path glue_dir(const std::string& task);
// A model directory holding bert-base-uncased's vocab.txt, or GPT-2's vocab.json + merges.txt.
std::filesystem::path bert_uncased_dir();
std::filesystem::path gpt2_dir();
// A fresh, empty directory under the test temp dir (removed first if it exists).
std::filesystem::path fresh_dir(const std::string& name);
void write_file(const std::filesystem::path& path, std::string_view bytes);
std::string read_file(const std::filesystem::path& path);

// Runs `f`, expecting an exception of type E whose message contains every needle.
template <typename E, typename F>
void expect_error_naming(F f, std::initializer_list<std::string_view> needles) {
  try {
    f();
    ADD_FAILURE() << "no exception";
  } catch (const E& e) {
    const std::string message = e.what();
    for (std::string_view needle : needles) {
      EXPECT_NE(message.find(needle), std::string::npos)
          << "'" << needle << "' not in: " << message;
    }
  }
}

// A synthetic task folder (make-task or the synthetic language) loaded as load_task does.
LoadedTask load_synthetic(const std::filesystem::path& dir);

}  // namespace adamix::data::testing
