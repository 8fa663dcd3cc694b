#include "core/data/task_options.h"

#include "core/data/task_spec.h"
#include "core/error.h"

namespace adamix::data {

void TaskOptions::validate() const {
  if (name.empty()) {
    throw ConfigError(
        "task.name: a task name is required (a GLUE name such as mnli, an NLG "
        "name e2e, webnlg or dart, or synthetic for a make-task folder)");
  }
  if (!is_glue_task(name) && !is_nlg_task(name) && canonical_task_name(name) != "synthetic") {
    std::string glue;
    for (const auto& n : glue_task_names()) glue += n + ", ";
    throw ConfigError("task.name: unknown task \"" + name + "\" (expected one of " + glue +
                      "e2e, webnlg, dart, data-to-text or synthetic)");
  }
  if (score_test && !is_nlg_task(name)) {
    throw ConfigError(
        "task.score_test: only NLG tasks (e2e, webnlg, dart, data-to-text) generate "
        "and score a test split; \"" +
        name + "\" is not one");
  }
  if (generate_every < 0) {
    throw ConfigError("task.generate_every: " + std::to_string(generate_every) +
                      " is below 0 (every K-th evaluation; 0 = the final model only)");
  }
  if (generate_every > 0 && !is_nlg_task(name)) {
    throw ConfigError(
        "task.generate_every: only NLG tasks (e2e, webnlg, dart, data-to-text) "
        "generate; \"" +
        name + "\" is not one");
  }
  if (dir.empty()) throw ConfigError("task.dir: the folder of task \"" + name + "\" is required");
  if (max_length < 8 || max_length > 65536) {
    throw ConfigError("task.max_length: " + std::to_string(max_length) +
                      " is outside [8, 65536] (tokens per example, special tokens included)");
  }
}

}  // namespace adamix::data
