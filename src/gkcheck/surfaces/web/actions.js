// Actions on the page (docs/serve.md#网页): the token kept in this tab or on this computer,
// 忽略此处 / 加入本单位词库 on each finding, and 生成批注副本 for an uploaded DOCX/XLSX/HTML.
// Loaded before app.js; app.js calls gkActions.initToken(), gkActions.refresh() before showing
// a report, gkActions.buttons(finding, path) for each listed finding and gkActions.fileChosen(file).
// All text goes into the page through textContent, never parsed as markup.
"use strict";

window.gkActions = (function () {
  const TOKEN_KEY = "gkcheck-token";
  const ANNOTATE_TYPES = /\.(docx|xlsx|html?|shtml|xhtml)$/i;
  const byId = (id) => document.getElementById(id);
  let capabilities = null;
  let chosen = null;

  function node(tag, className, text) {
    const n = document.createElement(tag);
    if (className) n.className = className;
    if (text !== undefined && text !== null) n.textContent = text;
    return n;
  }

  function authHeaders(extra) {
    const h = Object.assign({}, extra || {});
    const token = byId("token").value.trim();
    if (token) h["Authorization"] = "Bearer " + token;
    return h;
  }

  async function detailOf(response) {
    const data = await response.json().catch(() => null);
    if (data && typeof data.detail === "string") return data.detail;
    return "服务返回错误（HTTP " + response.status + "）";
  }

  // -- the token: sessionStorage (this tab) unless 在本机记住令牌 is ticked (localStorage) ------

  function storeToken() {
    const value = byId("token").value.trim();
    const remember = byId("remember-token").checked;
    sessionStorage.removeItem(TOKEN_KEY);
    localStorage.removeItem(TOKEN_KEY);
    if (value) (remember ? localStorage : sessionStorage).setItem(TOKEN_KEY, value);
  }

  function initToken() {
    const token = byId("token");
    const remember = byId("remember-token");
    const kept = localStorage.getItem(TOKEN_KEY);
    remember.checked = kept !== null;
    token.value = kept !== null ? kept : sessionStorage.getItem(TOKEN_KEY) || "";
    token.addEventListener("input", storeToken);
    remember.addEventListener("change", storeToken);
    byId("forget-token").addEventListener("click", () => {
      token.value = "";
      remember.checked = false;
      storeToken();
      byId("token-note").textContent = "已清除本机和本标签页保存的令牌";
    });
  }

  // -- what the server offers (GET /v1/actions) -------------------------------------------------

  async function refresh() {
    try {
      const response = await fetch("/v1/actions", { headers: authHeaders() });
      capabilities = response.ok ? await response.json() : null;
    } catch (err) {
      capabilities = null;
    }
    return capabilities;
  }

  async function send(url, body) {
    let response;
    try {
      response = await fetch(url, { method: "POST", headers: authHeaders({ "Content-Type": "application/json" }),
        body: JSON.stringify(body) });
    } catch (err) {
      throw new Error("无法连接检查服务，请确认服务仍在运行");
    }
    if (!response.ok) throw new Error(await detailOf(response));
    return response.json();
  }

  // The buttons under one listed row's suggestion (a row is a group of findings with the same
  // rule and match, its first one shown); an empty element when none applies.
  function buttons(group, path) {
    const f = group[0];
    const fps = group.map((x) => x.fingerprint).filter((fp) => fp);
    const box = node("div", "actions");
    if (!capabilities) return box;
    const note = node("span", "action-note");
    note.setAttribute("role", "status");
    const act = (button, run, done) => {
      button.addEventListener("click", async (event) => {
        event.stopPropagation();
        box.querySelectorAll("button").forEach((b) => { b.disabled = true; });
        note.className = "action-note";
        note.textContent = "正在提交……";
        try {
          const answer = await run();
          note.textContent = done(answer);
          box.closest("tr") && box.closest("tr").classList.add("acted");
        } catch (err) {
          note.className = "action-note error";
          note.textContent = err.message;
          box.querySelectorAll("button").forEach((b) => { b.disabled = false; });
        }
      });
    };
    if (fps.length && capabilities.ignore.available) {
      const many = fps.length > 1;
      const ignore = node("button", "action ignore", many ? "忽略这 " + fps.length + " 处" : "忽略此处");
      ignore.type = "button";
      ignore.title = "以后检查同一文档时不再报告" + (many ? "这几处" : "这一处") + "（" +
        (capabilities.ignore.store === "ledger" ? "记入整改台账：已忽略" : "记在服务端的忽略记录中") + "）";
      act(ignore, () => send("/v1/ignore", { fingerprints: fps, rule: f.rule, doc: path || "" }),
        () => "已忽略：下次检查不再报告" + (many ? "这 " + fps.length + " 处" : "此处"));
      box.appendChild(ignore);
    }
    if (f.match && capabilities.allow.rules.indexOf(f.rule) >= 0) {
      const allow = node("button", "action allow", "加入本单位词库");
      allow.type = "button";
      allow.title = capabilities.allow.available
        ? "把“" + f.match + "”写入本单位词库 " + capabilities.allow.file + "，以后各处都不再报告"
        : capabilities.allow.message;
      act(allow, () => send("/v1/allow", { word: f.match, rule: f.rule }),
        (a) => (a.added ? "已加入" : "词库中已有") + "“" + a.word + "”（" + a.file + "）：下次检查起不再报告");
      box.appendChild(allow);
    }
    if (box.childNodes.length) box.appendChild(note);
    return box;
  }

  // After the summary line: how many places were left out (忽略此处, or markers in the document).
  function noteSkipped(report) {
    const file = report.files[0];
    const old = byId("skipped-note");
    if (old) old.remove();
    if (!file || file.status !== "ok" || !file.suppressed) return;
    const note = node("p", "hint", "另有 " + file.suppressed + " 处已忽略（忽略此处或文中标记），未列出。");
    note.id = "skipped-note";
    byId("summary").after(note);
  }

  // -- 生成批注副本 -------------------------------------------------------------------------------

  function fileChosen(file) {
    chosen = file || null;
    const ok = !!chosen && ANNOTATE_TYPES.test(chosen.name);
    byId("annotate-box").hidden = !ok;
    byId("annotate-status").textContent = "";
  }

  function copyName(name, fix) {
    const dot = name.lastIndexOf(".");
    const stem = dot > 0 ? name.slice(0, dot) : name;
    const ext = dot > 0 ? name.slice(dot) : "";
    return stem + (fix ? "-修改" : "-批注") + ext;
  }

  async function annotate() {
    if (!chosen) return;
    const status = byId("annotate-status");
    const button = byId("annotate");
    const fix = byId("annotate-fix").checked;
    const form = new FormData();
    form.append("file", chosen, chosen.name);
    if (fix) form.append("fix", "true");
    const date = byId("publish-date").value;
    if (date) form.append("publish_date", date);
    button.disabled = true;
    status.className = "";
    status.textContent = "正在生成批注副本……";
    try {
      let response;
      try {
        response = await fetch("/v1/annotate", { method: "POST", headers: authHeaders(), body: form });
      } catch (err) {
        throw new Error("无法连接检查服务，请确认服务仍在运行");
      }
      if (response.status === 401) {
        byId("token-box").open = true;
        byId("token").focus();
      }
      if (!response.ok) throw new Error(await detailOf(response));
      const blob = await response.blob();
      const link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = copyName(chosen.name, fix);
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 60000);
      const n = response.headers.get("X-Gkcheck-Findings") || "0";
      const fixed = response.headers.get("X-Gkcheck-Fixed") || "0";
      status.textContent = "已下载“" + link.download + "”：标注 " + n + " 处问题" + (fix ? "，修改 " + fixed + " 处" : "");
    } catch (err) {
      status.className = "error";
      status.textContent = err.message;
    } finally {
      button.disabled = false;
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    byId("annotate").addEventListener("click", annotate);
  });

  return { initToken: initToken, refresh: refresh, buttons: buttons, fileChosen: fileChosen, noteSkipped: noteSkipped };
})();
