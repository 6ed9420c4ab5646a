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

document.addEventListener("DOMContentLoaded", () => {
  fetch("/openapi.json")
    .then((r) => r.json())
    .then(render)
    .catch(() => { document.getElementById("api").replaceChildren(el("p", "error", "无法加载 /openapi.json")); });
});
