// The gkcheck web page: send text or a file to /v1/check and show what was found.
// Plain browser JavaScript, no build step, no external resource. All text from the user or the
// server goes into the page through textContent / createTextNode, never parsed as markup.
"use strict";

const SEVERITY = { error: "错误", warning: "警告", info: "提示" };
const RANK = { info: 1, warning: 2, error: 3 };
const CATEGORY = { typo: "错别字", sensitive: "敏感内容", expression: "严重表述错误", privacy: "个人隐私",
  date: "日期", link: "链接", format: "格式", hidden: "隐藏内容" };
const MASK_CHARS = "*＊×";

const $ = (id) => document.getElementById(id);
let chosenFile = null;
let chosenFiles = [];   // several files may be chosen; chosenFile is the first
let checkedPath = "";     // the checked document's name in the report (忽略此处 records it)

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

// -- talking to the service ------------------------------------------------------------------

function headers(extra) {
  const h = Object.assign({}, extra || {});
  const token = $("token").value.trim();
  if (token) h["Authorization"] = "Bearer " + token;
  return h;
}

async function post(url, body, contentType) {
  const h = contentType ? headers({ "Content-Type": contentType }) : headers();
  let response;
  try {
    response = await fetch(url, { method: "POST", headers: h, body: body });
  } catch (err) {
    throw new Error("无法连接检查服务，请确认服务仍在运行");
  }
  let data = null;
  try {
    data = await response.json();
  } catch (err) {
    data = null;
  }
  if (response.status === 401) {
    $("token-box").open = true;
    $("token").focus();
  }
  if (data && data.schema_version !== undefined) return data; // a report (200, or 422 = not checked)
  const detail = data && typeof data.detail === "string" ? data.detail : "服务返回错误（HTTP " + response.status + "）";
  throw new Error(detail);
}

// -- locations and offsets -------------------------------------------------------------------

function describe(loc) {
  // the server's human location (location.text); the same words as Location.describe() otherwise
  if (loc.text) return loc.text;
  const bits = [];
  if (loc.sheet != null && loc.cell != null) bits.push(loc.sheet + "!" + loc.cell);
  else if (loc.cell != null) bits.push(loc.cell);
  else if (loc.sheet != null) bits.push("工作表“" + loc.sheet + "”");
  if (loc.page != null) bits.push("第" + loc.page + "页");
  if (loc.part && loc.part !== "body" && loc.part !== "text") bits.push(loc.part);
  if (loc.paragraph != null) bits.push("第" + loc.paragraph + "段");
  if (loc.row != null) bits.push("表格第" + loc.row + "行第" + loc.col + "列");
  if (loc.line != null) bits.push("第" + loc.line + "行" + (loc.column ? "第" + loc.column + "字" : ""));
  else if (loc.column != null && loc.cell == null) bits.push("第" + loc.column + "字");
  if (loc.hidden) bits.push("（隐藏：" + loc.hidden + "）");
  return bits.join(" ") || "文件";
}

// Offsets count code points, as gkcheck does (Array.from splits a string into code points).
function lineStarts(chars) {
  const starts = [0];
  chars.forEach((c, i) => { if (c === "\n") starts.push(i + 1); });
  return starts;
}

function isMask(c) {
  return MASK_CHARS.indexOf(c) >= 0;
}

// Where a finding sits in the checked text: [start, end) in code points, or null when its
// line/column do not lead to its match (file-level findings, entities in HTML ...).
function spanOf(finding, chars, starts) {
  const loc = finding.location;
  const match = Array.from(finding.match || "");
  if (!match.length || loc.line == null || loc.column == null || loc.line > starts.length) return null;
  const start = starts[loc.line - 1] + loc.column - 1;
  const end = start + match.length;
  if (end > chars.length) return null;
  for (let i = 0; i < match.length; i++) {
    // personal data comes masked from the server: a mask character stands for any character
    if (match[i] !== chars[start + i] && !isMask(match[i])) return null;
  }
  return [start, end];
}

// -- showing a report ------------------------------------------------------------------------

function suggestionText(f) {
  if (f.suggestion === "") return "建议删除";
  if (f.suggestion != null) return "建议改为：" + f.suggestion;
  // personal data: the report was asked for masked, so its match is the value as it may be published
  if (f.category === "privacy" && f.match) return "建议遮盖为：" + f.match;
  return "";
}

