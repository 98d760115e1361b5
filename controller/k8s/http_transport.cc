// The only translation unit that includes cpprest (slow to compile; its U() macro clashes
// with fmt and gtest).
#include "controller/k8s/http_transport.h"

#include <cpprest/http_client.h>
#include <cpprest/rawptrstream.h>

#include <boost/asio/ssl.hpp>
#include <future>
#include <vector>

namespace slo::controller::k8s {

void Cancellation::Cancel() {
  std::function<void()> fn;
  {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_.store(true);
    fn = fn_;
  }
  if (fn) fn();
}

void Cancellation::OnCancel(std::function<void()> fn) {
  bool run_now = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    fn_ = fn;
    run_now = cancelled_.load();
  }
  if (run_now && fn) fn();
}

void Cancellation::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  fn_ = nullptr;
}

namespace {

namespace http = web::http;
using Clock = std::chrono::steady_clock;

void ApplyTls(boost::asio::ssl::context& ctx, const KubeConfig& c) {
  if (!c.ca_pem.empty()) {
    ctx.add_certificate_authority(boost::asio::buffer(c.ca_pem.data(), c.ca_pem.size()));
  }
  if (!c.client_cert_pem.empty()) {
    ctx.use_certificate_chain(
        boost::asio::buffer(c.client_cert_pem.data(), c.client_cert_pem.size()));
    ctx.use_private_key(boost::asio::buffer(c.client_key_pem.data(), c.client_key_pem.size()),
                        boost::asio::ssl::context::pem);
  }
}

// Waits for task until deadline; on timeout cancels cts and waits briefly for it to settle.
// Returns "" on completion (value in *out) or the transport error reason.
template <typename T>
std::string WaitUntil(pplx::task<T> task, Clock::time_point deadline,
                      pplx::cancellation_token_source cts, T* out, std::string* detail) {
  auto prom = std::make_shared<std::promise<T>>();
  std::future<T> fut = prom->get_future();
  task.then([prom](pplx::task<T> done) {
    try {
      prom->set_value(done.get());
    } catch (...) {
      prom->set_exception(std::current_exception());
    }
  });
  if (fut.wait_until(deadline) != std::future_status::ready) {
    cts.cancel();
    fut.wait_for(std::chrono::seconds(5));
    *detail = "no complete response before the deadline";
    return "Timeout";
  }
  try {
    *out = fut.get();
    return "";
  } catch (const pplx::task_canceled&) {
    *detail = "request cancelled";
    return "Cancelled";
  } catch (const std::exception& e) {
    *detail = e.what();
    return "ConnectionFailed";
  }
}

class CpprestTransport : public HttpTransport {
 public:
  CpprestTransport(KubeConfig config, std::shared_ptr<TokenSource> tokens)
      : config_(std::move(config)), tokens_(std::move(tokens)) {
    try {
      boost::asio::ssl::context probe(boost::asio::ssl::context::sslv23);
      ApplyTls(probe, config_);
    } catch (const std::exception& e) {
      tls_error_ = std::string("invalid TLS material in the Kubernetes config: ") + e.what();
    }
    try {
      client_ = std::make_unique<http::client::http_client>(
          config_.server, MakeClientConfig(std::chrono::minutes(5)));
    } catch (const std::exception& e) {
      tls_error_ = "invalid API server URL \"" + config_.server + "\": " + e.what();
    }
  }

  HttpReply Send(const HttpCall& call) override {
    HttpReply reply;
    if (!tls_error_.empty()) return Fail(reply, "ConnectionFailed", tls_error_);
    auto deadline = Clock::now() + call.timeout;
    pplx::cancellation_token_source cts;
    http::http_request req = MakeRequest(call);
    // cpprest silently re-sends a request once when a pooled (reused) connection turns out to
    // be closed. That is harmless for idempotent verbs but could create an object twice, so a
    // POST gets a client of its own: a fresh connection, never reused.
    std::shared_ptr<http::client::http_client> fresh;
    pplx::task<http::http_response> sent;
    try {
      if (call.method == "POST") {
        fresh = std::make_shared<http::client::http_client>(
            config_.server, MakeClientConfig(std::chrono::minutes(5)));
        req.headers().add("Connection", "close");
      }
      sent = (fresh ? *fresh : *client_).request(req, cts.get_token());
    } catch (const std::exception& e) {
      return Fail(reply, "ConnectionFailed", e.what());
    }
    auto with_body = sent.then([fresh](http::http_response resp) {  // keeps `fresh` alive
      return resp.extract_utf8string(true).then(
          [resp](std::string body) { return std::make_pair(resp, body); });
    });
    std::pair<http::http_response, std::string> got;
    std::string detail;
    std::string err = WaitUntil(with_body, deadline, cts, &got, &detail);
    if (!err.empty()) return Fail(reply, err, detail);
    FillHead(got.first, &reply);
    reply.body = std::move(got.second);
    return reply;
  }

