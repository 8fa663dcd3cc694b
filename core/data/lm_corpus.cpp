#include "core/data/lm_corpus.h"

#include <tbb/parallel_for.h>

#include <fstream>

#include "core/error.h"

namespace adamix::data {

std::vector<std::string> read_corpus_lines(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot read the corpus " + path.string());
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
  }
  if (in.bad()) throw IoError("error while reading the corpus " + path.string());
  return lines;
}

torch::Tensor group_texts(const text::Tokenizer& tokenizer, const std::vector<std::string>& lines,
                          int64_t block_size, int64_t separator_id, const std::string& source) {
  if (block_size < 2)
    throw ConfigError("block_size must be at least 2, got " + std::to_string(block_size));
  std::vector<std::vector<int64_t>> encoded(lines.size());
  tbb::parallel_for(size_t{0}, lines.size(), [&](size_t i) {
    if (lines[i].find_first_not_of(" \t") == std::string::npos) return;
    try {
      encoded[i] = tokenizer.encode(lines[i]).ids;
    } catch (const InputError& e) {
      throw InputError(source + ":" + std::to_string(i + 1) + ": " + e.what());
    }
    if (separator_id >= 0) encoded[i].push_back(separator_id);
  });
  std::vector<int64_t> ids;
  for (const auto& line : encoded) ids.insert(ids.end(), line.begin(), line.end());
  const auto blocks = static_cast<int64_t>(ids.size()) / block_size;
  if (blocks == 0)
    throw InputError(source + " holds " + std::to_string(ids.size()) +
                     " tokens: fewer than one block of " + std::to_string(block_size));
  return torch::from_blob(ids.data(), {blocks, block_size}, torch::kInt64).clone();
}

}  // namespace adamix::data
