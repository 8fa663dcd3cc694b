#pragma once
// One function per subcommand: turns parsed flags into the component's typed options and
// runs it. Errors propagate as adamix::Error; main() turns them into exit codes.
#include <optional>
#include <string>

#include "apps/flags.h"

namespace adamix::cli {

int run_train(const ParsedFlags& flags);
int run_pretrain(const ParsedFlags& flags);
int run_sweep(const ParsedFlags& flags);
int run_status(const ParsedFlags& flags);
int run_report(const ParsedFlags& flags);
int run_submit(const ParsedFlags& flags);
int run_tokenize(const ParsedFlags& flags);
int run_forward(const ParsedFlags& flags);
int run_make_model(const ParsedFlags& flags);
int run_make_task(const ParsedFlags& flags);
int run_make_tokenizer(const ParsedFlags& flags);
int run_inspect(const ParsedFlags& flags);
int run_export(const ParsedFlags& flags);
int run_generate(const ParsedFlags& flags);
int run_score(const ParsedFlags& flags);

// sweep and submit: the run directory, from --run or its older name --out (not both).
std::optional<std::string> run_directory_flag(const ParsedFlags& flags);

}  // namespace adamix::cli
