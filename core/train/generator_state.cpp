#include "core/train/generator_state.h"

#include <torch/torch.h>

#include <cstring>
#include <mutex>

#include "core/error.h"

namespace adamix::train {

std::vector<uint8_t> generator_state(at::Generator& generator) {
  std::lock_guard<std::mutex> lock(generator.mutex());
  const auto state = generator.get_state().contiguous();
  const auto* bytes = state.data_ptr<uint8_t>();
  return {bytes, bytes + state.numel()};
}

void set_generator_state(at::Generator& generator, const std::vector<uint8_t>& bytes,
                         const std::string& name) {
  auto tensor = torch::empty({static_cast<int64_t>(bytes.size())}, torch::kUInt8);
  std::memcpy(tensor.data_ptr<uint8_t>(), bytes.data(), bytes.size());
  std::lock_guard<std::mutex> lock(generator.mutex());
  try {
    generator.set_state(tensor);
  } catch (const c10::Error& e) {
    throw IoError("invalid saved state of the " + name +
                  " generator: " + e.what_without_backtrace());
  }
}

EvaluationSeed::EvaluationSeed(at::Generator& generator, uint64_t seed)
    : generator_(generator), saved_(generator_state(generator)) {
  std::lock_guard<std::mutex> lock(generator_.mutex());
  generator_.set_current_seed(seed);
}

EvaluationSeed::~EvaluationSeed() { set_generator_state(generator_, saved_, "routing"); }

}  // namespace adamix::train
