"""Tests of the test API server's REST behaviour over HTTP: discovery, CRUD, metadata,
selectors, patches, /status, /scale, the replica controller, CRDs and Tables.
Watch, auth and fault injection: test_watch_auth_faults.py. Pure modules: test_units.py."""

import copy
import json
import os
import time
import unittest

from harness import ApiServer

HERE = os.path.dirname(os.path.abspath(__file__))
DEPLOYS = "/apis/apps/v1/namespaces/default/deployments"
WIDGETS = "/apis/example.test/v1/namespaces/default/widgets"
LEASES_DEFAULT = "/apis/coordination.k8s.io/v1/namespaces/default/leases"
TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"


def deployment(name, replicas=2, labels=None):
    labels = labels or {"app": name}
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "labels": labels},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": "c", "image": "img:1"}]}}}}


def widget_crd():
    with open(os.path.join(HERE, "testdata", "widget_crd.json")) as f:
        return json.load(f)


def widget(name, **spec):
    return {"apiVersion": "example.test/v1", "kind": "Widget", "metadata": {"name": name},
            "spec": {"maxReplicas": 5, **spec}}


class ServerTest(unittest.TestCase):
    args = ()

    @classmethod
    def setUpClass(cls):
        cls.srv = ApiServer(*cls.args)
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()

    def req(self, method, path, body=None, **kw):
        return self.srv.request(method, path, body, **kw)

    def ok(self, method, path, body=None, want=(200, 201), **kw):
        code, _, obj = self.req(method, path, body, **kw)
        self.assertIn(code, want, obj)
        return obj

    def assertStatus(self, resp, code, reason):
        got_code, _, obj = resp
        self.assertEqual(got_code, code, obj)
        self.assertEqual(obj["kind"], "Status")
        self.assertEqual(obj["apiVersion"], "v1")
        self.assertEqual(obj["status"], "Failure")
        self.assertEqual(obj["code"], code)
        self.assertEqual(obj["reason"], reason)
        return obj


class DiscoveryTest(ServerTest):
    def test_core_and_group_discovery_documents(self):
        self.assertEqual(self.ok("GET", "/api")["versions"], ["v1"])
        groups = {g["name"]: g for g in self.ok("GET", "/apis")["groups"]}
        for g in ("apps", "coordination.k8s.io", "events.k8s.io", "autoscaling", "keda.sh",
                  "cluster.x-k8s.io", "apiextensions.k8s.io"):
            self.assertIn(g, groups)
        self.assertEqual(groups["apps"]["preferredVersion"]["groupVersion"], "apps/v1")
        self.assertEqual(self.ok("GET", "/apis/apps")["kind"], "APIGroup")
        self.assertEqual(self.ok("GET", "/version")["major"], "1")

    def test_resource_lists_include_scale_and_status_subresources(self):
        res = {r["name"]: r for r in self.ok("GET", "/apis/apps/v1")["resources"]}
        self.assertEqual(res["deployments/scale"]["kind"], "Scale")
        self.assertEqual(res["deployments/scale"]["group"], "autoscaling")
        self.assertEqual(res["deployments/status"]["verbs"], ["get", "patch", "update"])
        self.assertIn("watch", res["deployments"]["verbs"])
        capi = {r["name"] for r in self.ok("GET", "/apis/cluster.x-k8s.io/v1beta1")["resources"]}
        self.assertTrue({"machinedeployments/scale", "machinepools/scale"} <= capi)
        core = {r["name"]: r for r in self.ok("GET", "/api/v1")["resources"]}
        self.assertFalse(core["namespaces"]["namespaced"])
        self.assertFalse(core["nodes"]["namespaced"])

    def test_openapi_v3_advertises_field_validation(self):
        index = self.ok("GET", "/openapi/v3")["paths"]
        url = index["apis/apps/v1"]["serverRelativeURL"]
        doc = self.ok("GET", url)
        patch = doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]
        self.assertIn("fieldValidation", [p["name"] for p in patch["parameters"]])
        self.assertEqual(self.req("GET", "/openapi/v2")[0], 404)

    def test_unknown_paths_answer_404_status(self):
        self.assertStatus(self.req("GET", "/apis/nope.io/v1/things"), 404, "NotFound")
        self.assertStatus(self.req("GET", "/api/v1/namespaces/default/widgets"), 404,
                          "NotFound")


