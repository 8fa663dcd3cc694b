#pragma once
// Internal to the NLG loaders (nlg_dataset.h): one reader per file format, each returning the
// (context, completion, category) records of one file in file order, plus shared text helpers.
//
//   auto records = adamix::data::nlg::read_dart_json("dart/dart-v1.1.1-full-dev.json");
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace adamix::data::nlg {

struct NlgRecord {
  std::string context;
  std::string completion;
  std::string category;  // WebNLG only
};

// LoRA's E2E text format, `MR||reference` per line.
std::vector<NlgRecord> read_e2e_lora(const std::filesystem::path& file);
// The official E2E CSV (columns `mr`, `ref` found by name in the header).
std::vector<NlgRecord> read_e2e_csv(const std::filesystem::path& file);
// One WebNLG challenge XML file.
std::vector<NlgRecord> read_webnlg_xml(const std::filesystem::path& file);
// DART v1.1.1 JSON or XML.
std::vector<NlgRecord> read_dart_json(const std::filesystem::path& file);
std::vector<NlgRecord> read_dart_xml(const std::filesystem::path& file);
// make-task's data-to-text TSV (`mr<TAB>reference` header).
std::vector<NlgRecord> read_synthetic_tsv(const std::filesystem::path& file);

// The whole file; IoError naming it when it is missing or unreadable.
std::string read_bytes(const std::filesystem::path& file);

struct Line {
  int64_t number = 0;  // 1-based
  std::string_view text;
};
// Python universal newlines ("\n", "\r\n", "\r"); a leading UTF-8 BOM is dropped. The views
// point into `text`.
std::vector<Line> split_lines(std::string_view text);

// Python's str.strip() with no argument (every character str.isspace() accepts, UTF-8).
std::string_view python_strip(std::string_view s);
// Python's str.lower() (full mappings; final-sigma context not applied). InputError on bad
// UTF-8.
std::string python_lower(std::string_view s);
// `s : p : o`, LoRA's triple format.
std::string triple_text(std::string_view subject, std::string_view property,
                        std::string_view object);
// Splits a WebNLG/DART `<mtriple>` "s | p | o" at its first two " | " separators. InputError
// naming file:line when there are fewer than two.
void split_mtriple(std::string_view mtriple, const std::string& where, std::string& subject,
                   std::string& property, std::string& object);

}  // namespace adamix::data::nlg
