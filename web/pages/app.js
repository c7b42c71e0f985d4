// SPDX-License-Identifier: Apache-2.0
// Followme web console.  Every text a person reads comes from the
// server's catalog (/api/strings); every piece of data is put into the
// page as text (textContent), never as HTML.
"use strict";

const state = {
  session: null, // {login, name, roles, language, currency}
  csrf: "",
  strings: {},
  language: "en",
  usersOffset: 0,
  usersTotal: 0,
  chart: null,
  trendChart: null,
  fixedPrinter: null, // the printer of a release page (/release/NAME)
  printers: [], // [{name, location, state, why}]
  releaseReady: false, // the server releases from the web
  authlogOffset: 0, // the authentication log's page
};

const $ = (id) => document.getElementById(id);

function t(text) {
  return state.strings[text] || text;
}

// Fills in every element marked with data-t (its text) or
// data-t-placeholder (its placeholder) in the current language.
function translatePage() {
  document.documentElement.lang = state.language;
  for (const el of document.querySelectorAll("[data-t]")) {
    el.textContent = t(el.dataset.t);
  }
  for (const el of document.querySelectorAll("[data-t-placeholder]")) {
    el.placeholder = t(el.dataset.tPlaceholder);
  }
  $("language").value = state.language;
}

async function api(method, path, params) {
  const headers = { "X-Followme-Language": state.language };
  let url = path;
  let body;
  if (method === "GET" && params) {
    url += "?" + new URLSearchParams(params).toString();
  } else if (method === "POST") {
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    headers["X-CSRF-Token"] = state.csrf;
    body = new URLSearchParams(params || {}).toString();
  }
  const res = await fetch(url, { method, headers, body, credentials: "same-origin" });
  const token = res.headers.get("X-CSRF-Token");
  if (token) state.csrf = token;
  let data = null;
  try {
    data = await res.json();
  } catch (e) {
    data = null;
  }
  return { status: res.status, ok: res.ok, data };
}

function notice(text, kind) {
  const n = $("notice");
  if (!text) {
    n.hidden = true;
    return;
  }
  n.className = "alert alert-" + (kind || "danger");
  n.textContent = text;
  n.hidden = false;
}

function failed(res) {
  if (res.status === 401 && state.session) {
    state.session = null;
    showLoggedOut();
  }
  notice(res.data && res.data.message ? t(res.data.message) : t("Something went wrong. Please try again."));
}

async function loadStrings() {
  const res = await api("GET", "/api/strings", { lang: state.language });
  if (res.ok && res.data) state.strings = res.data;
  translatePage();
}

function money(amount) {
  const n = Number(amount);
  const cur = state.session && state.session.currency;
  const locale = state.language === "fr" ? "fr-FR" : "en-GB";
  if (cur) return new Intl.NumberFormat(locale, { style: "currency", currency: cur }).format(n);
  return new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n);
}

function integer(n) {
  return new Intl.NumberFormat(state.language === "fr" ? "fr-FR" : "en-GB").format(n);
}

// A table row of cells, each text (put in as text, never as HTML) or a
// [text, class] pair.
function tableRow(cells) {
  const tr = document.createElement("tr");
  for (const cell of cells) {
    const [text, cls] = Array.isArray(cell) ? cell : [cell, ""];
    const td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    tr.append(td);
  }
  return tr;
}

// --- views ---------------------------------------------------------

const views = ["login", "jobs", "balance", "users", "site", "audit", "reports", "authlog"];

