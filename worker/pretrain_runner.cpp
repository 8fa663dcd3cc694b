#include "worker/pretrain_runner.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <optional>
#include <vector>

#include "core/data/lm_corpus.h"
#include "core/error.h"
#include "core/io/atomic_file.h"
#include "core/io/safetensors.h"
#include "core/models/language_model.h"
#include "core/models/save_pretrained.h"
#include "core/runtime/device.h"
#include "core/tokenizers/tokenizer.h"
#include "core/train/lm_masking.h"
#include "core/train/lm_objective.h"
#include "core/train/trainer.h"
#include "worker/checkpoint_io.h"
#include "worker/fault_injection.h"
#include "worker/trial_observers.h"

namespace adamix::worker {
namespace fs = std::filesystem;
namespace {

using models::Arch;

// The special tokens of each family, as the tokenizers of transformers list all_special_ids:
// never masked, and the source of a new model's pad / bos / eos ids.
struct SpecialTokens {
  std::vector<const char*> all;
  const char* mask = nullptr;
};

SpecialTokens special_tokens(Arch arch) {
  switch (arch) {
    case Arch::Bert: return {{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}, "[MASK]"};
    case Arch::Roberta: return {{"<s>", "<pad>", "</s>", "<unk>", "<mask>"}, "<mask>"};
    case Arch::Gpt2: return {{"<|endoftext|>"}, nullptr};
  }
  throw ConfigError("unknown architecture");
}

int64_t required_token(const text::Tokenizer& tokenizer, const std::string& token, Arch arch,
                       const fs::path& dir) {
  const auto id = tokenizer.find_token(token);
  if (!id)
    throw ConfigError("the tokenizer in " + dir.string() + " has no " + token + " token, which a " +
                      models::arch_name(arch) + " model needs");
  return *id;
}

// A new model's config: `init`'s shape, the tokenizer's vocabulary and special ids.
models::ModelConfig new_model_config(const config::PretrainConfig& c,
                                     const text::Tokenizer& tokenizer, const fs::path& dir) {
  auto options = c.init;
  const auto arch = models::parse_arch(options.arch);
  options.vocab_size = tokenizer.vocab_size();
  if (arch == Arch::Bert) options.pad_token_id = required_token(tokenizer, "[PAD]", arch, dir);
  if (arch == Arch::Roberta) {
    options.pad_token_id = required_token(tokenizer, "<pad>", arch, dir);
    options.bos_token_id = required_token(tokenizer, "<s>", arch, dir);
    options.eos_token_id = required_token(tokenizer, "</s>", arch, dir);
  }
  if (arch == Arch::Gpt2)
    options.bos_token_id = options.eos_token_id =
        required_token(tokenizer, "<|endoftext|>", arch, dir);
  return models::make_model_config(options);
}

struct Blocks {
  torch::Tensor train;
  torch::Tensor dev;
};

Blocks load_blocks(const config::PretrainConfig& c, const text::Tokenizer& tokenizer,
                   int64_t separator) {
  auto lines = data::read_corpus_lines(c.corpus);
  std::vector<std::string> dev;
  std::string dev_source = c.dev_corpus.string();
  if (!c.dev_corpus.empty()) {
    dev = data::read_corpus_lines(c.dev_corpus);
  } else {
    // run_mlm's validation_split_percentage: the first dev_percent of the lines.
    const auto n =
        static_cast<size_t>(std::ceil(static_cast<double>(lines.size()) * c.dev_percent / 100.0));
    dev.assign(lines.begin(), lines.begin() + static_cast<std::ptrdiff_t>(n));
    lines.erase(lines.begin(), lines.begin() + static_cast<std::ptrdiff_t>(n));
    dev_source = "the first " + std::to_string(n) + " lines of " + c.corpus.string();
  }
  Blocks blocks;
  blocks.train = data::group_texts(tokenizer, lines, c.block_size, separator,
                                   "the training part of " + c.corpus.string());
  blocks.dev = data::group_texts(tokenizer, dev, c.block_size, separator, dev_source);
  return blocks;
}

// --out is new, empty, or this run's folder: the model files written at the end never replace
// a folder's files that another run (or the user) put there.
void check_folder(const PretrainRunOptions& options) {
  const auto path = options.out_dir / "pretrain.yaml";
  if (fs::is_directory(options.out_dir) && !fs::is_empty(options.out_dir) && !fs::exists(path))
    throw ConfigError(options.out_dir.string() +
                      " already holds files and no pretrain.yaml; choose a new or empty --out");
  if (fs::exists(options.out_dir) && !fs::is_directory(options.out_dir))
    throw ConfigError("--out " + options.out_dir.string() + " is not a folder");
  if (fs::exists(path) && io::read_file(path) != options.config_yaml)
    throw ConfigError(options.out_dir.string() +
                      " holds a different pretraining run (its pretrain.yaml differs); choose "
                      "another --out");
}

class LastEvaluation : public train::TrainerObserver {
 public:
  void on_evaluation(const train::TrainingState&, const train::EvalResult& r) override {
    metrics = r.metrics;
  }
  std::map<std::string, double> metrics;
};

}  // namespace

PretrainResult run_pretrain(const PretrainRunOptions& options) {
  const auto& c = options.config;
  std::optional<FaultInjector> faults;
  if (!options.inject_fault.empty())
    faults.emplace(parse_fault_rules(options.inject_fault), "pretrain", 1);
  check_folder(options);
  PretrainResult result;

  const auto checkpoint_path = options.out_dir / "checkpoint.h5";
  const auto snapshot =
      read_resume_point(checkpoint_path, options.config_yaml, "pretraining config");
  result.resumed = snapshot.has_value();

  const auto device = runtime::parse_device(c.device);
  const auto tokenizer_dir = c.tokenizer.empty() ? c.model : c.tokenizer;
  const auto tokenizer = text::load_tokenizer(tokenizer_dir);
  const auto model_config = c.model.empty() ? new_model_config(c, *tokenizer, tokenizer_dir)
                                            : models::load_model_config(c.model);
  const auto arch = model_config.arch;
  if (model_config.vocab_size != tokenizer->vocab_size())
    throw ConfigError("the tokenizer in " + tokenizer_dir.string() + " has " +
                      std::to_string(tokenizer->vocab_size()) + " entries but the model " +
                      std::to_string(model_config.vocab_size));
  if (c.block_size > model_config.max_sequence_length())
    throw ConfigError("block_size " + std::to_string(c.block_size) + " exceeds the model's " +
                      std::to_string(model_config.max_sequence_length()) + " positions");
  if ((arch == Arch::Gpt2) != (c.objective == train::LmTask::Causal))
    throw ConfigError(std::string("objective: ") + config::to_string(c.objective) +
                      " LM does not fit a " + models::arch_name(arch) +
                      " model (masked for bert / roberta, causal for gpt2)");

  const auto specials = special_tokens(arch);
  const int64_t separator =
      arch == Arch::Gpt2 ? required_token(*tokenizer, "<|endoftext|>", arch, tokenizer_dir) : -1;
  const auto blocks = load_blocks(c, *tokenizer, separator);

  models::LanguageModel model(models::create_backbone(model_config, /*with_pooler=*/false));
  model->reset_parameters(at::detail::createCPUGenerator(c.init.seed));
  std::string started_from = "a new " + std::string(models::arch_name(arch)) + " (seed " +
                             std::to_string(c.init.seed) + ")";
  if (!c.model.empty()) {
    const auto weights = c.model / "model.safetensors";
    const bool head =
        model->load_hf_weights(io::SafetensorsFile::open(weights).tensors(), weights.string());
    started_from = c.model.string() + (head || arch == Arch::Gpt2 ? "" : " (LM head new)");
  }

  train::LmObjectiveOptions lm;
  lm.task = c.objective;
  lm.mlm_probability = c.mlm_probability;
  lm.whole_word_mask = c.whole_word_mask;
  lm.batch_size = c.train.batch_size;
  lm.seed = c.train.seed;
  if (c.objective == train::LmTask::Masked) {
    lm.mask_token_id = required_token(*tokenizer, specials.mask, arch, tokenizer_dir);
    for (const char* token : specials.all)
      if (const auto id = tokenizer->find_token(token)) lm.special_ids.push_back(*id);
    if (c.whole_word_mask)
      lm.continuation = train::continuation_pieces(tokenizer->vocabulary(), arch != Arch::Bert);
  }
  train::LmObjective objective(model, blocks.train, blocks.dev, lm, device);
  train::Trainer trainer(objective, c.train);
  if (result.resumed) trainer.restore(*snapshot);

  fs::create_directories(options.out_dir);
  if (!fs::exists(options.out_dir / "pretrain.yaml"))
    io::write_text_atomically(options.out_dir / "pretrain.yaml", options.config_yaml);
  TrialLog log(options.out_dir / "log.txt", options.progress);
  int64_t parameters = 0;
  for (const auto& [name, tensor] : model->hf_weights()) parameters += tensor.numel();
  log.line(std::string(config::to_string(c.objective)) + " LM pretraining of " + started_from +
           ": " + std::to_string(parameters) + " trained parameters, " +
           std::to_string(blocks.train.size(0)) + " training blocks and " +
           std::to_string(blocks.dev.size(0)) + " held-out blocks of " +
           std::to_string(c.block_size) + " tokens, device " + c.device);
  if (result.resumed)
    log.line("resumed from " + checkpoint_path.string() + " at step " +
             std::to_string(snapshot->state.step));

  const storage::AttributeMap meta = {
      {"trial_id", std::string("pretrain")},
      {"config", options.config_yaml},
      {"backbone", c.model.empty() ? std::string() : fs::absolute(c.model).string()},
      {"backbone_sha256", std::string()},
      {"library_version", std::string(ADAMIX_VERSION)},
  };
  MetricsJsonl metrics(options.out_dir / "metrics.jsonl", trainer.state().step);
  TensorBoardScalars tensorboard(options.out_dir, "pretrain", trainer.state().step);
  metrics.add_listener([&](const std::string& row) { tensorboard.add_row(row); });
  CheckpointWriter checkpoints(trainer, options.out_dir, meta, log, /*write_best=*/false);
  const int64_t batches = (blocks.train.size(0) + c.train.batch_size - 1) / c.train.batch_size;
  ProgressLine progress(log, c.train.epochs, train::optimizer_steps_per_epoch(c.train, batches),
                        2.0);
  StopFlag stop(options.stop_requested);
  LastEvaluation last;
  for (train::TrainerObserver* o :
       std::vector<train::TrainerObserver*>{&metrics, &checkpoints, &progress, &stop, &last})
    trainer.add_observer(o);
  if (faults) trainer.add_observer(&*faults);

  result.finished = trainer.run();
  result.steps = trainer.state().step;
  result.final_metrics = last.metrics;
  if (!result.finished) {
    log.line("stopped at step " + std::to_string(result.steps) +
             " on request; resumable from checkpoint.h5");
    return result;
  }
  models::NamedWeights weights;
  for (const auto& [name, tensor] : model->hf_weights())
    weights.emplace_back(name, tensor.detach().to(torch::kCPU));
  models::save_pretrained(options.out_dir, model_config, models::SavedHead::LanguageModel, weights);
  text::copy_tokenizer_files(tokenizer_dir, options.out_dir);
  log.line("finished at step " + std::to_string(result.steps) + ": wrote the model to " +
           options.out_dir.string());
  return result;
}

}  // namespace adamix::worker
