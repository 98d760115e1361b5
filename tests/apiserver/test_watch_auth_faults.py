"""Tests of the test API server's watch streams (events, bookmarks, 410 Expired), bearer-token
auth, --forbid rules, the /_test control API and every injected fault kind, and the process
contract (first stdout line, --ready-file, clean exit on SIGTERM)."""

import http.client
import json
import os
import socket
import subprocess
import tempfile
import threading
import time
import unittest

from harness import ApiServer
from test_apiserver import DEPLOYS, TABLE, ServerTest, deployment

LEASES = "/apis/coordination.k8s.io/v1/namespaces/default/leases"


def lease(name, holder="a", labels=None):
    return {"metadata": {"name": name, "labels": labels or {}},
            "spec": {"holderIdentity": holder}}


class WatchTest(ServerTest):
    args = ("--bookmark-interval", "0.2", "--history", "5")

    def test_watch_from_resource_version_streams_changes(self):
        rv = self.ok("POST", LEASES, lease("w1"))["metadata"]["resourceVersion"]
        results = []

        def consume():
            results.extend(self.srv.watch(f"{LEASES}?watch=1&resourceVersion={rv}"
                                          f"&timeoutSeconds=5", max_events=2))

        t = threading.Thread(target=consume)
        t.start()  # it starts from rv, so it sees the changes whenever it connects
        self.ok("PATCH", f"{LEASES}/w1", {"spec": {"holderIdentity": "b"}},
                content_type="application/merge-patch+json")
        self.ok("DELETE", f"{LEASES}/w1")
        t.join(10)
        self.assertEqual([e["type"] for e in results], ["MODIFIED", "DELETED"])
        self.assertEqual(results[0]["object"]["spec"]["holderIdentity"], "b")
        self.assertEqual(results[0]["object"]["kind"], "Lease")
        self.assertGreater(int(results[1]["object"]["metadata"]["resourceVersion"]),
                           int(results[0]["object"]["metadata"]["resourceVersion"]))

    def test_watch_without_resource_version_starts_with_added_events(self):
        self.ok("POST", LEASES, lease("w2", labels={"grp": "init"}))
        events = list(self.srv.watch(f"{LEASES}?watch=true&labelSelector=grp%3Dinit"
                                     f"&timeoutSeconds=1"))
        self.assertEqual([(e["type"], e["object"]["metadata"]["name"]) for e in events],
                         [("ADDED", "w2")])

    def test_bookmarks_carry_the_current_resource_version(self):
        events = list(self.srv.watch(f"{LEASES}?watch=1&allowWatchBookmarks=true"
                                     f"&resourceVersion=0&fieldSelector=metadata.name%3Dnone"
                                     f"&timeoutSeconds=1"))
        marks = [e for e in events if e["type"] == "BOOKMARK"]
        self.assertGreaterEqual(len(marks), 2)
        self.assertEqual(marks[0]["object"]["kind"], "Lease")
        self.assertEqual(set(marks[0]["object"]["metadata"]), {"resourceVersion"})

    def test_resource_version_older_than_history_gets_410_expired(self):
        old_rv = self.ok("POST", LEASES, lease("w3"))["metadata"]["resourceVersion"]
        for i in range(6):  # --history 5
            self.ok("PATCH", f"{LEASES}/w3", {"spec": {"holderIdentity": f"h{i}"}},
                    content_type="application/merge-patch+json")
        events = list(self.srv.watch(f"{LEASES}?watch=1&resourceVersion={old_rv}"))
        self.assertEqual(len(events), 1)
        self.assertEqual(events[0]["type"], "ERROR")
        st = events[0]["object"]
        self.assertEqual((st["kind"], st["code"], st["reason"]), ("Status", 410, "Expired"))
        self.assertTrue(st["message"].startswith(f"too old resource version: {old_rv} ("))

    def test_compact_expires_watch_and_exact_list(self):
        rv = self.ok("POST", LEASES, lease("w4"))["metadata"]["resourceVersion"]
        self.ok("PATCH", f"{LEASES}/w4", {"spec": {"holderIdentity": "z"}},
                content_type="application/merge-patch+json")
        self.ok("POST", "/_test/compact")
        events = list(self.srv.watch(f"{LEASES}?watch=1&resourceVersion={rv}"))
        self.assertEqual(events[0]["object"]["code"], 410)
        self.assertStatus(self.req("GET", f"{LEASES}?resourceVersion={rv}"
                                   f"&resourceVersionMatch=Exact"), 410, "Expired")
        cur = self.ok("GET", LEASES)["metadata"]["resourceVersion"]
        done = list(self.srv.watch(f"{LEASES}?watch=1&resourceVersion={cur}&timeoutSeconds=0.3"))
        self.assertEqual(done, [])  # a current revision is fine; the stream times out empty

    def test_label_selector_watch_reports_objects_leaving_the_selection(self):
        rv = self.ok("POST", LEASES, lease("w5", labels={"sel": "yes"}))["metadata"][
            "resourceVersion"]
        self.ok("PATCH", f"{LEASES}/w5", {"metadata": {"labels": {"sel": "no"}}},
                content_type="application/merge-patch+json")
        events = list(self.srv.watch(f"{LEASES}?watch=1&resourceVersion={rv}"
                                     f"&labelSelector=sel%3Dyes&timeoutSeconds=0.5"))
        self.assertEqual([e["type"] for e in events], ["DELETED"])

    def test_table_watch_sends_one_row_tables(self):
        self.ok("POST", DEPLOYS, deployment("tw"))
        events = list(self.srv.watch(f"{DEPLOYS}?watch=1&fieldSelector=metadata.name%3Dtw"
                                     f"&timeoutSeconds=0.5", accept=TABLE))
        self.assertEqual(events[0]["object"]["kind"], "Table")
        self.assertEqual(events[0]["object"]["rows"][0]["cells"][0], "tw")
        self.assertTrue(events[0]["object"]["columnDefinitions"])

    def test_send_initial_events_ends_with_marked_bookmark(self):
        self.ok("POST", LEASES, lease("w6", labels={"grp": "wl"}))
        events = list(self.srv.watch(f"{LEASES}?watch=1&sendInitialEvents=true"
                                     f"&allowWatchBookmarks=true&labelSelector=grp%3Dwl"
                                     f"&resourceVersionMatch=NotOlderThan&timeoutSeconds=0.1"))
        self.assertEqual(events[0]["type"], "ADDED")
        self.assertEqual(events[1]["object"]["metadata"]["annotations"],
                         {"k8s.io/initial-events-end": "true"})


