"""Proof that the REAL kubectl works against the test API server.

One server per test class (port 0, HTTPS with a throw-away self-signed certificate, bearer
token), a private kubeconfig and --cache-dir in a
temp dir. The project's CRD (manifests/crd/) and every sample (manifests/samples/) are applied;
then tables, defaults, scale, patch, schema rejection, watch and auth are checked through
kubectl's own output.
"""

import glob
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import unittest

from harness import ApiServer

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
CRD_DIR = os.path.join(ROOT, "manifests", "crd")
SAMPLES = sorted(glob.glob(os.path.join(ROOT, "manifests", "samples", "*.yaml")))
KUBECTL = os.environ.get("KUBECTL", shutil.which("kubectl") or "/usr/bin/kubectl")
TOKEN = "kubectl-test-token"

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "nginx:1.27"}]
"""

BAD_IA = """apiVersion: slo-autoscaler.io/v1alpha1
kind: InferenceAutoscaler
metadata: {name: broken, namespace: default}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 0
  slo: {latencyThresholdSeconds: 2.0}
  capacity: {concurrencyPerReplica: 8}
"""


def table_rows(text):
    """kubectl's aligned table -> list of {HEADER: cell} using the header's column starts."""
    lines = [l for l in text.splitlines() if l.strip()]
    header = lines[0]
    starts = [m.start() for m in re.finditer(r"(?<!\S)\S", header)]
    names = header.split()
    rows = []
    for line in lines[1:]:
        cells = [line[s:e].strip() for s, e in zip(starts, starts[1:] + [len(line) + 1])]
        rows.append(dict(zip(names, cells)))
    return names, rows


class KubectlTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="kubectl-test-")
        # client-go sends bearer tokens only over TLS, so this server runs with a fresh
        # self-signed certificate, which the kubeconfig trusts as its CA.
        cert, key = os.path.join(cls.tmp, "cert.pem"), os.path.join(cls.tmp, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
                        "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout",
                        key, "-out", cert], check=True, capture_output=True, timeout=30)
        cls.srv = ApiServer("--token", TOKEN, "--tls-cert", cert, "--tls-key", key)
        try:
            url = cls.srv.start()
            assert url.startswith("https://"), url
            cls.kubeconfig = os.path.join(cls.tmp, "kubeconfig")
            with open(cls.kubeconfig, "w") as f:
                f.write(f"""apiVersion: v1
