#include "tokenizer_test_helpers.h"

#include <algorithm>
#include <fstream>
#include <random>
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

std::vector<std::string> synthetic_corpus(size_t bytes, uint32_t seed) {
  static const char* const kSyllables[] = {
      "the", "an",      "ing",        "er",        "tion", "qu", "ick", "bro", "wn", "fox",
      "jum", "ps",      "ov",         "la",        "zy",   "do", "re",  "con", "de", "pre",
      "al",  "ly",      "men",        "ness",      "un",   "in", "ex",  "po",  "si", "ble",
      "ca",  "f\u00e9", "na\u00efve", "\u00fcber", "st",   "or", "y",   "a"};
  static const char* const kExtras[] = {
      ",",           ".",    "!",      "?",       "'s", "n't", " 42", " 3.14", " \u4f60\u597d",
      " \U0001F917", " (x)", " \"q\"", " \u2014", "  ", "\t",  ";"};
  const size_t num_syllables = sizeof(kSyllables) / sizeof(kSyllables[0]);
  const size_t num_extras = sizeof(kExtras) / sizeof(kExtras[0]);
  std::mt19937 rng(seed);
  auto skewed = [&](size_t n) {  // small indices far more often than large ones
    return std::min<size_t>(rng() % n, std::min<size_t>(rng() % n, rng() % n));
  };
  std::vector<std::string> lines;
  size_t total = 0;
  while (total < bytes) {
    std::string line;
    const int num_words = 4 + static_cast<int>(rng() % 12);
    for (int w = 0; w < num_words; ++w) {
      if (w > 0) line += ' ';
      std::string word;
      const int parts = 1 + static_cast<int>(rng() % 3);
      for (int p = 0; p < parts; ++p) word += kSyllables[skewed(num_syllables)];
      if ((w == 0 || rng() % 10 == 0) && word[0] >= 'a' && word[0] <= 'z') word[0] -= 32;
      line += word;
      if (rng() % 6 == 0) line += kExtras[rng() % num_extras];
    }
    total += line.size() + 1;
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace adamix::text::testing
