// The web page at scale: checks run as jobs (/v1/jobs, docs/serve.md "检查任务") with a progress
// bar and a 取消 button; a large result is shown as pages of groups fetched from the server, so
// 300,000 findings never reach the tab at once; the reports are downloaded from the job.
// Uses headers(), el(), describe(), suggestionText(), showContext(), showCells(), fixCell(),
// showSummary(), showList(), showText() of app.js.
"use strict";

const PAGE_GROUPS = 100;      // groups on one page of a large result
const PAGE_PLACES = 200;      // places of one group shown at a time
const SMALL_REPORT = 1000;    // up to this many findings the whole list and the marked text are shown
const FETCH_PAGE = 1000;      // findings per request (the server's maximum)
let currentJob = null;

function number(n) {
  return Number(n).toLocaleString("zh-CN");
}

async function jobRequest(method, url, body, contentType) {
  const h = contentType ? headers({ "Content-Type": contentType }) : headers();
  let response;
  try {
    response = await fetch(url, { method: method, headers: h, body: body });
  } catch (err) {
    throw new Error("无法连接检查服务，请确认服务仍在运行");
  }
  if (response.status === 401) {
    $("token-box").open = true;
    $("token").focus();
  }
  if (!response.ok) {
    const data = await response.json().catch(() => null);
    throw new Error(data && typeof data.detail === "string" ? data.detail : "服务返回错误（HTTP " + response.status + "）");
  }
  return response;
}

async function jobJSON(method, url, body, contentType) {
  return (await jobRequest(method, url, body, contentType)).json();
}

// -- progress ----------------------------------------------------------------------------------

function progressText(st) {
  const p = st.progress;
  if (st.state === "queued") return "排队等待检查……";
  if (st.cancelling) return "正在取消……";
  if (!p) return "正在检查……";
  const file = p.files > 1 ? "第 " + p.file + "/" + p.files + " 个文件“" + p.name + "”：" : "";
  if (p.phase === "read") return file + "正在读取（" + (p.total / 1048576).toFixed(1) + " MB）";
  if (p.phase === "group") return "正在整理结果……";
  return file + "第 " + p.pass + "/" + p.passes + " 项检查，已查 " + number(p.done) + "/" + number(p.total) + " " + p.unit;
}

function showProgress(st) {
  $("progress").hidden = false;
  const fraction = st.progress ? st.progress.fraction : 0;
  $("progress-bar").value = fraction;
  $("progress-percent").textContent = Math.floor(fraction * 100) + "%";
  $("progress-text").textContent = progressText(st);
  $("cancel").disabled = !!st.cancelling;
}

function hideProgress() {
  $("progress").hidden = true;
}

// Follows the job's NDJSON event stream (fetch, so the token goes in a header) until it ends;
// if the stream breaks, asks for the state every second instead.
async function followJob(job) {
  let last = job;
  showProgress(last);
  try {
    const response = await jobRequest("GET", "/v1/jobs/" + job.id + "/events");
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      let end;
      while ((end = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, end).trim();
        buffer = buffer.slice(end + 1);
        if (line) { last = JSON.parse(line); showProgress(last); }
      }
    }
  } catch (err) {
    if (err.message && err.message.indexOf("没有这个检查任务") >= 0) throw err;
  }
  while (["queued", "running"].indexOf(last.state) >= 0) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    last = await jobJSON("GET", "/v1/jobs/" + job.id);
    showProgress(last);
  }
  return last;
}

async function startJob(body, contentType) {
  const job = await jobJSON("POST", "/v1/jobs", body, contentType);
  currentJob = job;
  return job;
}

// Leaving the page stops its running check, so a closed tab leaves no work behind on the server.
function cancelOnLeave() {
  if (!currentJob || $("progress").hidden) return;
  fetch("/v1/jobs/" + currentJob.id + "/cancel", { method: "POST", headers: headers(), keepalive: true }).catch(() => null);
}

async function cancelJob() {
  if (!currentJob) return;
  $("cancel").disabled = true;
  $("progress-text").textContent = "正在取消……";
  try {
    await jobJSON("POST", "/v1/jobs/" + currentJob.id + "/cancel");
  } catch (err) {
    setStatus(err.message, true);
  }
}

// -- results -----------------------------------------------------------------------------------

async function fetchFindings(job, total) {
  const all = [];
  for (let offset = 0; offset < total; offset += FETCH_PAGE) {
    const page = await jobJSON("GET", "/v1/jobs/" + job.id + "/findings?masked=true&limit=" + FETCH_PAGE + "&offset=" + offset);
    page.findings.forEach((f) => all.push(f));
  }
  return all;
}

// The job's files as the report's files (findings spread back to their file).
function jobReport(st, findings) {
  const files = st.files.map((f) => ({ path: f.name, status: f.status, error: f.error, type: f.type,
    suppressed: f.suppressed || 0, findings: [] }));
  (findings || []).forEach((f) => files[f.file].findings.push(f));
  return { files: files, summary: st.summary };
}

