// `slo-autoscaler validate -f FILE [-f FILE...]`: check InferenceAutoscaler objects offline with
// the rules the controller applies (controller/spec). Errors go to stderr, one per line:
//   FILE#DOC ns/name: spec.x.y: message (line N)
// then a summary. Exit 0 when every object is valid, 1 on any error or unreadable file.
// With --output json the errors are a JSON array on stdout instead (the summary stays on stderr).
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "controller/cli/commands.h"
#include "controller/spec/autoscaler.h"

namespace slo::controller {
namespace {

struct ValidateOptions {
  std::vector<std::string> files;
  std::string output = "text";
};

// The file's text, or an error message.
bool ReadInput(const std::string& file, std::string* text, std::string* error) {
  if (file == "-") {
    text->assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    return true;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    *error = "cannot open " + file;
    return false;
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) {
    *error = "cannot read " + file;
    return false;
  }
  *text = buf.str();
  return true;
}

std::string ObjectName(const ParsedAutoscaler& p) {
  std::string name = p.name.empty() ? "(unnamed)" : p.name;
  return p.namespace_.empty() ? name : p.namespace_ + "/" + name;
}

int RunValidate(const ValidateOptions& opt) {
  const bool json_out = opt.output == "json";
  nlohmann::json report = nlohmann::json::array();
  int objects = 0, invalid_objects = 0, errors = 0, bad_files = 0;
  for (const std::string& file : opt.files) {
    const std::string label = file == "-" ? "<stdin>" : file;
    std::string text, read_error;
    if (!ReadInput(file, &text, &read_error)) {
      std::cerr << "slo-autoscaler validate: " << read_error << "\n";
      report.push_back({{"file", label}, {"path", nullptr}, {"message", read_error}});
      ++bad_files;
      continue;
    }
    std::vector<ParsedAutoscaler> parsed = ParseAutoscalersYaml(text, label);
    if (parsed.empty()) {
      std::cerr << label << ": no InferenceAutoscaler found (the file has no YAML documents)\n";
      report.push_back({{"file", label}, {"path", nullptr}, {"message", "no documents"}});
      ++bad_files;
      continue;
    }
    int file_errors = 0;
    for (const ParsedAutoscaler& p : parsed) {
      if (p.errors.size() == 1 && p.errors[0].path == "(yaml)") {
        std::cerr << label << ": " << p.errors[0].message << "\n";
        report.push_back({{"file", label}, {"path", nullptr}, {"message", p.errors[0].message}});
        ++bad_files;
        file_errors = -1;
        break;
      }
      ++objects;
      if (!p.errors.empty()) ++invalid_objects;
      for (const FieldError& e : p.errors) {
        ++file_errors;
        if (!json_out) {
          std::cerr << p.source << " " << ObjectName(p) << ": " << e.path << ": " << e.message;
          if (e.line > 0) std::cerr << " (line " << e.line << ")";
          std::cerr << "\n";
        }
        report.push_back({{"source", p.source},
                          {"file", label},
                          {"namespace", p.namespace_},
                          {"name", p.name},
                          {"path", e.path},
                          {"message", e.message},
                          {"line", e.line}});
      }
    }
    if (file_errors > 0) errors += file_errors;
    if (file_errors == 0 && !json_out) {
      std::cout << label << ": " << parsed.size() << " InferenceAutoscaler(s) valid\n";
    }
  }
  if (json_out) std::cout << report.dump(2) << "\n";
  if (errors > 0 || bad_files > 0) {
    std::cerr << "validate: ";
    if (objects > 0) {
      std::cerr << errors << " error(s) in " << invalid_objects << " of " << objects
                << " object(s)";
      if (bad_files > 0) std::cerr << "; ";
    }
    if (bad_files > 0) std::cerr << bad_files << " file(s) unreadable, empty or not YAML";
    std::cerr << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

void RegisterValidateCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand(
      "validate",
      "Check InferenceAutoscaler YAML offline with the controller's rules; print each error "
      "with its field path");
  auto opt = std::make_shared<ValidateOptions>();
  cmd->add_option("-f,--filename", opt->files,
                  "YAML file with one or more InferenceAutoscaler documents (- = stdin); "
                  "repeat for several files")
      ->required();
  cmd->add_option("-o,--output", opt->output, "Output format: text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->callback([exit_code, opt] { *exit_code = RunValidate(*opt); });
}

}  // namespace slo::controller
