#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "apps/commands.h"
#include "core/error.h"
#include "core/io/atomic_file.h"
#include "core/io/id_lines.h"
#include "core/runtime/threads.h"
#include "core/tokenizers/tokenizer.h"

namespace adamix::cli {

int run_tokenize(const ParsedFlags& flags) {
  runtime::configure_threads(static_cast<int>(flags.get_int("threads")));
  const auto tokenizer = text::load_tokenizer(flags.get("model"));
  if (flags.has("split-special-tokens")) tokenizer->set_split_special_tokens(true);
  const auto max_length = flags.get_int("max-length");
  if (max_length < 0)
    throw ConfigError("--max-length must be >= 0, got " + std::to_string(max_length));

  std::vector<std::string> lines;
  for (std::string line; std::getline(std::cin, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
  }
  const auto encodings = text::encode_lines(*tokenizer, lines, max_length);

  std::ostringstream ids;
  std::ostringstream types;
  for (const auto& encoding : encodings) {
    io::write_id_line(ids, encoding.ids);
    io::write_id_line(types, encoding.type_ids);
  }
  if (const auto type_file = flags.get_optional("type-ids-out"))
    io::write_text_atomically(*type_file, types.str());
  std::cout << ids.str() << std::flush;
  return 0;
}

}  // namespace adamix::cli
