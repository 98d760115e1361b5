"""Structural-schema handling of custom resources: pruning, defaulting, validation.

Mirrors what kube-apiserver does with a CRD's openAPIV3Schema, in the same order:
  1. unknown fields are found (fieldValidation=Strict rejects them with 400, Warn/default
     reports them in a `Warning` header) and pruned;
  2. `default`s are applied to missing (or null, non-nullable) properties;
  3. the object is validated: type, required, properties, additionalProperties, enum,
     minimum/maximum (+ exclusive, boolean or numeric form), minLength/maxLength, pattern,
     items, minItems/maxItems, nullable, x-kubernetes-int-or-string,
     x-kubernetes-preserve-unknown-fields, x-kubernetes-embedded-resource.
Not evaluated: x-kubernetes-validations (CEL), formats other than date-time and date,
oneOf/anyOf/allOf/not, uniqueItems.
Errors are (field, reason, message) tuples whose messages match kube-openapi's wording, e.g.
("spec.maxReplicas", "FieldValueInvalid",
 "Invalid value: 0: spec.maxReplicas in body should be greater than or equal to 1").

Example:
    obj, unknown = prune(obj, schema)
    apply_defaults(obj, schema)
    errors = validate(obj, schema)
"""

import copy
import json
import re

_ROOT_KEEP = ("apiVersion", "kind", "metadata")
# String formats checked (kube-openapi strfmt); other formats (int32, double, ...) are not.
_STRING_FORMATS = {
    "date-time": re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?"
                            r"([Zz]|[+-]\d{2}:?\d{2})?$"),
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
}


def go_value(v):
    """A value the way field.Invalid prints it (%q for strings, %v for the rest)."""
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    if isinstance(v, (int, float)):
        return repr(v)
    return json.dumps(v, separators=(",", ":"))


def _type_name(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int) or (isinstance(v, float) and v.is_integer()):
        return "integer"
    if isinstance(v, float):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object"


def _join(path, key):
    return f"{path}.{key}" if path else key


def _preserves(schema):
    return bool(schema.get("x-kubernetes-preserve-unknown-fields"))


def prune(obj, schema, path="", root=True):
    """Drop fields the schema does not declare. Returns (obj, [unknown field paths])."""
    unknown = []
    _prune(obj, schema or {}, path, root, unknown)
    return obj, unknown


def _prune(value, schema, path, root, unknown):
    if isinstance(value, dict):
        props = schema.get("properties")
        addl = schema.get("additionalProperties")
        embedded = schema.get("x-kubernetes-embedded-resource")
        for key in list(value.keys()):
            child_path = _join(path, key)
            if (root or embedded) and key in _ROOT_KEEP:
                if key == "metadata" or key not in (props or {}):
                    continue
            if props is not None and key in props:
                _prune(value[key], props[key], child_path, False, unknown)
            elif isinstance(addl, dict):
                _prune(value[key], addl, f"{path}[{key}]", False, unknown)
            elif addl is True or _preserves(schema):
                continue
            elif props is None and not schema.get("type") and not root:
                continue  # an untyped, property-less schema keeps what it gets
            else:
                unknown.append(child_path)
                del value[key]
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(value):
            _prune(item, schema["items"], f"{path}[{i}]", False, unknown)


def apply_defaults(value, schema):
    """Fill in `default`s of missing properties, recursively (in place)."""
    if isinstance(value, dict):
        for key, sub in (schema.get("properties") or {}).items():
            if not isinstance(sub, dict):
                continue
            if "default" in sub and (key not in value or (value[key] is None
                                                          and not sub.get("nullable"))):
                value[key] = copy.deepcopy(sub["default"])
            if key in value:
                apply_defaults(value[key], sub)
        addl = schema.get("additionalProperties")
        if isinstance(addl, dict):
            for key in list(value.keys()):
                if key not in (schema.get("properties") or {}):
                    apply_defaults(value[key], addl)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for item in value:
            apply_defaults(item, schema["items"])


def _type_ok(value, typ, schema):
    if schema.get("x-kubernetes-int-or-string"):
        return _type_name(value) in ("integer", "string")
    if not typ:
        return True
    name = _type_name(value)
    if typ == "number":
        return name in ("integer", "number")
    return name == typ


def _num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def validate(value, schema, path="", root=True):
    """A list of (field, reason, message) errors; empty when valid."""
    errors = []
    _validate(value, schema or {}, path, root, errors)
    return errors


def _invalid(errors, path, value, detail):
    errors.append((path, "FieldValueInvalid", f"Invalid value: {go_value(value)}: {detail}"))


