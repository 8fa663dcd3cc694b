#include "core/data/synthetic_meaning.h"

#include <algorithm>
#include <iterator>

namespace adamix::data {
namespace {

const char* quantifier_name(Quantifier q) {
  switch (q) {
    case Quantifier::The: return "the";
    case Quantifier::A: return "a";
    case Quantifier::Some: return "some";
    case Quantifier::Every: return "every";
    case Quantifier::No: return "no";
    case Quantifier::Many: return "many";
    case Quantifier::Few: return "few";
    case Quantifier::Number: return "num";
  }
  return "?";
}

// Facts are strings: "<referent> <predicate key>=<truth>". An attribute's key names its
// dimension (the lower id of the antonym pair) and the truth is the pole, "not" folded in.
class FactWriter {
 public:
  explicit FactWriter(const Lexicon& lexicon) : lex_(lexicon) {}

  std::string key(const Predicate& p) const {
    const std::string tense = p.past ? "past" : "pres";
    if (p.kind == PredicateKind::Attribute) return "is." + tense + ".d" + std::to_string(dim(p));
    return "act." + tense + ".v" + std::to_string(p.verb) + "." + ref(p.object);
  }
  bool truth(const Predicate& p) const {
    if (p.kind == PredicateKind::Action) return !p.negated;
    return (p.attribute == dim(p)) != p.negated;
  }
  std::string fact(const Predicate& p) const { return key(p) + (truth(p) ? "=1" : "=0"); }
  static Predicate as_predicate(int32_t adjective) {  // "the big dog" says "the dog is big"
    Predicate p;
    p.attribute = adjective;
    return p;
  }

  // Which thing(s) a noun phrase picks out. A definite one is a referent of its own, described
  // by separate facts; a quantified one ("every big dog") keeps its modifiers as restrictors.
  std::string ref(const NounPhrase& np) const {
    std::string text = "n" + std::to_string(np.noun) + "." + quantifier_name(np.quantifier);
    if (np.quantifier == Quantifier::Number) text += std::to_string(np.count);
    if (np.quantifier == Quantifier::The) return text + (np.plural ? ".pl" : ".sg");
    std::vector<std::string> restrictors;
    for (int32_t a : np.adjectives) restrictors.push_back(fact(as_predicate(a)));
    for (const Predicate& p : np.relative) restrictors.push_back(fact(p));
    std::sort(restrictors.begin(), restrictors.end());
    text += "[";
    for (const auto& r : restrictors) text += r + ";";
    return text + "]";
  }

  void noun_phrase(const NounPhrase& np, std::vector<std::string>& out) const {
    const std::string r = ref(np);
    out.push_back("ent " + r);
    for (int32_t a : np.adjectives) {
      if (np.quantifier == Quantifier::The) out.push_back(r + " " + fact(as_predicate(a)));
    }
    for (const Predicate& p : np.relative) {
      if (np.quantifier == Quantifier::The) out.push_back(r + " " + fact(p));
      if (p.kind == PredicateKind::Action) noun_phrase(p.object, out);
    }
  }
  std::string main_fact(const Clause& c) const { return ref(c.subject) + " " + fact(c.predicate); }
  void clause(const Clause& c, std::vector<std::string>& out) const {
    noun_phrase(c.subject, out);
    out.push_back(main_fact(c));
    if (c.predicate.kind == PredicateKind::Action) noun_phrase(c.predicate.object, out);
  }

