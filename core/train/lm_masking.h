#pragma once
// Masked-LM inputs, as transformers' DataCollatorForLanguageModeling.torch_mask_tokens: each
// non-special token is chosen with `probability`; of the chosen, 80% become [MASK], 10% a
// random id in [0, vocab), 10% stay. Labels hold the original id at chosen positions, -100
// elsewhere. mask_whole_words chooses words instead of pieces (see below).
//
//   auto special = special_tokens_mask(ids, {cls_id, sep_id, pad_id});
//   MaskedBatch mb = mask_tokens(ids, special, mask_id, vocab, 0.15, generator);
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace adamix::train {

struct MaskedBatch {
  torch::Tensor input_ids;  // [N,T] int64, chosen tokens replaced
  torch::Tensor labels;     // [N,T] int64, original id where chosen, -100 elsewhere
};

// [N,T] bool: true where input_ids is one of `special_ids` (list padding here too).
torch::Tensor special_tokens_mask(const torch::Tensor& input_ids,
                                  const std::vector<int64_t>& special_ids);

// input_ids [N,T] integer; special_mask [N,T] (nonzero = never chosen: specials and padding).
// Draws only from `gen` (a CPU generator), so the same generator state gives the same result;
// the work runs on the CPU and the outputs go back to input_ids' device. ConfigError for a
// probability outside [0,1], vocab_size < 1 or mask_token_id outside [0, vocab); InputError
// for bad shapes.
MaskedBatch mask_tokens(const torch::Tensor& input_ids, const torch::Tensor& special_mask,
                        int64_t mask_token_id, int64_t vocab_size, double probability,
                        torch::Generator& gen);

// Vocab-indexed [V] bool: true for pieces that continue the previous word. WordPiece
// (byte_bpe = false): pieces starting with "##". Byte-level BPE: pieces not starting with 'Ġ'.
torch::Tensor continuation_pieces(const std::vector<std::string>& vocab, bool byte_bpe);

// Whole-word masking: a word is a non-continuation piece and the continuation pieces after it
// (specials and padding always start a word and are never chosen). Each word is chosen with
// `probability` and all its pieces go through the 80/10/10 rule, piece by piece. Unlike HF's
// DataCollatorForWholeWordMask there is no fixed per-sequence budget: the expected fraction of
// chosen pieces is `probability`. continuation: [vocab_size] bool from continuation_pieces;
// InputError for ids outside [0, vocab). Other arguments and errors as mask_tokens.
MaskedBatch mask_whole_words(const torch::Tensor& input_ids, const torch::Tensor& special_mask,
                             const torch::Tensor& continuation, int64_t mask_token_id,
                             int64_t vocab_size, double probability, torch::Generator& gen);

}  // namespace adamix::train