def _validate(value, schema, path, root, errors):
    typ = schema.get("type")
    if value is None:
        if not schema.get("nullable") and typ:
            errors.append((path, "FieldValueTypeInvalid",
                           f'Invalid value: "null": {path} in body must be of type {typ}: '
                           f'"null"'))
        return
    if not _type_ok(value, typ, schema):
        got = _type_name(value)
        errors.append((path, "FieldValueTypeInvalid",
                       f'Invalid value: "{got}": {path} in body must be of type {typ}: '
                       f'"{got}"'))
        return
    if "enum" in schema and value not in schema["enum"]:
        supported = ", ".join(go_value(e) for e in schema["enum"])
        errors.append((path, "FieldValueNotSupported",
                       f"Unsupported value: {go_value(value)}: supported values: {supported}"))
    if _num(value):
        _validate_number(value, schema, path, errors)
    if isinstance(value, str):
        if "minLength" in schema and len(value) < schema["minLength"]:
            _invalid(errors, path, value,
                     f"{path} in body should be at least {schema['minLength']} chars long")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errors.append((path, "FieldValueTooLong",
                           f"Too long: may not be more than {schema['maxLength']} bytes"))
        fmt_re = _STRING_FORMATS.get(schema.get("format"))
        if fmt_re is not None and not fmt_re.match(value):
            _invalid(errors, path, value,
                     f"{path} in body must be of type {schema['format']}: {go_value(value)}")
        if "pattern" in schema:
            try:
                ok = re.search(schema["pattern"], value) is not None
            except re.error:
                ok = True
            if not ok:
                _invalid(errors, path, value,
                         f"{path} in body should match '{schema['pattern']}'")
    if isinstance(value, list):
        if "minItems" in schema and len(value) < schema["minItems"]:
            _invalid(errors, path, len(value),
                     f"{path} in body should have at least {schema['minItems']} items")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            errors.append((path, "FieldValueTooMany",
                           f"Too many: {len(value)}: must have at most {schema['maxItems']} "
                           f"items"))
        if isinstance(schema.get("items"), dict):
            for i, item in enumerate(value):
                _validate(item, schema["items"], f"{path}[{i}]", False, errors)
    if isinstance(value, dict):
        _validate_object(value, schema, path, root, errors)


def _validate_number(value, schema, path, errors):
    lo, hi = schema.get("minimum"), schema.get("maximum")
    xlo, xhi = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if _num(xlo):  # OpenAPI 3.1 / JSON-schema numeric form
        lo, xlo = xlo, True
    if _num(xhi):
        hi, xhi = xhi, True
    if lo is not None:
        if xlo and value <= lo:
            _invalid(errors, path, value, f"{path} in body should be greater than {go_value(lo)}")
        elif not xlo and value < lo:
            _invalid(errors, path, value,
                     f"{path} in body should be greater than or equal to {go_value(lo)}")
    if hi is not None:
        if xhi and value >= hi:
            _invalid(errors, path, value, f"{path} in body should be less than {go_value(hi)}")
        elif not xhi and value > hi:
            _invalid(errors, path, value,
                     f"{path} in body should be less than or equal to {go_value(hi)}")
    mult = schema.get("multipleOf")
    if _num(mult) and mult and abs(value / mult - round(value / mult)) > 1e-9:
        _invalid(errors, path, value, f"{path} in body should be a multiple of {go_value(mult)}")


def _validate_object(value, schema, path, root, errors):
    props = schema.get("properties") or {}
    for req in schema.get("required") or []:
        if req not in value:
            errors.append((_join(path, req), "FieldValueRequired", "Required value"))
    for key, sub in props.items():
        if key in value and isinstance(sub, dict):
            if root and key == "metadata":
                continue
            _validate(value[key], sub, _join(path, key), False, errors)
    addl = schema.get("additionalProperties")
    if isinstance(addl, dict):
        for key, item in value.items():
            if key not in props:
                _validate(item, addl, f"{path}[{key}]", False, errors)
    for bound, op in (("minProperties", "<"), ("maxProperties", ">")):
        if bound in schema and ((op == "<" and len(value) < schema[bound])
                                or (op == ">" and len(value) > schema[bound])):
            word = "at least" if op == "<" else "at most"
            _invalid(errors, path, len(value),
                     f"{path} in body should have {word} {schema[bound]} properties")


