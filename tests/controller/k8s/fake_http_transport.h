// tests/controller/k8s/fake_http_transport.h: a scripted HttpTransport for unit tests of
// KubeClient and ListWatch. Replies are queued per "METHOD path-prefix"; every call is recorded.
//
// Example:
//   auto fake = std::make_shared<FakeHttpTransport>();
//   fake->Queue("GET", "/api/v1/pods", {503, {{"retry-after", "2"}}, "{}"});
//   fake->Queue("GET", "/api/v1/pods", {200, {}, R"({"items":[]})"});
//   KubeClient client(fake, options);
//
// Thread-safety: safe for concurrent calls.
#pragma once

#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "controller/k8s/http_transport.h"

namespace slo::controller::k8s {

struct FakeStream {
  HttpReply head;                  // status/headers (and transport_error to break at the end)
  std::vector<std::string> lines;  // body lines fed to on_line
};

class FakeHttpTransport : public HttpTransport {
 public:
  // Replies are matched by method and the longest queued prefix of the call's path; the last
  // reply of a queue repeats forever.
  void Queue(const std::string& method, const std::string& path_prefix, HttpReply reply) {
    std::lock_guard<std::mutex> lock(mu_);
    replies_[method + " " + path_prefix].push_back(std::move(reply));
  }
  void QueueStream(const std::string& path_prefix, FakeStream stream) {
    std::lock_guard<std::mutex> lock(mu_);
    streams_[path_prefix].push_back(std::move(stream));
  }

  HttpReply Send(const HttpCall& call) override {
    std::lock_guard<std::mutex> lock(mu_);
    calls_.push_back(call);
    return Pop(&replies_, call.method + " " + call.path);
  }

  HttpReply Stream(const HttpCall& call, std::chrono::milliseconds,
                   const std::function<bool(const std::string&)>& on_line,
                   Cancellation* cancel) override {
    FakeStream s;
    {
      std::lock_guard<std::mutex> lock(mu_);
      calls_.push_back(call);
      std::string best;
      for (const auto& [prefix, q] : streams_) {
        if (call.path.rfind(prefix, 0) == 0 && prefix.size() >= best.size() && !q.empty()) {
          best = prefix;
        }
      }
      if (best.empty() && streams_.count("") == 0) {
        HttpReply r;
        r.transport_error = "ConnectionFailed";
        r.transport_detail = "no fake stream";
        return r;
      }
      auto& q = streams_[best];
      s = q.front();
      if (q.size() > 1) q.pop_front();
    }
    if (cancel && cancel->cancelled()) {
      HttpReply r;
      r.transport_error = "Cancelled";
      return r;
    }
    for (const auto& line : s.lines) {
      if (!on_line(line)) break;
    }
    return s.head;
  }

  std::vector<HttpCall> calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }

 private:
  HttpReply Pop(std::map<std::string, std::deque<HttpReply>>* m, const std::string& key) {
    std::string best;
    bool found = false;
    for (const auto& [prefix, q] : *m) {
      if (key.rfind(prefix, 0) == 0 && prefix.size() >= best.size() && !q.empty()) {
        best = prefix;
        found = true;
      }
    }
    if (!found) {
      HttpReply r;
      r.status = 404;
      r.body = R"({"kind":"Status","reason":"NotFound","message":"fake: nothing queued"})";
      return r;
    }
    auto& q = (*m)[best];
    HttpReply r = q.front();
    if (q.size() > 1) q.pop_front();
    return r;
  }

  std::mutex mu_;
  std::map<std::string, std::deque<HttpReply>> replies_;
  std::map<std::string, std::deque<FakeStream>> streams_;
  std::vector<HttpCall> calls_;
};

}  // namespace slo::controller::k8s
