#include "core/data/synthetic_sampler.h"

#include <algorithm>

namespace adamix::data {
namespace {

constexpr uint32_t kAllClasses = (1u << kSemanticClasses) - 1;

Quantifier usual_quantifier(Rng& rng) {
  const int64_t r = rng.below(100);
  if (r < 45) return Quantifier::The;
  if (r < 60) return Quantifier::A;
  if (r < 70) return Quantifier::Number;
  if (r < 78) return Quantifier::Some;
  if (r < 86) return Quantifier::Every;
  if (r < 92) return Quantifier::No;
  if (r < 97) return Quantifier::Many;
  return Quantifier::Few;
}

bool contains(const std::vector<int32_t>& items, int32_t x) {
  return std::find(items.begin(), items.end(), x) != items.end();
}

int32_t pick_skewed(Rng& rng, const std::vector<int32_t>& items) {
  return items[static_cast<size_t>(rng.skewed(static_cast<int64_t>(items.size())))];
}

// The lower id of an adjective's antonym pair: adjectives of one pair share it.
int32_t dimension(const Lexicon& lex, int32_t adjective) {
  return std::min(adjective, lex.adjectives[adjective].antonym);
}

}  // namespace

void MeaningSampler::set_number(Rng& rng, NounPhrase& np) {
  switch (np.quantifier) {
    case Quantifier::The: np.plural = rng.percent(35); break;
    case Quantifier::No: np.plural = rng.percent(50); break;
    case Quantifier::A:
    case Quantifier::Every: np.plural = false; break;
    case Quantifier::Some:
    case Quantifier::Many:
    case Quantifier::Few: np.plural = true; break;
    case Quantifier::Number:
      np.count = rng.percent(15) ? 1 : static_cast<int>(rng.between(2, 12));
      np.plural = np.count > 1;
      break;
  }
}

NounPhrase MeaningSampler::noun_phrase(Rng& rng, uint32_t classes,
                                       const std::vector<Quantifier>& quantifiers,
                                       std::vector<int32_t>& used, bool class_nouns) const {
  std::vector<int> allowed;
  for (int c = 0; c < kSemanticClasses; ++c) {
    if (classes & (1u << c)) allowed.push_back(c);
  }
  const int c = rng.pick(allowed);
  NounPhrase np;
  if (class_nouns && rng.percent(5) && !contains(used, c)) {
    np.noun = c;  // class nouns come first, in SemanticClass order
  } else {
    const auto& nouns = lex_.nouns_of_class[c];
    np.noun = pick_skewed(rng, nouns);
    for (int tries = 0; contains(used, np.noun) && tries < 20; ++tries) {
      np.noun = pick_skewed(rng, nouns);
    }
    for (size_t i = 0; contains(used, np.noun) && i < nouns.size(); ++i) np.noun = nouns[i];
  }
  used.push_back(np.noun);
  np.quantifier = quantifiers.empty() ? usual_quantifier(rng) : rng.pick(quantifiers);
  set_number(rng, np);
  return np;
}

int32_t MeaningSampler::attribute(Rng& rng, int32_t noun, int polarity,
                                  const std::vector<int32_t>& avoid) const {
  std::vector<int32_t> avoided;
  for (int32_t a : avoid) {
    if (a >= 0) avoided.push_back(dimension(lex_, a));
  }
  std::vector<int32_t> candidates;
  for (int32_t a : lex_.adjectives_of_class[static_cast<int>(lex_.nouns[noun].semantic_class)]) {
    if ((polarity == kAnyPolarity || lex_.adjectives[a].polarity == polarity) &&
        !contains(avoided, dimension(lex_, a))) {
      candidates.push_back(a);
    }
  }
  return candidates.empty() ? -1 : pick_skewed(rng, candidates);
}

Predicate MeaningSampler::predicate(Rng& rng, const NounPhrase& subject, int polarity,
                                    std::vector<int32_t>& used,
                                    const std::vector<int32_t>& avoid) const {
  const int c = static_cast<int>(lex_.nouns[subject.noun].semantic_class);
  int wanted = polarity;  // the predicate's own polarity, before "not"
  if (wanted != kAnyPolarity && subject.quantifier == Quantifier::No) wanted = -wanted;
  Predicate p;
  p.past = rng.percent(30);
  p.negated = rng.percent(25);
  if (wanted != kAnyPolarity && p.negated) wanted = -wanted;
  if (!lex_.verbs_of_subject[c].empty() && rng.percent(40)) {
    std::vector<int32_t> verbs;
    for (int32_t v : lex_.verbs_of_subject[c]) {
      if (wanted == kAnyPolarity || lex_.verbs[v].polarity == wanted) verbs.push_back(v);
    }
    if (!verbs.empty()) {
      p.kind = PredicateKind::Action;
      p.verb = pick_skewed(rng, verbs);
      const std::vector<Quantifier> objects = {Quantifier::The, Quantifier::A, Quantifier::Some,
                                               Quantifier::Number};
      p.object = noun_phrase(rng, lex_.verbs[p.verb].objects, objects, used);
      return p;
    }
  }
  std::vector<int32_t> avoided = avoid;
  avoided.insert(avoided.end(), subject.adjectives.begin(), subject.adjectives.end());
  p.attribute = attribute(rng, subject.noun, wanted, avoided);
  if (p.attribute < 0 && wanted != kAnyPolarity) {  // none of that sign left: use "not"
    p.negated = !p.negated;
    p.attribute = attribute(rng, subject.noun, -wanted, avoided);
  }
  if (p.attribute < 0) p.attribute = attribute(rng, subject.noun, kAnyPolarity, {});
  return p;
}

void MeaningSampler::add_modifiers(Rng& rng, NounPhrase& np, int32_t avoid_attribute,
                                   std::vector<int32_t>& used, int depth) const {
  const int max_adjectives = std::min(depth - 1, 3);
  for (int k = 0; k < max_adjectives && rng.percent(40); ++k) {
    std::vector<int32_t> avoid = np.adjectives;
    avoid.push_back(avoid_attribute);
    const int32_t a = attribute(rng, np.noun, kAnyPolarity, avoid);
    if (a >= 0) np.adjectives.push_back(a);
  }
  if (depth >= 2 && rng.percent(25)) {
    Predicate p = predicate(rng, np, kAnyPolarity, used, {avoid_attribute});
    if (p.kind == PredicateKind::Action) add_modifiers(rng, p.object, -1, used, depth - 1);
    np.relative.push_back(std::move(p));
  }
}

Clause MeaningSampler::clause(Rng& rng, const ClauseWish& wish, std::vector<int32_t>& used,
                              int depth) const {
  Clause c;
  c.subject = noun_phrase(rng, kAllClasses, wish.quantifiers, used, wish.class_nouns);
  c.predicate = predicate(rng, c.subject, wish.polarity, used);
  if (wish.modifiers) {
    const bool attribute = c.predicate.kind == PredicateKind::Attribute;
    add_modifiers(rng, c.subject, attribute ? c.predicate.attribute : -1, used, depth);
    if (!attribute) add_modifiers(rng, c.predicate.object, -1, used, depth);
  }
  return c;
}

Meaning MeaningSampler::meaning(Rng& rng, int depth) const {
  Meaning m;
  std::vector<int32_t> used;
  const int64_t clauses = rng.between(1, depth);
  for (int64_t i = 0; i < clauses; ++i) {
    ClauseWish wish;
    if (i > 0) {
      const int64_t r = rng.below(100);
      const auto connective = r < 50   ? Connective::And
                              : r < 75 ? Connective::But
                                       : Connective::Because;
      m.connectives.push_back(connective);
      // Coherent discourse, as in natural text: "and" / "because" mostly join clauses of the
      // same sentiment and ", but" mostly contrasts them. This is what lets a masked LM learn
      // which words are positive from unlabelled text (distributional evidence of polarity).
      const int previous = clause_polarity(lex_, m.clauses.back());
      if (previous != 0 && rng.below(100) < 90)
        wish.polarity = connective == Connective::But ? -previous : previous;
    }
    m.clauses.push_back(clause(rng, wish, used, depth));
  }
  return m;
}

}  // namespace adamix::data
