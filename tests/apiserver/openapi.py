"""Minimal OpenAPI v3 documents: just enough for kubectl to use server-side field validation.

kubectl (1.27+) checks, per group/version, whether the PATCH operation of the object's kind
lists a `fieldValidation` query parameter (kubectl's queryParamVerifierV3); if so it sends
`fieldValidation=Strict` and skips client-side schema validation, which would otherwise need
the full /openapi/v2 document. So this server serves:

  GET /openapi/v3            {"paths": {"apis/apps/v1": {"serverRelativeURL":
                                 "/openapi/v3/apis/apps/v1?hash=..."}, ...}}
  GET /openapi/v3/apis/G/V   an OpenAPI 3.0 document whose paths carry, per resource, a
                             PATCH operation with x-kubernetes-group-version-kind and the
                             fieldValidation/dryRun/fieldManager parameters; custom resources
                             also carry their openAPIV3Schema under components.schemas (so
                             `kubectl explain` has something to show).
  GET /openapi/v2            404 (kubectl tolerates it). The v3 documents do not list the
                             strategic-merge-patch media type, so `kubectl apply` computes
                             strategic merge patches of built-ins from its compiled-in types
                             and JSON merge patches for custom resources.
"""

import hashlib
import json

_PATCH_BODY_TYPES = ("application/json-patch+json", "application/merge-patch+json",
                     "application/apply-patch+yaml")


def _gv_path(group, version):
    return f"api/{version}" if not group else f"apis/{group}/{version}"


def _param(name):
    return {"name": name, "in": "query", "schema": {"type": "string", "uniqueItems": True}}


def gv_document(registry, group, version):
    defs = [d for d in registry.all() if d.group == group and version in d.versions]
    if not defs:
        return None
    paths, schemas = {}, {}
    prefix = "/" + _gv_path(group, version)
    for d in defs:
        gvk = {"group": group, "version": version, "kind": d.kind}
        base = f"{prefix}/namespaces/{{namespace}}/{d.resource}" if d.namespaced \
            else f"{prefix}/{d.resource}"
        ref = {"$ref": f"#/components/schemas/{_schema_name(d, version)}"}
        body = {t: {"schema": ref} for t in _PATCH_BODY_TYPES}
        paths[f"{base}/{{name}}"] = {
            "get": {"operationId": f"read{d.kind}", "x-kubernetes-action": "get",
                    "x-kubernetes-group-version-kind": gvk,
                    "responses": {"200": {"description": "OK",
                                          "content": {"application/json": {"schema": ref}}}}},
            "patch": {"operationId": f"patch{d.kind}", "x-kubernetes-action": "patch",
                      "x-kubernetes-group-version-kind": gvk,
                      "parameters": [_param("dryRun"), _param("fieldManager"),
                                     _param("fieldValidation"), _param("force")],
                      "requestBody": {"content": body, "required": True},
                      "responses": {"200": {"description": "OK",
                                            "content": {"application/json": {"schema": ref}}}}},
        }
        sch = dict(d.schemas.get(version) or {"type": "object"})
        sch["x-kubernetes-group-version-kind"] = [gvk]
        schemas[_schema_name(d, version)] = sch
    return {"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": "v1.32.0"},
            "paths": paths, "components": {"schemas": schemas}}


def _schema_name(d, version):
    group = ".".join(reversed(d.group.split("."))) if d.group else "io.k8s.api.core"
    return f"{group}.{version}.{d.kind}"


def index(registry):
    paths = {}
    for group, versions in registry.groups().items():
        for v in versions:
            doc = gv_document(registry, group, v)
            digest = hashlib.sha512(json.dumps(doc, sort_keys=True).encode()).hexdigest()
            paths[_gv_path(group, v)] = {
                "serverRelativeURL": f"/openapi/v3/{_gv_path(group, v)}?hash={digest.upper()}"}
    return {"paths": paths}


def handle(registry, path):
    """(code, document) for an /openapi/... path."""
    if path in ("/openapi/v3", "/openapi/v3/"):
        return 200, index(registry)
    if path.startswith("/openapi/v3/"):
        parts = path[len("/openapi/v3/"):].strip("/").split("/")
        if len(parts) == 2 and parts[0] == "api":
            doc = gv_document(registry, "", parts[1])
        elif len(parts) == 3 and parts[0] == "apis":
            doc = gv_document(registry, parts[1], parts[2])
        else:
            doc = None
        if doc is not None:
            return 200, doc
    return 404, None
