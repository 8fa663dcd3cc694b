#pragma once
// Runs `adamix pretrain`: masked or causal LM pretraining of a whole model, into a folder that
// is at the end a Hugging Face model directory:
//   config.json, model.safetensors  *ForMaskedLM / GPT2LMHeadModel names, LM head included
//   vocab.txt | vocab.json + merges.txt (+ tokenizer_config.json)   the tokenizer, copied
//   pretrain.yaml   the resolved config (a folder holding another one is refused)
//   log.txt, metrics.jsonl   as a trial's (dev/loss, dev/perplexity, dev/accuracy)
//   checkpoint.h5   the latest resumable state (weights, AdamW moments, generators)
// A folder with checkpoint.h5 resumes from it, bit for bit as if never stopped.
//
//   PretrainResult r = run_pretrain({config, yaml, "runs/bert-small"});
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <map>
#include <string>

#include "core/config/pretrain_config.h"

namespace adamix::worker {

struct PretrainRunOptions {
  config::PretrainConfig config;  // validated
  std::string config_yaml;        // the resolved YAML of `config`
  std::filesystem::path out_dir;
  std::ostream* progress = nullptr;      // progress lines (stderr), nullptr = quiet
  std::function<bool()> stop_requested;  // polled each step (SIGTERM); empty = never
  std::string inject_fault;              // TEST ONLY: worker/fault_injection.h rules
};

struct PretrainResult {
  bool finished = false;  // false: stopped on request, resumable
  bool resumed = false;
  int64_t steps = 0;
  std::map<std::string, double> final_metrics;  // the last evaluation
};

// Throws ConfigError (another config's folder, bad settings), IoError, InputError (text too
// short for a block), DivergenceError. Files are replaced atomically; the model files appear
// only when training has finished.
PretrainResult run_pretrain(const PretrainRunOptions& options);

}  // namespace adamix::worker
