#!/usr/bin/env python3
"""Tests of check_rbac.py on hand-written roles and request logs (run: python3 -m unittest)."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_rbac  # noqa: E402
from check_rbac import RequestInfo  # noqa: E402

SA = {"kind": "ServiceAccount", "name": "ctl", "namespace": "sys"}


def cluster_role(name, rules):
    return [
        {"kind": "ClusterRole", "metadata": {"name": name}, "rules": rules},
        {"kind": "ClusterRoleBinding", "metadata": {"name": name},
         "roleRef": {"kind": "ClusterRole", "name": name}, "subjects": [SA]},
    ]


def role(name, ns, rules):
    return [
        {"kind": "Role", "metadata": {"name": name, "namespace": ns}, "rules": rules},
        {"kind": "RoleBinding", "metadata": {"name": name, "namespace": ns},
         "roleRef": {"kind": "Role", "name": name}, "subjects": [SA]},
    ]


def req(method, path):
    return {"method": method, "path": path}


SCALE_RULE = {"apiGroups": ["apps"], "resources": ["deployments/scale"], "verbs": ["get", "patch"]}
LEASE_RULES = [
    {"apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "verbs": ["create"]},
    {"apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "resourceNames": ["me"],
     "verbs": ["get", "update"]},
]


class ResolveTest(unittest.TestCase):
    """Paths map to what the API server's RequestInfo resolver reports."""

    CASES = {
        "core namespaced get": ("GET", "/api/v1/namespaces/a/pods/p",
                                RequestInfo("get", "", "pods", "a", "p")),
        "core list all namespaces with query": ("GET", "/api/v1/pods?fieldSelector=x%3Dy",
                                                RequestInfo("list", "", "pods")),
        "cluster-scoped list": ("GET", "/api/v1/nodes", RequestInfo("list", "", "nodes")),
        "watch by query": ("GET", "/apis/slo-autoscaler.io/v1alpha1/inferenceautoscalers?watch=true",
                           RequestInfo("watch", "slo-autoscaler.io", "inferenceautoscalers")),
        "watch by legacy prefix": ("GET", "/apis/apps/v1/watch/namespaces/a/deployments",
                                   RequestInfo("watch", "apps", "deployments", "a")),
        "subresource patch": ("PATCH", "/apis/apps/v1/namespaces/a/deployments/d/scale",
                              RequestInfo("patch", "apps", "deployments/scale", "a", "d")),
        "status update": ("PUT", "/apis/g.io/v1/namespaces/a/things/t/status",
                          RequestInfo("update", "g.io", "things/status", "a", "t")),
        "create in namespace": ("POST", "/api/v1/namespaces/a/events",
                                RequestInfo("create", "", "events", "a")),
        "delete one": ("DELETE", "/api/v1/namespaces/a/pods/p", RequestInfo("delete", "", "pods", "a", "p")),
        "delete collection": ("DELETE", "/api/v1/namespaces/a/pods",
                              RequestInfo("deletecollection", "", "pods", "a")),
        "the namespace object": ("GET", "/api/v1/namespaces/a",
                                 RequestInfo("get", "", "namespaces", "a", "a")),
        "cluster-scoped patch": ("PATCH", "/apis/karpenter.sh/v1/nodepools/gpu",
                                 RequestInfo("patch", "karpenter.sh", "nodepools", "", "gpu")),
        "non-resource": ("GET", "/version", RequestInfo("get", non_resource_path="/version")),
        "group discovery": ("GET", "/apis/apps/v1", RequestInfo("get", non_resource_path="/apis/apps/v1")),
    }

    def test_resolves_paths_like_the_api_server(self):
        for name, (method, path, want) in self.CASES.items():
            with self.subTest(name):
                self.assertEqual(check_rbac.resolve(method, path), want)


