#include "core/data/synthetic_edits.h"

#include <algorithm>
#include <utility>

namespace adamix::data {
namespace {

void visit(NounPhrase& np, std::vector<NounPhrase*>& nps, std::vector<PredicateSite>& sites) {
  nps.push_back(&np);
  for (Predicate& p : np.relative) {
    sites.push_back({&np, &p, false});
    if (p.kind == PredicateKind::Action) visit(p.object, nps, sites);
  }
}

void collect(Meaning& m, std::vector<NounPhrase*>& nps, std::vector<PredicateSite>& sites) {
  for (Clause& c : m.clauses) {
    sites.push_back({&c.subject, &c.predicate, true});
    visit(c.subject, nps, sites);
    if (c.predicate.kind == PredicateKind::Action) visit(c.predicate.object, nps, sites);
  }
}

template <typename T, typename Keep>
std::vector<T> filtered(const std::vector<T>& items, Keep keep) {
  std::vector<T> out;
  std::copy_if(items.begin(), items.end(), std::back_inserter(out), keep);
  return out;
}

bool has(const std::vector<int32_t>& items, int32_t x) {
  return std::find(items.begin(), items.end(), x) != items.end();
}

}  // namespace

std::vector<NounPhrase*> noun_phrases(Meaning& meaning) {
  std::vector<NounPhrase*> nps;
  std::vector<PredicateSite> sites;
  collect(meaning, nps, sites);
  return nps;
}

std::vector<PredicateSite> predicate_sites(Meaning& meaning) {
  std::vector<NounPhrase*> nps;
  std::vector<PredicateSite> sites;
  collect(meaning, nps, sites);
  return sites;
}

std::vector<int32_t> nouns_used(const Meaning& meaning) {
  Meaning copy = meaning;
  std::vector<int32_t> nouns;
  for (const NounPhrase* np : noun_phrases(copy)) nouns.push_back(np->noun);
  return nouns;
}

NounPhrase stripped(const NounPhrase& np) {
  NounPhrase out = np;
  if (out.quantifier == Quantifier::The) {
    out.adjectives.clear();
    out.relative.clear();
  }
  return out;
}

Predicate stripped(const Predicate& p) {
  Predicate out = p;
  if (out.kind == PredicateKind::Action) out.object = stripped(p.object);
  return out;
}

bool rewrite(const Lexicon& lexicon, Rng& rng, Meaning& meaning) {
  auto sites = filtered(predicate_sites(meaning), [](const PredicateSite& s) {
    return s.predicate->kind == PredicateKind::Attribute;
  });
  auto with_adjectives = filtered(noun_phrases(meaning), [](const NounPhrase* np) {
    return !np->adjectives.empty() && np->relative.empty();
  });
  auto with_relative = filtered(noun_phrases(meaning), [](const NounPhrase* np) {
    return !np->relative.empty() && np->relative[0].kind == PredicateKind::Attribute &&
           !np->relative[0].past;
  });
  std::vector<size_t> ands;
  for (size_t i = 0; i < meaning.connectives.size(); ++i) {
    if (meaning.connectives[i] == Connective::And) ands.push_back(i);
  }
  std::vector<int> options;
  if (!sites.empty()) options.push_back(0);
  if (!with_adjectives.empty()) options.push_back(1);
  if (!with_relative.empty()) options.push_back(2);
  if (!ands.empty()) options.push_back(3);
  if (options.empty()) return false;
  switch (rng.pick(options)) {
    case 0: {  // "is not happy" <-> "is sad": the poles are complementary
      Predicate& p = *rng.pick(sites).predicate;
      p.attribute = lexicon.adjectives[p.attribute].antonym;
      p.negated = !p.negated;
      return true;
    }
    case 1: {  // "the big dog" -> "the dog which is big"
      NounPhrase& np = *rng.pick(with_adjectives);
      const size_t k = static_cast<size_t>(rng.below(static_cast<int64_t>(np.adjectives.size())));
      Predicate p;
      p.attribute = np.adjectives[k];
      np.adjectives.erase(np.adjectives.begin() + static_cast<std::ptrdiff_t>(k));
      np.relative.push_back(p);
      return true;
    }
    case 2: {  // "the dog which is not big" -> "the small dog"
      NounPhrase& np = *rng.pick(with_relative);
      const Predicate p = np.relative[0];
      np.relative.clear();
      np.adjectives.push_back(p.negated ? lexicon.adjectives[p.attribute].antonym : p.attribute);
      return true;
    }
    default: {  // "A and B" -> "B and A", unless a "because" clause hangs on either
      const size_t i = rng.pick(ands);
      const Meaning before = meaning;
      std::swap(meaning.clauses[i], meaning.clauses[i + 1]);
      if (!same_meaning(lexicon, before, meaning)) {
        meaning = before;
        return false;
      }
      return true;
    }
  }
}

bool edit(const MeaningSampler& sampler, const Lexicon& lexicon, Rng& rng, Meaning& meaning) {
  std::vector<PredicateSite> sites = predicate_sites(meaning);
  std::vector<NounPhrase*> nps = noun_phrases(meaning);
  const std::vector<int32_t> used = nouns_used(meaning);
  switch (rng.below(8)) {
    case 0: {
      Predicate& p = *rng.pick(sites).predicate;
      p.negated = !p.negated;
      return true;
    }
    case 1: {
      Predicate& p = *rng.pick(sites).predicate;
      p.past = !p.past;
      return true;
    }
    case 2: {  // another attribute pair
      const auto attributes = filtered(sites, [](const PredicateSite& s) {
        return s.predicate->kind == PredicateKind::Attribute;
      });
      if (attributes.empty()) return false;
      const PredicateSite& s = rng.pick(attributes);
      std::vector<int32_t> avoid = s.subject->adjectives;
      avoid.push_back(s.predicate->attribute);
      const int32_t a = sampler.attribute(rng, s.subject->noun, kAnyPolarity, avoid);
      if (a < 0) return false;
      s.predicate->attribute = a;
      return true;
    }
    case 3: {  // another noun of the same class
      NounPhrase& np = *rng.pick(nps);
      if (lexicon.nouns[np.noun].class_noun) return false;
      const auto& same_class =
          lexicon.nouns_of_class[static_cast<int>(lexicon.nouns[np.noun].semantic_class)];
      const int32_t noun = rng.pick(same_class);
      if (has(used, noun)) return false;
      np.noun = noun;
      return true;
    }
    case 4: {  // "three dogs" -> "five dogs"; "the dog" -> "the dogs"
      NounPhrase& np = *rng.pick(nps);
      if (np.quantifier == Quantifier::The) {
        np.plural = !np.plural;
        return true;
      }
      if (np.quantifier != Quantifier::Number || np.count < 2) return false;
      const int count = static_cast<int>(rng.between(2, 11));
      np.count = count >= np.count ? count + 1 : count;
      return true;
    }
    case 5: {  // "the dog chases the cat" -> "the cat chases the dog", where both can
      std::vector<Clause*> actions;
      for (Clause& c : meaning.clauses) {
        const Predicate& p = c.predicate;
        if (p.kind != PredicateKind::Action) continue;
        const Verb& v = lexicon.verbs[p.verb];
        const uint32_t doer = class_bit(lexicon.nouns[p.object.noun].semantic_class);
        const uint32_t done = class_bit(lexicon.nouns[c.subject.noun].semantic_class);
        if ((v.subjects & doer) && (v.objects & done)) actions.push_back(&c);
      }
      if (actions.empty()) return false;
      Clause& c = *rng.pick(actions);
      std::swap(c.subject, c.predicate.object);
      return true;
    }
    case 6: {
      if (meaning.connectives.empty()) return false;
      Connective& k = meaning.connectives[static_cast<size_t>(
          rng.below(static_cast<int64_t>(meaning.connectives.size())))];
      if (k == Connective::But) return false;
      k = k == Connective::And ? Connective::Because : Connective::And;
      return true;
    }
    default: {
      const auto with_adjectives =
          filtered(nps, [](const NounPhrase* np) { return !np->adjectives.empty(); });
      if (with_adjectives.empty()) return false;
      NounPhrase& np = *rng.pick(with_adjectives);
      np.adjectives.erase(np.adjectives.begin() + static_cast<std::ptrdiff_t>(rng.below(
                                                      static_cast<int64_t>(np.adjectives.size()))));
      return true;
    }
  }
}

}  // namespace adamix::data
