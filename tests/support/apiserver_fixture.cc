#include "tests/support/apiserver_fixture.h"

#include <sstream>

namespace slo::testing {
namespace {

std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

// The first string value of "key" in JSON text at or after from, by plain string search (the
// support library has no JSON parser).
std::string FieldValue(const std::string& json, const std::string& key, size_t from = 0) {
  size_t at = json.find("\"" + key + "\"", from);
  if (at == std::string::npos) return "";
  size_t colon = json.find(':', at);
  size_t open = json.find('"', colon + 1);
  size_t close = json.find('"', open + 1);
  if (colon == std::string::npos || open == std::string::npos || close == std::string::npos) {
    return "";
  }
  return json.substr(open + 1, close - open - 1);
}

}  // namespace

std::unique_ptr<TestApiServer> TestApiServer::Start(const Options& options, std::string* error) {
  std::vector<std::string> argv = {"python3", SourceDir() + "/tests/apiserver/apiserver.py",
                                   "--port", "0"};
  if (!options.token.empty()) {
    argv.push_back("--token");
    argv.push_back(options.token);
  }
  for (const auto& rule : options.forbid) {
    argv.push_back("--forbid");
    argv.push_back(rule);
  }
  for (const auto& ns : options.namespaces) {
    argv.push_back("--namespace");
    argv.push_back(ns);
  }
  argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
  std::unique_ptr<TestApiServer> server(new TestApiServer());
  server->token_ = options.token;
  server->process_ =
      Subprocess::Start(argv, error, {{"PYTHONUNBUFFERED", "1"}, {"PYTHONDONTWRITEBYTECODE", "1"}});
  if (!server->process_) return nullptr;
  auto line = server->process_->WaitForLine(
      [](const std::string& l) { return l.rfind("listening on ", 0) == 0; }, options.ready_timeout);
  if (!line) {
    *error = "the test API server did not start: " + server->process_->Output();
    return nullptr;
  }
  server->url_ = line->substr(std::string("listening on ").size());
  while (!server->url_.empty() && (server->url_.back() == '\r' || server->url_.back() == ' ')) {
    server->url_.pop_back();
  }
  if (server->url_.rfind("http://", 0) == 0 &&
      !PollUntil([&] { return HttpRequest("GET", server->url_ + "/healthz").status == 200; },
                 options.ready_timeout)) {
    *error = "the test API server does not answer /healthz: " + server->process_->Output();
    return nullptr;
  }
  return server;
}

TestApiServer::~TestApiServer() {
  if (process_) process_->Stop(std::chrono::seconds(3));
}

HttpResponse TestApiServer::Api(const std::string& method, const std::string& path,
                                const std::string& body, const std::string& content_type) const {
  std::map<std::string, std::string> headers = {
      {"Accept", "application/json"},
      {"Content-Type", content_type.empty() ? "application/json" : content_type}};
  if (!token_.empty()) headers["Authorization"] = "Bearer " + token_;
  return HttpRequest(method, url_ + path, body, headers);
}

bool TestApiServer::InstallCrd(const std::string& crd_json, std::string* error) const {
  HttpResponse created =
      Api("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd_json);
  if (created.status != 201 && created.status != 409) {
    *error = "creating the CRD: HTTP " + std::to_string(created.status) + " " + created.body +
             created.error;
    return false;
  }
  // Served versions are registered when the create returns; poll the group to be sure.
  std::string path = "/apis/" + FieldValue(crd_json, "group");
  bool served = PollUntil([&] { return Api("GET", path).status == 200; }, std::chrono::seconds(10),
                          std::chrono::milliseconds(50));
  if (!served) *error = "the CRD's group " + path + " is not served";
  return served;
}

bool TestApiServer::Control(const std::string& method, const std::string& path,
                            const std::string& body) const {
  HttpResponse r = HttpRequest(method, url_ + path, body, {{"Content-Type", "application/json"}});
  return r.status >= 200 && r.status < 300;
}

bool TestApiServer::AddFault(const ApiFault& f) const {
  std::ostringstream body;
  body << "{\"action\": " << Quote(f.action) << ", \"count\": " << f.count
       << ", \"retryAfterSeconds\": " << f.retry_after_s << ", \"hangSeconds\": " << f.hang_s;
  if (!f.method.empty()) body << ", \"method\": " << Quote(f.method);
  if (!f.path.empty()) body << ", \"path\": " << Quote(f.path);
  body << "}";
  return Control("POST", "/_test/faults", body.str());
}

bool TestApiServer::ClearFaults() const { return Control("DELETE", "/_test/faults"); }
bool TestApiServer::Compact() const { return Control("POST", "/_test/compact"); }
std::string TestApiServer::Faults() const {
  return HttpRequest("GET", url_ + "/_test/faults").body;
}

bool TestApiServer::ClearRequests() const { return Control("DELETE", "/_test/requests"); }

bool TestApiServer::SetForbid(const std::vector<std::string>& rules) const {
  std::string body = "{\"rules\": [";
  for (size_t i = 0; i < rules.size(); ++i) body += (i ? ", " : "") + Quote(rules[i]);
  return Control("POST", "/_test/forbid", body + "]}");
}

bool TestApiServer::SetToken(const std::string& token) const {
  return Control("POST", "/_test/token",
                 token.empty() ? "{\"token\": null}" : "{\"token\": " + Quote(token) + "}");
}

std::string TestApiServer::Requests() const {
  return HttpRequest("GET", url_ + "/_test/requests").body;
}

std::string TestApiServer::WriteKubeconfig(const std::string& path) const {
  std::ostringstream y;
  y << "apiVersion: v1\nkind: Config\ncurrent-context: test\n"
    << "clusters:\n- name: test\n  cluster:\n    server: " << Quote(url_) << "\n"
    << "contexts:\n- name: test\n  context: {cluster: test, user: test, namespace: default}\n"
    << "users:\n- name: test\n  user:";
  if (token_.empty())
    y << " {}\n";
  else
    y << "\n    token: " << Quote(token_) << "\n";
  WriteFile(path, y.str());
  return path;
}

}  // namespace slo::testing
