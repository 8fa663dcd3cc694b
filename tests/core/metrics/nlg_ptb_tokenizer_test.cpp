// The PTB tokenizer port against CoreNLP 3.4.1's PTBTokenizer (-preserveLines -lowerCase) as
// pycocoevalcap runs it: ptb_probe_jar.txt is the jar's output on ptb_probe.txt.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "core/metrics/nlg/ptb_tokenizer.h"
#include "core/metrics/nlg/unicode_text.h"

namespace adamix::metrics::nlg {
namespace {

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in) << path;
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(NlgPtbTokenizer, MatchesCoreNlpJarAfterPunctuationFilter) {
  const std::string dir = std::string(ADAMIX_FIXTURES_DIR) + "/metrics/nlg/";
  const auto input = read_lines(dir + "ptb_probe.txt");
  const auto jar = read_lines(dir + "ptb_probe_jar.txt");
  ASSERT_EQ(input.size(), jar.size());
  const auto mine = coco_ptb_tokenize(input);
  for (size_t i = 0; i < input.size(); ++i) {
    std::string expected = jar[i];
    while (!expected.empty() && expected.back() == ' ') expected.pop_back();
    EXPECT_EQ(mine[i], coco_punctuation_filter(split_on_space(expected)))
        << "line " << i + 1 << ": " << input[i];
  }
}

TEST(NlgPtbTokenizer, PoundBecomesHashAndBracketsStayLowercased) {
  // "£" -> "#"; -LRB- is lowercased by -lowerCase, so pycocoevalcap's filter keeps "-lrb-".
  EXPECT_EQ(coco_ptb_tokenize("It's £20-25 (cheap)."), "it 's # 20-25 -lrb- cheap -rrb-");
  EXPECT_EQ(coco_ptb_tokenize("Don't say \"no\", Mr. Smith!"), "do n't say no mr. smith");
  EXPECT_EQ(coco_ptb_tokenize(""), "");
}

TEST(NlgPtbTokenizer, NextLineDecidesSingleLetterPeriod) {
  // -preserveLines reads all lines as one text: "B." keeps its period unless a sentence-starting
  // word follows ("The"), even on the next line.
  const auto out =
      coco_ptb_tokenize(std::vector<std::string>{"plan B.", "The end", "plan B.", "the end"});
  EXPECT_EQ(out, (std::vector<std::string>{"plan b", "the end", "plan b.", "the end"}));
}

}  // namespace
}  // namespace adamix::metrics::nlg
