// NLG pair encoding (see nlg_encoding.h), following gpt2_encode.py and FT_Dataset.__getitem__.
#include "core/data/nlg_encoding.h"

#include <algorithm>

#include "core/error.h"

namespace adamix::data {

NlgEncoded encode_nlg_pair(const text::Tokenizer& tok, const NlgPair& pair, int64_t seq_len,
                           int64_t eos) {
  if (seq_len < 1)
    throw ConfigError("NLG seq_len must be at least 1, got " + std::to_string(seq_len));
  // gpt2_encode.py: context_bpes + [bos]; enc.encode(' ' + completion) + [eos] (bos = eos).
  std::vector<int64_t> all = tok.encode_plain_text(pair.context);
  all.push_back(eos);
  const auto context_length = static_cast<int64_t>(all.size());
  const std::vector<int64_t> completion = tok.encode_plain_text(" " + pair.completion);
  all.insert(all.end(), completion.begin(), completion.end());
  all.push_back(eos);

  // FT_Dataset: input = padding_tokens(ctx + comp, seq_len, 0, 1) (keep the first seq_len);
  // target = padding_tokens((ctx + comp)[1:], ...); mask = [0] * (len(ctx) - 1) +
  // [1] * (input_len - len(ctx)).
  const int64_t total = static_cast<int64_t>(all.size());
  const int64_t n = std::min(total, seq_len);
  NlgEncoded out;
  out.input_ids.assign(all.begin(), all.begin() + n);
  out.targets.resize(static_cast<size_t>(n));
  out.loss_mask.resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    out.targets[static_cast<size_t>(i)] = i + 1 < total ? all[static_cast<size_t>(i + 1)] : 0;
    out.loss_mask[static_cast<size_t>(i)] = i >= context_length - 1 && i < n - 1 ? 1.0f : 0.0f;
  }
  return out;
}

std::vector<int64_t> encode_nlg_context(const text::Tokenizer& tok, const std::string& context,
                                        int64_t max_context_tokens, int64_t eos, bool* truncated) {
  if (max_context_tokens < 1) {
    throw ConfigError("NLG max_context_tokens must be at least 1, got " +
                      std::to_string(max_context_tokens));
  }
  std::vector<int64_t> ids = tok.encode_plain_text(context);
  ids.push_back(eos);
  // padding_tokens(conditions, ..., direct=-1, max_context_length): tokens[-max:].
  const bool cut = static_cast<int64_t>(ids.size()) > max_context_tokens;
  if (cut) ids.erase(ids.begin(), ids.end() - max_context_tokens);
  if (truncated != nullptr) *truncated = cut;
  return ids;
}

}  // namespace adamix::data
