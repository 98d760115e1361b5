#include "controller/k8s/client.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <thread>

namespace slo::controller::k8s {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
constexpr size_t kMaxRememberedEvents = 4096;

std::string WithQuery(const std::string& path, const std::string& query) {
  if (query.empty()) return path;
  return path + (path.find('?') == std::string::npos ? "?" : "&") + query;
}

int32_t IntAt(const json& j, const char* a, const char* b) {
  if (!j.contains(a) || !j[a].is_object() || !j[a].contains(b) || !j[a][b].is_number_integer()) {
    return 0;
  }
  return j[a][b].get<int32_t>();
}

std::string StrAt(const json& j, const char* a, const char* b) {
  if (!j.contains(a) || !j[a].is_object() || !j[a].contains(b) || !j[a][b].is_string()) {
    return "";
  }
  return j[a][b].get<std::string>();
}

bool HasResourceVersion(const json& j) {
  return j.is_object() && j.contains("metadata") && j["metadata"].is_object() &&
         j["metadata"].contains("resourceVersion");
}

}  // namespace

std::string UrlEncode(const std::string& value) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string NowRfc3339() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

KubeClient::KubeClient(const KubeConfig& config, ClientOptions options)
    : KubeClient(nullptr, std::move(options),
                 std::make_shared<TokenSource>(config.token, config.token_file)) {
  transport_ = MakeCpprestTransport(config, tokens_);
}

KubeClient::KubeClient(std::shared_ptr<HttpTransport> transport, ClientOptions options,
                       std::shared_ptr<TokenSource> tokens)
    : transport_(std::move(transport)),
      tokens_(std::move(tokens)),
      options_(std::move(options)),
      rng_(options_.seed != 0 ? options_.seed : std::random_device{}()),
      backoff_(options_.retry,
               [this] { return std::uniform_real_distribution<double>(0.0, 1.0)(rng_); }) {
  if (!options_.sleep) {
    options_.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  }
  discovery_ = std::make_unique<Discovery>([this](const std::string& path) { return Get(path); });
}

std::string KubeClient::CurrentToken() { return tokens_ ? tokens_->Token() : ""; }

ApiError KubeClient::Redact(ApiError e) {
  std::string token = CurrentToken();
  e.message = RedactSecret(std::move(e.message), token);
  e.reason = RedactSecret(std::move(e.reason), token);
  e.resource = RedactSecret(std::move(e.resource), token);
  e.namespace_name = RedactSecret(std::move(e.namespace_name), token);
  return e;
}

Result<json> KubeClient::Call(const std::string& method, const std::string& path,
                              const std::string& body, const std::string& content_type,
                              bool idempotent) {
  const auto start = Clock::now();
  const bool retry_conflict = method == "PATCH" && idempotent;
  for (int attempt = 1;; ++attempt) {
    HttpCall call{method, path, body, content_type, options_.call_timeout};
    HttpReply reply = transport_->Send(call);
    if (reply.status >= 200 && reply.status < 300) {
      if (reply.body.empty()) return json::object();
      json parsed = json::parse(reply.body, nullptr, false);
      if (parsed.is_discarded()) {
        return Redact(ErrorFromTransport(method, path, "InvalidResponse",
                                         "the API server's response is not JSON"));
      }
      return parsed;
    }
    ApiError err;
    if (reply.status == 0) {
      err = ErrorFromTransport(method, path, reply.transport_error, reply.transport_detail);
      err.retryable = idempotent && reply.transport_error != "Cancelled";
    } else {
      auto ra = reply.headers.find("retry-after");
      err = ErrorFromResponse(method, path, reply.status, reply.body,
                              ra == reply.headers.end() ? -1 : ParseRetryAfterSeconds(ra->second));
      if (err.IsConflict() && retry_conflict && attempt < options_.conflict_attempts) {
        err.retryable = true;  // an absolute merge patch: the server re-reads on retry
      }
    }
    if (!err.retryable) return Redact(err);
    auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    std::optional<std::chrono::milliseconds> delay;
    {
      std::lock_guard<std::mutex> lock(rng_mu_);
      delay = backoff_.Next(attempt, err.retry_after_s, elapsed);
    }
    if (!delay) {
      err.message += " (gave up after " + std::to_string(attempt) + " attempt" +
                     (attempt == 1 ? "" : "s") + ", " + std::to_string(elapsed.count()) + " ms)";
      ApiError out = Redact(err);
      spdlog::warn("kubernetes: {}", out.Describe());
      return out;
    }
    spdlog::info("kubernetes: attempt {} failed, retrying in {} ms: {}", attempt, delay->count(),
                 Redact(err).Describe());
    options_.sleep(*delay);
  }
}

Result<json> KubeClient::Get(const std::string& path) { return Call("GET", path, "", "", true); }

