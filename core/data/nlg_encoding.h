#pragma once
// Token ids of NLG pairs exactly as microsoft/LoRA's gpt2_encode.py (--add_bos --add_eos) and
// FT_Dataset (data_utils.py) build them for GPT-2: ctx = bpe(context) + [eos],
// comp = bpe(" " + completion) + [eos].
//
//   NlgEncoded e = adamix::data::encode_nlg_pair(*tok, {"name : Aromi", "Aromi is a pub ."}, 512);
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/nlg_dataset.h"
#include "core/tokenizers/tokenizer.h"

namespace adamix::data {

// One training row, unpadded: all three have n = min(len(ctx) + len(comp), seq_len) entries.
// Batching pads them to seq_len with 0, 0 and 0.0 (FT_Dataset pads input and target with token
// id 0 and the mask with 0.0), which reproduces the reference rows exactly.
struct NlgEncoded {
  std::vector<int64_t> input_ids;  // (ctx + comp)[:n], right-truncated
  // targets[i] = (ctx + comp)[i + 1]; at the last position that is the next token when the row
  // was truncated, else the reference's padding 0.
  std::vector<int64_t> targets;
  // 1 for targets len(ctx)-1 .. n-2 (the completion and its final eos), else 0; the last
  // position is always 0, as in FT_Dataset (its mask has n - 1 entries before padding).
  std::vector<float> loss_mask;
};

// ConfigError when seq_len < 1.
NlgEncoded encode_nlg_pair(const text::Tokenizer& tok, const NlgPair& pair, int64_t seq_len,
                           int64_t eos = 50256);

// The generation query: bpe(context) + [eos], left-truncated to its last max_context_tokens
// ids (FT_Dataset's `query`, max_context_length = seq_len - max_eval_length). `truncated`,
// when given, tells whether ids were dropped. ConfigError when max_context_tokens < 1.
std::vector<int64_t> encode_nlg_context(const text::Tokenizer& tok, const std::string& context,
                                        int64_t max_context_tokens, int64_t eos = 50256,
                                        bool* truncated = nullptr);

}  // namespace adamix::data
