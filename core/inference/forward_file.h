#pragma once
// `adamix forward`: runs a backbone over a file of id lines and writes the outputs as
// safetensors. No LibTorch in this header.
//
//   adamix::inference::forward_file({.model_dir = "m", .input_ids = "ids.txt", .out =
//   "o.safetensors"});
#include <cstdint>
#include <filesystem>
#include <string>

namespace adamix::inference {

struct ForwardFileOptions {
  std::filesystem::path model_dir;
  std::filesystem::path input_ids;       // one sequence of space-separated ids per line
  std::filesystem::path token_type_ids;  // empty = all zeros; else same shape as input_ids
  std::filesystem::path out;             // .safetensors, written atomically
  int64_t batch_size = 32;
  std::string device = "cpu";
};

struct ForwardFileResult {
  int64_t sequences = 0;
  int64_t max_length = 0;  // T of the outputs
  int64_t hidden_size = 0;
  int64_t vocab_size = 0;
  bool wrote_logits = false;
};

// Validates every line up front (ids in the vocabulary, lengths within the position table,
// token types matching) so bad input fails with its line number before any compute, then
// writes `last_hidden_state` F32 [N,T,H] and, for GPT-2, `logits` F32 [N,T,V]. Positions past
// a line's length are zero.
ForwardFileResult forward_file(const ForwardFileOptions& options);

// IoError / ConfigError before any work when --out's folder is missing or the batch size is bad.
void check_output_dir(const ForwardFileOptions& options);

}  // namespace adamix::inference
