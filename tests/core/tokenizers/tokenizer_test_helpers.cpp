#include "tokenizer_test_helpers.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace adamix::text::testing {

namespace fs = std::filesystem;

fs::path fixtures_dir() { return ADAMIX_FIXTURES_DIR; }

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::path(::testing::TempDir()) / ("adamix_tok_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write_file(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

fs::path bert_uncased_dir() { return fixtures_dir() / "vocab" / "bert-base-uncased"; }

fs::path gpt2_dir() { return fixtures_dir() / "vocab" / "gpt2"; }

fs::path roberta_from_gpt2_dir() {
  static const fs::path dir = [] {
    const fs::path d = fresh_dir("roberta_from_gpt2");
    const auto gpt = nlohmann::json::parse(read_file(gpt2_dir() / "vocab.json"));
    nlohmann::json vocab = {{"<s>", 0}, {"<pad>", 1}, {"</s>", 2}, {"<unk>", 3}};
    for (const auto& [token, id] : gpt.items()) vocab[token] = id.get<int64_t>() + 4;
    vocab["<mask>"] = static_cast<int64_t>(vocab.size());
    write_file(d / "vocab.json", vocab.dump());
    write_file(d / "merges.txt", read_file(gpt2_dir() / "merges.txt"));
    write_file(d / "config.json", R"({"model_type": "roberta"})");
    return d;
  }();
  return dir;
}

}  // namespace adamix::text::testing
