"""Per-resource write rules ("strategies", as the real registry calls them): what create,
update, /status and /scale writes may change, defaults, generation, and validation.

- Resources with a status subresource ignore `status` on create and on main-resource writes,
  and /status writes change only `status` (metadata and spec stay as stored).
- metadata.generation starts at 1 and is bumped when anything outside metadata and status
  changes (for resources without a status subresource: outside metadata).
- Custom resources are pruned, defaulted and validated against their version's schema
  (schema.py); unknown fields are rejected under fieldValidation=Strict, else reported as
  warnings.
- Built-in defaults: Deployment (replicas 1, strategy, revisionHistoryLimit,
  progressDeadlineSeconds), MachineDeployment/MachinePool (replicas 1), Namespace
  (status.phase Active).

Example:
    obj, warnings = prepare_create(defn, version, body, ns, field_validation="Strict")
"""

import copy
import random

import errors
import schema
from kube_selectors import get_dotted, selector_string, set_dotted

_NO_GENERATION = {("", "namespaces"), ("", "events"), ("events.k8s.io", "events"),
                  ("coordination.k8s.io", "leases"), ("", "nodes")}


def _random_suffix(n=5):
    return "".join(random.choice("bcdfghjklmnpqrstvwxz2456789") for _ in range(n))


def check_type_meta(defn, version, obj):
    """Fill kind/apiVersion, or 400 when the body names another kind/version."""
    if not isinstance(obj, dict):
        raise errors.bad_request("the request body must be a JSON object")
    want_av = defn.api_version(version)
    av, kind = obj.get("apiVersion"), obj.get("kind")
    if av and av != want_av and not (defn.is_custom and av.split("/")[0] == defn.group):
        raise errors.bad_request(f"the API version in the data ({av}) does not match the "
                                 f"expected API version ({want_av})")
    if kind and kind != defn.kind:
        raise errors.bad_request(f"the kind in the data ({kind}) does not match the expected "
                                 f"kind ({defn.kind})")
    obj["apiVersion"], obj["kind"] = want_av, defn.kind
    meta = obj.get("metadata")
    if meta is None:
        obj["metadata"] = meta = {}
    _check_meta_types(defn, meta)
    return obj


def _decode_error(defn, field, want):
    return errors.bad_request(f"{defn.kind} in version \"{defn.versions[0]}\" cannot be "
                              f"handled as a {defn.kind}: json: cannot unmarshal into Go "
                              f"struct field ObjectMeta.metadata.{field} of type {want}")


def _check_meta_types(defn, meta):
    """Reject what the real server's JSON decoder would (400), so nothing later trips."""
    if not isinstance(meta, dict):
        raise errors.bad_request("metadata must be an object")
    for k in ("name", "generateName", "namespace", "resourceVersion", "uid",
              "creationTimestamp"):
        if k in meta and meta[k] is not None and not isinstance(meta[k], str):
            raise _decode_error(defn, k, "string")
    for k in ("labels", "annotations"):
        v = meta.get(k)
        if v is not None and (not isinstance(v, dict)
                              or not all(isinstance(x, str) for x in v.values())):
            raise _decode_error(defn, k, "map[string]string")
    if meta.get("finalizers") is not None and (
            not isinstance(meta["finalizers"], list)
            or not all(isinstance(x, str) for x in meta["finalizers"])):
        raise _decode_error(defn, "finalizers", "[]string")
    if "generation" in meta and (isinstance(meta["generation"], bool)
                                 or not isinstance(meta["generation"], int)):
        raise _decode_error(defn, "generation", "int64")


def _spec_part(defn, obj):
    return {k: v for k, v in obj.items()
            if k not in ("metadata", "apiVersion", "kind") and not (defn.status and k == "status")}