function tooltip(f) {
  const lines = [SEVERITY[f.severity] + " " + f.rule + " " + f.message];
  const s = suggestionText(f);
  if (s) lines.push(s);
  if (f.note) lines.push("说明：" + f.note);
  return lines.join("\n");
}

function withMark(parent, text, needle) {
  const at = needle ? text.indexOf(needle) : -1;
  if (at < 0) {
    parent.appendChild(document.createTextNode(text));
    return;
  }
  parent.appendChild(document.createTextNode(text.slice(0, at)));
  parent.appendChild(el("mark", null, needle));
  parent.appendChild(document.createTextNode(text.slice(at + needle.length)));
}

function showSummary(report) {
  const failed = report.files.filter((f) => f.status !== "ok");
  const file = report.files.length ? failed[0] : null;
  const summary = $("summary");
  summary.className = "";
  if (!report.files.length || failed.length) {
    summary.textContent = failed.length < report.files.length ? "部分文件未能检查" : "未能检查";
    summary.className = "bad";
    $("file-error").hidden = false;
    $("file-error").textContent = failed.map((f) => "无法检查“" + f.path + "”：" + (f.error || "原因不明") + "。")
      .join("") + (file ? "" : "无法检查：原因不明。") + "这些内容没有被检查，不能视为没有问题。";
    if (failed.length === report.files.length) return;
  } else {
    $("file-error").hidden = true;
  }
  const s = report.summary;
  if (!s.findings) {
    if (failed.length) return;
    summary.textContent = "未发现问题";
    summary.className = "good";
    return;
  }
  const by = s.by_severity;
  summary.textContent = (summary.textContent && failed.length ? summary.textContent + "；其余文件" : "") +
    "共 " + s.findings + " 处问题：错误 " + by.error + "，警告 " + by.warning + "，提示 " + by.info;
  summary.className = by.error || failed.length ? "bad" : "warn";
}

// Groups as in the human reports (reporters/groups.py, docs/reports.md): the same rule and
// matched text at several places is one row "×N" whose places expand; a hidden-text finding
// (H001/H003: match is the reason) takes in every other finding hidden for that reason.
function groupFindings(findings) {
  const anchors = new Map();
  findings.forEach((f, i) => {
    if (f.category === "hidden" && f.match && f.location.hidden === f.match && !anchors.has(f.match)) {
      anchors.set(f.match, { kind: "hidden", items: [i], at: i });
    }
  });
  const taken = new Set(Array.from(anchors.values()).map((g) => g.items[0]));
  findings.forEach((f, i) => {
    const g = anchors.get(f.location.hidden);
    if (taken.has(i) || !g || f.category === "hidden") return;
    g.items.push(i);
    g.at = Math.min(g.at, i);
    taken.add(i);
  });
  const groups = Array.from(anchors.values());
  const same = new Map();
  findings.forEach((f, i) => {
    if (taken.has(i)) return;
    if (!f.match) { groups.push({ kind: "same", items: [i], at: i }); return; }
    const key = f.rule + "\u0000" + f.match;
    if (!same.has(key)) { same.set(key, { kind: "same", items: [], at: i }); groups.push(same.get(key)); }
    same.get(key).items.push(i);
  });
  return groups.sort((a, b) => a.at - b.at);
}

function worstOf(findings, items) {
  return items.reduce((w, i) => (RANK[findings[i].severity] > RANK[w] ? findings[i].severity : w), "info");
}

// The parts of a finding's row that both lists (this one and list.js's pages of groups) show.
function showContext(what, f) {
  if (f.context) {
    const ctx = el("div", "context");
    withMark(ctx, "…" + f.context + "…", f.match);
    what.appendChild(ctx);
  } else if (f.match) {
    what.appendChild(el("div", "context", "“" + f.match + "”"));
  }
}

function showCells(what, f) {
  if (f.cells) {
    what.appendChild(el("div", "note cells", "单元格：共 " + f.cells.length + " 个：" +
      f.cells.slice(0, 5).join("、") + (f.cells.length > 5 ? " 等" : "")));
  }
}

// 修改建议: the replacement, or what to do instead (advice), and the note
function fixCell(f) {
  const fix = el("td", "fix");
  const s = suggestionText(f);
  fix.appendChild(el("div", s ? "suggestion" : "none", s || (f.advice ? "" : "—")));
  if (!s && f.advice) fix.appendChild(el("div", "advice", f.advice));
  if (f.note) fix.appendChild(el("div", "note", f.note));
  return fix;
}

