#include "core/data/make_task.h"

#include <algorithm>
#include <sstream>
#include <unordered_set>

#include "core/data/rng.h"
#include "core/data/task_folder.h"
#include "core/error.h"
#include "core/io/atomic_file.h"
#include "core/io/json_file.h"
#include "core/tokenizers/tokenizer.h"

namespace adamix::data {
namespace {

namespace fs = std::filesystem;
using metrics::Metric;

constexpr int64_t kKeywordsPerClass = 3;
constexpr int64_t kOppositePairs = 4;    // pair kind
constexpr int64_t kKeywordsPerSide = 3;  // regression: "up" and "down" words
constexpr int64_t kMaxFillers = 200;
constexpr int64_t kMinFillers = 12;
constexpr const char* kScores[] = {"0.00", "1.25", "2.50", "3.75", "5.00"};  // 1.25 (p - n + 2)

bool is_lower_word(std::string_view text) {
  return text.size() >= 3 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

int64_t keyword_count(const MakeTaskOptions& o) {
  if (o.kind == "single") return kKeywordsPerClass * o.num_labels;
  if (o.kind == "pair") return 2 * kOppositePairs;
  return 2 * kKeywordsPerSide;
}

// The words sentences are made of; each is one token after a space.
struct WordPool {
  std::vector<std::string> keywords;  // carry the label
  std::vector<std::string> fillers;   // carry nothing
  // Fillers that are one token at a sentence's start too (byte-level BPE encodes "word" and
  // " word" differently); every sentence starts with one, so keywords always follow a space.
  std::vector<std::string> starters;
};

class Generator {
 public:
  Generator(const MakeTaskOptions& options, const WordPool& words, std::vector<std::string> labels,
            Rng& rng)
      : o_(options),
        keywords_(words.keywords),
        fillers_(words.fillers),
        starters_(words.starters),
        labels_(std::move(labels)),
        rng_(rng) {}

  // `count` rows, labels (or regression (p, n) cells) balanced: cycled, then shuffled.
  std::vector<TaskRow> rows(int64_t count) {
    const int64_t cells = o_.kind == "regression" ? 9 : static_cast<int64_t>(labels_.size());
    std::vector<int64_t> targets(static_cast<size_t>(count));
    for (int64_t i = 0; i < count; ++i) targets[i] = i % cells;
    rng_.shuffle(targets);
    std::vector<TaskRow> result;
    result.reserve(targets.size());
    for (int64_t target : targets) {
      if (o_.kind == "single") result.push_back(single(target));
      if (o_.kind == "pair") result.push_back(pair(target));
      if (o_.kind == "regression") result.push_back(regression(target / 3, target % 3));
    }
    return result;
  }

 private:
  // `words` shuffled among low..high fillers, the first of which starts the sentence.
  std::vector<std::string> with_fillers(std::vector<std::string> words, int64_t low, int64_t high) {
    for (int64_t k = rng_.between(low, high) - 1; k > 0; --k) words.push_back(rng_.pick(fillers_));
    rng_.shuffle(words);
    words.insert(words.begin(), rng_.pick(starters_));
    return words;
  }
  static std::string sentence(const std::vector<std::string>& words) {
    std::string text;
    for (const auto& word : words) text += (text.empty() ? "" : " ") + word;
    return text;
  }
  const std::string& keyword_of_class(int64_t c) {
    return keywords_[c * kKeywordsPerClass + rng_.below(kKeywordsPerClass)];
  }

  TaskRow single(int64_t label) {
    const int64_t classes = static_cast<int64_t>(labels_.size());
    const int64_t own = rng_.between(1, 3);
    std::vector<std::string> words;
    for (int64_t k = 0; k < own; ++k) words.push_back(keyword_of_class(label));
    for (int64_t k = rng_.below(own); k > 0; --k) {  // each other class stays below `own`
      words.push_back(keyword_of_class((label + 1 + rng_.below(classes - 1)) % classes));
    }
    return {sentence(with_fillers(std::move(words), 4, 10)), "", labels_[label]};
  }

  TaskRow pair(int64_t label) {
    const int64_t keywords = 2 * kOppositePairs;
    const int64_t a = rng_.below(keywords);
    const int64_t opposite = a ^ 1;  // keywords 2k and 2k + 1 are opposites
    const std::string& name = labels_[label];
    int64_t b = a;
    if (name == "contradiction") {
      b = opposite;
    } else if (name == "neutral") {  // another pair's keyword
      do b = rng_.below(keywords);
      while (b == a || b == opposite);
    } else if (name == "not_entailment") {
      do b = rng_.below(keywords);
      while (b == a);
    }
    return {sentence(with_fillers({keywords_[a]}, 3, 8)),
            sentence(with_fillers({keywords_[b]}, 3, 8)), name};
  }

  TaskRow regression(int64_t up, int64_t down) {
    std::vector<std::string> words;
    for (int64_t k = 0; k < up; ++k) words.push_back(keywords_[rng_.below(kKeywordsPerSide)]);
    for (int64_t k = 0; k < down; ++k) {
      words.push_back(keywords_[kKeywordsPerSide + rng_.below(kKeywordsPerSide)]);
    }
    return {sentence(with_fillers(std::move(words), 4, 10)), "", kScores[up - down + 2]};
  }

  const MakeTaskOptions& o_;
  std::vector<std::string> keywords_;
  std::vector<std::string> fillers_;
  std::vector<std::string> starters_;
  std::vector<std::string> labels_;
  Rng& rng_;
};

TaskSpec spec_for(const MakeTaskOptions& o) {
  TaskSpec spec;
  spec.synthetic = true;
  spec.name = "synthetic-" + o.kind;
  spec.kind = o.kind;
  spec.pair = o.kind == "pair";
  spec.regression = o.kind == "regression";
  spec.dev_splits = {"dev"};
  spec.test_splits = {"test"};
  if (spec.regression) {
    spec.metrics = {Metric::Pearson, Metric::Spearman};
    spec.main_metric = Metric::Pearson;
  } else if (spec.pair) {
    spec.labels = o.num_labels == 2
                      ? std::vector<std::string>{"entailment", "not_entailment"}
                      : std::vector<std::string>{"contradiction", "entailment", "neutral"};
    spec.metrics = {Metric::Accuracy};
  } else {
    for (int64_t c = 0; c < o.num_labels; ++c) spec.labels.push_back(std::to_string(c));
    spec.metrics = {Metric::Accuracy};
    if (o.num_labels == 2) spec.metrics = {Metric::Accuracy, Metric::F1, Metric::Mcc};
  }
  return spec;
}

// Keywords and fillers: whole words that the model's tokenizer keeps as one token after a
// space, in a seeded random order. ConfigError when the vocabulary has too few.
WordPool pick_words(const MakeTaskOptions& o, Rng& rng) {
  std::vector<std::string> candidates = whole_word_tokens(o.model_dir);
  rng.shuffle(candidates);
  const auto tokenizer = text::load_tokenizer(o.model_dir);
  const int64_t keywords = keyword_count(o);
  std::vector<std::string> words;
  for (const auto& word : candidates) {
    if (static_cast<int64_t>(words.size()) >= keywords + kMaxFillers) break;
    if (tokenizer->encode_text(" " + word).size() == 1) words.push_back(word);
  }
  if (static_cast<int64_t>(words.size()) < keywords + kMinFillers) {
    throw ConfigError("make-task: the vocabulary of " + o.model_dir.string() + " has " +
                      std::to_string(words.size()) + " usable whole-word tokens; kind " + o.kind +
                      " needs at least " + std::to_string(keywords + kMinFillers));
  }
  WordPool pool;
  pool.keywords.assign(words.begin(), words.begin() + keywords);
  pool.fillers.assign(words.begin() + keywords, words.end());
  for (const auto& word : pool.fillers) {
    if (tokenizer->encode_text(word).size() == 1) pool.starters.push_back(word);
  }
  if (pool.starters.empty()) pool.starters = pool.fillers;  // tiny vocabularies: best effort
  return pool;
}

}  // namespace

void MakeTaskOptions::validate() const {
  if (model_dir.empty()) throw ConfigError("make-task: --model (model_dir) is required");
  if (out.empty()) throw ConfigError("make-task: --out is required");
  if (kind != "single" && kind != "pair" && kind != "regression") {
    throw ConfigError("make-task: kind \"" + kind + "\" is not single, pair or regression");
  }
  auto check_size = [](const char* name, int64_t value) {
    if (value < 10 || value > 10'000'000) {
      throw ConfigError(std::string("make-task: ") + name + " " + std::to_string(value) +
                        " is outside [10, 10000000]");
    }
  };
  check_size("size", size);
  check_size("dev_size", dev_size);
  if (kind == "single" && (num_labels < 2 || num_labels > 8)) {
    throw ConfigError("make-task: num_labels " + std::to_string(num_labels) +
                      " is outside [2, 8] for kind single");
  }
  if (kind == "pair" && num_labels != 2 && num_labels != 3) {
    throw ConfigError("make-task: num_labels " + std::to_string(num_labels) +
                      " must be 2 or 3 for kind pair");
  }
}

std::vector<std::string> whole_word_tokens(const fs::path& model_dir) {
  std::vector<std::string> words;
  if (fs::exists(model_dir / "vocab.txt")) {
    std::istringstream lines(io::read_file(model_dir / "vocab.txt"));
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (is_lower_word(line)) words.push_back(line);
    }
  } else if (fs::exists(model_dir / "vocab.json")) {
    const fs::path file = model_dir / "vocab.json";
    const nlohmann::json vocab = io::read_json_file(file);
    if (!vocab.is_object()) throw IoError(file.string() + " is not a JSON object");
    const std::string space_marker = "\xC4\xA0";  // "Ġ": byte-level BPE's encoded space
    std::vector<std::pair<int64_t, std::string>> by_id;
    for (const auto& [token, id] : vocab.items()) {
      if (token.rfind(space_marker, 0) == 0 && is_lower_word(token.substr(space_marker.size())) &&
          id.is_number_integer()) {
        by_id.emplace_back(id.get<int64_t>(), token.substr(space_marker.size()));
      }
    }
    std::sort(by_id.begin(), by_id.end());
    for (auto& entry : by_id) words.push_back(std::move(entry.second));
  } else {
    throw IoError(model_dir.string() + " holds no vocab.txt or vocab.json (tokenizer files)");
  }
  std::vector<std::string> unique;
  std::unordered_set<std::string> seen;
  for (auto& word : words) {
    if (seen.insert(word).second) unique.push_back(std::move(word));
  }
  return unique;
}

TaskSpec make_task(const MakeTaskOptions& options) {
  options.validate();
  Rng rng(options.seed);
  const WordPool words = pick_words(options, rng);
  const TaskSpec spec = spec_for(options);
  Generator generator(options, words, spec.labels, rng);
  const char* label_header = spec.regression ? "score" : "label";
  const std::string train = task_tsv(generator.rows(options.size), spec.pair, false, label_header);
  const std::string dev =
      task_tsv(generator.rows(options.dev_size), spec.pair, false, label_header);
  const std::string test =
      task_tsv(generator.rows(options.dev_size), spec.pair, true, label_header);

  nlohmann::json doc = synthetic_task_json(spec);
  doc["generator"] = "adamix make-task";
  doc["seed"] = options.seed;
  doc["sizes"] = {{"train", options.size}, {"dev", options.dev_size}, {"test", options.dev_size}};
  doc["keywords"] = words.keywords;

  write_task_folder(options.out, "make-task", [&](const fs::path& dir) {
    io::write_text_atomically(dir / "train.tsv", train);
    io::write_text_atomically(dir / "dev.tsv", dev);
    io::write_text_atomically(dir / "test.tsv", test);
    io::write_text_atomically(dir / "task.json", doc.dump(2) + "\n");
  });
  return spec;
}

}  // namespace adamix::data
