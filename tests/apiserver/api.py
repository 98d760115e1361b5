"""The REST API of resources: routing of /api and /apis paths to get, list, create, update,
patch, delete, deletecollection and watch, including the /status and /scale subresources.

Paths:  /api/v1/RESOURCE[/NAME[/SUB]]                      (cluster-scoped, or all namespaces)
        /api/v1/namespaces/NS/RESOURCE[/NAME[/SUB]]
        /apis/GROUP/VERSION/... the same
A Request carries the parsed HTTP request; handle() returns a Response or, for watch, a
watch.WatchStream which the HTTP layer drives. Errors are raised as errors.ApiError.

Thread-safety: stateless apart from the registry and store, which lock themselves.
"""

import base64
import json

import discovery
import errors
import patch as patchlib
import protobuf
import strategy
import tables
from kube_selectors import (matches_fields, matches_labels, parse_field_selector,
                            parse_label_selector)
from watch import WatchStream

CRD_KEY = ("apiextensions.k8s.io", "customresourcedefinitions")
NS_KEY = ("", "namespaces")


class Request:
    def __init__(self, method, path, query, headers, body):
        self.method, self.path, self.query = method, path, query
        self.headers, self.body = headers, body

    def q(self, name, default=None):
        return self.query.get(name, default)

    def flag(self, name):
        return self.query.get(name, "").lower() in ("1", "true")

    @property
    def wants_table(self):
        accept = self.headers.get("Accept", "") or ""
        return any("as=Table" in part for part in accept.split(","))

    def json_body(self):
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype == "application/vnd.kubernetes.protobuf":
            try:
                return protobuf.decode(self.body)
            except protobuf.ProtobufError as e:
                raise errors.ApiError(415, "UnsupportedMediaType",
                                      f"the body of the request was in an unknown format - "
                                      f"accepted media types include: application/json "
                                      f"({e})") from None
        if "protobuf" in ctype or "cbor" in ctype or "yaml" in ctype:
            raise errors.ApiError(415, "UnsupportedMediaType",
                                  f"the body of the request was in an unknown format - "
                                  f"accepted media types include: application/json "
                                  f"(this test server does not decode {ctype})")
        try:
            return json.loads(self.body.decode("utf-8") if self.body else "")
        except (ValueError, UnicodeDecodeError) as e:
            raise errors.bad_request(f"the request body is not valid JSON: {e}") from None


class Response:
    def __init__(self, code, obj, headers=None):
        self.code, self.obj, self.headers = code, obj, headers or {}


class Target:
    """What a resource path names."""

    def __init__(self, defn, version, ns, name, sub):
        self.defn, self.version, self.ns, self.name, self.sub = defn, version, ns, name, sub


def present(defn, version, obj):
    """The object as served at `version` (no conversion: same fields, other apiVersion)."""
    obj["apiVersion"] = defn.api_version(version)
    obj["kind"] = defn.kind
    return obj


