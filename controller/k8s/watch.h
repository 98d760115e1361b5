// controller/k8s/watch.h: a list-then-watch loop that keeps a caller's view of a collection up
// to date (the InferenceAutoscalers, or any other collection path).
//
// Run(): LIST (on_sync gets every item and the list's resourceVersion), then WATCH from that
// resourceVersion with bookmarks; each event goes to on_added / on_modified / on_deleted /
// on_bookmark. When a watch ends (server timeout, connection lost) it reconnects from the last
// resourceVersion seen (an event's or a bookmark's). When the server answers 410 Gone (as an HTTP
// 410 or as an ERROR event carrying a Status with code 410), the history is gone: it relists
// (on_sync again) and watches from the new list. Failures back off exponentially (the client's
// RetryPolicy delays, attempts unbounded) and are reported to on_error. Stop() (from any
// thread) makes Run() return promptly, aborting an open watch.
//
// Example:
//   ListWatch lw(&client, {.path = KubeClient::AutoscalersPath("")},
//                {.on_sync = [&](auto& items, auto& rv) { cache.Replace(items); },
//                 .on_added = [&](auto& o) { cache.Put(o); }, ...});
//   std::thread t([&] { lw.Run(); });
//   ...; lw.Stop(); t.join();
//
// Thread-safety: callbacks run on the Run() thread, one at a time. Stop() is thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "controller/k8s/client.h"

namespace slo::controller::k8s {

struct ListWatchOptions {
  std::string path;           // collection path, e.g. KubeClient::AutoscalersPath("")
  std::string extra_query;    // e.g. "labelSelector=app%3Dx"
  int watch_timeout_s = 300;  // timeoutSeconds of each watch request
  std::chrono::milliseconds min_backoff{200};
  std::chrono::milliseconds max_backoff{10000};
};

struct ListWatchHandlers {
  std::function<void(const std::vector<nlohmann::json>& items, const std::string& rv)> on_sync;
  std::function<void(const nlohmann::json& object)> on_added;
  std::function<void(const nlohmann::json& object)> on_modified;
  std::function<void(const nlohmann::json& object)> on_deleted;
  std::function<void(const std::string& resource_version)> on_bookmark;
  std::function<void(const ApiError& error)> on_error;
};

class ListWatch {
 public:
  ListWatch(KubeClient* client, ListWatchOptions options, ListWatchHandlers handlers)
      : client_(client), options_(std::move(options)), handlers_(std::move(handlers)) {}
  // Blocks until Stop().
  void Run();
  void Stop();
  // Counters for tests and metrics.
  int lists() const { return lists_.load(); }
  int watches() const { return watches_.load(); }
  std::string resource_version() const;

 private:
  bool Wait(std::chrono::milliseconds d);  // false when stopped

  KubeClient* client_;
  ListWatchOptions options_;
  ListWatchHandlers handlers_;
  std::atomic<bool> stop_{false};
  Cancellation cancel_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::string rv_;
  std::atomic<int> lists_{0};
  std::atomic<int> watches_{0};
};

}  // namespace slo::controller::k8s
