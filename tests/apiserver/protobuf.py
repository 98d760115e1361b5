"""Decoding of the Kubernetes protobuf request bodies that kubectl's generator commands send
(`kubectl create namespace`, `kubectl create deployment`), for Namespace and Deployment only.

The envelope (k8s.io/apimachinery runtime.Unknown behind the 4-byte magic "k8s\\0") holds
typeMeta {apiVersion, kind} and raw, the object's own protobuf message. Field numbers follow
k8s.io/api's generated.proto (checked against what kubectl 1.32 sends, see
test_kubectl.py). Fields not listed below are skipped; empty strings, zero numbers and false
are dropped as Go's JSON omitempty would, except for pointer fields (replicas ...) whose
presence matters. Answers are always JSON.

Example:
    obj = decode(body)  # {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": ...}
"""

MAGIC = b"k8s\x00"


class ProtobufError(ValueError):
    pass


def _varint(b, i):
    shift = result = 0
    while True:
        if i >= len(b) or shift > 63:
            raise ProtobufError("truncated varint")
        c = b[i]
        i += 1
        result |= (c & 0x7F) << shift
        shift += 7
        if c < 0x80:
            return result, i


def fields(b):
    """[(field number, wire type, value)]: ints for varints, bytes for length-delimited."""
    out, i = [], 0
    while i < len(b):
        key, i = _varint(b, i)
        num, wire = key >> 3, key & 7
        if wire == 0:
            v, i = _varint(b, i)
        elif wire == 2:
            n, i = _varint(b, i)
            if i + n > len(b):
                raise ProtobufError("truncated field")
            v, i = b[i:i + n], i + n
        elif wire == 5:
            v, i = b[i:i + 4], i + 4
        elif wire == 1:
            v, i = b[i:i + 8], i + 8
        else:
            raise ProtobufError(f"unsupported wire type {wire}")
        out.append((num, wire, v))
    return out


# Message schemas: field number -> (json name, kind[, sub-schema]); kinds: str, int, bool,
# map (map<string,string>), strs (repeated string), msg, msgs (repeated message).
# A trailing "!" on the kind keeps zero values (Go pointer fields).
_META = {1: ("name", "str"), 2: ("generateName", "str"), 3: ("namespace", "str"),
         5: ("uid", "str"), 6: ("resourceVersion", "str"), 11: ("labels", "map"),
         12: ("annotations", "map"), 14: ("finalizers", "strs")}
_SELECTOR = {1: ("matchLabels", "map"),
             2: ("matchExpressions", "msgs", {1: ("key", "str"), 2: ("operator", "str"),
                                              3: ("values", "strs")})}
_CONTAINER = {1: ("name", "str"), 2: ("image", "str"), 3: ("command", "strs"),
              4: ("args", "strs"), 5: ("workingDir", "str"),
              6: ("ports", "msgs", {1: ("name", "str"), 2: ("hostPort", "int"),
                                    3: ("containerPort", "int"), 4: ("protocol", "str"),
                                    5: ("hostIP", "str")}),
              7: ("env", "msgs", {1: ("name", "str"), 2: ("value", "str")}),
              14: ("imagePullPolicy", "str")}
_POD_SPEC = {2: ("containers", "msgs", _CONTAINER), 3: ("restartPolicy", "str")}
_DEPLOYMENT = {1: ("metadata", "msg", _META), 2: ("spec", "msg", {
    1: ("replicas", "int!"), 2: ("selector", "msg", _SELECTOR),
    3: ("template", "msg", {1: ("metadata", "msg", _META), 2: ("spec", "msg", _POD_SPEC)}),
    4: ("strategy", "msg", {1: ("type", "str")}), 5: ("minReadySeconds", "int"),
    6: ("revisionHistoryLimit", "int!"), 7: ("paused", "bool"),
    9: ("progressDeadlineSeconds", "int!")})}
_NAMESPACE = {1: ("metadata", "msg", _META), 2: ("spec", "msg", {1: ("finalizers", "strs")})}
KINDS = {("v1", "Namespace"): _NAMESPACE, ("apps/v1", "Deployment"): _DEPLOYMENT}


def _text(v):
    try:
        return v.decode("utf-8")
    except (AttributeError, UnicodeDecodeError):
        raise ProtobufError("a string field is not UTF-8") from None


def _message(b, schema):
    obj = {}
    for num, wire, v in fields(b):
        spec = schema.get(num)
        if spec is None:
            continue
        name, kind = spec[0], spec[1]
        keep_zero = kind.endswith("!")
        kind = kind.rstrip("!")
        if kind in ("int", "bool"):
            if wire != 0:
                raise ProtobufError(f"field {name}: wrong wire type")
            value = bool(v) if kind == "bool" else (v - (1 << 64) if v >= 1 << 63 else v)
            if value or keep_zero:
                obj[name] = value
            continue
        if wire != 2:
            raise ProtobufError(f"field {name}: wrong wire type")
        if kind == "str":
            if v:
                obj[name] = _text(v)
        elif kind == "strs":
            obj.setdefault(name, []).append(_text(v))
        elif kind == "map":
            entry = {n: _text(x) for n, _, x in fields(v) if n in (1, 2)}
            obj.setdefault(name, {})[entry.get(1, "")] = entry.get(2, "")
        elif kind == "msg":
            obj[name] = _message(v, spec[2])
        elif kind == "msgs":
            obj.setdefault(name, []).append(_message(v, spec[2]))
    return obj


def decode(body):
    """The JSON-shaped object in a protobuf body; raises ProtobufError when it cannot."""
    if not body.startswith(MAGIC):
        raise ProtobufError("missing the k8s protobuf magic prefix")
    env = {n: v for n, _, v in fields(body[len(MAGIC):])}
    type_meta = {n: _text(v) for n, _, v in fields(env.get(1, b""))}
    api_version, kind = type_meta.get(1, ""), type_meta.get(2, "")
    if env.get(3) or (env.get(4) and env[4] != b"application/vnd.kubernetes.protobuf"):
        raise ProtobufError("unsupported content encoding")
    schema = KINDS.get((api_version, kind))
    if schema is None:
        raise ProtobufError(f"protobuf bodies of {api_version} {kind} are not decoded")
    obj = {"apiVersion": api_version, "kind": kind}
    obj.update(_message(env.get(2, b""), schema))
    obj.setdefault("metadata", {})
    return obj
