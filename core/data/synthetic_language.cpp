#include "core/data/synthetic_language.h"

#include "core/error.h"

namespace adamix::data {
namespace {

bool starts_with_vowel(const std::string& w) {
  return !w.empty() && (w[0] == 'a' || w[0] == 'e' || w[0] == 'i' || w[0] == 'o' || w[0] == 'u');
}

// Writes one meaning's words left to right, drawing surface choices from the rng.
class Realiser {
 public:
  Realiser(const Lexicon& lexicon, Rng& rng, int passive_percent, Sentence& out)
      : lex_(lexicon), rng_(rng), passive_percent_(passive_percent), out_(out) {}

  void meaning(const Meaning& m) {
    for (size_t i = 0; i < m.clauses.size(); ++i) {
      if (i > 0) {
        switch (m.connectives[i - 1]) {
          case Connective::And: word("and"); break;
          case Connective::But:
            word(",");
            word("but");
            break;
          case Connective::Because: word("because"); break;
        }
      }
      clause(m.clauses[i]);
    }
    word(".");
  }

 private:
  int32_t word(const std::string& w) {
    out_.words.push_back(w);
    return static_cast<int32_t>(out_.words.size()) - 1;
  }
  template <typename T>
  const T& synonym(const std::vector<T>& synonyms) {
    return rng_.pick(synonyms);
  }

  void clause(const Clause& c) {
    const Predicate& p = c.predicate;
    if (p.kind == PredicateKind::Action && lex_.verbs[p.verb].passive &&
        passive_keeps_meaning(c.subject) && rng_.percent(passive_percent_)) {
      // "the cat is [not] chased by the dog": the object is the grammatical subject.
      const int32_t head = noun_phrase(p.object);
      const int32_t be = word(copula(p.object.plural, p.past));
      out_.agreement.push_back({head, be, p.object.plural, true});
      if (p.negated) word("not");
      word(synonym(lex_.verbs[p.verb].synonyms).past);
      word("by");
      noun_phrase(c.subject);
      return;
    }
    const int32_t head = noun_phrase(c.subject);
    verb_phrase(p, head, c.subject.plural);
  }

  // "by every dog" and "by no dog" read with another scope or as double negation.
  static bool passive_keeps_meaning(const NounPhrase& doer) {
    const Quantifier q = doer.quantifier;
    return q != Quantifier::Every && q != Quantifier::No && q != Quantifier::Few;
  }

  static const char* copula(bool plural, bool past) {
    return past ? (plural ? "were" : "was") : (plural ? "are" : "is");
  }

  void verb_phrase(const Predicate& p, int32_t head, bool plural) {
    if (p.kind == PredicateKind::Attribute) {
      out_.agreement.push_back({head, word(copula(plural, p.past)), plural, true});
      if (p.negated) word("not");
      word(synonym(lex_.adjectives[p.attribute].synonyms));
      return;
    }
    const VerbForms& forms = synonym(lex_.verbs[p.verb].synonyms);
    if (p.negated) {
      const char* aux = p.past ? "did" : (plural ? "do" : "does");
      out_.agreement.push_back({head, word(aux), plural, !p.past});
      word("not");
      word(forms.base);
    } else {
      const std::string& form = p.past ? forms.past : (plural ? forms.base : forms.third);
      out_.agreement.push_back({head, word(form), plural, !p.past});
    }
    noun_phrase(p.object);
  }

  // Returns the head noun's word index.
  int32_t noun_phrase(const NounPhrase& np) {
    const int32_t article = word(determiner(np));
    for (int32_t a : np.adjectives) word(synonym(lex_.adjectives[a].synonyms));
    const NounForms& forms = synonym(lex_.nouns[np.noun].synonyms);
    const int32_t head = word(np.plural ? forms.plural : forms.singular);
    if (np.quantifier == Quantifier::A && starts_with_vowel(out_.words[article + 1])) {
      out_.words[article] = "an";
    }
    for (const Predicate& p : np.relative) {
      const bool person = lex_.nouns[np.noun].semantic_class == SemanticClass::Person;
      word(person ? "who" : "which");
      verb_phrase(p, head, np.plural);
    }
    return head;
  }

  const Lexicon& lex_;
  Rng& rng_;
  int passive_percent_;
  Sentence& out_;
};

}  // namespace

void LanguageOptions::validate() const {
  if (vocabulary < kMinVocabulary || vocabulary > kMaxVocabulary) {
    throw ConfigError("synthetic language: vocabulary " + std::to_string(vocabulary) +
                      " is outside [" + std::to_string(kMinVocabulary) + ", " +
                      std::to_string(kMaxVocabulary) + "]");
  }
  if (depth < 1 || depth > 5) {
    throw ConfigError("synthetic language: depth " + std::to_string(depth) + " is outside [1, 5]");
  }
}

SyntheticLanguage::SyntheticLanguage(const LanguageOptions& options)
    : options_((options.validate(), options)),
      lexicon_(make_lexicon(options.seed, options.vocabulary)),
      sampler_(lexicon_),
      parser_(lexicon_) {}

Sentence SyntheticLanguage::realise(const Meaning& meaning, Rng& rng, int passive_percent) const {
  Sentence s;
  s.meaning = meaning;
  Realiser(lexicon_, rng, passive_percent, s).meaning(meaning);
  return s;
}

}  // namespace adamix::data
