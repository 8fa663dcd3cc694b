#include "tests/worker/trial_child_helpers.h"

#include <sstream>

#include "core/io/atomic_file.h"

namespace adamix::testing {
namespace fs = std::filesystem;

TempDir* TrialChildTest::dir_ = nullptr;

void TrialChildTest::SetUpTestSuite() {
  dir_ = new TempDir();
  make_tiny_model_and_task(dir_->path());
}

void TrialChildTest::TearDownTestSuite() {
  delete dir_;
  dir_ = nullptr;
}

std::string TrialChildTest::config(const std::string& method, const std::string& train) {
  return "model: " + (*dir_ / "model").string() + "\n" +
         "task: {name: synthetic, dir: " + (*dir_ / "task").string() + ", max_length: 32}\n" +
         "method: " + method + "\n" + "train: " + train + "\n";
}

EventRunResult TrialChildTest::train(const std::string& yaml, const fs::path& out, int attempt,
                                     EventRunOptions options) {
  options.stdin_text = yaml;
  return run_adamix_with_events({"train", "--threads", "1", "--config", "-", "--out", out.string(),
                                 "--events-fd", "3", "--attempt", std::to_string(attempt)},
                                options);
}

std::vector<nlohmann::json> parse_lines(const std::vector<std::string>& lines) {
  std::vector<nlohmann::json> parsed;
  for (const auto& line : lines) parsed.push_back(nlohmann::json::parse(line));
  return parsed;
}

std::vector<nlohmann::json> metrics_rows(const fs::path& trial) {
  std::vector<std::string> lines;
  std::istringstream text(io::read_file(trial / "metrics.jsonl"));
  for (std::string line; std::getline(text, line);) lines.push_back(line);
  return parse_lines(lines);
}

nlohmann::json row_part(const nlohmann::json& row) {
  return {{"step", row.at("step")}, {"epoch", row.at("epoch")}, {"metrics", row.at("metrics")}};
}

std::string last_line(std::string text) {
  if (!text.empty() && text.back() == '\n') text.pop_back();
  const auto newline = text.rfind('\n');
  return newline == std::string::npos ? text : text.substr(newline + 1);
}

}  // namespace adamix::testing