async function showJobResult(st, text, masked) {
  const total = st.summary ? st.summary.findings : 0;
  const small = total <= SMALL_REPORT;
  const findings = small && total ? await fetchFindings(st, total) : [];
  if (st.files.length > 1) {
    // several files in one list: each place names its file, and 忽略此处 records that file
    findings.forEach((f) => {
      f.location.text = st.files[f.file].name + " " + describe(f.location);
      f.doc = st.files[f.file].name;
    });
  }
  const report = jobReport(st, findings);
  await window.gkActions.refresh();          // which actions the server offers (actions.js)
  checkedPath = st.files.length ? st.files[0].name : "";
  $("result").hidden = false;
  showSummary(report);
  window.gkActions.noteSkipped(report);      // “另有 N 处已忽略” (actions.js)
  $("downloads").hidden = !st.summary;
  $("downloads").dataset.job = st.id;
  $("downloads").dataset.files = JSON.stringify(st.files.map((f) => f.name));
  const shownText = small && text !== null && masked !== null && st.state === "done";
  const withText = st.files.map((f, i) => (f.text ? i : -1)).filter((i) => i >= 0);
  $("text-pane").hidden = !shownText && !(text !== null && !small) && !(small && withText.length);
  $("list-pane").hidden = !total;
  $("pages").hidden = small;
  if (small) {
    showList(findings);
    if (shownText) showText(text, masked, findings);
    else if (withText.length) await showUploadText(st, withText, findings);
    else $("shown-text").replaceChildren();
    return;
  }
  $("shown-text").replaceChildren(el("p", "note", "问题较多（" + number(total) + " 处），原文中不逐一标出；" +
    "请看问题清单，或下载 HTML 报告、XLSX 整改清单。"));
  await showGroupPage(st.id, 0);
}

// -- the marked-up text of uploads (/v1/jobs/{id}/text: segments, masked, with the findings' places)

async function showUploadText(st, files, findings) {
  const pane = $("shown-text");
  pane.replaceChildren();
  for (const i of files) {
    let data;
    try {
      data = await jobJSON("GET", "/v1/jobs/" + st.id + "/text?file=" + i);
    } catch (err) {
      continue;
    }
    if (st.files.length > 1) pane.appendChild(el("h4", "file-name", st.files[i].name));
    data.segments.forEach((seg) => pane.appendChild(segmentBlock(seg, findings)));
    if (!data.whole) pane.appendChild(el("p", "note", "文件较长，只显示有问题的 " + data.segments.length + " 段（共 " + number(data.total) + " 段）。"));
    if (data.unplaced) pane.appendChild(el("p", "note", "另有 " + data.unplaced + " 处问题不在正文中（如整个文件、文档属性或整列的问题），见问题清单。"));
  }
}

function segmentBlock(seg, findings) {
  const block = el("div", "segment");
  block.appendChild(el("span", "where", seg.where));
  const chars = Array.from(seg.text);
  const cuts = new Set([0, chars.length]);
  seg.marks.forEach((m) => { cuts.add(m[0]); cuts.add(m[1]); });
  const points = Array.from(cuts).sort((a, b) => a - b);
  const body = el("span", "text");
  for (let k = 0; k + 1 < points.length; k++) {
    const a = points[k];
    const b = points[k + 1];
    const piece = chars.slice(a, b).join("");
    const over = seg.marks.filter((m) => m[0] <= a && m[1] >= b);
    if (!over.length) { body.appendChild(document.createTextNode(piece)); continue; }
    const numbers = [].concat(...over.map((m) => m[2]));
    const shown = numbers.map((n) => findings[n - 1]).filter((f) => f);
    const worst = shown.reduce((w, f) => (RANK[f.severity] > RANK[w] ? f.severity : w), "info");
    const mark = el("mark", "sev-" + worst, piece);
    mark.title = numbers.map((n) => "[" + n + "] " + (findings[n - 1] ? tooltip(findings[n - 1]) : "")).join("\n\n");
    mark.dataset.findings = numbers.join(" ");
    const starting = over.find((m) => m[0] === a);
    if (starting) mark.dataset.first = String(starting[2][0]);
    mark.addEventListener("click", () => {
      const row = $("finding-" + numbers[0]) || document.querySelector('tr[data-members~="' + numbers[0] + '"]');
      if (row) {
        row.scrollIntoView({ block: "center" });
        row.classList.add("flash");
        setTimeout(() => row.classList.remove("flash"), 1200);
      }
    });
    body.appendChild(mark);
  }
  block.appendChild(body);
  return block;
}

// -- a large result: pages of groups -------------------------------------------------------------

async function showGroupPage(jobId, pageNumber) {
  const data = await jobJSON("GET", "/v1/jobs/" + jobId + "/groups?masked=true&limit=" + PAGE_GROUPS +
    "&offset=" + pageNumber * PAGE_GROUPS);
  const pages = Math.max(1, Math.ceil(data.total / PAGE_GROUPS));
  const body = $("findings").querySelector("tbody");
  body.replaceChildren();
  const files = $("downloads").dataset.files ? JSON.parse($("downloads").dataset.files) : null;
  data.groups.forEach((g) => body.appendChild(groupRow(jobId, g, files)));
  const nav = $("pages");
  nav.dataset.page = String(pageNumber);
  nav.dataset.pages = String(pages);
  $("page-info").textContent = "第 " + (pageNumber + 1) + "/" + pages + " 页（共 " + number(data.total) + " 组）";
  $("page-first").disabled = $("page-prev").disabled = pageNumber === 0;
  $("page-next").disabled = $("page-last").disabled = pageNumber >= pages - 1;
  $("list-pane").scrollIntoView({ block: "start" });
}

