// tests/chart/validator/chart_tool.mjs: the YAML-side checks of tests/chart (node, no network).
//
//   node chart_tool.mjs validate MODULES [--json-out OUT] FILE...
//                                                    every object of each multi-document YAML
//                                                    file against its kind's Kubernetes schema;
//                                                    OUT gets all the objects as a JSON array
//   node chart_tool.mjs to-json MODULES FILE          the documents of FILE as one JSON array
//   node chart_tool.mjs values MODULES CHART_DIR [DOCS.md]
//                                                    values.yaml documented, schema closed,
//                                                    every key used by a template, set by ci/
//                                                    and in the values table of DOCS.md
//   node chart_tool.mjs crd MODULES SOURCE RENDERED   the rendered CRD is SOURCE plus labels
//
// MODULES is the node_modules folder scripts/install-validator.sh fills. Exit 0 when every check
// passes, 1 with one line per problem otherwise, 2 on usage errors.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { pathToFileURL } from "node:url";
import { validateObject } from "./k8s_schema.mjs";

const [cmd, modules, ...args] = process.argv.slice(2);
if (!cmd || !modules) {
  console.error("usage: chart_tool.mjs validate|to-json|values|crd MODULES ARGS...");
  process.exit(2);
}
const YAML = await import(pathToFileURL(join(modules, "yaml", "dist", "index.js")).href);

function readDocs(file) {
  const text = readFileSync(file === "-" ? 0 : file, "utf8");
  return YAML.parseAllDocuments(text).map((d) => {
    if (d.errors.length) throw new Error(`${file}: ${d.errors[0].message}`);
    return d.toJS();
  }).filter((o) => o !== null && o !== undefined);
}

const kClusterScoped = new Set(["ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "Namespace"]);

async function cmdValidate(argv) {
  const problems = [];
  let count = 0;
  let jsonOut = null;
  const files = [...argv];
  if (files[0] === "--json-out") {
    jsonOut = files[1];
    files.splice(0, 2);
  }
  const all = [];
  for (const file of files) {
    for (const obj of readDocs(file)) {
      count++;
      all.push(obj);
      problems.push(...(await validateObject(modules, obj)).map((e) => `${file}: ${e}`));
      const where = `${file}: ${obj.kind}/${obj.metadata?.name}`;
      if (!kClusterScoped.has(obj.kind) && !obj.metadata?.namespace) {
        problems.push(`${where}: namespaced object without metadata.namespace`);
      }
      if (kClusterScoped.has(obj.kind) && obj.metadata?.namespace) {
        problems.push(`${where}: cluster-scoped object with metadata.namespace`);
      }
    }
  }
  if (count === 0) problems.push(`no objects in ${files.join(" ")}`);
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify(all) + "\n");
  return { problems, summary: `${count} objects valid` };
}

// Every leaf path of a values tree (lists and empty maps count as leaves).
function leaves(tree, prefix = "") {
  const out = [];
  for (const [k, v] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length > 0 &&
        path !== "resources") {
      out.push(...leaves(v, path));
    } else {
      out.push(path);
    }
  }
  return out;
}

function get(tree, path) {
  return path.split(".").reduce((t, k) => (t && typeof t === "object" ? t[k] : undefined), tree);
}

// Schema nodes that describe a fixed set of fields must say additionalProperties: false; free-form
// maps (labels, annotations, nodeSelector) must give their values a schema instead of `true`.
function schemaProblems(node, path, problems) {
  if (!node || typeof node !== "object") return;
  if (node.type === "object") {
    if (node.properties && node.additionalProperties !== false) {
      problems.push(`values.schema.json ${path}: additionalProperties must be false`);
    }
    if (!node.properties && (typeof node.additionalProperties !== "object")) {
      problems.push(`values.schema.json ${path}: a map needs a schema for its values`);
    }
  }
  for (const [k, v] of Object.entries(node.properties ?? {})) schemaProblems(v, `${path}.${k}`, problems);
  if (node.items) schemaProblems(node.items, `${path}[]`, problems);
  for (const key of ["anyOf", "oneOf", "allOf"]) (node[key] ?? []).forEach((s, i) => schemaProblems(s, `${path}.${key}[${i}]`, problems));
  if (typeof node.additionalProperties === "object") schemaProblems(node.additionalProperties, `${path}.*`, problems);
}

