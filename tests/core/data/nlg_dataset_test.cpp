// NLG loaders on small cuts of the real files (tests/fixtures/nlg, see PROVENANCE.md). The
// expected pairs are what microsoft/LoRA's format_converting_{e2e,webnlg,dart}.py produce from
// the same entries; on the full E2E valid/test, WebNLG dev and DART dev files the loaders
// matched those scripts' output pair for pair when this was written.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/data/nlg_dataset.h"
#include "core/data/synthetic_tasks.h"
#include "core/error.h"
#include "data_test_helpers.h"

namespace adamix::data {
namespace {

namespace fs = std::filesystem;
using testing::expect_error_naming;

fs::path nlg_dir(const std::string& name) { return fs::path(ADAMIX_FIXTURES_DIR) / "nlg" / name; }

fs::path temp_dir(const std::string& name) {
  const fs::path dir = fs::path(::testing::TempDir()) / "adamix_nlg_test" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

std::vector<std::string> completions(const NlgSplit& split) {
  std::vector<std::string> out;
  for (const auto& pair : split.pairs) out.push_back(pair.completion);
  return out;
}

TEST(NlgDataset, ParsesNamesAndListsThemOnError) {
  EXPECT_EQ(parse_nlg_dataset("e2e"), NlgDataset::E2e);
  EXPECT_EQ(parse_nlg_dataset("webnlg"), NlgDataset::WebNlg);
  EXPECT_EQ(parse_nlg_dataset("dart"), NlgDataset::Dart);
  EXPECT_EQ(parse_nlg_dataset("data-to-text"), NlgDataset::Synthetic);
  EXPECT_STREQ(to_string(NlgDataset::Synthetic), "data-to-text");
  expect_error_naming<ConfigError>([] { parse_nlg_dataset("E2E"); },
                                   {"E2E", "e2e", "webnlg", "dart", "data-to-text"});
  expect_error_naming<ConfigError>([] { load_nlg_split(NlgDataset::E2e, nlg_dir("e2e"), "valid"); },
                                   {"valid", "train, dev, test"});
}

TEST(NlgDataset, SeenWebNlgCategoriesAreLoRAsTen) {
  for (const char* c : {"Airport", "Astronaut", "Building", "City", "ComicsCharacter", "Food",
                        "Monument", "SportsTeam", "University", "WrittenWork"}) {
    EXPECT_TRUE(is_seen_webnlg_category(c)) << c;
  }
  for (const char* c : {"Artist", "Athlete", "CelestialBody", "MeanOfTransportation", "Politician",
                        "airport", ""}) {
    EXPECT_FALSE(is_seen_webnlg_category(c)) << c;
  }
}

TEST(NlgE2e, LoRATextDevReadsValidTxtAndGroupsByMR) {
  const NlgSplit dev = load_nlg_split(NlgDataset::E2e, nlg_dir("e2e"), "dev");
  ASSERT_EQ(dev.pairs.size(), 8u);
  const std::string mr = "name : Alimentum | area : city centre | family friendly : no";
  EXPECT_EQ(dev.pairs[0].context, mr);
  // line.strip() drops the reference's trailing space.
  EXPECT_EQ(dev.pairs[0].completion,
            "There is a place in the city centre , Alimentum , that is not family - friendly .");
  ASSERT_EQ(dev.groups.size(), 2u);
  EXPECT_EQ(dev.groups[0].context, mr);
  ASSERT_EQ(dev.groups[0].references.size(), 6u);
  EXPECT_EQ(dev.groups[0].references[5],
            "Alimentum in city centre is not a family - friendly place .");
  EXPECT_EQ(dev.groups[1].context, mr + " | near : Burger King");
  EXPECT_EQ(dev.groups[1].references.size(), 2u);
  EXPECT_EQ(dev.groups[1].category, "");

  const NlgSplit test = load_nlg_split(NlgDataset::E2e, nlg_dir("e2e"), "test");
  ASSERT_EQ(test.pairs.size(), 4u);
  EXPECT_EQ(test.groups.size(), 3u);
  EXPECT_NE(test.pairs[2].context.find("price : £ 20 - 25"), std::string::npos);
}

TEST(NlgE2e, MissingSplitNamesBothLayouts) {
  expect_error_naming<IoError>([] { load_nlg_split(NlgDataset::E2e, nlg_dir("e2e"), "train"); },
                               {"train.txt", "trainset.csv"});
}

TEST(NlgE2e, OfficialCsvIsReadVerbatimWithQuoting) {
  const NlgSplit dev = load_nlg_split(NlgDataset::E2e, nlg_dir("e2e_csv"), "dev");
  ASSERT_EQ(dev.pairs.size(), 9u);
  EXPECT_EQ(dev.pairs[0].context, "name[Alimentum], area[city centre], familyFriendly[no]");
  EXPECT_EQ(dev.pairs[0].completion,
            "There is a place in the city centre, Alimentum, that is not family-friendly.");
  EXPECT_EQ(dev.pairs[3].completion,  // an unquoted field
            "Alimentum is not a family-friendly arena and is located in the city centre.");
  EXPECT_EQ(dev.pairs[8].completion,
            "A highly rated coffee shop \"The Punter\" serving English food priced between £20 - "
            "£25 and is child friendly");
  EXPECT_EQ(dev.groups.size(), 3u);
  const NlgSplit test = load_nlg_split(NlgDataset::E2e, nlg_dir("e2e_csv"), "test");
  ASSERT_EQ(test.pairs.size(), 3u);
  EXPECT_EQ(test.groups.size(), 2u);
}

TEST(NlgE2e, LinesAsPythonReadsThem) {
  const fs::path dir = temp_dir("e2e_lines");
  // BOM dropped, CRLF and CR line ends, blank lines skipped, text after a second '||' dropped
  // (items[1]), reference cut at <|endoftext|> in the group only.
  write_bytes(dir / "test.txt",
              "\xEF\xBB\xBFname : A||First .\r\n\r\nname : A||Second||extra\rname : B||Hi "
              "<|endoftext|> junk\n  \n");
  const NlgSplit test = load_nlg_split(NlgDataset::E2e, dir, "test");
  ASSERT_EQ(test.pairs.size(), 3u);
  EXPECT_EQ(test.pairs[0].context, "name : A");
  EXPECT_EQ(test.pairs[1].completion, "Second");
  EXPECT_EQ(test.pairs[2].completion, "Hi <|endoftext|> junk");
  ASSERT_EQ(test.groups.size(), 2u);
  EXPECT_EQ(test.groups[0].references, (std::vector<std::string>{"First .", "Second"}));
  EXPECT_EQ(test.groups[1].references, std::vector<std::string>{"Hi"});
}

TEST(NlgE2e, MalformedInputNamesFileAndLine) {
  const fs::path bad = nlg_dir("malformed");
  expect_error_naming<InputError>(
      [&] { load_nlg_split(NlgDataset::E2e, bad / "e2e_no_bars", "dev"); }, {"valid.txt:2", "||"});
  expect_error_naming<InputError>(
      [&] { load_nlg_split(NlgDataset::E2e, bad / "e2e_csv_unterminated", "dev"); },
      {"devset.csv:3", "unterminated"});
  expect_error_naming<InputError>(
      [&] { load_nlg_split(NlgDataset::E2e, bad / "e2e_csv_short_row", "dev"); },
      {"devset.csv:3", "1 column"});
  expect_error_naming<InputError>(
      [&] { load_nlg_split(NlgDataset::E2e, bad / "e2e_csv_no_ref", "dev"); },
      {"devset.csv:1", "'ref'"});
}

TEST(NlgWebNlg, TrainKeepsGoodLexicalisationsOnly) {
  const NlgSplit train = load_nlg_split(NlgDataset::WebNlg, nlg_dir("webnlg"), "train");
  // Airport.xml before Building.xml; Building's second entry has only a toFix lex: no pair.
  ASSERT_EQ(train.pairs.size(), 4u);
  EXPECT_EQ(train.pairs[0].context, "Aarhus_Airport : cityServed : \"Aarhus, Denmark\"");
  EXPECT_EQ(train.pairs[0].completion, "The Aarhus is the airport of Aarhus, Denmark.");
  EXPECT_EQ(train.pairs[2].context, "320_South_Boston_Building : height : 121.92 (metres)");
  EXPECT_EQ(train.pairs[2].completion,
            "The 320 South Boston Building has a height of 121.92 metres.");
  ASSERT_EQ(train.groups.size(), 2u);
  EXPECT_EQ(train.groups[0].category, "Airport");
  EXPECT_EQ(train.groups[1].category, "Building");
}

TEST(NlgWebNlg, DevJoinsTriplesInOrderAndKeepsEmptyTexts) {
  const NlgSplit dev = load_nlg_split(NlgDataset::WebNlg, nlg_dir("webnlg"), "dev");
  ASSERT_EQ(dev.pairs.size(), 5u);
  EXPECT_EQ(dev.pairs[0].context, "Aarhus : leaderName : Jacob_Bundsgaard");
  EXPECT_EQ(dev.pairs[0].completion, "The leader of Aarhus is Jacob Bundsgaard.");
  EXPECT_EQ(dev.pairs[2].completion, "The Aarhus Airport has a runway length of 2702.0.");
  // The enriched release has `<text/>` for some good lexicalisations: kept as "".
  EXPECT_EQ(dev.pairs[3].context,
            "A.D._Isidro_Metapán : ground : Estadio_Jorge_Calero_Suárez | A.D._Isidro_Metapán : "
            "fullname : \"Isidro Metapán\" | A.D._Isidro_Metapán : numberOfMembers : 10000");
  EXPECT_EQ(dev.pairs[3].completion, "");
  ASSERT_EQ(dev.groups.size(), 3u);
  EXPECT_EQ(dev.groups[1].references.size(), 2u);
  EXPECT_EQ(dev.groups[2].category, "SportsTeam");
}

TEST(NlgWebNlg, ChallengeLayoutReadsTheSamePairs) {
  // <lex comment="good">text</lex> (challenge release, as LoRA's JSON) vs <lex><text>...</text>.
  const NlgSplit challenge = load_nlg_split(NlgDataset::WebNlg, nlg_dir("webnlg_challenge"), "dev");
  const NlgSplit enriched = load_nlg_split(NlgDataset::WebNlg, nlg_dir("webnlg"), "dev");
  ASSERT_EQ(challenge.pairs.size(), 3u);
  for (size_t i = 0; i < challenge.pairs.size(); ++i) {
    EXPECT_EQ(challenge.pairs[i].context, enriched.pairs[i].context);
    EXPECT_EQ(challenge.pairs[i].completion, enriched.pairs[i].completion);
  }
}

TEST(NlgWebNlg, TestSetHasSeenAndUnseenCategories) {
  const NlgSplit test = load_nlg_split(NlgDataset::WebNlg, nlg_dir("webnlg"), "test");
  ASSERT_EQ(test.pairs.size(), 5u);
  ASSERT_EQ(test.groups.size(), 3u);
  EXPECT_EQ(test.groups[0].context, "Abilene_Regional_Airport : cityServed : Abilene,_Texas");
  EXPECT_TRUE(is_seen_webnlg_category(test.groups[0].category));
  EXPECT_EQ(test.groups[1].category, "Artist");
  EXPECT_FALSE(is_seen_webnlg_category(test.groups[1].category));
  EXPECT_EQ(test.groups[2].context,
            "Aaron_Deer : associatedBand/associatedMusicalArtist : The_Horns_of_Happiness");
  EXPECT_EQ(test.groups[2].references,
            (std::vector<std::string>{"Aaron Deer collaborates with The Horns of Happiness.",
                                      "Aaron Deer plays with The Horns of Happiness."}));
}

TEST(NlgWebNlg, MalformedXmlNamesFileAndLine) {
  const fs::path bad = nlg_dir("malformed");
  expect_error_naming<InputError>(
      [&] { load_nlg_split(NlgDataset::WebNlg, bad / "webnlg_broken", "dev"); },
      {"Airport.xml:", "XML"});
  expect_error_naming<InputError>(
      [&] { load_nlg_split(NlgDataset::WebNlg, bad / "webnlg_bad_triple", "dev"); },
      {"Airport.xml:7", "Aarhus_Airport runwayLength 2702.0"});
  expect_error_naming<IoError>(
      [&] { load_nlg_split(NlgDataset::WebNlg, bad / "webnlg_broken", "train"); },
      {"webnlg_broken/train"});
}

TEST(NlgDart, JsonLowercasesPropertiesOnePairPerAnnotation) {
  const NlgSplit dev = load_nlg_split(NlgDataset::Dart, nlg_dir("dart"), "dev");
  ASSERT_EQ(dev.pairs.size(), 5u);
  EXPECT_EQ(dev.pairs[0].context,
            "Mars Hill College : joined : 1973 | Mars Hill College : location : Mars Hill, North "
            "Carolina");
  EXPECT_EQ(dev.pairs[1].context,
            "Say Something : producer(s) : will.i.am | Say Something : performer(s) : Talib "
            "Kweli, Jean Grae");
  ASSERT_EQ(dev.groups.size(), 3u);
  EXPECT_EQ(dev.groups[2].references.size(), 3u);
  EXPECT_EQ(dev.groups[2].references[1],
            "The Acharya Institute of Technology in Bangalore, India has the motto \"Nurturing "
            "Excellence\".");
}

TEST(NlgDart, XmlReadsMtriplesAndEveryLex) {
  const NlgSplit test = load_nlg_split(NlgDataset::Dart, nlg_dir("dart_xml"), "test");
  EXPECT_EQ(completions(test),
            (std::vector<std::string>{
                "reserved (previously G721) has 1 channel and 8000 Hz clock rate", "",
                "Richard Vanquelef is from France.",
                "The Battle of Mine Run was one fought by Aaron S Daggett.",
                "Aaron S. Daggett fought in the Battle of Mine Run.",
                "The Battle of Mine Run was one of the battles that Aaron S. Daggett fought at."}));
  EXPECT_EQ(test.pairs[0].context,
            "reserved (previously G721) : no._of_channels : 1 | reserved (previously G721) : "
            "clock_rate_(hz) : 8000");
  EXPECT_EQ(test.pairs[2].context, "richard vanquelef : nationality² : france");
  EXPECT_EQ(test.groups.size(), 3u);
}

TEST(NlgDart, MalformedInputNamesFileAndPlace) {
  const fs::path bad = nlg_dir("malformed");
  expect_error_naming<InputError>(
      [&] { load_nlg_split(NlgDataset::Dart, bad / "dart_missing_key", "dev"); },
      {"dart-v1.1.1-full-dev.json", "entry 2", "annotations"});
  expect_error_naming<InputError>(
      [&] { load_nlg_split(NlgDataset::Dart, bad / "dart_bad_json", "dev"); },
      {"dart-v1.1.1-full-dev.json", "line 6"});
  expect_error_naming<InputError>(
      [&] { load_nlg_split(NlgDataset::Dart, bad / "dart_xml_bad_triple", "test"); },
      {"dart-v1.1.1-full-test.xml:6"});
  expect_error_naming<IoError>([&] { load_nlg_split(NlgDataset::Dart, bad, "train"); },
                               {"dart-v1.1.1-full-train.json", "dart-v1.1.1-full-train.xml"});
}

TEST(NlgSynthetic, ReadsWhatMakeTaskWrites) {
  const fs::path dir = temp_dir("synthetic") / "task";
  LanguageTaskOptions options;
  options.size = 10;
  options.dev_size = 10;
  options.references = 3;
  write_language_task(SyntheticLanguage(LanguageOptions{3, 2000, 2}), LanguageTask::DataToText,
                      options, dir);
  for (const char* name : {"train", "dev", "test"}) {
    const NlgSplit split = load_nlg_split(NlgDataset::Synthetic, dir, name);
    std::ifstream in(dir / (std::string(name) + ".tsv"));
    std::string line;
    std::getline(in, line);  // header
    size_t row = 0;
    std::vector<std::string> mrs;  // distinct, in first-appearance order
    while (std::getline(in, line)) {
      ASSERT_LT(row, split.pairs.size());
      EXPECT_EQ(split.pairs[row].context + "\t" + split.pairs[row].completion, line);
      const std::string mr = line.substr(0, line.find('\t'));
      if (std::find(mrs.begin(), mrs.end(), mr) == mrs.end()) mrs.push_back(mr);
      ++row;
    }
    EXPECT_EQ(row, split.pairs.size());
    ASSERT_EQ(split.groups.size(), mrs.size()) << name;
    for (size_t g = 0; g < mrs.size(); ++g) EXPECT_EQ(split.groups[g].context, mrs[g]);
    size_t references = 0;
    for (const auto& group : split.groups) references += group.references.size();
    EXPECT_EQ(references, split.pairs.size());
  }
}

TEST(NlgSynthetic, MalformedTsvNamesFileAndLine) {
  const fs::path bad = nlg_dir("malformed");
  expect_error_naming<InputError>(
      [&] { load_nlg_split(NlgDataset::Synthetic, bad / "synthetic_no_tab", "train"); },
      {"train.tsv:3", "TAB"});
  expect_error_naming<InputError>(
      [&] { load_nlg_split(NlgDataset::Synthetic, bad / "synthetic_bad_header", "train"); },
      {"train.tsv:1", "header"});
  expect_error_naming<IoError>(
      [&] { load_nlg_split(NlgDataset::Synthetic, bad / "synthetic_no_tab", "dev"); },
      {"synthetic_no_tab/dev.tsv"});
}

}  // namespace
}  // namespace adamix::data