 private:
  int32_t dim(const Predicate& p) const {
    return std::min(p.attribute, lex_.adjectives[p.attribute].antonym);
  }
  const Lexicon& lex_;
};

// One predication a premise asserts, for infer().
struct Assertion {
  const NounPhrase* subject;
  std::string ref, key;
  bool truth;
};

void collect(const FactWriter& w, const NounPhrase& np, std::vector<Assertion>& out) {
  for (int32_t a : np.adjectives) {
    const Predicate p = FactWriter::as_predicate(a);
    if (np.quantifier == Quantifier::The) out.push_back({&np, w.ref(np), w.key(p), w.truth(p)});
  }
  for (const Predicate& p : np.relative) {
    if (np.quantifier == Quantifier::The) out.push_back({&np, w.ref(np), w.key(p), w.truth(p)});
    if (p.kind == PredicateKind::Action) collect(w, p.object, out);
  }
}

// The quantifier says such a thing exists (existential import for "every").
bool existential(Quantifier q) { return q != Quantifier::No && q != Quantifier::Few; }
bool unrestricted(const NounPhrase& np) { return np.adjectives.empty() && np.relative.empty(); }
// `member` picks out things that `group`'s noun (or its class noun) names.
bool member_of(const Lexicon& lex, const NounPhrase& member, const NounPhrase& group) {
  if (member.noun == group.noun) return true;
  const Noun& g = lex.nouns[group.noun];
  return g.class_noun && lex.nouns[member.noun].semantic_class == g.semantic_class;
}

}  // namespace

std::string determiner(const NounPhrase& np) {
  if (np.quantifier == Quantifier::Number) return numeral(np.count);
  return quantifier_name(np.quantifier);
}

int clause_polarity(const Lexicon& lexicon, const Clause& clause) {
  const Predicate& p = clause.predicate;
  int polarity = p.kind == PredicateKind::Attribute ? lexicon.adjectives[p.attribute].polarity
                                                    : lexicon.verbs[p.verb].polarity;
  if (p.negated) polarity = -polarity;
  if (clause.subject.quantifier == Quantifier::No) polarity = -polarity;
  return polarity;
}

int sentiment(const Lexicon& lexicon, const Meaning& meaning) {
  size_t start = 0;
  for (size_t i = 0; i < meaning.connectives.size(); ++i) {
    if (meaning.connectives[i] == Connective::But) start = i + 1;
  }
  int sum = 0;
  for (size_t j = start; j < meaning.clauses.size(); ++j) {
    if (j > start && meaning.connectives[j - 1] == Connective::Because) continue;
    sum += clause_polarity(lexicon, meaning.clauses[j]);
  }
  return (sum > 0) - (sum < 0);
}

std::vector<std::string> facts(const Lexicon& lexicon, const Meaning& meaning) {
  const FactWriter w(lexicon);
  std::vector<std::string> out;
  for (size_t i = 0; i < meaning.clauses.size(); ++i) {
    w.clause(meaning.clauses[i], out);
    if (i > 0 && meaning.connectives[i - 1] == Connective::Because) {
      out.push_back("because " + w.main_fact(meaning.clauses[i - 1]) + " | " +
                    w.main_fact(meaning.clauses[i]));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool same_meaning(const Lexicon& lexicon, const Meaning& a, const Meaning& b) {
  return facts(lexicon, a) == facts(lexicon, b);
}

namespace {

// The facts plus each predication without its referent ("* is.pres.d4=1"), so that the same
// thing said of another entity still overlaps a little.
std::vector<std::string> similarity_features(const Lexicon& lexicon, const Meaning& m) {
  std::vector<std::string> out = facts(lexicon, m);
  const size_t n = out.size();
  for (size_t i = 0; i < n; ++i) {
    const size_t space = out[i].find(' ');
    if (out[i].compare(0, space, "ent") != 0 && out[i].compare(0, space, "because") != 0) {
      out.push_back("* " + out[i].substr(space + 1));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

int similarity_hundredths(const Lexicon& lexicon, const Meaning& a, const Meaning& b) {
  const auto fa = similarity_features(lexicon, a), fb = similarity_features(lexicon, b);
  std::vector<std::string> common;
  std::set_intersection(fa.begin(), fa.end(), fb.begin(), fb.end(), std::back_inserter(common));
  const int64_t inter = static_cast<int64_t>(common.size());
  const int64_t all = static_cast<int64_t>(fa.size() + fb.size()) - inter;
  return static_cast<int>((500 * inter + all / 2) / all);
}

Inference infer(const Lexicon& lexicon, const Meaning& premise, const Meaning& hypothesis) {
  const FactWriter w(lexicon);
  std::vector<Assertion> said;
  for (const Clause& c : premise.clauses) {
    said.push_back({&c.subject, w.ref(c.subject), w.key(c.predicate), w.truth(c.predicate)});
    collect(w, c.subject, said);
    if (c.predicate.kind == PredicateKind::Action) collect(w, c.predicate.object, said);
  }
  const Clause& hc = hypothesis.clauses.at(0);
  const NounPhrase& h = hc.subject;
  const std::string h_ref = w.ref(h), h_key = w.key(hc.predicate);
  const bool h_truth = w.truth(hc.predicate);
  const Quantifier hq = h.quantifier;

  bool entails = false, contradicts = false;
  for (const Assertion& a : said) {
    if (a.key != h_key) continue;
    const NounPhrase& s = *a.subject;
    const Quantifier aq = s.quantifier;
    const bool every_covers =  // "every dog is P" speaks of "the dog" too
        aq == Quantifier::Every && unrestricted(s) && hq == Quantifier::The && s.noun == h.noun;
    if (a.truth == h_truth) {
      const bool generalises = (hq == Quantifier::A || (hq == Quantifier::Some && s.plural)) &&
                               existential(aq) && member_of(lexicon, s, h);
      if (a.ref == h_ref || generalises || every_covers) entails = true;
      // "no dog is P" against a dog that is P, either way round.
      if (hq == Quantifier::No && aq != Quantifier::No && existential(aq) && unrestricted(h) &&
          member_of(lexicon, s, h)) {
        contradicts = true;
      }
      if (aq == Quantifier::No && hq != Quantifier::No && existential(hq) && unrestricted(s) &&
          member_of(lexicon, h, s)) {
        contradicts = true;
      }
    } else if ((a.ref == h_ref && aq == Quantifier::The) || every_covers) {
      contradicts = true;
    }
  }
  if (contradicts) return Inference::Contradiction;
  return entails ? Inference::Entailment : Inference::Neutral;
}

}  // namespace adamix::data