function groupRow(jobId, g, files) {
  const f = g.finding;
  const row = el("tr", "sev-" + g.severity);
  row.dataset.group = String(g.index);
  row.dataset.count = String(g.count);
  row.appendChild(el("td", "num", String(g.index + 1)));
  const where = el("td", "where", (files && files.length > 1 ? files[g.file] + " " : "") + describe(f.location));
  if (g.kind === "same" && g.count > 1) {
    const places = el("details", "places");
    places.appendChild(el("summary", null, "全部 " + number(g.count) + " 处"));
    const list = el("ol");
    places.appendChild(list);
    places.addEventListener("toggle", () => {
      if (places.open && !list.childElementCount) morePlaces(jobId, g, list, places);
    });
    where.appendChild(places);
  }
  row.appendChild(where);
  const what = el("td", "what");
  const head = el("div");
  head.appendChild(el("span", "badge sev-" + g.severity, SEVERITY[g.severity]));
  head.appendChild(document.createTextNode(" " + f.rule + " " + f.message));
  if (g.kind === "same" && g.count > 1) head.appendChild(el("strong", "times", " ×" + number(g.count)));
  what.appendChild(head);
  if (g.kind === "hidden") {
    if (f.context && f.context !== f.match) what.appendChild(el("div", "context", "隐藏的文字：“" + f.context + "”"));
    if (g.inside) what.appendChild(el("div", "note", "其中含有：" + g.inside));
  } else {
    showContext(what, f);
  }
  showCells(what, f);
  row.appendChild(what);
  const fix = fixCell(f);
  if (g.count === 1) {   // a single place: its 忽略此处 / 加入本单位词库 (a ×N group is acted on by its word)
    fix.appendChild(window.gkActions.buttons([f], files && files.length > 1 ? files[g.file] : checkedPath));
  }
  row.appendChild(fix);
  return row;
}

async function morePlaces(jobId, g, list, places) {
  const old = places.querySelector("button.more");
  if (old) old.remove();
  const offset = list.childElementCount;
  let data;
  try {
    data = await jobJSON("GET", "/v1/jobs/" + jobId + "/groups/" + g.index + "?masked=true&limit=" + PAGE_PLACES + "&offset=" + offset);
  } catch (err) {
    list.appendChild(el("li", "error", err.message));
    return;
  }
  data.findings.forEach((f) => list.appendChild(el("li", null, describe(f.location))));
  if (list.childElementCount < data.total) {
    const more = el("button", "more", "再显示 " + Math.min(PAGE_PLACES, data.total - list.childElementCount) + " 处（已显示 " +
      number(list.childElementCount) + "/" + number(data.total) + "）");
    more.type = "button";
    more.addEventListener("click", () => morePlaces(jobId, g, list, places));
    places.appendChild(more);
  }
}

function turnPage(to) {
  const nav = $("pages");
  const pages = Number(nav.dataset.pages);
  const page = Math.min(Math.max(0, to), pages - 1);
  showGroupPage($("downloads").dataset.job, page).catch((err) => setStatus(err.message, true));
}

// -- downloads ---------------------------------------------------------------------------------

async function download(format) {
  const jobId = $("downloads").dataset.job;
  const button = document.querySelector('#downloads button[data-format="' + format + '"]');
  button.disabled = true;
  const label = button.textContent;
  button.textContent = "正在生成……";
  try {
    const response = await jobRequest("GET", "/v1/jobs/" + jobId + "/report?format=" + format);
    const disposition = response.headers.get("Content-Disposition") || "";
    const m = /filename\*=UTF-8''([^;]+)/.exec(disposition);
    const name = m ? decodeURIComponent(m[1]) : "gkcheck-report." + format;
    const url = URL.createObjectURL(await response.blob());
    const a = el("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  } catch (err) {
    setStatus(err.message, true);
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
}

function initJobs() {
  $("cancel").addEventListener("click", cancelJob);
  window.addEventListener("pagehide", cancelOnLeave);
  $("page-first").addEventListener("click", () => turnPage(0));
  $("page-prev").addEventListener("click", () => turnPage(Number($("pages").dataset.page) - 1));
  $("page-next").addEventListener("click", () => turnPage(Number($("pages").dataset.page) + 1));
  $("page-last").addEventListener("click", () => turnPage(Number($("pages").dataset.pages) - 1));
  document.querySelectorAll("#downloads button[data-format]").forEach((b) =>
    b.addEventListener("click", () => download(b.dataset.format)));
}

document.addEventListener("DOMContentLoaded", initJobs);
