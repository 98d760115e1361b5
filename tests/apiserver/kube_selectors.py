"""Label selectors, field selectors and the small JSONPath subset the server evaluates.

Label selector syntax (k8s.io/apimachinery/pkg/labels): `a=b`, `a==b`, `a!=b`, `a in (x,y)`,
`a notin (x,y)`, `a`, `!a`, comma-separated (AND).
Field selectors: `metadata.name=x`, `metadata.namespace!=y` (and any other dotted path,
compared as a string, which is more than the real server supports per resource).
JSONPath: `.a.b`, `.a[0].b`, `.a[*].b`, `.a[?(@.type=="Ready")].status` and `{...}` wrappers.

Example:
    sel = parse_label_selector("app=web,tier in (a,b)")
    matches_labels(sel, {"app": "web", "tier": "a"})  # True
"""

import re

from errors import bad_request

_REQ_SET = re.compile(r"^\s*(!?)([A-Za-z0-9_.\-/]+)\s+(in|notin)\s+\(([^)]*)\)\s*$")
_REQ_CMP = re.compile(r"^\s*([A-Za-z0-9_.\-/]+)\s*(==|!=|=)\s*([A-Za-z0-9_.\-]*)\s*$")
_REQ_EXISTS = re.compile(r"^\s*(!?)([A-Za-z0-9_.\-/]+)\s*$")


def _split_top(text):
    """Split on commas that are not inside parentheses."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur)
    return parts


def parse_label_selector(text):
    """A list of (key, op, values) requirements; raises a 400 ApiError on bad syntax."""
    reqs = []
    for part in _split_top(text or ""):
        m = _REQ_SET.match(part)
        if m and not m.group(1):
            reqs.append((m.group(2), m.group(3), [v.strip() for v in m.group(4).split(",")]))
            continue
        m = _REQ_CMP.match(part)
        if m:
            reqs.append((m.group(1), "!=" if m.group(2) == "!=" else "=", [m.group(3)]))
            continue
        m = _REQ_EXISTS.match(part)
        if m:
            reqs.append((m.group(2), "!" if m.group(1) else "exists", []))
            continue
        raise bad_request(f"unable to parse requirement: {part.strip()!r}")
    return reqs


def matches_labels(reqs, labels):
    labels = labels or {}
    for key, op, values in reqs:
        have = key in labels
        val = labels.get(key)
        if op == "=" and not (have and val == values[0]):
            return False
        if op == "!=" and have and val == values[0]:
            return False
        if op == "in" and not (have and val in values):
            return False
        if op == "notin" and have and val in values:
            return False
        if op == "exists" and not have:
            return False
        if op == "!" and have:
            return False
    return True


def parse_field_selector(text):
    reqs = []
    for part in _split_top(text or ""):
        m = _REQ_CMP.match(part)
        if not m:
            raise bad_request(f"invalid selector: {part.strip()!r}; can't understand "
                              f"'{part.strip()}'")
        reqs.append((m.group(1), m.group(2) == "!=", m.group(3)))
    return reqs


def matches_fields(reqs, obj):
    for path, negate, value in reqs:
        got = get_dotted(obj, path)
        got = "" if got is None else str(got)
        if (got == value) == negate:
            return False
    return True


def get_dotted(obj, path):
    cur = obj
    for part in path.strip(".").split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


def set_dotted(obj, path, value):
    """Set `.spec.replicas`-style paths, creating intermediate objects."""
    parts = path.strip(".").split(".")
    cur = obj
    for part in parts[:-1]:
        if not isinstance(cur.get(part), dict):
            cur[part] = {}
        cur = cur[part]
    cur[parts[-1]] = value


def selector_string(label_selector):
    """metav1.LabelSelector -> its string form (FormatLabelSelector), e.g. `app=web`."""
    if not isinstance(label_selector, dict):
        return ""
    labels = label_selector.get("matchLabels")
    exprs = label_selector.get("matchExpressions")
    labels = labels if isinstance(labels, dict) else {}
    exprs = [e for e in exprs if isinstance(e, dict)] if isinstance(exprs, list) else []
    parts = [f"{k}={v}" for k, v in sorted(labels.items())]
    for e in exprs:
        op = (e.get("operator") or "").lower()
        key = e.get("key", "")
        vals = ",".join(sorted(str(v) for v in (e.get("values") or []) if v is not None)) \
            if isinstance(e.get("values"), list) else ""
        if op == "in":
            parts.append(f"{key} in ({vals})")
        elif op == "notin":
            parts.append(f"{key} notin ({vals})")
        elif op == "exists":
            parts.append(key)
        elif op == "doesnotexist":
            parts.append(f"!{key}")
    return ",".join(parts)


_TOKEN = re.compile(r"\.([A-Za-z0-9_\-/]+)|\[(\d+|\*)\]|\[\?\(@\.([A-Za-z0-9_.\-]+)\s*==\s*"
                    r"[\"']([^\"']*)[\"']\)\]|\[['\"]([^'\"]+)['\"]\]")


def jsonpath(obj, path):
    """All values `path` selects (a list; empty when nothing matches)."""
    path = path.strip()
    if path.startswith("{") and path.endswith("}"):
        path = path[1:-1]
    if path.startswith("$"):
        path = path[1:]
    if path and not path.startswith((".", "[")):
        path = "." + path
    current = [obj]
    pos = 0
    while pos < len(path):
        m = _TOKEN.match(path, pos)
        if not m:
            return []
        pos = m.end()
        nxt = []
        for cur in current:
            if m.group(1) is not None or m.group(5) is not None:
                key = m.group(1) if m.group(1) is not None else m.group(5)
                if isinstance(cur, dict) and key in cur:
                    nxt.append(cur[key])
            elif m.group(2) is not None:
                if isinstance(cur, list):
                    if m.group(2) == "*":
                        nxt.extend(cur)
                    elif int(m.group(2)) < len(cur):
                        nxt.append(cur[int(m.group(2))])
                elif isinstance(cur, dict) and m.group(2) == "*":
                    nxt.extend(cur.values())
            else:
                if isinstance(cur, list):
                    for item in cur:
                        if str(get_dotted(item, m.group(3))) == m.group(4):
                            nxt.append(item)
        current = nxt
    return current