function show(view) {
  for (const v of views) $("view-" + v).hidden = v !== view;
  for (const a of document.querySelectorAll("#tabs .nav-link")) {
    a.classList.toggle("active", a.dataset.view === view);
    if (a.dataset.view === view) {
      a.setAttribute("aria-current", "page");
      a.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
    else a.removeAttribute("aria-current");
  }
  notice("");
  if (view === "jobs") loadJobs();
  if (view === "balance") {
    showPinForm();
    loadBalance();
    loadHistory();
    loadBadges();
    loadTokens();
  }
  if (view === "users") loadUsers();
  if (view === "site") loadSite();
  if (view === "audit") loadAudit();
  if (view === "reports") initReports();
  if (view === "authlog") loadAuthlog();
}

function hasRole(role) {
  return !!state.session && state.session.roles.includes(role);
}

function route() {
  if (!state.session) {
    show("login");
    return;
  }
  let view = (location.hash || "#jobs").slice(1);
  if (!views.includes(view) || view === "login") view = "jobs";
  if ((view === "users" || view === "site" || view === "audit" || view === "authlog") && !hasRole("admin")) view = "jobs";
  if (view === "reports" && !hasRole("finance") && !hasRole("admin")) view = "jobs";
  show(view);
}

function showLoggedIn() {
  $("tabs").hidden = false;
  $("who").hidden = false;
  $("who").textContent = state.session.name;
  $("logout").hidden = false;
  for (const el of document.querySelectorAll("[data-role]")) {
    const role = el.dataset.role;
    el.hidden = !(hasRole(role) || (role === "finance" && hasRole("admin")));
  }
  route();
}

function showLoggedOut() {
  $("tabs").hidden = true;
  $("who").hidden = true;
  $("logout").hidden = true;
  show("login");
}

// --- login ---------------------------------------------------------

async function login(ev) {
  ev.preventDefault();
  const button = $("login-submit");
  button.disabled = true;
  const res = await api("POST", "/api/login", {
    user: $("login-user").value,
    password: $("login-password").value,
  });
  button.disabled = false;
  $("login-password").value = "";
  if (!res.ok) {
    failed(res);
    return;
  }
  state.session = res.data;
  if (state.session.language && state.session.language !== state.language) {
    state.language = state.session.language;
    await loadStrings();
  }
  showLoggedIn();
}

async function logout() {
  await api("POST", "/api/logout");
  state.session = null;
  location.hash = "";
  await api("GET", "/api/session");
  showLoggedOut();
}

// --- staff: jobs ---------------------------------------------------

function pagesText(job) {
  if (job.counting) return t("counting…");
  if (job.pages === null) return t("unknown");
  let s = integer(job.pages);
  if (job.colour_pages) s += " (" + t("colour") + " " + integer(job.colour_pages) + ")";
  if (job.two_sided) s += ", " + t("two-sided");
  return s;
}

function costText(job) {
  if (job.cost === null) return t("no price");
  if (job.cost_kind === "up-to") return t("up to") + " " + job.cost;
  if (job.cost_kind === "counting") return t("counting…");
  return job.cost;
}

// --- staff: printers and release ----------------------------------

function printerStateText(p) {
  if (p.state === "ready") return t("ready");
  if (p.state === "stopped") return p.why || t("stopped");
  if (p.state === "unreachable") return t("unreachable");
  return t("state unknown");
}

function chosenPrinter() {
  const name = state.fixedPrinter || $("release-printer").value;
  return state.printers.find((p) => p.name === name) || null;
}

function showPrinterState() {
  const p = chosenPrinter();
  const badge = $("release-state");
  badge.textContent = p ? printerStateText(p) : "";
  badge.className = "badge " + (p && p.state === "ready" ? "text-bg-success" : "text-bg-warning");
  badge.hidden = !p;
  $("release-location").textContent = p && p.location ? p.location : "";
  $("release-fixed").textContent = p ? p.name : "";
}

async function loadPrinters() {
  const res = await api("GET", "/api/printers", state.fixedPrinter ? { name: state.fixedPrinter } : undefined);
  if (!res.ok) {
    failed(res);
    return;
  }
  state.releaseReady = res.data.release;
  state.printers = res.data.printers;
  const select = $("release-printer");
  const saved = localStorage.getItem("followme-printer");
  select.replaceChildren();
  for (const p of state.printers) {
    const option = document.createElement("option");
    option.value = p.name;
    option.textContent = p.location ? p.name + " — " + p.location : p.name;
    option.selected = p.name === saved;
    select.append(option);
  }
  select.hidden = !!state.fixedPrinter;
  $("release-fixed").hidden = !state.fixedPrinter;
  $("release-bar").hidden = !state.releaseReady || state.printers.length === 0;
  if (state.fixedPrinter && state.printers.length === 0) notice(t("No such printer."));
  showPrinterState();
}

// A release's stages, worded as the terminal says them.
const RELEASE_STAGES = {
  accepted: "Sending to the print server…",
  reserved: "Preparing...",
  sent: "Sent to the printer.",
  printing: "Printing...",
};
// How often the page asks how far a release is, and for how long at
// most (the server gives a release thirty minutes).
const RELEASE_POLL_MS = 1000;
const RELEASE_POLLS_MAX = 1900;

function releaseStage(printer, stage) {
  const n = $("notice");
  notice(printer + ": " + t(RELEASE_STAGES[stage] || "Printing..."), "info");
  n.dataset.stage = stage;
}

// Polls release rid until it ends: its last answer, as api() gives it.
async function followRelease(rid, printer) {
  let res = null;
  for (let i = 0; i < RELEASE_POLLS_MAX; i++) {
    res = await api("GET", "/api/jobs/release", { id: rid });
    if (!res.ok || !res.data || res.data.finished) break;
    releaseStage(printer, res.data.stage);
    await new Promise((resolve) => setTimeout(resolve, RELEASE_POLL_MS));
  }
  return res;
}

async function releaseJob(card, job) {
  const p = chosenPrinter();
  if (!p) {
    notice(t("Choose a printer first."));
    return;
  }
  const button = card.querySelector(".job-print");
  button.disabled = true;
  releaseStage(p.name, "accepted");
  const start = await api("POST", "/api/jobs/release", {
    id: job.id,
    printer: p.name,
    copies: card.querySelector(".job-copies-input").value,
    two_sided: card.querySelector(".job-duplex").checked ? "1" : "0",
    black_white: card.querySelector(".job-gray").checked ? "1" : "0",
  });
  if (!start.ok) {
    button.disabled = false;
    $("notice").dataset.stage = "failed";
    failed(start);
    return;
  }
  const res = await followRelease(start.data.release, p.name);
  button.disabled = false;
  if (!res || !res.ok || !res.data || !res.data.finished) {
    $("notice").dataset.stage = "failed";
    failed(res && !res.ok ? res : { status: 0, data: null });
    return;
  }
  const end = res.data;
  if (end.status !== 200) {
    await loadJobs();
    $("notice").dataset.stage = "failed";
    failed({ status: end.status, ok: false, data: end.result });
    return;
  }
  if (!state.fixedPrinter) localStorage.setItem("followme-printer", p.name);
  await loadJobs();
  notice(t("Printed at") + " " + end.result.printer + ": " + integer(end.result.pages) + " " + t("page(s)") + ", " + t("charged") + " " + end.result.charge + ".", "success");
  $("notice").dataset.stage = "done";
}

async function loadJobs() {
  if (state.printers.length === 0) await loadPrinters();
  const res = await api("GET", "/api/jobs");
  if (!res.ok) {
    failed(res);
    return;
  }
  const list = $("jobs-list");
  list.replaceChildren();
  const tpl = $("job-card");
  for (const job of res.data.jobs) {
    const card = tpl.content.cloneNode(true);
    card.querySelector(".job-title").textContent = job.title || t("(untitled)");
    card.querySelector(".job-pages").textContent = pagesText(job);
    card.querySelector(".job-copies").textContent = integer(job.copies);
    card.querySelector(".job-cost").textContent = costText(job);
    card.querySelector(".job-sent").textContent = job.submitted;
    card.querySelector(".job-expires").textContent = job.expires;
    for (const el of card.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
    const root = card.firstElementChild;
    root.dataset.job = String(job.id);
    const copies = card.querySelector(".job-copies-input");
    copies.value = String(job.copies);
    copies.max = String(job.copies);
    // Options only go down, as at a terminal.
    card.querySelector(".job-duplex").checked = job.two_sided;
    card.querySelector(".job-duplex").disabled = job.two_sided;
    card.querySelector(".job-print").hidden = !state.releaseReady || state.printers.length === 0;
    card.querySelector(".job-options").hidden = card.querySelector(".job-print").hidden;
    card.querySelector(".job-print").addEventListener("click", () => releaseJob(root, job));
    card.querySelector(".job-keep").addEventListener("click", () => keepJob(job.id));
    card.querySelector(".job-delete").addEventListener("click", () => deleteJob(job.id, job.title));
    list.appendChild(card);
  }
  $("jobs-empty").hidden = res.data.jobs.length > 0;
}

async function keepJob(id) {
  const res = await api("POST", "/api/jobs/keep", { id });
  if (!res.ok) {
    failed(res);
    return;
  }
  await loadJobs();
  notice(t("Kept until") + " " + res.data.expires, "success");
}

async function deleteJob(id, title) {
  if (!window.confirm(t("Delete this job?") + "\n" + (title || ""))) return;
  const res = await api("POST", "/api/jobs/delete", { id });
  if (!res.ok) {
    failed(res);
    return;
  }
  await loadJobs();
  notice(t("The job was deleted."), "success");
}

// --- staff: balance ------------------------------------------------

function accountCard(heading, account) {
  const col = document.createElement("div");
  col.className = "col-12 col-md-6";
  const card = document.createElement("div");
  card.className = "card h-100";
  const body = document.createElement("div");
  body.className = "card-body";
  const h = document.createElement("h2");
  h.className = "h6 text-secondary";
  h.textContent = heading + " " + account.name;
  const big = document.createElement("p");
  big.className = "display-6 mb-1";
  big.textContent = account.balance;
  const small = document.createElement("p");
  small.className = "text-secondary mb-0";
  small.textContent = t("Available") + ": " + (account.restricted ? account.available : t("no limit"));
  body.append(h, big, small);
  card.append(body);
  col.append(card);
  return col;
}

async function loadBalance() {
  const res = await api("GET", "/api/balance");
  if (!res.ok) {
    failed(res);
    return;
  }
  const cards = $("balance-cards");
  cards.replaceChildren();
  if (res.data.user) cards.append(accountCard(t("Your account"), res.data.user));
  if (res.data.department) cards.append(accountCard(t("Department"), res.data.department));
  if (!res.data.user && !res.data.department) {
    const p = document.createElement("p");
    p.className = "text-secondary";
    p.textContent = t("No account yet: it is opened with your first print.");
    cards.append(p);
  }
}

const KINDS = {
  commit: "Printed",
  refund: "Refund",
  allocation: "Allocation",
  adjustment: "Adjustment",
};

async function loadHistory() {
  const res = await api("GET", "/api/history");
  if (!res.ok) {
    failed(res);
    return;
  }
  const rows = $("history-rows");
  rows.replaceChildren();
  for (const l of res.data.lines) {
    const tr = tableRow([
      l.when,
      t(KINDS[l.kind] || l.kind) + (l.reason ? " — " + l.reason : ""),
      l.job ? String(l.job) : "",
      l.printer,
      [l.pages ? integer(l.pages) : "", "text-end"],
      [l.amount, "text-end"],
    ]);
    rows.append(tr);
  }
  $("history-empty").hidden = res.data.lines.length > 0;
}

async function loadBadges() {
  const res = await api("GET", "/api/badges");
  if (!res.ok) {
    failed(res);
    return;
  }
  const list = $("badges-list");
  list.replaceChildren();
  for (const b of res.data.badges) {
    const li = document.createElement("li");
    li.className = "list-group-item d-flex justify-content-between align-items-center badge-item";
    const text = document.createElement("span");
    text.textContent = (b.label || t("Badge")) + " · " + b.fingerprint + " · " + b.added;
    li.append(text, actionButton(t("Unlink"), "badge-remove", () => removeBadge(b.fingerprint)));
    list.append(li);
  }
  $("badges-empty").hidden = res.data.badges.length > 0;
}

async function removeBadge(fingerprint) {
  if (!window.confirm(t("Unlink this badge? It will no longer log you in."))) return;
  const res = await api("POST", "/api/badges/remove", { fingerprint });
  if (!res.ok) {
    failed(res);
    return;
  }
  await loadBadges();
  notice(t("The badge was unlinked."), "success");
}

// --- staff: API tokens ---------------------------------------------

const TOKEN_STATES = { active: "active", revoked: "revoked", expired: "expired" };

// Lists tokens (the user's own, or with login another's, for admins)
// into the list listId, with emptyId shown when there are none.
async function loadTokens(login, listId, emptyId) {
  const res = await api("GET", "/api/tokens", login ? { login } : undefined);
  if (!res.ok) {
    failed(res);
    return;
  }
  const list = $(listId || "tokens-list");
  list.replaceChildren();
  for (const k of res.data.tokens) {
    const li = document.createElement("li");
    li.className = "list-group-item d-flex justify-content-between align-items-center token-item";
    const text = document.createElement("span");
    const parts = [k.name, t(TOKEN_STATES[k.state] || k.state), t("made") + " " + k.created];
    parts.push(k.last_used ? t("last used") + " " + k.last_used : t("never used"));
    if (k.expires) parts.push(t("expires") + " " + k.expires);
    text.textContent = parts.join(" · ");
    li.append(text);
    if (k.state === "active") {
      li.append(actionButton(t("Revoke"), "token-revoke", () => revokeToken(k.id, k.name, login)));
    }
    list.append(li);
  }
  $(emptyId || "tokens-empty").hidden = res.data.tokens.length > 0;
}

async function loadUserTokens(login) {
  $("user-tokens").hidden = false;
  $("user-tokens-who").textContent = login;
  await loadTokens(login, "user-tokens-list", "user-tokens-empty");
}

async function addToken(ev) {
  ev.preventDefault();
  const params = { name: $("token-name").value };
  if ($("token-days").value) params.expires = $("token-days").value;
  const res = await api("POST", "/api/tokens/add", params);
  if (!res.ok) {
    failed(res);
    return;
  }
  $("token-name").value = "";
  $("token-days").value = "";
  $("token-text").value = res.data.token;
  $("token-new").hidden = false;
  $("token-text").select();
  await loadTokens();
}

async function copyToken() {
  const text = $("token-text").value;
  try {
    await navigator.clipboard.writeText(text);
    notice(t("The token is copied."), "success");
  } catch (e) {
    $("token-text").select();
    notice(t("Select the token and copy it."), "info");
  }
}

async function revokeToken(id, name, login) {
  if (!window.confirm(t("Revoke this token? Scripts that use it will stop working.") + " " + name)) return;
  const res = await api("POST", "/api/tokens/revoke", { id });
  if (!res.ok) {
    failed(res);
    return;
  }
  if (login) {
    await loadUserTokens(login);
  } else {
    $("token-new").hidden = true;
    $("token-text").value = "";
    await loadTokens();
  }
  notice(t("The token was revoked."), "success");
}

// --- admins: users -------------------------------------------------

const USERS_PAGE = 50;

async function loadUsers() {
  const res = await api("GET", "/api/admin/users", {
    q: $("users-q").value,
    offset: state.usersOffset,
    limit: USERS_PAGE,
  });
  if (!res.ok) {
    failed(res);
    return;
  }
  const rows = $("users-rows");
  rows.replaceChildren();
  for (const u of res.data.users) {
    const tr = tableRow([u.login, u.name, u.department, u.roles, u.enabled ? t("enabled") : t("disabled")]);
    tr.dataset.login = u.login;
    const actions = document.createElement("td");
    actions.className = "text-end text-nowrap";
    actions.append(
      actionButton(u.enabled ? t("Disable") : t("Enable"), "user-enable", () =>
        changeUser({ login: u.login, enabled: u.enabled ? "no" : "yes" })),
      actionButton(t("Move"), "user-move", () => {
        const code = window.prompt(t("Department code for") + " " + u.login, u.department);
        if (code !== null) changeUser({ login: u.login, department: code.trim() });
      }),
      actionButton(t("Unlock"), "user-unlock", () => unlockUser(u.login)),
      actionButton(t("Reset PIN"), "user-pin", () => {
        if (window.confirm(t("Reset the PIN of") + " " + u.login + "?")) changeUser({ login: u.login, pin: "clear" });
      }),
      actionButton(t("Badges"), "user-badges", () => loadUserBadges(u.login)),
      actionButton(t("API tokens"), "user-tokens", () => loadUserTokens(u.login)),
    );
    tr.append(actions);
    rows.append(tr);
  }
  state.usersTotal = res.data.total;
  const last = Math.min(state.usersOffset + res.data.users.length, res.data.total);
  $("users-count").textContent = res.data.total
    ? integer(state.usersOffset + 1) + "–" + integer(last) + " / " + integer(res.data.total)
    : t("No user matches.");
  $("users-prev").disabled = state.usersOffset === 0;
  $("users-next").disabled = last >= res.data.total;
}

function actionButton(text, cls, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "btn btn-sm btn-outline-secondary ms-1 " + cls;
  b.textContent = text;
  b.addEventListener("click", onClick);
  return b;
}

async function changeUser(params) {
  const res = await api("POST", "/api/admin/user", params);
  if (!res.ok) {
    failed(res);
    return;
  }
  await loadUsers();
  notice(t("Saved."), "success");
}

async function unlockUser(login) {
  const res = await api("POST", "/api/admin/unlock", { login });
  if (!res.ok) {
    failed(res);
    return;
  }
  notice(t("Unlocked:") + " " + login, "success");
}

// --- admins: audit trail -------------------------------------------

async function loadAudit() {
  const res = await api("GET", "/api/admin/audit");
  if (!res.ok) {
    failed(res);
    return;
  }
  const rows = $("audit-rows");
  rows.replaceChildren();
  for (const e of res.data.entries) {
    rows.append(tableRow([e.when, e.actor, e.via, e.action, e.target, e.before, e.after]));
  }
  $("audit-empty").hidden = res.data.entries.length > 0;
}

// --- admins: authentication log ------------------------------------

const AUTHLOG_PAGE = 50;
const AUTHLOG_METHODS = {
  badge: "Badge",
  pin: "PIN",
  password: "Password",
  web: "Web release",
  admin: "Admin",
  token: "API token",
};
const AUTHLOG_OUTCOMES = {
  success: ["Success", "text-success"],
  "wrong-secret": ["Wrong PIN or password", "text-danger"],
  unknown: ["Unknown badge or user", "text-danger"],
  locked: ["Locked out", "text-danger fw-semibold"],
  disabled: ["Account disabled", "text-warning-emphasis"],
  unlocked: ["Unlocked", "text-primary"],
};

// A moment (UNIX time) as the reader's language and clock write it.
function localTime(at) {
  const locale = state.language === "fr" ? "fr-FR" : "en-GB";
  return new Intl.DateTimeFormat(locale, { dateStyle: "short", timeStyle: "medium" }).format(new Date(at * 1000));
}

function authlogParams() {
  const p = { offset: state.authlogOffset || 0, limit: AUTHLOG_PAGE };
  for (const [key, id] of [["login", "authlog-login"], ["outcome", "authlog-outcome"], ["from", "authlog-from"], ["to", "authlog-to"]]) {
    const v = $(id).value.trim();
    if (v) p[key] = v;
  }
  return p;
}

async function loadAuthlog() {
  const res = await api("GET", "/api/admin/authlog", authlogParams());
  if (!res.ok) {
    failed(res);
    return;
  }
  const locked = $("locked-rows");
  locked.replaceChildren();
  for (const l of res.data.locked) {
    const tr = tableRow([l.login, [integer(l.failures), "text-end"], localTime(l.until_at)]);
    tr.dataset.login = l.login;
    const actions = document.createElement("td");
    actions.className = "text-end";
    actions.append(actionButton(t("Unlock"), "authlog-unlock", () => authlogUnlock(l.login)));
    tr.append(actions);
    locked.append(tr);
  }
  $("locked-empty").hidden = res.data.locked.length > 0;
  $("locked-table").hidden = res.data.locked.length === 0;
  const rows = $("authlog-rows");
  rows.replaceChildren();
  for (const e of res.data.events) {
    const [outcome, cls] = AUTHLOG_OUTCOMES[e.outcome] || [e.outcome, ""];
    const tr = tableRow([
      localTime(e.at),
      e.login ? e.login : ["—", "text-secondary"],
      e.where,
      t(AUTHLOG_METHODS[e.method] || e.method),
      [e.by ? t(outcome) + " (" + e.by + ")" : t(outcome), cls],
    ]);
    tr.dataset.outcome = e.outcome;
    rows.append(tr);
  }
  const offset = state.authlogOffset || 0;
  const last = Math.min(offset + res.data.events.length, res.data.total);
  $("authlog-empty").hidden = res.data.total > 0;
  $("authlog-count").textContent = res.data.total
    ? integer(offset + 1) + "–" + integer(last) + " / " + integer(res.data.total)
    : "";
  $("authlog-prev").disabled = offset === 0;
  $("authlog-next").disabled = last >= res.data.total;
}

async function authlogUnlock(login) {
  const res = await api("POST", "/api/admin/unlock", { login });
  if (!res.ok) {
    failed(res);
    return;
  }
  state.authlogOffset = 0;
  await loadAuthlog();
  notice(t("Unlocked:") + " " + login, "success");
}

// --- finance: reports ----------------------------------------------

function isoDay(d) {
  const p = (n) => String(n).padStart(2, "0");
  return d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate());
}

function reportParams(format) {
  const p = { from: $("report-from").value, to: $("report-to").value, by: $("report-by").value };
  if (format) p.format = format;
  return p;
}

// Printers have reports, not exports: their downloads are by department.
function updateDownloads() {
  const by = $("report-by").value === "printer" ? "department" : $("report-by").value;
  for (const format of ["csv", "json"]) {
    const p = reportParams(format);
    p.by = by;
    $("report-" + format).href = "/api/finance/export?" + new URLSearchParams(p).toString();
  }
}

function initReports() {
  if (!$("report-from").value) {
    const now = new Date();
    $("report-from").value = isoDay(new Date(now.getFullYear(), 0, 1));
    $("report-to").value = isoDay(now);
  }
  updateDownloads();
  loadReport();
}

// What a report row is of: its user, department, project or printer.
function reportGroup(r) {
  if (r.user !== undefined) return r.user;
  if (r.department_code !== undefined) return r.department_code;
  return r.project !== undefined ? r.project : r.printer;
}

function drawChart(rows) {
  if (typeof Chart === "undefined") return;
  const labels = rows.map((r) => reportGroup(r) || "—");
  const data = rows.map((r) => Number(r.cost));
  if (state.chart) state.chart.destroy();
  state.chart = new Chart($("report-chart"), {
    type: "bar",
    data: { labels, datasets: [{ label: t("Cost"), data, backgroundColor: "#0d6efd", maxBarThickness: 96 }] },
    options: { maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } } },
  });
}