  HttpReply Stream(const HttpCall& call, std::chrono::milliseconds idle_timeout,
                   const std::function<bool(const std::string&)>& on_line,
                   Cancellation* cancel) override {
    HttpReply reply;
    if (!tls_error_.empty()) return Fail(reply, "ConnectionFailed", tls_error_);
    std::unique_ptr<http::client::http_client> client;
    try {
      client = std::make_unique<http::client::http_client>(config_.server,
                                                           MakeClientConfig(idle_timeout));
    } catch (const std::exception& e) {
      return Fail(reply, "ConnectionFailed", e.what());
    }
    pplx::cancellation_token_source cts;
    if (cancel) cancel->OnCancel([cts] { cts.cancel(); });
    struct ClearOnExit {
      Cancellation* c;
      ~ClearOnExit() {
        if (c) c->Clear();
      }
    } clear_on_exit{cancel};
    if (cancel && cancel->cancelled()) return Fail(reply, "Cancelled", "watch stopped");

    http::http_response resp;
    std::string detail;
    std::string err = WaitUntil(client->request(MakeRequest(call), cts.get_token()),
                                Clock::now() + call.timeout, cts, &resp, &detail);
    if (!err.empty()) return Fail(reply, err, detail);
    FillHead(resp, &reply);
    if (reply.status < 200 || reply.status >= 300) {
      std::string body;
      err = WaitUntil(resp.extract_utf8string(true), Clock::now() + call.timeout, cts, &body,
                      &detail);
      reply.body = body;
      return reply;
    }
    auto stream = resp.body();
    std::string pending;
    std::vector<char> buf(16384);
    while (true) {
      if (cancel && cancel->cancelled()) return Fail(reply, "Cancelled", "watch stopped");
      size_t want = stream.streambuf().in_avail();
      want = std::max<size_t>(1, std::min(want, buf.size()));
      size_t n = 0;
      try {
        n = stream.streambuf().getn(reinterpret_cast<uint8_t*>(buf.data()), want).get();
      } catch (const pplx::task_canceled&) {
        return Fail(reply, "Cancelled", "watch stopped");
      } catch (const std::exception& e) {
        if (cancel && cancel->cancelled()) return Fail(reply, "Cancelled", "watch stopped");
        return Fail(reply, "ConnectionFailed", e.what());
      }
      if (n == 0) break;  // end of body
      pending.append(buf.data(), n);
      size_t nl;
      while ((nl = pending.find('\n')) != std::string::npos) {
        std::string line = pending.substr(0, nl);
        pending.erase(0, nl + 1);
        if (!line.empty() && !on_line(line)) {
          cts.cancel();
          return reply;
        }
      }
    }
    if (!pending.empty()) on_line(pending);
    return reply;
  }

 private:
  http::client::http_client_config MakeClientConfig(std::chrono::milliseconds timeout) const {
    http::client::http_client_config cfg;
    cfg.set_timeout(std::chrono::duration_cast<std::chrono::microseconds>(timeout));
    cfg.set_validate_certificates(!config_.insecure_skip_tls_verify);
    KubeConfig c = config_;
    cfg.set_ssl_context_callback([c](boost::asio::ssl::context& ctx) {
      try {
        ApplyTls(ctx, c);
      } catch (const std::exception&) {
        // Validated at construction; a failure here leaves the handshake to fail.
      }
    });
    return cfg;
  }

  http::http_request MakeRequest(const HttpCall& call) const {
    http::http_request req(call.method);
    req.set_request_uri(web::uri(call.path));
    req.headers().add("Accept", "application/json");
    req.headers().add("User-Agent", "slo-autoscaler");
    if (tokens_) {
      std::string token = tokens_->Token();
      if (!token.empty()) req.headers().add("Authorization", "Bearer " + token);
    }
    if (!call.body.empty() || call.method == "POST" || call.method == "PUT" ||
        call.method == "PATCH") {
      req.set_body(call.body, call.content_type.empty() ? "application/json" : call.content_type);
    }
    return req;
  }

  static void FillHead(const http::http_response& resp, HttpReply* reply) {
    reply->status = resp.status_code();
    for (const auto& [name, value] : resp.headers()) {
      std::string lower = name;
      for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      reply->headers[lower] = value;
    }
  }

  static HttpReply& Fail(HttpReply& reply, const std::string& reason, const std::string& detail) {
    reply.status = 0;
    reply.transport_error = reason;
    reply.transport_detail = detail;
    return reply;
  }

  KubeConfig config_;
  std::shared_ptr<TokenSource> tokens_;
  std::string tls_error_;
  std::unique_ptr<http::client::http_client> client_;
};

}  // namespace

std::shared_ptr<HttpTransport> MakeCpprestTransport(const KubeConfig& config,
                                                    std::shared_ptr<TokenSource> tokens) {
  return std::make_shared<CpprestTransport>(config, std::move(tokens));
}

}  // namespace slo::controller::k8s