class CrudTest(ServerTest):
    def test_create_get_list_delete_roundtrip_with_metadata(self):
        created = self.ok("POST", DEPLOYS, deployment("crud-a"), want=(201,))
        meta = created["metadata"]
        for k in ("uid", "resourceVersion", "creationTimestamp"):
            self.assertIsInstance(meta[k], str)
        self.assertEqual(meta["generation"], 1)
        self.assertEqual(meta["namespace"], "default")
        got = self.ok("GET", f"{DEPLOYS}/crud-a")
        self.assertEqual(got["metadata"]["uid"], meta["uid"])
        lst = self.ok("GET", DEPLOYS)
        self.assertEqual(lst["kind"], "DeploymentList")
        self.assertIn("crud-a", [i["metadata"]["name"] for i in lst["items"]])
        self.assertGreaterEqual(int(lst["metadata"]["resourceVersion"]),
                                int(meta["resourceVersion"]))
        st = self.ok("DELETE", f"{DEPLOYS}/crud-a")
        self.assertEqual((st["kind"], st["status"]), ("Status", "Success"))
        self.assertEqual(st["details"], {"name": "crud-a", "group": "apps", "kind": "deployments",
                                         "uid": meta["uid"]})
        st = self.assertStatus(self.req("GET", f"{DEPLOYS}/crud-a"), 404, "NotFound")
        self.assertEqual(st["message"], 'deployments.apps "crud-a" not found')
        self.assertEqual(st["details"], {"name": "crud-a", "group": "apps", "kind": "deployments"})

    def test_delete_preconditions_and_dry_run(self):
        self.ok("POST", DEPLOYS + "?dryRun=All", deployment("crud-dry"))
        self.assertEqual(self.req("GET", f"{DEPLOYS}/crud-dry")[0], 404)
        self.ok("POST", LEASES_DEFAULT, {"metadata": {"name": "pre"}, "spec": {}})
        st = self.assertStatus(self.req("DELETE", f"{LEASES_DEFAULT}/pre",
                                        {"preconditions": {"resourceVersion": "1"}}),
                               409, "Conflict")
        self.assertIn("Precondition failed", st["message"])
        self.ok("DELETE", f"{LEASES_DEFAULT}/pre?dryRun=All")
        self.ok("DELETE", f"{LEASES_DEFAULT}/pre", {"preconditions": []})  # ignored, not a 500
        self.assertEqual(self.req("GET", f"{LEASES_DEFAULT}/pre")[0], 404)

    def test_create_existing_is_409_already_exists(self):
        self.ok("POST", DEPLOYS, deployment("crud-dup"))
        st = self.assertStatus(self.req("POST", DEPLOYS, deployment("crud-dup")), 409,
                               "AlreadyExists")
        self.assertEqual(st["message"], 'deployments.apps "crud-dup" already exists')

    def test_put_with_stale_resource_version_is_409_conflict(self):
        self.ok("POST", DEPLOYS, deployment("crud-put"))
        obj = self.ok("GET", f"{DEPLOYS}/crud-put")  # after the controller's status write
        stale = copy.deepcopy(obj)
        obj["spec"]["replicas"] = 3
        updated = self.ok("PUT", f"{DEPLOYS}/crud-put", obj)
        self.assertEqual(updated["metadata"]["generation"], 2)
        self.assertGreater(int(updated["metadata"]["resourceVersion"]),
                           int(stale["metadata"]["resourceVersion"]))
        st = self.assertStatus(self.req("PUT", f"{DEPLOYS}/crud-put", stale), 409, "Conflict")
        self.assertIn("the object has been modified", st["message"])

    def test_generation_changes_on_spec_only(self):
        self.ok("POST", DEPLOYS, deployment("crud-gen"))
        out = self.ok("PATCH", f"{DEPLOYS}/crud-gen", {"metadata": {"labels": {"x": "y"}}},
                      content_type="application/merge-patch+json")
        self.assertEqual(out["metadata"]["generation"], 1)
        out = self.ok("PATCH", f"{DEPLOYS}/crud-gen", {"spec": {"paused": True}},
                      content_type="application/merge-patch+json")
        self.assertEqual(out["metadata"]["generation"], 2)

    def test_no_op_patch_keeps_resource_version(self):
        obj = self.ok("POST", DEPLOYS, deployment("crud-noop"))
        obj = self.ok("GET", f"{DEPLOYS}/crud-noop")
        out = self.ok("PATCH", f"{DEPLOYS}/crud-noop", {"spec": {"replicas": 2}},
                      content_type="application/merge-patch+json")
        self.assertEqual(out["metadata"]["resourceVersion"], obj["metadata"]["resourceVersion"])

    def test_bad_input_answers_400_or_422_never_crashes(self):
        self.assertStatus(self.req("POST", DEPLOYS, b"{not json",
                                   content_type="application/json"), 400, "BadRequest")
        self.assertStatus(self.req("POST", DEPLOYS, b"[1,2]", content_type="application/json"),
                          400, "BadRequest")
        bad = deployment("Bad_Name")
        st = self.assertStatus(self.req("POST", DEPLOYS, bad), 422, "Invalid")
        self.assertEqual(st["details"]["causes"][0]["field"], "metadata.name")
        st = self.assertStatus(self.req("POST", DEPLOYS, deployment("neg", replicas=-1)), 422,
                               "Invalid")
        self.assertIn("spec.replicas: Invalid value: -1", st["message"])
        self.assertEqual(self.req("GET", "/api")[0], 200)  # still serving

    def test_create_in_missing_namespace_is_404(self):
        st = self.assertStatus(self.req("POST", "/apis/apps/v1/namespaces/nowhere/deployments",
                                        deployment("x")), 404, "NotFound")
        self.assertEqual(st["message"], 'namespaces "nowhere" not found')

    def test_namespace_delete_removes_its_objects(self):
        self.ok("POST", "/api/v1/namespaces", {"metadata": {"name": "doomed"}})
        self.ok("POST", "/apis/coordination.k8s.io/v1/namespaces/doomed/leases",
                {"metadata": {"name": "l"}, "spec": {"holderIdentity": "me"}})
        self.ok("DELETE", "/api/v1/namespaces/doomed")
        self.assertEqual(
            self.req("GET", "/apis/coordination.k8s.io/v1/namespaces/doomed/leases/l")[0], 404)

    def test_label_and_field_selectors_and_pagination(self):
        for i, tier in enumerate(["web", "web", "db"]):
            self.ok("POST", "/api/v1/namespaces/default/pods",
                    {"metadata": {"name": f"sel-{i}", "labels": {"tier": tier}}, "spec": {}})
        pods = "/api/v1/namespaces/default/pods"
        names = lambda q: [i["metadata"]["name"] for i in self.ok("GET", pods + q)["items"]]
        self.assertEqual(names("?labelSelector=tier%3Dweb"), ["sel-0", "sel-1"])
        self.assertEqual(names("?labelSelector=tier+in+(db)"), ["sel-2"])
        self.assertEqual(names("?labelSelector=tier!%3Dweb"), ["sel-2"])
        self.assertEqual(names("?fieldSelector=metadata.name%3Dsel-1"), ["sel-1"])
        self.assertEqual(names("?fieldSelector=metadata.namespace%3Dother"), [])
        page = self.ok("GET", pods + "?limit=2")
        self.assertEqual(len(page["items"]), 2)
        rest = self.ok("GET", pods + "?limit=2&continue=" + page["metadata"]["continue"])
        self.assertEqual([i["metadata"]["name"] for i in rest["items"]], ["sel-2"])
        self.assertNotIn("continue", rest["metadata"])
        all_ns = self.ok("GET", "/api/v1/pods?labelSelector=tier%3Ddb")
        self.assertEqual(len(all_ns["items"]), 1)

    def test_events_in_both_api_groups_and_leases(self):
        self.ok("POST", "/api/v1/namespaces/default/events",
                {"metadata": {"name": "e1"}, "reason": "ScaleUp", "message": "m",
                 "involvedObject": {"kind": "Deployment", "name": "d"}})
        self.ok("POST", "/apis/events.k8s.io/v1/namespaces/default/events",
                {"metadata": {"name": "e2"}, "reason": "ScaleUp", "note": "n",
                 "regarding": {"kind": "Deployment", "name": "d"}, "action": "Scale",
                 "eventTime": "2026-01-01T00:00:00.000000Z"})
        lease = self.ok("POST", "/apis/coordination.k8s.io/v1/namespaces/default/leases",
                        {"metadata": {"name": "leader"}, "spec": {"holderIdentity": "a"}})
        lease["spec"]["holderIdentity"] = "b"
        self.assertEqual(self.ok("PUT", "/apis/coordination.k8s.io/v1/namespaces/default/"
                                 "leases/leader", lease)["spec"]["holderIdentity"], "b")