function percent(part, whole) {
  return whole > 0 ? Math.round((100 * part) / whole) : 0;
}

// The report's colour and two-sided shares, as bars and words.
function drawSplits(rows) {
  let mono = 0,
    colour = 0,
    simplex = 0,
    duplex = 0;
  for (const r of rows) {
    mono += Number(r.pages_mono);
    colour += Number(r.pages_colour);
    simplex += Number(r.simplex_impressions || 0);
    duplex += Number(r.duplex_impressions || 0);
  }
  const c = percent(colour, mono + colour);
  $("split-colour").style.width = c + "%";
  $("split-mono").style.width = (mono + colour > 0 ? 100 - c : 0) + "%";
  $("split-colour-text").textContent =
    t("colour") + " " + integer(colour) + " (" + c + " %), " + t("black and white") + " " + integer(mono);
  const d = percent(duplex, simplex + duplex);
  $("split-duplex").style.width = d + "%";
  $("split-simplex").style.width = (simplex + duplex > 0 ? 100 - d : 0) + "%";
  $("split-sides-text").textContent =
    t("two-sided") + " " + integer(duplex) + " (" + d + " %), " + t("one-sided") + " " + integer(simplex);
}

async function loadTrend() {
  const year = ($("report-from").value || "").slice(0, 4);
  if (!/^[0-9]{4}$/.test(year)) return;
  const res = await api("GET", "/api/finance/trend", { year });
  if (!res.ok) {
    failed(res);
    return;
  }
  $("trend-year").textContent = year;
  const s = res.data.saved;
  $("saved-text").textContent =
    t("Expired") + ": " + integer(s.expired.jobs) + " " + t("job(s)") + ", " + integer(s.expired.pages) + " " + t("page(s)") +
    " · " + t("Deleted") + ": " + integer(s.deleted.jobs) + " " + t("job(s)") + ", " + integer(s.deleted.pages) + " " + t("page(s)");
  $("closed-text").textContent = res.data.closed_through
    ? t("Closed through") + " " + res.data.closed_through
    : t("Nothing closed yet.");
  if (typeof Chart === "undefined") return;
  const locale = state.language === "fr" ? "fr-FR" : "en-GB";
  const labels = res.data.months.map((m) => new Date(Number(year), m.month - 1, 1).toLocaleString(locale, { month: "short" }));
  if (state.trendChart) state.trendChart.destroy();
  state.trendChart = new Chart($("trend-chart"), {
    type: "line",
    data: {
      labels,
      datasets: [{ label: t("Cost"), data: res.data.months.map((m) => Number(m.cost)), borderColor: "#0d6efd", backgroundColor: "#0d6efd" }],
    },
    options: { maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } } },
  });
}