class AuthTest(ServerTest):
    args = ("--token", "s3cret", "--forbid", "patch:deployments/scale", "create:events")

    def test_missing_or_wrong_token_is_401(self):
        self.assertStatus(self.req("GET", "/api"), 401, "Unauthorized")
        self.assertStatus(self.req("GET", "/api", token="nope"), 401, "Unauthorized")
        self.assertEqual(self.req("GET", "/api", token="s3cret")[0], 200)

    def test_health_and_version_need_no_token(self):
        for path in ("/healthz", "/readyz", "/livez", "/version"):
            self.assertEqual(self.req("GET", path, raw=True)[0], 200, path)
        self.assertStatus(self.req("GET", "/version", token="wrong"), 401, "Unauthorized")

    def test_forbidden_rule_answers_403_with_the_real_message_shape(self):
        self.ok("POST", DEPLOYS, deployment("fb"), token="s3cret")
        st = self.assertStatus(self.req("PATCH", f"{DEPLOYS}/fb/scale", {"spec": {"replicas": 1}},
                                        content_type="application/merge-patch+json",
                                        token="s3cret"), 403, "Forbidden")
        self.assertEqual(st["message"], 'deployments.apps "fb" is forbidden: User '
                         '"system:serviceaccount:default:default" cannot patch resource '
                         '"deployments/scale" in API group "apps" in the namespace "default"')
        st = self.assertStatus(self.req("POST", "/api/v1/namespaces/default/events",
                                        {"metadata": {"name": "e"}}, token="s3cret"),
                               403, "Forbidden")
        self.assertIn('cannot create resource "events" in API group ""', st["message"])
        self.assertEqual(self.req("GET", f"{DEPLOYS}/fb/scale", token="s3cret")[0], 200)

    def test_control_api_changes_auth_at_run_time(self):
        self.ok("POST", "/_test/token", {"token": "other"})
        try:
            self.assertEqual(self.req("GET", "/api", token="s3cret")[0], 401)
            self.assertEqual(self.req("GET", "/api", token="other")[0], 200)
        finally:
            self.ok("POST", "/_test/token", {"token": "s3cret"})
        self.ok("POST", "/_test/forbid", {"rules": ["list:leases"]})
        try:
            self.assertEqual(self.req("GET", LEASES, token="s3cret")[0], 403)
            self.assertEqual(self.req("POST", "/api/v1/namespaces/default/events",
                                      {"metadata": {"name": "e2"}}, token="s3cret")[0], 201)
        finally:
            self.ok("POST", "/_test/forbid", {"rules": ["patch:deployments/scale",
                                                        "create:events"]})


