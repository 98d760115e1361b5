// PLACEHOLDER: replaced by the owner of the `simulate` command.
#include <iostream>

#include "controller/cli/commands.h"

namespace slo::controller {

void RegisterSimulateCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("simulate", "(not built yet)");
  cmd->callback([exit_code] {
    std::cerr << "slo-autoscaler simulate: not built yet\n";
    *exit_code = 1;
  });
}

}  // namespace slo::controller
