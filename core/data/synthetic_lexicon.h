#pragma once
// The words of a synthetic language, made deterministically from a seed: pronounceable
// pseudo-words built from syllables (nouns, adjectives, verbs, with English-like inflection),
// plus a fixed core of real English words (function words, numerals, the five class nouns and
// the verbs "have", "like" and "hate"). Every inflected form is unique across the lexicon, so a
// word alone tells its lemma and form.
//
//   Lexicon lexicon = adamix::data::make_lexicon(/*seed=*/1, /*vocabulary=*/3000);
//   lexicon.nouns[7].synonyms[0].plural;  // e.g. "brandles"
#include <cstdint>
#include <string>
#include <vector>

namespace adamix::data {

// What a noun names. Adjectives and verbs apply to some classes only (selectional
// restrictions), which gives the language co-occurrence structure to pretrain on.
enum class SemanticClass { Person, Animal, Place, Tool, Food };
constexpr int kSemanticClasses = 5;
inline uint32_t class_bit(SemanticClass c) { return 1u << static_cast<int>(c); }

struct NounForms {
  std::string singular, plural;
};
struct Noun {
  std::vector<NounForms> synonyms;  // [not empty]; [0] is the lemma
  SemanticClass semantic_class = SemanticClass::Person;
  bool class_noun = false;  // "person", "animal", ...: its class's own name (the hypernym)
};

// An adjective is one pole of a dimension (antonym pair); the poles are complementary in this
// language: "not X" means antonym(X).
struct Adjective {
  std::vector<std::string> synonyms;  // [not empty]; [0] is the lemma
  int32_t antonym = 0;                // index in Lexicon::adjectives
  int polarity = 0;                   // +1 positive, -1 negative, 0 neutral; antonym's is -this
  uint32_t classes = 0;               // class_bit()s of the nouns it describes
};

struct VerbForms {
  std::string base, third, past;  // "chase", "chases", "chased" (past is also the participle)
};
struct Verb {
  std::vector<VerbForms> synonyms;  // [not empty]; [0] is the lemma
  int polarity = 0;                 // sentiment of doing it: +1, -1, 0
  uint32_t subjects = 0;            // class_bit()s of the nouns that do it
  uint32_t objects = 0;             // class_bit()s of the nouns it is done to
  bool passive = true;              // false for "have" ("is had by" is not English)
};

struct Lexicon {
  std::vector<Noun> nouns;  // the class nouns first, in SemanticClass order
  std::vector<Adjective> adjectives;
  std::vector<Verb> verbs;

  // Nouns (class nouns excluded), adjectives and verbs that fit a class.
  std::vector<std::vector<int32_t>> nouns_of_class;       // [class] -> noun ids
  std::vector<std::vector<int32_t>> adjectives_of_class;  // [class] -> adjective ids
  std::vector<std::vector<int32_t>> verbs_of_subject;     // [class] -> verb ids
  std::vector<std::vector<int32_t>> verbs_of_object;      // [class] -> verb ids
};

// Content words (noun, adjective and verb surface lemmas, synonyms included) to make: at least
// kMinVocabulary, so every class gets nouns, polar adjectives and verbs.
constexpr int64_t kMinVocabulary = 200;
constexpr int64_t kMaxVocabulary = 200000;

// A lexicon of about `vocabulary` content words plus the fixed core. Same seed, same lexicon.
// ConfigError when vocabulary is outside [kMinVocabulary, kMaxVocabulary].
Lexicon make_lexicon(uint64_t seed, int64_t vocabulary);

// "one".."twelve"; count in [1, 12].
const std::string& numeral(int count);
// The fixed words of the grammar (determiners, copulas, connectives, ...), which pseudo-words
// never equal.
const std::vector<std::string>& function_words();

}  // namespace adamix::data
