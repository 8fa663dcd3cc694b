// Beam-search decoding with the KV cache vs re-running the whole sequence every step, side by
// side in one run (a benchmark: it prints ratios, it does not pass or fail them).
//
//   build/bench/adamix_bench_generate [--hidden 256] [--layers 4] [--heads 4] [--vocab 2000]
//       [--contexts 4] [--context-tokens 32] [--beam 10] [--new 64] [--threads 1] [--repeat 3]
//
// A random GPT-2 (weights N(0, 0.15), so distributions are peaked as a trained model's) decodes
// the same prompts both ways; the two must give the same tokens (checked before timing). No
// n-gram ban and no eos, so both sides always run all --new steps.
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/inference/beam_search.h"
#include "core/inference/gpt2_decoders.h"
#include "core/models/gpt2.h"

namespace {

using namespace adamix;

int64_t flag(int argc, char** argv, const std::string& name, int64_t fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == "--" + name) return std::stoll(argv[i + 1]);
  }
  return fallback;
}

double seconds_of(inference::NextTokenModel& decoder,
                  const std::vector<std::vector<int64_t>>& prompts,
                  const inference::BeamSearchOptions& options,
                  std::vector<std::vector<int64_t>>* out) {
  const auto start = std::chrono::steady_clock::now();
  *out = inference::beam_search(decoder, prompts, options);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t hidden = flag(argc, argv, "hidden", 256);
  const int64_t contexts = flag(argc, argv, "contexts", 4);
  const int64_t context_tokens = flag(argc, argv, "context-tokens", 32);
  const int64_t repeat = flag(argc, argv, "repeat", 3);
  torch::set_num_threads(static_cast<int>(flag(argc, argv, "threads", 1)));

  models::ModelConfig config;
  config.arch = models::Arch::Gpt2;
  config.vocab_size = flag(argc, argv, "vocab", 2000);
  config.hidden_size = hidden;
  config.num_layers = flag(argc, argv, "layers", 4);
  config.num_heads = flag(argc, argv, "heads", 4);
  config.intermediate_size = 4 * hidden;
  config.activation = models::Activation::GeluNew;
  config.max_positions = 256;
  config.hidden_dropout = config.attention_dropout = config.embedding_dropout = 0.0;
  config.layer_norm_eps = 1e-5;
  models::Gpt2Model gpt2(config);
  {
    torch::NoGradGuard no_grad;
    auto generator = at::detail::createCPUGenerator(1);
    for (auto& p : gpt2->parameters()) p.normal_(0.0, 0.15, generator);
  }
  gpt2->eval();

  inference::BeamSearchOptions options;
  options.beams = flag(argc, argv, "beam", 10);
  options.max_new_tokens = flag(argc, argv, "new", 64);
  options.no_repeat_ngram = 0;
  options.eos = {};
  std::vector<std::vector<int64_t>> prompts;
  for (int64_t c = 0; c < contexts; ++c) {
    std::vector<int64_t> prompt;
    for (int64_t t = 0; t < context_tokens; ++t) prompt.push_back((c * 131 + t * 17) % 1999 + 1);
    prompts.push_back(prompt);
  }

  std::vector<double> cached, reforward;
  std::vector<std::vector<int64_t>> a, b;
  for (int64_t r = 0; r < repeat; ++r) {
    inference::Gpt2CachedDecoder with_cache(*gpt2);
    inference::Gpt2ReforwardDecoder without_cache(*gpt2);
    cached.push_back(seconds_of(with_cache, prompts, options, &a));
    reforward.push_back(seconds_of(without_cache, prompts, options, &b));
    if (a != b) {
      std::fprintf(stderr, "cached and re-forward decoding disagree: not timing\n");
      return 1;
    }
  }
  std::sort(cached.begin(), cached.end());
  std::sort(reforward.begin(), reforward.end());
  const double c = cached[cached.size() / 2], f = reforward[reforward.size() / 2];
  std::printf(
      "GPT-2 hidden %lld x %lld layers, vocab %lld; %lld contexts of %lld tokens, beam %lld, "
      "%lld new tokens, %d thread(s), median of %lld\n",
      static_cast<long long>(hidden), static_cast<long long>(config.num_layers),
      static_cast<long long>(config.vocab_size), static_cast<long long>(contexts),
      static_cast<long long>(context_tokens), static_cast<long long>(options.beams),
      static_cast<long long>(options.max_new_tokens), torch::get_num_threads(),
      static_cast<long long>(repeat));
  std::printf("| decoding | seconds | tokens/s |\n| --- | --- | --- |\n");
  const double tokens = static_cast<double>(contexts * options.max_new_tokens);
  std::printf("| KV cache | %.3f | %.1f |\n| re-forward | %.3f | %.1f |\n", c, tokens / c, f,
              tokens / f);
  std::printf("speed-up of the cache: %.2fx (same tokens on both sides)\n", f / c);
  return 0;
}