class PatchStatusScaleTest(ServerTest):
    def test_merge_json_and_strategic_patches(self):
        self.ok("POST", DEPLOYS, deployment("p1"))
        path = f"{DEPLOYS}/p1"
        out = self.ok("PATCH", path, {"metadata": {"labels": {"app": None, "n": "1"}}},
                      content_type="application/merge-patch+json")
        self.assertEqual(out["metadata"]["labels"], {"n": "1"})
        out = self.ok("PATCH", path, [{"op": "test", "path": "/spec/replicas", "value": 2},
                                      {"op": "replace", "path": "/spec/replicas", "value": 6}],
                      content_type="application/json-patch+json")
        self.assertEqual(out["spec"]["replicas"], 6)
        self.assertStatus(self.req("PATCH", path, [{"op": "test", "path": "/spec/replicas",
                                                    "value": 1}],
                                   content_type="application/json-patch+json"), 422, "Invalid")
        smp = {"spec": {"template": {"spec": {"containers": [{"name": "side", "image": "s"}]}}}}
        out = self.ok("PATCH", path, smp, content_type="application/strategic-merge-patch+json")
        self.assertEqual([c["name"] for c in out["spec"]["template"]["spec"]["containers"]],
                         ["c", "side"])
        self.assertStatus(self.req("PATCH", path, {"a": 1},
                                   content_type="application/apply-patch+yaml"),
                          415, "UnsupportedMediaType")

    def test_status_subresource_writes_only_status(self):
        hpas = "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers"
        self.ok("POST", hpas, {"metadata": {"name": "st1"}, "spec": {"maxReplicas": 3}})
        out = self.ok("PATCH", f"{hpas}/st1/status",
                      {"spec": {"maxReplicas": 9}, "status": {"currentReplicas": 42}},
                      content_type="application/merge-patch+json")
        self.assertEqual(out["spec"]["maxReplicas"], 3)
        self.assertEqual(out["status"]["currentReplicas"], 42)
        self.assertEqual(out["metadata"]["generation"], 1)
        out = self.ok("PATCH", f"{hpas}/st1", {"status": {"currentReplicas": 7}},
                      content_type="application/merge-patch+json")
        self.assertEqual(out["status"]["currentReplicas"], 42)  # main writes ignore status
        obj = self.ok("GET", f"{hpas}/st1")
        obj["status"] = {"currentReplicas": 1}
        obj["spec"]["maxReplicas"] = 4
        out = self.ok("PUT", f"{hpas}/st1/status", obj)
        self.assertEqual((out["spec"]["maxReplicas"], out["status"]["currentReplicas"]), (3, 1))
        created = self.ok("POST", hpas, {"metadata": {"name": "st2"}, "spec": {"maxReplicas": 1},
                                         "status": {"currentReplicas": 5}})
        self.assertNotIn("status", created)  # status is dropped on create

    def test_deployment_scale_get_patch_put(self):
        self.ok("POST", DEPLOYS, deployment("sc1"))
        scale = self.ok("GET", f"{DEPLOYS}/sc1/scale")
        self.assertEqual((scale["kind"], scale["apiVersion"]), ("Scale", "autoscaling/v1"))
        self.assertEqual(scale["spec"]["replicas"], 2)
        self.assertEqual(scale["status"], {"replicas": 2, "selector": "app=sc1"})
        out = self.ok("PATCH", f"{DEPLOYS}/sc1/scale", {"spec": {"replicas": 5}},
                      content_type="application/merge-patch+json")
        self.assertEqual(out["spec"]["replicas"], 5)
        dep = self.ok("GET", f"{DEPLOYS}/sc1")
        self.assertEqual(dep["spec"]["replicas"], 5)
        self.assertEqual(dep["status"]["readyReplicas"], 5)  # built-in controller
        self.assertEqual(dep["status"]["observedGeneration"], dep["metadata"]["generation"])
        stale = dict(scale, spec={"replicas": 1})
        self.assertStatus(self.req("PUT", f"{DEPLOYS}/sc1/scale", stale), 409, "Conflict")
        cur = self.ok("GET", f"{DEPLOYS}/sc1/scale")
        cur["spec"]["replicas"] = 1
        self.assertEqual(self.ok("PUT", f"{DEPLOYS}/sc1/scale", cur)["spec"]["replicas"], 1)
        self.assertStatus(self.req("PATCH", f"{DEPLOYS}/sc1/scale", {"spec": {"replicas": -2}},
                                   content_type="application/merge-patch+json"), 422, "Invalid")

    def test_machinedeployment_and_machinepool_scale(self):
        for res in ("machinedeployments", "machinepools"):
            base = f"/apis/cluster.x-k8s.io/v1beta1/namespaces/default/{res}"
            self.ok("POST", base, {"metadata": {"name": "pool"},
                                   "spec": {"replicas": 2, "clusterName": "c",
                                            "selector": {"matchLabels": {"pool": "gpu"}}}})
            out = self.ok("PATCH", f"{base}/pool/scale", {"spec": {"replicas": 4}},
                          content_type="application/merge-patch+json")
            self.assertEqual(out["spec"]["replicas"], 4)
            scale = self.ok("GET", f"{base}/pool/scale")
            self.assertEqual(scale["status"], {"replicas": 4, "selector": "pool=gpu"})
            self.assertEqual(self.ok("GET", f"{base}/pool")["spec"]["replicas"], 4)

    def test_table_for_deployments(self):
        self.ok("POST", DEPLOYS, deployment("tbl", replicas=3))
        t = self.ok("GET", DEPLOYS + "?fieldSelector=metadata.name%3Dtbl", accept=TABLE)
        self.assertEqual((t["kind"], t["apiVersion"]), ("Table", "meta.k8s.io/v1"))
        self.assertEqual([c["name"] for c in t["columnDefinitions"] if c["priority"] == 0],
                         ["Name", "Ready", "Up-to-date", "Available", "Age"])
        row = t["rows"][0]
        self.assertEqual(row["cells"][:4], ["tbl", "3/3", 3, 3])
        self.assertEqual(row["object"]["kind"], "PartialObjectMetadata")