class CheckTest(unittest.TestCase):
    """Every request must be allowed and every rule used."""

    CASES = {
        "exact rules pass": dict(
            objects=cluster_role("c", [SCALE_RULE]),
            requests=[req("GET", "/apis/apps/v1/namespaces/a/deployments/d/scale"),
                      req("PATCH", "/apis/apps/v1/namespaces/b/deployments/e/scale")],
            per_permission=True, want=[]),
        "request without a rule is denied": dict(
            objects=cluster_role("c", [SCALE_RULE]),
            requests=[req("GET", "/apis/apps/v1/namespaces/a/deployments/d/scale"),
                      req("PATCH", "/apis/apps/v1/namespaces/a/deployments/d/scale"),
                      req("PUT", "/apis/apps/v1/namespaces/a/deployments/d/scale")],
            want=["DENIED: PUT /apis/apps/v1/namespaces/a/deployments/d/scale"]),
        "rule no request uses is reported": dict(
            objects=cluster_role("c", [SCALE_RULE, {"apiGroups": [""], "resources": ["nodes"],
                                                    "verbs": ["list"]}]),
            requests=[req("GET", "/apis/apps/v1/namespaces/a/deployments/d/scale")],
            want=["UNUSED: ClusterRole c rule 1"]),
        "per-permission reports an unused verb": dict(
            objects=cluster_role("c", [SCALE_RULE]),
            requests=[req("GET", "/apis/apps/v1/namespaces/a/deployments/d/scale")],
            per_permission=True, want=["UNUSED: ClusterRole c rule 0: verbs=['get', 'patch'] "
                                       "apiGroups=['apps'] resources=['deployments/scale']: patch"]),
        "ignored permission is not reported unused": dict(
            objects=cluster_role("c", [SCALE_RULE]),
            requests=[req("GET", "/apis/apps/v1/namespaces/a/deployments/d/scale")],
            per_permission=True, ignore=("apps/deployments/scale",), want=[]),
        "subresource needs its own rule": dict(
            objects=cluster_role("c", [{"apiGroups": ["apps"], "resources": ["deployments"],
                                        "verbs": ["get"]}]),
            requests=[req("GET", "/apis/apps/v1/namespaces/a/deployments/d/scale")],
            want=["DENIED: GET /apis/apps/v1/namespaces/a/deployments/d/scale",
                  "UNUSED: ClusterRole c rule 0"]),
        "role only allows its namespace": dict(
            objects=role("r", "a", [SCALE_RULE]),
            requests=[req("GET", "/apis/apps/v1/namespaces/a/deployments/d/scale"),
                      req("PATCH", "/apis/apps/v1/namespaces/b/deployments/d/scale")],
            want=["DENIED: PATCH /apis/apps/v1/namespaces/b/deployments/d/scale"]),
        "role cannot list across namespaces": dict(
            objects=role("r", "a", [{"apiGroups": [""], "resources": ["pods"], "verbs": ["list"]}]),
            requests=[req("GET", "/api/v1/pods")],
            want=["DENIED: GET /api/v1/pods", "UNUSED: Role a/r rule 0"]),
        "resourceNames limit get and update to one lease": dict(
            objects=role("le", "sys", LEASE_RULES),
            requests=[req("POST", "/apis/coordination.k8s.io/v1/namespaces/sys/leases"),
                      req("GET", "/apis/coordination.k8s.io/v1/namespaces/sys/leases/me"),
                      req("PUT", "/apis/coordination.k8s.io/v1/namespaces/sys/leases/other")],
            want=["DENIED: PUT /apis/coordination.k8s.io/v1/namespaces/sys/leases/other"]),
        "wildcards are flagged": dict(
            objects=cluster_role("c", [{"apiGroups": ["*"], "resources": ["pods"], "verbs": ["*"]}]),
            requests=[req("GET", "/api/v1/pods")],
            want=["ClusterRole c rule 0: verbs=['*'] apiGroups=['*'] resources=['pods']: wildcard in verbs",
                  "ClusterRole c rule 0: verbs=['*'] apiGroups=['*'] resources=['pods']: wildcard in apiGroups"]),
        "discovery and test-server paths need no rule": dict(
            objects=cluster_role("c", [{"apiGroups": [""], "resources": ["nodes"], "verbs": ["list"]}]),
            requests=[req("GET", "/version"), req("GET", "/apis"), req("GET", "/api/v1"),
                      req("GET", "/api/v1/nodes")],
            want=[]),
        "rules bound to another service account do not count": dict(
            objects=[{"kind": "ClusterRole", "metadata": {"name": "c"}, "rules": [SCALE_RULE]},
                     {"kind": "ClusterRoleBinding", "metadata": {"name": "c"},
                      "roleRef": {"kind": "ClusterRole", "name": "c"},
                      "subjects": [{"kind": "ServiceAccount", "name": "x", "namespace": "sys"}]}],
            requests=[req("GET", "/apis/apps/v1/namespaces/a/deployments/d/scale")],
            sa="sys/ctl", want=["no rules are bound to the service account"]),
        "cluster role bound by a role binding is namespaced": dict(
            objects=[{"kind": "ClusterRole", "metadata": {"name": "c"}, "rules": [SCALE_RULE]},
                     {"kind": "RoleBinding", "metadata": {"name": "c", "namespace": "a"},
                      "roleRef": {"kind": "ClusterRole", "name": "c"}, "subjects": [SA]}],
            requests=[req("GET", "/apis/apps/v1/namespaces/a/deployments/d/scale"),
                      req("PATCH", "/apis/apps/v1/namespaces/b/deployments/d/scale")],
            want=["DENIED: PATCH /apis/apps/v1/namespaces/b/deployments/d/scale"]),
    }

    def test_table(self):
        for name, c in self.CASES.items():
            with self.subTest(name):
                got = check_rbac.check(c["objects"], c["requests"], c.get("sa"),
                                       c.get("per_permission", False), c.get("ignore", ()))
                self.assertEqual(len(got), len(c["want"]), got)
                for g, w in zip(got, c["want"]):
                    self.assertTrue(g.startswith(w), f"{g!r} does not start with {w!r}")


