"""The object store: objects by (group, resource) and (namespace, name), one global
resourceVersion counter, and a bounded history of watch events.

All state sits behind one Condition (`store.cond`), which is also what watchers wait on.
Writers pass a `mutate` function to `update`, which runs under the lock, so every
read-modify-write (PUT, PATCH, /scale, /status, controllers) is atomic.

Watch history: every write appends (rv, key, type, object, previous object). Only the last
`history` events are kept; `compacted_rv` is the newest revision that was dropped (or
compacted via compact()), and a watch that starts from an older revision gets 410 Expired,
as kube-apiserver answers when etcd compacted the revision away.

Example:
    store = Store(registry, history=1000)
    obj = store.create(defn, {"metadata": {"name": "web", "namespace": "default"}, ...})
    store.update(defn, "default", "web", lambda old: {**old, "spec": {...}})
"""

import copy
import datetime
import threading
import uuid

import errors


def now_rfc3339():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Event:
    __slots__ = ("rv", "key", "type", "obj", "old")

    def __init__(self, rv, key, typ, obj, old):
        self.rv, self.key, self.type, self.obj, self.old = rv, key, typ, obj, old


class Store:
    def __init__(self, registry, history=1000):
        self.registry = registry
        self.cond = threading.Condition()
        self.rv = 0
        self.data = {}
        self.history = []
        self.history_limit = max(1, history)
        self.compacted_rv = 0
        self.closed = False
        self.hooks = []  # fn(store, defn, event_type, obj) called under the lock after writes

    # -- helpers (call with the lock held) ---------------------------------------------------
    def _bucket(self, defn):
        return self.data.setdefault(defn.key, {})

    def _next_rv(self):
        self.rv += 1
        return self.rv

    def _record(self, defn, typ, obj, old):
        self.history.append(Event(int(obj["metadata"]["resourceVersion"]), defn.key, typ, obj, old))
        if len(self.history) > self.history_limit:
            drop = len(self.history) - self.history_limit
            self.compacted_rv = max(self.compacted_rv, self.history[drop - 1].rv)
            del self.history[:drop]
        self.cond.notify_all()
        for hook in self.hooks:
            hook(self, defn, typ, obj)

    # -- reads --------------------------------------------------------------------------------
    def current_rv(self):
        with self.cond:
            return self.rv

    def get(self, defn, ns, name):
        with self.cond:
            obj = self._bucket(defn).get((ns or "", name))
            if obj is None:
                raise errors.not_found(defn.group, defn.resource, name)
            return copy.deepcopy(obj)

    def exists(self, defn, ns, name):
        with self.cond:
            return (ns or "", name) in self._bucket(defn)

    def list(self, defn, ns=None, predicate=None):
        """(sorted deep-copied items, list resourceVersion)."""
        with self.cond:
            items = [o for (ons, _), o in sorted(self._bucket(defn).items())
                     if (not ns or ons == ns) and (predicate is None or predicate(o))]
            return copy.deepcopy(items), self.rv

    # -- writes -------------------------------------------------------------------------------
    def create(self, defn, obj, dry_run=False):
        meta = obj["metadata"]
        key = (meta.get("namespace", ""), meta["name"])
        with self.cond:
            bucket = self._bucket(defn)
            if key in bucket:
                raise errors.already_exists(defn.group, defn.resource, meta["name"])
            meta["uid"] = str(uuid.uuid4())
            meta["creationTimestamp"] = now_rfc3339()
            if dry_run:
                meta["resourceVersion"] = str(self.rv)
                return copy.deepcopy(obj)
            meta["resourceVersion"] = str(self._next_rv())
            bucket[key] = obj
            self._record(defn, "ADDED", obj, None)
            return copy.deepcopy(obj)

    def update(self, defn, ns, name, mutate, dry_run=False):
        """mutate(old copy) -> new object (or the old one for "no change"); runs locked.
        Returns the stored object. A new object equal to the old one is not written (no new
        resourceVersion, no watch event), as the real server does for no-op updates."""
        with self.cond:
            bucket = self._bucket(defn)
            old = bucket.get((ns or "", name))
            if old is None:
                raise errors.not_found(defn.group, defn.resource, name)
            new = mutate(copy.deepcopy(old))
            new["metadata"]["resourceVersion"] = old["metadata"]["resourceVersion"]
            if new == old or dry_run:
                return copy.deepcopy(new)
            new["metadata"]["resourceVersion"] = str(self._next_rv())
            bucket[(ns or "", name)] = new
            self._record(defn, "MODIFIED", new, old)
            return copy.deepcopy(new)

    def delete(self, defn, ns, name, precondition_rv=None, precondition_uid=None, dry_run=False):
        with self.cond:
            bucket = self._bucket(defn)
            old = bucket.get((ns or "", name))
            if old is None:
                raise errors.not_found(defn.group, defn.resource, name)
            if precondition_rv and precondition_rv != old["metadata"]["resourceVersion"]:
                raise errors.conflict(defn.group, defn.resource, name,
                                      f"Precondition failed: ResourceVersion in precondition: "
                                      f"{precondition_rv}, ResourceVersion in object meta: "
                                      f"{old['metadata']['resourceVersion']}")
            if precondition_uid and precondition_uid != old["metadata"]["uid"]:
                raise errors.conflict(defn.group, defn.resource, name,
                                      f"Precondition failed: UID in precondition: "
                                      f"{precondition_uid}, UID in object meta: "
                                      f"{old['metadata']['uid']}")
            if dry_run:
                return copy.deepcopy(old)
            del bucket[(ns or "", name)]
            gone = copy.deepcopy(old)
            gone["metadata"]["resourceVersion"] = str(self._next_rv())
            self._record(defn, "DELETED", gone, old)
            if defn.key == ("", "namespaces"):
                self._delete_namespaced_content(name)
            return copy.deepcopy(gone)

    def delete_all(self, defn, ns=None):
        """Delete every object of a resource (optionally in one namespace); returns them."""
        with self.cond:
            names = [k for k in sorted(self._bucket(defn)) if not ns or k[0] == ns]
            return [self.delete(defn, k[0], k[1]) for k in names]

    def _delete_namespaced_content(self, ns):
        for defn in self.registry.all():
            if defn.namespaced:
                self.delete_all(defn, ns)

    def drop_resource(self, defn):
        """A CRD went away: delete its objects (with DELETED events)."""
        with self.cond:
            self.delete_all(defn)
            self.data.pop(defn.key, None)

    # -- watch --------------------------------------------------------------------------------
    def compact(self):
        """Forget all history: a watch from any revision older than now gets 410."""
        with self.cond:
            self.compacted_rv = self.rv
            self.history.clear()
            self.cond.notify_all()

    def check_not_expired(self, rv):
        with self.cond:
            if rv < self.compacted_rv:
                raise errors.expired(rv, self.compacted_rv + 1)

    def events_after(self, rv, timeout_s):
        """Events newer than rv (waiting up to timeout_s when none); returns (events, upto_rv).
        Raises 410 Expired when rv has been compacted away."""
        with self.cond:
            if not self._pending(rv) and not self.closed:
                self.cond.wait(timeout_s)
            if rv < self.compacted_rv:
                raise errors.expired(rv, self.compacted_rv + 1)
            return [e for e in self.history if e.rv > rv], self.rv

    def _pending(self, rv):
        return self.rv > rv or rv < self.compacted_rv

    def close(self):
        with self.cond:
            self.closed = True
            self.cond.notify_all()