function showList(findings) {
  const body = $("findings").querySelector("tbody");
  body.replaceChildren();
  groupFindings(findings).forEach((g, n) => {
    const i = g.items[0];
    const f = findings[i];
    const severity = worstOf(findings, g.items);
    const row = el("tr", "sev-" + severity);
    row.id = "finding-" + (i + 1);
    row.dataset.members = g.items.map((k) => String(k + 1)).join(" ");
    row.dataset.count = String(g.items.length);
    row.appendChild(el("td", "num", String(n + 1)));
    const where = el("td", "where", describe(f.location));
    if (g.kind === "same" && g.items.length > 1) {
      const places = el("details", "places");
      places.appendChild(el("summary", null, "全部 " + g.items.length + " 处"));
      const list = el("ol");
      g.items.forEach((k) => list.appendChild(el("li", null, describe(findings[k].location))));
      places.appendChild(list);
      where.appendChild(places);
    }
    row.appendChild(where);
    const what = el("td", "what");
    const head = el("div");
    head.appendChild(el("span", "badge sev-" + severity, SEVERITY[severity]));
    head.appendChild(document.createTextNode(" " + f.rule + " " + f.message));
    if (g.kind === "same" && g.items.length > 1) head.appendChild(el("strong", "times", " ×" + g.items.length));
    what.appendChild(head);
    if (g.kind === "hidden") {
      if (f.context && f.context !== f.match) what.appendChild(el("div", "context", "隐藏的文字：“" + f.context + "”"));
      if (g.items.length > 1) {
        const inside = el("details", "inside");
        const names = [];
        g.items.slice(1).forEach((k) => {
          const x = findings[k];
          const name = CATEGORY[x.category] + "“" + x.match + "”（" + x.rule + "）";
          if (names.indexOf(name) < 0) names.push(name);
        });
        inside.appendChild(el("summary", null, "其中含有：" + names.join("；")));
        const list = el("ul");
        g.items.slice(1).forEach((k) => {
          const x = findings[k];
          list.appendChild(el("li", null, describe(x.location) + " " + x.rule + " " + x.message + "：" + x.match));
        });
        inside.appendChild(list);
        what.appendChild(inside);
      }
    } else {
      showContext(what, f);
    }
    showCells(what, f);
    row.appendChild(what);
    const fix = fixCell(f);
    // 忽略此处 / 加入本单位词库 (actions.js); doc: the file of a several-file job (list.js)
    fix.appendChild(window.gkActions.buttons(g.items.map((k) => findings[k]),
      findings[g.items[0]].doc || checkedPath));
    row.appendChild(fix);
    row.addEventListener("click", (event) => {
      if (event.target.closest("details")) return;   // opening the list of places
      const mark = g.items.map((k) => document.querySelector('mark[data-first="' + (k + 1) + '"]')).find((m) => m);
      if (mark) {
        mark.scrollIntoView({ block: "center" });
        mark.classList.add("flash");
        setTimeout(() => mark.classList.remove("flash"), 1200);
      }
    });
    body.appendChild(row);
  });
}

// The checked text with every finding marked in place. ``masked`` is the same text from
// /v1/mask (personal data masked, same length); the masked matches of the findings are laid over
// it as well, so no personal value the checker found is shown whole.
function showText(text, masked, findings) {
  const pane = $("shown-text");
  pane.replaceChildren();
  const chars = Array.from(text.replace(/\r\n/g, "\n").replace(/\r/g, "\n"));
  const shown = Array.from(masked.replace(/\r\n/g, "\n").replace(/\r/g, "\n"));
  if (shown.length !== chars.length) {
    pane.appendChild(el("p", "error", "无法安全地显示原文（脱敏结果与原文长度不一致），请看右侧问题清单。"));
    return;
  }
  const starts = lineStarts(chars);
  const spans = [];
  findings.forEach((f, i) => {
    const span = spanOf(f, chars, starts);
    if (!span) return;
    spans.push({ start: span[0], end: span[1], finding: f, index: i + 1 });
    Array.from(f.match).forEach((c, k) => { if (isMask(c)) shown[span[0] + k] = c; });
  });
  const cuts = new Set([0, chars.length]);
  spans.forEach((s) => { cuts.add(s.start); cuts.add(s.end); });
  const points = Array.from(cuts).sort((a, b) => a - b);
  for (let k = 0; k + 1 < points.length; k++) {
    const a = points[k];
    const b = points[k + 1];
    const piece = shown.slice(a, b).join("");
    const over = spans.filter((s) => s.start <= a && s.end >= b);
    if (!over.length) {
      pane.appendChild(document.createTextNode(piece));
      continue;
    }
    const worst = over.reduce((w, s) => (RANK[s.finding.severity] > RANK[w] ? s.finding.severity : w), "info");
    const mark = el("mark", "sev-" + worst, piece);
    mark.title = over.map((s) => "[" + s.index + "] " + tooltip(s.finding)).join("\n\n");
    mark.dataset.findings = over.map((s) => s.index).join(" ");
    if (over.some((s) => s.start === a)) mark.dataset.first = String(over.find((s) => s.start === a).index);
    mark.addEventListener("click", () => {
      const row = $("finding-" + over[0].index) ||
        document.querySelector('tr[data-members~="' + over[0].index + '"]');
      if (row) {
        row.scrollIntoView({ block: "center" });
        row.classList.add("flash");
        setTimeout(() => row.classList.remove("flash"), 1200);
      }
    });
    pane.appendChild(mark);
  }
}

