#pragma once
// Reads system outputs and their references in the e2e-metrics text format
// (measure_scores.py read_lines): the hypotheses file has one output per line; the references
// file lists each output's references one per line, groups separated by one blank line, in
// hypothesis order. Every line is stripped like Python's str.strip(). As in the reference, a
// references file with a single group and several hypotheses is read as one reference per line.
//
//   auto corpus = adamix::metrics::nlg::read_corpus("out.txt", "refs.txt");
#include <string>
#include <vector>

namespace adamix::metrics::nlg {

struct Corpus {
  std::vector<std::string> hypotheses;
  std::vector<std::vector<std::string>> references;  // [hypothesis][reference]
};

// One stripped line per hypothesis. InputError on invalid UTF-8 (names file and line).
std::vector<std::string> read_hypotheses(const std::string& path);

// Groups of references. InputError on invalid UTF-8 or an empty group (two blank lines in a
// row), naming the file and line.
std::vector<std::vector<std::string>> read_reference_groups(const std::string& path);

// Both files; InputError when the number of groups differs from the number of hypotheses.
Corpus read_corpus(const std::string& hypotheses_path, const std::string& references_path);

// Splits text into lines on '\n' (a final newline ends the last line, it does not add one).
std::vector<std::string> split_lines(const std::string& text);

}  // namespace adamix::metrics::nlg
