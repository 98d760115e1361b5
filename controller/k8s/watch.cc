#include "controller/k8s/watch.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace slo::controller::k8s {

using json = nlohmann::json;

std::string ListWatch::resource_version() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rv_;
}

void ListWatch::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_.store(true);
  }
  cv_.notify_all();
  cancel_.Cancel();
}

bool ListWatch::Wait(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, d, [this] { return stop_.load(); });
  return !stop_.load();
}

void ListWatch::Run() {
  bool need_list = true;
  std::chrono::milliseconds backoff = options_.min_backoff;
  auto fail = [&](const ApiError& e) {
    if (handlers_.on_error) handlers_.on_error(e);
    bool keep = Wait(backoff);
    backoff = std::min(backoff * 2, options_.max_backoff);
    return keep;
  };
  while (!stop_.load()) {
    if (need_list) {
      lists_.fetch_add(1);
      Result<json> list = client_->List(options_.path, options_.extra_query);
      if (!list.ok()) {
        if (!fail(list.error())) return;
        continue;
      }
      std::vector<json> items;
      if (list.value().contains("items") && list.value()["items"].is_array()) {
        for (const auto& item : list.value()["items"]) items.push_back(item);
      }
      std::string rv;
      const json& meta = list.value().value("metadata", json::object());
      if (meta.is_object()) rv = meta.value("resourceVersion", "");
      {
        std::lock_guard<std::mutex> lock(mu_);
        rv_ = rv;
      }
      if (handlers_.on_sync) handlers_.on_sync(items, rv);
      need_list = false;
    }
    watches_.fetch_add(1);
    bool got_event = false;
    Result<Ok> watched = client_->Watch(
        options_.path, resource_version(), options_.extra_query, options_.watch_timeout_s,
        [&](const WatchEvent& ev) {
          got_event = true;
          std::string rv;
          if (ev.object.is_object() && ev.object.contains("metadata") &&
              ev.object["metadata"].is_object()) {
            rv = ev.object["metadata"].value("resourceVersion", "");
          }
          if (!rv.empty()) {
            std::lock_guard<std::mutex> lock(mu_);
            rv_ = rv;
          }
          if (ev.type == "ADDED" && handlers_.on_added)
            handlers_.on_added(ev.object);
          else if (ev.type == "MODIFIED" && handlers_.on_modified)
            handlers_.on_modified(ev.object);
          else if (ev.type == "DELETED" && handlers_.on_deleted)
            handlers_.on_deleted(ev.object);
          else if (ev.type == "BOOKMARK" && handlers_.on_bookmark)
            handlers_.on_bookmark(rv);
          return !stop_.load();
        },
        &cancel_);
    if (stop_.load()) return;
    if (watched.ok()) {
      backoff = options_.min_backoff;
      continue;  // the server closed the watch (timeoutSeconds): reconnect from rv_
    }
    if (watched.error().IsGone()) {
      spdlog::info("kubernetes: watch on {} expired (410), relisting", options_.path);
      need_list = true;
      continue;
    }
    if (got_event) backoff = options_.min_backoff;
    if (!fail(watched.error())) return;
  }
}

}  // namespace slo::controller::k8s
