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

// What each field means, in Chinese (docs/json-report.md); the schema's own description follows.
const FIELD_NOTES = {
  rule: "规则编号，如 T001", name: "规则名", category: "类别", severity: "级别：error 错误、warning 警告、info 提示",
  message: "问题说明", match: "原文中出问题的文字（masked=true 时个人信息已遮盖）",
  suggestion: "修改建议：替换成的文字；\"\" 为建议删除；null 为没有具体替换（看 advice）",
  advice: "suggestion 为 null 时怎么改", context: "上下文（同一行或段内）", note: "依据或补充说明",
  cells: "P009：该列中各单元格", fingerprint: "指纹：配置了台账或配置文件时才有，“忽略此处”（POST /v1/ignore）用它",
  ledger_state: "台账状态：new 新发现、known 已知、ignored 已忽略、reopened 重新出现",
  offsets: "原文在所提交文字中的位置：按 Unicode 字符（start/end）和 UTF-16 单元（start_utf16/end_utf16）",
  location: "位置（下列各项，不适用的为 null）",
  "location.line": "行（文字、HTML 源代码）", "location.column": "第几个字（按 Unicode 字符）",
  "location.sheet": "工作表", "location.cell": "单元格，如 C12", "location.page": "页",
  "location.part": "部分：body 正文、header 页眉、footer 页脚、comment 批注等", "location.paragraph": "第几段",
  "location.row": "表格行", "location.col": "表格列", "location.hidden": "隐藏的原因（文字不可见时）",
  "location.member": "压缩包中的文件", "location.text": "给人看的位置，如 正文第3段、名单!C12",
};

function fieldRow(body, key, p, defs, optional) {
  const row = el("tr");
  row.appendChild(el("td", null, key + (optional ? "（可选）" : "")));
  row.appendChild(el("td", null, typeOf(p, defs)));
  row.appendChild(el("td", null, [FIELD_NOTES[key], p.description].filter((x) => x).join(" — ")));
  body.appendChild(row);
}

// The finding part of the report schema: a table of its fields and the schema itself.
function renderFinding(schema) {
  const defs = schema.$defs || {};
  const finding = defs.finding || {};
  const required = finding.required || [];
  const body = document.querySelector("#finding-fields tbody");
  Object.keys(finding.properties || {}).forEach((key) => {
    const p = finding.properties[key];
    fieldRow(body, key, p, defs, required.indexOf(key) < 0);
    const inner = p.properties || {};
    Object.keys(inner).forEach((sub) => {
      fieldRow(body, key + "." + sub, inner[sub], defs, (p.required || []).indexOf(sub) < 0);
    });
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
