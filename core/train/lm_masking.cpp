#include "core/train/lm_masking.h"

#include <sstream>
#include <string>

#include "core/error.h"

namespace adamix::train {
namespace {

std::string sizes(const torch::Tensor& t) {
  std::ostringstream out;
  out << t.sizes();
  return out.str();
}

void check_args(const char* what, const torch::Tensor& input_ids, const torch::Tensor& special_mask,
                int64_t mask_token_id, int64_t vocab_size, double probability) {
  const std::string w = what;
  if (!(probability >= 0.0 && probability <= 1.0)) {
    throw ConfigError(w + ": probability must be in [0, 1], got " + std::to_string(probability));
  }
  if (vocab_size < 1) {
    throw ConfigError(w + ": vocab_size must be positive, got " + std::to_string(vocab_size));
  }
  if (mask_token_id < 0 || mask_token_id >= vocab_size) {
    throw ConfigError(w + ": mask_token_id " + std::to_string(mask_token_id) + " is outside [0, " +
                      std::to_string(vocab_size) + ")");
  }
  if (!input_ids.defined() || input_ids.dim() != 2 || input_ids.is_floating_point()) {
    throw InputError(w + ": expected integer input_ids [N,T], got " +
                     (input_ids.defined() ? sizes(input_ids) : std::string("undefined")));
  }
  if (!special_mask.defined() || !special_mask.sizes().equals(input_ids.sizes())) {
    throw InputError(w + ": expected special_mask " + sizes(input_ids) + ", got " +
                     (special_mask.defined() ? sizes(special_mask) : std::string("undefined")));
  }
}

// The second half of torch_mask_tokens: `chosen` [N,T] bool (CPU) → 80% [MASK], 10% random id,
// 10% unchanged; labels keep the original id at chosen positions.
MaskedBatch replace_chosen(const torch::Tensor& input_ids, const torch::Tensor& chosen,
                           int64_t mask_token_id, int64_t vocab_size, torch::Generator& gen) {
  auto inputs = input_ids.to(torch::kCPU).to(torch::kLong).clone();
  auto labels = inputs.masked_fill(chosen.logical_not(), -100);
  const auto replaced =
      torch::bernoulli(torch::full(inputs.sizes(), 0.8, torch::kDouble), gen).to(torch::kBool) &
      chosen;
  inputs.masked_fill_(replaced, mask_token_id);
  // Half of the remaining 20% get a random id; the rest keep theirs.
  const auto randomized =
      torch::bernoulli(torch::full(inputs.sizes(), 0.5, torch::kDouble), gen).to(torch::kBool) &
      chosen & replaced.logical_not();
  const auto random_words =
      torch::randint(vocab_size, inputs.sizes(), gen, torch::TensorOptions().dtype(torch::kLong));
  inputs = torch::where(randomized, random_words, inputs);
  return {inputs.to(input_ids.device()), labels.to(input_ids.device())};
}

}  // namespace

torch::Tensor special_tokens_mask(const torch::Tensor& input_ids,
                                  const std::vector<int64_t>& special_ids) {
  auto mask = torch::zeros(input_ids.sizes(), input_ids.options().dtype(torch::kBool));
  for (int64_t id : special_ids) mask |= input_ids.eq(id);
  return mask;
}

MaskedBatch mask_tokens(const torch::Tensor& input_ids, const torch::Tensor& special_mask,
                        int64_t mask_token_id, int64_t vocab_size, double probability,
                        torch::Generator& gen) {
  check_args("mask_tokens", input_ids, special_mask, mask_token_id, vocab_size, probability);
  // DataCollatorForLanguageModeling.torch_mask_tokens, draw for draw.
  auto prob = torch::full(input_ids.sizes(), probability, torch::kDouble);
  prob.masked_fill_(special_mask.to(torch::kCPU).ne(0), 0.0);
  const auto chosen = torch::bernoulli(prob, gen).to(torch::kBool);
  return replace_chosen(input_ids, chosen, mask_token_id, vocab_size, gen);
}

torch::Tensor continuation_pieces(const std::vector<std::string>& vocab, bool byte_bpe) {
  static const std::string kSpace = "\xC4\xA0";  // 'Ġ' (U+0120), byte-level BPE's space
  auto out = torch::zeros({static_cast<int64_t>(vocab.size())}, torch::kBool);
  auto flags = out.accessor<bool, 1>();
  for (size_t i = 0; i < vocab.size(); ++i) {
    const std::string& piece = vocab[i];
    flags[static_cast<int64_t>(i)] =
        byte_bpe ? piece.compare(0, kSpace.size(), kSpace) != 0 : piece.compare(0, 2, "##") == 0;
  }
  return out;
}

MaskedBatch mask_whole_words(const torch::Tensor& input_ids, const torch::Tensor& special_mask,
                             const torch::Tensor& continuation, int64_t mask_token_id,
                             int64_t vocab_size, double probability, torch::Generator& gen) {
  check_args("mask_whole_words", input_ids, special_mask, mask_token_id, vocab_size, probability);
  if (!continuation.defined() || continuation.dim() != 1 || continuation.size(0) != vocab_size) {
    throw InputError("mask_whole_words: expected continuation [" + std::to_string(vocab_size) +
                     "], got " +
                     (continuation.defined() ? sizes(continuation) : std::string("undefined")));
  }
  const auto ids = input_ids.to(torch::kCPU).to(torch::kLong);
  if (ids.numel() > 0 &&
      (ids.min().item<int64_t>() < 0 || ids.max().item<int64_t>() >= vocab_size)) {
    throw InputError("mask_whole_words: input ids outside [0, " + std::to_string(vocab_size) + ")");
  }
  const auto special = special_mask.to(torch::kCPU).ne(0);
  // A word starts at every non-continuation piece and at every special token or pad.
  const auto starts =
      continuation.to(torch::kCPU).to(torch::kBool).index({ids}).logical_not() | special;
  auto prob = torch::full(ids.sizes(), probability, torch::kDouble);
  prob.masked_fill_(special | starts.logical_not(), 0.0);
  const auto chosen_starts = torch::bernoulli(prob, gen).to(torch::kBool);
  // Each piece follows its word's start: the latest start at or before it.
  const auto positions = torch::arange(ids.size(1), torch::kLong).expand_as(ids);
  const auto start_of = std::get<0>(torch::cummax(torch::where(starts, positions, 0), 1));
  const auto chosen = chosen_starts.gather(1, start_of) & special.logical_not();
  return replace_chosen(input_ids, chosen, mask_token_id, vocab_size, gen);
}

}  // namespace adamix::train