async function closePeriod(ev) {
  ev.preventDefault();
  const to = $("close-to").value;
  if (!window.confirm(t("Close every day through") + " " + to + "?")) return;
  const res = await api("POST", "/api/finance/close", { to });
  if (!res.ok) {
    failed(res);
    return;
  }
  await loadTrend();
  notice(t("Closed through") + " " + to, "success");
}

async function loadReport(ev) {
  if (ev) ev.preventDefault();
  updateDownloads();
  const res = await api("GET", "/api/finance/report", reportParams());
  if (!res.ok) {
    failed(res);
    return;
  }
  const rows = $("report-rows");
  rows.replaceChildren();
  // Projects and printers have a code and no name: no Name column.
  const named = res.data.by === "department" || res.data.by === "user";
  $("report-name-head").hidden = !named;
  for (const r of res.data.rows) {
    const cells = [
      reportGroup(r),
      r.full_name !== undefined ? r.full_name : r.department_name || "",
      [integer(r.jobs), "text-end"],
      [integer(r.pages_mono), "text-end"],
      [integer(r.pages_colour), "text-end"],
      [integer(r.sheets), "text-end"],
      [money(r.cost), "text-end"],
    ];
    if (!named) cells.splice(1, 1);
    rows.append(tableRow(cells));
  }
  drawChart(res.data.rows);
  drawSplits(res.data.rows);
  await loadTrend();
}

