// The API docs page: renders /openapi.json without any external resource (no CDN Swagger UI).
"use strict";

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function schemaLines(schema, spec) {
  if (schema && schema.$ref) {
    const name = schema.$ref.split("/").pop();
    schema = (spec.components && spec.components.schemas && spec.components.schemas[name]) || {};
  }
  const props = (schema && schema.properties) || {};
  const required = (schema && schema.required) || [];
  return Object.keys(props).map((key) => {
    const p = props[key];
    const type = p.format ? p.type + "（" + p.format + "）" : p.type || "";
    return key + (required.indexOf(key) >= 0 ? "（必填）" : "") + "：" + type + (p.description ? " — " + p.description : "");
  });
}

function render(spec) {
  const root = document.getElementById("api");
  root.replaceChildren();
  const info = el("p", "lead", (spec.info.title || "") + " " + (spec.info.version || "") + "：" + (spec.info.description || ""));
  root.appendChild(info);
  Object.keys(spec.paths).forEach((path) => {
    const methods = spec.paths[path];
    Object.keys(methods).forEach((method) => {
      const op = methods[method];
      const box = el("section");
      box.appendChild(el("h2", null, method.toUpperCase() + " " + path + (op.summary ? "　" + op.summary : "")));
      if (op.description) box.appendChild(el("p", null, op.description));
      (op.parameters || []).forEach((p) => {
        box.appendChild(el("p", null, "查询参数 " + p.name + (p.required ? "（必填）" : "") + "：" +
          ((p.schema && p.schema.type) || "") + (p.description ? " — " + p.description : "")));
      });
      if (op.requestBody) {
        box.appendChild(el("h3", null, "请求体"));
        const content = op.requestBody.content || {};
        Object.keys(content).forEach((type) => {
          box.appendChild(el("p", "suggestion", type));
          const list = el("ul");
          schemaLines(content[type].schema, spec).forEach((line) => list.appendChild(el("li", null, line)));
          box.appendChild(list);
        });
      }
      box.appendChild(el("h3", null, "应答"));
      const table = el("table");
      Object.keys(op.responses || {}).forEach((code) => {
        const row = el("tr");
        row.appendChild(el("td", "num", code));
        row.appendChild(el("td", null, op.responses[code].description || ""));
        table.appendChild(row);
      });
      box.appendChild(table);
      root.appendChild(box);
    });
  });
}

function typeOf(spec, defs) {
  if (!spec) return "";
  if (spec.$ref) return spec.$ref.split("/").pop();
  if (spec.enum) return spec.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (spec.oneOf || spec.anyOf) return (spec.oneOf || spec.anyOf).map((s) => typeOf(s, defs)).join(" | ");
  const t = Array.isArray(spec.type) ? spec.type.join(" | ") : spec.type || "";
  return t === "array" && spec.items ? typeOf(spec.items, defs) + "[]" : t;
}

// The finding part of the report schema: a table of its fields and the schema itself.
function renderFinding(schema) {
  const defs = schema.$defs || {};
  const finding = defs.finding || {};
  const required = finding.required || [];
  const body = document.querySelector("#finding-fields tbody");
  Object.keys(finding.properties || {}).forEach((key) => {
    const p = finding.properties[key];
    const row = el("tr");
    row.appendChild(el("td", null, key + (required.indexOf(key) >= 0 ? "" : "（可选）")));
    row.appendChild(el("td", null, typeOf(p, defs)));
    row.appendChild(el("td", null, p.description || ""));
    body.appendChild(row);
  });
  const used = { finding: finding };
  JSON.stringify(finding).replace(/#\/\$defs\/([A-Za-z_]+)/g, (m, name) => { used[name] = defs[name]; return m; });
  document.getElementById("finding-schema").textContent = JSON.stringify({ $defs: used }, null, 2);
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("pre.example").forEach((pre) => {
    fetch(pre.dataset.src).then((r) => r.text()).then((t) => { pre.textContent = t; })
      .catch(() => { pre.textContent = "无法加载 " + pre.dataset.src; });
  });
  fetch("/json-report.schema.json").then((r) => r.json()).then(renderFinding)
    .catch(() => { document.getElementById("finding-schema").textContent = "无法加载 /json-report.schema.json"; });
  fetch("/openapi.json")
    .then((r) => r.json())
    .then(render)
    .catch(() => { document.getElementById("api").replaceChildren(el("p", "error", "无法加载 /openapi.json")); });
});
