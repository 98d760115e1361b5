// controller/cli/commands.h: the subcommands of `slo-autoscaler` (CONTRACTS.md §2).
//
// Each Register*Command adds one subcommand to `app`. When that subcommand is chosen, its
// callback runs the command and stores the process exit code in *exit_code:
// 0 success, 1 bad input (with a message naming the field or flag), 2 usage error.
#pragma once

#include <CLI/CLI.hpp>

namespace slo::controller {

void RegisterRunCommand(CLI::App& app, int* exit_code);
void RegisterSimulateCommand(CLI::App& app, int* exit_code);
void RegisterAuditCommand(CLI::App& app, int* exit_code);
void RegisterValidateCommand(CLI::App& app, int* exit_code);
void RegisterVersionCommand(CLI::App& app, int* exit_code);

}  // namespace slo::controller
