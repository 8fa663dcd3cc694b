#include "apps/flags.h"

#include <boost/program_options.hpp>

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include "core/error.h"

namespace adamix::cli {
namespace po = boost::program_options;

namespace {
using C = Command;
}  // namespace

const std::vector<CommandInfo>& commands() {
  static const std::vector<CommandInfo> table = {
      {C::Train, "train", "train and evaluate one trial (resumes from --out's checkpoint)", ""},
      {C::Pretrain, "pretrain",
       "masked / causal LM pretraining of a whole model into a Hugging Face model directory "
       "(resumes from --out's checkpoint)",
       ""},
      {C::Sweep, "sweep",
       "run a sweep's trials (rank 0 orchestrates under mpirun/srun; "
       "--dry-run lists them)",
       "SPEC.yaml"},
      {C::Status, "status", "a sweep's progress, failures and artifact checks, from its database",
       ""},
      {C::Report, "report", "result tables (md, LaTeX, CSV, HTML) and figures from a sweep", ""},
      {C::Submit, "submit", "run a sweep as a Slurm batch job that resumes across time limits",
       "SPEC.yaml"},
      {C::Tokenize, "tokenize", "stdin lines -> token ids (A<TAB>B is a sentence pair)", ""},
      {C::Forward, "forward", "run a backbone over id lines, write hidden states (and logits)", ""},
      {C::MakeModel, "make-model", "write a tiny random model in Hugging Face layout", ""},
      {C::MakeTask, "make-task",
       "write a synthetic GLUE-format task (over a model's words, or in the synthetic language) "
       "or a pretraining corpus",
       ""},
      {C::MakeTokenizer, "make-tokenizer",
       "train a WordPiece or byte-level BPE tokenizer on a corpus (Hugging Face files)", ""},
      {C::Inspect, "inspect", "what a .safetensors file, model directory or .h5 checkpoint holds",
       "FILE|DIR"},
      {C::Export, "export", "a checkpoint's merged PEFT and head weights as safetensors", ""},
      {C::Generate, "generate",
       "GPT-2 text for one context per line: the NLG reference's beam search, KV-cached", ""},
      {C::Score, "score",
       "NLG metrics of generated texts against references (E2E: BLEU NIST METEOR ROUGE-L "
       "CIDEr; WebNLG/DART: BLEU METEOR TER)",
       ""},
  };
  return table;
}

const std::vector<FlagInfo>& flags() {
  // clang-format off
  static const std::vector<FlagInfo> table = {
      // name, value, help, env, accepted by, default, required by
      {"config", "FILE", "the trial config (YAML; - reads it from stdin)", nullptr, {C::Train},
       nullptr, {C::Train}},
      {"config", "FILE", "the pretraining config (YAML)", nullptr, {C::Pretrain}, nullptr,
       {C::Pretrain}},
      {"set", "KEY=VALUE", "override one key of the config, typed and checked as the file's own "
       "(repeatable): --set train.epochs=3 --set method.placement=[query,value]", nullptr,
       {C::Train, C::Pretrain}, nullptr, {}, true},
      {"set", "KEY=VALUE", "override one key of the spec, typed and checked as the file's own "
       "(repeatable): --set seeds=[1,2] --set base.train.epochs=1 (base.* changes the base trial "
       "config, inline or in its file); the run directory keeps them with the spec, and a resume "
       "must repeat them", nullptr, {C::Sweep, C::Submit}, nullptr, {}, true},
      {"dry-run", nullptr, "sweep: list the trials (id, what differs from the base) and their "
       "count; submit: write and print the batch script; run nothing", nullptr,
       {C::Sweep, C::Submit}, nullptr, {}},
      {"nodes", "N", "nodes of the job", nullptr, {C::Submit}, "1", {}},
      {"gpus-per-node", "G", "GPUs per node (one worker per GPU unless --workers-per-node)",
       nullptr, {C::Submit}, "0", {}},
      {"workers-per-node", "W", "worker ranks per node [default: G, or 1 without GPUs]", nullptr,
       {C::Submit}, nullptr, {}},
      {"cpus-per-task", "C", "CPU cores per worker (Slurm's --cpus-per-task)", nullptr,
       {C::Submit}, nullptr, {}},
      {"time", "T", "time limit of each job (Slurm's --time, e.g. 1-00:00:00)", nullptr,
       {C::Submit}, nullptr, {}},
      {"partition", "P", "Slurm partition", nullptr, {C::Submit}, nullptr, {}},
      {"account", "A", "Slurm account", nullptr, {C::Submit}, nullptr, {}},
      {"qos", "Q", "Slurm quality of service", nullptr, {C::Submit}, nullptr, {}},
      {"mem", "M", "memory per node (Slurm's --mem, e.g. 64G)", nullptr, {C::Submit}, nullptr,
       {}},
      {"requeue", nullptr, "when the time limit nears, checkpoint and requeue the job (it resumes "
       "where it stopped)", nullptr, {C::Submit}, nullptr, {}},
      {"chain", "K", "submit K jobs, each starting after the previous ends (clusters without "
       "requeue)", nullptr, {C::Submit}, "1", {}},
      {"warning", "SECONDS", "the signal before the time limit comes this early (Slurm checks "
       "limits about every 30 s)", nullptr, {C::Submit}, "120", {}},
      {"sbatch-arg", "ARG", "an extra #SBATCH line, e.g. --sbatch-arg=--constraint=a100 "
       "(repeatable)", nullptr, {C::Submit}, nullptr, {}, true},
      {"env-file", "FILE", "shell lines run before the sweep (module load, conda activate, "
       "exports)", "ADAMIX_SUBMIT_ENV", {C::Submit}, nullptr, {}},
      {"model", "DIR", "Hugging Face model directory (config.json, model.safetensors, tokenizer files)",
       nullptr, {C::Tokenize, C::Forward, C::MakeTask, C::Generate}, nullptr,
       {C::Tokenize, C::Forward, C::Generate}},
      {"max-length", "N", "truncate each encoding to N ids, longest first (0 = no truncation)",
       nullptr, {C::Tokenize}, "0", {}},
      {"type-ids-out", "FILE", "also write token type ids, one line per input line", nullptr,
       {C::Tokenize}, nullptr, {}},
      {"split-special-tokens", nullptr, "special tokens written in the text ([MASK], <mask>, "
       "<|endoftext|>) are plain text, as HF's split_special_tokens=True (default: their ids)",
       nullptr, {C::Tokenize}, nullptr, {}},
      {"input-ids", "FILE", "input: one sequence of space-separated token ids per line", nullptr,
       {C::Forward}, nullptr, {C::Forward}},
      {"token-type-ids", "FILE", "token type ids, same shape as --input-ids (BERT pairs)", nullptr,
       {C::Forward}, nullptr, {}},
      {"out", "DIR", "the trial folder (a checkpoint there resumes) [default: runs/train/<trial "
       "id>]", nullptr, {C::Train}, nullptr, {}},
      {"run", "DIR", "the sweep's run directory (status and report read it) [default: "
       "runs/<sweep name>]", nullptr, {C::Sweep, C::Submit}, nullptr, {}},
      {"out", "DIR", "the same as --run (its older name)", nullptr, {C::Sweep, C::Submit}, nullptr,
       {}},
      {"out", "DIR", "the Hugging Face model folder to write (a checkpoint there resumes; a "
       "folder holding other files is refused)", nullptr, {C::Pretrain}, nullptr, {C::Pretrain}},
      {"out", "DIR", "the folder for the tables and figures [default: RUN/reports]", nullptr,
       {C::Report}, nullptr, {}},
      {"out", "FILE", "hidden states (and logits) of every sequence, written whole or not at all",
       nullptr, {C::Forward}, nullptr, {C::Forward}},
      {"out", "FILE", "one generated text per context line, written whole or not at all", nullptr,
       {C::Generate}, nullptr, {C::Generate}},
      {"out", "DIR", "the folder to write (missing or empty; never left half-written)", nullptr,
       {C::MakeModel, C::MakeTask, C::MakeTokenizer, C::Export}, nullptr,
       {C::MakeModel, C::MakeTask, C::MakeTokenizer, C::Export}},
      {"batch-size", "N", "sequences per forward batch (generate: contexts per beam search "
       "batch) [default: forward 32, generate 10]", nullptr, {C::Forward, C::Generate}, nullptr,
       {}},
      {"input", "FILE", "generate: one context per line (raw text, encoded as training does)",
       nullptr, {C::Generate}, nullptr, {C::Generate}},
      {"beam", "N", "beams per context", nullptr, {C::Generate}, "10", {}},
      {"greedy", nullptr, "one beam (greedy decoding with the same n-gram and eos rules; "
       "overrides --beam)", nullptr,
       {C::Generate}, nullptr, {}},
      {"length-penalty", "P", "a finished beam scores sum log p / length^P", nullptr,
       {C::Generate}, "0.8", {}},
      {"no-repeat-ngram", "N", "never repeat an n-gram of this size in the generated tokens "
       "(0 = off)", nullptr, {C::Generate}, "4", {}},
      {"max-new-tokens", "N", "tokens generated per context, at most", nullptr, {C::Generate},
       "64", {}},
      {"eos", "IDS", "comma-separated ids that end a text (the first also ends each context) "
       "[default: <|endoftext|> and the blank-line token of the vocabulary: 50256,628 for GPT-2]",
       nullptr, {C::Generate}, nullptr, {}},
      {"seq-len", "N", "contexts keep their last N - max-new-tokens tokens (the reference's "
       "seq_len) [default: 512, or the model's positions if fewer]", nullptr, {C::Generate},
       nullptr, {}},
      {"no-cache", nullptr, "re-run the whole sequence every step instead of the KV cache "
       "(slower; for checks)", nullptr, {C::Generate}, nullptr, {}},
      {"metrics", "SET", "e2e (bleu nist meteor rouge_l cider), webnlg or dart (bleu meteor ter)",
       nullptr, {C::Score}, nullptr, {C::Score}},
      {"hypotheses", "FILE", "one generated text per line", nullptr, {C::Score}, nullptr,
       {C::Score}},
      {"references", "FILE", "score: each hypothesis's references, one per line, groups separated "
       "by one blank line, in hypothesis order; make-task data-to-text: references per meaning "
       "representation, at most [default: 3]", nullptr, {C::Score, C::MakeTask}, nullptr, {}},
      {"categories", "FILE", "WebNLG: the category of each hypothesis, one per line (for "
       "--filter)", nullptr, {C::Score}, nullptr, {}},
      {"filter", "WHICH", "WebNLG: score the seen, unseen or all categories", nullptr, {C::Score},
       "all", {}},
      {"json", nullptr, "print one JSON object with lowercase metric names", nullptr, {C::Score},
       nullptr, {}},
      {"wordnet", "DIR", "WordNet 3.0 dictionary for METEOR's synonyms", "ADAMIX_WORDNET_DIR",
       {C::Score}, "/usr/share/wordnet", {}},
      {"checkpoint", "CKPT.h5", "a trained trial's checkpoint (forward: apply its PEFT and head; "
       "generate: its PEFT weights on --model, its backbone)", nullptr,
       {C::Forward, C::Export, C::Generate}, nullptr, {C::Export}},
      {"adapter", "DIR", "a Hugging Face PEFT LoRA adapter folder (adapter_config.json, "
       "adapter_model.safetensors) on --model; logits too when it saved a classification head",
       nullptr, {C::Forward}, nullptr, {}},
      {"mode", "MODE", "inference mode: merged, ensemble (forward only), random-batch, "
       "random-token or fixed:I,J [default: the trial's]", nullptr, {C::Forward, C::Generate},
       nullptr, {}},
      {"format", "FORMAT", "safetensors (merged experts, docs/formats.md names), peft (a LoRA trial "
       "as a Hugging Face PEFT adapter folder) or adapterhub (an adapter trial as an AdapterHub "
       "`adapters` folder)", nullptr, {C::Export}, "safetensors", {}},
      {"format", "FORMAT", "md, latex, csv, html or all", nullptr, {C::Report}, "all", {}},
      {"table", "NAME", "only this table (main, an ablation such as experts, or pivot)", nullptr,
       {C::Report}, nullptr, {}},
      {"rows", "KEY", "pivot table: rows by this config key (e.g. method.experts; with --cols)",
       nullptr, {C::Report}, nullptr, {}},
      {"cols", "KEY", "pivot table: columns by this config key (e.g. task.name)", nullptr,
       {C::Report}, nullptr, {}},
      {"metric", "NAME", "pivot table: the metric (split/name such as dev/f1, or main)", nullptr,
       {C::Report}, "main", {}},
      {"hf-head-names", nullptr, "name head tensors as Hugging Face's *ForSequenceClassification "
       "(classifier.*, score.*)", nullptr, {C::Export}, nullptr, {}},
      {"device", "DEV", "cpu, cuda or cuda:N (train, pretrain: overrides the config's device)",
       "ADAMIX_DEVICE", {C::Train, C::Pretrain, C::Forward, C::Generate}, nullptr, {}},
      {"tensorboard-run", "NAME", "train: the TensorBoard run's folder name under "
       "OUT/tensorboard/ (adamix sweep passes the trial's tags or changes) [default: trial]",
       nullptr, {C::Train}, nullptr, {}},
      {"events-fd", "FD", "write JSON-line trial events to this file descriptor (used by adamix "
       "sweep's workers)", nullptr, {C::Train}, nullptr, {}},
      {"attempt", "N", "attempt number of this trial, reported in events", nullptr, {C::Train},
       "1", {}},
      {"threads", "N", "LibTorch intra-op threads (0 = one per core; sweep: per trial, 0 = the "
       "node's cores shared by its workers)", "ADAMIX_THREADS",
       {C::Train, C::Pretrain, C::Sweep, C::Tokenize, C::Forward, C::MakeModel, C::MakeTask,
        C::Generate}, "0",
       {}},
      {"resume", nullptr, "continue the sweep in --out: skip finished trials, resume unfinished "
       "ones from their checkpoints (also fine on a fresh directory)", nullptr, {C::Sweep},
       nullptr, {}},
      {"retry-failed", nullptr, "with --resume: give trials that failed a fresh set of attempts",
       nullptr, {C::Sweep}, nullptr, {}},
      {"max-attempts", "N", "attempts per trial before it counts as failed", nullptr, {C::Sweep},
       "2", {}},
      {"workers", "N", "trials run at once when not started by mpirun/srun (each its own process)",
       "ADAMIX_WORKERS", {C::Sweep}, "1", {}},
      {"gpus-per-worker", "G", "GPUs per worker, bound by node-local rank through "
       "CUDA_VISIBLE_DEVICES (0 = leave it alone: CPU trials)", nullptr, {C::Sweep}, "0", {}},
      {"grace", "SECONDS", "on SIGTERM/SIGUSR2/SIGINT, time a trial gets to checkpoint before it "
       "is killed", nullptr, {C::Sweep, C::Submit}, "60", {}},
      {"progress", "MODE", "auto, terminal (redrawn block) or lines (one line per event)", nullptr,
       {C::Sweep}, "auto", {}},
      {"noop-trials", nullptr, "benchmark the orchestrator: trials finish at once and train "
       "nothing", nullptr, {C::Sweep}, nullptr, {}},
      {"run", "DIR", "the sweep's run directory (holds results.sqlite; adamix sweep --run)",
       nullptr, {C::Status, C::Report}, nullptr, {C::Status, C::Report}},
      {"arch", "NAME", "bert, roberta or gpt2", nullptr, {C::MakeModel}, nullptr, {C::MakeModel}},
      {"hidden", "H", "hidden size", nullptr, {C::MakeModel}, "64", {}},
      {"layers", "L", "number of layers", nullptr, {C::MakeModel}, "2", {}},
      {"heads", "A", "attention heads (must divide the hidden size)", nullptr, {C::MakeModel}, "4", {}},
      {"intermediate", "I", "feed-forward size", nullptr, {C::MakeModel}, "256", {}},
      {"max-positions", "P", "longest sequence the position table holds", nullptr, {C::MakeModel},
       "128", {}},
      {"vocab-size", "V", "make-model: vocabulary size of a synthetic tokenizer [default: 1000]; "
       "make-tokenizer: tokens to learn, special tokens included [default: 8000]", nullptr,
       {C::MakeModel, C::MakeTokenizer}, nullptr, {}},
      {"tokenizer", "KIND", "wordpiece (BERT: vocab.txt), gpt2 or roberta (byte-level BPE: "
       "vocab.json + merges.txt)", nullptr, {C::MakeTokenizer}, "wordpiece", {}},
      {"corpus", "FILE", "training text, one text per line", nullptr, {C::MakeTokenizer}, nullptr,
       {C::MakeTokenizer}},
      {"min-frequency", "N", "stop merging when the best pair is seen fewer times", nullptr,
       {C::MakeTokenizer}, "2", {}},
      {"cased", nullptr, "wordpiece: keep case and accents (default: lower-case, as "
       "bert-base-uncased)", nullptr, {C::MakeTokenizer}, nullptr, {}},
      {"vocab-from", "DIR", "copy the tokenizer files (and vocabulary size) of this model", nullptr,
       {C::MakeModel}, nullptr, {}},
      {"init-range", "STD", "standard deviation of the random weights (HF initializer_range)",
       nullptr, {C::MakeModel}, "0.02", {}},
      {"seed", "S", "random seed", nullptr, {C::MakeModel, C::MakeTask}, "1", {}},
      {"kind", "KIND", "over a model's words (--model): single, pair or regression; in the "
       "synthetic language: corpus, sentiment, entailment, paraphrase, similarity, acceptability "
       "or data-to-text", nullptr, {C::MakeTask}, "single", {}},
      {"vocabulary", "N", "synthetic language: content words (same seed and vocabulary = same "
       "words)", nullptr, {C::MakeTask}, "3000", {}},
      {"depth", "D", "synthetic language: 1-5, clauses per sentence and modifiers per noun",
       nullptr, {C::MakeTask}, "2", {}},
      {"tokens", "N", "corpus: about this many words", nullptr, {C::MakeTask}, "1000000", {}},
      {"label-noise", "P", "synthetic language tasks: this fraction of train labels replaced",
       nullptr, {C::MakeTask}, "0", {}},
      {"size", "N", "training examples", nullptr, {C::MakeTask}, "2000", {}},
      {"dev-size", "N", "dev examples (test.tsv gets as many, unlabeled)", nullptr, {C::MakeTask},
       "500", {}},
      {"labels", "N", "classes (single: 2-8, pair: 2 or 3)", nullptr, {C::MakeTask}, "2", {}},
  };
  // clang-format on
  return table;
}

const CommandInfo* find_command(const std::string& name) {
  for (const auto& info : commands())
    if (name == info.name) return &info;
  return nullptr;
}

namespace {

const CommandInfo& info_of(Command command) {
  for (const auto& info : commands())
    if (info.command == command) return info;
  throw Error("unknown command");
}

bool accepts(const FlagInfo& flag, Command command) {
  return std::find(flag.commands.begin(), flag.commands.end(), command) != flag.commands.end();
}

bool is_required(const FlagInfo& flag, Command command) {
  return std::find(flag.required_by.begin(), flag.required_by.end(), command) !=
         flag.required_by.end();
}

po::options_description description(Command command) {
  po::options_description desc("Options", 100, 50);
  desc.add_options()("help,h", "show this help");
  for (const auto& flag : flags()) {
    if (!accepts(flag, command)) continue;
    std::string help = flag.help;
    if (flag.default_value) help += " [default: " + std::string(flag.default_value) + "]";
    if (flag.env) help += " [env: " + std::string(flag.env) + "]";
    if (is_required(flag, command)) help += " (required)";
    if (flag.value_name && flag.repeatable) {
      desc.add_options()(
          flag.name,
          po::value<std::vector<std::string>>()->composing()->value_name(flag.value_name),
          help.c_str());
    } else if (flag.value_name) {
      desc.add_options()(flag.name, po::value<std::string>()->value_name(flag.value_name),
                         help.c_str());
    } else {
      desc.add_options()(flag.name, help.c_str());
    }
  }
  return desc;
}

}  // namespace

bool ParsedFlags::has(const std::string& name) const {
  return std::any_of(values_.begin(), values_.end(),
                     [&](const auto& v) { return v.first == name; });
}

std::optional<std::string> ParsedFlags::get_optional(const std::string& name) const {
  for (const auto& [key, value] : values_)
    if (key == name) return value;
  return std::nullopt;
}

std::string ParsedFlags::get(const std::string& name) const {
  auto value = get_optional(name);
  if (!value) throw ConfigError("missing --" + name);
  return *value;
}

double ParsedFlags::get_double(const std::string& name) const {
  const auto text = get(name);
  try {
    size_t used = 0;
    const double value = std::stod(text, &used);
    if (used == text.size()) return value;
  } catch (const std::exception&) {
  }
  throw ConfigError("--" + name + " expects a number, got '" + text + "'");
}

int64_t ParsedFlags::get_int(const std::string& name) const {
  const auto text = get(name);
  try {
    size_t used = 0;
    const long long value = std::stoll(text, &used);
    if (used == text.size()) return value;
  } catch (const std::exception&) {
  }
  throw ConfigError("--" + name + " expects an integer, got '" + text + "'");
}

bool ParsedFlags::get_switch(const std::string& name) const { return has(name); }

std::vector<std::string> ParsedFlags::get_all(const std::string& name) const {
  std::vector<std::string> all;
  for (const auto& [key, value] : values_)
    if (key == name) all.push_back(value);
  return all;
}

ParsedFlags parse_flags(Command command, int argc, const char* const* argv) {
  const auto desc = description(command);
  const auto& info = info_of(command);
  po::options_description hidden;
  hidden.add_options()("positional", po::value<std::vector<std::string>>());
  po::options_description all;
  all.add(desc).add(hidden);
  po::positional_options_description positional;
  positional.add("positional", -1);

  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
  } catch (const po::error& e) {
    throw ConfigError(e.what());
  }
  ParsedFlags parsed;
  parsed.help_ = vm.count("help") > 0;
  if (vm.count("positional")) parsed.positional_ = vm["positional"].as<std::vector<std::string>>();
  if (parsed.help_) return parsed;
  if (!parsed.positional_.empty() && std::string(info.usage).empty())
    throw ConfigError("unexpected argument '" + parsed.positional_.front() + "'");

