#include "core/data/synthetic_language.h"

#include <gtest/gtest.h>

#include <cctype>
#include <tuple>
#include <unordered_set>

#include "core/data/synthetic_edits.h"
#include "core/error.h"
#include "data_test_helpers.h"

namespace adamix::data {
namespace {

using testing::expect_error_naming;

const SyntheticLanguage& language() {
  static const SyntheticLanguage lang(LanguageOptions{7, 3000, 3});
  return lang;
}

std::string texts(const SyntheticLanguage& lang, uint64_t seed, int n) {
  Rng rng(seed);
  std::string all;
  for (int i = 0; i < n; ++i) all += lang.sentence(rng).text() + "\n";
  return all;
}

TEST(SyntheticLexicon, SizedUniqueAndInflected) {
  const Lexicon& lex = language().lexicon();
  int64_t content = 0;
  std::unordered_set<std::string> forms;
  auto add = [&](const std::string& w) { EXPECT_TRUE(forms.insert(w).second) << "twice: " << w; };
  for (const auto& w : function_words()) add(w);
  for (const Noun& n : lex.nouns) {
    if (!n.class_noun) content += static_cast<int64_t>(n.synonyms.size());
    for (const auto& f : n.synonyms) add(f.singular), add(f.plural);
  }
  for (const Adjective& a : lex.adjectives) {
    content += static_cast<int64_t>(a.synonyms.size());
    for (const auto& w : a.synonyms) add(w);
    EXPECT_EQ(lex.adjectives[a.antonym].polarity, -a.polarity);
  }
  for (size_t v = 3; v < lex.verbs.size(); ++v) {
    content += static_cast<int64_t>(lex.verbs[v].synonyms.size());
  }
  for (const Verb& v : lex.verbs) {
    for (const auto& f : v.synonyms) add(f.base), add(f.third), add(f.past);
  }
  EXPECT_NEAR(static_cast<double>(content), 3000.0, 3.0);
  EXPECT_EQ(lex.nouns[1].synonyms[0].plural, "animals");
  EXPECT_EQ(lex.nouns[0].synonyms[0].plural, "people");
  for (int c = 0; c < kSemanticClasses; ++c) {
    EXPECT_GT(lex.nouns_of_class[c].size(), 100u);
    EXPECT_GT(lex.adjectives_of_class[c].size(), 50u);
  }
}

TEST(SyntheticLanguage, SameSeedSameText) {
  const SyntheticLanguage again(LanguageOptions{7, 3000, 3});
  EXPECT_EQ(texts(language(), 1, 200), texts(again, 1, 200));
  EXPECT_NE(texts(language(), 1, 200), texts(language(), 2, 200));
  const SyntheticLanguage other(LanguageOptions{8, 3000, 3});
  EXPECT_NE(texts(language(), 1, 200), texts(other, 1, 200));
}

TEST(SyntheticLanguage, BadOptionsAreOneConfigErrorLine) {
  for (auto [vocabulary, depth, needle] :
       {std::tuple<int64_t, int, const char*>{50, 2, "vocabulary 50"},
        {3000, 0, "depth 0"},
        {3000, 6, "depth 6"},
        {300000, 2, "vocabulary 300000"}}) {
    expect_error_naming<ConfigError>(
        [&, vocabulary = vocabulary, depth = depth] {
          SyntheticLanguage(LanguageOptions{1, vocabulary, depth});
        },
        {needle});
    try {
      SyntheticLanguage(LanguageOptions{1, vocabulary, depth});
    } catch (const ConfigError& e) {
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
    }
  }
}

// Every subject agrees with its finite verb, by the words' own forms, and the number is the
// meaning's.
TEST(SyntheticLanguage, SubjectsAgreeWithTheirVerbs) {
  const SyntheticLanguage& lang = language();
  const SyntheticParser& parser = lang.parser();
  Rng rng(11);
  int64_t plural = 0, marked = 0;
  for (int i = 0; i < 2000; ++i) {
    const Sentence s = lang.sentence(rng);
    int64_t relatives = 0;
    Meaning m = s.meaning;
    for (const NounPhrase* np : noun_phrases(m)) relatives += np->relative.size();
    ASSERT_EQ(s.agreement.size(), m.clauses.size() + relatives) << s.text();
    for (const AgreementSite& site : s.agreement) {
      const auto* noun = parser.reading(s.words[site.subject]);
      ASSERT_TRUE(noun && noun->category == SyntheticParser::Category::Noun) << s.text();
      EXPECT_EQ(noun->form == 1, site.plural) << s.text();
      const std::string& verb = s.words[site.verb];
      const auto* reading = parser.reading(verb);
      if (verb == "is" || verb == "was" || verb == "does") {
        EXPECT_FALSE(site.plural) << s.text();
      } else if (verb == "are" || verb == "were" || verb == "do") {
        EXPECT_TRUE(site.plural) << s.text();
      } else if (verb == "did") {
        EXPECT_FALSE(site.marked);
      } else {
        ASSERT_TRUE(reading && reading->category == SyntheticParser::Category::Verb) << verb;
        EXPECT_EQ(reading->form, !site.marked ? 2 : (site.plural ? 0 : 1)) << s.text();
      }
      plural += site.plural;
      marked += site.marked;
    }
  }
  EXPECT_GT(plural, 1000);
  EXPECT_GT(marked, 2000);

  // Active clauses: the number is the subject's in the meaning.
  const SyntheticLanguage flat(LanguageOptions{7, 3000, 1});
  for (int i = 0; i < 500; ++i) {
    const Sentence s = flat.realise(flat.meaning(rng), rng, /*passive_percent=*/0);
    ASSERT_EQ(s.agreement.size(), 1u);
    EXPECT_EQ(s.agreement[0].plural, s.meaning.clauses[0].subject.plural) << s.text();
    EXPECT_EQ(s.agreement[0].subject, s.meaning.clauses[0].subject.adjectives.size() + 1);
  }
}

TEST(SyntheticLanguage, GrammarAcceptsWhatItGenerates) {
  Rng rng(3);
  for (int depth = 1; depth <= 5; ++depth) {
    const SyntheticLanguage lang(LanguageOptions{7, 3000, depth});
    for (int i = 0; i < 400; ++i) {
      const Sentence s = lang.sentence(rng);
      ASSERT_TRUE(lang.grammatical(s.words)) << s.text();
      EXPECT_EQ(sentence_words(s.text()), s.words);
      EXPECT_TRUE(std::isupper(static_cast<unsigned char>(s.text()[0])));
    }
  }
}

TEST(SyntheticLanguage, GrammarRejectsBrokenSentences) {
  const SyntheticLanguage& lang = language();
  const Lexicon& lex = lang.lexicon();
  const std::string dog = lex.nouns[lex.nouns_of_class[1][0]].synonyms[0].singular;
  const std::string dogs = lex.nouns[lex.nouns_of_class[1][0]].synonyms[0].plural;
  const std::string happy = lex.adjectives[lex.adjectives_of_class[1][0]].synonyms[0];
  const std::string person = lex.nouns[lex.nouns_of_class[0][0]].synonyms[0].singular;
  auto accepts = [&](const std::string& text) { return lang.grammatical(sentence_words(text)); };
  EXPECT_TRUE(accepts("The " + dog + " is " + happy + "."));
  EXPECT_TRUE(accepts("Three " + dogs + " are not " + happy + "."));
  EXPECT_TRUE(accepts("The " + dogs + " which are " + happy + " are " + happy + "."));
  EXPECT_TRUE(accepts("The " + person + " who is " + happy + " has the " + dog + "."));
  EXPECT_TRUE(
      accepts("The " + dog + " is " + happy + ", but the " + dogs + " are not " + happy + "."));
  EXPECT_FALSE(accepts("The " + dogs + " is " + happy + "."));    // agreement
  EXPECT_FALSE(accepts("The " + dog + " are " + happy + "."));    // agreement
  EXPECT_FALSE(accepts("Three " + dog + " are " + happy + "."));  // numeral + singular
  EXPECT_FALSE(accepts("The " + dog + " " + happy + " is."));     // word order
  EXPECT_FALSE(accepts(dog + " is " + happy + "."));              // no determiner
  EXPECT_FALSE(accepts("The " + dog + " is " + happy));           // no full stop
  EXPECT_FALSE(accepts("The " + person + " which is " + happy + " has the " + dog + "."));
  EXPECT_FALSE(accepts("The " + dog + " is " + happy + " but the " + dog + " is " + happy + "."));
  EXPECT_FALSE(accepts("The " + dog + " does " + happy + "."));
  EXPECT_FALSE(accepts("The " + dogs + " which is " + happy + " are " + happy + "."));
}

}  // namespace
}  // namespace adamix::data
