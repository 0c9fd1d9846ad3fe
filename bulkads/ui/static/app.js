// bulkads ui: a little plain JavaScript. Text from sheets and servers goes in with
// textContent, never innerHTML.
"use strict";

const $ = (id) => document.getElementById(id);
const page = { sheet: null, live: null, job: null };
const LONG = 120; // characters of a cell shown in the table; the rest in its tooltip

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

function show(id, visible) {
  $(id).hidden = !visible;
}

async function api(path, options = {}) {
  const init = { credentials: "same-origin", ...options };
  if (options.json !== undefined) {
    init.method = "POST";
    init.headers = { "Content-Type": "application/json" };
    init.body = JSON.stringify(options.json);
  }
  const response = await fetch(path, init);
  let body = null;
  try {
    body = await response.json();
  } catch (_) {
    body = { error: `${response.status} ${response.statusText}` };
  }
  if (!response.ok) throw new Error((body && body.error) || `${response.status}`);
  return body;
}

function busy(text) {
  $("busy").textContent = text || "";
}

function problem(text) {
  $("sheet-error").textContent = text || "";
  show("sheet-error", Boolean(text));
}

function target() {
  return document.querySelector("input[name=target]:checked").value;
}

// --- 1. choose a sheet --------------------------------------------------------------

async function upload(file) {
  problem("");
  busy(`Reading ${file.name}…`);
  const form = new FormData();
  form.append("sheet", file, file.name);
  try {
    const view = await api("/api/upload", { method: "POST", body: form });
    await refreshSheets(view.sheet);
    showCheck(view);
  } catch (error) {
    problem(error.message);
  } finally {
    busy("");
  }
}

async function check(name) {
  problem("");
  busy(`Checking ${name}…`);
  try {
    showCheck(await api("/api/check", { json: { sheet: name } }));
  } catch (error) {
    problem(error.message);
  } finally {
    busy("");
  }
}

async function refreshSheets(selected) {
  const state = await api("/api/state");
  $("folder").textContent = state.folder;
  page.live = state.live;
  const select = $("picked");
  clear(select);
  for (const name of state.sheets) {
    const option = el("option", name);
    option.value = name;
    if (name === selected) option.selected = true;
    select.appendChild(option);
  }
  if (!state.sheets.length) select.appendChild(el("option", "(no sheet yet)"));
  $("live-url").textContent = state.live.base_url;
  $("live-radio").disabled = !state.live.has_key;
  show("live-nokey", !state.live.has_key);
  return state;
}

function setupDrop() {
  const drop = $("drop");
  const file = $("file");
  drop.addEventListener("click", () => file.click());
  drop.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      file.click();
    }
  });
  drop.addEventListener("dragover", (event) => {
    event.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    const files = event.dataTransfer && event.dataTransfer.files;
    if (files && files.length) upload(files[0]);
  });
  file.addEventListener("change", () => {
    if (file.files.length) upload(file.files[0]);
    file.value = "";
  });
  $("pick").addEventListener("submit", (event) => {
    event.preventDefault();
    const name = $("picked").value;
    if (name && name !== "(no sheet yet)") check(name);
  });
}

// --- 2. check -----------------------------------------------------------------------

function counts(node, values, extra) {
  clear(node);
  const labels = { valid: "valid", invalid: "invalid", created: "created", rejected: "rejected", pending: "pending" };
  for (const [status, label] of Object.entries(labels)) {
    if (values[status]) node.appendChild(el("span", `${values[status]} ${label}`, `count ${status}`));
  }
  if (extra) node.appendChild(extra);
}

function showCheck(view) {
  page.sheet = view.sheet;
  $("check-name").textContent = view.sheet + (view.worksheet ? ` (sheet “${view.worksheet}”)` : "");
  const warned = view.warned ? el("span", `${view.warned} with warnings`, "count warned") : null;
  counts($("check-counts"), view.counts, warned);
  const warnings = $("check-warnings");
  clear(warnings);
  for (const text of view.warnings) warnings.appendChild(el("li", text));
  const earlier = view.earlier;
  show("earlier", Boolean(earlier));
  if (earlier) {
    $("earlier-counts").textContent = Object.entries(earlier.counts).map(([s, n]) => `${n} ${s}`).join(", ");
    const link = $("earlier-download");
    link.href = `/api/results?sheet=${encodeURIComponent(view.sheet)}&target=live`;
    link.setAttribute("download", earlier.results);
  }
  renderRows(view);
  $("check-more").textContent =
    view.rows.length < view.total
      ? `Showing ${view.rows.length} of ${view.total} rows (those that need you first); the results workbook has them all.`
      : `${view.total} rows.`;
  show("check-view", true);
  show("plan-view", Boolean(view.counts.valid));
  show("plan", false);
  $("check-view").scrollIntoView({ block: "start" });
}

