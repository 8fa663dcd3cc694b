#include "core/metrics/nlg/reference_groups.h"

#include <fstream>
#include <sstream>

#include "core/error.h"
#include "core/metrics/nlg/unicode_text.h"

namespace adamix::metrics::nlg {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot read " + path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Lines of a file, stripped, with invalid UTF-8 reported by 1-based line number.
std::vector<std::string> read_stripped_lines(const std::string& path) {
  std::vector<std::string> lines = split_lines(read_file(path));
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!is_valid_utf8(lines[i])) {
      throw InputError(path + ":" + std::to_string(i + 1) + ": invalid UTF-8");
    }
    lines[i] = python_strip(lines[i]);
  }
  return lines;
}

}  // namespace

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::vector<std::string> read_hypotheses(const std::string& path) {
  return read_stripped_lines(path);
}

std::vector<std::vector<std::string>> read_reference_groups(const std::string& path) {
  const std::vector<std::string> lines = read_stripped_lines(path);
  std::vector<std::vector<std::string>> groups(1);
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!lines[i].empty()) {
      groups.back().push_back(lines[i]);
      continue;
    }
    if (groups.back().empty()) {
      throw InputError(path + ":" + std::to_string(i + 1) + ": empty reference group");
    }
    groups.emplace_back();
  }
  // measure_scores.py drops one trailing empty group (the file ends with a blank line).
  if (groups.back().empty()) groups.pop_back();
  if (groups.empty()) throw InputError(path + ": no references");
  return groups;
}

Corpus read_corpus(const std::string& hypotheses_path, const std::string& references_path) {
  Corpus corpus;
  corpus.hypotheses = read_hypotheses(hypotheses_path);
  corpus.references = read_reference_groups(references_path);
  // measure_scores.py load_data: a single group means one reference per line.
  if (corpus.references.size() == 1 && corpus.hypotheses.size() > 1) {
    std::vector<std::vector<std::string>> single;
    for (const std::string& line : corpus.references[0]) single.push_back({line});
    corpus.references = std::move(single);
  }
  if (corpus.references.size() != corpus.hypotheses.size()) {
    throw InputError(references_path + ": " + std::to_string(corpus.references.size()) +
                     " reference groups but " + hypotheses_path + " has " +
                     std::to_string(corpus.hypotheses.size()) + " hypotheses");
  }
  return corpus;
}

}  // namespace adamix::metrics::nlg
