#!/usr/bin/env python3
"""Checks RBAC rules against the API requests a controller really made: least privilege, both ways.

  check_rbac.py --rbac RENDERED.json --requests LOG.json [--service-account NS/NAME]
                [--per-permission] [--ignore-unused GROUP/RESOURCE ...]

RENDERED.json: a JSON list of Kubernetes objects (e.g. `helm template` turned into JSON by
tests/chart/validator/chart_tool.mjs to-json); its ClusterRoles, Roles and bindings are read.
LOG.json: the request log of tests/apiserver (GET /_test/requests): {"requests": [{"method":
"GET", "path": "/apis/apps/v1/namespaces/a/deployments/x/scale", "query": "watch=true", ...}]}
(other keys are ignored; the query may also be part of "path"), or just the list.

Each request is mapped to (verb, apiGroup, resource[/subresource], namespace, name) the way the
API server's RequestInfo resolver does, then checked:
  1. every request is allowed by some rule that is bound to the service account (a ClusterRole
     through a ClusterRoleBinding everywhere; a Role, or a ClusterRole through a RoleBinding, in
     the binding's namespace);
  2. every rule is used by some request (with --per-permission: every verb x apiGroup x resource
     combination of every rule), so the rules grant nothing the controller does not use;
  3. no rule uses a wildcard ("*") in verbs, apiGroups or resources.
Exit 0 when all hold, 1 with one line per problem, 2 on usage errors. Standard library only.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

# Paths every authenticated user may read (the default system:discovery and
# system:public-info-viewer ClusterRoles), so they need no rule of ours.
DISCOVERY_PATHS = ("/api", "/apis", "/version", "/healthz", "/livez", "/readyz", "/openapi")
TEST_SERVER_PREFIX = "/_test/"


@dataclass(frozen=True)
class RequestInfo:
    """What the authorizer sees for one request."""

    verb: str
    api_group: str = ""
    resource: str = ""  # "deployments" or "deployments/scale"
    namespace: str = ""  # "" for cluster-scoped or all-namespaces requests
    name: str = ""
    non_resource_path: str = ""  # set for non-resource requests (/version, /metrics...)

    def describe(self) -> str:
        if self.non_resource_path:
            return f"{self.verb} {self.non_resource_path}"
        group = self.api_group or "core"
        where = f" in namespace {self.namespace}" if self.namespace else " (cluster-wide)"
        name = f" {self.name}" if self.name else ""
        return f"{self.verb} {group}/{self.resource}{name}{where}"


_VERBS = {"POST": "create", "PUT": "update", "PATCH": "patch"}


def resolve(method: str, path: str) -> RequestInfo:
    """Maps an HTTP request to a RequestInfo, like k8s.io/apiserver's RequestInfoFactory."""
    url = urlsplit(path)
    query = parse_qs(url.query)
    parts = [p for p in url.path.split("/") if p]
    method = method.upper()
    if not parts or parts[0] not in ("api", "apis"):
        return RequestInfo(verb=method.lower(), non_resource_path=url.path)
    if parts[0] == "api":
        if len(parts) < 3:  # /api, /api/v1: discovery
            return RequestInfo(verb=method.lower(), non_resource_path=url.path)
        group, rest = "", parts[2:]
    else:
        if len(parts) < 4:  # /apis, /apis/GROUP, /apis/GROUP/VERSION: discovery
            return RequestInfo(verb=method.lower(), non_resource_path=url.path)
        group, rest = parts[1], parts[3:]

    watch_prefix = rest[0] == "watch"
    if watch_prefix:
        rest = rest[1:]
    namespace = ""
    if len(rest) >= 2 and rest[0] == "namespaces" and len(rest) > 2:
        namespace, rest = rest[1], rest[2:]
    elif len(rest) == 2 and rest[0] == "namespaces":
        namespace = rest[1]  # the namespace object itself: resource namespaces, name NS
    resource = rest[0] if rest else ""
    name = rest[1] if len(rest) > 1 else ""
    if len(rest) > 2:
        resource = f"{resource}/{rest[2]}"

    if method in _VERBS:
        verb = _VERBS[method]
    elif method == "DELETE":
        verb = "delete" if name else "deletecollection"
    else:  # GET, HEAD
        watch = watch_prefix or query.get("watch", [""])[0].lower() in ("true", "1")
        if name:
            verb = "watch" if watch else "get"
        else:
            verb = "watch" if watch else "list"
    return RequestInfo(verb, group, resource, namespace, name)


