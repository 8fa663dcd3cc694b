// DART v1.1.1 readers, as format_converting_dart.py reads the JSON: context = the tripleset as
// `s : p : o` joined by " | " with the property lowercased (Python's str.lower()); one record
// per annotation, whatever its source.
#include <tinyxml2.h>

#include <nlohmann/json.hpp>

#include "core/data/nlg_readers.h"
#include "core/data/nlg_xml.h"
#include "core/error.h"

namespace adamix::data::nlg {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const json& member(const json& object, const char* key, const std::string& where) {
  if (!object.is_object() || !object.contains(key)) {
    throw InputError(where + ": missing \"" + key + "\"");
  }
  return object.at(key);
}

const std::string& string_value(const json& value, const std::string& where) {
  if (!value.is_string()) throw InputError(where + ": expected a string, got " + value.dump());
  return value.get_ref<const std::string&>();
}

}  // namespace

std::vector<NlgRecord> read_dart_json(const fs::path& file) {
  const std::string bytes = read_bytes(file);
  json doc;
  try {
    doc = json::parse(bytes);
  } catch (const json::parse_error& e) {
    // e.what() names the line and column.
    throw InputError(file.string() + ": not valid JSON: " + e.what());
  }
  if (!doc.is_array()) throw InputError(file.string() + ": expected a JSON list of entries");
  std::vector<NlgRecord> records;
  for (size_t i = 0; i < doc.size(); ++i) {
    const std::string where = file.string() + ": entry " + std::to_string(i + 1);
    const json& triples = member(doc[i], "tripleset", where);
    const json& annotations = member(doc[i], "annotations", where);
    if (!triples.is_array()) throw InputError(where + ": \"tripleset\" is not a list");
    if (!annotations.is_array()) throw InputError(where + ": \"annotations\" is not a list");
    std::string context;
    for (const json& triple : triples) {
      if (!triple.is_array() || triple.size() != 3) {
        throw InputError(where + ": triple " + triple.dump() +
                         " is not [subject, property, object]");
      }
      if (!context.empty()) context += " | ";
      context +=
          triple_text(string_value(triple[0], where), python_lower(string_value(triple[1], where)),
                      string_value(triple[2], where));
    }
    for (const json& annotation : annotations) {
      records.push_back({context, string_value(member(annotation, "text", where), where), ""});
    }
  }
  return records;
}

// The XML release: <mtriple>s | p | o</mtriple> per triple, one <lex comment="source"> per
// annotation (the same entries and texts as the JSON, checked on the dev set).
std::vector<NlgRecord> read_dart_xml(const fs::path& file) {
  tinyxml2::XMLDocument doc;
  load_xml(doc, file);
  std::vector<NlgRecord> records;
  for_each_entry(doc, file, [&](const tinyxml2::XMLElement& entry, const std::string& where) {
    const std::string context = entry_context(entry, where, /*lower_property=*/true);
    for (const auto* lex = entry.FirstChildElement("lex"); lex != nullptr;
         lex = lex->NextSiblingElement("lex")) {
      records.push_back({context, xml_text(*lex), ""});
    }
  });
  return records;
}

}  // namespace adamix::data::nlg
