"""The resource registry: which group/version/resource the server serves, and how.

A ResourceDef describes one resource (e.g. apps/v1 deployments): kind, scope, subresources
(status, scale with its replica paths), an optional openAPIV3Schema (CRDs) and printer
columns. Built-ins are declared here; CustomResourceDefinitions add and remove definitions at
run time (Registry.register_crd / unregister_crd), which discovery reflects at once.

Thread-safety: Registry methods take their own lock; ResourceDefs are immutable after creation.
"""

import threading

ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
SUB_VERBS = ["get", "patch", "update"]


class ScaleSpec:
    """Where a resource keeps its replica counts (CRD subresources.scale)."""

    def __init__(self, spec_path=".spec.replicas", status_path=".status.replicas",
                 selector_path=None, selector_from_spec=False):
        self.spec_path = spec_path
        self.status_path = status_path
        self.selector_path = selector_path        # a string field, e.g. .status.selector
        self.selector_from_spec = selector_from_spec  # built-ins: spec.selector (LabelSelector)


class ResourceDef:
    def __init__(self, group, versions, resource, kind, namespaced=True, short_names=(),
                 categories=(), status=True, scale=None, schemas=None, columns=None,
                 crd_name=None, singular=None, list_kind=None):
        self.group = group
        self.versions = list(versions)  # served versions, preferred (storage) first
        self.resource = resource
        self.kind = kind
        self.namespaced = namespaced
        self.short_names = list(short_names)
        self.categories = list(categories)
        self.status = status            # has a /status subresource
        self.scale = scale              # ScaleSpec or None
        self.schemas = schemas or {}    # version -> openAPIV3Schema (CRDs only)
        self.columns = columns or {}    # version -> additionalPrinterColumns (CRDs only)
        self.crd_name = crd_name        # set for custom resources
        self.singular = singular or kind.lower()
        self.list_kind = list_kind or kind + "List"

    @property
    def key(self):
        return (self.group, self.resource)

    def api_version(self, version=None):
        v = version or self.versions[0]
        return f"{self.group}/{v}" if self.group else v

    @property
    def is_custom(self):
        return self.crd_name is not None


def _builtins():
    md_scale = ScaleSpec(selector_from_spec=True)
    return [
        ResourceDef("", ["v1"], "namespaces", "Namespace", namespaced=False, short_names=["ns"]),
        ResourceDef("", ["v1"], "pods", "Pod", short_names=["po"], categories=["all"]),
        ResourceDef("", ["v1"], "nodes", "Node", namespaced=False, short_names=["no"]),
        ResourceDef("", ["v1"], "events", "Event", short_names=["ev"], status=False),
        ResourceDef("apps", ["v1"], "deployments", "Deployment", short_names=["deploy"],
                    categories=["all"], scale=ScaleSpec(selector_from_spec=True)),
        ResourceDef("events.k8s.io", ["v1"], "events", "Event", short_names=["ev"],
                    status=False),
        ResourceDef("coordination.k8s.io", ["v1"], "leases", "Lease", status=False),
        ResourceDef("autoscaling", ["v2"], "horizontalpodautoscalers",
                    "HorizontalPodAutoscaler", short_names=["hpa"], categories=["all"]),
        ResourceDef("keda.sh", ["v1alpha1"], "scaledobjects", "ScaledObject",
                    short_names=["so"]),
        ResourceDef("cluster.x-k8s.io", ["v1beta1"], "machinedeployments", "MachineDeployment",
                    short_names=["md"], scale=md_scale),
        ResourceDef("cluster.x-k8s.io", ["v1beta1"], "machinepools", "MachinePool",
                    short_names=["mp"], scale=md_scale),
        ResourceDef("apiextensions.k8s.io", ["v1"], "customresourcedefinitions",
                    "CustomResourceDefinition", namespaced=False, short_names=["crd", "crds"]),
    ]


def defs_from_crd(crd):
    """The ResourceDef a CustomResourceDefinition object declares (already validated)."""
    spec = crd["spec"]
    names = spec["names"]
    served = [v for v in spec["versions"] if v.get("served", True)]
    # The storage version first: it is what discovery prefers.
    served.sort(key=lambda v: 0 if v.get("storage") else 1)
    schemas, columns = {}, {}
    status, scale = False, None
    for v in served:
        schemas[v["name"]] = (v.get("schema") or {}).get("openAPIV3Schema") or {}
        columns[v["name"]] = v.get("additionalPrinterColumns") or []
        sub = v.get("subresources") or {}
        if "status" in sub:
            status = True
        if sub.get("scale") is not None:
            s = sub["scale"]
            scale = ScaleSpec(s.get("specReplicasPath", ".spec.replicas"),
                              s.get("statusReplicasPath", ".status.replicas"),
                              s.get("labelSelectorPath"))
    return ResourceDef(spec["group"], [v["name"] for v in served], names["plural"],
                       names["kind"], namespaced=spec.get("scope") == "Namespaced",
                       short_names=names.get("shortNames", []),
                       categories=names.get("categories", []), status=status, scale=scale,
                       schemas=schemas, columns=columns, crd_name=crd["metadata"]["name"],
                       singular=names.get("singular") or names["kind"].lower(),
                       list_kind=names.get("listKind"))


class Registry:
    def __init__(self):
        self._lock = threading.Lock()
        self._defs = {d.key: d for d in _builtins()}

    def all(self):
        with self._lock:
            return list(self._defs.values())

    def lookup(self, group, version, resource):
        """The definition serving group/version/resource, or None."""
        with self._lock:
            d = self._defs.get((group, resource))
        if d is None or version not in d.versions:
            return None
        return d

    def get(self, group, resource):
        with self._lock:
            return self._defs.get((group, resource))

    def register_crd(self, crd):
        d = defs_from_crd(crd)
        with self._lock:
            self._defs[d.key] = d
        return d

    def unregister_crd(self, crd):
        key = (crd["spec"]["group"], crd["spec"]["names"]["plural"])
        with self._lock:
            d = self._defs.get(key)
            if d is not None and d.is_custom:
                del self._defs[key]
                return d
        return None

    def groups(self):
        """{group: [versions...]} in a stable order: core first, then by name."""
        out = {}
        for d in sorted(self.all(), key=lambda d: (d.group != "", d.group)):
            vs = out.setdefault(d.group, [])
            for v in d.versions:
                if v not in vs:
                    vs.append(v)
        return out
