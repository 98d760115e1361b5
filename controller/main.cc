// slo-autoscaler: wires the subcommands together. Nothing else lives here.
#include <iostream>

#include "controller/cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"slo-autoscaler: an SLO-driven autoscaler for model-inference serving",
               "slo-autoscaler"};
  app.require_subcommand(1);
  int exit_code = 0;
  slo::controller::RegisterRunCommand(app, &exit_code);
  slo::controller::RegisterSimulateCommand(app, &exit_code);
  slo::controller::RegisterAuditCommand(app, &exit_code);
  slo::controller::RegisterValidateCommand(app, &exit_code);
  slo::controller::RegisterVersionCommand(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ValidationError& e) {
    app.exit(e);  // a flag's value is wrong: bad input, the message names the flag
    return 1;
  } catch (const CLI::ConversionError& e) {
    app.exit(e);
    return 1;
  } catch (const CLI::ParseError& e) {
    app.exit(e);  // unknown flag, missing argument, no command: a usage error
    return 2;
  }
  return exit_code;
}
