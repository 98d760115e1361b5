// tests/chart/validator/k8s_schema.mjs: validates Kubernetes objects offline.
//
// Two checks per object, both from the npm package kubernetes-models (schemas generated from the
// upstream Kubernetes OpenAPI spec) and @kubernetes-models/prometheus-operator:
//   1. the model's compiled JSON-schema validator (types, required fields, enums, formats);
//   2. strict fields: every field must be declared by the model's type declarations (.d.ts), as
//      `kubectl apply --validate=strict` does on a server. The OpenAPI schemas leave
//      additionalProperties open, so a typo like `securityContex` would pass check 1 alone.
//
// Usage (from a test; MODULES is .tools/k8s-validator/node_modules):
//   import { validateObject } from "./k8s_schema.mjs";
//   const errors = await validateObject(MODULES, obj);   // [] when valid; strings otherwise
import { readFileSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

// apiVersion group -> [package, folder inside the package]. Core ("v1") lives in kubernetes-models/v1.
const kPackages = {
  "": ["kubernetes-models", ""],
  "monitoring.coreos.com": ["@kubernetes-models/prometheus-operator", "monitoring.coreos.com"],
};

function modelBase(modules, apiVersion, kind) {
  const slash = apiVersion.indexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  const [pkg, folder] = kPackages[group] ?? ["kubernetes-models", group];
  return join(modules, pkg, folder, version, kind);
}

// ---- a small reader of the generated .d.ts files ----------------------------------------------

const fileCache = new Map();

function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
}

// Reads `TYPE;` starting at i, stopping at a top-level ';'. Returns [type, indexAfter].
function readType(text, i) {
  let depth = 0;
  let start = i;
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === "{" || c === "<" || c === "(") depth++;
    else if (c === "}" || c === ">" || c === ")") depth--;
    else if (c === ";" && depth === 0) break;
  }
  return [text.slice(start, i).trim(), i + 1];
}

function parseProps(body) {
  const props = new Map();
  const re = /"([^"]+)"\??:\s*/g;
  let i = 0;
  while (i < body.length) {
    re.lastIndex = i;
    const m = re.exec(body);
    if (!m) break;
    const [type, next] = readType(body, re.lastIndex);
    props.set(m[1], type);
    i = next;
  }
  return props;
}