// --- staff: the print PIN -----------------------------------------

function showPinForm() {
  $("pin-old-box").hidden = !(state.session && state.session.has_pin);
}

async function changePin(ev) {
  ev.preventDefault();
  const fresh = $("pin-new").value;
  if (fresh !== $("pin-again").value) {
    notice(t("The two new PINs differ."));
    return;
  }
  const res = await api("POST", "/api/pin", { old_pin: $("pin-old").value, new_pin: fresh });
  for (const id of ["pin-old", "pin-new", "pin-again"]) $(id).value = "";
  if (!res.ok) {
    failed(res);
    return;
  }
  state.session.has_pin = true;
  showPinForm();
  notice(t("Your PIN was changed."), "success");
}

async function loadUserBadges(login) {
  const res = await api("GET", "/api/admin/badges", { login });
  if (!res.ok) {
    failed(res);
    return;
  }
  $("user-badges").hidden = false;
  $("user-badges-who").textContent = login;
  const list = $("user-badges-list");
  list.replaceChildren();
  for (const b of res.data.badges) {
    const li = document.createElement("li");
    li.className = "list-group-item d-flex justify-content-between align-items-center user-badge-item";
    const text = document.createElement("span");
    text.textContent = (b.label || t("Badge")) + " · " + b.fingerprint + " · " + b.added;
    li.append(text, actionButton(t("Unlink"), "user-badge-remove", async () => {
      if (!window.confirm(t("Unlink this badge?"))) return;
      const r = await api("POST", "/api/admin/badges/remove", { login, fingerprint: b.fingerprint });
      if (!r.ok) {
        failed(r);
        return;
      }
      await loadUserBadges(login);
      notice(t("The badge was unlinked."), "success");
    }));
    list.append(li);
  }
  $("user-badges-empty").hidden = res.data.badges.length > 0;
}

