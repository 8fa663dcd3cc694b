#pragma once
// A LibTorch generator's state as bytes, for checkpoints (storage/ stores them as /rng/<name>).
//
//   auto bytes = generator_state(generator);
//   set_generator_state(generator, bytes, "masking");  // IoError naming it when invalid
#include <ATen/core/Generator.h>

#include <cstdint>
#include <string>
#include <vector>

namespace adamix::train {

std::vector<uint8_t> generator_state(at::Generator& generator);
void set_generator_state(at::Generator& generator, const std::vector<uint8_t>& bytes,
                         const std::string& name);

// For one evaluation: reseeds `generator` with `seed` and puts its training state back at the
// end of the scope, so evaluating never perturbs training's random draws.
class EvaluationSeed {
 public:
  EvaluationSeed(at::Generator& generator, uint64_t seed);
  ~EvaluationSeed();
  EvaluationSeed(const EvaluationSeed&) = delete;
  EvaluationSeed& operator=(const EvaluationSeed&) = delete;

 private:
  at::Generator& generator_;
  std::vector<uint8_t> saved_;
};

}  // namespace adamix::train