class Api:
    def __init__(self, registry, store, ctl, server_address="127.0.0.1"):
        self.registry, self.store, self.ctl = registry, store, ctl
        self.server_address = server_address
        self.bookmark_interval_s = 1.0

    # -- routing ------------------------------------------------------------------------------
    def handle(self, req):
        parts = [p for p in req.path.split("/") if p]
        if parts == ["api"]:
            return Response(200, discovery.api_versions(self.server_address))
        if parts == ["apis"]:
            return Response(200, discovery.api_group_list(self.registry))
        if parts == ["version"] or parts == ["version", ""]:
            return Response(200, dict(discovery.VERSION_INFO))
        if len(parts) == 2 and parts[0] == "apis":
            doc = discovery.api_group(self.registry, parts[1])
            if doc is None:
                raise errors.path_not_found(req.path)
            return Response(200, doc)
        if len(parts) >= 2 and parts[0] == "api" and parts[1] == "v1":
            group, version, rest = "", "v1", parts[2:]
        elif len(parts) >= 3 and parts[0] == "apis":
            group, version, rest = parts[1], parts[2], parts[3:]
        else:
            raise errors.path_not_found(req.path)
        if not rest:
            if req.method != "GET":
                raise errors.method_not_allowed(req.method)
            doc = discovery.api_resource_list(self.registry, group, version)
            if doc is None:
                raise errors.path_not_found(req.path)
            return Response(200, doc)
        target = self._target(group, version, rest, req.path)
        verb = self._verb(req, target)
        if target.defn.namespaced and target.ns is None and verb not in ("list", "watch"):
            raise errors.path_not_found(req.path)  # only lists span all namespaces
        self._authorize(verb, target)
        return getattr(self, "_" + verb)(req, target)

    def _target(self, group, version, rest, path):
        if len(rest) >= 3 and rest[0] == "namespaces":
            d = self.registry.lookup(group, version, rest[2])
            if d is not None and d.namespaced and len(rest) <= 5:
                return self._checked(Target(d, version, rest[1], _at(rest, 3), _at(rest, 4)),
                                     path)
        d = self.registry.lookup(group, version, rest[0])
        if d is None or len(rest) > 3:
            raise errors.path_not_found(path)
        return self._checked(Target(d, version, None, _at(rest, 1), _at(rest, 2)), path)

    def _checked(self, t, path):
        if t.sub and (t.sub not in ("status", "scale") or (t.sub == "status" and not t.defn.status)
                      or (t.sub == "scale" and t.defn.scale is None)):
            raise errors.path_not_found(path)
        if t.defn.namespaced is False and t.ns:
            raise errors.path_not_found(path)
        return t

    def _verb(self, req, t):
        m = req.method
        if m == "GET":
            return "get" if t.name else ("watch" if req.flag("watch") else "list")
        if t.sub and m not in ("PUT", "PATCH"):
            raise errors.method_not_allowed(m)
        if m == "POST" and not t.name:
            return "create"
        if m == "PUT" and t.name:
            return "update"
        if m == "PATCH" and t.name:
            return "patch"
        if m == "DELETE":
            return "delete" if t.name else "deletecollection"
        raise errors.method_not_allowed(m)

    def _authorize(self, verb, t):
        if self.ctl.is_forbidden(verb, t.defn.resource, t.sub):
            raise errors.forbidden(self.ctl.user, verb, t.defn.group, t.defn.resource, t.sub,
                                   t.name, t.ns)

    # -- reads --------------------------------------------------------------------------------
    def _out(self, req, t, obj):
        obj = present(t.defn, t.version, obj)
        if req.wants_table and not t.sub:
            return tables.table(t.defn, t.version, [obj], obj["metadata"]["resourceVersion"],
                                req.q("includeObject", "Metadata"))
        return obj

    def _get(self, req, t):
        obj = self.store.get(t.defn, t.ns, t.name)
        if t.sub == "scale":
            return Response(200, strategy.to_scale(t.defn, obj))
        return Response(200, self._out(req, t, obj))

    def predicate(self, req):
        labels = parse_label_selector(req.q("labelSelector", ""))
        fields = parse_field_selector(req.q("fieldSelector", ""))
        return lambda o: (matches_labels(labels, o["metadata"].get("labels"))
                          and matches_fields(fields, o))

    def _list(self, req, t):
        pred = self.predicate(req)
        rv_text, match = req.q("resourceVersion", ""), req.q("resourceVersionMatch", "")
        if rv_text not in ("", "0"):
            rv = _parse_rv(rv_text)
            if match == "Exact":
                self.store.check_not_expired(rv)
        items, rv = self.store.list(t.defn, t.ns, pred)
        items, cont = _paginate(req, items, rv)
        items = [present(t.defn, t.version, o) for o in items]
        if req.wants_table:
            return Response(200, tables.table(t.defn, t.version, items, rv,
                                              req.q("includeObject", "Metadata"), cont=cont))
        if not t.defn.is_custom:  # typed lists carry no per-item kind/apiVersion
            for o in items:
                o.pop("kind", None)
                o.pop("apiVersion", None)
        meta = {"resourceVersion": str(rv)}
        if cont:
            meta["continue"] = cont
        return Response(200, {"kind": t.defn.list_kind, "apiVersion": t.defn.api_version(t.version),
                              "metadata": meta, "items": items})

    def _watch(self, req, t):
        return WatchStream(self, req, t)

    # -- writes -------------------------------------------------------------------------------
    def _field_validation(self, req):
        fv = req.q("fieldValidation", "Warn")
        if fv not in ("Ignore", "Warn", "Strict"):
            raise errors.bad_request(f"fieldValidation parameter unsupported: {fv}")
        return fv

    def _written(self, req, t, code, obj, warnings):
        headers = {"Warning": [_warning(w) for w in warnings]} if warnings else {}
        if t.sub == "scale":
            return Response(code, strategy.to_scale(t.defn, obj), headers)
        return Response(code, present(t.defn, t.version, obj), headers)

    def _create(self, req, t):
        body = req.json_body()
        obj, warnings = strategy.prepare_create(t.defn, t.version, body, t.ns,
                                                self._field_validation(req))
        if t.defn.namespaced and not self.store.exists(self.registry.get(*NS_KEY), "", t.ns):
            raise errors.not_found("", "namespaces", t.ns)
        dry = req.q("dryRun") == "All"
        if t.defn.key == CRD_KEY and not dry:
            existing = self.registry.get(obj["spec"]["group"], obj["spec"]["names"]["plural"])
            if existing is not None and not existing.is_custom:
                raise errors.invalid(t.defn.group, t.defn.kind, obj["metadata"]["name"], [(
                    "spec.names.plural", "FieldValueInvalid",
                    "Invalid value: the resource is built into this test server")])
        created = self.store.create(t.defn, obj, dry_run=dry)
        if t.defn.key == CRD_KEY and not dry:
            self.registry.register_crd(created)
        return self._written(req, t, 201, created, warnings)

    def _update(self, req, t):
        return self._write(req, t, lambda old: req.json_body(), require_rv=None)

    def _patch(self, req, t):
        ctype = (req.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        smp_ok = not t.defn.is_custom
        if ctype not in _PATCH_TYPES or (ctype == _PATCH_TYPES[2] and not smp_ok):
            # Includes application/apply-patch+yaml: server-side apply is not implemented.
            raise errors.unsupported_media_type(ctype, strategic=smp_ok)
        body = req.json_body()

        def apply(current):
            try:
                if ctype == "application/merge-patch+json":
                    return patchlib.merge_patch(current, body)
                if ctype == "application/json-patch+json":
                    return patchlib.json_patch(current, body)
                return patchlib.strategic_merge_patch(current, body)
            except patchlib.PatchError as e:
                if e.bad:
                    raise errors.bad_request(str(e)) from None
                raise errors.ApiError(422, "Invalid", str(e)) from None

        return self._write(req, t, apply, require_rv=False)

    def _write(self, req, t, make_new, require_rv):
        """PUT/PATCH of the object or one of its subresources, atomically."""
        fv = self._field_validation(req)
        warnings = []

        def mutate(old):
            if t.sub == "scale":
                new_scale = make_new(strategy.to_scale(t.defn, old))
                new = strategy.apply_scale(t.defn, old, new_scale)
                obj, w = strategy.prepare_update(t.defn, t.version, old, new, None, fv, False)
            else:
                new = make_new(present(t.defn, t.version, dict(old)))
                obj, w = strategy.prepare_update(t.defn, t.version, old, new, t.sub, fv,
                                                 require_rv)
            warnings.extend(w)
            return obj

        obj = self.store.update(t.defn, t.ns, t.name, mutate, dry_run=req.q("dryRun") == "All")
        if t.defn.key == CRD_KEY and req.q("dryRun") != "All":
            self.registry.register_crd(obj)
        return self._written(req, t, 200, obj, warnings)

    def _delete(self, req, t):
        pre = {}
        if req.body:
            opts = req.json_body()
            pre = (opts.get("preconditions") or {}) if isinstance(opts, dict) else {}
            pre = pre if isinstance(pre, dict) else {}
        dry = req.q("dryRun") == "All"
        gone = self.store.delete(t.defn, t.ns, t.name, pre.get("resourceVersion"),
                                 pre.get("uid"), dry_run=dry)
        if t.defn.key == CRD_KEY and not dry:
            d = self.registry.unregister_crd(gone)
            if d is not None:
                self.store.drop_resource(d)
        if t.defn.is_custom:  # the custom resource store returns the deleted object
            return Response(200, present(t.defn, t.version, gone))
        # Built-ins deleted at once answer a Status Success naming what went.
        details = {"name": t.name, "kind": t.defn.resource, "uid": gone["metadata"]["uid"]}
        if t.defn.group:
            details["group"] = t.defn.group
        return Response(200, errors.status_object(200, "", "", details))

    def _deletecollection(self, req, t):
        pred = self.predicate(req)
        items, _ = self.store.list(t.defn, t.ns, pred)
        gone = []
        for o in items:
            m = o["metadata"]
            dry = req.q("dryRun") == "All"
            try:
                obj = self.store.delete(t.defn, m.get("namespace"), m["name"], dry_run=dry)
            except errors.ApiError:
                continue  # deleted meanwhile
            if t.defn.key == CRD_KEY and not dry:
                d = self.registry.unregister_crd(obj)
                if d is not None:
                    self.store.drop_resource(d)
            gone.append(present(t.defn, t.version, obj))
        return Response(200, {"kind": t.defn.list_kind, "apiVersion":
                              t.defn.api_version(t.version),
                              "metadata": {"resourceVersion": str(self.store.current_rv())},
                              "items": gone})


_PATCH_TYPES = ("application/merge-patch+json", "application/json-patch+json",
                "application/strategic-merge-patch+json")


def _warning(text):
    """An RFC 7234 Warning header value, as the real server writes it (code 299, agent -)."""
    return '299 - "' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _at(parts, i):
    return parts[i] if len(parts) > i else None


def _parse_rv(text):
    try:
        rv = int(text)
        if rv < 0:
            raise ValueError
        return rv
    except ValueError:
        raise errors.bad_request(f"resourceVersion: Invalid value: {json.dumps(text)}: must be "
                                 f"a non-negative integer") from None


def _paginate(req, items, rv):
    """limit/continue: the continue token encodes the last key returned."""
    cont_in, limit = req.q("continue"), req.q("limit")
    if cont_in:
        try:
            start = json.loads(base64.urlsafe_b64decode(cont_in.encode()).decode())["start"]
        except (ValueError, KeyError, TypeError):
            raise errors.bad_request("continue key is not valid") from None
        items = [o for o in items if [o["metadata"].get("namespace", ""),
                                      o["metadata"]["name"]] > start]
    try:
        n = int(limit) if limit else 0
    except ValueError:
        raise errors.bad_request(f"limit: Invalid value: {limit!r}") from None
    if n > 0 and len(items) > n:
        last = items[n - 1]["metadata"]
        token = {"rv": rv, "start": [last.get("namespace", ""), last["name"]]}
        return items[:n], base64.urlsafe_b64encode(json.dumps(token).encode()).decode()
    return items, None