function cmdValues(chart, docs) {
  const problems = [];
  const docText = docs ? readFileSync(docs, "utf8") : null;
  const text = readFileSync(join(chart, "values.yaml"), "utf8");
  const values = YAML.parse(text);
  const schema = JSON.parse(readFileSync(join(chart, "values.schema.json"), "utf8"));
  schemaProblems(schema, "(root)", problems);

  // 1. every key has a `# --` comment right above it (keda-chart / helm-docs style), except a
  //    key whose parent map is documented as a whole (resources).
  const lines = text.split("\n");
  const stack = [];
  lines.forEach((line, i) => {
    const m = /^(\s*)([A-Za-z][\w-]*):/.exec(line);
    if (!m) return;
    const indent = m[1].length;
    while (stack.length && stack[stack.length - 1].indent >= indent) stack.pop();
    const path = [...stack.map((s) => s.key), m[2]].join(".");
    stack.push({ indent, key: m[2] });
    if (path.startsWith("resources.")) return;
    const isMap = line.replace(/#.*/, "").trim().endsWith(":"); // no value: a section header
    if (isMap) return; // a section header: its keys carry the docs
    let j = i - 1;
    while (j >= 0 && /^\s*#(?! --)/.test(lines[j])) j--;
    if (j < 0 || !/^\s*# -- \S/.test(lines[j])) problems.push(`values.yaml ${path}: no "# --" comment`);
  });

  // 2. every leaf key is in the schema, used by a template, and set away from its default by
  //    at least one ci/ values file (so a test renders every knob).
  const templates = readdirSync(join(chart, "templates"))
    .map((f) => readFileSync(join(chart, "templates", f), "utf8")).join("\n");
  const ciDir = join(chart, "ci");
  const ci = readdirSync(ciDir).filter((f) => f.endsWith(".yaml")).map((f) => YAML.parse(readFileSync(join(ciDir, f), "utf8")) ?? {});
  for (const path of leaves(values)) {
    const schemaNode = path.split(".").reduce((s, k) => s?.properties?.[k], schema);
    if (!schemaNode) problems.push(`values.yaml ${path}: not in values.schema.json`);
    if (!templates.includes(`.Values.${path}`)) problems.push(`values.yaml ${path}: no template uses .Values.${path}`);
    if (docText !== null && !docText.includes(`| \`${path}\` |`)) {
      problems.push(`values.yaml ${path}: not in the values table of ${docs}`);
    }
    const def = get(values, path);
    if (!ci.some((c) => get(c, path) !== undefined && !isDeepStrictEqual(get(c, path), def))) {
      problems.push(`values.yaml ${path}: no ci/ values file sets it to something other than the default`);
    }
  }
  return { problems, summary: `${leaves(values).length} values documented, in the schema, used and rendered` };
}

function cmdCrd(source, rendered) {
  const problems = [];
  const [src] = readDocs(source);
  const crds = readDocs(rendered).filter((o) => o.kind === "CustomResourceDefinition");
  if (crds.length !== 1) return { problems: [`expected 1 CRD in ${rendered}, found ${crds.length}`] };
  const got = structuredClone(crds[0]);
  for (const [k, v] of Object.entries(src.metadata.labels ?? {})) {
    if (got.metadata.labels?.[k] !== v) problems.push(`CRD label ${k}: want ${v}, got ${got.metadata.labels?.[k]}`);
  }
  delete got.metadata.labels;
  delete got.metadata.annotations;
  const want = structuredClone(src);
  delete want.metadata.labels;
  delete want.metadata.annotations;
  if (!isDeepStrictEqual(got, want)) problems.push("rendered CRD differs from the source CRD (beyond labels and annotations)");
  return { problems, summary: "rendered CRD equals the source CRD" };
}

let result;
try {
  if (cmd === "validate") result = await cmdValidate(args);
  else if (cmd === "to-json") {
    process.stdout.write(JSON.stringify(readDocs(args[0])) + "\n");
    process.exit(0);
  } else if (cmd === "values") result = cmdValues(args[0], args[1]);
  else if (cmd === "crd") result = cmdCrd(args[0], args[1]);
  else {
    console.error(`unknown command ${cmd}`);
    process.exit(2);
  }
} catch (e) {
  console.error(`chart_tool ${cmd}: ${e.message}`);
  process.exit(1);
}
for (const p of result.problems) console.error(p);
if (result.problems.length) process.exit(1);
console.log(`chart_tool ${cmd}: ${result.summary}`);
