"""Tiny built-in controllers: make status follow spec.replicas, as the Deployment controller
(and Cluster API's MachineDeployment/MachinePool controllers) eventually would.

After any write to a watched resource, status.replicas and status.updatedReplicas become
spec.replicas at once and status.observedGeneration the object's generation. readyReplicas and
availableReplicas drop at once when scaling down, and reach spec.replicas either at once
(ready_delay_s = 0) or ready_delay_s seconds after the last change. Each status change is a
separate write (new resourceVersion, its own MODIFIED watch event).

Thread-safety: the hook runs under the store lock; delayed updates take it again from a
daemon timer thread.
"""

import threading

CONTROLLED = {
    "deployments": ("apps", "deployments"),
    "machinedeployments": ("cluster.x-k8s.io", "machinedeployments"),
    "machinepools": ("cluster.x-k8s.io", "machinepools"),
}


class ReplicaController:
    def __init__(self, store, resources, ready_delay_s=0.0):
        self.store = store
        self.keys = {CONTROLLED[r] for r in resources if r in CONTROLLED}
        self.ready_delay_s = ready_delay_s
        self._timers = {}
        store.hooks.append(self.on_write)

    def _desired_status(self, defn, obj, ready_now):
        spec, status = obj.get("spec"), obj.get("status") or {}
        if not isinstance(spec, dict) or not isinstance(status, dict):
            return None
        want = spec.get("replicas", 1)
        if isinstance(want, bool) or not isinstance(want, int):
            return None
        status = dict(status)
        if not isinstance(status.get("readyReplicas", 0), int):
            status.pop("readyReplicas")
        ready = status.get("readyReplicas", 0)
        ready = want if ready_now else min(ready, want)
        status.update({"replicas": want, "updatedReplicas": want, "readyReplicas": ready,
                       "availableReplicas": ready})
        if ready < want:
            status["unavailableReplicas"] = want - ready
        else:
            status.pop("unavailableReplicas", None)
        if "generation" in obj["metadata"]:
            status["observedGeneration"] = obj["metadata"]["generation"]
        if defn.key[0] == "cluster.x-k8s.io":
            status["phase"] = "Running" if ready == want else "ScalingUp"
        else:
            status["conditions"] = [{
                "type": "Available", "status": "True" if ready == want else "False",
                "reason": "MinimumReplicasAvailable" if ready == want
                else "MinimumReplicasUnavailable",
                "message": "Deployment has minimum availability." if ready == want
                else "Deployment does not have minimum availability."}]
        # Zero-valued counters are omitted on the wire by the real server.
        return {k: v for k, v in status.items() if v != 0 or k == "replicas"}

    def on_write(self, store, defn, typ, obj):
        if defn.key not in self.keys or typ == "DELETED":
            return
        ns, name = obj["metadata"].get("namespace", ""), obj["metadata"]["name"]
        self._reconcile(defn, ns, name, ready_now=self.ready_delay_s <= 0)

    def _reconcile(self, defn, ns, name, ready_now):
        def mutate(cur):
            status = self._desired_status(defn, cur, ready_now)
            if status is not None:
                cur["status"] = status
            return cur

        try:
            new = self.store.update(defn, ns, name, mutate)
        except Exception:  # noqa: BLE001 - the object went away meanwhile
            return
        status = new.get("status") or {}
        if status.get("readyReplicas", 0) < status.get("replicas", 0) and not ready_now:
            key = (defn.key, ns, name)
            old = self._timers.pop(key, None)
            if old is not None:
                old.cancel()
            t = threading.Timer(self.ready_delay_s, self._reconcile, (defn, ns, name, True))
            t.daemon = True
            self._timers[key] = t
            t.start()

    def stop(self):
        for t in list(self._timers.values()):
            t.cancel()
