// The `adamix` executable as a user meets it: help, bad input (one clear line on stderr, a
// non-zero exit, no partial output) and the make-model → tokenize → forward path.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "apps/flags.h"
#include "core/io/safetensors.h"
#include "tests/support/cli_helpers.h"

namespace adamix::testing {
namespace {
namespace fs = std::filesystem;

std::string q(const fs::path& path) { return "'" + path.string() + "'"; }

void write(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

// Expects exit code 2, exactly one line on stderr containing `needle`, nothing on stdout.
void expect_clear_error(const RunResult& r, const std::string& needle) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

// A flag may be defined once per command (`--out` is a file for forward, a folder for export,
// each with its own help), never twice for one.
TEST(FlagTable, NoFlagOrEnvironmentVariableIsDefinedTwice) {
  std::set<std::string> names, envs;
  for (const auto& flag : cli::flags()) {
    for (auto command : flag.commands)
      EXPECT_TRUE(
          names.insert(flag.name + std::string("/") + std::to_string(static_cast<int>(command)))
              .second)
          << "flag defined twice for one command: " << flag.name;
    if (flag.env) {
      EXPECT_TRUE(envs.insert(flag.env).second) << "env defined twice: " << flag.env;
    }
    EXPECT_FALSE(flag.commands.empty()) << flag.name;
    for (auto required : flag.required_by)
      EXPECT_NE(std::find(flag.commands.begin(), flag.commands.end(), required),
                flag.commands.end())
          << flag.name << " is required by a command that does not accept it";
  }
  std::set<std::string> commands;
  for (const auto& command : cli::commands())
    EXPECT_TRUE(commands.insert(command.name).second) << command.name;
}

TEST(Cli, HelpForEveryCommand) {
  auto r = run_adamix("--help");
  EXPECT_EQ(r.exit_code, 0);
  for (const auto& command : cli::commands()) {
    EXPECT_NE(r.out.find(command.name), std::string::npos) << command.name;
    auto sub = run_adamix(std::string(command.name) + " --help");
    EXPECT_EQ(sub.exit_code, 0) << command.name;
    EXPECT_NE(sub.out.find("usage: adamix " + std::string(command.name)), std::string::npos);
  }
  EXPECT_NE(run_adamix("forward --help").out.find("--input-ids"), std::string::npos);
  EXPECT_NE(run_adamix("forward --help").out.find("ADAMIX_DEVICE"), std::string::npos);
  // `adamix help CMD` is CMD's help; each command's --out says what it is for that command alone.
  EXPECT_EQ(run_adamix("help train").out, run_adamix("train --help").out);
  expect_clear_error(run_adamix("help frobnicate"), "unknown command 'frobnicate'");
  const auto export_help = run_adamix("export --help").out;
  EXPECT_NE(export_help.find("[default: safetensors]"), std::string::npos) << export_help;
  EXPECT_EQ(export_help.find("latex"), std::string::npos) << export_help;
  EXPECT_EQ(export_help.find("runs/train"), std::string::npos) << export_help;
  EXPECT_NE(run_adamix("sweep --help").out.find("--run DIR"), std::string::npos);
}

TEST(Cli, UsageErrors) {
  EXPECT_EQ(run_adamix("").exit_code, 2);
  expect_clear_error(run_adamix("frobnicate"), "unknown command 'frobnicate'");
  expect_clear_error(run_adamix("forward --input-ids x --out y"), "missing required --model");
  expect_clear_error(run_adamix("forward --model m --input-ids x --out y --bogus 1"), "bogus");
  expect_clear_error(run_adamix("make-model --arch bert --out x --layers two"),
                     "--layers expects an integer, got 'two'");
  expect_clear_error(run_adamix("inspect"), "exactly one FILE");
}

TEST(Cli, SweepDryRunListsTrialsAndRunningChecksInputsFirst) {
  TempDir dir;
  write(dir / "sweep.yaml",
        "name: s\n"
        "base: {model: m, task: {name: rte, dir: d}}\n"
        "axes: {method.experts: [1, 2, 4]}\n"
        "seeds: [1, 2]\n"
        "ablations: {routing: merge-vs-ensemble}\n");
  auto r = run_adamix("sweep " + q(dir / "sweep.yaml") + " --dry-run");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(count_lines(r.out), 2 + 12);
  EXPECT_NE(r.out.find("12 trials (12 generated, 0 excluded, 0 duplicates merged)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("routing:ensemble  method.experts=2 method.inference=ensemble train.seed=2"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(run_adamix("sweep " + q(dir / "sweep.yaml") + " --dry-run").out, r.out);
  // Running it checks every trial's model and task folder before anything starts.
  expect_clear_error(run_adamix("sweep " + q(dir / "sweep.yaml") + " --out " + q(dir / "run")),
                     "model directory 'm' has no config.json");
  EXPECT_FALSE(fs::exists(dir / "run"));
  expect_clear_error(run_adamix("sweep --dry-run"), "exactly one SPEC.yaml");
  write(dir / "bad.yaml", "name: s\nbase: {model: m}\naxes:\n  method.expert: [1]\n");
  expect_clear_error(run_adamix("sweep " + q(dir / "bad.yaml") + " --dry-run"),
                     "bad.yaml:4: axes.method.expert: unknown trial config key");

  // --set overrides the spec (and its base) as the file's own keys would; errors name them.
  auto set = run_adamix("sweep " + q(dir / "sweep.yaml") +
                        " --dry-run --set seeds=[7] --set base.train.epochs=1");
  ASSERT_EQ(set.exit_code, 0) << set.err;
  EXPECT_NE(set.out.find("6 trials"), std::string::npos) << set.out;
  EXPECT_NE(set.out.find("train.seed=7"), std::string::npos) << set.out;
  expect_clear_error(
      run_adamix("sweep " + q(dir / "sweep.yaml") + " --dry-run --set base.method.experts=x"),
      "--set base.method.experts=x:");
  expect_clear_error(run_adamix("sweep " + q(dir / "sweep.yaml") + " --dry-run --set seeds"),
                     "--set 'seeds': expected key.path=value");
  // --run and --out (its older name) may not disagree.
  expect_clear_error(run_adamix("sweep " + q(dir / "sweep.yaml") + " --run a --out b"),
                     "--run a and --out b name two run directories");
  // adamix train --set: the same checks, before anything is written.
  write(dir / "trial.yaml", "model: m\ntask: {name: rte, dir: d}\n");
  expect_clear_error(run_adamix("train --config " + q(dir / "trial.yaml") +
                                " --set method.expertz=2 --out " + q(dir / "t")),
                     "--set method.expertz=2: unknown key");
  expect_clear_error(run_adamix("train --config " + q(dir / "trial.yaml") +
                                " --set train.lr=fast --out " + q(dir / "t")),
                     "--set train.lr=fast: expected a number, got 'fast'");
  EXPECT_FALSE(fs::exists(dir / "t"));
}

class CliWithModel : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    for (const char* arch : {"bert", "gpt2"}) {
      auto r = run_adamix(std::string("make-model --arch ") + arch +
                          " --hidden 32 --layers 2 --heads 4 --intermediate 64 --max-positions 16"
                          " --vocab-size 400 --seed 3 --out " +
                          q(*dir_ / arch));
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
  }
  static void TearDownTestSuite() { delete dir_; }
  static fs::path model(const std::string& arch) { return *dir_ / arch; }
  static TempDir* dir_;
  TempDir work_;
};
TempDir* CliWithModel::dir_ = nullptr;

TEST_F(CliWithModel, TokenizeMapsSpecialTokensInTextUnlessAskedToSplitThem) {
  // The synthetic BERT vocabulary: [PAD] [UNK] [CLS] [SEP] [MASK] are ids 0-4.
  auto whole = run_adamix("tokenize --model " + q(model("bert")), "[MASK]\n");
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  EXPECT_EQ(whole.out, "2 4 3\n");
  auto split =
      run_adamix("tokenize --split-special-tokens --model " + q(model("bert")), "[MASK]\n");
  ASSERT_EQ(split.exit_code, 0) << split.err;
  EXPECT_NE(split.out, whole.out);
  EXPECT_EQ(split.out.find(" 4 "), std::string::npos) << split.out;
}

TEST_F(CliWithModel, TokenizeForwardInspect) {
  for (const char* arch : {"bert", "gpt2"}) {
    SCOPED_TRACE(arch);
    auto tok = run_adamix(
        "tokenize --model " + q(model(arch)) + " --type-ids-out " + q(work_ / "types.txt"),
        "the cat sat on the mat.\nhello\tworld\n\n");
    ASSERT_EQ(tok.exit_code, 0) << tok.err;
    ASSERT_EQ(count_lines(tok.out), 3);
    std::string ids = tok.out;
    if (std::string(arch) == "gpt2")
      ids = ids.substr(0, ids.rfind('\n', ids.size() - 2) + 1);  // GPT-2: empty line has no ids
    write(work_ / "ids.txt", ids);
    auto fwd =
        run_adamix("forward --model " + q(model(arch)) + " --input-ids " + q(work_ / "ids.txt") +
                   " --batch-size 2 --out " + q(work_ / "o.safetensors"));
    ASSERT_EQ(fwd.exit_code, 0) << fwd.err;
    auto file = io::SafetensorsFile::open(work_ / "o.safetensors");
    auto hidden = file.tensor("last_hidden_state");
    EXPECT_EQ(hidden.size(2), 32);
    EXPECT_EQ(hidden.size(0), count_lines(ids));
    EXPECT_EQ(file.contains("logits"), std::string(arch) == "gpt2");
    if (file.contains("logits")) {
      EXPECT_EQ(file.tensor("logits").size(2), 400);
    }
    auto inspect = run_adamix("inspect " + q(work_ / "o.safetensors"));
    EXPECT_EQ(inspect.exit_code, 0);
    EXPECT_NE(inspect.out.find("last_hidden_state"), std::string::npos);
  }
}

TEST_F(CliWithModel, ForwardBatchingDoesNotChangeResults) {
  write(work_ / "ids.txt", "5 6 7 8 9 10\n11 12\n13 14 15\n");
  for (int batch : {1, 3}) {
    auto r = run_adamix("forward --model " + q(model("bert")) + " --input-ids " +
                        q(work_ / "ids.txt") + " --batch-size " + std::to_string(batch) +
                        " --out " + q(work_ / ("b" + std::to_string(batch) + ".safetensors")));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  auto a = io::load_safetensors(work_ / "b1.safetensors").at("last_hidden_state");
  auto b = io::load_safetensors(work_ / "b3.safetensors").at("last_hidden_state");
  EXPECT_TRUE(torch::allclose(a, b, 1e-5, 1e-5));
}

TEST_F(CliWithModel, BadForwardInputFailsCleanlyWithoutOutput) {
  const auto out = work_ / "out.safetensors";
  const auto forward = [&](const std::string& ids, const std::string& extra = "") {
    write(work_ / "ids.txt", ids);
    return run_adamix("forward --model " + q(model("bert")) + " --input-ids " +
                      q(work_ / "ids.txt") + " --out " + q(out) + " " + extra);
  };
  expect_clear_error(forward("1 2 x\n"), "line 1: 'x' is not a token id");
  expect_clear_error(forward("1 2\n\n3\n"), "line 2 holds no token ids");
  expect_clear_error(forward("1 2\n1 -3\n"), "line 2: '-3'");
  expect_clear_error(forward("1 400\n"), "id 400 is outside the vocabulary [0, 400)");
  expect_clear_error(forward("1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n"),
                     "longer than the model's 16 positions");
  expect_clear_error(forward("1 2\n", "--device gpu"), "bad device 'gpu'");
  expect_clear_error(forward("1 2\n", "--batch-size 0"), "batch size must be >= 1");
  write(work_ / "types.txt", "0 1 1\n");
  expect_clear_error(forward("1 2\n", "--token-type-ids " + q(work_ / "types.txt")),
                     "3 token types for 2 ids");
  write(work_ / "types.txt", "0 2\n");
  expect_clear_error(forward("1 2\n", "--token-type-ids " + q(work_ / "types.txt")),
                     "token type 2");
  expect_clear_error(run_adamix("forward --model " + q(work_ / "nope") + " --input-ids " +
                                q(work_ / "ids.txt") + " --out " + q(out)),
                     "nope");
  expect_clear_error(run_adamix("forward --model " + q(model("bert")) + " --input-ids " +
                                q(work_ / "missing.txt") + " --out " + q(out)),
                     "missing.txt");
  expect_clear_error(
      run_adamix("forward --model " + q(model("bert")) + " --input-ids " + q(work_ / "ids.txt") +
                 " --out " + q(work_ / "no" / "o.safetensors")),
      "does not exist");
  EXPECT_FALSE(fs::exists(out));
  // Nothing half-written either: the work folder holds only the inputs.
  for (const auto& entry : fs::directory_iterator(work_.path())) {
    const auto name = entry.path().filename().string();
    EXPECT_TRUE(name == "ids.txt" || name == "types.txt") << name;
  }
}

TEST_F(CliWithModel, BadModelAndTokenizerInput) {
  expect_clear_error(run_adamix("make-model --arch t5 --out " + q(work_ / "m")), "t5");
  expect_clear_error(
      run_adamix("make-model --arch bert --hidden 30 --heads 4 --out " + q(work_ / "m")), "30");
  expect_clear_error(run_adamix("make-model --arch bert --out " + q(model("bert"))), "exists");
  expect_clear_error(run_adamix("tokenize --model " + q(work_ / "nope"), "x\n"), "nope");
  expect_clear_error(run_adamix("tokenize --model " + q(model("bert")) + " --max-length -1", "x\n"),
                     "--max-length");
  write(work_ / "junk.safetensors", "not a safetensors file");
  expect_clear_error(run_adamix("inspect " + q(work_ / "junk.safetensors")), "junk.safetensors");
  EXPECT_FALSE(fs::exists(work_ / "m"));
}

}  // namespace
}  // namespace adamix::testing

namespace adamix::testing {
namespace {

// make-tokenizer writes Hugging Face tokenizer files that make-model and tokenize use as they
// are; a wrong kind is one line and writes nothing.
TEST(Cli, MakeTokenizerTrainsFilesTheModelsLoad) {
  TempDir dir;
  std::string corpus;
  for (int i = 0; i < 40; ++i)
    corpus += "the mixture of adapters merges its experts at inference time " + std::to_string(i) +
              "\nevery expert learns a little, and merging costs nothing\n";
  write(dir / "corpus.txt", corpus);
  for (const std::string kind : {"wordpiece", "gpt2", "roberta"}) {
    const auto out = dir / ("tok-" + kind);
    auto r = run_adamix("make-tokenizer --tokenizer " + kind + " --corpus " +
                        q(dir / "corpus.txt") + " --vocab-size 300 --out " + q(out));
    ASSERT_EQ(r.exit_code, 0) << kind << ": " << r.err;
    EXPECT_TRUE(fs::exists(out / (kind == "wordpiece" ? "vocab.txt" : "merges.txt"))) << kind;
    const std::string arch = kind == "wordpiece" ? "bert" : kind;
    r = run_adamix("make-model --arch " + arch + " --vocab-from " + q(out) + " --out " +
                   q(dir / ("model-" + kind)));
    ASSERT_EQ(r.exit_code, 0) << kind << ": " << r.err;
    r = run_adamix("tokenize --model " + q(dir / ("model-" + kind)),
                   "the experts merge at inference\n");
    ASSERT_EQ(r.exit_code, 0) << kind << ": " << r.err;
    EXPECT_EQ(count_lines(r.out), 1) << r.out;
  }
  expect_clear_error(run_adamix("make-tokenizer --tokenizer bogus --corpus " +
                                q(dir / "corpus.txt") + " --out " + q(dir / "none")),
                     "--tokenizer must be wordpiece, gpt2 or roberta");
  EXPECT_FALSE(fs::exists(dir / "none"));
}

}  // namespace
}  // namespace adamix::testing
