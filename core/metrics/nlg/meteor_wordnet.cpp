// Meteor's synonym dictionary rebuilt from a WordNet 3.0 dictionary directory.
//
// Meteor ships english.synsets (word -> synset offsets, from index.sense) and
// english.exceptions (inflected form -> bases, from the four *.exc files); both come from its
// scripts/build_wordnet_files.py. index.sense lists the same (lemma, offset) pairs as the
// index.{noun,verb,adj,adv} files, which is what is read here. Offsets are plain integers in
// Meteor, so a noun and an adjective synset at the same byte offset count as one synset
// (282 such collisions in WordNet 3.0); reproducing that needs Princeton's original offsets.
// Debian's wordnet-base patches two lexicographer files (adj.all: a missing space, #544866;
// verb.all: one pointer moved), which shifts adjective offsets after 01681307 by +1 and verb
// offsets in [00613036, 02422681] by +18; those shifts are undone here when detected.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <unordered_map>

#include "core/error.h"
#include "core/metrics/nlg/meteor.h"

namespace adamix::metrics::nlg {

struct MeteorWordNet::Data {
  std::unordered_map<std::string, std::vector<int>> synsets;        // sorted, unique
  std::unordered_map<std::string, std::vector<std::string>> bases;  // exceptions
};

namespace {

std::ifstream open_or_throw(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("meteor: cannot read WordNet file " + path.string());
  return in;
}

// True when the data file has a synset line starting at `offset` (its own 8-digit offset).
bool synset_at(const std::filesystem::path& path, long offset) {
  std::ifstream in = open_or_throw(path);
  in.seekg(offset);
  char buf[9] = {};
  if (!in.read(buf, 8)) return false;
  char want[16];
  std::snprintf(want, sizeof want, "%08ld", offset);
  return std::string(buf, 8) == want && in.get() == ' ';
}

struct Shift {
  long first = 0;  // Debian offsets in [first, last] are `delta` past Princeton's
  long last = 0;
  int delta = 0;
};

// Detects Debian's layout of data.<pos> (see the file comment); throws IoError when the file
// is neither Debian's nor Princeton's WordNet 3.0.
Shift detect_shift(const std::filesystem::path& dir, const std::string& pos, long debian,
                   long princeton, Shift shift) {
  std::filesystem::path data = dir / ("data." + pos);
  if (synset_at(data, debian)) return shift;
  if (synset_at(data, princeton)) return Shift{};
  throw IoError("meteor: " + data.string() +
                " is not WordNet 3.0 (neither the Princeton nor the Debian layout)");
}

std::shared_ptr<const MeteorWordNet::Data> read_wordnet(const std::filesystem::path& dir) {
  auto data = std::make_shared<MeteorWordNet::Data>();
  const Shift verb_shift = detect_shift(dir, "verb", 613036, 613018, {613036, 2422681, 18});
  const Shift adj_shift = detect_shift(dir, "adj", 1681478, 1681477, {1681478, 99999999, 1});

  for (const std::string pos : {"noun", "verb", "adj", "adv"}) {
    const std::filesystem::path path = dir / ("index." + pos);
    std::ifstream in = open_or_throw(path);
    const Shift shift = pos == "verb" ? verb_shift : pos == "adj" ? adj_shift : Shift{};
    std::string line;
    long line_no = 0;
    while (std::getline(in, line)) {
      ++line_no;
      if (line.empty() || line[0] == ' ') continue;  // license header
      // lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset...
      std::istringstream fields(line);
      std::string lemma, pos_tag, token;
      int synset_cnt = -1, p_cnt = -1;
      fields >> lemma >> pos_tag >> synset_cnt >> p_cnt;
      for (int i = 0; fields && i < p_cnt + 2; ++i) fields >> token;
      std::vector<int>& sets = data->synsets[lemma];
      int read = 0;
      long offset = 0;
      while (fields >> offset) {
        if (shift.delta != 0 && offset >= shift.first && offset <= shift.last)
          offset -= shift.delta;
        sets.push_back(static_cast<int>(offset));
        ++read;
      }
      if (!fields.eof() || read != synset_cnt || synset_cnt <= 0)
        throw IoError("meteor: malformed WordNet index line " + std::to_string(line_no) + " in " +
                      path.string());
    }
  }
  for (auto& [lemma, sets] : data->synsets) {
    std::sort(sets.begin(), sets.end());
    sets.erase(std::unique(sets.begin(), sets.end()), sets.end());
  }

  // Exceptions: "inflected base..." per line; Meteor maps each inflected form to all bases.
  for (const std::string pos : {"adj", "adv", "noun", "verb"}) {
    std::ifstream in = open_or_throw(dir / (pos + ".exc"));
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string form, base;
      if (!(fields >> form)) continue;
      std::vector<std::string>& bases = data->bases[form];
      while (fields >> base) bases.push_back(base);
    }
  }
  return data;
}

// SynonymDictionary.morph: WordNet's suffix rules (noun, verb, adjective), first hit that is a
// known word. (Meteor's "ful" handling never fires: no rule suffix ends in "l".)
std::string morph(const std::string& word, const MeteorWordNet::Data& data) {
  static const char* const kSuffix[] = {"s",   "ses", "xes", "zes", "ches", "shes", "men",
                                        "ies", "s",   "ies", "es",  "es",   "ed",   "ed",
                                        "ing", "ing", "er",  "est", "er",   "est"};
  static const char* const kEnding[] = {"",  "s", "x", "z", "ch", "sh", "man", "y", "",  "y",
                                        "e", "",  "e", "",  "e",  "",   "",    "",  "e", "e"};
  auto ends_with = [&](const std::string& suffix) {
    return word.size() >= suffix.size() &&
           word.compare(word.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  // Java counts UTF-16 units, this counts bytes; they differ only for non-ASCII words, which
  // have no WordNet entry either way.
  if (ends_with("ss") || word.size() <= 2) return word;
  for (int i = 0; i < 20; ++i) {
    const std::string suffix = kSuffix[i];
    if (!ends_with(suffix)) continue;
    std::string candidate = word.substr(0, word.size() - suffix.size()) + kEnding[i];
    if (data.synsets.count(candidate) != 0) return candidate;
  }
  return "";
}

}  // namespace

std::filesystem::path meteor_default_wordnet_dir() {
  const char* env = std::getenv("ADAMIX_WORDNET_DIR");
  if (env != nullptr && *env != '\0') return env;
  return "/usr/share/wordnet";
}

std::shared_ptr<const MeteorWordNet> MeteorWordNet::load(const std::filesystem::path& dir) {
  static std::mutex mutex;
  static std::map<std::filesystem::path, std::shared_ptr<const MeteorWordNet>> cache;
  const std::filesystem::path key = dir.empty() ? meteor_default_wordnet_dir() : dir;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  if (!std::filesystem::is_directory(key))
    throw IoError("meteor: WordNet directory " + key.string() +
                  " not found (install wordnet-base or set ADAMIX_WORDNET_DIR)");
  auto wordnet = std::make_shared<const MeteorWordNet>(read_wordnet(key));
  cache.emplace(key, wordnet);
  return wordnet;
}

std::vector<int> MeteorWordNet::synsets(const std::string& word) const {
  auto it = data_->synsets.find(word);
  return it == data_->synsets.end() ? std::vector<int>{} : it->second;
}

std::vector<int> MeteorWordNet::stem_synsets(const std::string& word) const {
  auto it = data_->bases.find(word);
  if (it == data_->bases.end()) return synsets(morph(word, *data_));
  std::vector<int> out;
  for (const std::string& base : it->second) {
    std::vector<int> sets = synsets(base);
    out.insert(out.end(), sets.begin(), sets.end());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace adamix::metrics::nlg
