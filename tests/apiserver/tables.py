"""meta.k8s.io/v1 Table rendering, for `kubectl get` (Accept: application/json;as=Table;...).

A Table is {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {resourceVersion},
"columnDefinitions": [{name, type, format, description, priority}], "rows": [{"cells": [...],
"object": ...}]}. Row objects follow ?includeObject=None|Metadata|Object (default Metadata:
a PartialObjectMetadata). Custom resources use their version's additionalPrinterColumns
(JSONPath evaluated here; `date` columns rendered as an age like "5m", as the real
server's tableconvertor does); with none declared, Name and Age. Built-ins get the usual
kubectl columns (deployments: Name, Ready, Up-to-date, Available, Age, and wide Containers,
Images, Selector).
"""

import datetime
import json

from kube_selectors import jsonpath, selector_string


def human_duration(seconds):
    """apimachinery's duration.HumanDuration."""
    if seconds < -1:
        return "<invalid>"
    s = max(0, int(seconds))
    if s < 120:
        return f"{s}s"
    m = s // 60
    if m < 10:
        return f"{m}m{s % 60}s" if s % 60 else f"{m}m"
    if m < 180:
        return f"{m}m"
    h = m // 60
    if h < 8:
        return f"{h}h{m % 60}m" if m % 60 else f"{h}h"
    if h < 48:
        return f"{h}h"
    d = h // 24
    if h < 24 * 8:
        return f"{d}d{h % 24}h" if h % 24 else f"{d}d"
    if h < 24 * 365 * 2:
        return f"{d}d"
    y = d // 365
    if h < 24 * 365 * 8:
        return f"{y}y{d % 365}d" if d % 365 else f"{y}y"
    return f"{y}y"


def age(timestamp):
    if not timestamp:
        return "<unknown>"
    try:  # RFC 3339, with or without fractional seconds
        t = datetime.datetime.fromisoformat(str(timestamp).replace("Z", "+00:00"))
    except ValueError:
        return "<unknown>"
    if t.tzinfo is None:
        t = t.replace(tzinfo=datetime.timezone.utc)
    return human_duration((datetime.datetime.now(datetime.timezone.utc) - t).total_seconds())


def _col(name, typ="string", desc="", priority=0, fmt=""):
    return {"name": name, "type": typ, "format": fmt, "description": desc, "priority": priority}


NAME = _col("Name", fmt="name", desc="Name must be unique within a namespace.")
AGE = _col("Age", desc="CreationTimestamp is a timestamp representing the server time when "
           "this object was created.")


def _g(obj, path, default=None):
    vals = jsonpath(obj, path)
    return vals[0] if vals else default


def _deployment(o):
    s, st = o.get("spec") or {}, o.get("status") or {}
    containers = _g(o, ".spec.template.spec.containers", []) or []
    return [f"{st.get('readyReplicas', 0)}/{s.get('replicas', 1)}",
            st.get("updatedReplicas", 0), st.get("availableReplicas", 0),
            ",".join(c.get("name", "") for c in containers),
            ",".join(c.get("image", "") for c in containers),
            selector_string(s.get("selector"))]


def _pod(o):
    statuses = _g(o, ".status.containerStatuses", []) or []
    containers = _g(o, ".spec.containers", []) or []
    ready = sum(1 for c in statuses if c.get("ready"))
    restarts = sum(c.get("restartCount", 0) for c in statuses)
    return [f"{ready}/{len(containers)}", _g(o, ".status.phase", "Pending"), restarts]


def _node(o):
    conds = _g(o, ".status.conditions", []) or []
    ready = next((c for c in conds if c.get("type") == "Ready"), None)
    status = "Ready" if ready and ready.get("status") == "True" else "NotReady"
    roles = sorted(k.split("/", 1)[1] for k in (o["metadata"].get("labels") or {})
                   if k.startswith("node-role.kubernetes.io/"))
    return [status, ",".join(roles) or "<none>", _g(o, ".status.nodeInfo.kubeletVersion", "")]


def _hpa(o):
    ref = _g(o, ".spec.scaleTargetRef", {}) or {}
    return [f"{ref.get('kind', '')}/{ref.get('name', '')}", "<unknown>",
            _g(o, ".spec.minReplicas", 1), _g(o, ".spec.maxReplicas", 0),
            _g(o, ".status.currentReplicas", 0)]


def _event(o):
    involved = o.get("involvedObject") or o.get("regarding") or {}
    return [o.get("type", ""), o.get("reason", ""),
            f"{(involved.get('kind') or '').lower()}/{involved.get('name', '')}",
            o.get("message") or o.get("note") or ""]


