#include "controller/audit/record.h"

#include <deque>
#include <functional>
#include <limits>

#include "controller/audit/audit_time.h"
#include "controller/audit/json_scan.h"

namespace slo::controller::audit {

StringTable::StringTable() { Intern(""); }

uint32_t StringTable::Intern(std::string_view s) {
  auto it = ids_.find(s);  // heterogeneous lookup: no temporary string
  if (it != ids_.end()) return it->second;
  const auto id = static_cast<uint32_t>(strings_.size());
  strings_.emplace_back(s);
  ids_.emplace(std::string(s), id);
  return id;
}

namespace {

// Fills an AuditRecord from one scanned line, looking only at the keys the audit needs.
class RecordParser {
 public:
  RecordParser(std::string_view json, AuditRecord* record, StringTable* strings)
      : s_(json), r_(record), strings_(strings) {}

  // Scans the whole text; false when it is not valid JSON.
  bool Run() {
    if (!s_.PeekObject()) {
      JsonScalar v;
      not_object_ = true;
      return s_.Value(&v) && s_.Finish();
    }
    s_.BeginObject();
    bool first = true;
    std::string_view key;
    while (s_.NextKey(first, &key)) {
      if (!RootValue(key)) return false;
    }
    return s_.ok() && s_.Finish();
  }

  const JsonScanner& scanner() const { return s_; }
  bool not_object() const { return not_object_; }
  std::string_view type() const { return type_; }
  const std::string& invalid() const { return invalid_; }
  std::string_view ns() const { return ns_; }
  std::string_view name() const { return name_; }
  bool has_ts = false, has_ns = false, has_name = false, has_current = false,
       has_desired = false, has_reason = false;

 private:
  void Invalid(std::string what) {
    if (invalid_.empty()) invalid_ = std::move(what);
  }

  // A string value (unescaped when needed); false on a scan error.
  bool Str(std::string_view path, std::string_view* out, bool* is_string) {
    JsonScalar v;
    if (!s_.Value(&v)) return false;
    *is_string = v.kind == JsonKind::kString;
    if (*is_string) {
      if (v.escaped) {
        unescaped_.push_back(JsonScanner::Unescape(v.raw));
        *out = unescaped_.back();
      } else {
        *out = v.raw;
      }
    } else if (v.kind != JsonKind::kNull) {
      Invalid("\"" + std::string(path) + "\" is not a string");
    }
    return true;
  }

  bool Interned(std::string_view path, uint32_t* id) {
    std::string_view sv;
    bool is_string = false;
    if (!Str(path, &sv, &is_string)) return false;
    if (is_string) *id = strings_->Intern(sv);
    return true;
  }

  bool Number(std::string_view path, double* out) {
    JsonScalar v;
    if (!s_.Value(&v)) return false;
    if (v.kind == JsonKind::kNumber) {
      *out = v.number;
    } else if (v.kind != JsonKind::kNull) {
      Invalid("\"" + std::string(path) + "\" is not a number or null");
    }
    return true;
  }

  bool Replicas(std::string_view path, int32_t* out, bool* seen) {
    JsonScalar v;
    if (!s_.Value(&v)) return false;
    if (seen != nullptr) *seen = true;
    if (v.kind == JsonKind::kNull) {
      *out = -1;
    } else if (v.kind != JsonKind::kNumber || !(v.number >= 0) ||
               v.number > std::numeric_limits<int32_t>::max()) {
      Invalid("\"" + std::string(path) + "\" is not a replica count");
    } else {
      *out = static_cast<int32_t>(v.number);
    }
    return true;
  }

  bool Bool(bool* out) {
    JsonScalar v;
    if (!s_.Value(&v)) return false;
    *out = v.kind == JsonKind::kBool && v.boolean;
    return true;
  }

  bool Skip() {
    JsonScalar v;
    return s_.Value(&v);
  }

