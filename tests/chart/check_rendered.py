#!/usr/bin/env python3
"""Checks what the chart renders for one set of values: each knob reaches the right object.

  check_rendered.py RENDERED.json DEFAULT_VALUES.json OVERRIDE_VALUES.json RELEASE_NAMESPACE

RENDERED.json: `helm template` output as a JSON list (chart_tool.mjs to-json); the values files
as JSON lists of one document too (`[]` for no override). The values are merged like Helm does (maps deep-merged, the rest replaced), and the
objects are checked against them: the controller's flags, the hardened security context, the
probes, the RBAC shape (ClusterRole or per-namespace Roles, never a wildcard), and the optional
objects. Exit 0 when all hold, 1 with one line per problem. Standard library only.
"""
from __future__ import annotations

import json
import sys

# The flags of `slo-autoscaler run` (CONTRACTS.md section 2 and the controller's issue); the
# chart must pass no other.
RUN_FLAGS = {"--kubeconfig", "--prometheus-url", "--interval", "--namespace", "--dry-run", "--once",
             "--metrics-addr", "--health-addr", "--decision-log", "--namespace-isolation",
             "--log-format", "--leader-elect", "--leader-election-namespace", "--leader-election-id",
             "--instance"}
CLUSTER_SCOPED_RESOURCES = {"nodes", "nodepools"}


def merge(base, override):
    if isinstance(base, dict) and isinstance(override, dict):
        out = dict(base)
        for k, v in override.items():
            out[k] = merge(base.get(k), v) if k in base else v
        return out
    return override


