"""Test-control state: injected faults, the request log and run-time auth settings.

Faults: rules {"method": "PATCH", "path": "regex", "count": N, "action": A,
"retryAfterSeconds": S, "hangSeconds": H}; the next N requests whose method equals `method`
(any when absent) and whose path matches `path` (re.search; any when absent) fail with A:
"409" (Conflict Status), "429" (TooManyRequests + Retry-After), "500" (InternalError),
"503" (ServiceUnavailable + Retry-After), "reset" (the connection is closed without an
answer) or "hang" (nothing is sent for hangSeconds, then the connection is closed).
Rules are tried in the order they were added; a rule is used up after `count` matches.

Thread-safety: every method takes the object's lock.
"""

import re
import threading

ACTIONS = ("409", "429", "500", "503", "reset", "hang")


class FaultRule:
    def __init__(self, spec):
        if not isinstance(spec, dict):
            raise ValueError("a fault must be a JSON object")
        self.method = spec.get("method")
        if self.method is not None and not isinstance(self.method, str):
            raise ValueError("method must be a string")
        self.method = self.method.upper() if self.method else None
        path = spec.get("path")
        self.path_text = path
        try:
            self.path = re.compile(path) if path else None
        except (re.error, TypeError) as e:
            raise ValueError(f"path is not a valid regular expression: {e}") from None
        self.count = spec.get("count", 1)
        if isinstance(self.count, bool) or not isinstance(self.count, int) or self.count < 1:
            raise ValueError("count must be an integer >= 1")
        self.action = str(spec.get("action", ""))
        if self.action not in ACTIONS:
            raise ValueError(f"action must be one of {', '.join(ACTIONS)}")
        self.retry_after_s = spec.get("retryAfterSeconds", 1)
        self.hang_s = spec.get("hangSeconds", 30)
        for name, v in (("retryAfterSeconds", self.retry_after_s),
                        ("hangSeconds", self.hang_s)):
            if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
                raise ValueError(f"{name} must be a number >= 0")

    def matches(self, method, path):
        return ((self.method is None or self.method == method)
                and (self.path is None or self.path.search(path) is not None))

    def describe(self):
        return {"method": self.method, "path": self.path_text, "count": self.count,
                "action": self.action, "retryAfterSeconds": self.retry_after_s,
                "hangSeconds": self.hang_s}


class TestControl:
    def __init__(self, token=None, forbid=(), user="system:serviceaccount:default:default"):
        self._lock = threading.Lock()
        self._faults = []
        self._log = []
        self._next_index = 0
        self.token = token
        self.forbid = set()
        self.user = user
        self.set_forbid(forbid)

    # -- faults -------------------------------------------------------------------------------
    def add_fault(self, spec):
        rule = FaultRule(spec)
        with self._lock:
            self._faults.append(rule)
        return rule.describe()

    def clear_faults(self):
        with self._lock:
            self._faults.clear()

    def faults(self):
        with self._lock:
            return [f.describe() for f in self._faults]

    def take_fault(self, method, path):
        """The fault to apply to this request (consuming one count), or None."""
        with self._lock:
            for rule in self._faults:
                if rule.matches(method, path):
                    rule.count -= 1
                    if rule.count <= 0:
                        self._faults.remove(rule)
                    return rule
        return None

    # -- request log --------------------------------------------------------------------------
    def log_request(self, entry):
        entry = dict(entry)
        with self._lock:
            entry["index"] = self._next_index
            self._next_index += 1
            self._log.append(entry)
            if len(self._log) > 100000:
                del self._log[:10000]
            return entry

    def requests(self):
        with self._lock:
            return [dict(e) for e in self._log]

    def clear_requests(self):
        with self._lock:
            self._log.clear()

    # -- auth ---------------------------------------------------------------------------------
    def set_forbid(self, rules):
        parsed = set()
        for r in rules:
            if not isinstance(r, str) or ":" not in r:
                raise ValueError(f"forbid rule {r!r} is not VERB:RESOURCE")
            verb, resource = r.split(":", 1)
            parsed.add((verb.strip().lower(), resource.strip()))
        with self._lock:
            self.forbid = parsed

    def is_forbidden(self, verb, resource, subresource):
        full = f"{resource}/{subresource}" if subresource else resource
        with self._lock:
            return any(v in (verb, "*") and r in (full, "*") for v, r in self.forbid)

    def check_token(self, header):
        with self._lock:
            token = self.token
        if not token:
            return True
        return header == f"Bearer {token}"
