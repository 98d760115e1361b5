"""Discovery documents, built from the live registry (so CRDs appear as soon as created):

  /api                 APIVersions      {"versions": ["v1"], ...}
  /apis                APIGroupList     every group with its versions and preferred version
  /apis/GROUP          APIGroup
  /api/v1, /apis/G/V   APIResourceList  resources plus "x/status" and "x/scale" subresources
  /version             version.Info

Aggregated discovery (Accept: ...;as=APIGroupDiscoveryList) is declined: the answer is the
plain form with Content-Type application/json, which client-go accepts as the legacy format
and then fetches each group version's APIResourceList.
"""

from resources import ALL_VERBS, SUB_VERBS

VERSION_INFO = {
    "major": "1",
    "minor": "32",
    "gitVersion": "v1.32.0-slo-test-apiserver",
    "gitCommit": "0000000000000000000000000000000000000000",
    "gitTreeState": "clean",
    "buildDate": "2026-01-01T00:00:00Z",
    "goVersion": "go1.23.0",
    "compiler": "gc",
    "platform": "linux/amd64",
}


def api_versions(server_address):
    return {"kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0",
                                            "serverAddress": server_address}]}


def _group(name, versions):
    vs = [{"groupVersion": f"{name}/{v}", "version": v} for v in versions]
    return {"name": name, "versions": vs, "preferredVersion": vs[0]}


def api_group_list(registry):
    groups = [_group(g, vs) for g, vs in registry.groups().items() if g]
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def api_group(registry, group):
    vs = registry.groups().get(group)
    if not vs or not group:
        return None
    return {"kind": "APIGroup", "apiVersion": "v1", **_group(group, vs)}


def api_resource_list(registry, group, version):
    defs = [d for d in registry.all() if d.group == group and version in d.versions]
    if not defs:
        return None
    resources = []
    for d in sorted(defs, key=lambda d: d.resource):
        main = {"name": d.resource, "singularName": d.singular, "namespaced": d.namespaced,
                "kind": d.kind, "verbs": list(ALL_VERBS)}
        if d.short_names:
            main["shortNames"] = list(d.short_names)
        if d.categories:
            main["categories"] = list(d.categories)
        resources.append(main)
        if d.scale is not None:
            resources.append({"name": f"{d.resource}/scale", "singularName": "",
                              "namespaced": d.namespaced, "group": "autoscaling",
                              "version": "v1", "kind": "Scale", "verbs": list(SUB_VERBS)})
        if d.status:
            resources.append({"name": f"{d.resource}/status", "singularName": "",
                              "namespaced": d.namespaced, "kind": d.kind,
                              "verbs": list(SUB_VERBS)})
    gv = f"{group}/{version}" if group else version
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv,
            "resources": resources}