async function verifyLedger() {
  const button = $("ledger-verify");
  button.disabled = true;
  $("ledger-result").textContent = t("Checking…");
  const res = await api("GET", "/api/admin/ledger");
  button.disabled = false;
  if (!res.ok) {
    $("ledger-result").textContent = "";
    failed(res);
    return;
  }
  const r = $("ledger-result");
  r.className = res.data.ok ? "text-success fw-semibold" : "text-danger fw-semibold";
  r.textContent = res.data.ok
    ? t("Ledger OK") + ": " + integer(res.data.rows) + " " + t("rows checked.")
    : t("The ledger does not verify") + ": " + res.data.problems;
}

// --- admins: the site ---------------------------------------------

async function fillRows(path, tbodyId, key, cells) {
  const res = await api("GET", path);
  if (!res.ok) {
    failed(res);
    return null;
  }
  const rows = $(tbodyId);
  rows.replaceChildren();
  for (const item of res.data[key]) rows.append(tableRow(cells(item)));
  return res.data;
}

// Each printer with its state, the terminals standing at it and its QR
// code label (the SVG followme-admin printer qr writes), to download.
async function loadSitePrinters(terminals) {
  const res = await api("GET", "/api/admin/printers");
  if (!res.ok) {
    failed(res);
    return;
  }
  const rows = $("printers-rows");
  rows.replaceChildren();
  for (const p of res.data.printers) {
    const at = terminals.filter((x) => !x.web && x.printer === p.name).map((x) => x.name);
    const tr = tableRow([
      [p.name, "fw-semibold"],
      p.location,
      [printerStateText(p), p.state === "ready" ? "text-success" : "text-danger"],
      at.length ? at.join(", ") : t("none"),
    ]);
    const td = document.createElement("td");
    const label = "/api/admin/printer-label?" + new URLSearchParams({ name: p.name }).toString();
    const img = document.createElement("img");
    img.src = label;
    img.alt = t("QR code label") + " " + p.name;
    img.className = "printer-label me-2";
    const link = document.createElement("a");
    link.href = label;
    link.download = "followme-label-" + p.name + ".svg";
    link.className = "btn btn-sm btn-outline-secondary printer-label-download";
    link.textContent = t("Download");
    td.append(img, link);
    if (p.release_url) {
      const url = document.createElement("div");
      url.className = "small text-secondary text-break";
      url.textContent = p.release_url;
      td.append(url);
    }
    tr.append(td);
    rows.append(tr);
  }
  $("printers-empty").hidden = res.data.printers.length > 0;
}