class CommandLineTest(unittest.TestCase):
    """The command line reads files, skips /_test/ requests and sets the exit code."""

    def run_cli(self, objects, requests, *flags):
        with tempfile.TemporaryDirectory() as d:
            rbac_path, log_path = os.path.join(d, "rbac.json"), os.path.join(d, "log.json")
            with open(rbac_path, "w") as f:
                json.dump(objects, f)
            with open(log_path, "w") as f:
                json.dump(requests, f)
            script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "check_rbac.py")
            return subprocess.run([sys.executable, script, "--rbac", rbac_path, "--requests", log_path,
                                   *flags], capture_output=True, text=True, check=False)

    def test_exit_zero_when_exact(self):
        log = {"requests": [req("GET", "/api/v1/nodes"), req("GET", "/_test/requests")]}
        r = self.run_cli(cluster_role("c", [{"apiGroups": [""], "resources": ["nodes"], "verbs": ["list"]}]), log)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("1 requests all allowed", r.stdout)

    def test_reads_the_test_apiserver_log_format_with_a_separate_query(self):
        log = {"requests": [{"index": 1, "method": "GET", "path": "/apis/g.io/v1/things",
                             "query": "watch=true&resourceVersion=5", "status": 200}]}
        rules = [{"apiGroups": ["g.io"], "resources": ["things"], "verbs": ["watch"]}]
        r = self.run_cli(cluster_role("c", rules), log)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_exit_one_and_names_the_denied_request(self):
        r = self.run_cli(cluster_role("c", [SCALE_RULE]), [req("GET", "/api/v1/nodes")])
        self.assertEqual(r.returncode, 1)
        self.assertIn("DENIED: GET /api/v1/nodes needs list core/nodes (cluster-wide)", r.stderr)

    def test_exit_two_on_usage_error(self):
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "check_rbac.py")
        r = subprocess.run([sys.executable, script, "--rbac"], capture_output=True, text=True, check=False)
        self.assertEqual(r.returncode, 2)


if __name__ == "__main__":
    unittest.main()