@dataclass
class Grant:
    """One rule of one role, bound in `namespace` ("" = cluster-wide)."""

    role: str
    index: int
    rule: dict
    namespace: str
    used: set = field(default_factory=set)  # (verb, group, resource) triples requests used

    def label(self) -> str:
        r = self.rule
        names = f" resourceNames={r['resourceNames']}" if r.get("resourceNames") else ""
        return (f"{self.role} rule {self.index}: verbs={r.get('verbs', [])} "
                f"apiGroups={r.get('apiGroups', [])} resources={r.get('resources', [])}{names}")

    def matches(self, req: RequestInfo) -> tuple | None:
        """The (verb, group, resource) this rule grants the request, or None."""
        r = self.rule
        if req.non_resource_path:
            urls = r.get("nonResourceURLs", [])
            ok = req.verb in r.get("verbs", []) and any(
                u == req.non_resource_path or (u.endswith("*") and req.non_resource_path.startswith(u[:-1]))
                for u in urls)
            return (req.verb, "", req.non_resource_path) if ok else None
        if self.namespace and req.namespace != self.namespace:
            return None
        if req.verb not in r.get("verbs", []) and "*" not in r.get("verbs", []):
            return None
        if req.api_group not in r.get("apiGroups", []) and "*" not in r.get("apiGroups", []):
            return None
        if req.resource not in r.get("resources", []) and "*" not in r.get("resources", []):
            return None
        names = r.get("resourceNames") or []
        if names and req.name not in names:
            return None
        return (req.verb, req.api_group, req.resource)

    def permissions(self) -> set:
        r = self.rule
        if r.get("nonResourceURLs"):
            return {(v, "", u) for v in r.get("verbs", []) for u in r["nonResourceURLs"]}
        return {(v, g, res) for v in r.get("verbs", []) for g in r.get("apiGroups", [])
                for res in r.get("resources", [])}


def grants_for(objects: list, service_account: str | None) -> list[Grant]:
    """The rules bound to the service account (any ServiceAccount subject when None)."""
    roles = {}
    for o in objects:
        kind, meta = o.get("kind"), o.get("metadata", {})
        if kind == "ClusterRole":
            roles[("ClusterRole", "", meta["name"])] = o
        elif kind == "Role":
            roles[("Role", meta.get("namespace", ""), meta["name"])] = o

    def bound(subjects) -> bool:
        for s in subjects or []:
            if s.get("kind") != "ServiceAccount":
                continue
            if service_account is None or f"{s.get('namespace', '')}/{s.get('name')}" == service_account:
                return True
        return False

    grants = []
    bindings = [o for o in objects if o.get("kind") in ("ClusterRoleBinding", "RoleBinding")]
    for b in bindings:
        if not bound(b.get("subjects")):
            continue
        ref = b.get("roleRef", {})
        ns = b.get("metadata", {}).get("namespace", "") if b["kind"] == "RoleBinding" else ""
        key = (ref.get("kind"), ns if ref.get("kind") == "Role" else "", ref.get("name"))
        role = roles.get(key)
        if role is None:
            continue
        label = f"{role['kind']} {('%s/' % key[1]) if key[1] else ''}{key[2]}"
        for i, rule in enumerate(role.get("rules") or []):
            grants.append(Grant(label, i, rule, ns))
    return grants


def load_requests(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if isinstance(data, dict):
        data = data.get("requests", [])
    out = []
    for r in data:
        path = r.get("path", "")
        if path.startswith(TEST_SERVER_PREFIX):
            continue
        if r.get("query") and "?" not in path:  # tests/apiserver logs the query separately
            path = f"{path}?{r['query']}"
        out.append({"method": r.get("method", "GET"), "path": path})
    return out


def check(objects: list, requests: list[dict], service_account: str | None = None,
          per_permission: bool = False, ignore_unused: tuple = ()) -> list[str]:
    """All problems found; an empty list means the rules are exactly what the requests need."""
    problems = []
    grants = grants_for(objects, service_account)
    if not grants:
        return ["no rules are bound to the service account"]
    for g in grants:
        r = g.rule
        for key in ("verbs", "apiGroups", "resources", "nonResourceURLs"):
            if "*" in (r.get(key) or []):
                problems.append(f"{g.label()}: wildcard in {key}")
    for req in requests:
        info = resolve(req.get("method", "GET"), req.get("path", ""))
        if info.non_resource_path and any(info.non_resource_path == p or info.non_resource_path.startswith(p + "/")
                                          for p in DISCOVERY_PATHS):
            continue
        allowed = False
        for g in grants:
            perm = g.matches(info)
            if perm:
                g.used.add(perm)
                allowed = True
        if not allowed:
            problems.append(f"DENIED: {req.get('method')} {req.get('path')} needs {info.describe()}")
    for g in grants:
        wanted = g.permissions()
        ignored = {p for p in wanted if f"{p[1] or 'core'}/{p[2]}" in ignore_unused}
        if per_permission:
            unused = sorted(wanted - g.used - ignored)
            for verb, group, res in unused:
                problems.append(f"UNUSED: {g.label()}: {verb} {group or 'core'}/{res} was never requested")
        elif not g.used and wanted - ignored:
            problems.append(f"UNUSED: {g.label()}: no request used this rule")
    return problems


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rbac", required=True, help="JSON list of rendered objects")
    parser.add_argument("--requests", required=True, help="request log JSON (GET /_test/requests)")
    parser.add_argument("--service-account", help="NAMESPACE/NAME of the subject (default: any)")
    parser.add_argument("--per-permission", action="store_true",
                        help="require every verb x group x resource of every rule to be used")
    parser.add_argument("--ignore-unused", action="append", default=[], metavar="GROUP/RESOURCE",
                        help="do not report this permission as unused (group 'core' for \"\")")
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return 2 if e.code else 0
    try:
        with open(args.rbac, encoding="utf-8") as f:
            objects = json.load(f)
        requests = load_requests(args.requests)
    except (OSError, ValueError) as e:
        print(f"check_rbac: {e}", file=sys.stderr)
        return 1
    problems = check(objects, requests, args.service_account, args.per_permission,
                     tuple(args.ignore_unused))
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f"check_rbac: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"check_rbac: {len(requests)} requests all allowed; every rule used")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
