// The single `adamix` executable: subcommands over the libraries. Exceptions become exit codes
// only here: 2 for bad input (flags, configs, files, data), 1 for anything else.
#include <exception>
#include <iostream>
#include <string>

#include "apps/commands.h"
#include "apps/flags.h"
#include "core/error.h"

namespace {

int dispatch(adamix::cli::Command command, const adamix::cli::ParsedFlags& flags) {
  using adamix::cli::Command;
  switch (command) {
    case Command::Train: return adamix::cli::run_train(flags);
    case Command::Pretrain: return adamix::cli::run_pretrain(flags);
    case Command::Sweep: return adamix::cli::run_sweep(flags);
    case Command::Status: return adamix::cli::run_status(flags);
    case Command::Report: return adamix::cli::run_report(flags);
    case Command::Submit: return adamix::cli::run_submit(flags);
    case Command::Tokenize: return adamix::cli::run_tokenize(flags);
    case Command::Forward: return adamix::cli::run_forward(flags);
    case Command::MakeModel: return adamix::cli::run_make_model(flags);
    case Command::MakeTask: return adamix::cli::run_make_task(flags);
    case Command::MakeTokenizer: return adamix::cli::run_make_tokenizer(flags);
    case Command::Inspect: return adamix::cli::run_inspect(flags);
    case Command::Export: return adamix::cli::run_export(flags);
    case Command::Generate: return adamix::cli::run_generate(flags);
    case Command::Score: return adamix::cli::run_score(flags);
  }
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  namespace cli = adamix::cli;
  const std::string first = argc > 1 ? argv[1] : "";
  if (first == "help" && argc > 2) {  // `adamix help train` = `adamix train --help`
    const cli::CommandInfo* info = cli::find_command(argv[2]);
    if (info == nullptr) {
      std::cerr << "adamix: error: unknown command '" << argv[2] << "' (see adamix --help)\n";
      return 2;
    }
    std::cout << cli::command_help(info->command);
    return 0;
  }
  if (first.empty() || first == "-h" || first == "--help" || first == "help") {
    std::cout << cli::general_help();
    return first.empty() ? 2 : 0;
  }
  if (first == "--version") {
    std::cout << "adamix " << ADAMIX_VERSION << "\n";
    return 0;
  }
  const cli::CommandInfo* info = cli::find_command(first);
  if (info == nullptr) {
    std::cerr << "adamix: error: unknown command '" << first << "' (see adamix --help)\n";
    return 2;
  }
  try {
    const auto flags = cli::parse_flags(info->command, argc - 1, argv + 1);
    if (flags.help_requested()) {
      std::cout << cli::command_help(info->command);
      return 0;
    }
    return dispatch(info->command, flags);
  } catch (const adamix::Error& e) {
    std::cerr << "adamix " << info->name << ": error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "adamix " << info->name << ": internal error: " << e.what() << "\n";
    return 1;
  }
}
