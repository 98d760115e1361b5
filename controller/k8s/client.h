// controller/k8s/client.h: the controller's Kubernetes API client.
//
// Generic calls (Get, List, MergePatch, Create, Update, Watch) on any path, plus the typed calls
// the controller needs: InferenceAutoscalers (list, status patch), the /scale subresource of any
// kind (resolved through discovery), Events (deduplicated) and Leases. Every call:
//   - is bounded by options.call_timeout (an overall deadline, not just per read);
//   - retries 429 and 5xx with exponential backoff and jitter, honouring Retry-After, within
//     options.retry (attempts and total time); connection failures and timeouts are retried the
//     same way for idempotent calls (GET, PUT, and the merge patches this client sends, which set
//     absolute values) but not for POST;
//   - never retries 401/403: the error names the verb and resource the service account lacks;
//   - returns errors as values (Result<T>); never throws.
// The bearer token never appears in an error or a log line.
//
// Example:
//   auto cfg = LoadConfig({.kubeconfig_path = flag});
//   KubeClient client(cfg.config);
//   ScaleTarget t{"apps/v1", "Deployment", "serving", "vllm-chat"};
//   auto scale = client.GetScale(t);
//   if (scale.ok() && scale.value().spec_replicas != 6) client.PatchScale(t, 6);
//
// Thread-safety: all methods may be called concurrently from many threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "controller/k8s/api_error.h"
#include "controller/k8s/config.h"
#include "controller/k8s/discovery.h"
#include "controller/k8s/http_transport.h"
#include "controller/k8s/retry.h"

namespace slo::controller::k8s {

inline constexpr char kAutoscalerGroup[] = "slo-autoscaler.io";
inline constexpr char kAutoscalerVersion[] = "v1alpha1";
inline constexpr char kAutoscalerPlural[] = "inferenceautoscalers";

struct ClientOptions {
  std::chrono::milliseconds call_timeout{10000};  // overall deadline of one attempt
  RetryPolicy retry;
  uint64_t seed = 0;          // jitter seed; 0 = from std::random_device
  int conflict_attempts = 5;  // UpdateWithRetry: reads+writes before giving up on 409
  // Sleeps between retries; tests may replace it. Default std::this_thread::sleep_for.
  std::function<void(std::chrono::milliseconds)> sleep;
  std::string event_component = "slo-autoscaler";  // Event source.component
};

// The object a /scale subresource belongs to.
struct ScaleTarget {
  std::string api_version;     // "apps/v1", "v1" (core), "cluster.x-k8s.io/v1beta1"
  std::string kind;            // "Deployment"
  std::string namespace_name;  // ignored for cluster-scoped kinds
  std::string name;
};

struct Scale {
  int32_t spec_replicas = 0;
  int32_t status_replicas = 0;
  std::string selector;  // status.selector ("" when absent)
  std::string resource_version;
  nlohmann::json object;  // the autoscaling/v1 Scale as returned
};

struct EventSpec {
  nlohmann::json involved_object;  // {apiVersion, kind, namespace, name, uid}
  std::string type = "Normal";     // Normal | Warning
  std::string reason;              // PascalCase, e.g. "ScaleUp"
  std::string message;
};

// One watch event as received ("ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR").
struct WatchEvent {
  std::string type;
  nlohmann::json object;
};

class KubeClient {
 public:
  // Talks to config.server with the cpprest transport.
  explicit KubeClient(const KubeConfig& config, ClientOptions options = {});
  // Talks through transport (tests: a fake). token is only used to redact errors.
  KubeClient(std::shared_ptr<HttpTransport> transport, ClientOptions options,
             std::shared_ptr<TokenSource> tokens = nullptr);