def _builtin_defaults(defn, obj):
    spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else None
    if defn.key == ("apps", "deployments") and spec is not None:
        spec.setdefault("replicas", 1)
        spec.setdefault("revisionHistoryLimit", 10)
        spec.setdefault("progressDeadlineSeconds", 600)
        strategy = spec.get("strategy")
        if not isinstance(strategy, dict) or not strategy.get("type"):
            spec["strategy"] = {"type": "RollingUpdate",
                                "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}}
    if defn.key in (("cluster.x-k8s.io", "machinedeployments"),
                    ("cluster.x-k8s.io", "machinepools")) and spec is not None:
        spec.setdefault("replicas", 1)
    if defn.key == ("", "namespaces"):
        obj.setdefault("spec", {"finalizers": ["kubernetes"]})
        obj["status"] = {"phase": "Active"}


def _builtin_validate(defn, obj):
    errs = []
    spec = obj.get("spec")
    for k in ("spec", "status"):
        if obj.get(k) is not None and not isinstance(obj[k], dict) and defn.key != ("", "events"):
            errs.append((k, "FieldValueTypeInvalid",
                         f'Invalid value: "{schema._type_name(obj[k])}": must be an object'))
    if errs:
        return errs
    if defn.key == ("apps", "deployments"):
        if not isinstance(spec, dict):
            return [("spec", "FieldValueRequired", "Required value")]
        if not isinstance(spec.get("selector"), dict):
            errs.append(("spec.selector", "FieldValueRequired", "Required value"))
    if defn.scale is not None and isinstance(spec, dict) and "replicas" in spec:
        r = spec["replicas"]
        if isinstance(r, bool) or not isinstance(r, int):
            errs.append(("spec.replicas", "FieldValueTypeInvalid",
                         f"Invalid value: {schema.go_value(r)}: must be an integer"))
        elif r < 0:
            errs.append(("spec.replicas", "FieldValueInvalid",
                         f"Invalid value: {r}: must be greater than or equal to 0"))
    return errs


def _admit(defn, version, obj, field_validation):
    """Prune/default/validate (CRs) or default/validate (built-ins). Returns warnings."""
    warnings = []
    name = obj["metadata"].get("name", "")
    errs = schema.validate_name(name) if defn.key != ("", "events") else []
    if defn.is_custom:
        sch = defn.schemas.get(version) or {}
        if sch:
            _, unknown = schema.prune(obj, sch)
            if unknown and field_validation == "Strict":
                fields = ", ".join(f'unknown field "{u}"' for u in unknown)
                raise errors.bad_request(f"{defn.kind} in version \"{version}\" cannot be "
                                         f"handled as a {defn.kind}: strict decoding error: "
                                         f"{fields}")
            if field_validation != "Ignore":
                warnings += [f'unknown field "{u}"' for u in unknown]
            schema.apply_defaults(obj, sch)
            errs += schema.validate(obj, sch)
    else:
        _builtin_defaults(defn, obj)
        errs += _builtin_validate(defn, obj)
    if defn.key == ("apiextensions.k8s.io", "customresourcedefinitions"):
        errs += schema.validate_crd(obj)
    if errs:
        raise errors.invalid(defn.group, defn.kind, name, errs)
    return warnings


def prepare_create(defn, version, body, ns, field_validation="Warn"):
    obj = check_type_meta(defn, version, body)
    meta = obj["metadata"]
    if defn.namespaced:
        if meta.get("namespace") and meta["namespace"] != ns:
            raise errors.bad_request("the namespace of the provided object does not match the "
                                     "namespace sent on the request")
        meta["namespace"] = ns
    else:
        meta.pop("namespace", None)
    if not meta.get("name") and meta.get("generateName"):
        meta["name"] = meta["generateName"] + _random_suffix()
    for k in ("uid", "resourceVersion", "creationTimestamp", "deletionTimestamp",
              "managedFields", "selfLink"):
        meta.pop(k, None)
    if defn.status:
        obj.pop("status", None)
    if defn.key not in _NO_GENERATION:
        meta["generation"] = 1
    warnings = _admit(defn, version, obj, field_validation)
    if defn.key == ("apiextensions.k8s.io", "customresourcedefinitions"):
        set_crd_status(obj)
    return obj, warnings


def set_crd_status(crd):
    names = copy.deepcopy(crd["spec"]["names"])
    names.setdefault("singular", names["kind"].lower())
    names.setdefault("listKind", names["kind"] + "List")
    conds = [{"type": t, "status": "True", "reason": r, "message": m,
              "lastTransitionTime": crd["metadata"].get("creationTimestamp")}
             for t, r, m in (("NamesAccepted", "NoConflicts", "no conflicts found"),
                             ("Established", "InitialNamesAccepted",
                              "the initial names have been accepted"))]
    crd["status"] = {"acceptedNames": names, "conditions": conds,
                     "storedVersions": [v["name"] for v in crd["spec"]["versions"]
                                        if v.get("storage")]}


def prepare_update(defn, version, old, new, subresource=None, field_validation="Warn",
                   require_rv=None):
    """The object to store for a PUT/PATCH result `new` over `old` (both full objects).
    Raises 409 on a stale resourceVersion and 400/422 on bad input. Returns (obj, warnings)."""
    new = check_type_meta(defn, version, new)
    meta, old_meta = new["metadata"], old["metadata"]
    name = old_meta["name"]
    if meta.get("name") not in (None, "", name):
        raise errors.bad_request(f"the name of the object ({meta.get('name')}) does not match "
                                 f"the name on the URL ({name})")
    rv = meta.get("resourceVersion")
    if rv and rv != old_meta["resourceVersion"]:
        raise errors.conflict(defn.group, defn.resource, name)
    if not rv and (require_rv if require_rv is not None else defn.is_custom):
        raise errors.invalid(defn.group, defn.kind, name, [(
            "metadata.resourceVersion", "FieldValueInvalid",
            "Invalid value: 0x0: must be specified for an update")])
    if subresource == "status":
        obj = copy.deepcopy(old)
        obj["status"] = new.get("status")
        if obj["status"] is None:
            obj.pop("status")
    else:
        obj = new
        if defn.status:
            obj.pop("status", None)
            if "status" in old:
                obj["status"] = copy.deepcopy(old["status"])
        # Immutable and server-owned metadata.
        for k in ("uid", "creationTimestamp", "generation", "namespace", "name",
                  "deletionTimestamp"):
            if k in old_meta:
                meta[k] = old_meta[k]
            else:
                meta.pop(k, None)
    obj["metadata"]["resourceVersion"] = old_meta["resourceVersion"]
    warnings = _admit(defn, version, obj, field_validation)
    if "generation" in old_meta and _spec_part(defn, obj) != _spec_part(defn, old):
        obj["metadata"]["generation"] = old_meta["generation"] + 1
    if defn.key == ("apiextensions.k8s.io", "customresourcedefinitions"):
        obj["metadata"]["creationTimestamp"] = old_meta.get("creationTimestamp")
        set_crd_status(obj)
    return obj, warnings


# -- /scale -----------------------------------------------------------------------------------
def to_scale(defn, obj):
    sc = defn.scale
    if sc.selector_from_spec:
        selector = selector_string(get_dotted(obj, "spec.selector"))
    elif sc.selector_path:
        selector = get_dotted(obj, sc.selector_path) or ""
    else:
        selector = ""
    status = {"replicas": get_dotted(obj, sc.status_path) or 0}
    if selector:
        status["selector"] = selector
    meta = obj["metadata"]
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {k: meta[k] for k in ("name", "namespace", "uid", "resourceVersion",
                                          "creationTimestamp") if k in meta},
        "spec": {"replicas": get_dotted(obj, sc.spec_path) or 0},
        "status": status,
    }


def apply_scale(defn, old, scale_obj):
    """The full object with scale_obj.spec.replicas written to the spec replicas path."""
    name = old["metadata"]["name"]
    if not isinstance(scale_obj, dict):
        raise errors.bad_request("the request body must be a JSON object")
    rv = (scale_obj.get("metadata") or {}).get("resourceVersion")
    if rv and rv != old["metadata"]["resourceVersion"]:
        raise errors.conflict(defn.group, defn.resource, name)
    replicas = (scale_obj.get("spec") or {}).get("replicas")
    if isinstance(replicas, float) and replicas.is_integer():
        replicas = int(replicas)
    if isinstance(replicas, bool) or not isinstance(replicas, int) or replicas < 0:
        raise errors.invalid("autoscaling", "Scale", name, [(
            "spec.replicas", "FieldValueInvalid",
            f"Invalid value: {schema.go_value(replicas)}: must be greater than or equal to 0")])
    obj = copy.deepcopy(old)
    set_dotted(obj, defn.scale.spec_path, replicas)
    return obj

