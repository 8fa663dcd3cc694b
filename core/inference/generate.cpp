#include "core/inference/generate.h"

#include <fstream>
#include <iostream>
#include <memory>

#include "core/data/nlg_dataset.h"
#include "core/data/nlg_encoding.h"
#include "core/error.h"
#include "core/inference/beam_search.h"
#include "core/inference/generate_gpt2.h"
#include "core/inference/gpt2_decoders.h"
#include "core/io/atomic_file.h"
#include "core/models/backbone.h"
#include "core/runtime/device.h"
#include "core/tokenizers/byte_bpe.h"
#include "core/tokenizers/byte_decode.h"

namespace adamix::inference {

namespace {

BeamSearchOptions beam_options(const GenerateSettings& s) {
  BeamSearchOptions o;
  o.beams = s.beams;
  o.length_penalty = s.length_penalty;
  o.no_repeat_ngram = s.no_repeat_ngram;
  o.max_new_tokens = s.max_new_tokens;
  o.eos = s.eos;
  return o;
}

void check_settings(const GenerateSettings& s, int64_t positions, int64_t vocab) {
  beam_options(s).validate();
  if (s.batch_size < 1) {
    throw ConfigError("batch-size must be >= 1, got " + std::to_string(s.batch_size));
  }
  if (s.eos.empty()) throw ConfigError("eos needs at least one id");
  for (int64_t id : s.eos) {
    if (id >= vocab) {
      throw ConfigError("eos id " + std::to_string(id) + " is outside the vocabulary of " +
                        std::to_string(vocab));
    }
  }
  if (s.seq_len - s.max_new_tokens < 1) {
    throw ConfigError("seq-len " + std::to_string(s.seq_len) + " leaves no room for a context " +
                      "before " + std::to_string(s.max_new_tokens) + " new tokens");
  }
  if (s.seq_len > positions) {
    throw ConfigError("seq-len " + std::to_string(s.seq_len) + " exceeds the model's " +
                      std::to_string(positions) + " positions");
  }
}

std::vector<std::string> read_contexts(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw IoError("cannot read contexts from " + file.string());
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

}  // namespace

std::vector<int64_t> reference_eos_ids(const text::Tokenizer& tok) {
  const auto end = tok.find_token("<|endoftext|>");
  if (!end) {
    throw ConfigError(
        "generation needs GPT-2's byte-level BPE tokenizer with <|endoftext|>; this "
        "model's vocabulary has none");
  }
  std::vector<int64_t> ids = {*end};
  if (const auto blank = tok.find_token("\xC4\x8A\xC4\x8A")) ids.push_back(*blank);  // "ĊĊ"
  return ids;
}

std::vector<std::string> generate_texts(models::Gpt2ModelImpl& model, const text::Tokenizer& tok,
                                        const std::vector<std::string>& contexts,
                                        const GenerateSettings& settings, int64_t* truncated) {
  check_settings(settings, model.config().max_positions, model.config().vocab_size);
  if (!dynamic_cast<const text::ByteBpeTokenizer*>(&tok)) {
    throw ConfigError(
        "generation needs GPT-2's byte-level BPE tokenizer (vocab.json + merges.txt)");
  }
  const int64_t eos = settings.eos.front();  // the context's end marker: <|endoftext|>
  std::vector<std::vector<int64_t>> prompts;
  prompts.reserve(contexts.size());
  for (size_t i = 0; i < contexts.size(); ++i) {
    bool cut = false;
    try {
      prompts.push_back(data::encode_nlg_context(
          tok, contexts[i], settings.seq_len - settings.max_new_tokens, eos, &cut));
    } catch (const InputError& e) {
      throw InputError("context " + std::to_string(i + 1) + ": " + e.what());
    }
    if (cut && truncated) ++*truncated;
  }
  const bool was_training = model.is_training();
  model.eval();
  const std::vector<std::string> vocabulary = tok.vocabulary();
  const BeamSearchOptions options = beam_options(settings);
  std::vector<std::string> texts;
  texts.reserve(contexts.size());
  for (size_t start = 0; start < prompts.size(); start += settings.batch_size) {
    const size_t end = std::min(prompts.size(), start + static_cast<size_t>(settings.batch_size));
    const std::vector<std::vector<int64_t>> batch(prompts.begin() + start, prompts.begin() + end);
    std::unique_ptr<NextTokenModel> decoder;
    if (settings.use_cache) {
      decoder = std::make_unique<Gpt2CachedDecoder>(model);
    } else {
      decoder = std::make_unique<Gpt2ReforwardDecoder>(model);
    }
    for (const auto& tokens : beam_search(*decoder, batch, options)) {
      texts.push_back(data::clean_nlg_text(text::decode_byte_level(vocabulary, tokens)));
    }
  }
  model.train(was_training);
  return texts;
}

void write_generated_texts(const std::filesystem::path& path,
                           const std::vector<std::string>& texts) {
  io::write_file_atomically(path, [&](std::ostream& out) {
    for (std::string text : texts) {
      for (char& c : text) {
        if (c == '\n' || c == '\r') c = ' ';
      }
      out << text << '\n';
    }
  });
}

GenerateResult generate_file(const GenerateFileOptions& options, models::Gpt2ModelImpl* model) {
  const auto device = runtime::parse_device(options.device);
  const auto out_dir = options.out.parent_path();
  if (!out_dir.empty() && !std::filesystem::is_directory(out_dir)) {
    throw IoError("the folder of --out does not exist: " + out_dir.string());
  }
  std::shared_ptr<models::Gpt2ModelImpl> loaded;
  if (!model) {
    auto backbone = models::load_backbone(options.model_dir, device).backbone;
    loaded = std::dynamic_pointer_cast<models::Gpt2ModelImpl>(backbone);
    if (!loaded) {
      throw ConfigError(options.model_dir.string() + " is not a GPT-2 model (generate needs one)");
    }
    model = loaded.get();
  }
  models::Gpt2ModelImpl& gpt2 = *model;
  const auto tok = text::load_tokenizer(options.model_dir);
  GenerateSettings settings = options.settings;
  if (settings.eos.empty()) settings.eos = reference_eos_ids(*tok);
  check_settings(settings, gpt2.config().max_positions, gpt2.config().vocab_size);
  const std::vector<std::string> contexts = read_contexts(options.input);
  GenerateResult result;
  result.contexts = static_cast<int64_t>(contexts.size());
  const auto texts = generate_texts(gpt2, *tok, contexts, settings, &result.truncated);
  if (result.truncated > 0) {
    std::cerr << "generate: " << result.truncated << " of " << result.contexts
              << " contexts were longer than seq-len - max-new-tokens ("
              << settings.seq_len - settings.max_new_tokens
              << " tokens) and lost their beginning, as the reference truncates\n";
  }
  write_generated_texts(options.out, texts);
  return result;
}

}  // namespace adamix::inference