  // --- generic ---
  Result<nlohmann::json> Get(const std::string& path);
  // GET of a collection; query is appended ("labelSelector=a%3Db&limit=500" ...).
  Result<nlohmann::json> List(const std::string& path, const std::string& query = "");
  Result<nlohmann::json> MergePatch(const std::string& path, const nlohmann::json& patch);
  Result<nlohmann::json> Create(const std::string& collection_path, const nlohmann::json& object);
  // PUT; object should carry metadata.resourceVersion (optimistic concurrency).
  Result<nlohmann::json> Update(const std::string& path, const nlohmann::json& object);
  // Read-modify-write with retry on 409: GET path, mutate (return false = no change, done),
  // PUT path (carrying the read resourceVersion); on 409 read again, up to
  // options.conflict_attempts. Works for /status paths too.
  Result<nlohmann::json> UpdateWithRetry(const std::string& path,
                                         const std::function<bool(nlohmann::json&)>& mutate);

  // Streams a watch on collection_path from resource_version (bookmarks on). Calls on_event
  // per event until the server ends the stream (Ok), on_event returns false (Ok), cancel fires
  // (error reason "Cancelled"), or a failure. A 410 (HTTP or an ERROR event with a Status of
  // code 410) is returned as an error with IsGone(). timeout_s is sent as timeoutSeconds.
  Result<Ok> Watch(const std::string& collection_path, const std::string& resource_version,
                   const std::string& extra_query, int timeout_s,
                   const std::function<bool(const WatchEvent&)>& on_event, Cancellation* cancel);

  // --- InferenceAutoscalers ---
  // namespace_name "" = all namespaces.
  static std::string AutoscalersPath(const std::string& namespace_name);
  Result<nlohmann::json> ListAutoscalers(const std::string& namespace_name);
  // Merge-patches status (observedGeneration set to observed_generation) on the status
  // subresource.
  Result<nlohmann::json> PatchAutoscalerStatus(const std::string& namespace_name,
                                               const std::string& name, nlohmann::json status,
                                               int64_t observed_generation);

  // --- /scale of any kind ---
  Result<Scale> GetScale(const ScaleTarget& target);
  Result<Scale> PatchScale(const ScaleTarget& target, int32_t replicas);
  // The scale subresource path of target (discovery lookup).
  Result<std::string> ScalePath(const ScaleTarget& target);
  Discovery& discovery() { return *discovery_; }

  // --- Events ---
  // Creates an Event; an identical event (same object, type, reason, message) created earlier
  // by this client is patched instead (count + 1, lastTimestamp; re-created when the Event
  // expired). Event calls are serialised within one client; up to 4096 distinct events are
  // remembered. now_rfc3339 "" = system time.
  Result<nlohmann::json> RecordEvent(const EventSpec& event, const std::string& now_rfc3339 = "");

  // --- Leases (coordination.k8s.io/v1) ---
  static std::string LeasePath(const std::string& namespace_name, const std::string& name);
  Result<nlohmann::json> GetLease(const std::string& namespace_name, const std::string& name);
  Result<nlohmann::json> CreateLease(const std::string& namespace_name,
                                     const nlohmann::json& lease);
  Result<nlohmann::json> UpdateLease(const std::string& namespace_name,
                                     const nlohmann::json& lease);

 private:
  // One API call with retries; parses a JSON body.
  Result<nlohmann::json> Call(const std::string& method, const std::string& path,
                              const std::string& body, const std::string& content_type,
                              bool idempotent);
  ApiError Redact(ApiError e);
  std::string CurrentToken();

  std::shared_ptr<HttpTransport> transport_;
  std::shared_ptr<TokenSource> tokens_;
  ClientOptions options_;
  std::unique_ptr<Discovery> discovery_;
  std::mutex rng_mu_;
  std::mt19937_64 rng_;
  Backoff backoff_;
  std::mutex events_mu_;
  struct SeenEvent {
    std::string namespace_name;
    std::string name;
    int64_t count = 1;
  };
  std::map<std::string, SeenEvent> events_;  // key: object|type|reason|message
};

// Percent-encodes a query value (label selectors, resource versions).
std::string UrlEncode(const std::string& value);
// RFC 3339 UTC time with seconds, e.g. "2026-11-23T17:31:02Z" (system clock).
std::string NowRfc3339();

}  // namespace slo::controller::k8s
