#include "core/data/synthetic_examples.h"

#include <algorithm>
#include <climits>

#include "core/data/synthetic_edits.h"

namespace adamix::data {
namespace {

using Q = Quantifier;

Meaning one_clause(NounPhrase subject, Predicate predicate) {
  Meaning m;
  m.clauses.push_back({std::move(subject), std::move(predicate)});
  return m;
}

void to_antonym(const Lexicon& lex, Predicate& p) {  // the same fact: "not happy" = "sad"
  p.attribute = lex.adjectives[p.attribute].antonym;
  p.negated = !p.negated;
}

// An adjective or a relative clause of a definite noun phrase, as a predicate.
Predicate modifier_fact(Rng& rng, const NounPhrase& np) {
  if (!np.adjectives.empty() && (np.relative.empty() || rng.percent(50))) {
    Predicate p;
    p.attribute = rng.pick(np.adjectives);
    return p;
  }
  return stripped(np.relative.at(0));
}

// The other number's form of a verb or noun ("is" -> "are", "chases" -> "chase", "dog" ->
// "dogs"); the word itself when it has none.
std::string other_number(const SyntheticLanguage& lang, const std::string& w) {
  static const std::vector<std::pair<std::string, std::string>> pairs = {
      {"is", "are"}, {"was", "were"}, {"does", "do"}};
  for (const auto& [sg, pl] : pairs) {
    if (w == sg) return pl;
    if (w == pl) return sg;
  }
  const SyntheticParser::Reading* r = lang.parser().reading(w);
  if (!r) return w;
  if (r->category == SyntheticParser::Category::Verb) {
    for (const VerbForms& f : lang.lexicon().verbs[r->id].synonyms) {
      if (w == f.base) return f.third;
      if (w == f.third) return f.base;
    }
  }
  if (r->category == SyntheticParser::Category::Noun) {
    for (const NounForms& f : lang.lexicon().nouns[r->id].synonyms) {
      if (w == f.singular) return f.plural;
      if (w == f.plural) return f.singular;
    }
  }
  return w;
}

// Keeps what an MR can say: adjectives, not relative clauses (an attribute one becomes one).
void as_adjectives(const Lexicon& lex, NounPhrase& np) {
  if (!np.relative.empty()) {
    const Predicate p = np.relative[0];
    if (p.kind == PredicateKind::Attribute && !p.past) {
      np.adjectives.push_back(p.negated ? lex.adjectives[p.attribute].antonym : p.attribute);
    }
    np.relative.clear();
  }
}

}  // namespace

LanguageExample ExampleMaker::sentiment(bool positive) {
  const Lexicon& lex = lang_.lexicon();
  const int target = positive ? 1 : -1;
  const int depth = lang_.options().depth;
  // Not "few": whether "few dogs are happy" is good news is unclear.
  const std::vector<Q> quantifiers = {Q::The,   Q::The, Q::The,  Q::A,     Q::Some,
                                      Q::Every, Q::No,  Q::Many, Q::Number};
  while (true) {
    Meaning m;
    std::vector<int32_t> used;
    const int64_t n = rng_.between(1, depth);
    const int64_t turn = n >= 2 && rng_.percent(50) ? rng_.between(1, n - 1) : 0;  // ", but"
    for (int64_t i = 0; i < n; ++i) {
      if (i > 0) {
        m.connectives.push_back(i == turn          ? Connective::But
                                : rng_.percent(30) ? Connective::Because
                                                   : Connective::And);
      }
      ClauseWish wish;
      wish.quantifiers = quantifiers;
      wish.polarity = i < turn ? -target : target;
      if (i > 0 && m.connectives.back() == Connective::Because) {
        wish.polarity = kAnyPolarity;  // a reason does not decide
      } else if (i != 0 && i != turn && rng_.percent(25)) {
        wish.polarity = 0;
      }
      m.clauses.push_back(lang_.sampler().clause(rng_, wish, used, depth));
    }
    if (data::sentiment(lex, m) == target) return {lang_.realise(m, rng_), {}, positive ? 1 : 0};
  }
}

Meaning ExampleMaker::premise() {
  const int depth = lang_.options().depth;
  ClauseWish wish;
  wish.quantifiers = {Q::The, Q::The, Q::The, Q::Number, Q::Every};
  wish.class_nouns = false;  // class nouns are the hypotheses' generalisations
  Meaning m;
  std::vector<int32_t> used;
  const int64_t n = rng_.between(1, depth);
  for (int64_t i = 0; i < n; ++i) {
    if (i > 0) m.connectives.push_back(static_cast<Connective>(rng_.below(3)));
    m.clauses.push_back(lang_.sampler().clause(rng_, wish, used, depth));
  }
  return m;
}

bool ExampleMaker::hypothesis(Inference label, Meaning& premise, Meaning& out) {
  const Lexicon& lex = lang_.lexicon();
  const Clause& c = rng_.pick(premise.clauses);
  std::vector<NounPhrase*> modified;
  for (NounPhrase* np : noun_phrases(premise)) {
    if (np->quantifier == Q::The && (!np->adjectives.empty() || !np->relative.empty())) {
      modified.push_back(np);
    }
  }
  const int32_t class_noun = static_cast<int32_t>(lex.nouns[c.subject.noun].semantic_class);
  const int64_t strategy = rng_.below(3);
  if (label == Inference::Entailment || label == Inference::Contradiction) {
    const bool entail = label == Inference::Entailment;
    if (strategy == 0) {  // the clause restated, or its opposite
      Predicate p = stripped(c.predicate);
      NounPhrase s = stripped(c.subject);
      if (p.kind == PredicateKind::Attribute && rng_.percent(50)) {
        if (entail) {
          to_antonym(lex, p);  // "is not sad"
        } else {
          p.attribute = lex.adjectives[p.attribute].antonym;  // "is sad"
        }
      } else if (!entail) {
        p.negated = !p.negated;
      }
      if (!entail && s.quantifier == Q::Every) s.quantifier = Q::The;  // every dog vs the dog
      out = one_clause(s, p);
      return true;
    }
    if (strategy == 1) {  // a modifier as a fact: "the big dog ..." -> "the dog is (not) big"
      if (modified.empty()) return false;
      const NounPhrase& np = *rng_.pick(modified);
      Predicate p = modifier_fact(rng_, np);
      if (!entail) p.negated = !p.negated;
      if (p.kind == PredicateKind::Attribute && rng_.percent(50)) to_antonym(lex, p);
      out = one_clause(stripped(np), p);
      return true;
    }
    // "a dog" / "some animals" (entailment) or "no dog" (contradiction) does the same.
    NounPhrase s;
    s.noun = rng_.percent(50) ? class_noun : c.subject.noun;
    s.plural = entail ? c.subject.plural : rng_.percent(50);
    s.quantifier = !entail ? Q::No : s.plural ? Q::Some : Q::A;
    out = one_clause(s, stripped(c.predicate));
    return true;
  }
  std::vector<int32_t> used = nouns_used(premise);
  if (strategy == 0) {  // an attribute the premise does not mention
    std::vector<int32_t> mentioned;
    for (const PredicateSite& site : predicate_sites(premise)) {
      if (site.predicate->kind == PredicateKind::Attribute) {
        mentioned.push_back(site.predicate->attribute);
      }
      mentioned.insert(mentioned.end(), site.subject->adjectives.begin(),
                       site.subject->adjectives.end());
    }
    Predicate p;
    p.attribute = lang_.sampler().attribute(rng_, c.subject.noun, kAnyPolarity, mentioned);
    if (p.attribute < 0) return false;
    p.negated = rng_.percent(30);
    p.past = rng_.percent(30);
    NounPhrase s = stripped(c.subject);
    if (rng_.percent(30)) {  // "an animal is big": generalised subjects are not a cue
      s = NounPhrase{};
      s.noun = rng_.percent(50) ? class_noun : c.subject.noun;
      s.plural = c.subject.plural;
      s.quantifier = s.plural ? Q::Some : Q::A;
    }
    out = one_clause(s, p);
    return true;
  }
  if (strategy == 1) {  // another thing of the same class ("the", "a"/"some" or "no")
    const int32_t noun = rng_.pick(lex.nouns_of_class[class_noun]);
    if (std::find(used.begin(), used.end(), noun) != used.end()) return false;
    NounPhrase s;
    s.noun = noun;
    s.plural = rng_.percent(40);
    const int64_t r = rng_.below(5);  // "no" as often as contradictions use it
    s.quantifier = r < 2 ? Q::The : r == 2 ? (s.plural ? Q::Some : Q::A) : Q::No;
    out = one_clause(s, stripped(c.predicate));
    return true;
  }
  // An action with something the premise does not mention.
  if (lex.verbs_of_subject[class_noun].empty()) return false;
  Predicate p;
  p.kind = PredicateKind::Action;
  p.verb = rng_.pick(lex.verbs_of_subject[class_noun]);
  p.object = lang_.sampler().noun_phrase(rng_, lex.verbs[p.verb].objects, {Q::The, Q::A}, used);
  p.negated = rng_.percent(30);
  p.past = rng_.percent(30);
  out = one_clause(stripped(c.subject), p);
  return true;
}

LanguageExample ExampleMaker::entailment(Inference label) {
  while (true) {
    Meaning p = premise();
    Meaning h;
    if (!hypothesis(label, p, h) || infer(lang_.lexicon(), p, h) != label) continue;
    Sentence first = lang_.realise(p, rng_);
    return {first, lang_.realise(h, rng_), static_cast<int>(label)};
  }
}

LanguageExample ExampleMaker::paraphrase(bool same) {
  const Lexicon& lex = lang_.lexicon();
  while (true) {
    const Meaning a = lang_.meaning(rng_);
    Meaning b = a;
    for (int64_t k = rng_.between(same ? 1 : 0, 2); k > 0; --k) rewrite(lex, rng_, b);
    if (!same && !edit(lang_.sampler(), lex, rng_, b)) continue;
    if (same_meaning(lex, a, b) != same) continue;
    Sentence first = lang_.realise(a, rng_);
    Sentence second = lang_.realise(b, rng_);
    if (first.text() != second.text()) return {first, second, same ? 1 : 0};
  }
}

LanguageExample ExampleMaker::similarity(int bin) {
  const Lexicon& lex = lang_.lexicon();
  const int low = bin * 100, high = bin == 4 ? 500 : bin * 100 + 99;
  LanguageExample best;
  int best_distance = INT_MAX;
  for (int tries = 0; tries < 200 && best_distance > 0; ++tries) {
    const Meaning a = lang_.meaning(rng_);
    Meaning b = a;
    if (bin <= 1 && rng_.percent(40)) {
      b = lang_.meaning(rng_);  // unrelated
    } else {
      for (int64_t k = bin == 4 ? rng_.below(2) : rng_.between(1, 5 - bin); k > 0; --k) {
        edit(lang_.sampler(), lex, rng_, b);
      }
      for (int64_t k = rng_.below(3); k > 0; --k) rewrite(lex, rng_, b);
    }
    const int score = similarity_hundredths(lex, a, b);
    const int distance = score < low ? low - score : score > high ? score - high : 0;
    if (distance < best_distance) {
      best_distance = distance;
      Sentence first = lang_.realise(a, rng_);
      best = {first, lang_.realise(b, rng_), 0, score};
    }
  }
  return best;
}

std::vector<std::string> ExampleMaker::corrupted(const Sentence& sentence) {
  std::vector<std::string> w = sentence.words;
  const int64_t n = static_cast<int64_t>(w.size()) - 1;  // the final "." stays
  auto punctuation = [&](int64_t i) { return w[i] == "," || w[i] == "."; };
  const int64_t kind = rng_.below(10);
  std::vector<AgreementSite> marked;
  for (const AgreementSite& site : sentence.agreement) {
    if (site.marked) marked.push_back(site);
  }
  if (kind < 4 && !marked.empty()) {  // "the dogs is", "the dog chase"
    const AgreementSite& site = rng_.pick(marked);
    const int32_t at = rng_.percent(50) ? site.verb : site.subject;
    w[at] = other_number(lang_, w[at]);
  } else if (kind < 7 && n >= 2) {  // swap two neighbours
    const int64_t i = rng_.below(n - 1);
    if (!punctuation(i) && !punctuation(i + 1)) std::swap(w[i], w[i + 1]);
  } else {  // drop a word
    const int64_t i = rng_.below(n);
    if (!punctuation(i)) w.erase(w.begin() + i);
  }
  return w;
}

LanguageExample ExampleMaker::acceptability(bool grammatical) {
  while (true) {
    Sentence s = lang_.sentence(rng_);
    if (grammatical) return {s, {}, 1};
    for (int tries = 0; tries < 10; ++tries) {
      std::vector<std::string> words = corrupted(s);
      if (words != s.words && !lang_.grammatical(words)) {
        s.words = std::move(words);
        s.agreement.clear();
        return {s, {}, 0};
      }
    }
  }
}

std::string ExampleMaker::mr(const Meaning& meaning) const {
  const Lexicon& lex = lang_.lexicon();
  const Clause& c = meaning.clauses.at(0);
  std::string out;
  // Linearised as LoRA's WebNLG / DART inputs ("key : value | ..."): every value stands alone
  // after a space, so a byte-level BPE gives it the token it has inside a sentence ("Ġwind"),
  // and a small model can learn to copy it.
  auto add = [&](const std::string& key, const std::string& value) {
    out += (out.empty() ? "" : " | ") + key + " : " + value;
  };
  auto noun_phrase = [&](const std::string& role, const NounPhrase& np) {
    const std::string prefix = role == "subject" ? "" : role + "_";
    add(role, lex.nouns[np.noun].synonyms[0].singular);
    add(prefix + "quantity", determiner(np));
    add(prefix + "number", np.plural ? "plural" : "singular");
    for (int32_t a : np.adjectives) add(prefix + "modifier", lex.adjectives[a].synonyms[0]);
  };
  noun_phrase("subject", c.subject);
  const Predicate& p = c.predicate;
  if (p.kind == PredicateKind::Attribute) {
    add("property", lex.adjectives[p.attribute].synonyms[0]);
  } else {
    add("action", lex.verbs[p.verb].synonyms[0].base);
    noun_phrase("object", p.object);
  }
  add("negated", p.negated ? "yes" : "no");
  add("tense", p.past ? "past" : "present");
  return out;
}

DataToTextExample ExampleMaker::data_to_text(int references) {
  const Lexicon& lex = lang_.lexicon();
  std::vector<int32_t> used;
  Clause c = lang_.sampler().clause(rng_, ClauseWish{}, used, lang_.options().depth);
  as_adjectives(lex, c.subject);
  if (c.predicate.kind == PredicateKind::Action) as_adjectives(lex, c.predicate.object);
  DataToTextExample out;
  out.meaning = one_clause(c.subject, c.predicate);
  out.mr = mr(out.meaning);
  for (int tries = 0;
       tries < 10 * references && static_cast<int>(out.references.size()) < references; ++tries) {
    Meaning variant = out.meaning;
    for (int64_t k = rng_.below(3); k > 0; --k) rewrite(lex, rng_, variant);
    const std::string text = lang_.realise(variant, rng_).text();
    if (std::find(out.references.begin(), out.references.end(), text) == out.references.end()) {
      out.references.push_back(text);
    }
  }
  return out;
}

}  // namespace adamix::data