def check(objects: list, values: dict, release_namespace: str) -> list[str]:
    problems = []
    expect = lambda cond, msg: None if cond else problems.append(msg)  # noqa: E731
    by_kind = {}
    for o in objects:
        by_kind.setdefault(o["kind"], []).append(o)

    deployments = by_kind.get("Deployment", [])
    if len(deployments) != 1:
        return [f"want 1 Deployment, got {len(deployments)}"]
    dep = deployments[0]
    pod = dep["spec"]["template"]["spec"]
    ctr = pod["containers"][0]
    psc, csc = pod.get("securityContext", {}), ctr.get("securityContext", {})
    expect(psc.get("runAsNonRoot") is True, "pod securityContext.runAsNonRoot must be true")
    expect(psc.get("runAsUser") == 65532, "pod must run as uid 65532 (the image's USER)")
    expect(psc.get("seccompProfile", {}).get("type") == "RuntimeDefault", "pod seccompProfile must be RuntimeDefault")
    expect(csc.get("allowPrivilegeEscalation") is False, "container must set allowPrivilegeEscalation: false")
    expect(csc.get("readOnlyRootFilesystem") is True, "container must set readOnlyRootFilesystem: true")
    expect(csc.get("capabilities", {}).get("drop") == ["ALL"], "container must drop ALL capabilities")
    expect(csc.get("privileged") in (None, False), "container must not be privileged")
    expect(ctr.get("livenessProbe", {}).get("httpGet", {}).get("path") == "/healthz", "liveness probe must GET /healthz")
    expect(ctr.get("readinessProbe", {}).get("httpGet", {}).get("path") == "/readyz", "readiness probe must GET /readyz")
    ports = {p["name"]: p["containerPort"] for p in ctr.get("ports", [])}
    expect(ports == {"metrics": values["ports"]["metrics"], "health": values["ports"]["health"]},
           f"container ports {ports} do not match values.ports")
    expect(ctr.get("resources") == values["resources"], "container resources must be values.resources")
    expect(dep["spec"]["replicas"] == values["replicaCount"], "replicas must be values.replicaCount")
    tag = values["image"]["tag"] or "0.1.0"
    expect(ctr["image"] == f"{values['image']['repository']}:{tag}", f"image {ctr['image']} is not repository:tag")
    expect(ctr.get("imagePullPolicy") == values["image"]["pullPolicy"], "imagePullPolicy must be values.image.pullPolicy")

    # The controller's flags, exactly.
    args = ctr.get("args", [])
    expect(args[:1] == ["run"], "args must start with the run command")
    for a in args[1:]:
        expect(a.split("=")[0] in RUN_FLAGS, f"unknown controller flag {a}")
    c, le = values["controller"], values["leaderElection"]
    want = ["run", f"--prometheus-url={c['prometheusUrl']}", f"--interval={c['interval']}"]
    if values["namespaces"]:
        want.append("--namespace=" + ",".join(values["namespaces"]))
    want += ["--dry-run"] if c["dryRun"] else []
    want += ["--namespace-isolation"] if c["namespaceIsolation"] else []
    want += [f"--log-format={c['logFormat']}", f"--metrics-addr=:{values['ports']['metrics']}",
             f"--health-addr=:{values['ports']['health']}"]
    lease_ns = le["namespace"] or release_namespace
    if le["enabled"]:
        want += ["--leader-elect", f"--leader-election-namespace={lease_ns}", f"--leader-election-id={le['id']}"]
    expect(args == want, f"args {args}\n  want {want}")
    env = {e["name"]: e for e in ctr.get("env", [])}
    expect(env.get("POD_NAME", {}).get("valueFrom", {}).get("fieldRef", {}).get("fieldPath") == "metadata.name",
           "POD_NAME must come from metadata.name (the default --instance)")

    # ServiceAccount
    sas = by_kind.get("ServiceAccount", [])
    expect(len(sas) == (1 if values["serviceAccount"]["create"] else 0), "ServiceAccount iff serviceAccount.create")
    if sas:
        expect(pod["serviceAccountName"] == sas[0]["metadata"]["name"], "pod must run as the chart's ServiceAccount")
    elif values["serviceAccount"]["name"]:
        expect(pod["serviceAccountName"] == values["serviceAccount"]["name"], "pod must use serviceAccount.name")

    # RBAC
    roles, croles = by_kind.get("Role", []), by_kind.get("ClusterRole", [])
    for r in roles + croles:
        for rule in r.get("rules", []):
            for key in ("verbs", "apiGroups", "resources"):
                expect("*" not in rule.get(key, []), f"{r['kind']} {r['metadata']['name']}: wildcard in {key}")
    if not values["rbac"]["create"]:
        expect(not roles and not croles and not by_kind.get("RoleBinding") and not by_kind.get("ClusterRoleBinding"),
               "rbac.create=false must render no RBAC")
    else:
        expect(len(croles) == 1, "want exactly one ClusterRole")
        cluster_resources = {res for r in croles for rule in r["rules"] for res in rule["resources"]}
        ns_roles = [r for r in roles if not r["metadata"]["name"].endswith("-leader-election")]
        if values["namespaces"]:
            expect(cluster_resources <= CLUSTER_SCOPED_RESOURCES,
                   f"namespaced scope: the ClusterRole may hold only cluster-scoped resources, has {cluster_resources}")
            expect(sorted(r["metadata"]["namespace"] for r in ns_roles) == sorted(values["namespaces"]),
                   "namespaced scope: want one Role per listed namespace")
            expect(len(by_kind.get("RoleBinding", [])) == len(roles), "want one RoleBinding per Role")
        else:
            expect(not ns_roles, "cluster scope: no per-namespace Roles")
            expect("inferenceautoscalers" in cluster_resources, "cluster scope: the ClusterRole holds the namespaced rules")
        granted = {res for r in croles + ns_roles for rule in r["rules"] for res in rule["resources"]}
        for t in values["rbac"]["extraScaleTargets"]:
            for res in t["resources"]:
                expect(f"{res}/scale" in granted, f"extraScaleTargets: {res}/scale not granted")
        expect(("machinedeployments/scale" in granted) == values["rbac"]["clusterApi"], "Cluster API rules iff rbac.clusterApi")
        expect(("nodepools" in granted) == values["rbac"]["karpenter"], "Karpenter rules iff rbac.karpenter")
        lease_roles = [r for r in roles if r["metadata"]["name"].endswith("-leader-election")]
        expect(len(lease_roles) == (1 if le["enabled"] else 0), "leader-election Role iff leaderElection.enabled")
        for r in lease_roles:
            expect(r["metadata"]["namespace"] == lease_ns, "leader-election Role must be in the Lease's namespace")

    # Optional objects
    expect(len(by_kind.get("ServiceMonitor", [])) == (1 if values["serviceMonitor"]["enabled"] else 0),
           "ServiceMonitor iff serviceMonitor.enabled")
    expect(len(by_kind.get("PodDisruptionBudget", [])) == (1 if values["podDisruptionBudget"]["enabled"] else 0),
           "PodDisruptionBudget iff podDisruptionBudget.enabled")
    expect(len(by_kind.get("NetworkPolicy", [])) == (1 if values["networkPolicy"]["enabled"] else 0),
           "NetworkPolicy iff networkPolicy.enabled")
    crds = by_kind.get("CustomResourceDefinition", [])
    expect(len(crds) == (1 if values["crds"]["install"] else 0), "CRD iff crds.install")
    for crd in crds:
        keep = crd["metadata"].get("annotations", {}).get("helm.sh/resource-policy") == "keep"
        expect(keep == values["crds"]["keep"], "helm.sh/resource-policy: keep iff crds.keep")
    svcs = by_kind.get("Service", [])
    expect(len(svcs) == 1 and svcs[0]["spec"]["ports"][0]["port"] == values["service"]["port"],
           "one metrics Service on values.service.port")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 4:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    loaded = []
    for path in argv[:3]:
        with open(path, encoding="utf-8") as f:
            loaded.append(json.load(f))
    objects, defaults, override = loaded[0], loaded[1][0], (loaded[2] or [{}])[0]
    problems = check(objects, merge(defaults, override), argv[3])
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        return 1
    print(f"check_rendered: {len(objects)} objects match the values")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
