#pragma once
// Writing a task folder (task.json and TSV files, or a corpus) all at once: the files go into a
// temporary folder beside `out`, which is then renamed into place, so a reader never sees half
// a folder and a failed run leaves nothing behind.
//
//   write_task_folder(out, "make-task", [&](const fs::path& dir) {
//     io::write_text_atomically(dir / "train.tsv", task_tsv(rows, false, false, "label"));
//   });
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace adamix::data {

// One example as written: texts and the label column ("0", "entailment", "2.50", ...).
struct TaskRow {
  std::string text_a, text_b, label;
};

// GLUE-format TSV as the synthetic loader reads it: a header line ("sentence[1, sentence2],
// <label_header>"), then one row per line; a test file has an index column and no label.
std::string task_tsv(const std::vector<TaskRow>& rows, bool pair, bool test,
                     const char* label_header);

// Calls `fill` with an empty temporary folder beside `out`, then renames it to `out`. IoError
// (messages start with `what`) when `out` is a file or a non-empty folder, or a write fails;
// the temporary folder is removed on any error, and `fill`'s own exceptions pass through.
void write_task_folder(const std::filesystem::path& out, const std::string& what,
                       const std::function<void(const std::filesystem::path& dir)>& fill);

}  // namespace adamix::data
