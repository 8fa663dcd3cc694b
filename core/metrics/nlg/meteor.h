#pragma once
// METEOR 1.5 (Denkowski & Lavie), a torch-free reimplementation of the Java program as
// e2e-metrics (pycocoevalcap: `meteor-1.5.jar - - -stdio -l en -norm`) and WebNLG's
// GenerationEval (`-l en -norm -r N`) run it: English, ranking-task parameters
// (alpha 0.85, beta 0.2, gamma 0.6, delta 0.75), modules exact / stem (Snowball English) /
// synonym (WordNet 3.0) with weights 1 / 0.6 / 0.8, per segment the best reference, corpus
// score from summed statistics. Meteor's paraphrase table is not shipped: the default scorer
// runs `-m "exact stem synonym"`; MeteorParaphraser is the hook that plugs a table in as
// stage 4 (weight 0.6). Goldens: tests/fixtures/metrics/meteor/PROVENANCE.md.
//
//   double s = adamix::metrics::nlg::meteor({"the cat sat"}, {{"a cat sat down", "cats sit"}});
#include <array>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace adamix::metrics::nlg {

// One phrase match of a paraphrase table, in word indices of the normalised lines.
struct MeteorPhraseMatch {
  int reference_start = 0;
  int reference_length = 0;
  int hypothesis_start = 0;
  int hypothesis_length = 0;
};

// Hook for Meteor's paraphrase module (ParaphraseMatcher + ParaphraseTransducer): returns every
// paraphrase match between the normalised words, in the order Meteor's ParaphraseMatcher adds
// them (reference-side paths first, then hypothesis-side paths).
class MeteorParaphraser {
 public:
  virtual ~MeteorParaphraser() = default;
  virtual std::vector<MeteorPhraseMatch> match(const std::vector<std::string>& hypothesis,
                                               const std::vector<std::string>& reference) const = 0;
};

struct MeteorOptions {
  // WordNet 3.0 dictionary (index.*, *.exc, data.verb, data.adj); empty: $ADAMIX_WORDNET_DIR,
  // else /usr/share/wordnet (Debian wordnet-base).
  std::filesystem::path wordnet_dir;
  bool normalize = true;  // -norm: Meteor's tokenizer/normaliser, then lowercasing
  double alpha = 0.85;
  double beta = 0.2;
  double gamma = 0.6;
  double delta = 0.75;  // content-word weight; function words get 1 - delta
  double weight_exact = 1.0;
  double weight_stem = 0.6;
  double weight_synonym = 0.8;
  double weight_paraphrase = 0.6;                        // used only with a paraphraser
  int beam_size = 40;                                    // -x
  std::shared_ptr<const MeteorParaphraser> paraphraser;  // null: no paraphrase stage
};

inline constexpr int kMeteorStages = 4;  // exact, stem, synonym, paraphrase

// Meteor's sufficient statistics (MeteorStats; the 23 numbers of a stdio SCORE line) plus the
// derived values that MeteorScorer::compute fills in.
struct MeteorStats {
  double test_length = 0;  // words
  double reference_length = 0;
  double test_function_words = 0;
  double reference_function_words = 0;
  std::array<double, kMeteorStages> test_content{};  // matched words per stage
  std::array<double, kMeteorStages> reference_content{};
  std::array<double, kMeteorStages> test_function{};
  std::array<double, kMeteorStages> reference_function{};
  double chunks = 0;
  double test_word_matches = 0;
  double reference_word_matches = 0;

  double precision = 0;
  double recall = 0;
  double f_mean = 0;
  double frag_penalty = 0;
  double score = 0;

  // MeteorStats.addStats: sums everything except the scores; the chunks of a segment that
  // matches its reference exactly in one chunk are not added.
  void add(const MeteorStats& other);
  // The stdio line ("15.0 14.0 4.0 ..."), as Meteor prints it.
  std::string to_string() const;
};

// Meteor's Normalizer.normalizeLine(line, English, keepPunctuation) followed by Java's
// String.toLowerCase (tokens separated by single spaces). Invalid UTF-8 reads as U+FFFD.
std::string meteor_normalize(const std::string& line);

// Meteor's synonym data (english.synsets / english.exceptions, built by its
// build_wordnet_files.py from WordNet 3.0), read from a WordNet dictionary directory.
class MeteorWordNet {
 public:
  // Throws IoError naming the file when one is missing or malformed. Cached per directory.
  static std::shared_ptr<const MeteorWordNet> load(const std::filesystem::path& dir);
  // Synset ids (WordNet 3.0 data-file offsets; ids of different parts of speech may collide,
  // as in Meteor) of the word form itself; empty when unknown.
  std::vector<int> synsets(const std::string& word) const;
  // SynonymDictionary.getStemSynSets: synsets of the exception-list bases, else of the
  // first WordNet morphological base form found.
  std::vector<int> stem_synsets(const std::string& word) const;

  struct Data;
  explicit MeteorWordNet(std::shared_ptr<const Data> data) : data_(std::move(data)) {}

 private:
  std::shared_ptr<const Data> data_;
};

std::filesystem::path meteor_default_wordnet_dir();

// Meteor's Aligner.align + MeteorScorer.getMeteorStats(Alignment) on normalised words:
// statistics of the best alignment; scores are not computed.
MeteorStats meteor_align(const std::vector<std::string>& hypothesis,
                         const std::vector<std::string>& reference, const MeteorWordNet& wordnet,
                         const MeteorParaphraser* paraphraser, int beam_size);

class MeteorScorer {
 public:
  explicit MeteorScorer(const MeteorOptions& options = {});
  // Statistics of the best-scoring reference (the first among equals), scores computed.
  // Throws InputError when references is empty.
  MeteorStats segment(const std::string& hypothesis,
                      const std::vector<std::string>& references) const;
  // MeteorScorer.computeMetrics: fills precision, recall, f_mean, frag_penalty and score.
  void compute(MeteorStats& stats) const;

 private:
  MeteorOptions options_;
  std::shared_ptr<const MeteorWordNet> wordnet_;
};

struct MeteorResult {
  double score = 0;                    // corpus: computed from the summed statistics
  std::vector<double> segment_scores;  // one per hypothesis
  MeteorStats total;
};

// references[i] are the references of hypotheses[i] (at least one each); throws InputError
// on a size mismatch or an empty reference list. An empty corpus scores 0, as in Meteor.
MeteorResult meteor_evaluate(const std::vector<std::string>& hypotheses,
                             const std::vector<std::vector<std::string>>& references,
                             const MeteorOptions& options = {});

double meteor(const std::vector<std::string>& hypotheses,
              const std::vector<std::vector<std::string>>& references,
              const MeteorOptions& options = {});

}  // namespace adamix::metrics::nlg
