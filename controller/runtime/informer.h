// controller/runtime/informer.h: a watch-driven cache of InferenceAutoscalers.
//
// AutoscalerCache holds the objects by "ns/name". AutoscalerInformer keeps it current: list,
// then watch from the list's resourceVersion (bookmarks on), reconnect from the last seen
// resourceVersion when the stream ends or breaks (with backoff), relist on 410 Gone.
// The cache counts "spec changes" (added, deleted, or metadata.generation changed) so the run
// loop can react to a new or edited autoscaler at once while ignoring the status writes it
// makes itself.
//
// Example:
//   AutoscalerCache cache;
//   AutoscalerInformer informer(&client, "", &cache);   // "" = all namespaces
//   informer.Start();
//   ... cache.WaitForSpecChange(version, deadline) ... cache.Snapshot() ...
//   informer.Stop();
//
// Thread-safety: AutoscalerCache is fully thread-safe; the informer runs its own thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "controller/k8s/client.h"

namespace slo::controller {

class AutoscalerCache {
 public:
  // A full relist from one source (a namespace, or "" for all): replaces that source's objects.
  void Replace(const std::string& source, const std::vector<nlohmann::json>& items);
  // One watch event: ADDED, MODIFIED or DELETED.
  void Apply(const std::string& source, const std::string& type, const nlohmann::json& object);
  void MarkSynced(const std::string& source);

  std::vector<nlohmann::json> Snapshot() const;
  size_t size() const;
  // True once every source passed to ExpectSources has listed at least once.
  bool synced() const;
  void ExpectSources(const std::vector<std::string>& sources);
  uint64_t spec_version() const;
  // Waits until spec_version() != seen, or deadline, or Wake(). Returns the current version.
  uint64_t WaitForSpecChange(uint64_t seen, std::chrono::steady_clock::time_point deadline);
  void Wake();

 private:
  static std::string Key(const nlohmann::json& object);
  static int64_t Generation(const nlohmann::json& object);

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::map<std::string, nlohmann::json>> by_source_;
  std::map<std::string, bool> synced_;
  uint64_t spec_version_ = 0;
  bool woken_ = false;
};

class AutoscalerInformer {
 public:
  // namespace_name "" = all namespaces.
  AutoscalerInformer(k8s::KubeClient* client, std::string namespace_name, AutoscalerCache* cache);
  ~AutoscalerInformer();
  // How long one watch request lasts (timeoutSeconds) before it is re-opened from the last
  // resourceVersion. Call before Start(). Default 300.
  void set_watch_timeout_s(int s) { watch_timeout_s_ = s; }
  void Start();
  void Stop();
  // Watch streams opened, relists done (for tests and logs).
  int watches() const { return watches_.load(); }
  int relists() const { return relists_.load(); }

 private:
  void Run();
  bool SleepFor(std::chrono::milliseconds d);  // false when stopping

  k8s::KubeClient* client_;
  std::string namespace_;
  AutoscalerCache* cache_;
  int watch_timeout_s_ = 300;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  k8s::Cancellation cancel_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<int> watches_{0};
  std::atomic<int> relists_{0};
};

}  // namespace slo::controller