async function loadSite() {
  const terminals = await fillRows("/api/admin/terminals", "terminals-rows", "terminals", (x) => [
    x.name,
    x.web ? t("web console") : x.printer,
    // The console's own connection is made for each release: idle
    // between, not a device gone missing.
    x.state === "idle"
      ? [t("idle: connects for each release"), "text-body"]
      : [x.online ? t("connected") : t("offline"), x.online ? "text-success fw-semibold" : "text-secondary"],
    x.last_seen || (x.web ? t("no release yet") : t("never")),
  ]);
  if (terminals) await loadSitePrinters(terminals.terminals);
  await fillRows("/api/admin/departments", "departments-rows", "departments", (x) => [
    x.code,
    x.name,
    [integer(x.users), "text-end"],
    [x.balance, "text-end"],
  ]);
  const projects = await fillRows("/api/admin/projects", "projects-rows", "projects", (x) => [
    x.code,
    [integer(x.members), "text-end"],
    [x.balance, "text-end"],
  ]);
  if (projects) $("projects-empty").hidden = projects.projects.length > 0;
  const prices = await fillRows("/api/admin/prices", "prices-rows", "prices", (x) => [
    x.media,
    x.colour ? t("colour") : t("black and white"),
    x.two_sided ? t("two-sided") : t("one-sided"),
    [x.amount, "text-end"],
  ]);
  if (prices) $("prices-version").textContent = prices.version ? t("version") + " " + prices.version : "";
  await fillRows("/api/admin/jobs", "held-rows", "jobs", (x) => [
    String(x.id),
    x.owner,
    [x.pages === null ? t("unknown") : integer(x.pages), "text-end"],
    x.submitted,
    x.expires,
  ]);
}