// -- the form --------------------------------------------------------------------------------

function setStatus(text, isError) {
  $("status").textContent = text;
  $("status").className = isError ? "error" : "";
}

function chooseFile(file, files) {
  chosenFile = file || null;
  chosenFiles = chosenFile ? Array.from(files || [chosenFile]) : [];
  $("chosen").hidden = !chosenFile;
  $("chosen-name").textContent = chosenFiles.map((f) => f.name).join("、");
  $("text").disabled = !!chosenFile;
  window.gkActions.fileChosen(chosenFile);
}

// A check runs as a job (list.js): progress and 取消 while it runs, then the result.
async function runCheck() {
  const date = $("publish-date").value;
  const button = $("check");
  let text = null;
  if (!chosenFile) {
    text = $("text").value;
    if (!text.trim()) {
      setStatus("请先粘贴文字或选择文件", true);
      return;
    }
  }
  button.disabled = true;
  setStatus("正在检查……", false);
  $("result").hidden = true;   // the previous result is not this check's
  let status;
  let masked = null;
  try {
    let job;
    let masking = null;
    if (chosenFile) {
      const form = new FormData();
      chosenFiles.forEach((f) => form.append("file", f, f.name));
      if (date) form.append("publish_date", date);
      job = await startJob(form, null);
    } else {
      const body = { text: text };
      if ($("mode").value === "html") body.filename = "page.html";
      if (date) body.publish_date = date;
      job = await startJob(JSON.stringify(body), "application/json");
      masking = maskText(text);
      masking.catch(() => null);   // handled below; a failure only leaves the text unshown
    }
    status = await followJob(job);
    if (masking && status.state === "done") masked = await masking.catch(() => null);
    if (status.state === "cancelled") {
      setStatus("已取消检查", false);
      return;
    }
    setStatus("", false);
    await showJobResult(status, text, masked);
  } catch (err) {
    setStatus(err.message, true);
  } finally {
    hideProgress();
    button.disabled = false;
  }
}

async function maskText(text) {
  const h = headers({ "Content-Type": "application/json" });
  const response = await fetch("/v1/mask", { method: "POST", headers: h, body: JSON.stringify({ text: text }) });
  const data = await response.json().catch(() => null);
  if (!response.ok || !data || typeof data.text !== "string") {
    throw new Error((data && data.detail) || "无法为显示遮盖个人信息（HTTP " + response.status + "）");
  }
  return data.text;
}

function init() {
  window.gkActions.initToken();     // this tab, or this computer when ticked (actions.js)
  $("token-form").addEventListener("submit", (e) => e.preventDefault());
  $("file").addEventListener("change", (e) => chooseFile(e.target.files[0], e.target.files));
  $("clear-file").addEventListener("click", () => { $("file").value = ""; chooseFile(null); });
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    if (e.dataTransfer.files.length) chooseFile(e.dataTransfer.files[0], e.dataTransfer.files);
  });
  drop.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") { e.preventDefault(); $("file").click(); }
  });
  $("check").addEventListener("click", runCheck);
  fetch("/healthz").then((r) => r.json()).then((h) => { $("version").textContent = h.version; }).catch(() => {});
}

document.addEventListener("DOMContentLoaded", init);
