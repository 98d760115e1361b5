// The only translation unit of slo_prom that sees cpprest.
#include "controller/prom/http_querier.h"

#include <cpprest/http_client.h>

#include <boost/asio/ssl.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <memory>
#include <sstream>
#include <vector>

namespace slo::controller::prom {
namespace {

namespace http = web::http;

QueryResult Error(std::string type, std::string message, int status = 0) {
  QueryResult r;
  r.error_type = std::move(type);
  r.error = std::move(message);
  r.http_status = status;
  return r;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string Base64(const std::string& in) {
  std::vector<unsigned char> bytes(in.begin(), in.end());
  return utility::conversions::to_base64(bytes);
}

std::string FormatTime(double t) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.3f", t);
  return buf;
}

struct Outcome {
  int status = 0;
  std::string body;
  std::string error;
};

}  // namespace

std::string FormEncode(const std::string& value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size() * 3);
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

QueryResult HttpQuerier::Query(const std::string& base_url, const std::string& promql,
                               double eval_time_s) {
  std::string base = base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (base.empty()) return Error("http", "no Prometheus URL configured");

  std::string params = "query=" + FormEncode(promql);
  if (eval_time_s > 0) params += "&time=" + FormatTime(eval_time_s);
  const bool post = params.size() > options_.post_threshold_bytes;

  std::string auth;
  if (!options_.bearer_token_file.empty()) {
    std::ifstream f(options_.bearer_token_file);
    if (!f) return Error("http", "cannot read bearer token file " + options_.bearer_token_file);
    std::stringstream ss;
    ss << f.rdbuf();
    auth = "Bearer " + Trim(ss.str());
  } else if (!options_.bearer_token.empty()) {
    auth = "Bearer " + options_.bearer_token;
  } else if (!options_.basic_user.empty()) {
    auth = "Basic " + Base64(options_.basic_user + ":" + options_.basic_password);
  }

  const auto deadline = std::chrono::milliseconds(static_cast<int64_t>(options_.timeout_s * 1000));
  auto promise = std::make_shared<std::promise<Outcome>>();
  std::future<Outcome> future = promise->get_future();
  pplx::cancellation_token_source cancel;
  try {
    web::http::client::http_client_config config;
    // cpprest's timeout is per socket operation; keep it behind the overall deadline so a
    // silent server is always reported as our "timeout".
    config.set_timeout(deadline + std::chrono::seconds(1));
    if (options_.insecure_skip_verify) config.set_validate_certificates(false);
    if (!options_.ca_file.empty()) {
      std::string ca = options_.ca_file;
      config.set_ssl_context_callback([ca](boost::asio::ssl::context& ctx) {
        boost::system::error_code ec;
        ctx.load_verify_file(ca, ec);  // a bad file shows up as a handshake failure
      });
    }
    auto client = std::make_shared<web::http::client::http_client>(web::uri(base), config);
    http::http_request request(post ? http::methods::POST : http::methods::GET);
    if (post) {
      request.set_request_uri(web::uri("/api/v1/query"));
      // A byte-vector body: cpprest's std::string overload type-puns a char buffer as a
      // uint8_t stream (flagged by UBSan).
      request.set_body(std::vector<unsigned char>(params.begin(), params.end()));
      request.headers().set_content_type("application/x-www-form-urlencoded");
    } else {
      request.set_request_uri(web::uri("/api/v1/query?" + params));
    }
    request.headers().add("Accept", "application/json");
    if (!auth.empty()) request.headers().add("Authorization", auth);
    const size_t max_body = options_.max_body_bytes;
    client->request(request, cancel.get_token())
        .then([promise, max_body, client](pplx::task<http::http_response> t) {
          Outcome o;
          try {
            http::http_response resp = t.get();
            o.status = resp.status_code();
            if (resp.headers().content_length() > max_body) {
              o.error = "response of " + std::to_string(resp.headers().content_length()) +
                        " bytes exceeds the limit of " + std::to_string(max_body);
              promise->set_value(std::move(o));
              return;
            }
            resp.extract_string(/*ignore_content_type=*/true)
                .then([promise, o, max_body](pplx::task<std::string> body) mutable {
                  try {
                    o.body = body.get();
                    if (o.body.size() > max_body) {
                      o.body.clear();
                      o.error =
                          "response exceeds the limit of " + std::to_string(max_body) + " bytes";
                    }
                  } catch (const std::exception& e) {
                    o.error = e.what();
                  }
                  promise->set_value(std::move(o));
                });
          } catch (const std::exception& e) {
            o.error = e.what();
            promise->set_value(std::move(o));
          }
        });
  } catch (const std::exception& e) {
    return Error("http", std::string("request to ") + base + " failed: " + e.what());
  }
  if (future.wait_for(deadline) != std::future_status::ready) {
    cancel.cancel();
    return Error("timeout", "query to " + base + " did not complete within " +
                                FormatTime(options_.timeout_s) + " s");
  }
  Outcome o = future.get();
  if (!o.error.empty()) {
    return Error("http", "request to " + base + " failed: " + o.error, o.status);
  }
  return ParseQueryResponse(o.body, o.status);
}

}  // namespace slo::controller::prom
