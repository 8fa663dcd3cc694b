#pragma once
// GLUE-format task folders: the official GLUE TSV files, read as transformers' GLUE processors
// read them, and make-task folders (task.json + train/dev/test.tsv).
//
//   TaskOptions options;
//   options.name = "mrpc";
//   options.dir = "glue/MRPC";
//   LoadedTask task = adamix::data::load_task(options);  // train, dev, test if present
//
// Files are split into lines at "\n", "\r\n" or "\r" (Python's universal newlines), a leading
// UTF-8 byte-order mark is dropped, and each line is split at every TAB with no quote handling
// (csv quotechar None, as the processors read GLUE). Blank lines are ignored. Errors are
// InputError naming the file and 1-based line: a missing file, a line with too few columns,
// an unknown label, a score that is not a finite number.
//
// Layouts (0-based columns; "last" = the line's last column; header = first line skipped):
//   task    header   text_a  text_b  label      test file (header; texts)
//   CoLA    no       3       -       1          test.tsv: 1
//   SST-2   yes      0       -       1          test.tsv: 1
//   MRPC    yes      3       4       0          test.tsv: 3, 4
//   STS-B   yes      7       8       last (float score; at least 10 columns)   test: 7, 8
//   QQP     yes      3       4       5          test.tsv: 1, 2
//   MNLI    yes      8       9       last       test_matched / test_mismatched.tsv: 8, 9
//   QNLI, RTE, WNLI  yes  1  2       last       test.tsv: 1, 2
//   synthetic yes    0       1 (pair) last      test.tsv: 1 (, 2)
// QQP only: a line with too few columns is skipped, not an error, as QqpProcessor does (its
// `except IndexError: continue`); Split::skipped_lines counts them.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/data/task_options.h"
#include "core/data/task_spec.h"

namespace adamix::data {

struct Example {
  std::string text_a;
  std::string text_b;  // empty for single-text tasks
  int64_t label = -1;  // class id (index into TaskSpec::labels); -1: regression or unlabeled
  double score = 0;    // regression target (STS-B similarity, 0..5)
  int64_t line = 0;    // 1-based line in the file, for error messages
};

struct Split {
  std::string name;  // file stem: "train", "dev", "dev_matched", "test", ...
  std::filesystem::path file;
  bool labeled = true;        // test files carry no labels
  int64_t skipped_lines = 0;  // QQP: malformed lines skipped as HF does; else 0
  std::vector<Example> examples;
};

struct LoadedTask {
  TaskSpec spec;
  Split train;
  std::vector<Split> dev;   // spec.dev_splits, in order (MNLI: matched, then mismatched)
  std::vector<Split> test;  // spec.test_splits whose file exists, unlabeled
};

// Loads the train, dev and (present) test files of the task `options` names (validated first).
// GLUE names read the official files; "synthetic" reads task.json and its TSV files.
LoadedTask load_task(const TaskOptions& options);

// Reads one file of `spec`'s layout: split_name "train", a dev split or a test split (names
// starting with "test" read the unlabeled test layout). InputError as described above.
Split load_split(const TaskSpec& spec, const std::filesystem::path& file,
                 const std::string& split_name);

}  // namespace adamix::data
