#include "core/data/synthetic_meaning.h"

#include <gtest/gtest.h>

#include "core/data/synthetic_edits.h"
#include "core/data/synthetic_language.h"

namespace adamix::data {
namespace {

using Q = Quantifier;

// Hand-built meanings over a fixed lexicon: two animals, a positive and a neutral attribute
// pair, an animal verb.
class MeaningTest : public ::testing::Test {
 protected:
  static const SyntheticLanguage& lang() {
    static const SyntheticLanguage language(LanguageOptions{5, 1000, 2});
    return language;
  }
  void SetUp() override {
    const Lexicon& lex = lang().lexicon();
    dog = lex.nouns_of_class[1][0];
    cat = lex.nouns_of_class[1][1];
    for (int32_t a : lex.adjectives_of_class[1]) {
      if (lex.adjectives[a].polarity == 1 && happy < 0) happy = a;
      if (lex.adjectives[a].polarity == 0 && big < 0) big = a;
    }
    ASSERT_GE(happy, 0);
    ASSERT_GE(big, 0);
    sad = lex.adjectives[happy].antonym;
    small = lex.adjectives[big].antonym;
  }
  static NounPhrase np(int32_t noun, Q q = Q::The, bool plural = false, int count = 1) {
    NounPhrase n;
    n.noun = noun;
    n.quantifier = q;
    n.plural = plural;
    n.count = count;
    return n;
  }
  static Predicate is(int32_t attribute, bool negated = false, bool past = false) {
    Predicate p;
    p.attribute = attribute;
    p.negated = negated;
    p.past = past;
    return p;
  }
  Predicate chases(NounPhrase object, bool negated = false) const {
    Predicate p;
    p.kind = PredicateKind::Action;
    p.verb = lang().lexicon().verbs_of_subject[1].at(0);
    p.object = std::move(object);
    p.negated = negated;
    return p;
  }
  static Meaning say(std::vector<Clause> clauses, std::vector<Connective> connectives = {}) {
    return Meaning{std::move(clauses), std::move(connectives)};
  }
  int polarity(const Meaning& m) const { return sentiment(lang().lexicon(), m); }
  Inference infer(const Meaning& p, const Meaning& h) const {
    return data::infer(lang().lexicon(), p, h);
  }