function renderRows(view) {
  const table = $("rows");
  const head = table.tHead;
  const body = table.tBodies[0];
  clear(head);
  clear(body);
  const header = el("tr");
  for (const title of ["Row", "Status", "Message"]) {
    const th = el("th", title);
    th.scope = "col";
    header.appendChild(th);
  }
  for (const column of view.columns) {
    const th = el("th", column.header);
    th.scope = "col";
    if (column.letter) th.appendChild(el("span", column.letter, "letter"));
    if (column.role === "unknown") th.title = "not an argument: kept in the results, never sent";
    header.appendChild(th);
  }
  head.appendChild(header);
  const fragment = document.createDocumentFragment();
  for (const row of view.rows) {
    const tr = el("tr");
    tr.dataset.row = row.number;
    tr.dataset.problem = String(row.status !== "valid" || Object.keys(row.notes).length > 0);
    tr.appendChild(el("td", row.number, "num"));
    tr.appendChild(el("td", row.status, `status ${row.status}`));
    const message = el("td", row.message, "message");
    if (row.sent_as) message.appendChild(el("span", `sent as: ${row.sent_as}`, "sent-as"));
    tr.appendChild(message);
    row.cells.forEach((value, index) => {
      const td = el("td", value.length > LONG ? value.slice(0, LONG) : value);
      if (value.length > LONG) {
        td.appendChild(el("span", "…", "more"));
        td.title = value;
      }
      const note = row.notes[String(index)];
      if (note) {
        td.classList.add(note.level);
        td.dataset.column = view.columns[index] ? view.columns[index].name : "";
        const text = note.messages.join("\n");
        td.title = text;
        td.appendChild(el("span", text, "note"));
      }
      tr.appendChild(td);
    });
    fragment.appendChild(tr);
  }
  body.appendChild(fragment);
  filterRows();
}

function filterRows() {
  const only = $("only-problems").checked;
  for (const tr of $("rows").tBodies[0].rows) {
    tr.classList.toggle("hidden", only && tr.dataset.problem !== "true");
  }
}

// --- 3. plan ------------------------------------------------------------------------

function banner(node, kind, text) {
  clear(node);
  node.className = `banner ${kind}`;
  node.appendChild(el("strong", kind === "live" ? "LIVE" : "REHEARSAL"));
  node.appendChild(document.createTextNode(text));
}

async function makePlan() {
  problem("");
  const kind = target();
  $("plan-button").disabled = true;
  busy("Asking the free tools for the quota and the advertisers…");
  try {
    showPlan(await api("/api/plan", { json: { sheet: page.sheet, target: kind } }));
  } catch (error) {
    show("plan", false);
    problem(error.message);
    $("sheet-error").scrollIntoView({ block: "center" });
  } finally {
    busy("");
    $("plan-button").disabled = false;
  }
}

function showPlan(plan) {
  page.plan = plan;
  document.body.classList.toggle("live", plan.kind === "live");
  banner($("plan-banner"), plan.kind, ` ${plan.target}`);
  $("plan-rows").textContent = plan.rows_to_send;
  $("plan-calls").textContent = plan.calls;
  $("plan-quota").textContent = plan.quota
    ? `${plan.quota.left} of ${plan.quota.limit}${plan.quota.tier ? ` (${plan.quota.tier})` : ""}`
    : "unknown";
  $("plan-advertisers").textContent = plan.advertisers.length
    ? plan.advertisers.map((a) => (a.name ? `${a.name} (${a.id})` : a.id)).join(", ")
    : "unknown";
  const list = $("plan-short-list");
  clear(list);
  for (const row of plan.cannot_afford) list.appendChild(el("li", `Row ${row.number}: ${row.message}`));
  show("plan-short", plan.cannot_afford.length > 0);
  const notes = $("plan-notes");
  clear(notes);
  for (const text of plan.notes) notes.appendChild(el("li", text));
  const live = plan.kind === "live";
  $("confirm").checked = false;
  $("confirm-text").textContent =
    `I want to create ${plan.rows_to_send} real campaign(s) (paused) and spend up to ${plan.calls} billable call(s).`;
  show("confirm-live", live);
  const button = $("launch-button");
  button.textContent = live
    ? `Launch for real: ${plan.rows_to_send} row(s), up to ${plan.calls} call(s)`
    : `Rehearse now: send ${plan.rows_to_send} row(s) to the sandbox`;
  button.disabled = live || plan.rows_to_send === 0;
  show("plan", true);
  $("plan").scrollIntoView({ block: "start" });
}

async function launch(sheet, kind) {
  problem("");
  try {
    showJob(await api("/api/launch", { json: { sheet, target: kind } }));
  } catch (error) {
    problem(error.message);
  }
}

// --- 4. watch, 5. results -----------------------------------------------------------

