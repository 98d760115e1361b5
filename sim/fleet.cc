#include "sim/fleet.h"

#include <algorithm>
#include <limits>

namespace slo::sim {

Fleet::Fleet(FleetConfig config, const std::vector<TraceRequest>* requests, uint64_t seed)
    : config_(std::move(config)), requests_(requests), rng_(seed) {
  config_.concurrency_per_replica = std::max(1, config_.concurrency_per_replica);
  records_.resize(requests_->size());
  completed_.reserve(requests_->size());
  if (config_.node_pool) {
    for (int32_t i = 0; i < config_.node_pool->min_nodes; ++i) node_ready_s_.push_back(0);
  }
}

int32_t Fleet::ReplicasPerNode() const {
  if (!config_.node_pool) return std::numeric_limits<int32_t>::max();
  const auto& np = *config_.node_pool;
  return std::max(1, np.gpus_per_node / std::max(1, np.gpus_per_replica));
}

int32_t Fleet::node_replica_capacity() const {
  if (!config_.node_pool) return std::numeric_limits<int32_t>::max();
  return config_.node_pool->max_nodes * ReplicasPerNode();
}

void Fleet::StartReady(int32_t n) {
  if (config_.node_pool) n = std::min(n, node_replica_capacity());
  for (int32_t i = 0; i < n; ++i) {
    Replica r;
    r.id = static_cast<int32_t>(replicas_.size());
    r.state = ReplicaState::kReady;
    replicas_.push_back(r);
    live_.push_back(r.id);
    ++ready_;
  }
  if (config_.node_pool) {
    const int32_t per = ReplicasPerNode();
    const auto need = static_cast<size_t>((Occupied() + per - 1) / per);
    while (node_ready_s_.size() < need) node_ready_s_.push_back(0);
  }
}

void Fleet::Advance(double t_s) {
  if (t_s <= now_s_) return;
  const double dt = t_s - now_s_;
  busy_slot_s_ += in_flight_ * dt;
  system_integral_ += (in_flight_ + static_cast<double>(queue_.size())) * dt;
  now_s_ = t_s;
}

void Fleet::Push(double t_s, EventType type, uint32_t id) {
  events_.push(Event{t_s, seq_++, type, id});
}

void Fleet::Arrive(double t_s, size_t request_index) {
  Advance(t_s);
  records_[request_index].arrival_s = t_s;
  queue_.push_back(static_cast<uint32_t>(request_index));
  Dispatch();
}

std::optional<double> Fleet::NextEventTime() const {
  if (events_.empty()) return std::nullopt;
  return events_.top().t_s;
}

void Fleet::Dispatch() {
  const int32_t c = config_.concurrency_per_replica;
  while (!queue_.empty()) {
    Replica* best = nullptr;
    for (int32_t id : live_) {
      Replica& r = replicas_[static_cast<size_t>(id)];
      if (r.state != ReplicaState::kReady || r.in_flight >= c) continue;
      if (best == nullptr || r.in_flight < best->in_flight) best = &r;
    }
    if (best == nullptr) return;
    const uint32_t idx = queue_.front();
    queue_.pop_front();
    const TraceRequest& req = (*requests_)[idx];
    const double u = config_.service.service_jitter > 0 ? rng_.Uniform01() : 0.5;
    const auto parts = config_.service.Compute(req.input_tokens, req.output_tokens, req.service_s,
                                               best->in_flight + 1, c, u);
    RequestRecord& rec = records_[idx];
    rec.start_s = now_s_;
    rec.first_token_s = now_s_ + parts.prefill_s;
    rec.finish_s = now_s_ + parts.service_s;
    rec.service_s = parts.service_s;
    rec.prefill_s = parts.prefill_s;
    rec.replica = best->id;
    ++best->in_flight;
    ++in_flight_;
    Push(rec.finish_s, EventType::kComplete, idx);
  }
}

void Fleet::ProcessNextEvent() {
  if (events_.empty()) return;
  const Event e = events_.top();
  events_.pop();
  Advance(e.t_s);
  if (e.type == EventType::kComplete) {
    const RequestRecord& rec = records_[e.id];
    Replica& r = replicas_[static_cast<size_t>(rec.replica)];
    --r.in_flight;
    --in_flight_;
    completed_.push_back(e.id);
    service_sum_s_ += rec.service_s;
    prefill_sum_s_ += rec.prefill_s;
    if (r.state == ReplicaState::kDraining && r.in_flight == 0) Stop(r);
  } else {
    Replica& r = replicas_[e.id];
    if (r.state != ReplicaState::kStarting || r.ready_s != e.t_s) return;  // removed meanwhile
    r.state = ReplicaState::kReady;
    --starting_;
    ++ready_;
  }
  Dispatch();
}

void Fleet::Stop(Replica& r) {
  switch (r.state) {
    case ReplicaState::kStarting:
      --starting_;
      break;
    case ReplicaState::kReady:
      --ready_;
      break;
    case ReplicaState::kDraining:
      --draining_;
      break;
    case ReplicaState::kStopped:
      return;
  }
  r.state = ReplicaState::kStopped;
  r.stopped_s = now_s_;
  stopped_replica_s_ += now_s_ - r.requested_s;
  live_.erase(std::find(live_.begin(), live_.end(), r.id));
  ShrinkNodes();
}

void Fleet::ShrinkNodes() {
  if (!config_.node_pool || config_.planned_nodes) return;  // planned: SetNodes() shrinks
  const int32_t per = ReplicasPerNode();
  const auto need = static_cast<size_t>(
      std::max(config_.node_pool->min_nodes, (Occupied() + per - 1) / per));
  while (node_ready_s_.size() > need) node_ready_s_.pop_back();
}

int32_t Fleet::ready_nodes() const {
  return static_cast<int32_t>(
      std::count_if(node_ready_s_.begin(), node_ready_s_.end(),
                    [this](double ready_s) { return ready_s <= now_s_; }));
}

void Fleet::SetNodes(int32_t n, double t_s) {
  if (!config_.node_pool) return;
  Advance(t_s);
  const int32_t per = ReplicasPerNode();
  n = std::max(n, (Occupied() + per - 1) / per);
  while (nodes() < n) node_ready_s_.push_back(t_s + config_.node_provision_s);
  while (nodes() > n) node_ready_s_.pop_back();
}

void Fleet::AddReplica(double t_s) {
  double start_s = t_s;
  if (config_.node_pool) {
    const int32_t per = ReplicasPerNode();
    const auto node = static_cast<size_t>(Occupied() / per);
    if (node >= node_ready_s_.size()) node_ready_s_.push_back(t_s + config_.node_provision_s);
    start_s = std::max(t_s, node_ready_s_[node]);
  }
  Replica r;
  r.id = static_cast<int32_t>(replicas_.size());
  r.requested_s = t_s;
  r.ready_s = start_s + config_.startup_s;
  replicas_.push_back(r);
  live_.push_back(r.id);
  ++starting_;
  Push(r.ready_s, EventType::kReady, static_cast<uint32_t>(r.id));
}

int32_t Fleet::SetDesired(int32_t n, double t_s) {
  Advance(t_s);
  n = std::max(0, n);
  if (config_.node_pool) {
    // Draining replicas hold their GPUs: the pool's maxNodes bounds all occupied replicas.
    n = std::min(n, std::max(desired(), node_replica_capacity() - draining_));
  }
  while (desired() < n) AddReplica(t_s);
  while (desired() > n) {
    Replica* victim = nullptr;
    for (int32_t id : live_) {  // starting first, newest first
      Replica& r = replicas_[static_cast<size_t>(id)];
      if (r.state == ReplicaState::kStarting) victim = &r;
    }
    if (victim == nullptr) {
      for (int32_t id : live_) {  // then least loaded ready, ties: highest id
        Replica& r = replicas_[static_cast<size_t>(id)];
        if (r.state == ReplicaState::kReady &&
            (victim == nullptr || r.in_flight <= victim->in_flight)) {
          victim = &r;
        }
      }
    }
    if (victim == nullptr) break;
    if (victim->state == ReplicaState::kReady && victim->in_flight > 0) {
      victim->state = ReplicaState::kDraining;
      --ready_;
      ++draining_;
    } else {
      Stop(*victim);
    }
  }
  return desired();
}

double Fleet::ReplicaSecondsAt(double t_s) const {
  double total = stopped_replica_s_;
  for (int32_t id : live_) total += std::max(0.0, t_s - replicas_[static_cast<size_t>(id)].requested_s);
  return total;
}

double Fleet::BusySlotSecondsAt(double t_s) const {
  return busy_slot_s_ + in_flight_ * std::max(0.0, t_s - now_s_);
}

double Fleet::SystemIntegralAt(double t_s) const {
  return system_integral_ +
         (in_flight_ + static_cast<double>(queue_.size())) * std::max(0.0, t_s - now_s_);
}

double SloLatency(policies::LatencyMetric metric, const RequestRecord& r) {
  switch (metric) {
    case policies::LatencyMetric::kTtft:
      return r.first_token_s - r.arrival_s;
    case policies::LatencyMetric::kE2e:
      return r.finish_s - r.arrival_s;
    case policies::LatencyMetric::kQueueWait:
      return r.start_s - r.arrival_s;
  }
  return r.finish_s - r.arrival_s;
}

}  // namespace slo::sim
