#pragma once
// A port of the behaviour of Stanford CoreNLP 3.4.1's PTBTokenizer as pycocoevalcap calls it
// (`-preserveLines -lowerCase`, default PTB3 options: "£" -> "#", "(" -> -LRB-, quotes to
// `` and '', "n't"/"'s"/"'re"/... split off, "---" -> "--", "..." kept, abbreviations such as
// "mr." "e.g." "u.s." and single letters keep their period, untokenisable characters dropped).
// It is a longest-match lexer over the subset of PTBLexer.flex rules that English data-to-text
// output uses; checked token for token against the real jar on the E2E test references, the
// E2E challenge system outputs and WebNLG references (tests/fixtures/metrics/nlg).
//
//   adamix::metrics::nlg::coco_ptb_tokenize("It's £20 (cheap).");  // "it 's # 20 -lrb- cheap
//   -rrb-"
#include <string>
#include <vector>

namespace adamix::metrics::nlg {

// The lowercased PTB tokens of each line, the lines read as one text as -preserveLines does
// (a line's first character is context for the previous line's last token). The duplicated
// period CoreNLP adds after an abbreviation that ends a sentence is not produced
// (pycocoevalcap drops "." anyway).
std::vector<std::vector<std::string>> ptb_tokenize(const std::vector<std::string>& lines);
std::vector<std::string> ptb_tokenize(const std::string& line);

// pycocoevalcap's filter: drop the punctuation tokens, join by single spaces.
std::string coco_punctuation_filter(const std::vector<std::string>& tokens);

// What pycocoevalcap's PTBTokenizer wrapper hands its scorers: the tokens of ptb_tokenize
// without the punctuation tokens '' ' `` ` -LRB- -RRB- -LCB- -RCB- . ? ! , : - -- ... ; (the
// bracket names are compared in upper case against lowercased tokens, so "-lrb-" stays), joined
// by single spaces.
std::string coco_ptb_tokenize(const std::string& line);

// A batch, as pycocoevalcap tokenises it: all hypotheses in one batch, all references of all
// segments (in order) in another.
std::vector<std::string> coco_ptb_tokenize(const std::vector<std::string>& lines);
std::vector<std::vector<std::string>> coco_ptb_tokenize(
    const std::vector<std::vector<std::string>>& groups);

}  // namespace adamix::metrics::nlg