  int32_t dog = 0, cat = 0, happy = -1, sad = -1, big = -1, small = -1;
};

TEST_F(MeaningTest, SentimentFollowsNegationButAndBecause) {
  EXPECT_EQ(polarity(say({{np(dog), is(happy)}})), 1);
  EXPECT_EQ(polarity(say({{np(dog), is(happy, true)}})), -1);  // not
  EXPECT_EQ(polarity(say({{np(dog), is(sad)}})), -1);
  EXPECT_EQ(polarity(say({{np(dog, Q::No), is(happy)}})), -1);       // no dog
  EXPECT_EQ(polarity(say({{np(dog, Q::No), is(happy, true)}})), 1);  // flipped twice
  EXPECT_EQ(polarity(say({{np(dog), is(big)}})), 0);                 // neutral
  NounPhrase happy_dog = np(dog);
  happy_dog.adjectives = {happy};
  EXPECT_EQ(polarity(say({{happy_dog, is(big)}})), 0);  // modifiers do not count
  EXPECT_EQ(polarity(say({{happy_dog, is(sad)}})), -1);
  // ", but": the last clause wins, either way round.
  EXPECT_EQ(polarity(say({{np(dog), is(happy)}, {np(cat), is(sad)}}, {Connective::But})), -1);
  EXPECT_EQ(polarity(say({{np(dog), is(sad)}, {np(cat), is(happy)}}, {Connective::But})), 1);
  // "because" only gives a reason; "and" sums.
  EXPECT_EQ(polarity(say({{np(dog), is(happy)}, {np(cat), is(sad)}}, {Connective::Because})), 1);
  EXPECT_EQ(polarity(say({{np(dog), is(big)}, {np(cat), is(sad)}}, {Connective::And})), -1);
  EXPECT_EQ(polarity(say({{np(dog), is(happy)}, {np(cat), is(sad)}}, {Connective::And})), 0);
}

TEST_F(MeaningTest, FactsNormaliseSurfaceAndEquivalentForms) {
  const Lexicon& lex = lang().lexicon();
  NounPhrase big_dog = np(dog);
  big_dog.adjectives = {big};
  NounPhrase dog_which_is_not_small = np(dog);
  dog_which_is_not_small.relative = {is(small, true)};
  EXPECT_TRUE(same_meaning(lex, say({{big_dog, is(happy)}}),
                           say({{dog_which_is_not_small, is(sad, true)}})));
  EXPECT_TRUE(same_meaning(lex, say({{np(dog), is(happy)}, {np(cat), is(big)}}, {Connective::And}),
                           say({{np(cat), is(big)}, {np(dog), is(happy)}}, {Connective::And})));
  EXPECT_FALSE(
      same_meaning(lex, say({{np(dog), is(happy)}, {np(cat), is(big)}}, {Connective::Because}),
                   say({{np(cat), is(big)}, {np(dog), is(happy)}}, {Connective::Because})));
  EXPECT_FALSE(
      same_meaning(lex, say({{np(dog), is(happy)}}), say({{np(dog), is(happy, false, true)}})));
  EXPECT_FALSE(
      same_meaning(lex, say({{np(dog), chases(np(cat))}}), say({{np(cat), chases(np(dog))}})));
  // "every big dog" quantifies over big dogs: not the same as "every dog".
  NounPhrase every_big_dog = big_dog;
  every_big_dog.quantifier = Q::Every;
  EXPECT_FALSE(
      same_meaning(lex, say({{every_big_dog, is(happy)}}), say({{np(dog, Q::Every), is(happy)}})));

  EXPECT_EQ(similarity_hundredths(lex, say({{big_dog, is(happy)}}), say({{big_dog, is(happy)}})),
            500);
  // {ent dog, dog happy, * happy} vs {ent cat, cat happy, * happy}: 1 of 5.
  EXPECT_EQ(similarity_hundredths(lex, say({{np(dog), is(happy)}}), say({{np(cat), is(happy)}})),
            100);
  EXPECT_EQ(similarity_hundredths(lex, say({{np(dog), is(happy)}}), say({{np(cat), is(big)}})), 0);
}

TEST_F(MeaningTest, RewritesKeepFactsAndEditsChangeThem) {
  const Lexicon& lex = lang().lexicon();
  Rng rng(4);
  int rewritten = 0, edited = 0;
  for (int i = 0; i < 1000; ++i) {
    const Meaning m = lang().meaning(rng);
    Meaning r = m;
    if (rewrite(lex, rng, r)) {
      ++rewritten;
      EXPECT_TRUE(same_meaning(lex, m, r));
    }
    Meaning e = m;
    if (edit(lang().sampler(), lex, rng, e)) {
      ++edited;
      EXPECT_FALSE(same_meaning(lex, m, e));
    }
  }
  EXPECT_GT(rewritten, 300);
  EXPECT_GT(edited, 500);
}

TEST_F(MeaningTest, InferenceFromTheDefiniteBigDog) {
  NounPhrase big_dog = np(dog);
  big_dog.adjectives = {big};
  const Meaning premise = say({{big_dog, is(happy)}});
  const int32_t animal = static_cast<int32_t>(SemanticClass::Animal);
  auto h = [](NounPhrase s, Predicate p) { return say({{std::move(s), std::move(p)}}); };
  EXPECT_EQ(infer(premise, h(np(dog), is(happy))), Inference::Entailment);
  EXPECT_EQ(infer(premise, h(np(dog), is(sad, true))), Inference::Entailment);
  EXPECT_EQ(infer(premise, h(np(dog), is(big))), Inference::Entailment);
  EXPECT_EQ(infer(premise, h(np(animal, Q::A), is(happy))), Inference::Entailment);
  EXPECT_EQ(infer(premise, h(np(dog, Q::A), is(happy))), Inference::Entailment);
  EXPECT_EQ(infer(premise, h(np(dog), is(sad))), Inference::Contradiction);
  EXPECT_EQ(infer(premise, h(np(dog), is(happy, true))), Inference::Contradiction);
  EXPECT_EQ(infer(premise, h(np(dog), is(small))), Inference::Contradiction);
  EXPECT_EQ(infer(premise, h(np(dog, Q::No), is(happy))), Inference::Contradiction);
  EXPECT_EQ(infer(premise, h(np(animal, Q::No, true), is(happy))), Inference::Contradiction);
  EXPECT_EQ(infer(premise, h(np(cat), is(happy))), Inference::Neutral);
  EXPECT_EQ(infer(premise, h(np(dog, Q::The, true), is(happy))), Inference::Neutral);  // dogs
  EXPECT_EQ(infer(premise, h(np(dog), is(happy, false, true))), Inference::Neutral);   // was
  EXPECT_EQ(infer(premise, h(np(dog, Q::A), is(sad))), Inference::Neutral);  // another dog
  EXPECT_EQ(infer(premise, h(np(dog, Q::Some, true), is(happy))), Inference::Neutral);
}

TEST_F(MeaningTest, InferenceWithQuantifiers) {
  auto h = [](NounPhrase s, Predicate p) { return say({{std::move(s), std::move(p)}}); };
  const Meaning every = say({{np(dog, Q::Every), is(happy)}});
  EXPECT_EQ(infer(every, h(np(dog), is(happy, true))), Inference::Contradiction);
  EXPECT_EQ(infer(every, h(np(dog), is(happy))), Inference::Entailment);
  EXPECT_EQ(infer(every, h(np(dog, Q::A), is(happy))), Inference::Entailment);
  EXPECT_EQ(infer(every, h(np(dog, Q::No, true), is(happy))), Inference::Contradiction);
  NounPhrase every_big_dog = np(dog, Q::Every);
  every_big_dog.adjectives = {big};
  EXPECT_EQ(infer(say({{every_big_dog, is(happy)}}), h(np(dog), is(sad))), Inference::Neutral);

  const Meaning three = say({{np(dog, Q::Number, true, 3), chases(np(cat))}});
  EXPECT_EQ(infer(three, h(np(dog, Q::Some, true), chases(np(cat)))), Inference::Entailment);
  EXPECT_EQ(infer(three, h(np(1, Q::Some, true), chases(np(cat)))), Inference::Entailment);
  EXPECT_EQ(infer(three, h(np(dog, Q::Number, true, 3), chases(np(cat), true))),
            Inference::Neutral);  // three other dogs may not
  EXPECT_EQ(infer(three, h(np(cat), is(happy))), Inference::Neutral);

  const Meaning none = say({{np(dog, Q::No, true), is(happy)}});
  EXPECT_EQ(infer(none, h(np(dog), is(happy))), Inference::Contradiction);
  EXPECT_EQ(infer(none, h(np(dog, Q::No), is(happy))), Inference::Entailment);
  // Every clause of a premise is asserted, "because" and ", but" ones too.
  const Meaning two = say({{np(dog), is(happy)}, {np(cat), is(big)}}, {Connective::Because});
  EXPECT_EQ(infer(two, h(np(cat), is(small))), Inference::Contradiction);
  EXPECT_EQ(infer(two, h(np(cat), is(big))), Inference::Entailment);
}

}  // namespace
}  // namespace adamix::data
