// A small, local reader of /api/openapi.json (no CDN): every operation with its parameters and bodies.
"use strict";

function el(tag, cls, ...children) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c);
  return node;
}

function typeOf(schema, doc) {
  if (!schema) return "";
  if (schema.$ref) return schema.$ref.split("/").pop();
  if (schema.anyOf) return schema.anyOf.map((s) => typeOf(s, doc)).join(" | ");
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (schema.type === "array") return `${typeOf(schema.items, doc)}[]`;
  return schema.format ? `${schema.type} (${schema.format})` : schema.type || "any";
}

function fields(schema, doc) {
  const resolved = schema && schema.$ref ? doc.components.schemas[schema.$ref.split("/").pop()] : schema;
  if (!resolved || !resolved.properties) return el("code", "", typeOf(schema, doc));
  const required = new Set(resolved.required || []);
  return el("ul", "small", Object.entries(resolved.properties).map(([name, s]) =>
    el("li", "", el("code", "", name), `: ${typeOf(s, doc)}${required.has(name) ? " (required)" : ""}`,
      s.description ? el("span", "muted", ` — ${s.description}`) : null)));
}

function operation(path, method, op, doc) {
  const params = (op.parameters || []).map((p) => el("li", "", el("code", "", p.name), ` in ${p.in}: ${typeOf(p.schema, doc)}${p.required ? " (required)" : ""}`));
  const body = op.requestBody ? Object.entries(op.requestBody.content).map(([type, c]) => el("div", "", el("b", "", `Body (${type})`), fields(c.schema, doc))) : [];
  const responses = Object.entries(op.responses || {}).map(([code, r]) => `${code} ${r.description || ""}`).join(" · ");
  return el("details", "trace",
    el("summary", "", el("span", "badge", method.toUpperCase()), el("code", "said", path), el("span", "reply", op.summary || "")),
    el("div", "detail", op.description ? el("p", "", op.description) : null,
      op.security ? el("p", "muted", "Needs Authorization: Bearer <token>") : el("p", "muted", "No token needed"),
      params.length ? el("div", "", el("b", "", "Parameters"), el("ul", "small", params)) : null, body,
      el("p", "small muted", "Responses: " + responses)));
}

fetch("/api/openapi.json").then((r) => r.json()).then((doc) => {
  document.getElementById("intro").textContent = doc.info.description || "";
  const list = document.getElementById("operations");
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) list.append(operation(path, method, op, doc));
  }
});
