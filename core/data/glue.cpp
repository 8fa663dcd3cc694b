#include "core/data/glue.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string_view>

#include "core/error.h"
#include "core/io/atomic_file.h"

namespace adamix::data {
namespace {

namespace fs = std::filesystem;

constexpr int kNone = -1;        // no such column
constexpr int kLastColumn = -2;  // the line's last column, as the processors' line[-1]

// Where one kind of file keeps its fields (0-based columns).
struct Layout {
  bool header = true;
  int text_a = 0;
  int text_b = kNone;
  int label = kNone;
  bool skip_short_lines = false;  // QQP: `except IndexError: continue`

  // Columns a line needs. A label in the last column must come after the texts, or it would
  // be read from a text column.
  size_t min_columns() const {
    const int last_text = std::max(text_a, text_b);
    if (label == kLastColumn) return static_cast<size_t>(last_text) + 2;
    return static_cast<size_t>(std::max(last_text, label)) + 1;
  }
};

Layout layout(bool header, int a, int b, int label, bool skip_short = false) {
  Layout l;
  l.header = header;
  l.text_a = a;
  l.text_b = b;
  l.label = label;
  l.skip_short_lines = skip_short;
  return l;
}

// The column layout of transformers' GLUE processors (data/processors/glue.py), per task and
// for labeled (train, dev) or test files.
Layout layout_for(const TaskSpec& spec, bool test) {
  if (spec.synthetic) {
    return test ? layout(true, 1, spec.pair ? 2 : kNone, kNone)
                : layout(true, 0, spec.pair ? 1 : kNone, kLastColumn);
  }
  const std::string& name = spec.name;
  if (name == "cola") return test ? layout(true, 1, kNone, kNone) : layout(false, 3, kNone, 1);
  if (name == "sst2") return test ? layout(true, 1, kNone, kNone) : layout(true, 0, kNone, 1);
  if (name == "mrpc") return layout(true, 3, 4, test ? kNone : 0);
  if (name == "stsb") return layout(true, 7, 8, test ? kNone : kLastColumn);
  if (name == "qqp") return test ? layout(true, 1, 2, kNone, true) : layout(true, 3, 4, 5, true);
  if (name == "mnli") return layout(true, 8, 9, test ? kNone : kLastColumn);
  if (name == "qnli" || name == "rte" || name == "wnli") {
    return layout(true, 1, 2, test ? kNone : kLastColumn);
  }
  throw ConfigError("no GLUE file layout for task \"" + name + "\"");
}

std::string where(const fs::path& file, int64_t line) {
  return file.string() + ":" + std::to_string(line);
}

std::string joined(const std::vector<std::string>& labels) {
  std::string text;
  for (const auto& label : labels) text += (text.empty() ? "\"" : ", \"") + label + "\"";
  return text;
}

// Python float(): surrounding whitespace and a leading '+' are allowed; must be finite here.
double parse_score(std::string_view field, const fs::path& file, int64_t line) {
  std::string_view text = field;
  const char* space = " \t\n\r\f\v";
  const size_t first = text.find_first_not_of(space);
  text = first == std::string_view::npos ? std::string_view() : text.substr(first);
  text = text.substr(0, text.find_last_not_of(space) + 1);
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(value)) {
    throw InputError(where(file, line) + ": score \"" + std::string(field) +
                     "\" is not a finite number");
  }
  return value;
}

int64_t parse_label(std::string_view field, const TaskSpec& spec, const fs::path& file,
                    int64_t line) {
  const auto it = std::find(spec.labels.begin(), spec.labels.end(), field);
  if (it == spec.labels.end()) {
    throw InputError(where(file, line) + ": unknown label \"" + std::string(field) +
                     "\" for task " + spec.name + " (expected one of " + joined(spec.labels) + ")");
  }
  return it - spec.labels.begin();
}

// Views into `line`: only the columns a layout reads are copied (MNLI's parse trees are not).
std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> columns;
  size_t begin = 0;
  while (true) {
    const size_t tab = line.find('\t', begin);
    columns.emplace_back(line.substr(begin, tab == std::string_view::npos ? tab : tab - begin));
    if (tab == std::string_view::npos) return columns;
    begin = tab + 1;
  }
}

// Calls `visit(line_number, line)` for every line; "\n", "\r\n" and a lone "\r" end a line.
template <typename Visit>
void for_each_line(std::string_view text, Visit visit) {
  int64_t number = 0;
  size_t begin = 0;
  while (begin < text.size()) {
    size_t end = text.find_first_of("\r\n", begin);
    const std::string_view line =
        text.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin);
    visit(++number, line);
    if (end == std::string_view::npos) break;
    begin = end + (text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n' ? 2 : 1);
  }
}

}  // namespace

Split load_split(const TaskSpec& spec, const fs::path& file, const std::string& split_name) {
  Split split;
  split.name = split_name;
  split.file = file;
  split.labeled = split_name.rfind("test", 0) != 0;
  const Layout fields = layout_for(spec, !split.labeled);
  if (!fs::is_regular_file(file)) {
    throw InputError(file.string() + " is missing (the " + split_name + " split of task " +
                     spec.name + ")");
  }
  std::string text;
  try {
    text = io::read_file(file);
  } catch (const IoError& e) {
    throw InputError(e.what());
  }
  std::string_view view = text;
  if (view.substr(0, 3) == "\xEF\xBB\xBF") view.remove_prefix(3);  // utf-8-sig

  for_each_line(view, [&](int64_t number, std::string_view line) {
    if (number == 1 && fields.header) return;
    if (line.empty()) return;
    const std::vector<std::string_view> columns = split_tabs(line);
    if (columns.size() < fields.min_columns()) {
      if (fields.skip_short_lines) {
        ++split.skipped_lines;
        return;
      }
      throw InputError(where(file, number) + ": " + std::to_string(columns.size()) +
                       " columns, but the " + split_name + " split of " + spec.name +
                       " needs at least " + std::to_string(fields.min_columns()));
    }
    Example example;
    example.line = number;
    example.text_a = columns[fields.text_a];
    if (fields.text_b != kNone) example.text_b = columns[fields.text_b];
    if (fields.label != kNone) {
      const std::string_view field =
          fields.label == kLastColumn ? columns.back() : columns[fields.label];
      if (spec.regression) {
        example.score = parse_score(field, file, number);
      } else {
        example.label = parse_label(field, spec, file, number);
      }
    }
    split.examples.push_back(std::move(example));
  });
  return split;
}

LoadedTask load_task(const TaskOptions& options) {
  options.validate();
  if (is_nlg_task(options.name)) {
    throw ConfigError("task.name: " + options.name +
                      " is an NLG task; load_task reads GLUE-format folders only");
  }
  if (!fs::is_directory(options.dir)) {
    throw InputError("task.dir: " + options.dir.string() + " is not a directory");
  }
  LoadedTask task;
  task.spec =
      is_glue_task(options.name) ? glue_task(options.name) : read_synthetic_task(options.dir);
  auto require_examples = [](const Split& split) {
    if (split.examples.empty()) {
      throw InputError(split.file.string() + " holds no examples");
    }
  };
  task.train = load_split(task.spec, options.dir / "train.tsv", "train");
  require_examples(task.train);
  for (const auto& name : task.spec.dev_splits) {
    task.dev.push_back(load_split(task.spec, options.dir / (name + ".tsv"), name));
    require_examples(task.dev.back());
  }
  for (const auto& name : task.spec.test_splits) {
    const fs::path file = options.dir / (name + ".tsv");
    if (fs::exists(file)) task.test.push_back(load_split(task.spec, file, name));
  }
  return task;
}

}  // namespace adamix::data