// { interfaces: name -> Map(prop -> type), aliases: name -> type, imports: name -> file,
//   exported: exportedName -> localName }
function parseDts(file) {
  if (fileCache.has(file)) return fileCache.get(file);
  const text = stripComments(readFileSync(file, "utf8"));
  const out = { file, interfaces: new Map(), aliases: new Map(), imports: new Map(), exported: new Map() };
  for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*"([^"]+)"/g)) {
    const target = resolveImport(file, m[2]);
    for (const name of m[1].split(",").map((s) => s.trim()).filter(Boolean)) {
      const [orig, local] = name.split(/\s+as\s+/);
      out.imports.set((local ?? orig).trim(), { file: target, name: orig.trim() });
    }
  }
  for (const m of text.matchAll(/export\s+type\s*\{([^}]*)\}/g)) {
    for (const name of m[1].split(",").map((s) => s.trim()).filter(Boolean)) {
      const [orig, alias] = name.split(/\s+as\s+/);
      if (alias) out.exported.set(alias.trim(), orig.trim());
    }
  }
  const ifaceRe = /export\s+interface\s+(\w+)[^{;]*\{/g;
  for (const m of text.matchAll(ifaceRe)) {
    let depth = 1;
    let i = m.index + m[0].length;
    const start = i;
    for (; i < text.length && depth > 0; i++) {
      if (text[i] === "{") depth++;
      else if (text[i] === "}") depth--;
    }
    out.interfaces.set(m[1], parseProps(text.slice(start, i - 1)));
  }
  for (const m of text.matchAll(/export\s+type\s+(\w+)\s*=\s*/g)) {
    const [type] = readType(text, m.index + m[0].length);
    out.aliases.set(m[1], type);
  }
  fileCache.set(file, out);
  return out;
}

function resolveImport(fromFile, spec) {
  let base;
  if (spec.startsWith(".")) {
    base = resolve(dirname(fromFile), spec);
  } else {
    // bare specifier: walk up to the node_modules folder that holds it
    let dir = dirname(fromFile);
    while (!existsSync(join(dir, "node_modules")) && dirname(dir) !== dir) dir = dirname(dir);
    base = join(dir, "node_modules", spec);
  }
  base = base.replace(/\.js$/, "");
  return existsSync(base + ".d.ts") ? base + ".d.ts" : join(base, "index.d.ts");
}

// Finds what `name` means in `file`: {kind: "iface", props, file} or {kind: "alias", type, file}.
function lookup(file, name, seen = 0) {
  if (seen > 8) return null;
  const d = parseDts(file);
  const local = d.exported.get(name) ?? name;
  if (d.interfaces.has(local)) return { kind: "iface", props: d.interfaces.get(local), file };
  if (d.aliases.has(local)) return { kind: "alias", type: d.aliases.get(local), file };
  const imp = d.imports.get(name);
  if (imp && existsSync(imp.file)) return lookup(imp.file, imp.name, seen + 1);
  return null;
}

function splitTopLevel(type, sep) {
  const parts = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < type.length; i++) {
    const c = type[i];
    if (c === "{" || c === "<" || c === "(") depth++;
    else if (c === "}" || c === ">" || c === ")") depth--;
    else if (c === sep && depth === 0) {
      parts.push(type.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(type.slice(start).trim());
  return parts.filter(Boolean);
}

const isPlainObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

// Unknown-field errors of `value` against the TypeScript type `type` declared in `file`.
function strictErrors(file, type, value, path) {
  const alternatives = splitTopLevel(type, "|");
  let firstErrors = null;
  for (const alt of alternatives) {
    const errs = strictOne(file, alt, value, path);
    if (errs === null) continue; // this alternative does not apply to the value's shape
    if (errs.length === 0) return [];
    firstErrors ??= errs;
  }
  return firstErrors ?? [];
}

// null: the alternative does not fit the value's JSON shape; [] fits; [..] fits with errors.
function strictOne(file, type, value, path) {
  const arr = /^Array<([\s\S]*)>$/.exec(type);
  if (arr) {
    if (!Array.isArray(value)) return null;
    return value.flatMap((v, i) => strictErrors(file, arr[1], v, `${path}[${i}]`));
  }
  const map = /^\{\s*\[key: string\]:\s*([\s\S]*?);?\s*\}$/.exec(type);
  if (map) {
    if (!isPlainObject(value)) return null;
    return Object.entries(value).flatMap(([k, v]) => strictErrors(file, map[1], v, `${path}.${k}`));
  }
  if (/^I[A-Z]\w*$/.test(type)) {
    const found = lookup(file, type);
    if (!found) return [];
    if (found.kind === "alias") return strictErrors(found.file, found.type, value, path);
    if (/JSONSchemaPropsOr(Array|Bool)$/.test(type)) {
      // declared opaque; the API server reads them as a schema, a list of schemas or a bool
      const props = join(dirname(found.file), "JSONSchemaProps.d.ts");
      return strictErrors(props, "IJSONSchemaProps | Array<IJSONSchemaProps> | boolean", value, path);
    }
    if (found.props.size === 0) return []; // an opaque object (free-form JSON)
    if (!isPlainObject(value)) return null;
    const errs = [];
    for (const [k, v] of Object.entries(value)) {
      if (!found.props.has(k)) {
        errs.push(`${path}.${k}: unknown field (not in the ${type.replace(/^II?o?K8s/, "")} schema)`);
      } else {
        errs.push(...strictErrors(found.file, found.props.get(k), v, `${path}.${k}`));
      }
    }
    return errs;
  }
  if (type === "any" || type === "unknown" || type === "object") return [];
  if (type === "string" || /^"/.test(type)) return typeof value === "string" ? [] : null;
  if (type === "number") return typeof value === "number" ? [] : null;
  if (type === "boolean") return typeof value === "boolean" ? [] : null;
  return []; // anything else: leave it to the JSON-schema check
}

// ---- the public entry point -------------------------------------------------------------------

const modelCache = new Map();

// Validates one object. Returns a list of error strings (empty when valid).
export async function validateObject(modules, obj) {
  const { apiVersion, kind } = obj ?? {};
  const where = `${kind ?? "?"}/${obj?.metadata?.name ?? "?"}`;
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    return [`${where}: apiVersion and kind are required`];
  }
  const base = modelBase(modules, apiVersion, kind);
  if (!existsSync(base + ".js")) return [`${where}: no schema for ${apiVersion} ${kind}`];
  if (!modelCache.has(base)) {
    const mod = await import(pathToFileURL(base + ".js").href);
    modelCache.set(base, mod[kind]);
  }
  const Model = modelCache.get(base);
  const errors = [];
  try {
    new Model(obj).validate();
  } catch (e) {
    errors.push(`${where}: ${e.message}`);
  }
  for (const err of strictErrors(base + ".d.ts", `I${kind}`, obj, "")) {
    errors.push(`${where}: ${err.replace(/^\./, "")}`);
  }
  return errors;
}
