#pragma once
// The single flag table of the `adamix` executable. Each flag is defined once, with its help
// text, its environment variable and the subcommands that accept it; `--help` text is
// generated from the table. Precedence: defaults < environment < command line.
//
//   ParsedFlags flags = parse_flags(Command::Forward, argc, argv);
//   auto batch = flags.get_int("batch-size");
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace adamix::cli {

enum class Command {
  Train,
  Pretrain,
  Sweep,
  Status,
  Report,
  Submit,
  Tokenize,
  Forward,
  MakeModel,
  MakeTask,
  MakeTokenizer,
  Inspect,
  Export,
  Generate,
  Score
};

struct CommandInfo {
  Command command;
  const char* name;     // as typed: "make-model"
  const char* summary;  // one line for `adamix --help`
  const char* usage;    // positional arguments, e.g. "FILE"
};

struct FlagInfo {
  const char* name;        // long flag without dashes
  const char* value_name;  // "DIR", "N"; nullptr for a switch
  const char* help;
  const char* env;  // environment variable that sets it, or nullptr
  std::vector<Command> commands;
  const char* default_value;  // nullptr when none
  std::vector<Command> required_by;
  bool repeatable = false;  // may be given several times (get_all)
};

const std::vector<CommandInfo>& commands();
const std::vector<FlagInfo>& flags();
const CommandInfo* find_command(const std::string& name);

// Flags of one invocation after defaults, environment and command line are applied.
class ParsedFlags {
 public:
  bool has(const std::string& name) const;
  std::string get(const std::string& name) const;  // throws ConfigError when missing
  std::optional<std::string> get_optional(const std::string& name) const;
  int64_t get_int(const std::string& name) const;  // integer with a clear error
  double get_double(const std::string& name) const;
  bool get_switch(const std::string& name) const;
  std::vector<std::string> get_all(const std::string& name) const;  // a repeatable flag's values
  const std::vector<std::string>& positional() const { return positional_; }
  bool help_requested() const { return help_; }

 private:
  friend ParsedFlags parse_flags(Command, int, const char* const*);
  std::vector<std::pair<std::string, std::string>> values_;
  std::vector<std::string> positional_;
  bool help_ = false;
};

// argv[0] is the subcommand name (skipped, as a program name would be). Throws ConfigError on
// unknown flags, missing values, or a required flag not given.
ParsedFlags parse_flags(Command command, int argc, const char* const* argv);

std::string command_help(Command command);
std::string general_help();

}  // namespace adamix::cli
