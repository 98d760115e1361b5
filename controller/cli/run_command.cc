// PLACEHOLDER: replaced by the owner of the `run` command.
#include <iostream>

#include "controller/cli/commands.h"

namespace slo::controller {

void RegisterRunCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("run", "(not built yet)");
  cmd->callback([exit_code] {
    std::cerr << "slo-autoscaler run: not built yet\n";
    *exit_code = 1;
  });
}

}  // namespace slo::controller
