#pragma once
// The reference's beam search (microsoft/LoRA examples/NLG/src/gpt2_beam.py, as the AdaMix NLG
// fork runs it), step for step, over any next-token model:
//  - step i: banned n-grams (fairseq's rule on the *generated* tokens only, from i + 1 >= n) get
//    logit -inf, then scores = log(softmax(logits)) (the reference's form, not log_softmax);
//  - i = 0: only beam 0 of each prompt expands; later steps take the top `beams` of
//    beam score + log-probability over beams × vocabulary;
//  - a beam whose new token is an eos becomes a candidate scored sum / (i + 1)^length_penalty,
//    kept when strictly better than the prompt's best so far, and its beam score becomes -inf;
//  - no early stop: after max_new_tokens steps every beam is a candidate scored
//    sum / max_new_tokens^length_penalty.
//
//   Gpt2CachedDecoder decoder(gpt2);  // gpt2_decoders.h
//   auto best = beam_search(decoder, {{464, 3290}}, BeamSearchOptions{});  // tokens per prompt
#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace adamix::inference {

struct BeamSearchOptions {
  int64_t beams = 10;
  double length_penalty = 0.8;
  int64_t no_repeat_ngram = 4;  // 0 = off
  int64_t max_new_tokens = 64;
  std::vector<int64_t> eos = {50256, 628};  // <|endoftext|>, "\n\n"

  // ConfigError naming the option for values out of range.
  void validate() const;
};

// A language model that extends rows of tokens one token at a time.
class NextTokenModel {
 public:
  virtual ~NextTokenModel() = default;
  // One row per prompt (each non-empty): the logits [R,V] that follow each prompt's last token.
  // `max_new_tokens` bounds the tokens extend() will append to a row.
  virtual torch::Tensor start(const std::vector<std::vector<int64_t>>& prompts,
                              int64_t max_new_tokens) = 0;
  // Row k becomes old row parents[k] followed by tokens[k] (both [R] int64): the logits [R,V]
  // that follow it.
  virtual torch::Tensor extend(const torch::Tensor& parents, const torch::Tensor& tokens) = 0;
};

// The best sequence of generated tokens for each prompt (ending in its eos when it ended so),
// under no_grad. InputError for an empty prompt.
std::vector<std::vector<int64_t>> beam_search(NextTokenModel& model,
                                              const std::vector<std::vector<int64_t>>& prompts,
                                              const BeamSearchOptions& options);

// The tokens fairseq's no-repeat rule bans after `generated` (n-gram size n): every token that
// followed the last n - 1 tokens earlier in `generated`. Empty while generated.size() + 1 < n.
std::vector<int64_t> banned_ngram_tokens(const std::vector<int64_t>& generated, int64_t n);

}  // namespace adamix::inference
