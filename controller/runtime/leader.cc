#include "controller/runtime/leader.h"

#include <spdlog/spdlog.h>

#include <cmath>
#include <cstdio>
#include <ctime>

namespace slo::controller {

std::string FormatMicroTime(double unix_s) {
  std::time_t secs = static_cast<std::time_t>(std::floor(unix_s));
  int micros = static_cast<int>(std::llround((unix_s - std::floor(unix_s)) * 1e6));
  if (micros >= 1000000) {
    ++secs;
    micros -= 1000000;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, micros);
  return buf;
}

std::optional<double> ParseRfc3339(const std::string& text) {
  std::tm tm{};
  int year, mon, day, hour, min, sec;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &year, &mon, &day, &hour, &min, &sec) !=
      6) {
    return std::nullopt;
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = min;
  tm.tm_sec = sec;
  double t = static_cast<double>(timegm(&tm));
  auto dot = text.find('.', 19);
  if (dot != std::string::npos) {
    double frac = 0, scale = 0.1;
    for (size_t i = dot + 1; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]));
         ++i) {
      frac += (text[i] - '0') * scale;
      scale /= 10;
    }
    t += frac;
  }
  return t;
}

LeaderElector::LeaderElector(k8s::KubeClient* client, std::string ns, std::string name,
                             std::string identity, double lease_duration_s)
    : client_(client),
      ns_(std::move(ns)),
      name_(std::move(name)),
      identity_(std::move(identity)),
      duration_s_(lease_duration_s) {}

bool LeaderElector::TryAcquireOrRenew(double now_s) {
  const int duration = static_cast<int>(std::ceil(duration_s_));
  auto got = client_->GetLease(ns_, name_);
  if (!got.ok()) {
    if (!got.error().IsNotFound()) {
      spdlog::warn("leader election: cannot read lease {}/{}: {}", ns_, name_,
                   got.error().Describe());
      // Keep leading only while our own lease would still be valid; we cannot tell, so stop.
      leader_ = false;
      return false;
    }
    nlohmann::json lease = {
        {"apiVersion", "coordination.k8s.io/v1"},
        {"kind", "Lease"},
        {"metadata", {{"name", name_}, {"namespace", ns_}}},
        {"spec",
         {{"holderIdentity", identity_},
          {"leaseDurationSeconds", duration},
          {"acquireTime", FormatMicroTime(now_s)},
          {"renewTime", FormatMicroTime(now_s)},
          {"leaseTransitions", 0}}}};
    auto created = client_->CreateLease(ns_, lease);
    leader_ = created.ok();
    holder_ = created.ok() ? identity_ : holder_;
    if (created.ok()) spdlog::info("leader election: acquired new lease {}/{}", ns_, name_);
    return leader_;
  }
  nlohmann::json lease = got.value();
  nlohmann::json spec = lease.value("spec", nlohmann::json::object());
  const std::string holder = spec.value("holderIdentity", std::string());
  const double lease_s = spec.value("leaseDurationSeconds", duration);
  auto renew = ParseRfc3339(spec.value("renewTime", std::string()));
  const bool expired = holder.empty() || !renew || *renew + lease_s < now_s;
  if (holder != identity_ && !expired) {
    holder_ = holder;
    if (leader_) spdlog::warn("leader election: lost the lease to {}", holder);
    leader_ = false;
    return false;
  }
  if (holder != identity_) {
    spec["leaseTransitions"] = spec.value("leaseTransitions", 0) + 1;
    spec["acquireTime"] = FormatMicroTime(now_s);
    spec["holderIdentity"] = identity_;
  }
  spec["renewTime"] = FormatMicroTime(now_s);
  spec["leaseDurationSeconds"] = duration;
  lease["spec"] = spec;
  auto updated = client_->UpdateLease(ns_, lease);  // carries the read resourceVersion
  if (!updated.ok()) {
    if (!updated.error().IsConflict()) {
      spdlog::warn("leader election: cannot update lease {}/{}: {}", ns_, name_,
                   updated.error().Describe());
    }
    leader_ = false;
    return false;
  }
  if (!leader_) spdlog::info("leader election: {} now leads ({}/{})", identity_, ns_, name_);
  holder_ = identity_;
  leader_ = true;
  return true;
}

void LeaderElector::Release(double now_s) {
  if (!leader_) return;
  auto got = client_->GetLease(ns_, name_);
  if (!got.ok()) return;
  nlohmann::json lease = got.value();
  if (lease["spec"].value("holderIdentity", std::string()) != identity_) return;
  lease["spec"]["holderIdentity"] = "";
  lease["spec"]["renewTime"] = FormatMicroTime(now_s);
  client_->UpdateLease(ns_, lease);
  leader_ = false;
}

}  // namespace slo::controller