class FaultTest(ServerTest):
    def tearDown(self):
        self.ok("DELETE", "/_test/faults")

    def test_status_faults_then_recovery(self):
        for action, reason in (("409", "Conflict"), ("429", "TooManyRequests"),
                               ("500", "InternalError"), ("503", "ServiceUnavailable")):
            self.ok("POST", "/_test/faults", {"method": "GET", "path": "/api$", "count": 1,
                                              "action": action, "retryAfterSeconds": 2})
            code, headers, st = self.req("GET", "/api")
            self.assertEqual((code, st["reason"]), (int(action), reason))
            if action in ("429", "503"):
                self.assertEqual(headers["retry-after"], "2")
                self.assertEqual(st["details"]["retryAfterSeconds"], 2)
            self.assertEqual(self.req("GET", "/api")[0], 200)

    def test_injected_conflict_names_the_object(self):
        self.ok("POST", "/_test/faults", {"method": "PATCH", "action": "409"})
        st = self.assertStatus(self.req("PATCH", f"{DEPLOYS}/web/scale", {},
                                        content_type="application/merge-patch+json"),
                               409, "Conflict")
        self.assertTrue(st["message"].startswith(
            'Operation cannot be fulfilled on deployments.apps "web": '), st["message"])

    def test_count_method_and_path_filters(self):
        self.ok("POST", "/_test/faults", {"method": "PATCH", "path": "/scale$", "count": 2,
                                          "action": "500"})
        self.assertEqual(len(self.ok("GET", "/_test/faults")["faults"]), 1)
        self.ok("POST", DEPLOYS, deployment("ft"))
        self.assertEqual(self.req("GET", f"{DEPLOYS}/ft/scale")[0], 200)  # other method
        for want in (500, 500, 200):
            self.assertEqual(self.req("PATCH", f"{DEPLOYS}/ft/scale", {"spec": {"replicas": 1}},
                                      content_type="application/merge-patch+json")[0], want)

    def test_reset_closes_the_connection_without_an_answer(self):
        self.ok("POST", "/_test/faults", {"path": "^/version$", "action": "reset"})
        with self.assertRaises((ConnectionError, http.client.HTTPException, OSError)):
            self.req("GET", "/version")
        self.assertEqual(self.req("GET", "/version")[0], 200)

    def test_hang_sends_nothing_then_closes(self):
        self.ok("POST", "/_test/faults", {"path": "^/version$", "action": "hang",
                                          "hangSeconds": 0.3})
        start = time.monotonic()
        with self.assertRaises((ConnectionError, http.client.HTTPException, OSError)):
            self.req("GET", "/version")
        self.assertGreaterEqual(time.monotonic() - start, 0.25)
        self.ok("POST", "/_test/faults", {"path": "^/version$", "action": "hang",
                                          "hangSeconds": 5})
        with self.assertRaises((socket.timeout, TimeoutError)):
            self.req("GET", "/version", timeout_s=0.3)

    def test_bad_fault_specs_are_rejected(self):
        for spec in ({"action": "teapot"}, {"action": "500", "count": 0}, [1], {"path": "("}):
            self.assertEqual(self.req("POST", "/_test/faults", spec)[0], 400, spec)

    def test_request_log_records_every_api_request_in_order(self):
        self.ok("DELETE", "/_test/requests")
        self.req("GET", "/api?x=1")
        self.req("PATCH", f"{DEPLOYS}/none", {"a": 1}, content_type="application/merge-patch+json")
        log = self.ok("GET", "/_test/requests")["requests"]
        self.assertEqual([(r["method"], r["path"], r["status"]) for r in log],
                         [("GET", "/api", 200), ("PATCH", f"{DEPLOYS}/none", 404)])
        self.assertEqual(log[0]["query"], "x=1")
        self.assertEqual(log[1]["contentType"], "application/merge-patch+json")
        self.assertEqual(json.loads(log[1]["body"]), {"a": 1})
        self.assertLess(log[0]["index"], log[1]["index"])


class ProcessTest(unittest.TestCase):
    def test_ready_file_and_clean_exit_on_sigterm(self):
        with tempfile.TemporaryDirectory() as tmp:
            ready = os.path.join(tmp, "url")
            srv = ApiServer("--ready-file", ready)
            url = srv.start()
            conn = srv.connection()
            try:
                deadline = time.monotonic() + 5
                while not os.path.exists(ready) and time.monotonic() < deadline:
                    time.sleep(0.02)
                with open(ready) as f:
                    self.assertEqual(f.read().strip(), url)
                self.assertRegex(url, r"^http://127\.0\.0\.1:\d+$")
                # An open watch must not keep the server from exiting.
                conn.request("GET", "/api/v1/namespaces?watch=1")
                self.assertEqual(conn.getresponse().status, 200)
            finally:
                rc = srv.stop()
                conn.close()
            self.assertEqual(rc, 0)


    def test_tls_serves_https_with_the_given_certificate(self):
        with tempfile.TemporaryDirectory() as tmp:
            cert, key = os.path.join(tmp, "c.pem"), os.path.join(tmp, "k.pem")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                            "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj",
                            "/CN=127.0.0.1", "-keyout", key, "-out", cert], check=True,
                           capture_output=True, timeout=30)
            with ApiServer("--tls-cert", cert, "--tls-key", key, "--token", "t") as srv:
                self.assertTrue(srv.url.startswith("https://127.0.0.1:"))
                self.assertEqual(srv.request("GET", "/api", token="t")[0], 200)
                self.assertEqual(srv.request("GET", "/api")[0], 401)
                plain = http.client.HTTPConnection(srv.host, srv.port, timeout=5)
                try:  # a plain-HTTP client must not take the server down
                    with self.assertRaises((ConnectionError, http.client.HTTPException,
                                            OSError)):
                        plain.request("GET", "/api")
                        plain.getresponse().read()
                finally:
                    plain.close()
                self.assertEqual(srv.request("GET", "/version", token="t")[0], 200)


if __name__ == "__main__":
    unittest.main()
