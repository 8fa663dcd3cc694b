#include "core/inference/beam_search.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <string>

#include "core/error.h"

namespace adamix::inference {

void BeamSearchOptions::validate() const {
  if (beams < 1) throw ConfigError("beam must be >= 1, got " + std::to_string(beams));
  if (max_new_tokens < 1) {
    throw ConfigError("max-new-tokens must be >= 1, got " + std::to_string(max_new_tokens));
  }
  if (no_repeat_ngram < 0) {
    throw ConfigError("no-repeat-ngram must be >= 0, got " + std::to_string(no_repeat_ngram));
  }
  if (!std::isfinite(length_penalty)) throw ConfigError("length-penalty must be finite");
  for (int64_t id : eos) {
    if (id < 0) throw ConfigError("eos ids must be >= 0, got " + std::to_string(id));
  }
}

std::vector<int64_t> banned_ngram_tokens(const std::vector<int64_t>& generated, int64_t n) {
  const int64_t length = static_cast<int64_t>(generated.size());
  std::vector<int64_t> banned;
  if (n <= 0 || length + 1 < n) return banned;
  // fairseq / the reference: every n-gram of the history, keyed by its first n - 1 tokens; the
  // key looked up is the last n - 1 tokens. Tokens in the order their n-grams occur.
  for (int64_t start = 0; start + n <= length; ++start) {
    if (std::equal(generated.begin() + start, generated.begin() + start + n - 1,
                   generated.end() - (n - 1))) {
      banned.push_back(generated[start + n - 1]);
    }
  }
  return banned;
}

namespace {

struct Candidate {
  float score = 0;
  std::vector<int64_t> tokens;
};

// The reference's _add_beam_candidate: rows in order; with `eos` only rows whose last token is
// one of them. score = beam score / length^penalty in float32, kept when strictly better.
void add_candidates(std::vector<std::optional<Candidate>>& best, torch::Tensor& beam_scores,
                    const std::vector<std::vector<int64_t>>& history, int64_t beams,
                    double length_penalty, const std::vector<int64_t>* eos) {
  auto scores = beam_scores.accessor<float, 1>();
  for (size_t row = 0; row < history.size(); ++row) {
    const auto& tokens = history[row];
    if (eos && std::find(eos->begin(), eos->end(), tokens.back()) == eos->end()) continue;
    const float divisor =
        static_cast<float>(std::pow(static_cast<double>(tokens.size()), length_penalty));
    const float score = scores[row] / divisor;
    auto& slot = best[row / beams];
    if (!slot || slot->score < score) slot = Candidate{score, tokens};
    scores[row] = -std::numeric_limits<float>::infinity();
  }
}

}  // namespace

std::vector<std::vector<int64_t>> beam_search(NextTokenModel& model,
                                              const std::vector<std::vector<int64_t>>& prompts,
                                              const BeamSearchOptions& options) {
  options.validate();
  torch::NoGradGuard no_grad;
  const int64_t batch = static_cast<int64_t>(prompts.size());
  const int64_t beams = options.beams;
  if (batch == 0) return {};
  std::vector<std::vector<int64_t>> rows;  // prompt b repeated: rows b*beams .. b*beams+beams-1
  for (const auto& prompt : prompts) {
    if (prompt.empty()) throw InputError("beam search: an empty prompt");
    for (int64_t k = 0; k < beams; ++k) rows.push_back(prompt);
  }
  torch::Tensor logits = model.start(rows, options.max_new_tokens);
  const int64_t vocab = logits.size(1);
  torch::Tensor beam_scores = torch::zeros({batch * beams});  // float32 on the CPU
  std::vector<std::vector<int64_t>> history(rows.size());
  std::vector<std::optional<Candidate>> best(batch);
  const float minus_inf = -std::numeric_limits<float>::infinity();

  for (int64_t i = 0; i < options.max_new_tokens; ++i) {
    logits = logits.to(torch::kCPU, torch::kFloat).clone();
    if (options.no_repeat_ngram > 0 && i > 0) {
      auto view = logits.accessor<float, 2>();
      for (size_t row = 0; row < history.size(); ++row) {
        for (int64_t token : banned_ngram_tokens(history[row], options.no_repeat_ngram)) {
          view[row][token] = minus_inf;
        }
      }
    }
    const torch::Tensor log_probs =
        torch::log(torch::softmax(logits, -1)).view({batch, beams, vocab});
    torch::Tensor next;
    if (i == 0) {
      next = log_probs.select(1, 0);  // [B,V]: only beam 0 expands
    } else {
      next = (beam_scores.view({batch, beams, 1}) + log_probs).view({batch, beams * vocab});
    }
    auto [top_scores, top_ids] = torch::topk(next, beams, 1, /*largest=*/true, /*sorted=*/true);
    const torch::Tensor beam_of = torch::div(top_ids, vocab, "floor").view({-1});
    const torch::Tensor tokens = top_ids.remainder(vocab).view({-1});
    const torch::Tensor parents =
        beam_of + (torch::arange(batch, torch::kLong) * beams).repeat_interleave(beams);
    beam_scores = top_scores.view({-1}).contiguous();

    std::vector<std::vector<int64_t>> extended(history.size());
    auto parent = parents.accessor<int64_t, 1>();
    auto token = tokens.accessor<int64_t, 1>();
    for (size_t row = 0; row < history.size(); ++row) {
      extended[row] = history[parent[row]];
      extended[row].push_back(token[row]);
    }
    history = std::move(extended);
    add_candidates(best, beam_scores, history, beams, options.length_penalty, &options.eos);
    if (i + 1 < options.max_new_tokens) logits = model.extend(parents, tokens);
  }
  add_candidates(best, beam_scores, history, beams, options.length_penalty, nullptr);

  std::vector<std::vector<int64_t>> out;
  for (auto& candidate : best) out.push_back(std::move(candidate->tokens));
  return out;
}

}  // namespace adamix::inference
