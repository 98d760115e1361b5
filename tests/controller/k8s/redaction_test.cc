// The bearer token never reaches an error message or a log line, on any error path. The fake
// server echoes the token into every reply (body, Status message, transport detail) to make
// the worst case the normal case.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "controller/k8s/client.h"
#include "controller/k8s/watch.h"
#include "tests/controller/k8s/fake_http_transport.h"

namespace slo::controller::k8s {
namespace {

using json = nlohmann::json;
constexpr char kToken[] = "eyJhbGciOiJSUzI1NiIsImtpZCI6InNlY3JldCJ9.s3cr3t-payload";

HttpReply Echo(int status) {
  HttpReply r;
  r.status = status;
  r.headers["retry-after"] = "0";
  r.body = json{
      {"kind", "Status"},
      {"reason", std::string("Echo ") + kToken},
      {"message", std::string("saw Authorization: Bearer ") + kToken},
      {"code",
       status}}.dump();
  return r;
}

HttpReply EchoBroken(const std::string& reason) {
  HttpReply r;
  r.transport_error = reason;
  r.transport_detail = std::string("failed while sending Bearer ") + kToken;
  return r;
}

TEST(K8sRedactionTest, NoErrorPathLeaksTheToken) {
  std::ostringstream logs;
  auto previous = spdlog::default_logger();
  auto logger = std::make_shared<spdlog::logger>(
      "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(logs));
  logger->set_level(spdlog::level::trace);
  spdlog::set_default_logger(logger);

  auto fake = std::make_shared<FakeHttpTransport>();
  for (int status : {400, 401, 403, 404, 409, 410, 422, 429, 500, 503}) {
    fake->Queue("GET", "/api/v1/namespaces/n/s" + std::to_string(status), Echo(status));
  }
  for (const char* reason : {"ConnectionFailed", "Timeout", "Cancelled"}) {
    fake->Queue("GET", std::string("/api/v1/namespaces/n/") + reason, EchoBroken(reason));
  }
  HttpReply not_json;
  not_json.status = 200;
  not_json.body = std::string("<html>") + kToken;
  fake->Queue("GET", "/api/v1/namespaces/n/notjson", not_json);
  fake->QueueStream("/api/v1/namespaces/n/watched",
                    {HttpReply{200, {}, "", "", ""},
                     {json{{"type", "ERROR"}, {"object", json::parse(Echo(410).body)}}.dump(),
                      std::string("garbage ") + kToken}});
  ClientOptions options;
  options.retry.max_attempts = 2;
  options.retry.base_delay = std::chrono::milliseconds(1);
  options.sleep = [](std::chrono::milliseconds) {};
  KubeClient client(fake, options, std::make_shared<TokenSource>(kToken, ""));

  std::vector<ApiError> errors;
  for (int status : {400, 401, 403, 404, 409, 410, 422, 429, 500, 503}) {
    auto r = client.Get("/api/v1/namespaces/n/s" + std::to_string(status) + "/x");
    ASSERT_FALSE(r.ok()) << status;
    errors.push_back(r.error());
  }
  for (const char* reason : {"ConnectionFailed", "Timeout", "Cancelled"}) {
    auto r = client.Get(std::string("/api/v1/namespaces/n/") + reason);
    ASSERT_FALSE(r.ok()) << reason;
    errors.push_back(r.error());
  }
  auto bad = client.Get("/api/v1/namespaces/n/notjson");
  ASSERT_FALSE(bad.ok());
  errors.push_back(bad.error());
  auto watched = client.Watch(
      "/api/v1/namespaces/n/watched", "1", "", 5, [](const WatchEvent&) { return true; }, nullptr);
  ASSERT_FALSE(watched.ok());
  EXPECT_TRUE(watched.error().IsGone());
  errors.push_back(watched.error());
  auto scale = client.GetScale({"apps/v1", "Deployment", "n", "d"});  // discovery fails
  ASSERT_FALSE(scale.ok());
  errors.push_back(scale.error());

  ASSERT_EQ(errors.size(), 16u);
  for (const auto& e : errors) {
    std::string all = e.Describe() + e.reason + e.message + e.resource;
    EXPECT_EQ(all.find(kToken), std::string::npos) << all;
    EXPECT_EQ(all.find("s3cr3t"), std::string::npos) << all;
  }
  spdlog::set_default_logger(previous);
  EXPECT_FALSE(logs.str().empty());  // the retries were logged ...
  EXPECT_EQ(logs.str().find("s3cr3t"), std::string::npos) << logs.str();  // ... redacted
}

}  // namespace
}  // namespace slo::controller::k8s
