// sim/fleet.h: the simulated serving fleet (event-driven; README.md ("slo-autoscaler simulate") "Fleet model").
//
// Replicas have concurrency_per_replica batch slots. One shared FIFO queue; dispatch is
// work-conserving (no request waits while a ready replica has a free slot) to the ready replica
// with the fewest requests (ties: lowest id). A requested replica is ready startup_s after it was
// requested (after its node is ready, when a node pool is modelled). Removing a replica removes
// starting ones first (newest first), then the least-loaded ready ones (ties: highest id); a
// removed replica with requests drains them and stops when the last one finishes. Cost runs from
// the request of a replica to its stop (starting, ready and draining all count).
//
// Example:
//   Fleet fleet(cfg, &trace.requests, seed);
//   fleet.StartReady(4);
//   fleet.Arrive(0.5, 0);
//   while (auto t = fleet.NextEventTime(); t && *t <= 10) fleet.ProcessNextEvent();
//
// Time is double seconds since the trace start. Thread-safety: none.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <queue>
#include <vector>

#include "policies/types.h"
#include "sim/rng.h"
#include "sim/service_model.h"
#include "sim/trace.h"

namespace slo::sim {

struct FleetConfig {
  int32_t concurrency_per_replica = 16;
  double startup_s = 120;
  std::optional<policies::NodePoolSizing> node_pool;
  double node_provision_s = 180;
  // true: the pool's nodes follow SetNodes() (the simulator drives them with
  // policies/node_pool_plan.h, as the controller does); false: nodes follow the replicas.
  bool planned_nodes = false;
  ServiceModel service;
  policies::LatencyMetric latency_metric = policies::LatencyMetric::kTtft;
};

enum class ReplicaState { kStarting, kReady, kDraining, kStopped };

struct Replica {
  int32_t id = 0;
  ReplicaState state = ReplicaState::kStarting;
  double requested_s = 0;
  double ready_s = 0;  // planned (starting) or actual (ready)
  double stopped_s = 0;
  int32_t in_flight = 0;
};

struct RequestRecord {
  double arrival_s = 0;
  double start_s = -1;        // < 0: not started
  double first_token_s = -1;
  double finish_s = -1;       // < 0: not finished
  double service_s = 0;
  double prefill_s = 0;
  int32_t replica = -1;
};

// The latency the SLO is measured on (spec.slo.latencyMetric) of a finished request.
double SloLatency(policies::LatencyMetric metric, const RequestRecord& r);

class Fleet {
 public:
  Fleet(FleetConfig config, const std::vector<TraceRequest>* requests, uint64_t seed);

  void StartReady(int32_t n);  // n replicas ready at t = 0 (and the nodes they need)
  void Arrive(double t_s, size_t request_index);
  std::optional<double> NextEventTime() const;
  void ProcessNextEvent();
  // Sets the number of non-draining replicas (starting + ready) to n at time t_s. Returns the
  // number it could reach (the node pool's maxNodes may cap it).
  int32_t SetDesired(int32_t n, double t_s);

  int32_t queue_depth() const { return static_cast<int32_t>(queue_.size()); }
  int32_t in_flight() const { return in_flight_; }
  int32_t ready() const { return ready_; }
  int32_t starting() const { return starting_; }
  int32_t draining() const { return draining_; }
  int32_t desired() const { return ready_ + starting_; }
  int32_t nodes() const { return static_cast<int32_t>(node_ready_s_.size()); }
  int32_t ready_nodes() const;  // nodes Ready at now_s()
  // Sets the pool's node count at t_s (planned_nodes): new nodes are Ready node_provision_s
  // later (replicas placed on them wait); never fewer than the occupied replicas need.
  void SetNodes(int32_t n, double t_s);
  int32_t node_replica_capacity() const;  // replicas the pool's maxNodes can host
  double now_s() const { return now_s_; }
  const FleetConfig& config() const { return config_; }

  // Counters since t = 0 (what a /metrics endpoint would expose).
  int64_t completed_total() const { return static_cast<int64_t>(completed_.size()); }
  double service_sum_s() const { return service_sum_s_; }
  double prefill_sum_s() const { return prefill_sum_s_; }
  // Integrals up to t_s (>= now_s()): replica-seconds, busy slot-seconds, requests-in-system.
  double ReplicaSecondsAt(double t_s) const;
  double BusySlotSecondsAt(double t_s) const;
  double SystemIntegralAt(double t_s) const;

  const std::vector<RequestRecord>& records() const { return records_; }
  const std::vector<uint32_t>& completed_order() const { return completed_; }
  const std::vector<Replica>& replicas() const { return replicas_; }
  double LatencyOf(const RequestRecord& r) const { return SloLatency(config_.latency_metric, r); }

 private:
  enum class EventType { kComplete, kReady };
  struct Event {
    double t_s;
    uint64_t seq;
    EventType type;
    uint32_t id;  // request index (complete) or replica id (ready)
    bool operator>(const Event& o) const { return t_s != o.t_s ? t_s > o.t_s : seq > o.seq; }
  };

  void Advance(double t_s);  // integrates the counters up to t_s
  void Push(double t_s, EventType type, uint32_t id);
  void Dispatch();
  void Stop(Replica& r);
  void AddReplica(double t_s);
  void ShrinkNodes();
  int32_t ReplicasPerNode() const;
  int32_t Occupied() const { return ready_ + starting_ + draining_; }

  FleetConfig config_;
  const std::vector<TraceRequest>* requests_;
  Rng rng_;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
  uint64_t seq_ = 0;
  std::deque<uint32_t> queue_;
  std::vector<Replica> replicas_;
  std::vector<int32_t> live_;  // ids of replicas not stopped, in id order
  std::vector<RequestRecord> records_;
  std::vector<uint32_t> completed_;
  std::vector<double> node_ready_s_;
  double now_s_ = 0;
  int32_t ready_ = 0, starting_ = 0, draining_ = 0, in_flight_ = 0;
  double stopped_replica_s_ = 0;
  double busy_slot_s_ = 0;
  double system_integral_ = 0;
  double service_sum_s_ = 0, prefill_sum_s_ = 0;
};

}  // namespace slo::sim
