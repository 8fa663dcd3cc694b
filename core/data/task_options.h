#pragma once
// The `task:` block of a trial config: which data set a trial trains and evaluates on.
//
//   TaskOptions task;
//   task.name = "mnli";            // a GLUE name, an NLG name, or "synthetic" (make-task)
//   task.dir = "glue/MNLI";        // train.tsv, dev_matched.tsv, dev_mismatched.tsv
//   task.validate();
#include <cstdint>
#include <filesystem>
#include <string>

namespace adamix::data {

struct TaskOptions {
  // GLUE: cola, sst2, mrpc, stsb, qqp, mnli, qnli, rte, wnli (any case; "SST-2" and "STS-B"
  // spellings too); NLG: e2e, webnlg, dart; "synthetic": a folder written by make-task (its
  // task.json describes it); "data-to-text": make-task's synthetic data-to-text folder (NLG).
  std::string name;
  std::filesystem::path dir;  // the folder holding the task's files
  int64_t max_length = 128;   // tokens per example, special tokens included; longer truncates
  // NLG: after training, also generate for and score the test split (its references), as the
  // paper's tables report; WebNLG adds its seen and unseen categories.
  bool score_test = false;
  // NLG: also decode and score the dev set at every K-th evaluation during training (a row of
  // dev/<metric> at that step; generations.dev.step-<N>.txt); 0 = only the final model, as the
  // reference does.
  int64_t generate_every = 0;

  // ConfigError naming the field: unknown name, empty dir, max_length outside [8, 65536],
  // score_test or generate_every on a task that does not generate, generate_every below 0.
  // Does not touch the file system (load_task reports missing files).
  void validate() const;
};

}  // namespace adamix::data
