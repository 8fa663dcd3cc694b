#pragma once
// Ids back to text for GPT-2's byte-level BPE, as the NLG reference decodes (encoder.py
// `decode`, equal to HF GPT2Tokenizer.decode without clean-up): the tokens' byte symbols joined,
// mapped back to bytes, and the bytes read as UTF-8 with Python's errors="replace".
//
//   std::string text = decode_byte_level(tokenizer.vocabulary(), {15496, 995});  // "Hello world"
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace adamix::text {

// `vocabulary` lists the token strings by id (Tokenizer::vocabulary()). InputError for an id
// outside it or a token holding a symbol that is not a byte symbol.
std::string decode_byte_level(const std::vector<std::string>& vocabulary,
                              const std::vector<int64_t>& ids);

// `bytes` as valid UTF-8: every maximal invalid subpart becomes U+FFFD, as CPython's
// bytes.decode("utf-8", "replace").
std::string utf8_replace_invalid(std::string_view bytes);

}  // namespace adamix::text
