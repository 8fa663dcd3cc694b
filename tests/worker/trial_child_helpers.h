#pragma once
// Shared by the tests of `adamix train` as a sweep's child process (trial events, fault
// injection): a tiny model and task built once per suite, trial configs over them, and the
// events and metrics.jsonl rows as JSON.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/cli_helpers.h"

namespace adamix::testing {

class TrialChildTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();

  // A trial config (YAML text) over the suite's model and task (240 train examples).
  static std::string config(const std::string& method, const std::string& train);
  // `adamix train --threads 1 --config - --out OUT --events-fd 3 --attempt A EXTRA...`
  static EventRunResult train(const std::string& yaml, const std::filesystem::path& out,
                              int attempt = 1, EventRunOptions options = {});

  static TempDir* dir_;
  TempDir work_;
};

std::vector<nlohmann::json> parse_lines(const std::vector<std::string>& lines);
// metrics.jsonl as JSON rows, in file order.
std::vector<nlohmann::json> metrics_rows(const std::filesystem::path& trial);
// What a "metrics" event carries of a row: step, epoch and metrics.
nlohmann::json row_part(const nlohmann::json& row);
// The last line of `text` (without its newline).
std::string last_line(std::string text);

}  // namespace adamix::testing