Result<json> KubeClient::List(const std::string& path, const std::string& query) {
  return Call("GET", WithQuery(path, query), "", "", true);
}

Result<json> KubeClient::MergePatch(const std::string& path, const json& patch) {
  // Without a resourceVersion precondition a merge patch of absolute values is idempotent.
  return Call("PATCH", path, patch.dump(), "application/merge-patch+json",
              !HasResourceVersion(patch));
}

Result<json> KubeClient::Create(const std::string& collection_path, const json& object) {
  return Call("POST", collection_path, object.dump(), "application/json", false);
}

Result<json> KubeClient::Update(const std::string& path, const json& object) {
  return Call("PUT", path, object.dump(), "application/json", true);
}

Result<json> KubeClient::UpdateWithRetry(const std::string& path,
                                         const std::function<bool(json&)>& mutate) {
  for (int attempt = 1;; ++attempt) {
    Result<json> current = Get(path);
    if (!current.ok()) return current;
    json object = current.value();
    if (!mutate(object)) return current;
    if (!HasResourceVersion(object) && HasResourceVersion(current.value())) {
      object["metadata"]["resourceVersion"] = current.value()["metadata"]["resourceVersion"];
    }
    Result<json> written = Update(path, object);
    if (written.ok() || !written.error().IsConflict() || attempt >= options_.conflict_attempts) {
      return written;
    }
    spdlog::info("kubernetes: conflict on update {} (attempt {}), re-reading", path, attempt);
  }
}

Result<Ok> KubeClient::Watch(const std::string& collection_path,
                             const std::string& resource_version, const std::string& extra_query,
                             int timeout_s, const std::function<bool(const WatchEvent&)>& on_event,
                             Cancellation* cancel) {
  std::string query =
      "watch=true&allowWatchBookmarks=true&timeoutSeconds=" + std::to_string(timeout_s);
  if (!resource_version.empty()) query += "&resourceVersion=" + UrlEncode(resource_version);
  if (!extra_query.empty()) query += "&" + extra_query;
  std::string path = WithQuery(collection_path, query);
  std::optional<ApiError> stream_error;
  auto on_line = [&](const std::string& line) {
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("type") || !j["type"].is_string()) {
      spdlog::warn("kubernetes: ignoring a malformed watch line on {}", collection_path);
      return true;
    }
    WatchEvent ev{j["type"].get<std::string>(), j.value("object", json::object())};
    if (ev.type == "ERROR") {
      int code = ev.object.is_object() ? ev.object.value("code", 0) : 0;
      stream_error = ErrorFromResponse("GET", path, code == 0 ? 500 : code, ev.object.dump());
      return false;
    }
    return on_event(ev);
  };
  HttpCall call{"GET", path, "", "", options_.call_timeout};
  auto idle = std::chrono::seconds(timeout_s) + options_.call_timeout + std::chrono::seconds(5);
  HttpReply reply = transport_->Stream(
      call, std::chrono::duration_cast<std::chrono::milliseconds>(idle), on_line, cancel);
  if (stream_error) return Redact(*stream_error);
  if (reply.status == 0) {
    ApiError e = ErrorFromTransport("GET", path, reply.transport_error, reply.transport_detail);
    e.retryable = reply.transport_error != "Cancelled";
    return Redact(e);
  }
  if (reply.status < 200 || reply.status >= 300) {
    auto ra = reply.headers.find("retry-after");
    return Redact(
        ErrorFromResponse("GET", path, reply.status, reply.body,
                          ra == reply.headers.end() ? -1 : ParseRetryAfterSeconds(ra->second)));
  }
  if (!reply.transport_error.empty()) {
    ApiError e = ErrorFromTransport("GET", path, reply.transport_error, reply.transport_detail);
    e.retryable = reply.transport_error != "Cancelled";
    return Redact(e);
  }
  return Ok{};
}

std::string KubeClient::AutoscalersPath(const std::string& namespace_name) {
  std::string path = std::string("/apis/") + kAutoscalerGroup + "/" + kAutoscalerVersion;
  if (!namespace_name.empty()) path += "/namespaces/" + namespace_name;
  return path + "/" + kAutoscalerPlural;
}

Result<json> KubeClient::ListAutoscalers(const std::string& namespace_name) {
  return List(AutoscalersPath(namespace_name));
}

Result<json> KubeClient::PatchAutoscalerStatus(const std::string& namespace_name,
                                               const std::string& name, json status,
                                               int64_t observed_generation) {
  if (!status.is_object()) status = json::object();
  status["observedGeneration"] = observed_generation;
  return MergePatch(AutoscalersPath(namespace_name) + "/" + name + "/status",
                    json{{"status", status}});
}