_DNS1123_SUBDOMAIN = re.compile(
    r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def validate_name(name, path="metadata.name"):
    """Object names must be DNS-1123 subdomains (apimachinery validation.IsDNS1123Subdomain)."""
    if not name:
        return [(path, "FieldValueRequired", "Required value: name or generateName is required")]
    if len(name) > 253 or not _DNS1123_SUBDOMAIN.match(name):
        return [(path, "FieldValueInvalid",
                 f"Invalid value: {go_value(name)}: a lowercase RFC 1123 subdomain must consist "
                 f"of lower case alphanumeric characters, '-' or '.', and must start and end "
                 f"with an alphanumeric character (e.g. 'example.com', regex used for validation "
                 f"is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")]
    return []


def validate_crd(crd):
    """The checks that keep this server consistent (a subset of the real CRD validation)."""
    errs = []
    spec = crd.get("spec")
    if not isinstance(spec, dict):
        return [("spec", "FieldValueRequired", "Required value")]
    names = spec.get("names") if isinstance(spec.get("names"), dict) else {}
    for field, value in (("spec.group", spec.get("group")),
                         ("spec.names.plural", names.get("plural")),
                         ("spec.names.kind", names.get("kind"))):
        if not isinstance(value, str) or not value:
            errs.append((field, "FieldValueRequired", "Required value"))
    if spec.get("scope") not in ("Namespaced", "Cluster"):
        errs.append(("spec.scope", "FieldValueNotSupported",
                     f'Unsupported value: {go_value(spec.get("scope"))}: supported values: '
                     f'"Cluster", "Namespaced"'))
    versions = spec.get("versions")
    if not isinstance(versions, list) or not versions:
        errs.append(("spec.versions", "FieldValueRequired", "Required value"))
    else:
        for i, v in enumerate(versions):
            if not isinstance(v, dict) or not isinstance(v.get("name"), str):
                errs.append((f"spec.versions[{i}].name", "FieldValueRequired", "Required value"))
        if isinstance(versions[0], dict) and sum(1 for v in versions
                                                 if isinstance(v, dict) and v.get("storage")) != 1:
            errs.append(("spec.versions", "FieldValueInvalid",
                         "Invalid value: []: must have exactly one version marked as storage "
                         "version"))
    for i, v in enumerate(versions if isinstance(versions, list) else []):
        if not isinstance(v, dict):
            continue
        base = f"spec.versions[{i}]"
        sch = v.get("schema")
        if sch is not None and not (isinstance(sch, dict) and isinstance(
                sch.get("openAPIV3Schema", {}), dict)):
            errs.append((f"{base}.schema.openAPIV3Schema", "FieldValueInvalid",
                         "Invalid value: must be an object"))
        elif sch:
            errs += _check_schema_shape(sch.get("openAPIV3Schema") or {},
                                        f"{base}.schema.openAPIV3Schema")
        if v.get("subresources") is not None and not isinstance(v["subresources"], dict):
            errs.append((f"{base}.subresources", "FieldValueInvalid",
                         "Invalid value: must be an object"))
        cols = v.get("additionalPrinterColumns")
        if cols is not None and not (isinstance(cols, list) and all(
                isinstance(c, dict) and isinstance(c.get("name"), str)
                and isinstance(c.get("jsonPath"), str) for c in cols)):
            errs.append((f"{base}.additionalPrinterColumns", "FieldValueInvalid",
                         "Invalid value: each column needs a name and a jsonPath"))
    if not errs:
        want = f"{names['plural']}.{spec['group']}"
        if crd.get("metadata", {}).get("name") != want:
            errs.append(("metadata.name", "FieldValueInvalid",
                         f"Invalid value: {go_value(crd.get('metadata', {}).get('name'))}: "
                         f"must be spec.names.plural+\".\"+spec.group"))
    return errs


def _check_schema_shape(sch, path):
    """Schemas must nest as objects so that validation cannot trip over them."""
    if not isinstance(sch, dict):
        return [(path, "FieldValueInvalid", "Invalid value: must be an object")]
    errs = []
    props = sch.get("properties")
    if props is not None:
        if not isinstance(props, dict):
            return [(f"{path}.properties", "FieldValueInvalid", "Invalid value: must be an object")]
        for k, sub in props.items():
            errs += _check_schema_shape(sub, f"{path}.properties[{k}]")
    for k in ("items", "additionalProperties"):
        if k in sch and not isinstance(sch[k], bool):
            errs += _check_schema_shape(sch[k], f"{path}.{k}")
    if "required" in sch and not (isinstance(sch["required"], list)
                                  and all(isinstance(r, str) for r in sch["required"])):
        errs.append((f"{path}.required", "FieldValueInvalid", "Invalid value: must be a list "
                     "of strings"))
    if "enum" in sch and not isinstance(sch["enum"], list):
        errs.append((f"{path}.enum", "FieldValueInvalid", "Invalid value: must be a list"))
    return errs
