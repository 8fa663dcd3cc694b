#include "core/data/synthetic_parser.h"

#include <cctype>
#include <map>
#include <set>
#include <utility>

namespace adamix::data {
namespace {

using Category = SyntheticParser::Category;
using Reading = SyntheticParser::Reading;

constexpr int kSingular = 1, kPlural = 2, kEither = 3;  // numbers a determiner allows

int determiner_numbers(const std::string& w) {
  if (w == "the" || w == "no") return kEither;
  if (w == "a" || w == "an" || w == "every" || w == "one") return kSingular;
  if (w == "some" || w == "many" || w == "few") return kPlural;
  for (int n = 2; n <= 12; ++n) {
    if (w == numeral(n)) return kPlural;
  }
  return 0;
}

bool starts_with_vowel(const std::string& w) {
  return !w.empty() && (w[0] == 'a' || w[0] == 'e' || w[0] == 'i' || w[0] == 'o' || w[0] == 'u');
}

// One parse of one word list: every rule returns all the positions where it can end, since
// a relative clause may attach to more than one noun. Positions only grow, so it terminates.
class Run {
 public:
  Run(const SyntheticParser& parser, const std::vector<std::string>& words)
      : parser_(parser), w_(words) {}

  bool sentence() {
    std::vector<size_t> todo = clause(0);
    std::set<size_t> seen;
    while (!todo.empty()) {
      const size_t e = todo.back();
      todo.pop_back();
      if (!seen.insert(e).second) continue;
      if (e + 1 == w_.size() && is(e, ".")) return true;
      std::vector<size_t> next;
      if (is(e, "and") || is(e, "because")) next = clause(e + 1);
      if (is(e, ",") && is(e + 1, "but")) next = clause(e + 2);
      todo.insert(todo.end(), next.begin(), next.end());
    }
    return false;
  }

 private:
  bool is(size_t i, const char* word) const { return i < w_.size() && w_[i] == word; }
  const Reading* read(size_t i, Category c) const {
    if (i >= w_.size()) return nullptr;
    const Reading* r = parser_.reading(w_[i]);
    return r && r->category == c ? r : nullptr;
  }

  std::vector<size_t> clause(size_t i) {
    std::set<size_t> ends;
    for (const auto& [e, plural] : np(i)) {
      for (size_t end : vp(e, plural)) ends.insert(end);
    }
    return {ends.begin(), ends.end()};
  }

  // (end, plural) pairs.
  std::vector<std::pair<size_t, bool>> np(size_t i) {
    if (const auto it = np_memo_.find(i); it != np_memo_.end()) return it->second;
    std::vector<std::pair<size_t, bool>> out;
    const int numbers = i < w_.size() ? determiner_numbers(w_[i]) : 0;
    const bool article_ok = !(is(i, "a") || is(i, "an")) ||
                            (i + 1 < w_.size() && is(i, "an") == starts_with_vowel(w_[i + 1]));
    if (numbers != 0 && article_ok) {
      size_t j = i + 1;
      while (read(j, Category::Adjective)) ++j;
      const Reading* noun = read(j, Category::Noun);
      if (noun && (numbers & (noun->form == 1 ? kPlural : kSingular))) {
        const bool plural = noun->form == 1;
        out.emplace_back(j + 1, plural);
        if (is(j + 1, parser_.is_person(noun->id) ? "who" : "which")) {
          for (size_t e : vp(j + 2, plural)) out.emplace_back(e, plural);
        }
      }
    }
    return np_memo_[i] = out;
  }

  std::vector<size_t> vp(size_t i, bool plural) {
    const auto key = std::make_pair(i, plural);
    if (const auto it = vp_memo_.find(key); it != vp_memo_.end()) return it->second;
    std::vector<size_t> out;
    auto object = [&](size_t at) {
      for (const auto& end : np(at)) out.push_back(end.first);
    };
    if (plural ? (is(i, "are") || is(i, "were")) : (is(i, "is") || is(i, "was"))) {
      const size_t j = is(i + 1, "not") ? i + 2 : i + 1;
      if (read(j, Category::Adjective)) out.push_back(j + 1);
      const Reading* verb = read(j, Category::Verb);
      if (verb && verb->form == 2 && parser_.has_passive(verb->id) && is(j + 1, "by")) {
        object(j + 2);
      }
    }
    if (is(i, plural ? "do" : "does") || is(i, "did")) {
      const Reading* verb = read(i + 2, Category::Verb);
      if (is(i + 1, "not") && verb && verb->form == 0) object(i + 3);
    }
    if (const Reading* verb = read(i, Category::Verb)) {
      if (verb->form == 2 || verb->form == (plural ? 0 : 1)) object(i + 1);
    }
    return vp_memo_[key] = out;
  }

  const SyntheticParser& parser_;
  const std::vector<std::string>& w_;
  std::map<size_t, std::vector<std::pair<size_t, bool>>> np_memo_;
  std::map<std::pair<size_t, bool>, std::vector<size_t>> vp_memo_;
};

}  // namespace

SyntheticParser::SyntheticParser(const Lexicon& lexicon) {
  for (int32_t i = 0; i < static_cast<int32_t>(lexicon.nouns.size()); ++i) {
    for (const NounForms& f : lexicon.nouns[i].synonyms) {
      readings_[f.singular] = {Category::Noun, i, 0};
      readings_[f.plural] = {Category::Noun, i, 1};
    }
    person_.push_back(lexicon.nouns[i].semantic_class == SemanticClass::Person);
  }
  for (int32_t i = 0; i < static_cast<int32_t>(lexicon.adjectives.size()); ++i) {
    for (const std::string& w : lexicon.adjectives[i].synonyms) {
      readings_[w] = {Category::Adjective, i, 0};
    }
  }
  for (int32_t i = 0; i < static_cast<int32_t>(lexicon.verbs.size()); ++i) {
    for (const VerbForms& f : lexicon.verbs[i].synonyms) {
      readings_[f.base] = {Category::Verb, i, 0};
      readings_[f.third] = {Category::Verb, i, 1};
      readings_[f.past] = {Category::Verb, i, 2};
    }
    passive_.push_back(lexicon.verbs[i].passive);
  }
}

const SyntheticParser::Reading* SyntheticParser::reading(const std::string& word) const {
  const auto it = readings_.find(word);
  return it == readings_.end() ? nullptr : &it->second;
}

bool SyntheticParser::accepts(const std::vector<std::string>& words) const {
  return Run(*this, words).sentence();
}

std::string sentence_text(const std::vector<std::string>& words) {
  std::string text;
  for (const std::string& w : words) {
    if (!text.empty() && w != "," && w != ".") text += ' ';
    text += w;
  }
  if (!text.empty()) text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  return text;
}

std::vector<std::string> sentence_words(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) words.push_back(word);
    word.clear();
  };
  for (char c : text) {
    if (c == ' ' || c == '\t') {
      flush();
    } else if (c == ',' || c == '.') {
      flush();
      words.emplace_back(1, c);
    } else {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  flush();
  return words;
}

}  // namespace adamix::data
