#pragma once
// Generation with a GPT-2 already built (a trial's model with its PEFT modules, or a bare
// backbone): what generate_file and NLG evaluation share.
//
//   auto texts = generate_texts(*gpt2, *tokenizer, contexts, settings, &truncated);
#include <cstdint>
#include <string>
#include <vector>

#include "core/inference/generate.h"
#include "core/models/gpt2.h"
#include "core/tokenizers/tokenizer.h"

namespace adamix::inference {

// The eos ids of the reference decoding in `tok`'s vocabulary: <|endoftext|> and, when the
// vocabulary has it, the single token for "\n\n" (GPT-2: 50256 and 628). ConfigError when there
// is no <|endoftext|> (not GPT-2's byte-level BPE).
std::vector<int64_t> reference_eos_ids(const text::Tokenizer& tok);

// Encodes each context as bpe(context) + [eos] (left-truncated to seq_len - max_new_tokens;
// `truncated` counts those), decodes in batches of settings.batch_size under no_grad in eval
// mode (the caller's train/eval mode is restored), and returns the cleaned texts in order.
// ConfigError for settings out of range or a tokenizer that is not byte-level BPE.
std::vector<std::string> generate_texts(models::Gpt2ModelImpl& model, const text::Tokenizer& tok,
                                        const std::vector<std::string>& contexts,
                                        const GenerateSettings& settings, int64_t* truncated);

}  // namespace adamix::inference
