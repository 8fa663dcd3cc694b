#include "core/data/synthetic_lexicon.h"

#include <unordered_set>

#include "core/data/rng.h"
#include "core/error.h"

namespace adamix::data {
namespace {

const std::vector<std::string> kOnsets = {
    "",   "b",  "d",  "f",  "g",  "h",  "k",  "l",  "m",  "n",  "p",  "r",  "s",
    "t",  "v",  "w",  "z",  "bl", "br", "dr", "fl", "fr", "gl", "gr", "kl", "kr",
    "pl", "pr", "sk", "sl", "sn", "sp", "st", "tr", "sh", "th", "ch"};
// Plain vowels twice as often as digraphs.
const std::vector<std::string> kVowels = {"a", "e", "i",  "o",  "u",  "a",  "e",  "i",
                                          "o", "u", "ai", "ee", "oo", "ou", "ea", "oa"};
const std::vector<std::string> kInnerCodas = {"", "", "n", "r", "l", "m"};
const std::vector<std::string> kFinalCodas = {"",   "n",  "m",  "l",  "r",  "t",  "k", "nd",
                                              "nt", "st", "rk", "mp", "sh", "ck", "x", "s"};
// Category endings, as English marks its word classes ("-ous", "-ify", "-ment").
const std::vector<std::string> kNounEndings = {"", "", "", "", "er", "et", "on", "ment"};
const std::vector<std::string> kAdjectiveEndings = {"", "", "y", "ous", "ish", "ful", "ic", "ive"};
const std::vector<std::string> kVerbEndings = {"", "", "", "ate", "ify", "en", "le"};

constexpr int kSynonymPercent = 20;  // a lemma gets a second surface word

bool is_vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }
bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// English spelling rules for "-s" (plural, third person) and "-ed" (past).
std::string with_s(const std::string& w) {
  if (ends_with(w, "s") || ends_with(w, "x") || ends_with(w, "z") || ends_with(w, "sh") ||
      ends_with(w, "ch")) {
    return w + "es";
  }
  if (w.size() > 1 && w.back() == 'y' && !is_vowel(w[w.size() - 2])) {
    return w.substr(0, w.size() - 1) + "ies";
  }
  return w + "s";
}
std::string with_ed(const std::string& w) {
  if (w.back() == 'e') return w + "d";
  if (w.size() > 1 && w.back() == 'y' && !is_vowel(w[w.size() - 2])) {
    return w.substr(0, w.size() - 1) + "ied";
  }
  return w + "ed";
}

// Makes pseudo-words and keeps every form unique across the lexicon.
class WordMaker {
 public:
  explicit WordMaker(Rng& rng) : rng_(rng) {
    for (const auto& w : function_words()) used_.insert(w);
  }
  bool claim(const std::vector<std::string>& forms) {
    for (const auto& f : forms) {
      if (used_.count(f)) return false;
    }
    for (const auto& f : forms) used_.insert(f);
    return true;
  }
  std::string stem(const std::vector<std::string>& endings) {
    const int64_t r = rng_.below(100);
    const int syllables = r < 35 ? 1 : r < 88 ? 2 : 3;
    std::string word;
    for (int s = 0; s < syllables; ++s) {
      const std::string& onset = rng_.pick(kOnsets);
      word += (s == 0 || !onset.empty()) ? onset : "l";  // no vowel clash inside a word
      word += rng_.pick(kVowels);
      word += rng_.pick(s + 1 == syllables ? kFinalCodas : kInnerCodas);
    }
    const std::string& ending = rng_.pick(endings);
    if (!ending.empty() && is_vowel(ending[0]) && is_vowel(word.back())) word += "n";
    return word + ending;
  }
  NounForms noun() {
    while (true) {
      const std::string w = stem(kNounEndings);
      const NounForms forms{w, with_s(w)};
      if (w.size() >= 3 && w.size() <= 12 && claim({forms.singular, forms.plural})) return forms;
    }
  }
  std::string adjective() {
    while (true) {
      const std::string w = stem(kAdjectiveEndings);
      if (w.size() >= 3 && w.size() <= 12 && claim({w})) return w;
    }
  }
  VerbForms verb() {
    while (true) {
      const std::string w = stem(kVerbEndings);
      const VerbForms forms{w, with_s(w), with_ed(w)};
      if (w.size() >= 3 && w.size() <= 12 && claim({forms.base, forms.third, forms.past})) {
        return forms;
      }
    }
  }