Result<std::string> KubeClient::ScalePath(const ScaleTarget& target) {
  Result<ApiResource> res = discovery_->FindScalable(target.api_version, target.kind);
  if (!res.ok()) {
    ApiError e = res.error();
    if (e.namespace_name.empty()) e.namespace_name = target.namespace_name;
    return e;
  }
  return res.value().ObjectPath(target.namespace_name, target.name) + "/scale";
}

namespace {
Scale ToScale(const json& j) {
  Scale s;
  s.spec_replicas = IntAt(j, "spec", "replicas");
  s.status_replicas = IntAt(j, "status", "replicas");
  s.selector = StrAt(j, "status", "selector");
  s.resource_version = StrAt(j, "metadata", "resourceVersion");
  s.object = j;
  return s;
}
}  // namespace

Result<Scale> KubeClient::GetScale(const ScaleTarget& target) {
  Result<std::string> path = ScalePath(target);
  if (!path.ok()) return path.error();
  Result<json> got = Get(path.value());
  if (!got.ok()) return got.error();
  return ToScale(got.value());
}

Result<Scale> KubeClient::PatchScale(const ScaleTarget& target, int32_t replicas) {
  Result<std::string> path = ScalePath(target);
  if (!path.ok()) return path.error();
  Result<json> got = MergePatch(path.value(), json{{"spec", {{"replicas", replicas}}}});
  if (!got.ok()) return got.error();
  return ToScale(got.value());
}

Result<json> KubeClient::RecordEvent(const EventSpec& event, const std::string& now_rfc3339) {
  const std::string now = now_rfc3339.empty() ? NowRfc3339() : now_rfc3339;
  const json& obj = event.involved_object;
  std::string ns = obj.value("namespace", "");
  if (ns.empty()) ns = "default";
  std::string obj_name = obj.value("name", "unknown");
  std::string key = obj.value("kind", "") + "|" + ns + "|" + obj_name + "|" + obj.value("uid", "") +
                    "|" + event.type + "|" + event.reason + "|" + event.message;
  // Held across the calls so that concurrent identical events patch one count in turn (events
  // are rare; a slow call delays other events, never other kinds of calls).
  std::lock_guard<std::mutex> lock(events_mu_);
  std::optional<SeenEvent> seen;
  auto it = events_.find(key);
  if (it != events_.end()) seen = it->second;
  const std::string collection = "/api/v1/namespaces/" + ns + "/events";
  if (seen) {
    int64_t count = seen->count + 1;
    Result<json> patched =
        MergePatch(collection + "/" + seen->name, json{{"count", count}, {"lastTimestamp", now}});
    if (patched.ok()) {
      events_[key].count = count;
      return patched;
    }
    if (!patched.error().IsNotFound()) return patched;
    // The event expired (events have a TTL): create a fresh one.
  }
  static std::atomic<uint64_t> sequence{0};
  auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  char suffix[40];
  std::snprintf(suffix, sizeof(suffix), "%llx",
                static_cast<unsigned long long>(nanos) + sequence.fetch_add(1));
  std::string name = obj_name + "." + suffix;
  json body = {
      {"apiVersion", "v1"},
      {"kind", "Event"},
      {"metadata", {{"name", name}, {"namespace", ns}}},
      {"involvedObject", obj},
      {"reason", event.reason},
      {"message", event.message},
      {"type", event.type},
      {"source", {{"component", options_.event_component}}},
      {"reportingComponent", options_.event_component},
      {"firstTimestamp", now},
      {"lastTimestamp", now},
      {"count", 1},
  };
  Result<json> created = Create(collection, body);
  if (created.ok()) {
    // Bounded memory: messages carry numbers, so keys accumulate; forget them all now and then
    // (the cost is one extra Event instead of a count patch).
    if (events_.size() >= kMaxRememberedEvents) events_.clear();
    events_[key] = SeenEvent{ns, name, 1};
  }
  return created;
}

std::string KubeClient::LeasePath(const std::string& namespace_name, const std::string& name) {
  std::string path = "/apis/coordination.k8s.io/v1/namespaces/" + namespace_name + "/leases";
  return name.empty() ? path : path + "/" + name;
}

Result<json> KubeClient::GetLease(const std::string& namespace_name, const std::string& name) {
  return Get(LeasePath(namespace_name, name));
}

Result<json> KubeClient::CreateLease(const std::string& namespace_name, const json& lease) {
  return Create(LeasePath(namespace_name, ""), lease);
}

Result<json> KubeClient::UpdateLease(const std::string& namespace_name, const json& lease) {
  std::string name;
  if (lease.contains("metadata") && lease["metadata"].is_object()) {
    name = lease["metadata"].value("name", "");
  }
  return Update(LeasePath(namespace_name, name), lease);
}

}  // namespace slo::controller::k8s
