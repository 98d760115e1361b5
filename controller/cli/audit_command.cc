// PLACEHOLDER: replaced by the owner of the `audit` command.
#include <iostream>

#include "controller/cli/commands.h"

namespace slo::controller {

void RegisterAuditCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("audit", "(not built yet)");
  cmd->callback([exit_code] {
    std::cerr << "slo-autoscaler audit: not built yet\n";
    *exit_code = 1;
  });
}

}  // namespace slo::controller
