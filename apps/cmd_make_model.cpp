#include <unistd.h>

#include <iostream>

#include "apps/commands.h"
#include "core/error.h"
#include "core/models/make_model.h"
#include "core/runtime/threads.h"
#include "core/tokenizers/tokenizer.h"

namespace adamix::cli {
namespace fs = std::filesystem;

namespace {

text::TokenizerKind tokenizer_kind(models::Arch arch) {
  switch (arch) {
    case models::Arch::Bert: return text::TokenizerKind::WordPiece;
    case models::Arch::Roberta: return text::TokenizerKind::RobertaBpe;
    case models::Arch::Gpt2: return text::TokenizerKind::Gpt2Bpe;
  }
  throw Error("unknown architecture");
}

// The tokenizer files `arch` needs must be in `dir` (a BERT model reads vocab.txt, GPT-2 and
// RoBERTa read vocab.json + merges.txt).
void check_vocab_dir(models::Arch arch, const fs::path& dir) {
  const bool wordpiece = arch == models::Arch::Bert;
  for (const char* name : wordpiece ? std::vector<const char*>{"vocab.txt"}
                                    : std::vector<const char*>{"vocab.json", "merges.txt"}) {
    if (!fs::exists(dir / name))
      throw ConfigError("--vocab-from " + dir.string() + " has no " + name + ", which a " +
                        models::arch_name(arch) + " model needs");
  }
}

// Everything is written into a temporary folder beside `out`, which is renamed into place last.
void write_model_dir(const models::MakeModelOptions& options,
                     const std::optional<std::string>& vocab_from, const fs::path& out) {
  const auto tmp = fs::path(out.string() + ".tmp." + std::to_string(::getpid()));
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  try {
    const auto config = models::make_model(options, tmp);
    if (vocab_from) {
      text::copy_tokenizer_files(*vocab_from, tmp);
    } else {
      text::write_synthetic_tokenizer(tmp, tokenizer_kind(config.arch), options.vocab_size);
    }
    const auto tokenizer = text::load_tokenizer(tmp);
    if (tokenizer->vocab_size() != config.vocab_size)
      throw ConfigError("tokenizer has " + std::to_string(tokenizer->vocab_size()) +
                        " entries but the model " + std::to_string(config.vocab_size));
    if (fs::is_directory(out)) fs::remove(out);  // only an empty folder gets here
    fs::rename(tmp, out);
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(tmp, ignored);
    throw;
  }
}

}  // namespace

int run_make_model(const ParsedFlags& flags) {
  runtime::configure_threads(static_cast<int>(flags.get_int("threads")));
  models::MakeModelOptions options;
  options.arch = flags.get("arch");
  options.hidden = flags.get_int("hidden");
  options.layers = flags.get_int("layers");
  options.heads = flags.get_int("heads");
  options.intermediate = flags.get_int("intermediate");
  options.max_positions = flags.get_int("max-positions");
  options.seed = static_cast<uint64_t>(flags.get_int("seed"));
  options.initializer_range = flags.get_double("init-range");
  const auto vocab_from = flags.get_optional("vocab-from");
  if (vocab_from && flags.has("vocab-size"))
    throw ConfigError("give --vocab-from or --vocab-size, not both");
  const auto arch = models::parse_arch(options.arch);
  if (vocab_from) {
    check_vocab_dir(arch, *vocab_from);
    options.vocab_size = text::load_tokenizer(*vocab_from)->vocab_size();
  } else {
    options.vocab_size = flags.has("vocab-size") ? flags.get_int("vocab-size") : 1000;
    const auto minimum = text::min_synthetic_vocab_size(tokenizer_kind(arch));
    if (options.vocab_size < minimum)
      throw ConfigError("--vocab-size " + std::to_string(options.vocab_size) + " is below the " +
                        std::to_string(minimum) + " a synthetic " + models::arch_name(arch) +
                        " tokenizer needs");
  }
  models::make_model_config(options);  // validates every size before anything is written

  const fs::path out = flags.get("out");
  if (fs::exists(out) && !(fs::is_directory(out) && fs::is_empty(out)))
    throw ConfigError("--out " + out.string() + " already exists; refusing to overwrite it");
  const auto parent = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  if (!fs::is_directory(parent))
    throw IoError("cannot write " + out.string() + ": directory " + parent.string() +
                  " does not exist");
  write_model_dir(options, vocab_from, out);
  std::cerr << "wrote " << out.string() << " (" << models::arch_name(arch) << ", vocabulary "
            << options.vocab_size << ")\n";
  return 0;
}

}  // namespace adamix::cli