  for (const auto& flag : flags()) {
    if (!accepts(flag, command)) continue;
    if (vm.count(flag.name) && flag.repeatable) {
      for (const auto& value : vm[flag.name].as<std::vector<std::string>>())
        parsed.values_.emplace_back(flag.name, value);
    } else if (vm.count(flag.name)) {
      parsed.values_.emplace_back(flag.name,
                                  flag.value_name ? vm[flag.name].as<std::string>() : "");
    } else if (const char* env = flag.env ? std::getenv(flag.env) : nullptr; env && *env) {
      parsed.values_.emplace_back(flag.name, env);
    } else if (flag.default_value) {
      parsed.values_.emplace_back(flag.name, flag.default_value);
    } else if (is_required(flag, command)) {
      throw ConfigError("missing required --" + std::string(flag.name));
    }
  }
  return parsed;
}

std::string command_help(Command command) {
  const auto& info = info_of(command);
  std::ostringstream out;
  out << "usage: adamix " << info.name << " [options]";
  if (*info.usage) out << " " << info.usage;
  out << "\n" << info.summary << "\n\n" << description(command);
  return out.str();
}

std::string general_help() {
  std::ostringstream out;
  out << "usage: adamix <command> [options]   (adamix <command> --help for its options)\n\n"
         "commands:\n";
  size_t width = 0;
  for (const auto& info : commands()) width = std::max(width, std::string(info.name).size());
  for (const auto& info : commands()) {
    std::string name = info.name;
    name.resize(width + 2, ' ');
    out << "  " << name << info.summary << "\n";
  }
  return out.str();
}

}  // namespace adamix::cli
