"""PATCH bodies: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and an approximation of
Kubernetes strategic merge patch.

Strategic merge patch approximation: a merge patch, except that a list whose elements (in
both the object and the patch) are all objects carrying a merge key is merged element by
element by that key (`name` for containers/env/volumes..., `containerPort` for ports,
`mountPath` for volumeMounts, `type` for conditions), `{"$patch": "delete"}` elements remove
the matching element, and `$setElementOrder/...`, `$retainKeys`, `$deleteFromPrimitiveList/...`
directives are ignored. Lists of scalars are replaced. This is enough for kubectl apply/patch
of Deployments; it is not the full patchMergeKey/patchStrategy machinery.

Every function returns a new value and raises PatchError on a malformed or failing patch.
"""

import copy


class PatchError(Exception):
    """bad=True: the patch itself is malformed (400); else applying it failed (422)."""

    def __init__(self, message, bad=False):
        super().__init__(message)
        self.bad = bad


def merge_patch(target, patch):
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out


_MERGE_KEYS = ("name", "containerPort", "mountPath", "devicePath", "type", "ip", "port")


def _merge_key(old, new):
    items = [x for x in list(old) + list(new) if isinstance(x, dict) and not x.get("$patch")]
    if not items or not all(isinstance(x, dict) for x in list(old) + list(new)):
        return None
    for key in _MERGE_KEYS:
        if all(key in x for x in items):
            return key
    return None


def strategic_merge_patch(target, patch):
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if patch.get("$patch") == "replace":
        return {k: copy.deepcopy(v) for k, v in patch.items() if k != "$patch"}
    out = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if key.startswith("$"):
            continue
        if value is None:
            out.pop(key, None)
        elif isinstance(value, list) and isinstance(out.get(key), list):
            out[key] = _merge_list(out[key], value)
        elif isinstance(value, dict):
            out[key] = strategic_merge_patch(out.get(key), value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _merge_list(old, new):
    key = _merge_key(old, new)
    if key is None:
        return [x for x in copy.deepcopy(new) if not (isinstance(x, dict) and "$patch" in x)]
    out = copy.deepcopy(old)
    for item in new:
        idx = next((i for i, o in enumerate(out) if o.get(key) == item.get(key)), None)
        if item.get("$patch") == "delete":
            if idx is not None:
                del out[idx]
        elif idx is None:
            out.append(strategic_merge_patch({}, item))
        else:
            out[idx] = strategic_merge_patch(out[idx], item)
    return out


def _unescape(token):
    return token.replace("~1", "/").replace("~0", "~")


def _pointer(path):
    if path == "":
        return []
    if not isinstance(path, str) or not path.startswith("/"):
        raise PatchError(f"invalid JSON pointer: {path!r}", bad=True)
    return [_unescape(t) for t in path[1:].split("/")]


def _parent(doc, tokens, path):
    cur = doc
    for t in tokens[:-1]:
        if isinstance(cur, dict) and t in cur:
            cur = cur[t]
        elif isinstance(cur, list) and t.isdigit() and int(t) < len(cur):
            cur = cur[int(t)]
        else:
            raise PatchError(f"doc is missing path: {path!r}")
    return cur


def _get(doc, path):
    tokens = _pointer(path)
    if not tokens:
        return doc
    parent = _parent(doc, tokens, path)
    last = tokens[-1]
    if isinstance(parent, dict) and last in parent:
        return parent[last]
    if isinstance(parent, list) and last.isdigit() and int(last) < len(parent):
        return parent[int(last)]
    raise PatchError(f"doc is missing path: {path!r}")


def _add(doc, path, value):
    tokens = _pointer(path)
    if not tokens:
        return value
    parent = _parent(doc, tokens, path)
    last = tokens[-1]
    if isinstance(parent, dict):
        parent[last] = value
    elif isinstance(parent, list):
        if last == "-":
            parent.append(value)
        elif last.isdigit() and int(last) <= len(parent):
            parent.insert(int(last), value)
        else:
            raise PatchError(f"add operation: index out of bounds: {path!r}")
    else:
        raise PatchError(f"doc is missing path: {path!r}")
    return doc


def _remove(doc, path):
    tokens = _pointer(path)
    if not tokens:
        raise PatchError("cannot remove the whole document")
    parent = _parent(doc, tokens, path)
    last = tokens[-1]
    if isinstance(parent, dict) and last in parent:
        return parent.pop(last)
    if isinstance(parent, list) and last.isdigit() and int(last) < len(parent):
        return parent.pop(int(last))
    raise PatchError(f"remove operation does not apply: doc is missing path: {path!r}")


def json_patch(doc, ops):
    if not isinstance(ops, list):
        raise PatchError("json patch must be a JSON array of operations", bad=True)
    doc = copy.deepcopy(doc)
    for op in ops:
        if not isinstance(op, dict) or "op" not in op:
            raise PatchError(f"invalid operation {op!r}", bad=True)
        kind, path = op["op"], op.get("path")
        if kind in ("add", "replace", "test") and "value" not in op:
            raise PatchError(f"{kind} operation needs a value", bad=True)
        if kind == "add":
            doc = _add(doc, path, copy.deepcopy(op["value"]))
        elif kind == "remove":
            _remove(doc, path)
        elif kind == "replace":
            _get(doc, path)  # must exist
            if _pointer(path):
                _remove(doc, path)
            doc = _add(doc, path, copy.deepcopy(op["value"]))
        elif kind == "move":
            value = _remove(doc, op.get("from"))
            doc = _add(doc, path, value)
        elif kind == "copy":
            doc = _add(doc, path, copy.deepcopy(_get(doc, op.get("from"))))
        elif kind == "test":
            if _get(doc, path) != op["value"]:
                raise PatchError(f"testing value {path} failed: test failed")
        else:
            raise PatchError(f"unexpected operation {kind!r}", bad=True)
    return doc