 private:
  Rng& rng_;
  std::unordered_set<std::string> used_;
};

void add_fixed_core(Lexicon& lex, WordMaker& maker) {
  const NounForms class_nouns[] = {
      {"person", "people"}, {"animal", "animals"}, {"place", "places"},
      {"tool", "tools"},    {"food", "foods"},
  };
  for (int c = 0; c < kSemanticClasses; ++c) {
    maker.claim({class_nouns[c].singular, class_nouns[c].plural});
    lex.nouns.push_back({{class_nouns[c]}, static_cast<SemanticClass>(c), true});
  }
  const uint32_t agents = class_bit(SemanticClass::Person) | class_bit(SemanticClass::Animal);
  const uint32_t anything = (1u << kSemanticClasses) - 1;
  const VerbForms have{"have", "has", "had"}, like{"like", "likes", "liked"},
      hate{"hate", "hates", "hated"};
  for (const VerbForms& v : {have, like, hate}) maker.claim({v.base, v.third, v.past});
  lex.verbs.push_back({{have}, 0, agents, anything, false});
  lex.verbs.push_back({{like}, +1, agents, anything, true});
  lex.verbs.push_back({{hate}, -1, agents, anything, true});
}

SemanticClass other_class(Rng& rng, int c) {
  return static_cast<SemanticClass>((c + 1 + rng.below(kSemanticClasses - 1)) % kSemanticClasses);
}

void index_by_class(Lexicon& lex) {
  lex.nouns_of_class.assign(kSemanticClasses, {});
  lex.adjectives_of_class.assign(kSemanticClasses, {});
  lex.verbs_of_subject.assign(kSemanticClasses, {});
  lex.verbs_of_object.assign(kSemanticClasses, {});
  for (int32_t i = 0; i < static_cast<int32_t>(lex.nouns.size()); ++i) {
    if (!lex.nouns[i].class_noun) {
      lex.nouns_of_class[static_cast<int>(lex.nouns[i].semantic_class)].push_back(i);
    }
  }
  for (int c = 0; c < kSemanticClasses; ++c) {
    const uint32_t bit = class_bit(static_cast<SemanticClass>(c));
    for (int32_t i = 0; i < static_cast<int32_t>(lex.adjectives.size()); ++i) {
      if (lex.adjectives[i].classes & bit) lex.adjectives_of_class[c].push_back(i);
    }
    for (int32_t i = 0; i < static_cast<int32_t>(lex.verbs.size()); ++i) {
      if (lex.verbs[i].subjects & bit) lex.verbs_of_subject[c].push_back(i);
      if (lex.verbs[i].objects & bit) lex.verbs_of_object[c].push_back(i);
    }
  }
}

}  // namespace

const std::string& numeral(int count) {
  static const std::vector<std::string> words = {"one",  "two", "three",  "four",
                                                 "five", "six", "seven",  "eight",
                                                 "nine", "ten", "eleven", "twelve"};
  return words.at(static_cast<size_t>(count - 1));
}

const std::vector<std::string>& function_words() {
  static const std::vector<std::string> words = {
      "the",  "a",     "an",      "some",  "every", "no",     "many",  "few",  "not",
      "and",  "but",   "because", "which", "who",   "is",     "are",   "was",  "were",
      "does", "do",    "did",     "by",    "one",   "two",    "three", "four", "five",
      "six",  "seven", "eight",   "nine",  "ten",   "eleven", "twelve"};
  return words;
}

Lexicon make_lexicon(uint64_t seed, int64_t vocabulary) {
  if (vocabulary < kMinVocabulary || vocabulary > kMaxVocabulary) {
    throw ConfigError("synthetic language: vocabulary " + std::to_string(vocabulary) +
                      " is outside [" + std::to_string(kMinVocabulary) + ", " +
                      std::to_string(kMaxVocabulary) + "]");
  }
  Rng rng(seed);
  WordMaker maker(rng);
  Lexicon lex;
  add_fixed_core(lex, maker);

  // 40% nouns, 30% adjectives (whole antonym pairs), 30% verbs; each lemma may get a synonym.
  const int64_t noun_words = vocabulary * 4 / 10;
  const int64_t adjective_words = vocabulary * 3 / 10;
  const int64_t verb_words = vocabulary - noun_words - adjective_words;
  for (int64_t made = 0, n = 0; made < noun_words; ++n) {
    Noun noun;
    noun.semantic_class = static_cast<SemanticClass>(n % kSemanticClasses);
    noun.synonyms.push_back(maker.noun());
    if (rng.percent(kSynonymPercent)) noun.synonyms.push_back(maker.noun());
    made += static_cast<int64_t>(noun.synonyms.size());
    lex.nouns.push_back(std::move(noun));
  }
  for (int64_t made = 0, d = 0; made < adjective_words; ++d) {
    // Dimension d: first class by turns, so each class gets polar and neutral dimensions.
    const int first = static_cast<int>(d % kSemanticClasses);
    uint32_t classes = class_bit(static_cast<SemanticClass>(first));
    if (rng.percent(50)) classes |= class_bit(other_class(rng, first));
    const int polarity = (d / kSemanticClasses) % 3 == 2 ? 0 : (rng.percent(50) ? 1 : -1);
    const int32_t a = static_cast<int32_t>(lex.adjectives.size());
    for (int pole = 0; pole < 2; ++pole) {
      Adjective adjective;
      adjective.synonyms.push_back(maker.adjective());
      if (rng.percent(kSynonymPercent)) adjective.synonyms.push_back(maker.adjective());
      adjective.antonym = a + 1 - pole;
      adjective.polarity = pole == 0 ? polarity : -polarity;
      adjective.classes = classes;
      made += static_cast<int64_t>(adjective.synonyms.size());
      lex.adjectives.push_back(std::move(adjective));
    }
  }
  for (int64_t made = 0, v = 0; made < verb_words; ++v) {
    Verb verb;
    verb.synonyms.push_back(maker.verb());
    if (rng.percent(kSynonymPercent)) verb.synonyms.push_back(maker.verb());
    verb.polarity = static_cast<int>(v % 3) - 1;
    const int agent = static_cast<int>(v % 2);  // Person or Animal, by turns
    verb.subjects = class_bit(static_cast<SemanticClass>(agent));
    if (rng.percent(30)) verb.subjects |= class_bit(static_cast<SemanticClass>(1 - agent));
    const int object = static_cast<int>((v / 2) % kSemanticClasses);
    verb.objects = class_bit(static_cast<SemanticClass>(object));
    if (rng.percent(40)) verb.objects |= class_bit(other_class(rng, object));
    made += static_cast<int64_t>(verb.synonyms.size());
    lex.verbs.push_back(std::move(verb));
  }
  index_by_class(lex);
  return lex;
}

}  // namespace adamix::data
