// XML helpers shared by the WebNLG and DART readers (see nlg_xml.h).
#include "core/data/nlg_xml.h"

#include <tinyxml2.h>

#include "core/data/nlg_readers.h"
#include "core/error.h"

namespace adamix::data::nlg {

namespace fs = std::filesystem;

void load_xml(tinyxml2::XMLDocument& doc, const fs::path& file) {
  const std::string bytes = read_bytes(file);
  if (doc.Parse(bytes.data(), bytes.size()) != tinyxml2::XML_SUCCESS) {
    throw InputError(file.string() + ":" + std::to_string(doc.ErrorLineNum()) +
                     ": not well-formed XML (" + doc.ErrorName() + ")");
  }
}

void for_each_entry(const tinyxml2::XMLDocument& doc, const fs::path& file,
                    const std::function<void(const tinyxml2::XMLElement&, const std::string&)>& f) {
  const auto* root = doc.RootElement();
  const auto* entries = root != nullptr && std::string_view(root->Name()) == "benchmark"
                            ? root->FirstChildElement("entries")
                            : nullptr;
  if (entries == nullptr) {
    throw InputError(file.string() + ":" + std::to_string(root ? root->GetLineNum() : 1) +
                     ": expected <benchmark><entries>");
  }
  for (const auto* entry = entries->FirstChildElement("entry"); entry != nullptr;
       entry = entry->NextSiblingElement("entry")) {
    f(*entry, file.string() + ":" + std::to_string(entry->GetLineNum()));
  }
}

std::string entry_context(const tinyxml2::XMLElement& entry, const std::string& where,
                          bool lower_property) {
  const auto* set = entry.FirstChildElement("modifiedtripleset");
  if (set == nullptr) throw InputError(where + ": <entry> has no <modifiedtripleset>");
  const std::string file = where.substr(0, where.rfind(':'));
  std::string context, subject, property, object;
  for (const auto* triple = set->FirstChildElement("mtriple"); triple != nullptr;
       triple = triple->NextSiblingElement("mtriple")) {
    split_mtriple(xml_text(*triple), file + ":" + std::to_string(triple->GetLineNum()), subject,
                  property, object);
    if (!context.empty()) context += " | ";
    context += triple_text(subject, lower_property ? python_lower(property) : property, object);
  }
  return context;  // "" for an empty set, as the converters give
}

std::string xml_text(const tinyxml2::XMLElement& element) {
  std::string text;
  for (const auto* node = element.FirstChild(); node != nullptr; node = node->NextSibling()) {
    if (const auto* t = node->ToText()) text += t->Value();
  }
  return text;
}

}  // namespace adamix::data::nlg
