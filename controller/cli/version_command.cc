// `slo-autoscaler version`: the version and the git commit it was built from.
#include <iostream>
#include <memory>

#include "controller/cli/commands.h"
#include "controller/cli/version.h"

namespace slo::controller {

void RegisterVersionCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("version", "Print the version and git commit");
  // Option storage is owned by the callback, which lives as long as the app.
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "Print as a JSON object");
  cmd->callback([exit_code, json] {
    if (*json) {
      std::cout << "{\"version\": \"" << kControllerVersion << "\", \"commit\": \"" << kGitCommit << "\"}\n";
    } else {
      std::cout << "slo-autoscaler " << kControllerVersion << " (commit " << kGitCommit << ")\n";
    }
    *exit_code = 0;
  });
}

}  // namespace slo::controller