function duration(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

const STATES = {
  starting: "Reading the sheet and asking the free tools…",
  running: "Sending…",
  stopping: "Stopping: nothing more is sent; calls already on their way are left to resume.",
  finished: "Finished.",
  stopped: "Stopped. Launch again to resume: nothing is sent twice.",
  failed: "Could not run.",
};

function showJob(job) {
  page.job = job;
  if (!job) return;
  show("watch-view", true);
  if (job.sheet === page.sheet) show("earlier", false); // the launch below says more
  banner($("watch-banner"), job.kind, ` ${job.sheet} → ${job.target}`);
  const p = job.progress;
  if (p) {
    $("bar").max = Math.max(p.total, 1);
    $("bar").value = p.done;
    $("w-done").textContent = `${p.done} / ${p.total}`;
    const speed = $("w-speed");
    speed.textContent = p.rows_per_s === null ? "—" : `${p.rows_per_s.toFixed(2)} rows/s`;
    if (p.most_rows_per_s !== null) {
      speed.appendChild(el("small", `limit ${p.most_rows_per_s.toFixed(2)} rows/s (${p.rate} calls/s)`));
    }
    $("w-flight").textContent = p.in_flight === null ? "—" : p.in_flight;
    $("w-quota").textContent = p.quota_left === null ? "—" : p.quota_left;
    $("w-eta").textContent = job.state === "running" ? duration(p.eta_s) : "—";
    const recent = $("recent");
    clear(recent);
    for (const row of p.recent) recent.appendChild(el("li", `Row ${row.number}: ${row.status} — ${row.message}`));
  }
  let state = STATES[job.state] || job.state;
  if (job.error) state = `${state} ${job.error}`;
  $("watch-state").textContent = state;
  $("watch-state").dataset.state = job.state;
  const sending = job.state === "running" || job.state === "starting";
  $("stop-button").disabled = !sending;
  show("stop-box", sending || job.state === "stopping");
  if (job.outcome) showResults(job);
  else show("results-view", false);
}

function showResults(job) {
  const outcome = job.outcome;
  counts($("r-counts"), outcome.counts);
  $("r-halt").textContent = outcome.halt || "";
  show("r-halt", Boolean(outcome.halt));
  const record = outcome.record;
  show("r-record", Boolean(record));
  if (record) {
    const quota = record.quota_left === null ? "unknown" : record.quota_left;
    $("r-record").textContent =
      `This launch spent ${record.calls_spent} billable call(s); quota left: ${quota}.` +
      (record.target ? ` Target: ${record.target}.` : "");
  }
  const link = $("download");
  link.href = `/api/results?sheet=${encodeURIComponent(job.sheet)}&target=${job.kind}`;
  link.setAttribute("download", job.results);
  link.textContent = `Download ${job.results}`;
  show("resume-button", outcome.pending > 0);
  fillTable($("fix-table"), outcome.to_fix.map((r) => [r.number, r.status, r.message]), 1);
  show("r-fix", outcome.to_fix.length > 0);
  fillTable($("created-table"), outcome.created.map((r) => [r.number, r.campaign_name, r.campaign_id]));
  show("r-created", outcome.created.length > 0);
  show("results-view", true);
}

function fillTable(table, rows, statusColumn) {
  const body = table.tBodies[0];
  clear(body);
  for (const cells of rows) {
    const tr = el("tr");
    cells.forEach((value, index) => {
      tr.appendChild(el("td", value, index === statusColumn ? `status ${value}` : undefined));
    });
    body.appendChild(tr);
  }
}

function listen() {
  const events = new EventSource("/api/events");
  events.onmessage = (event) => {
    const job = JSON.parse(event.data);
    const was = page.job ? page.job.state : null;
    showJob(job);
    if (job && job.outcome && was && was !== job.state) refreshSheets(page.sheet);
  };
}

async function start() {
  setupDrop();
  $("only-problems").addEventListener("change", filterRows);
  $("plan-button").addEventListener("click", makePlan);
  for (const radio of document.querySelectorAll("input[name=target]")) {
    radio.addEventListener("change", () => {
      show("plan", false);
      document.body.classList.toggle("live", target() === "live");
    });
  }
  $("confirm").addEventListener("change", () => {
    $("launch-button").disabled = !$("confirm").checked || page.plan.rows_to_send === 0;
  });
  $("launch-button").addEventListener("click", () => launch(page.sheet, page.plan.kind));
  $("resume-button").addEventListener("click", () => launch(page.job.sheet, page.job.kind));
  $("stop-button").addEventListener("click", async () => {
    $("stop-button").disabled = true;
    try {
      showJob(await api("/api/stop", { json: {} }));
    } catch (error) {
      problem(error.message);
    }
  });
  try {
    const state = await refreshSheets(null);
    if (state.job) {
      page.sheet = state.job.sheet;
      showJob(state.job);
    }
  } catch (error) {
    problem(error.message);
  }
  listen();
}

document.addEventListener("DOMContentLoaded", start);
