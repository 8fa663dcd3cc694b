#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "apps/commands.h"
#include "core/data/nlg_dataset.h"
#include "core/error.h"
#include "core/metrics/nlg/nlg_scores.h"
#include "core/metrics/nlg/reference_groups.h"

namespace adamix::cli {

namespace {

// Keeps the hypotheses (and their groups) whose WebNLG category passes `filter`.
void filter_categories(metrics::nlg::Corpus& corpus, const std::string& categories_path,
                       const std::string& filter) {
  const auto categories = metrics::nlg::read_hypotheses(categories_path);
  if (categories.size() != corpus.hypotheses.size()) {
    throw InputError(categories_path + ": " + std::to_string(categories.size()) +
                     " categories for " + std::to_string(corpus.hypotheses.size()) + " hypotheses");
  }
  metrics::nlg::Corpus kept;
  for (size_t i = 0; i < categories.size(); ++i) {
    const bool seen = data::is_seen_webnlg_category(categories[i]);
    if (filter == "all" || (filter == "seen") == seen) {
      kept.hypotheses.push_back(corpus.hypotheses[i]);
      kept.references.push_back(corpus.references[i]);
    }
  }
  if (kept.hypotheses.empty())
    throw InputError("no hypothesis is in the " + filter + " categories");
  corpus = std::move(kept);
}

const char* display_name(const std::string& key) {
  if (key == "bleu") return "BLEU";
  if (key == "nist") return "NIST";
  if (key == "meteor") return "METEOR (no paraphrase)";
  if (key == "rouge_l") return "ROUGE_L";
  if (key == "cider") return "CIDEr";
  if (key == "ter") return "TER (as GenerationEval prints it)";
  if (key == "ter_mean") return "TER (segment mean)";
  return key.c_str();
}

}  // namespace

int run_score(const ParsedFlags& flags) {
  const auto set = metrics::nlg::parse_nlg_metric_set(flags.get("metrics"), "--metrics");
  const std::string filter = flags.get("filter");
  if (filter != "all" && filter != "seen" && filter != "unseen") {
    throw ConfigError("--filter: '" + filter + "' (expected seen, unseen or all)");
  }
  if (!flags.has("references")) throw ConfigError("missing --references");
  auto corpus = metrics::nlg::read_corpus(flags.get("hypotheses"), flags.get("references"));
  if (flags.has("categories")) {
    filter_categories(corpus, flags.get("categories"), filter);
  } else if (filter != "all") {
    throw ConfigError("--filter " + filter + " needs --categories");
  }
  metrics::nlg::MeteorOptions meteor;
  meteor.wordnet_dir = flags.get("wordnet");
  const auto scores = metrics::nlg::nlg_scores(set, corpus.hypotheses, corpus.references, meteor);
  if (flags.has("json")) {
    nlohmann::ordered_json out;
    for (const auto& [name, value] : scores) out[name] = value;
    std::cout << out.dump() << "\n";
    return 0;
  }
  std::cout << "SCORES (" << metrics::nlg::to_string(set) << ", " << corpus.hypotheses.size()
            << " hypotheses):\n";
  for (const auto& [name, value] : scores) {
    std::printf("%s: %.4f\n", display_name(name), value);
  }
  return 0;
}

}  // namespace adamix::cli
