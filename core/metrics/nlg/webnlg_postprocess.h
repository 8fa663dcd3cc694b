#pragma once
// The text post-processing the reference applies before WebNLG/DART scoring (LoRA's
// examples/NLG/src/gpt2_decode.py with --lower --tokenize --ref_num 6, whose files
// GenerationEval then reads):
// lowercase (Python str.lower), then " ".join(re.split(r"(\W)", s)).split() joined by single
// spaces, with Python's Unicode \W. References: the first 6 of each input, a missing one
// filled with the first.
//
//   adamix::metrics::nlg::webnlg_postprocess("Alan's (born 1930)");  // "alan ' s ( born 1930 )"
#include <string>
#include <vector>

namespace adamix::metrics::nlg {

std::string webnlg_postprocess(const std::string& text);

// Exactly `count` post-processed references per input: the first `count`, padded with the
// first one. InputError for an input without any reference.
std::vector<std::vector<std::string>> webnlg_reference_slots(
    const std::vector<std::vector<std::string>>& references, size_t count = 6);

}  // namespace adamix::metrics::nlg
