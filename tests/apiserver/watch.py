"""Watch streams: newline-delimited JSON watch events over a chunked HTTP/1.1 response.

Each event is one line {"type": "ADDED"|"MODIFIED"|"DELETED"|"BOOKMARK"|"ERROR",
"object": {...}}. Starting point (the resourceVersion query parameter):
  - absent or "0": synthetic ADDED events for every current object that matches, then every
    change after the current revision ("get state and start at most recent");
  - N > 0: every change after revision N; when N is older than the kept history (--history,
    or after POST /_test/compact) the stream carries one ERROR event with a Status 410
    reason Expired ("too old resource version: N (M)") and ends, as kube-apiserver does;
  - sendInitialEvents=true: synthetic ADDED events, then (with allowWatchBookmarks) a
    BOOKMARK annotated "k8s.io/initial-events-end": "true" (the watch-list protocol).
With allowWatchBookmarks=true a BOOKMARK (object: kind, apiVersion and metadata.resourceVersion
only) is sent every bookmark interval. timeoutSeconds ends the stream (absent or 0: 1800 s;
fractions are accepted).
Label/field selectors filter events; an object that stops (starts) matching is reported as
DELETED (ADDED), as the real watch cache does. With Accept ...;as=Table each event's object is
a one-row meta.k8s.io/v1 Table (column definitions on the first event only).
"""

import json
import time

import errors
import tables

DEFAULT_TIMEOUT_S = 1800.0


class WatchStream:
    def __init__(self, api, req, target):
        self.api, self.req, self.t = api, req, target
        self.pred = api.predicate(req)
        rv_text = req.q("resourceVersion", "")
        self.initial = rv_text in ("", "0") or req.flag("sendInitialEvents")
        self.start_rv = None
        if rv_text not in ("", "0"):
            try:
                self.start_rv = int(rv_text)
            except ValueError:
                raise errors.bad_request(f"resourceVersion: Invalid value: {rv_text!r}") from None
        try:
            self.timeout_s = float(req.q("timeoutSeconds", "0") or "0")
        except ValueError:
            raise errors.bad_request("timeoutSeconds must be a number") from None
        if self.timeout_s <= 0:  # absent or 0: the server's default request timeout
            self.timeout_s = DEFAULT_TIMEOUT_S
        self.bookmarks = req.flag("allowWatchBookmarks")
        self.table = req.wants_table
        self.columns_sent = False
        self.ns = target.ns

    def _matches(self, obj):
        if obj is None:
            return False
        if self.ns and obj["metadata"].get("namespace") != self.ns:
            return False
        return self.pred(obj)

    def _encode(self, typ, obj):
        from api import present  # late import: api imports this module
        obj = present(self.t.defn, self.t.version, json.loads(json.dumps(obj)))
        if self.table and typ != "BOOKMARK":
            obj = tables.table(self.t.defn, self.t.version, [obj],
                               obj["metadata"]["resourceVersion"],
                               self.req.q("includeObject", "Metadata"),
                               with_columns=not self.columns_sent)
            self.columns_sent = True
        return (json.dumps({"type": typ, "object": obj}, separators=(",", ":")) + "\n").encode()

    def _bookmark(self, rv, initial_end=False):
        meta = {"resourceVersion": str(rv)}
        if initial_end:
            meta["annotations"] = {"k8s.io/initial-events-end": "true"}
        obj = {"kind": self.t.defn.kind, "apiVersion": self.t.defn.api_version(self.t.version),
               "metadata": meta}
        return (json.dumps({"type": "BOOKMARK", "object": obj}, separators=(",", ":"))
                + "\n").encode()

    def run(self, write, stopping, alive=lambda: True):
        """Stream events with write(bytes) until timeout, disconnect (a failed write or
        alive() false) or stopping.is_set()."""
        store = self.api.store
        deadline = time.monotonic() + max(0.0, self.timeout_s)
        interval = max(0.05, self.api.bookmark_interval_s)
        if self.start_rv is not None and not self.initial:
            last = self.start_rv
        else:
            items, last = store.list(self.t.defn, self.ns, self.pred)
            for obj in items:
                write(self._encode("ADDED", obj))
            if self.req.flag("sendInitialEvents") and self.bookmarks:
                write(self._bookmark(last, initial_end=True))
        next_bookmark = time.monotonic() + interval
        while not stopping.is_set() and alive():
            now = time.monotonic()
            if now >= deadline:
                return
            wait = min(deadline - now, next_bookmark - now if self.bookmarks else 0.5, 0.5)
            try:
                events, upto = store.events_after(last, max(0.0, wait))
            except errors.ApiError as e:
                status = e.status()
                write((json.dumps({"type": "ERROR", "object": status}, separators=(",", ":"))
                       + "\n").encode())
                return
            for ev in events:
                if ev.key != self.t.defn.key:
                    continue
                out = self._translate(ev)
                if out is not None:
                    write(self._encode(*out))
            last = max(last, upto)
            if self.bookmarks and time.monotonic() >= next_bookmark:
                write(self._bookmark(last))
                next_bookmark = time.monotonic() + interval

    def _translate(self, ev):
        now_match = self._matches(ev.obj)
        old_match = self._matches(ev.old)
        if ev.type == "DELETED":
            return ("DELETED", ev.obj) if old_match else None
        if ev.type == "ADDED":
            return ("ADDED", ev.obj) if now_match else None
        if now_match and old_match:
            return ("MODIFIED", ev.obj)
        if now_match:
            return ("ADDED", ev.obj)
        if old_match:
            return ("DELETED", ev.obj)
        return None
