#pragma once
// A recogniser for the synthetic language's grammar (see synthetic_language.h), so that the
// acceptability task can prove a corrupted sentence is not one the grammar makes, and the
// conversion between a sentence's words and its text.
//
//   SyntheticParser parser(lexicon);
//   parser.accepts(sentence_words("The dogs is happy."));  // false: agreement
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/data/synthetic_lexicon.h"

namespace adamix::data {

class SyntheticParser {
 public:
  explicit SyntheticParser(const Lexicon& lexicon);

  // Whether `words` (lower case, "," and "." as words, ending in ".") is a sentence of the
  // grammar. Selectional restrictions are not checked: they are meaning, not syntax.
  bool accepts(const std::vector<std::string>& words) const;

  enum class Category { Noun, Adjective, Verb };
  struct Reading {
    Category category = Category::Noun;
    int32_t id = 0;
    int form = 0;  // noun: 0 singular, 1 plural; verb: 0 base, 1 third person, 2 past
  };
  // The one reading of a content word (inflected forms are unique), or nullptr.
  const Reading* reading(const std::string& word) const;
  bool is_person(int32_t noun) const { return person_[static_cast<size_t>(noun)]; }
  bool has_passive(int32_t verb) const { return passive_[static_cast<size_t>(verb)]; }

 private:
  std::unordered_map<std::string, Reading> readings_;
  std::vector<bool> person_;   // [noun id]
  std::vector<bool> passive_;  // [verb id]
};

// "The dog is happy, but the cats are not sad." from {"the", "dog", ..., ",", "but", ...}:
// the first letter capitalised, no space before "," and ".".
std::string sentence_text(const std::vector<std::string>& words);
// The inverse: lower case, "," and "." split off.
std::vector<std::string> sentence_words(const std::string& text);

}  // namespace adamix::data