class ReadyDelayTest(ServerTest):
    args = ("--ready-delay", "1.5")

    def test_ready_replicas_follow_after_the_delay(self):

        self.ok("POST", DEPLOYS, deployment("slow", replicas=3))
        st = self.ok("GET", f"{DEPLOYS}/slow")["status"]
        self.assertEqual(st["replicas"], 3)
        self.assertNotIn("readyReplicas", st)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            st = self.ok("GET", f"{DEPLOYS}/slow")["status"]
            if st.get("readyReplicas") == 3:
                break
            time.sleep(0.05)
        self.assertEqual(st.get("availableReplicas"), 3)


class CrdTest(ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            code, _, body = cls.srv.request("POST", "/apis/apiextensions.k8s.io/v1/"
                                            "customresourcedefinitions", widget_crd())
            assert code == 201, body
        except BaseException:
            cls.srv.stop()  # tearDownClass does not run when setUpClass fails
            raise

    def test_crd_is_established_and_discoverable(self):
        crd = self.ok("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/"
                      "widgets.example.test")
        conds = {c["type"]: c["status"] for c in crd["status"]["conditions"]}
        self.assertEqual(conds["Established"], "True")
        res = {r["name"]: r for r in self.ok("GET", "/apis/example.test/v1")["resources"]}
        self.assertEqual(res["widgets"]["shortNames"], ["wg"])
        self.assertIn("widgets/status", res)
        self.assertIn("widgets/scale", res)
        self.assertIn("example.test", [g["name"] for g in self.ok("GET", "/apis")["groups"]])

    def test_defaults_are_applied_and_unknown_fields_pruned_with_warning(self):
        code, headers, obj = self.req("POST", WIDGETS, widget("w-def", bogus=1,
                                                              ports=[{"name": "h"}]))
        self.assertEqual(code, 201, obj)
        self.assertEqual(obj["spec"]["replicas"], 1)
        self.assertEqual(obj["spec"]["mode"], "fast")
        self.assertEqual(obj["spec"]["ratio"], 0.5)
        self.assertEqual(obj["spec"]["ports"], [{"name": "h", "port": 80}])
        self.assertNotIn("bogus", obj["spec"])
        self.assertEqual(headers.get("warning"), '299 - "unknown field \\"spec.bogus\\""')

    def test_strict_field_validation_rejects_unknown_fields(self):
        st = self.assertStatus(self.req("POST", WIDGETS + "?fieldValidation=Strict",
                                        widget("w-strict", bogus=1)), 400, "BadRequest")
        self.assertIn('strict decoding error: unknown field "spec.bogus"', st["message"])

    def test_schema_violation_is_422_with_real_message_and_causes(self):
        st = self.assertStatus(self.req("POST", WIDGETS, widget("w-bad", maxReplicas=0)), 422,
                               "Invalid")
        self.assertEqual(st["message"], 'Widget.example.test "w-bad" is invalid: '
                         "spec.maxReplicas: Invalid value: 0: spec.maxReplicas in body should "
                         "be greater than or equal to 1")
        self.assertEqual(st["details"]["causes"], [{
            "reason": "FieldValueInvalid", "field": "spec.maxReplicas",
            "message": "Invalid value: 0: spec.maxReplicas in body should be greater than or "
                       "equal to 1"}])
        st = self.assertStatus(self.req("POST", WIDGETS, widget("w-bad2", mode="x", ratio=0,
                                                                tags=[])), 422, "Invalid")
        fields = sorted(c["field"] for c in st["details"]["causes"])
        self.assertEqual(fields, ["spec.mode", "spec.ratio", "spec.tags"])
        self.assertTrue(st["message"].startswith('Widget.example.test "w-bad2" is invalid: ['))

    def test_custom_resource_put_needs_resource_version(self):
        obj = self.ok("POST", WIDGETS, widget("w-put"))
        del obj["metadata"]["resourceVersion"]
        st = self.assertStatus(self.req("PUT", f"{WIDGETS}/w-put", obj), 422, "Invalid")
        self.assertIn("metadata.resourceVersion", st["message"])

    def test_custom_scale_and_status_subresources(self):
        self.ok("POST", WIDGETS, widget("w-sc", replicas=2))
        out = self.ok("PATCH", f"{WIDGETS}/w-sc/status",
                      {"status": {"replicas": 2, "selector": "app=w",
                                  "conditions": [{"type": "Ready", "status": "True"}]}},
                      content_type="application/merge-patch+json")
        self.assertEqual(out["metadata"]["generation"], 1)
        scale = self.ok("GET", f"{WIDGETS}/w-sc/scale")
        self.assertEqual(scale["status"], {"replicas": 2, "selector": "app=w"})
        self.ok("PATCH", f"{WIDGETS}/w-sc/scale", {"spec": {"replicas": 3}},
                content_type="application/merge-patch+json")
        got = self.ok("GET", f"{WIDGETS}/w-sc")
        self.assertEqual((got["spec"]["replicas"], got["metadata"]["generation"]), (3, 2))
        self.assertStatus(self.req("PATCH", f"{WIDGETS}/w-sc", {"spec": {"a": 1}},
                                   content_type="application/strategic-merge-patch+json"),
                          415, "UnsupportedMediaType")
        t = self.ok("GET", WIDGETS + "?fieldSelector=metadata.name%3Dw-sc", accept=TABLE)
        self.assertEqual([c["name"] for c in t["columnDefinitions"]],
                         ["Name", "Replicas", "Mode", "Ready", "Age"])
        self.assertEqual(t["rows"][0]["cells"][:4], ["w-sc", 3, "fast", "True"])
        self.assertRegex(t["rows"][0]["cells"][4], r"^\d+s$")

    def test_deleting_the_crd_removes_the_resource(self):
        crd = widget_crd()
        crd["metadata"]["name"] = "gadgets.example.test"
        crd["spec"]["names"] = {"kind": "Gadget", "plural": "gadgets"}
        crds = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
        self.ok("POST", crds, crd)
        self.ok("POST", "/apis/example.test/v1/namespaces/default/gadgets",
                {"metadata": {"name": "g"}, "spec": {"maxReplicas": 1}})
        gone = self.ok("DELETE", "/apis/example.test/v1/namespaces/default/gadgets/g")
        self.assertEqual(gone["kind"], "Gadget")  # custom resources answer the deleted object
        self.ok("POST", "/apis/example.test/v1/namespaces/default/gadgets",
                {"metadata": {"name": "g2", "labels": {"x": "1"}}, "spec": {"maxReplicas": 1}})
        coll = self.ok("DELETE", "/apis/example.test/v1/namespaces/default/gadgets?labelSelector=x")
        self.assertEqual([i["metadata"]["name"] for i in coll["items"]], ["g2"])
        self.ok("POST", "/apis/example.test/v1/namespaces/default/gadgets",
                {"metadata": {"name": "g3"}, "spec": {"maxReplicas": 1}})
        self.ok("DELETE", f"{crds}?fieldSelector=metadata.name%3Dgadgets.example.test")
        names = [r["name"] for r in self.ok("GET", "/apis/example.test/v1")["resources"]]
        self.assertNotIn("gadgets", names)
        self.assertEqual(self.req("GET", "/apis/example.test/v1/namespaces/default/gadgets")[0],
                         404)

    def test_invalid_crd_is_rejected(self):
        crd = widget_crd()
        crd["metadata"]["name"] = "wrong.example.test"
        self.assertStatus(self.req("POST", "/apis/apiextensions.k8s.io/v1/"
                                   "customresourcedefinitions", crd), 422, "Invalid")


if __name__ == "__main__":
    unittest.main()
