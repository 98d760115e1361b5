// PLACEHOLDER: replaced by the owner of the `validate` command.
#include <iostream>

#include "controller/cli/commands.h"

namespace slo::controller {

void RegisterValidateCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("validate", "(not built yet)");
  cmd->callback([exit_code] {
    std::cerr << "slo-autoscaler validate: not built yet\n";
    *exit_code = 1;
  });
}

}  // namespace slo::controller
