#pragma once
// Data-to-text (NLG) splits of E2E, WebNLG 2017, DART and the synthetic data-to-text task, read
// as microsoft/LoRA's examples/NLG preprocessing (format_converting_{e2e,webnlg,dart}.py) reads
// them: training pairs (one per reference, file order) and the references grouped by identical
// context string, as gpt2_decode.py groups them for scoring.
//
//   NlgSplit test = adamix::data::load_nlg_split(NlgDataset::WebNlg, "webnlg/en", "test");
//
// Directory layouts (`split` is "train", "dev" or "test"):
//   E2E      dir/{train,valid,test}.txt in LoRA's format, one `MR||reference` per line (dev reads
//            valid.txt); else the official CSVs dir/{trainset,devset,testset_w_refs}.csv with a
//            header naming the columns `mr` and `ref` (RFC 4180 quoting). The .txt file wins
//            when both exist. The CSV holds the same pairs in another spelling (MR
//            `name[Blue Spice], eatType[...]`, untokenized references) and is read verbatim;
//            published numbers use LoRA's tokenized .txt files.
//   WebNLG   dir/{train,dev,test}/**/*.xml, WebNLG 2017 XML (e.g. `data/v1.4/en/<split>/`,
//            the test set in the same `<n>triples/<Category>.xml` layout), read in sorted path
//            order, which reproduces LoRA's JSON order. A single test file (the challenge's
//            testdata_with_lex.xml) placed under dir/test/ works too. A <lex> is read as its own
//            text (challenge release, what LoRA's JSON holds) or as its <text> child (the
//            enriched v1.4 release, whose texts differ in 60 of 2258 dev references: " @ "
//            markers, empty <text/>).
//   DART     dir/dart-v1.1.1-full-{train,dev,test}.json, else the .xml of the same name.
//   Synthetic  dir/{train,dev,test}.tsv with the header `mr<TAB>reference` (make-task's
//            data-to-text task).
// Lines split at "\n", "\r\n" or "\r"; a leading UTF-8 byte-order mark is dropped; blank lines
// are skipped. Missing files or folders: IoError naming the path. Malformed content: InputError
// naming the file and its 1-based line (DART JSON: the 1-based entry).
#include <filesystem>
#include <string>
#include <vector>

namespace adamix::data {

struct NlgPair {
  std::string context;     // linearised data: `name : X | Type : pub` (E2E), `s : p : o | ...`
  std::string completion;  // one reference text
};

struct NlgContextGroup {
  std::string context;
  // In file order, each cut at "<|endoftext|>", then at the first blank line, then stripped,
  // as gpt2_decode.py does before writing the reference files.
  std::vector<std::string> references;
  std::string category;  // WebNLG category of the context's first entry; "" otherwise
};

struct NlgSplit {
  std::vector<NlgPair> pairs;           // one per reference, file order
  std::vector<NlgContextGroup> groups;  // unique contexts in first-appearance order
};

enum class NlgDataset { E2e, WebNlg, Dart, Synthetic };

// gpt2_decode.py's clean-up of references and generated texts alike:
// text.split('<|endoftext|>')[0].split('\n\n')[0].strip() (Python's str.strip()).
std::string clean_nlg_text(const std::string& text);

// "e2e", "webnlg", "dart", "data-to-text" (synthetic). ConfigError listing the accepted names.
NlgDataset parse_nlg_dataset(const std::string& name);
const char* to_string(NlgDataset dataset);

// Reads one split as described above. ConfigError for a split other than train/dev/test.
NlgSplit load_nlg_split(NlgDataset dataset, const std::filesystem::path& dir,
                        const std::string& split);

// The 10 WebNLG 2017 categories seen in training (LoRA's `seen` list): Airport, Astronaut,
// Building, City, ComicsCharacter, Food, Monument, SportsTeam, University, WrittenWork.
bool is_seen_webnlg_category(const std::string& category);

}  // namespace adamix::data
