"""Unit tests of the test API server's pure modules: schema (prune/default/validate), patch
(RFC 7386, RFC 6902, strategic approximation), selectors/JSONPath and table helpers."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import kube_selectors as sel  # noqa: E402
import patch  # noqa: E402
import protobuf  # noqa: E402
import schema  # noqa: E402
import tables  # noqa: E402

SPEC = {"type": "object", "required": ["n"], "properties": {
    "n": {"type": "integer", "minimum": 1, "maximum": 10},
    "x": {"type": "number", "minimum": 0, "exclusiveMinimum": True, "exclusiveMaximum": True,
          "maximum": 1},
    "s": {"type": "string", "minLength": 2, "maxLength": 4, "pattern": "^[a-z]+$"},
    "e": {"type": "string", "enum": ["a", "b"]},
    "l": {"type": "array", "minItems": 1, "maxItems": 2, "items": {"type": "integer"}},
    "m": {"type": "object", "additionalProperties": {"type": "string"}},
    "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
    "ios": {"x-kubernetes-int-or-string": True},
    "opt": {"type": "string", "nullable": True},
    "t": {"type": "string", "format": "date-time"},
    "d": {"type": "object", "default": {}, "properties": {"k": {"type": "integer",
                                                              "default": 3}}},
}}
ROOT = {"type": "object", "properties": {"spec": SPEC}}


def errs(spec):
    return [(f, m) for f, _, m in schema.validate({"spec": spec}, ROOT)]


class SchemaTest(unittest.TestCase):
    def test_validation_messages_match_kube_openapi_wording(self):
        cases = {
            "below_minimum": ({"n": 0}, ("spec.n", "Invalid value: 0: spec.n in body should be "
                                        "greater than or equal to 1")),
            "above_maximum": ({"n": 11}, ("spec.n", "Invalid value: 11: spec.n in body should "
                                         "be less than or equal to 10")),
            "exclusive_minimum": ({"n": 1, "x": 0}, ("spec.x", "Invalid value: 0: spec.x in "
                                                     "body should be greater than 0")),
            "exclusive_maximum": ({"n": 1, "x": 1.0}, ("spec.x", "Invalid value: 1: spec.x in "
                                                       "body should be less than 1")),
            "wrong_type": ({"n": "3"}, ("spec.n", 'Invalid value: "string": spec.n in body '
                                        'must be of type integer: "string"')),
            "required": ({}, ("spec.n", "Required value")),
            "enum": ({"n": 1, "e": "c"}, ("spec.e", 'Unsupported value: "c": supported values: '
                                          '"a", "b"')),
            "min_length": ({"n": 1, "s": "a"}, ("spec.s", 'Invalid value: "a": spec.s in body '
                                                "should be at least 2 chars long")),
            "pattern": ({"n": 1, "s": "A1"}, ("spec.s", 'Invalid value: "A1": spec.s in body '
                                              "should match '^[a-z]+$'")),
            "min_items": ({"n": 1, "l": []}, ("spec.l", "Invalid value: 0: spec.l in body "
                                              "should have at least 1 items")),
            "item_type": ({"n": 1, "l": [True]}, ("spec.l[0]", 'Invalid value: "boolean": '
                                                  'spec.l[0] in body must be of type integer: '
                                                  '"boolean"')),
            "map_value_type": ({"n": 1, "m": {"k": 1}}, ("spec.m[k]", 'Invalid value: "integer":'
                                                         ' spec.m[k] in body must be of type '
                                                         'string: "integer"')),
            "bad_date_time": ({"n": 1, "t": "yesterday"}, ("spec.t", 'Invalid value: "yesterday":'
                                                             ' spec.t in body must be of type '
                                                             'date-time: "yesterday"')),
            "null_not_nullable": ({"n": None}, ("spec.n", 'Invalid value: "null": spec.n in body '
                                                'must be of type integer: "null"')),
        }
        for name, (spec, want) in cases.items():
            with self.subTest(name):
                self.assertEqual(errs(spec), [want])

    def test_valid_values_pass(self):
        for name, spec in {"minimal": {"n": 1}, "int_as_number": {"n": 2, "x": 0.5},
                           "integral_float": {"n": 2.0}, "int_or_string_int": {"n": 1, "ios": 3},
                           "int_or_string_str": {"n": 1, "ios": "50%"},
                           "nullable_null": {"n": 1, "opt": None},
                           "date_time": {"n": 1, "t": "2026-11-23T17:31:02.123Z"},
                           "preserved": {"n": 1, "free": {"any": {"thing": [1]}}}}.items():
            with self.subTest(name):
                self.assertEqual(errs(spec), [])

    def test_prune_reports_unknown_fields_but_keeps_preserved_ones(self):
        obj = {"apiVersion": "a/v1", "kind": "K", "metadata": {"name": "x", "odd": 1},
               "spec": {"n": 1, "zz": 1, "free": {"y": 2}, "m": {"k": "v"}}, "top": 1}
        _, unknown = schema.prune(obj, ROOT)
        self.assertEqual(sorted(unknown), ["spec.zz", "top"])
        self.assertEqual(obj["spec"], {"n": 1, "free": {"y": 2}, "m": {"k": "v"}})
        self.assertEqual(obj["metadata"], {"name": "x", "odd": 1})

    def test_defaults_fill_missing_fields_recursively(self):
        obj = {"spec": {"n": 1}}
        schema.apply_defaults(obj, ROOT)
        self.assertEqual(obj["spec"]["d"], {"k": 3})

    def test_crd_checks(self):
        self.assertEqual(schema.validate_crd({"spec": {}})[0][0], "spec.group")
        ok = {"metadata": {"name": "ws.e.io"}, "spec": {
            "group": "e.io", "scope": "Namespaced", "names": {"plural": "ws", "kind": "W"},
            "versions": [{"name": "v1", "served": True, "storage": True}]}}
        self.assertEqual(schema.validate_crd(ok), [])


class PatchTest(unittest.TestCase):
    def test_merge_patch_rfc7386_examples(self):
        cases = {
            "replace": ({"a": "b"}, {"a": "c"}, {"a": "c"}),
            "add": ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
            "remove": ({"a": "b"}, {"a": None}, {}),
            "nested": ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
            "array_replaced": ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
            "non_object_patch": ({"a": "c"}, ["c"], ["c"]),
        }
        for name, (doc, p, want) in cases.items():
            with self.subTest(name):
                self.assertEqual(patch.merge_patch(doc, p), want)

    def test_json_patch_operations(self):
        doc = {"a": {"b": [1, 2]}, "c": "x"}
        out = patch.json_patch(doc, [
            {"op": "add", "path": "/a/b/-", "value": 3},
            {"op": "add", "path": "/a/b/0", "value": 0},
            {"op": "remove", "path": "/c"},
            {"op": "copy", "from": "/a/b", "path": "/d"},
            {"op": "move", "from": "/d", "path": "/e"},
            {"op": "replace", "path": "/a/b/1", "value": 9},
            {"op": "test", "path": "/e", "value": [0, 1, 2, 3]},
            {"op": "add", "path": "/t~1u", "value": True},
        ])
        self.assertEqual(out, {"a": {"b": [0, 9, 2, 3]}, "e": [0, 1, 2, 3], "t/u": True})
        self.assertEqual(doc, {"a": {"b": [1, 2]}, "c": "x"})  # input untouched

    def test_json_patch_failures(self):
        for name, ops, bad in (("failed_test", [{"op": "test", "path": "/a", "value": 2}], False),
                               ("missing_path", [{"op": "replace", "path": "/z", "value": 1}],
                                False),
                               ("not_a_list", {"op": "add"}, True),
                               ("unknown_op", [{"op": "jump", "path": "/a"}], True)):
            with self.subTest(name):
                with self.assertRaises(patch.PatchError) as ctx:
                    patch.json_patch({"a": 1}, ops)
                self.assertEqual(ctx.exception.bad, bad)

    def test_strategic_merge_patch_merges_named_lists(self):
        doc = {"containers": [{"name": "a", "image": "1"}, {"name": "b", "image": "1"}],
               "args": ["x"]}
        out = patch.strategic_merge_patch(doc, {
            "$setElementOrder/containers": [{"name": "a"}],
            "containers": [{"name": "a", "image": "2"}, {"name": "b", "$patch": "delete"},
                           {"name": "c", "image": "3"}],
            "args": ["y"]})
        self.assertEqual(out, {"containers": [{"name": "a", "image": "2"},
                                              {"name": "c", "image": "3"}], "args": ["y"]})


class SelectorTest(unittest.TestCase):
    def test_label_selectors(self):
        labels = {"app": "web", "tier": "a"}
        for text, want in (("app=web", True), ("app==web,tier=b", False), ("app!=db", True),
                           ("tier in (a, b)", True), ("tier notin (a)", False), ("app", True),
                           ("!app", False), ("", True)):
            with self.subTest(text):
                self.assertEqual(sel.matches_labels(sel.parse_label_selector(text), labels), want)

    def test_jsonpath_subset(self):
        obj = {"status": {"conditions": [{"type": "A", "status": "F"},
                                         {"type": "Ready", "status": "True"}]},
               "spec": {"l": [{"v": 1}, {"v": 2}]}}
        self.assertEqual(sel.jsonpath(obj, '.status.conditions[?(@.type=="Ready")].status'),
                         ["True"])
        self.assertEqual(sel.jsonpath(obj, "{.spec.l[*].v}"), [1, 2])
        self.assertEqual(sel.jsonpath(obj, ".spec.l[1].v"), [2])
        self.assertEqual(sel.jsonpath(obj, ".spec.missing"), [])

    def test_selector_string_and_human_duration(self):
        self.assertEqual(sel.selector_string({"matchLabels": {"b": "2", "a": "1"},
                                              "matchExpressions": [{"key": "c", "operator": "In",
                                                                    "values": ["y", "x"]}]}),
                         "a=1,b=2,c in (x,y)")
        self.assertRegex(tables.age("2000-01-02T03:04:05.123Z"), r"^\d+y$")
        self.assertEqual(tables.age("yesterday"), "<unknown>")
        self.assertEqual(tables._cell("not a date", "date"), "<invalid>")
        self.assertEqual(tables._cell("7", "integer"), None)  # wrong JSON type: empty cell
        self.assertEqual(tables._cell(7.0, "integer"), 7)
        self.assertEqual(tables._cell(2, "string"), "2")
        for s, want in ((5, "5s"), (150, "2m30s"), (600, "10m"), (3 * 3600 + 60, "3h1m"),
                        (30 * 3600, "30h"), (50 * 3600, "2d2h"), (20 * 86400, "20d")):
            self.assertEqual(tables.human_duration(s), want)



def _pb(num, value):
    """Encode one protobuf field: int -> varint, bytes/str -> length-delimited."""
    def varint(n):
        out = b""
        while True:
            b, n = n & 0x7F, n >> 7
            out += bytes([b | (0x80 if n else 0)])
            if not n:
                return out
    if isinstance(value, int):
        return varint(num << 3) + varint(value)
    value = value.encode() if isinstance(value, str) else value
    return varint(num << 3 | 2) + varint(len(value)) + value


class ProtobufTest(unittest.TestCase):
    def envelope(self, api_version, kind, raw):
        return protobuf.MAGIC + _pb(1, _pb(1, api_version) + _pb(2, kind)) + _pb(2, raw)

    def test_decodes_a_deployment_like_kubectl_create_sends_it(self):
        meta = _pb(1, "web") + _pb(2, "") + _pb(7, 0) + _pb(11, _pb(1, "app") + _pb(2, "web"))
        container = _pb(1, "nginx") + _pb(2, "nginx:1") + _pb(6, _pb(3, 80) + _pb(4, ""))
        spec = (_pb(1, 0) + _pb(2, _pb(1, _pb(1, "app") + _pb(2, "web")))
                + _pb(3, _pb(1, meta) + _pb(2, _pb(2, container))) + _pb(5, 0) + _pb(99, "x"))
        obj = protobuf.decode(self.envelope("apps/v1", "Deployment", _pb(1, meta) + _pb(2, spec)))
        self.assertEqual(obj, {
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "labels": {"app": "web"}},
            "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"name": "web", "labels": {"app": "web"}},
                                  "spec": {"containers": [{"name": "nginx", "image": "nginx:1",
                                                           "ports": [{"containerPort": 80}]}]}}}})

    def test_rejects_what_it_cannot_decode(self):
        for name, body in (("no_magic", b"{}"), ("truncated", protobuf.MAGIC + b"\x0a\x05ab"),
                           ("other_kind", self.envelope("v1", "Pod", b"")),
                           ("bad_wire_type", protobuf.MAGIC + b"\x0f")):
            with self.subTest(name):
                with self.assertRaises(protobuf.ProtobufError):
                    protobuf.decode(body)


if __name__ == "__main__":
    unittest.main()