# resource -> (columns after Name (before Age), cells function)
BUILTIN = {
    ("apps", "deployments"): ([_col("Ready"), _col("Up-to-date", "integer"),
                               _col("Available", "integer"), AGE,
                               _col("Containers", priority=1), _col("Images", priority=1),
                               _col("Selector", priority=1)], _deployment),
    ("", "pods"): ([_col("Ready"), _col("Status"), _col("Restarts", "integer"), AGE], _pod),
    ("", "nodes"): ([_col("Status"), _col("Roles"), AGE, _col("Version")], _node),
    ("", "namespaces"): ([_col("Status"), AGE], lambda o: [_g(o, ".status.phase", "")]),
    ("coordination.k8s.io", "leases"): ([_col("Holder"), AGE],
                                        lambda o: [_g(o, ".spec.holderIdentity", "")]),
    ("autoscaling", "horizontalpodautoscalers"): (
        [_col("Reference"), _col("Targets"), _col("MinPods", "integer"),
         _col("MaxPods", "integer"), _col("Replicas", "integer"), AGE], _hpa),
    ("", "events"): ([_col("Type"), _col("Reason"), _col("Object"), _col("Message"), AGE],
                     _event),
    ("events.k8s.io", "events"): ([_col("Type"), _col("Reason"), _col("Object"),
                                   _col("Message"), AGE], _event),
    ("apiextensions.k8s.io", "customresourcedefinitions"): (
        [_col("Created At", "date")], lambda o: [o["metadata"].get("creationTimestamp")]),
}


def _custom_columns(defn, version):
    cols = defn.columns.get(version) or []
    if not cols:
        return [AGE], None
    out = []
    for c in cols:
        out.append(_col(c["name"], c.get("type", "string"), c.get("description", ""),
                        c.get("priority", 0), c.get("format", "")))
    return out, cols


def _cell(value, typ):
    """One printer-column cell, typed as apiextensions' tableconvertor types it: a value of
    another JSON type than the column's gives an empty cell (None); date strings become ages."""
    if value is None:
        return None
    is_num = isinstance(value, (int, float)) and not isinstance(value, bool)
    if typ == "integer":
        return int(value) if is_num else None
    if typ == "number":
        return value if is_num else None
    if typ == "boolean":
        return value if isinstance(value, bool) else None
    if typ == "date":
        if not isinstance(value, str):
            return None
        text = age(value)
        return "<invalid>" if text == "<unknown>" else text
    # string (and unknown types): the value printed as text
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if is_num:
        return str(value)
    return json.dumps(value, separators=(",", ":"))


def _row_object(defn, obj, include):
    if include == "None":
        return None
    if include == "Object":
        return obj
    return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
            "metadata": obj["metadata"]}


def columns_for(defn, version):
    if defn.is_custom:
        cols, _ = _custom_columns(defn, version)
        return [NAME] + cols
    cols, _ = BUILTIN.get(defn.key, ([AGE], None))
    return [NAME] + cols


def rows_for(defn, version, objs, include="Metadata"):
    rows = []
    for obj in objs:
        name = obj["metadata"].get("name", "")
        if defn.is_custom:
            cols, raw = _custom_columns(defn, version)
            if raw is None:
                cells = [name, age(obj["metadata"].get("creationTimestamp"))]
            else:
                cells = [name] + [_cell(_g(obj, c.get("jsonPath", "")), c.get("type", "string"))
                                  for c in raw]
        else:
            cols, fn = BUILTIN.get(defn.key, ([AGE], None))
            try:
                values = iter(fn(obj) if fn else [])
            except (AttributeError, TypeError, ValueError):
                values = iter([])  # odd field types: empty cells rather than an error
            cells = [name]
            for c in cols:
                if c is AGE:
                    cells.append(age(obj["metadata"].get("creationTimestamp")))
                elif c["type"] == "date":
                    cells.append(_cell(next(values, None), "date"))
                else:
                    cells.append(next(values, None))
        row = {"cells": cells}
        ro = _row_object(defn, obj, include)
        if ro is not None:
            row["object"] = ro
        rows.append(row)
    return rows


def table(defn, version, objs, rv, include="Metadata", with_columns=True, cont=None):
    t = {"kind": "Table", "apiVersion": "meta.k8s.io/v1",
         "metadata": {"resourceVersion": str(rv)},
         "columnDefinitions": columns_for(defn, version) if with_columns else [],
         "rows": rows_for(defn, version, objs, include)}
    if cont:
        t["metadata"]["continue"] = cont
    return t
