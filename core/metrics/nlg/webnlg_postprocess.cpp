#include "core/metrics/nlg/webnlg_postprocess.h"

#include "core/error.h"
#include "core/metrics/nlg/unicode_text.h"
#include "core/tokenizers/unicode_text.h"

namespace adamix::metrics::nlg {

std::string webnlg_postprocess(const std::string& text) {
  const std::u32string lowered = python_lower(decode_utf8(text));
  // Every \W character becomes its own piece; whitespace pieces vanish in .split().
  std::vector<std::string> tokens;
  std::u32string word;
  auto flush = [&]() {
    if (!word.empty()) tokens.push_back(encode_utf8(word));
    word.clear();
  };
  for (char32_t c : lowered) {
    if (is_python_word(c)) {
      word.push_back(c);
      continue;
    }
    flush();
    if (!adamix::text::is_python_space(c)) tokens.push_back(encode_utf8(std::u32string(1, c)));
  }
  flush();
  return join(tokens);
}

std::vector<std::vector<std::string>> webnlg_reference_slots(
    const std::vector<std::vector<std::string>>& references, size_t count) {
  std::vector<std::vector<std::string>> out;
  out.reserve(references.size());
  for (size_t i = 0; i < references.size(); ++i) {
    if (references[i].empty()) {
      throw InputError("WebNLG references: input " + std::to_string(i) + " has no reference");
    }
    std::vector<std::string> slots;
    for (size_t k = 0; k < count; ++k) {
      slots.push_back(
          webnlg_postprocess(k < references[i].size() ? references[i][k] : references[i][0]));
    }
    out.push_back(std::move(slots));
  }
  return out;
}

}  // namespace adamix::metrics::nlg
