// `slo-autoscaler audit`: answers "why did it scale?" from decision logs (CONTRACTS.md §2, §4).
// The work lives in controller/audit (slo_audit); this file only maps flags onto it.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "controller/audit/audit_time.h"
#include "controller/audit/filter.h"
#include "controller/audit/integrity.h"
#include "controller/audit/plot.h"
#include "controller/audit/reader.h"
#include "controller/audit/summary.h"
#include "controller/audit/views.h"
#include "controller/audit/why.h"
#include "controller/cli/commands.h"

namespace slo::controller {
namespace {

struct AuditFlags {
  std::vector<std::string> logs;
  std::vector<std::string> targets;
  std::string since;
  std::string until;
  std::string reason;
  bool actuated = false;
  std::string why;
  std::string format = "table";
  bool summary = false;
  std::string plot;
  std::string flap_window = "5m";
  size_t max_line_bytes = 1 << 20;
  bool quiet = false;
};

int Fail(const std::string& message) {
  std::cerr << "slo-autoscaler audit: " << message << "\n";
  return 1;
}

std::string Dump(const nlohmann::json& j) {
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

int RunAudit(const AuditFlags& f) {
  using namespace audit;
  // Flags first, so a typo fails before a long read.
  Selection sel;
  for (const auto& t : f.targets) {
    size_t pos = 0;
    while (pos <= t.size()) {
      size_t comma = t.find(',', pos);
      if (comma == std::string::npos) comma = t.size();
      if (comma > pos) sel.targets.push_back(t.substr(pos, comma - pos));
      pos = comma + 1;
    }
  }
  for (const auto& [text, flag, slot] :
       {std::tuple{f.since, "--since", &sel.since}, std::tuple{f.until, "--until", &sel.until}}) {
    if (text.empty()) continue;
    TimeArgResult r = ParseTimeArg(text, flag);
    if (!r.arg) return Fail(r.error);
    *slot = r.arg;
  }
  std::optional<TimeArg> why;
  if (!f.why.empty()) {
    TimeArgResult r = ParseTimeArg(f.why, "--why");
    if (!r.arg) return Fail(r.error);
    why = r.arg;
  }
  const auto flap_ms = ParseDurationMs(f.flap_window);
  if (!flap_ms) {
    return Fail("--flap-window \"" + f.flap_window + "\": want a duration such as 90s or 5m");
  }
  if (f.max_line_bytes < 64) return Fail("--max-line-bytes: want at least 64");
  LogData data;
  ListFilter list;
  list.actuated_only = f.actuated;
  if (!f.reason.empty()) {
    if (auto err = ParseReasons(f.reason, data.strings, &list); !err.empty()) return Fail(err);
  }
  std::vector<std::string> args = f.logs;
  if (args.empty()) {
    if (::isatty(STDIN_FILENO)) {
      std::cerr << "slo-autoscaler audit: no --log given and stdin is a terminal; pass --log FILE "
                   "or pipe a log in (kubectl logs deploy/slo-autoscaler | slo-autoscaler audit)\n";
      return 2;
    }
    args.push_back("-");
  }
  std::vector<std::string> paths;
  if (auto err = ExpandInputs(args, &paths); !err.empty()) return Fail(err);

  ReadOptions opts;
  opts.max_line_bytes = f.max_line_bytes;
  opts.keep_raw = why.has_value() || f.format == "json";
  if (auto err = ReadLogs(paths, opts, data); !err.empty()) return Fail(err);
  if (!f.quiet) std::cerr << SkipReport(data);
  const int64_t log_end_ms = data.records.empty() ? 0 : data.records.back().ts_ms;
  Select(sel, data);
  const std::vector<IntegrityEvent> events = CheckIntegrity(data);
  const bool json = f.format == "json";

  if (!f.plot.empty()) {
    std::ofstream out(f.plot, std::ios::binary | std::ios::trunc);
    out << PlotSvg(data, events);
    out.close();
    if (!out) return Fail("--plot " + f.plot + ": cannot write the file");
  }

  if (data.records.empty()) {
    if (json) {
      nlohmann::json j = {{"decisions", nlohmann::json::array()},
                          {"integrity", nlohmann::json::array()},
                          {"input", InputJson(data)}};
      std::cout << Dump(j) << "\n";
    } else {
      std::cout << "no decisions matched\n";
    }
    return 0;
  }

  if (why) {
    const int64_t at_ms = why->Resolve(log_end_ms);
    std::map<std::string, uint32_t> targets;
    for (const auto& r : data.records) targets.emplace(data.strings.Get(r.target), r.target);
    nlohmann::json arr = nlohmann::json::array();
    std::string text;
    for (const auto& [name, id] : targets) {
      const auto index = DecisionInForce(data, id, at_ms);
      Explanation ex = index ? Explain(data, *index, at_ms) : ExplainNone(data, id, at_ms);
      text += (text.empty() ? "" : "\n") + ex.text;
      arr.push_back(std::move(ex.json));
    }
    if (json) {
      std::cout << Dump({{"why", arr}, {"input", InputJson(data)}}) << "\n";
    } else {
      std::cout << text;
    }
    return 0;
  }

  if (f.summary) {
    const auto summaries = Summarize(data, events, *flap_ms);
    if (json) {
      std::cout << Dump(SummaryJson(data, summaries, events)) << "\n";
    } else {
      WriteSummaryTable(data, summaries, events, stdout);
    }
    return 0;
  }

  std::cout.flush();
  const uint64_t rows = json ? WriteJson(data, events, list, stdout)
                             : WriteTable(data, events, list, stdout);
  std::fflush(stdout);
  if (rows == 0) {
    (json ? std::cerr : std::cout) << "no decisions matched\n";
  }
  return 0;
}

}  // namespace

void RegisterAuditCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand(
      "audit",
      "Read decision logs and explain the scaling decisions (why did it scale?)");
  auto f = std::make_shared<AuditFlags>();
  cmd->add_option("--log", f->logs,
                  "Decision log to read: a file, '-' for stdin, a directory (all its files) or a "
                  "glob; repeat for rotated files (merged by ts). Default: stdin");
  cmd->add_option("--target", f->targets,
                  "Only these InferenceAutoscalers: NS/NAME, NAME (any namespace) or a glob "
                  "(serving/*); repeat or separate with commas");
  cmd->add_option("--since", f->since,
                  "Only decisions at or after: RFC 3339, a time of day (10:32), or a duration "
                  "(30m) before the log's last decision");
  cmd->add_option("--until", f->until, "Only decisions at or before (same forms as --since)");
  cmd->add_option("--reason", f->reason,
                  "List only these reason codes, comma-separated (e.g. ScaleUp,AtMaxReplicas)");
  cmd->add_flag("--actuated", f->actuated, "List only decisions that were applied");
  auto* why = cmd->add_option("--why", f->why,
                              "Explain the decision in force at this time, per target (same "
                              "forms as --since)");
  auto* summary = cmd->add_flag("--summary", f->summary,
                                "One line per target: scale events, time at max, time with "
                                "metrics missing, flapping, gaps");
  why->excludes(summary);
  cmd->add_option("--format", f->format, "Output format")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  cmd->add_option("--plot", f->plot,
                  "Also write an SVG timeline of replicas and inputs per target to this file");
  cmd->add_option("--flap-window", f->flap_window,
                  "Direction changes closer than this count as flapping (--summary)")
      ->capture_default_str();
  cmd->add_option("--max-line-bytes", f->max_line_bytes,
                  "Skip (and count) lines longer than this")
      ->capture_default_str();
  cmd->add_flag("--quiet", f->quiet, "Do not print the read/skip report on stderr");
  cmd->callback([exit_code, f] { *exit_code = RunAudit(*f); });
}

}  // namespace slo::controller
