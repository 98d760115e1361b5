// controller/runtime/leader.h: leader election on a coordination.k8s.io/v1 Lease, so that only
// one of several controller replicas acts while the others stand by with a warm cache.
//
// The rules are client-go's leaderelection: a replica holds the lease while it renews it within
// leaseDurationSeconds; another may take it over (leaseTransitions + 1) once renewTime +
// leaseDurationSeconds has passed. Updates carry the read resourceVersion, so two replicas
// racing for an expired lease cannot both win (one gets 409).
//
// Example:
//   LeaderElector elector(&client, "slo-system", "slo-autoscaler", "pod-a", 15.0);
//   if (elector.TryAcquireOrRenew(UnixNow())) RunPass();
//
// Thread-safety: one thread calls TryAcquireOrRenew; is_leader() may be read from any thread.
#pragma once

#include <atomic>
#include <string>

#include "controller/k8s/client.h"

namespace slo::controller {

class LeaderElector {
 public:
  LeaderElector(k8s::KubeClient* client, std::string ns, std::string name, std::string identity,
                double lease_duration_s);
  // Acquires the lease, renews it when held, or reports that another replica holds it.
  // now_s is Unix time. Returns is_leader().
  bool TryAcquireOrRenew(double now_s);
  // Gives the lease up (on shutdown) so a standby can take over at once.
  void Release(double now_s);
  bool is_leader() const { return leader_.load(); }
  const std::string& holder() const { return holder_; }

 private:
  k8s::KubeClient* client_;
  std::string ns_;
  std::string name_;
  std::string identity_;
  double duration_s_;
  std::atomic<bool> leader_{false};
  std::string holder_;
};

// RFC 3339 with microseconds (metav1.MicroTime), and its parser (nullopt when malformed).
std::string FormatMicroTime(double unix_s);
std::optional<double> ParseRfc3339(const std::string& text);

}  // namespace slo::controller
