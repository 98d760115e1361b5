#include "tests/support/prometheus_fixture.h"

#include <cctype>
#include <sstream>

namespace slo::testing {
namespace {

std::string YamlQuote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string Config(const PrometheusFixture::Options& o) {
  std::ostringstream c;
  c << "global:\n"
    << "  scrape_interval: " << o.scrape_interval << "\n"
    << "  evaluation_interval: " << o.scrape_interval << "\n"
    << "scrape_configs:\n"
    << "  - job_name: static\n"
    << "    static_configs:" << (o.targets.empty() ? " []" : "") << "\n";
  for (const auto& t : o.targets) {
    c << "      - targets: [" << YamlQuote(t.address) << "]\n";
    if (!t.labels.empty()) {
      c << "        labels:\n";
      for (const auto& [k, v] : t.labels) c << "          " << k << ": " << YamlQuote(v) << "\n";
    }
  }
  return c.str();
}

}  // namespace

std::string UrlEncode(const std::string& value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::unique_ptr<PrometheusFixture> PrometheusFixture::Start(const Options& options,
                                                            std::string* error) {
  std::unique_ptr<PrometheusFixture> f(new PrometheusFixture());
  f->dir_ = std::make_unique<TempDir>();
  f->config_path_ = f->dir_->File("prometheus.yml");
  WriteFile(f->config_path_, Config(options));
  // PickFreePort can race with another process: retry on a bind failure.
  for (int attempt = 0; attempt < 3; ++attempt) {
    f->port_ = PickFreePort();
    f->url_ = (options.tls ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(f->port_);
    std::vector<std::string> argv = {
        "prometheus",
        "--config.file=" + f->config_path_,
        "--storage.tsdb.path=" + f->dir_->File("data"),
        "--web.listen-address=127.0.0.1:" + std::to_string(f->port_),
        options.tls ? "--log.level=info" : "--log.level=warn",
    };
    if (!options.web_config_yaml.empty()) {
      std::string web = f->dir_->File("web.yml");
      WriteFile(web, options.web_config_yaml);
      argv.push_back("--web.config.file=" + web);
    }
    argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
    std::string start_error;
    f->process_ = Subprocess::Start(argv, &start_error);
    if (!f->process_) {
      if (error) *error = "cannot start prometheus: " + start_error;
      return nullptr;
    }
    const std::string ready = f->url_ + "/-/ready";
    bool ok = false;
    if (options.tls) {
      ok =
          f->process_
              ->WaitForLine(
                  [](const std::string& l) {
                    return l.find("Server is ready to receive web requests") != std::string::npos ||
                           l.find("level=error") != std::string::npos;
                  },
                  options.ready_timeout)
              .has_value() &&
          f->process_->Output().find("Server is ready") != std::string::npos;
    } else {
      ok = PollUntil(
          [&] {
            if (!f->process_->Running()) return true;  // exited: stop polling
            return HttpRequest("GET", ready, "", {}, std::chrono::seconds(2)).status == 200;
          },
          options.ready_timeout, std::chrono::milliseconds(100));
    }
    if (ok && f->process_->Running()) return f;
    std::string out = f->process_->Output();
    f->process_->Stop(std::chrono::seconds(2));
    f->process_.reset();
    if (out.find("address already in use") == std::string::npos) {
      if (error) *error = "prometheus did not become ready: " + out;
      return nullptr;
    }
  }
  if (error) *error = "prometheus could not bind a free port";
  return nullptr;
}

PrometheusFixture::~PrometheusFixture() {
  if (process_) process_->Stop(std::chrono::seconds(5));
}

HttpResponse PrometheusFixture::Query(const std::string& promql) const {
  return HttpRequest("GET", url_ + "/api/v1/query?query=" + UrlEncode(promql), "", {},
                     std::chrono::seconds(5));
}

bool PrometheusFixture::WaitForSamples(const std::string& promql, int min_series,
                                       std::chrono::milliseconds timeout) const {
  return PollUntil(
      [&] {
        HttpResponse r = Query(promql);
        if (r.status != 200) return false;
        // Count "value":[ occurrences: one per series of an instant vector.
        int n = 0;
        for (size_t p = r.body.find("\"value\":["); p != std::string::npos;
             p = r.body.find("\"value\":[", p + 1)) {
          ++n;
        }
        return n >= min_series;
      },
      timeout, std::chrono::milliseconds(250));
}

std::unique_ptr<Subprocess> StartStaticExporter(const std::vector<std::string>& args, int* port,
                                                std::string* error) {
  std::vector<std::string> argv = {"python3", SourceDir() + "/tests/support/static_exporter.py",
                                   "--port", "0"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto p = Subprocess::Start(argv, error);
  if (!p) return nullptr;
  auto line = p->WaitForLine([](const std::string& l) { return l.rfind("listening on ", 0) == 0; },
                             std::chrono::seconds(10));
  if (!line) {
    if (error) *error = "static exporter did not start: " + p->Output();
    return nullptr;
  }
  *port = std::stoi(line->substr(std::string("listening on ").size()));
  return p;
}

}  // namespace slo::testing
