#include "core/io/id_lines.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/error.h"

namespace adamix::io {

IdLines parse_id_lines(std::istream& in, const std::string& source) {
  IdLines lines;
  std::string line;
  int64_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::istringstream words(line);
    std::vector<int64_t> ids;
    std::string word;
    while (words >> word) {
      size_t used = 0;
      long long id = -1;
      try {
        id = std::stoll(word, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != word.size() || id < 0 || word[0] == '+' || word[0] == '-')
        throw InputError(source + " line " + std::to_string(number) + ": '" + word +
                         "' is not a token id (a non-negative integer)");
      ids.push_back(id);
    }
    if (ids.empty())
      throw InputError(source + " line " + std::to_string(number) + " holds no token ids");
    lines.push_back(std::move(ids));
  }
  if (in.bad()) throw IoError("error while reading " + source);
  return lines;
}

IdLines read_id_lines(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw IoError("cannot read " + path.string() + ": " + std::strerror(errno));
  return parse_id_lines(in, path.string());
}

void write_id_line(std::ostream& out, const std::vector<int64_t>& ids) {
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i) out << ' ';
    out << ids[i];
  }
  out << '\n';
}

}  // namespace adamix::io
