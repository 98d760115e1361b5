#include "controller/runtime/informer.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace slo::controller {

std::string AutoscalerCache::Key(const nlohmann::json& object) {
  const auto meta = object.value("metadata", nlohmann::json::object());
  return meta.value("namespace", "") + "/" + meta.value("name", "");
}

int64_t AutoscalerCache::Generation(const nlohmann::json& object) {
  const auto meta = object.value("metadata", nlohmann::json::object());
  auto it = meta.find("generation");
  return it != meta.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

void AutoscalerCache::Replace(const std::string& source, const std::vector<nlohmann::json>& items) {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, nlohmann::json> next;
  for (const auto& item : items) next[Key(item)] = item;
  auto& current = by_source_[source];
  bool changed = next.size() != current.size();
  for (const auto& [key, obj] : next) {
    auto it = current.find(key);
    if (it == current.end() || Generation(it->second) != Generation(obj)) changed = true;
  }
  current = std::move(next);
  if (changed) {
    ++spec_version_;
    cv_.notify_all();
  }
}

void AutoscalerCache::Apply(const std::string& source, const std::string& type,
                            const nlohmann::json& object) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& objects = by_source_[source];
  const std::string key = Key(object);
  bool changed = false;
  if (type == "DELETED") {
    changed = objects.erase(key) > 0;
  } else if (type == "ADDED" || type == "MODIFIED") {
    auto it = objects.find(key);
    changed = it == objects.end() || Generation(it->second) != Generation(object);
    objects[key] = object;
  }
  if (changed) {
    ++spec_version_;
    cv_.notify_all();
  }
}

void AutoscalerCache::MarkSynced(const std::string& source) {
  std::lock_guard<std::mutex> lock(mu_);
  synced_[source] = true;
  cv_.notify_all();
}

void AutoscalerCache::ExpectSources(const std::vector<std::string>& sources) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& s : sources) synced_.emplace(s, false);
}

bool AutoscalerCache::synced() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (synced_.empty()) return false;
  return std::all_of(synced_.begin(), synced_.end(), [](const auto& kv) { return kv.second; });
}

std::vector<nlohmann::json> AutoscalerCache::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, nlohmann::json> merged;  // sorted by ns/name: a stable pass order
  for (const auto& [source, objects] : by_source_) {
    for (const auto& [key, obj] : objects) merged[key] = obj;
  }
  std::vector<nlohmann::json> out;
  out.reserve(merged.size());
  for (auto& [key, obj] : merged) out.push_back(std::move(obj));
  return out;
}

size_t AutoscalerCache::size() const { return Snapshot().size(); }

uint64_t AutoscalerCache::spec_version() const {
  std::lock_guard<std::mutex> lock(mu_);
  return spec_version_;
}

uint64_t AutoscalerCache::WaitForSpecChange(uint64_t seen,
                                            std::chrono::steady_clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_until(lock, deadline, [&] { return spec_version_ != seen || woken_; });
  woken_ = false;
  return spec_version_;
}

void AutoscalerCache::Wake() {
  std::lock_guard<std::mutex> lock(mu_);
  woken_ = true;
  cv_.notify_all();
}

AutoscalerInformer::AutoscalerInformer(k8s::KubeClient* client, std::string namespace_name,
                                       AutoscalerCache* cache)
    : client_(client), namespace_(std::move(namespace_name)), cache_(cache) {}

AutoscalerInformer::~AutoscalerInformer() { Stop(); }

void AutoscalerInformer::Start() {
  cache_->ExpectSources({namespace_});
  thread_ = std::thread([this] { Run(); });
}

void AutoscalerInformer::Stop() {
  stop_ = true;
  cancel_.Cancel();
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool AutoscalerInformer::SleepFor(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, d, [&] { return stop_.load(); });
  return !stop_;
}

void AutoscalerInformer::Run() {
  const std::string where = namespace_.empty() ? "all namespaces" : "namespace " + namespace_;
  std::chrono::milliseconds backoff(500);
  const std::chrono::milliseconds max_backoff(30000);
  while (!stop_) {
    // List.
    auto list = client_->ListAutoscalers(namespace_);
    if (!list.ok()) {
      spdlog::warn("listing InferenceAutoscalers in {} failed: {}", where,
                   list.error().Describe());
      if (!SleepFor(backoff)) return;
      backoff = std::min(backoff * 2, max_backoff);
      continue;
    }
    ++relists_;
    std::vector<nlohmann::json> items;
    if (list.value().contains("items") && list.value()["items"].is_array()) {
      for (const auto& i : list.value()["items"]) items.push_back(i);
    }
    cache_->Replace(namespace_, items);
    cache_->MarkSynced(namespace_);
    std::string rv = list.value().value("metadata", nlohmann::json::object())
                         .value("resourceVersion", std::string());
    // Watch until 410 (relist) or stop.
    bool relist = false;
    while (!stop_ && !relist) {
      ++watches_;
      auto r = client_->Watch(
          k8s::KubeClient::AutoscalersPath(namespace_), rv, "", watch_timeout_s_,
          [&](const k8s::WatchEvent& ev) {
            std::string event_rv = ev.object.value("metadata", nlohmann::json::object())
                                       .value("resourceVersion", std::string());
            if (!event_rv.empty()) rv = event_rv;
            if (ev.type != "BOOKMARK") cache_->Apply(namespace_, ev.type, ev.object);
            backoff = std::chrono::milliseconds(500);
            return !stop_.load();
          },
          &cancel_);
      if (stop_) return;
      if (r.ok()) continue;  // the server ended the stream: watch again from rv
      if (r.error().IsGone()) {
        spdlog::info("watch of InferenceAutoscalers in {}: resourceVersion {} expired, relisting",
                     where, rv);
        relist = true;
        break;
      }
      spdlog::warn("watch of InferenceAutoscalers in {} failed: {}; retrying", where,
                   r.error().Describe());
      if (!SleepFor(backoff)) return;
      backoff = std::min(backoff * 2, max_backoff);
    }
  }
}

}  // namespace slo::controller
