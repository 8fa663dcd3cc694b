#pragma once
// `adamix generate`: contexts in, generated texts out, as the NLG reference decodes (encoding
// of data/nlg_encoding.h, beam search of beam_search.h, text cleaned by data::clean_nlg_text as
// gpt2_decode.py). No LibTorch in this header.
//
//   GenerateFileOptions o{.model_dir = "gpt2", .input = "contexts.txt", .out = "out.txt"};
//   adamix::inference::generate_file(o);
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace adamix::models {
class Gpt2ModelImpl;
}  // namespace adamix::models

namespace adamix::inference {

struct GenerateSettings {
  int64_t beams = 10;
  double length_penalty = 0.8;
  int64_t no_repeat_ngram = 4;
  int64_t max_new_tokens = 64;
  // <|endoftext|>, "\n\n" (GPT-2's ids); generate_file fills an empty list from the vocabulary.
  std::vector<int64_t> eos = {50256, 628};
  int64_t batch_size = 10;  // contexts per beam-search batch
  int64_t seq_len = 512;    // contexts keep their last seq_len - max_new_tokens tokens (+ eos)
  bool use_cache = true;    // false: re-run the whole sequence every step (for checks)
};

struct GenerateFileOptions {
  std::filesystem::path model_dir;  // GPT-2 in Hugging Face layout (vocab.json + merges.txt)
  std::filesystem::path input;      // one context per line, raw text
  std::filesystem::path out;        // one generated text per line, written atomically
  GenerateSettings settings;
  std::string device = "cpu";
};

struct GenerateResult {
  int64_t contexts = 0;
  int64_t truncated = 0;  // contexts cut from the left to fit seq_len - max_new_tokens
};

// Writes one text per line, atomically; a line break inside a text (the reference would write
// it as is and shift every later line) becomes a space.
void write_generated_texts(const std::filesystem::path& path,
                           const std::vector<std::string>& texts);

// ConfigError for a model that is not GPT-2 or settings out of range (before any work);
// IoError for unreadable input or an --out folder that does not exist; InputError naming the
// line of a context that is not UTF-8.
// `model`, when given, is used instead of loading options.model_dir's weights (a trained trial's
// GPT-2 with its PEFT modules; it must be built on that model directory). No LibTorch here:
// models::Gpt2ModelImpl is only declared.
GenerateResult generate_file(const GenerateFileOptions& options,
                             models::Gpt2ModelImpl* model = nullptr);

}  // namespace adamix::inference