kind: Config
clusters: [{{name: test, cluster: {{server: "{url}", certificate-authority: "{cert}"}}}}]
users: [{{name: test, user: {{token: {TOKEN}}}}}]
contexts: [{{name: test, context: {{cluster: test, user: test, namespace: default}}}}]
current-context: test
""")
            cls.setUpCluster()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def kubectl(cls, *args, stdin=None, check=True, timeout_s=30):
        env = dict(os.environ, KUBECONFIG=cls.kubeconfig, HOME=cls.tmp)
        p = subprocess.run([KUBECTL, "--kubeconfig", cls.kubeconfig,
                            "--cache-dir", os.path.join(cls.tmp, "cache")] + list(args),
                           input=stdin, capture_output=True, text=True, timeout=timeout_s,
                           env=env)
        if check and p.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} failed ({p.returncode}):\n"
                                 f"{p.stdout}\n{p.stderr}")
        return p

    @classmethod
    def setUpCluster(cls):
        assert os.path.isdir(CRD_DIR), CRD_DIR
        out = cls.kubectl("apply", "-f", CRD_DIR).stdout
        assert "inferenceautoscalers.slo-autoscaler.io created" in out, out
        namespaces = set()
        for path in SAMPLES:
            with open(path) as f:
                namespaces |= set(re.findall(r"^  namespace:\s*(\S+)", f.read(), re.M))
        docs = "".join(f"---\napiVersion: v1\nkind: Namespace\nmetadata: {{name: {ns}}}\n"
                       for ns in sorted(namespaces - {"default"}))
        if docs:
            cls.kubectl("apply", "-f", "-", stdin=docs)
        assert SAMPLES, "manifests/samples/*.yaml is empty"
        cls.applied = cls.kubectl("apply", "-f", os.path.join(ROOT, "manifests", "samples")
                                  ).stdout
        cls.kubectl("apply", "-f", "-", stdin=DEPLOYMENT)

    def test_every_sample_was_created(self):
        created = re.findall(r"^inferenceautoscaler\.slo-autoscaler\.io/(\S+) created$",
                             self.applied, re.M)
        self.assertEqual(len(created), len(SAMPLES), self.applied)
        listed = json.loads(self.kubectl("get", "ias", "-A", "-o", "json").stdout)["items"]
        self.assertEqual(sorted(i["metadata"]["name"] for i in listed), sorted(created))

    def test_get_ias_prints_the_crd_printer_columns(self):
        crd = json.loads(self.kubectl("get", "crd", "inferenceautoscalers.slo-autoscaler.io",
                                      "-o", "json").stdout)
        cols = [c for c in crd["spec"]["versions"][0]["additionalPrinterColumns"]
                if c.get("priority", 0) == 0]
        names, rows = table_rows(self.kubectl("get", "ias", "-A").stdout)
        self.assertEqual(names, ["NAMESPACE", "NAME"] + [c["name"].upper() for c in cols])
        items = json.loads(self.kubectl("get", "ias", "-A", "-o", "json").stdout)["items"]
        by_name = {i["metadata"]["name"]: i for i in items}
        self.assertEqual(len(rows), len(items))
        for row in rows:
            obj = by_name[row["NAME"]]
            self.assertEqual(row["NAMESPACE"], obj["metadata"]["namespace"])
            for c in cols:
                m = re.fullmatch(r"\.spec\.([A-Za-z.]+)", c["jsonPath"])
                if not m:
                    continue
                value = obj["spec"]
                for part in m.group(1).split("."):
                    value = value.get(part) if isinstance(value, dict) else None
                want = "" if value is None else (f"{value:g}" if isinstance(value, float)
                                                 else str(value))
                self.assertEqual(row[c["name"].upper()], want, (row, c))
        wide_names, _ = table_rows(self.kubectl("get", "ias", "-A", "-o", "wide").stdout)
        self.assertGreaterEqual(len(wide_names), len(names))

    def test_get_yaml_shows_schema_defaults(self):
        # Only the required fields: everything else must come back with the CONTRACTS.md §3
        # defaults, filled in by the server from the CRD schema.
        self.kubectl("apply", "-f", "-", stdin=BAD_IA.replace("maxReplicas: 0", "maxReplicas: 3")
                     .replace("broken", "defaulted"))
        out = self.kubectl("get", "ias", "defaulted", "-o", "yaml").stdout
        for line in ("apiVersion: slo-autoscaler.io/v1alpha1", "uid:", "minReplicas: 1",
                     "latencyPercentile: 99", "targetUtilization: 0.7", "startupSeconds: 120",
                     "preset: vllm", "maxSampleAgeSeconds: 60",
                     "stabilizationWindowSeconds: 300", "tolerance: 0.1"):
            self.assertIn(line, out)
        got = lambda p: self.kubectl("get", "ias", "defaulted", "-o",
                                     f"jsonpath={{{p}}}").stdout
        self.assertEqual(got(".spec.behavior.scaleDown.stabilizationWindowSeconds"), "300")
        self.assertEqual(got(".spec.behavior.scaleUp.stabilizationWindowSeconds"), "0")
        self.kubectl("delete", "ias", "defaulted")

    def test_deployment_scale_and_patches(self):
        self.kubectl("scale", "deployment", "web", "--replicas=5")
        spec = lambda: self.kubectl("get", "deploy", "web", "-o",
                                    "jsonpath={.spec.replicas}").stdout
        self.assertEqual(spec(), "5")
        _, rows = table_rows(self.kubectl("get", "deploy", "web").stdout)
        self.assertEqual(rows[0]["READY"], "5/5")
        self.kubectl("patch", "deployment", "web", "--type=merge", "-p",
                     '{"spec":{"replicas":3}}')
        self.assertEqual(spec(), "3")
        self.kubectl("patch", "deployment", "web", "--type=json", "-p",
                     '[{"op":"replace","path":"/spec/replicas","value":4}]')
        self.assertEqual(spec(), "4")
        self.kubectl("patch", "deployment", "web", "-p",  # strategic (kubectl's default)
                     '{"spec":{"template":{"spec":{"containers":[{"name":"web",'
                     '"image":"nginx:1.28"}]}}}}')
        self.assertEqual(self.kubectl("get", "deploy", "web", "-o", "jsonpath={.spec.template"
                                      ".spec.containers[0].image}").stdout, "nginx:1.28")
        again = self.kubectl("apply", "-f", "-", stdin=DEPLOYMENT).stdout
        self.assertIn("deployment.apps/web configured", again)
        self.assertEqual(spec(), "2")

    def test_patch_custom_resource_with_merge_and_json(self):
        name = "patched"
        self.kubectl("apply", "-f", "-", stdin=BAD_IA.replace("maxReplicas: 0",
                                                              "maxReplicas: 4")
                     .replace("broken", name))
        self.kubectl("patch", "ias", name, "--type=merge", "-p", '{"spec":{"maxReplicas":9}}')
        self.kubectl("patch", "ias", name, "--type=json", "-p",
                     '[{"op":"replace","path":"/spec/minReplicas","value":2}]')
        obj = json.loads(self.kubectl("get", "ias", name, "-o", "json").stdout)
        self.assertEqual((obj["spec"]["minReplicas"], obj["spec"]["maxReplicas"]), (2, 9))
        self.assertEqual(obj["metadata"]["generation"], 3)
        p = self.kubectl("patch", "ias", name, "--type=merge", "-p",
                         '{"spec":{"maxReplicas":0}}', check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("spec.maxReplicas", p.stderr)
        self.kubectl("delete", "ias", name)

    def test_schema_violation_is_rejected(self):
        p = self.kubectl("apply", "-f", "-", stdin=BAD_IA, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("spec.maxReplicas", p.stderr)
        self.assertIn("greater than or equal to 1", p.stderr)
        p = self.kubectl("get", "ias", "broken", check=False)
        self.assertIn("NotFound", p.stderr)

    def test_get_watch_sees_a_change(self):
        env = dict(os.environ, KUBECONFIG=self.kubeconfig, HOME=self.tmp)
        proc = subprocess.Popen([KUBECTL, "--kubeconfig", self.kubeconfig, "--cache-dir",
                                 os.path.join(self.tmp, "cache"), "get", "deploy", "--watch",
                                 "--output-watch-events"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=env)
        killer = threading.Timer(30, proc.kill)  # readline() below must not block forever
        killer.start()
        try:
            self.assertIn("web", proc.stdout.readline() + proc.stdout.readline())
            self.kubectl("apply", "-f", "-", stdin=DEPLOYMENT.replace("name: web,",
                                                                      "name: watched,"))
            deadline = time.monotonic() + 15
            seen = ""
            while time.monotonic() < deadline and "watched" not in seen:
                seen += proc.stdout.readline()
            self.assertRegex(seen, r"ADDED\s+watched")
        finally:
            killer.cancel()
            proc.kill()
            proc.communicate()

    def test_generator_commands_send_protobuf_that_is_decoded(self):
        self.assertIn("namespace/made-by-create created",
                      self.kubectl("create", "namespace", "made-by-create").stdout)
        self.kubectl("create", "deployment", "gen", "-n", "made-by-create", "--image=img:2",
                     "--replicas=3", "--port=8080")
        obj = json.loads(self.kubectl("get", "deploy", "gen", "-n", "made-by-create", "-o",
                                      "json").stdout)
        self.assertEqual(obj["spec"]["replicas"], 3)
        self.assertEqual(obj["spec"]["selector"], {"matchLabels": {"app": "gen"}})
        self.assertEqual(obj["spec"]["template"]["spec"]["containers"],
                         [{"name": "img", "image": "img:2", "ports": [{"containerPort": 8080}]}])

    def test_wrong_token_is_unauthorized(self):
        p = self.kubectl("--token", "wrong", "get", "ns", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("Unauthorized", p.stderr)


if __name__ == "__main__":
    unittest.main()