// A project added (code alone) or a person let charge it (code, login).
async function changeProject(ev, fields) {
  ev.preventDefault();
  const params = {};
  for (const [key, id] of Object.entries(fields)) params[key] = $(id).value;
  const res = await api("POST", "/api/admin/project", params);
  if (!res.ok) {
    failed(res);
    return;
  }
  for (const id of Object.values(fields)) $(id).value = "";
  await loadSite();
  notice(t("Saved."), "success");
}

async function addDepartment(ev) {
  ev.preventDefault();
  const res = await api("POST", "/api/admin/department", {
    code: $("department-code").value,
    name: $("department-name").value,
  });
  if (!res.ok) {
    failed(res);
    return;
  }
  $("department-code").value = "";
  $("department-name").value = "";
  await loadSite();
  notice(t("Saved."), "success");
}

async function setPrice(ev) {
  ev.preventDefault();
  const res = await api("POST", "/api/admin/price", {
    media: $("price-media").value,
    colour: $("price-colour").value,
    sides: $("price-sides").value,
    amount: $("price-amount").value.replace(",", "."),
  });
  if (!res.ok) {
    failed(res);
    return;
  }
  $("price-amount").value = "";
  await loadSite();
  notice(t("Saved."), "success");
}

// One id per quota form shown: the server makes a retry of the same
// submission a replay, not a second allocation.
function newRequestId() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

async function recordQuota(ev) {
  ev.preventDefault();
  const button = $("quota-submit");
  button.disabled = true;
  const res = await api("POST", "/api/admin/quota", {
    kind: $("quota-kind").value,
    name: $("quota-name").value,
    as: $("quota-as").value,
    amount: $("quota-amount").value.replace(",", "."),
    reason: $("quota-reason").value,
    request_id: state.quotaRequest,
  });
  button.disabled = false;
  if (!res.ok) {
    failed(res);
    return;
  }
  state.quotaRequest = newRequestId();
  for (const id of ["quota-name", "quota-amount", "quota-reason"]) $(id).value = "";
  await loadSite();
  notice(t("Saved."), "success");
}

// --- start ---------------------------------------------------------

async function chooseLanguage() {
  state.language = $("language").value;
  localStorage.setItem("followme-language", state.language);
  if (state.session) {
    const res = await api("POST", "/api/language", { language: state.language });
    if (res.ok) state.session = res.data;
  }
  await loadStrings();
  if (state.session) route();
}

async function start() {
  const saved = localStorage.getItem("followme-language");
  const browser = (navigator.language || "en").slice(0, 2).toLowerCase();
  state.language = saved || (browser === "fr" ? "fr" : "en");
  $("login-form").addEventListener("submit", login);
  $("logout").addEventListener("click", logout);
  $("language").addEventListener("change", chooseLanguage);
  $("jobs-refresh").addEventListener("click", async () => {
    await loadPrinters();
    await loadJobs();
  });
  $("release-printer").addEventListener("change", showPrinterState);
  // A printer's QR code opens its release page: that printer, chosen.
  const here = location.pathname.match(/^\/release\/([A-Za-z0-9._-]{1,63})$/);
  if (here) state.fixedPrinter = here[1];
  $("users-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    state.usersOffset = 0;
    loadUsers();
  });
  $("users-prev").addEventListener("click", () => {
    state.usersOffset = Math.max(0, state.usersOffset - USERS_PAGE);
    loadUsers();
  });
  $("users-next").addEventListener("click", () => {
    state.usersOffset += USERS_PAGE;
    loadUsers();
  });
  $("report-form").addEventListener("submit", loadReport);
  $("authlog-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    state.authlogOffset = 0;
    loadAuthlog();
  });
  $("authlog-prev").addEventListener("click", () => {
    state.authlogOffset = Math.max(0, (state.authlogOffset || 0) - AUTHLOG_PAGE);
    loadAuthlog();
  });
  $("authlog-next").addEventListener("click", () => {
    state.authlogOffset = (state.authlogOffset || 0) + AUTHLOG_PAGE;
    loadAuthlog();
  });
  $("department-form").addEventListener("submit", addDepartment);
  $("project-form").addEventListener("submit", (ev) => changeProject(ev, { code: "project-code" }));
  $("project-allow-form").addEventListener("submit", (ev) =>
    changeProject(ev, { code: "project-allow-code", login: "project-allow-login" }));
  $("price-form").addEventListener("submit", setPrice);
  $("pin-form").addEventListener("submit", changePin);
  $("token-form").addEventListener("submit", addToken);
  $("token-copy").addEventListener("click", copyToken);
  $("close-form").addEventListener("submit", closePeriod);
  $("quota-form").addEventListener("submit", recordQuota);
  $("ledger-verify").addEventListener("click", verifyLedger);
  state.quotaRequest = newRequestId();
  $("report-by").addEventListener("change", updateDownloads);
  window.addEventListener("hashchange", () => {
    if (state.session) route();
  });
  const res = await api("GET", "/api/session");
  if (res.ok) {
    state.session = res.data;
    if (res.data.language) state.language = res.data.language;
  }
  await loadStrings();
  if (state.session) showLoggedIn();
  else showLoggedOut();
}

document.addEventListener("DOMContentLoaded", start);
