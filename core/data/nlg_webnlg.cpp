// WebNLG 2017 challenge XML, read as format_converting_webnlg.py reads LoRA's JSON of it.
#include <tinyxml2.h>

#include "core/data/nlg_readers.h"
#include "core/data/nlg_xml.h"
#include "core/error.h"

namespace adamix::data::nlg {

namespace fs = std::filesystem;

namespace {

// The sentence of a <lex>: its own text (challenge release: <lex comment="good">text</lex>) or,
// in the enriched release, the text of its <text> child. An empty element reads as "".
std::string lex_text(const tinyxml2::XMLElement& lex) {
  if (const auto* child = lex.FirstChildElement("text")) return xml_text(*child);
  return xml_text(lex);
}

}  // namespace

// Each entry: context = its <modifiedtripleset> triples as `s : p : o` joined by " | ";
// one record per <lex> whose comment is "good" (others skipped, as the converter does in every
// split, so an entry without a good lexicalisation yields nothing); category from the entry.
std::vector<NlgRecord> read_webnlg_xml(const fs::path& file) {
  tinyxml2::XMLDocument doc;
  load_xml(doc, file);
  std::vector<NlgRecord> records;
  for_each_entry(doc, file, [&](const tinyxml2::XMLElement& entry, const std::string& where) {
    const char* category = entry.Attribute("category");
    if (category == nullptr) throw InputError(where + ": <entry> has no category");
    const std::string context = entry_context(entry, where, /*lower_property=*/false);
    for (const auto* lex = entry.FirstChildElement("lex"); lex != nullptr;
         lex = lex->NextSiblingElement("lex")) {
      const char* comment = lex->Attribute("comment");
      if (comment == nullptr || std::string_view(comment) != "good") continue;
      records.push_back({context, lex_text(*lex), category});
    }
  });
  return records;
}

}  // namespace adamix::data::nlg
