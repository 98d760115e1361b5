"""Robustness of the test API server: malformed input gets 4xx Status answers (never a 500 or a
crash), and concurrent writers and watchers see a consistent, strictly ordered history."""

import socket
import threading
import unittest

from test_apiserver import DEPLOYS, ServerTest, deployment

CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
LEASES = "/apis/coordination.k8s.io/v1/namespaces/default/leases"


class MalformedInputTest(ServerTest):
    def test_malformed_requests_get_client_errors(self):
        self.ok("POST", DEPLOYS, deployment("victim"))
        cases = {
            "labels_not_a_map": ("POST", DEPLOYS, {"metadata": {"name": "a", "labels": [1]}}),
            "label_value_not_string": ("POST", DEPLOYS, {"metadata": {"name": "a",
                                                                     "labels": {"k": 1}}}),
            "name_not_string": ("POST", DEPLOYS, {"metadata": {"name": 5}}),
            "metadata_not_object": ("POST", DEPLOYS, {"metadata": "x"}),
            "spec_not_object": ("POST", DEPLOYS, {"metadata": {"name": "a"}, "spec": [1]}),
            "body_is_array": ("POST", DEPLOYS, [1, 2]),
            "body_is_string": ("POST", DEPLOYS, "just a string"),
            "wrong_kind": ("POST", DEPLOYS, {"kind": "Pod", "metadata": {"name": "a"}}),
            "wrong_api_version": ("POST", DEPLOYS, {"apiVersion": "v1", "metadata": {"name": "a"}}),
            "namespace_mismatch": ("POST", DEPLOYS, {"metadata": {"name": "a",
                                                                  "namespace": "other"}}),
            "name_mismatch_on_put": ("PUT", f"{DEPLOYS}/victim", {"metadata": {"name": "other"}}),
            "patch_to_non_object": ("PATCH", f"{DEPLOYS}/victim", ["x"],
                                    "application/merge-patch+json"),
            "json_patch_metadata_to_string": ("PATCH", f"{DEPLOYS}/victim",
                                              [{"op": "replace", "path": "/metadata",
                                                "value": "s"}], "application/json-patch+json"),
            "json_patch_bad_pointer": ("PATCH", f"{DEPLOYS}/victim",
                                       [{"op": "add", "path": "spec", "value": 1}],
                                       "application/json-patch+json"),
            "scale_body_not_object": ("PUT", f"{DEPLOYS}/victim/scale", [1]),
            "scale_replicas_string": ("PUT", f"{DEPLOYS}/victim/scale",
                                      {"spec": {"replicas": "3"}}),
            "bad_label_selector": ("GET", DEPLOYS + "?labelSelector=a%20in%20(", None),
            "bad_field_selector": ("GET", DEPLOYS + "?fieldSelector=nonsense", None),
            "bad_limit": ("GET", DEPLOYS + "?limit=x", None),
            "bad_continue": ("GET", DEPLOYS + "?continue=%%%", None),
            "bad_watch_rv": ("GET", DEPLOYS + "?watch=1&resourceVersion=abc", None),
            "bad_field_validation": ("POST", DEPLOYS + "?fieldValidation=Loud",
                                     deployment("fv")),
            "post_to_named_path": ("POST", f"{DEPLOYS}/victim", deployment("victim")),
            "put_on_collection": ("PUT", DEPLOYS, deployment("x")),
            "unknown_subresource": ("GET", f"{DEPLOYS}/victim/logs", None),
            "create_without_namespace": ("POST", "/apis/apps/v1/deployments", deployment("x")),
            "get_without_namespace": ("GET", "/apis/apps/v1/deployments/victim", None),
            "crd_schema_not_object": ("POST", CRDS, {
                "metadata": {"name": "bs.e.io"},
                "spec": {"group": "e.io", "scope": "Namespaced",
                         "names": {"plural": "bs", "kind": "B"},
                         "versions": [{"name": "v1", "served": True, "storage": True,
                                       "schema": {"openAPIV3Schema": {"properties": [1]}}}]}}),
            "crd_no_versions": ("POST", CRDS, {"metadata": {"name": "cs.e.io"},
                                               "spec": {"group": "e.io", "scope": "Namespaced",
                                                        "names": {"plural": "cs", "kind": "C"},
                                                        "versions": []}}),
        }
        for name, case in cases.items():
            method, path, body = case[:3]
            ctype = case[3] if len(case) > 3 else None
            with self.subTest(name):
                code, _, obj = self.req(method, path, body, content_type=ctype)
                self.assertTrue(400 <= code < 500, (code, obj))
                self.assertEqual(obj["kind"], "Status", obj)
        self.assertEqual(self.ok("GET", f"{DEPLOYS}/victim")["spec"]["replicas"], 2)

    def test_garbage_bytes_on_the_socket_do_not_hurt_the_server(self):
        for garbage in (b"\x00\xff\x10garbage\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n",
                        b"POST /api HTTP/1.1\r\nContent-Length: 99\r\n\r\n{}"):
            with socket.create_connection((self.srv.host, self.srv.port), timeout=2) as s:
                s.sendall(garbage)
                s.shutdown(socket.SHUT_WR)
                try:
                    s.recv(4096)
                except OSError:
                    pass
        self.assertEqual(self.req("GET", "/api")[0], 200)


class ConcurrencyTest(ServerTest):
    def test_concurrent_updates_are_serialised_and_watched_in_order(self):
        start_rv = self.ok("POST", LEASES, {"metadata": {"name": "hot"},
                                            "spec": {"leaseDurationSeconds": 0}}
                           )["metadata"]["resourceVersion"]
        writers, per_writer = 4, 15
        conflicts = []

        def writer():
            for _ in range(per_writer):
                while True:  # optimistic concurrency: read, modify, PUT, retry on 409
                    obj = self.srv.request("GET", f"{LEASES}/hot")[2]
                    obj["spec"]["leaseDurationSeconds"] += 1
                    code, _, _ = self.srv.request("PUT", f"{LEASES}/hot", obj)
                    if code == 200:
                        break
                    conflicts.append(code)

        threads = [threading.Thread(target=writer) for _ in range(writers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        final = self.ok("GET", f"{LEASES}/hot")
        self.assertEqual(final["spec"]["leaseDurationSeconds"], writers * per_writer)
        self.assertTrue(all(c == 409 for c in conflicts), conflicts)
        events = list(self.srv.watch(f"{LEASES}?watch=1&resourceVersion={start_rv}"
                                     f"&timeoutSeconds=0.5"))
        values = [e["object"]["spec"]["leaseDurationSeconds"] for e in events]
        self.assertEqual(values, list(range(1, writers * per_writer + 1)))
        rvs = [int(e["object"]["metadata"]["resourceVersion"]) for e in events]
        self.assertEqual(rvs, sorted(set(rvs)))

    def test_many_parallel_watchers_all_get_the_event(self):
        rv = self.ok("GET", LEASES)["metadata"]["resourceVersion"]
        got = []
        lock = threading.Lock()

        def watcher():
            for e in self.srv.watch(f"{LEASES}?watch=1&resourceVersion={rv}&timeoutSeconds=5",
                                    max_events=1):
                with lock:
                    got.append(e["object"]["metadata"]["name"])

        threads = [threading.Thread(target=watcher) for _ in range(8)]
        for t in threads:
            t.start()
        self.ok("POST", LEASES, {"metadata": {"name": "broadcast"}, "spec": {}})
        for t in threads:
            t.join(10)
        self.assertEqual(got, ["broadcast"] * 8)


if __name__ == "__main__":
    unittest.main()
