#pragma once
// Internal to the NLG loaders: the XML layout shared by WebNLG and DART
// (<benchmark><entries><entry><modifiedtripleset><mtriple>s | p | o</mtriple>...), via tinyxml2.
//
//   tinyxml2::XMLDocument doc;
//   adamix::data::nlg::load_xml(doc, "dart-v1.1.1-full-test.xml");
#include <filesystem>
#include <functional>
#include <string>

namespace tinyxml2 {
class XMLDocument;
class XMLElement;
}  // namespace tinyxml2

namespace adamix::data::nlg {

// Parses `file` (whitespace preserved, entities decoded). IoError when it cannot be read;
// InputError naming file:line when it is not well-formed XML.
void load_xml(tinyxml2::XMLDocument& doc, const std::filesystem::path& file);

// Calls f(entry, "file:line") for every <entry> of <benchmark><entries>, in document order.
// InputError when the root is not <benchmark> holding <entries>.
void for_each_entry(const tinyxml2::XMLDocument& doc, const std::filesystem::path& file,
                    const std::function<void(const tinyxml2::XMLElement&, const std::string&)>& f);

// The entry's <modifiedtripleset> as `s : p : o | s : p : o` (property lowercased for DART, as
// format_converting_dart.py does). InputError naming the line when the set is missing or a
// triple malformed.
std::string entry_context(const tinyxml2::XMLElement& entry, const std::string& where,
                          bool lower_property);

// All text directly inside `element` ("" when none).
std::string xml_text(const tinyxml2::XMLElement& element);

}  // namespace adamix::data::nlg
