// controller/k8s/http_transport.h: the one seam between the Kubernetes client and the network.
//
// KubeClient speaks to the API server only through HttpTransport: one request/response call
// and one streaming call (for watches). The real implementation (MakeCpprestTransport, the only
// code that includes cpprest) adds TLS, the bearer token and an overall deadline; tests can
// pass a FakeHttpTransport instead.
//
// Example:
//   auto transport = MakeCpprestTransport(config, tokens);
//   HttpCall call{"GET", "/api/v1/namespaces/default/pods", "", "", std::chrono::seconds(10)};
//   HttpReply reply = transport->Send(call);
//   if (reply.status == 0) ...  // reply.transport_error says why (timeout, reset, refused)
//
// Thread-safety: implementations must allow concurrent Send/Stream calls from many threads.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "controller/k8s/config.h"

namespace slo::controller::k8s {

struct HttpCall {
  std::string method;                        // GET, POST, PUT, PATCH, DELETE
  std::string path;                          // path and query, e.g. "/api/v1/pods?limit=500"
  std::string body;                          // request body ("" = none)
  std::string content_type;                  // e.g. "application/merge-patch+json"
  std::chrono::milliseconds timeout{10000};  // overall deadline for the whole exchange
};

struct HttpReply {
  int status = 0;                              // 0: no response
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  // When status == 0: "Timeout", "Cancelled" or "ConnectionFailed" (refused, reset, TLS).
  std::string transport_error;
  std::string transport_detail;  // the underlying error text (never contains the token)
};

// Lets another thread abort a Stream call (the watch's Stop()).
class Cancellation {
 public:
  void Cancel();
  bool cancelled() const { return cancelled_.load(); }
  // Runs fn now if already cancelled, else on Cancel(). One callback at a time; cleared by
  // Clear().
  void OnCancel(std::function<void()> fn);
  void Clear();

 private:
  std::atomic<bool> cancelled_{false};
  std::mutex mu_;
  std::function<void()> fn_;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual HttpReply Send(const HttpCall& call) = 0;
  // Sends call and feeds each newline-terminated line of a successful (2xx) response body to
  // on_line as it arrives, until the body ends, on_line returns false, cancel is cancelled, or
  // no byte arrived for idle_timeout. call.timeout bounds the wait for response headers. A
  // non-2xx reply is returned with its body, no line fed. The returned reply has the status
  // and headers; transport_error is set when the stream broke (not when it ended cleanly).
  virtual HttpReply Stream(const HttpCall& call, std::chrono::milliseconds idle_timeout,
                           const std::function<bool(const std::string&)>& on_line,
                           Cancellation* cancel) = 0;
};

// The cpprestsdk transport for config (TLS material, server URL, insecure flag); tokens may be
// null (no Authorization header).
std::shared_ptr<HttpTransport> MakeCpprestTransport(const KubeConfig& config,
                                                    std::shared_ptr<TokenSource> tokens);

}  // namespace slo::controller::k8s
