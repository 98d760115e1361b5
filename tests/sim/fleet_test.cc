#include "sim/fleet.h"

#include <gtest/gtest.h>

namespace slo::sim {
namespace {

std::vector<TraceRequest> Requests(std::vector<std::pair<double, double>> arrival_service) {
  std::vector<TraceRequest> out;
  for (auto [a, s] : arrival_service) {
    TraceRequest r;
    r.arrival_s = a;
    r.service_s = s;
    out.push_back(r);
  }
  return out;
}

FleetConfig Config(int32_t slots, double startup_s) {
  FleetConfig c;
  c.concurrency_per_replica = slots;
  c.startup_s = startup_s;
  c.latency_metric = policies::LatencyMetric::kE2e;
  return c;
}

void RunUntil(Fleet& f, double t) {
  while (auto next = f.NextEventTime()) {
    if (*next > t) break;
    f.ProcessNextEvent();
  }
}

TEST(SimFleetTest, WorkConservingDispatchToLeastLoadedReplica) {
  auto reqs = Requests({{0, 10}, {0, 10}, {0, 10}, {0, 10}});
  Fleet f(Config(2, 60), &reqs, 1);
  f.StartReady(2);
  for (size_t i = 0; i < reqs.size(); ++i) f.Arrive(0, i);
  EXPECT_EQ(f.in_flight(), 4);
  EXPECT_EQ(f.queue_depth(), 0);
  EXPECT_EQ(f.records()[0].replica, 0);
  EXPECT_EQ(f.records()[1].replica, 1);  // least loaded, not first free
  EXPECT_EQ(f.records()[2].replica, 0);
}

TEST(SimFleetTest, QueuedRequestStartsWhenASlotFrees) {
  auto reqs = Requests({{0, 5}, {1, 5}});
  Fleet f(Config(1, 60), &reqs, 1);
  f.StartReady(1);
  f.Arrive(0, 0);
  f.Arrive(1, 1);
  EXPECT_EQ(f.queue_depth(), 1);
  RunUntil(f, 100);
  EXPECT_DOUBLE_EQ(f.records()[1].start_s, 5.0);
  EXPECT_DOUBLE_EQ(f.records()[1].finish_s, 10.0);
  EXPECT_DOUBLE_EQ(f.LatencyOf(f.records()[1]), 9.0);
}

TEST(SimFleetTest, NewReplicaServesOnlyAfterStartup) {
  auto reqs = Requests({{0, 1}});
  Fleet f(Config(1, 30), &reqs, 1);
  f.SetDesired(1, 0);
  EXPECT_EQ(f.starting(), 1);
  f.Arrive(0, 0);
  EXPECT_EQ(f.queue_depth(), 1);
  RunUntil(f, 100);
  EXPECT_DOUBLE_EQ(f.records()[0].start_s, 30.0);
  EXPECT_EQ(f.ready(), 1);
}

TEST(SimFleetTest, RemovedReplicaDrainsAndCostsUntilItsLastRequestEnds) {
  auto reqs = Requests({{0, 50}});
  Fleet f(Config(4, 10), &reqs, 1);
  f.StartReady(2);
  f.Arrive(0, 0);  // on replica 0 (least loaded, lowest id)
  f.SetDesired(1, 10);  // removes the idle replica 1 at once
  EXPECT_EQ(f.ready(), 1);
  EXPECT_EQ(f.draining(), 0);
  f.SetDesired(0, 20);  // replica 0 drains
  EXPECT_EQ(f.draining(), 1);
  EXPECT_EQ(f.desired(), 0);
  RunUntil(f, 100);
  EXPECT_EQ(f.draining(), 0);
  // replica 1: 0..10, replica 0: 0..50 (drained at its request's end).
  EXPECT_DOUBLE_EQ(f.ReplicaSecondsAt(100), 60.0);
  EXPECT_DOUBLE_EQ(f.BusySlotSecondsAt(100), 50.0);
}

TEST(SimFleetTest, RemovesStartingReplicasFirstAndTheyCostUntilRemoved) {
  auto reqs = Requests({{0, 1}});
  Fleet f(Config(1, 100), &reqs, 1);
  f.StartReady(1);
  f.SetDesired(3, 0);
  EXPECT_EQ(f.starting(), 2);
  f.SetDesired(1, 40);
  EXPECT_EQ(f.starting(), 0);
  EXPECT_EQ(f.ready(), 1);
  RunUntil(f, 200);  // stale readiness events are ignored
  EXPECT_EQ(f.ready(), 1);
  EXPECT_DOUBLE_EQ(f.ReplicaSecondsAt(200), 200.0 + 2 * 40.0);
}

TEST(SimFleetTest, NodePoolAddsProvisioningTimeWhenNodesAreNeeded) {
  auto reqs = Requests({{0, 1}});
  FleetConfig c = Config(1, 60);
  c.node_pool = policies::NodePoolSizing{1, 2, 0, 2};  // 2 replicas per node, at most 2 nodes
  c.node_provision_s = 180;
  Fleet f(c, &reqs, 1);
  f.StartReady(1);                  // node 0 ready at 0, one free slot on it
  EXPECT_EQ(f.nodes(), 1);
  EXPECT_EQ(f.SetDesired(5, 0), 4);  // capped by maxNodes × 2
  EXPECT_EQ(f.nodes(), 2);
  const auto& r = f.replicas();
  EXPECT_DOUBLE_EQ(r[1].ready_s, 60.0);        // fits on the existing node
  EXPECT_DOUBLE_EQ(r[2].ready_s, 180.0 + 60.0);  // waits for a new node
  EXPECT_DOUBLE_EQ(r[3].ready_s, 240.0);
  f.SetDesired(1, 10);
  EXPECT_EQ(f.nodes(), 1);  // the unneeded node is released
}

}  // namespace
}  // namespace slo::sim
