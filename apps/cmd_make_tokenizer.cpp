#include <iostream>
#include <sstream>

#include "apps/commands.h"
#include "core/error.h"
#include "core/io/atomic_file.h"
#include "core/tokenizers/train_bpe.h"
#include "core/tokenizers/train_wordpiece.h"

namespace adamix::cli {

// Trains a tokenizer on a corpus (one text per line) and writes Hugging Face's files:
// wordpiece -> vocab.txt (BERT), gpt2 / roberta -> vocab.json + merges.txt (byte-level BPE).
// `make-model --vocab-from DIR` then builds a model over it.
int run_make_tokenizer(const ParsedFlags& flags) {
  const auto kind = flags.get("tokenizer");
  const std::filesystem::path out = flags.get("out");
  std::vector<std::string> lines;
  std::istringstream corpus(io::read_file(flags.get("corpus")));
  const bool bpe = kind == "gpt2" || kind == "roberta";
  // HF's train(files) feeds byte-level BPE each line with its newline; BERT splits words anyway.
  for (std::string line; std::getline(corpus, line);)
    if (!line.empty()) lines.push_back(bpe ? line + "\n" : line);
  const auto vocab_size = flags.has("vocab-size") ? flags.get_int("vocab-size") : 8000;
  const auto min_frequency = flags.get_int("min-frequency");
  if (kind == "wordpiece") {
    text::WordPieceTrainingOptions options;
    options.vocab_size = vocab_size;
    options.min_frequency = min_frequency;
    options.tokenizer.do_lower_case = !flags.get_switch("cased");
    text::train_wordpiece(lines, options, out);
  } else if (bpe) {
    text::BpeTrainingOptions options;
    options.vocab_size = vocab_size;
    options.min_frequency = min_frequency;
    options.templates = kind == "gpt2" ? text::BpeTemplate::Gpt2 : text::BpeTemplate::Roberta;
    text::train_byte_bpe(lines, options, out);
  } else {
    throw ConfigError("--tokenizer must be wordpiece, gpt2 or roberta, not '" + kind + "'");
  }
  std::cerr << "wrote " << out.string() << " (" << kind << " tokenizer trained on " << lines.size()
            << " lines)\n";
  return 0;
}

}  // namespace adamix::cli
