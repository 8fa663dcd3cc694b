#include <iostream>

#include "apps/commands.h"
#include "core/data/make_task.h"
#include "core/data/synthetic_tasks.h"
#include "core/error.h"

namespace adamix::cli {
namespace {

bool is_language_kind(const std::string& kind) {
  for (const char* name : {"corpus", "sentiment", "entailment", "paraphrase", "similarity",
                           "acceptability", "data-to-text"})
    if (kind == name) return true;
  return false;
}

// The synthetic language (core/data/synthetic_tasks.h): a pretraining corpus or a task whose
// labels follow meaning. The same --seed and --vocabulary give the same words, so a corpus and
// the tasks made with them share a vocabulary.
int make_language_data(const ParsedFlags& flags, const std::string& kind) {
  data::LanguageOptions language;
  language.seed = static_cast<uint64_t>(flags.get_int("seed"));
  language.vocabulary = flags.get_int("vocabulary");
  language.depth = static_cast<int>(flags.get_int("depth"));
  const data::SyntheticLanguage words(language);
  const std::filesystem::path out = flags.get("out");
  if (kind == "corpus") {
    data::write_corpus(words, flags.get_int("tokens"), out);
    std::cerr << "wrote " << out.string() << " (corpus of about " << flags.get_int("tokens")
              << " words)\n";
    return 0;
  }
  data::LanguageTaskOptions options;
  options.size = flags.get_int("size");
  options.dev_size = flags.get_int("dev-size");
  options.label_noise = flags.get_double("label-noise");
  options.references = flags.has("references") ? static_cast<int>(flags.get_int("references")) : 3;
  options.seed = static_cast<uint64_t>(flags.get_int("seed"));
  data::write_language_task(words, data::parse_language_task(kind), options, out);
  std::cerr << "wrote " << out.string() << " (" << kind << ", " << options.size << " train / "
            << options.dev_size << " dev examples)\n";
  return 0;
}

}  // namespace

int run_make_task(const ParsedFlags& flags) {
  const auto kind = flags.get("kind");
  if (is_language_kind(kind)) return make_language_data(flags, kind);
  data::MakeTaskOptions options;
  if (!flags.has("model"))
    throw ConfigError("--kind " + kind + " needs --model (a task over that model's vocabulary)");
  options.model_dir = flags.get("model");
  options.kind = kind;
  options.size = flags.get_int("size");
  options.dev_size = flags.get_int("dev-size");
  options.num_labels = flags.get_int("labels");
  options.seed = static_cast<uint64_t>(flags.get_int("seed"));
  options.out = flags.get("out");
  const auto spec = data::make_task(options);
  std::cerr << "wrote " << options.out.string() << " (" << spec.kind << ", " << options.size
            << " train / " << options.dev_size << " dev examples)\n";
  return 0;
}

}  // namespace adamix::cli