  bool RootValue(std::string_view k) {
    bool is_string = false;
    if (k == "ts") {
      std::string_view ts;
      if (!Str("ts", &ts, &is_string)) return false;
      if (!is_string) {
        Invalid("\"ts\" is not a string");
      } else if (auto ms = ParseRfc3339Ms(ts)) {
        r_->ts_ms = *ms;
        has_ts = true;
      } else {
        Invalid("\"ts\" is not an RFC 3339 time: \"" + std::string(ts.substr(0, 40)) + "\"");
      }
      return true;
    }
    if (k == "type") return Str("type", &type_, &is_string);
    if (k == "currentReplicas") return Replicas(k, &r_->current_replicas, &has_current);
    if (k == "desiredReplicas") return Replicas(k, &r_->desired_replicas, &has_desired);
    if (k == "recommendedReplicas") return Replicas(k, &r_->recommended_replicas, nullptr);
    if (k == "reason") {
      std::string_view reason;
      if (!Str("reason", &reason, &is_string)) return false;
      if (is_string) {
        r_->reason = strings_->Intern(reason);
        has_reason = true;
        if (reason == "AtMaxReplicas") r_->at_max = true;
      } else {
        Invalid("\"reason\" is not a string");
      }
      return true;
    }
    if (k == "actuated") return Bool(&r_->actuated);
    if (k == "dryRun") return Bool(&r_->dry_run);
    if (k == "bindingModel") return Interned(k, &r_->binding_model);
    if (k == "source") return Interned(k, &r_->source);
    if (k == "autoscaler" && s_.PeekObject()) {
      return Object([&](std::string_view key) {
        bool str = false;
        if (key == "namespace") {
          if (!Str("autoscaler.namespace", &ns_, &str)) return false;
          has_ns = str;
          return true;
        }
        if (key == "name") {
          if (!Str("autoscaler.name", &name_, &str)) return false;
          has_name = str;
          return true;
        }
        return Skip();
      });
    }
    if (k == "inputs" && s_.PeekObject()) {
      return Object([&](std::string_view key) {
        if (key == "arrivalRateRps") return Number("inputs.arrivalRateRps", &r_->arrival_rate_rps);
        if (key == "queueDepth") return Number("inputs.queueDepth", &r_->queue_depth);
        if (key == "inFlight") return Number("inputs.inFlight", &r_->in_flight);
        if (key == "serviceTimeSeconds") {
          return Number("inputs.serviceTimeSeconds", &r_->service_time_s);
        }
        if (key == "latencySeconds") return Number("inputs.latencySeconds", &r_->latency_s);
        if (key == "sampleAgeSeconds") return Number("inputs.sampleAgeSeconds", &r_->sample_age_s);
        return Skip();
      });
    }
    if (k == "controller" && s_.PeekObject()) {
      return Object([&](std::string_view key) {
        if (key == "version") return Interned("controller.version", &r_->version);
        if (key == "commit") return Interned("controller.commit", &r_->commit);
        if (key == "instance") return Interned("controller.instance", &r_->instance);
        return Skip();
      });
    }
    if (k == "limits" && s_.PeekArray()) {
      s_.BeginArray();
      bool first = true;
      while (s_.NextElement(first)) {
        JsonScalar v;
        if (!s_.Value(&v)) return false;
        if (v.kind == JsonKind::kString && v.raw == "maxReplicas") r_->at_max = true;
      }
      return s_.ok();
    }
    return Skip();
  }

  template <typename F>
  bool Object(F&& on_key) {
    s_.BeginObject();
    bool first = true;
    std::string_view key;
    while (s_.NextKey(first, &key)) {
      if (!on_key(key)) return false;
    }
    return s_.ok();
  }

  JsonScanner s_;
  AuditRecord* r_;
  StringTable* strings_;
  std::string_view type_;
  std::string_view ns_;
  std::string_view name_;
  std::string invalid_;
  std::deque<std::string> unescaped_;  // unescaped strings the views point into (stable)
  bool not_object_ = false;
};

}  // namespace

ParseOutcome ParseRecord(std::string_view json, StringTable& strings) {
  ParseOutcome out;
  RecordParser p(json, &out.record, &strings);
  if (!p.Run()) {
    out.status = ParseStatus::kMalformed;
    out.error = p.scanner().error();
    return out;
  }
  if (p.not_object() || p.type() != "ScalingDecision") {
    out.status = ParseStatus::kOtherType;
    out.error = p.not_object() ? "not a JSON object" : "type \"" + std::string(p.type()) + "\"";
    return out;
  }
  const char* missing = !p.has_ts        ? "ts"
                        : !p.has_ns      ? "autoscaler.namespace"
                        : !p.has_name    ? "autoscaler.name"
                        : !p.has_current ? "currentReplicas"
                        : !p.has_desired ? "desiredReplicas"
                        : !p.has_reason  ? "reason"
                                         : nullptr;
  if (!p.invalid().empty() || missing != nullptr) {
    out.status = ParseStatus::kInvalid;
    out.error = !p.invalid().empty() ? p.invalid() : "missing \"" + std::string(missing) + "\"";
    return out;
  }
  std::string target;
  target.reserve(p.ns().size() + p.name().size() + 1);
  target.append(p.ns()).append("/").append(p.name());
  out.record.target = strings.Intern(target);
  out.record.hash = std::hash<std::string_view>{}(json);
  out.status = ParseStatus::kDecision;
  return out;
}

}  // namespace slo::controller::audit
