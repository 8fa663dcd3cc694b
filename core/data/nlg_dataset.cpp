// Split loading of the NLG datasets: file selection per dataset, grouping of references by
// context (gpt2_decode.py's refer_dict), and the synthetic task's TSV.
#include "core/data/nlg_dataset.h"

#include <algorithm>
#include <array>
#include <unordered_map>

#include "core/data/nlg_readers.h"
#include "core/error.h"

namespace adamix::data {

namespace fs = std::filesystem;

namespace {

const std::array<const char*, 3> kSplits = {"train", "dev", "test"};

}  // namespace

std::string clean_nlg_text(const std::string& text) {
  std::string_view s = text;
  s = s.substr(0, s.find("<|endoftext|>"));
  s = s.substr(0, s.find("\n\n"));
  return std::string(nlg::python_strip(s));
}

namespace {

NlgSplit make_split(std::vector<nlg::NlgRecord> records) {
  NlgSplit split;
  split.pairs.reserve(records.size());
  std::unordered_map<std::string, size_t> group_of;  // context -> index into groups
  for (auto& record : records) {
    auto [it, added] = group_of.emplace(record.context, split.groups.size());
    if (added) split.groups.push_back({record.context, {}, record.category});
    split.groups[it->second].references.push_back(clean_nlg_text(record.completion));
    split.pairs.push_back({std::move(record.context), std::move(record.completion)});
  }
  return split;
}

std::vector<nlg::NlgRecord> read_e2e(const fs::path& dir, const std::string& split) {
  const fs::path txt = dir / ((split == "dev" ? std::string("valid") : split) + ".txt");
  if (fs::is_regular_file(txt)) return nlg::read_e2e_lora(txt);
  const fs::path csv = dir / (split == "train" ? "trainset.csv"
                              : split == "dev" ? "devset.csv"
                                               : "testset_w_refs.csv");
  if (fs::is_regular_file(csv)) return nlg::read_e2e_csv(csv);
  throw IoError("E2E " + split + " split: neither " + txt.string() + " nor " + csv.string() +
                " exists");
}

// format_converting_webnlg.py reads one JSON per split; reading the challenge's XML files in
// sorted path order gives the same entry order (checked on the dev set).
std::vector<nlg::NlgRecord> read_webnlg(const fs::path& dir, const std::string& split) {
  const fs::path folder = dir / split;
  if (!fs::is_directory(folder)) throw IoError("WebNLG folder " + folder.string() + " not found");
  std::vector<fs::path> files;
  for (const auto& entry :
       fs::recursive_directory_iterator(folder, fs::directory_options::follow_directory_symlink)) {
    if (entry.is_regular_file() && entry.path().extension() == ".xml") files.push_back(entry);
  }
  if (files.empty()) throw IoError("WebNLG folder " + folder.string() + " holds no .xml file");
  std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
    return a.generic_string() < b.generic_string();
  });
  std::vector<nlg::NlgRecord> records;
  for (const auto& file : files) {
    auto part = nlg::read_webnlg_xml(file);
    records.insert(records.end(), std::make_move_iterator(part.begin()),
                   std::make_move_iterator(part.end()));
  }
  return records;
}

std::vector<nlg::NlgRecord> read_dart(const fs::path& dir, const std::string& split) {
  const std::string stem = "dart-v1.1.1-full-" + split;
  const fs::path json = dir / (stem + ".json");
  if (fs::is_regular_file(json)) return nlg::read_dart_json(json);
  const fs::path xml = dir / (stem + ".xml");
  if (fs::is_regular_file(xml)) return nlg::read_dart_xml(xml);
  throw IoError("DART " + split + " split: neither " + json.string() + " nor " + xml.string() +
                " exists");
}

}  // namespace

namespace nlg {

std::vector<NlgRecord> read_synthetic_tsv(const fs::path& file) {
  const std::string text = read_bytes(file);
  std::vector<NlgRecord> records;
  bool header = true;
  for (const Line& line : split_lines(text)) {
    if (python_strip(line.text).empty()) continue;
    const std::string where = file.string() + ":" + std::to_string(line.number);
    if (header) {
      if (line.text != "mr\treference") {
        throw InputError(where + ": expected the header 'mr<TAB>reference'");
      }
      header = false;
      continue;
    }
    const size_t tab = line.text.find('\t');
    if (tab == std::string_view::npos)
      throw InputError(where + ": no TAB between mr and reference");
    records.push_back(
        {std::string(line.text.substr(0, tab)), std::string(line.text.substr(tab + 1)), ""});
  }
  return records;
}

}  // namespace nlg

NlgDataset parse_nlg_dataset(const std::string& name) {
  if (name == "e2e") return NlgDataset::E2e;
  if (name == "webnlg") return NlgDataset::WebNlg;
  if (name == "dart") return NlgDataset::Dart;
  if (name == "data-to-text") return NlgDataset::Synthetic;
  throw ConfigError("unknown NLG dataset '" + name +
                    "' (accepted: e2e, webnlg, dart, data-to-text)");
}

const char* to_string(NlgDataset dataset) {
  switch (dataset) {
    case NlgDataset::E2e: return "e2e";
    case NlgDataset::WebNlg: return "webnlg";
    case NlgDataset::Dart: return "dart";
    case NlgDataset::Synthetic: return "data-to-text";
  }
  return "?";
}

NlgSplit load_nlg_split(NlgDataset dataset, const fs::path& dir, const std::string& split) {
  if (std::find(kSplits.begin(), kSplits.end(), split) == kSplits.end()) {
    throw ConfigError("unknown NLG split '" + split + "' (accepted: train, dev, test)");
  }
  switch (dataset) {
    case NlgDataset::E2e: return make_split(read_e2e(dir, split));
    case NlgDataset::WebNlg: return make_split(read_webnlg(dir, split));
    case NlgDataset::Dart: return make_split(read_dart(dir, split));
    case NlgDataset::Synthetic: return make_split(nlg::read_synthetic_tsv(dir / (split + ".tsv")));
  }
  throw ConfigError("unknown NLG dataset");
}

bool is_seen_webnlg_category(const std::string& category) {
  static const std::array<const char*, 10> kSeen = {
      "Airport", "Astronaut", "Building",   "City",       "ComicsCharacter",
      "Food",    "Monument",  "SportsTeam", "University", "WrittenWork"};
  return std::find(kSeen.begin(), kSeen.end(), category) != kSeen.end();
}

}  // namespace adamix::data
