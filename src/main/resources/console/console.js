// The ops console: a page over Caseflow's own HTTP API, nothing more. It holds the signed-in
// user's bearer token in sessionStorage, asks the API as that user, and shows refusals by the
// problem document's code. No framework and no build step: the README's two commands stay all
// there is to run.
"use strict";

const TOKEN = "caseflow.token";
const $ = (selector) => document.querySelector(selector);

/** A refusal or failure of the API, named by its problem code. */
class Problem extends Error {
  constructor(status, body) {
    super(body.detail || body.title || "HTTP " + status);
    this.status = status;
    this.code = body.code || "http_" + status;
  }
}

const api = {
  token: () => sessionStorage.getItem(TOKEN),

  async call(method, path, { body, headers = {} } = {}) {
    const request = { method, headers: { Authorization: "Bearer " + api.token(), ...headers } };
    if (body !== undefined) {
      request.headers["Content-Type"] = "application/json";
      request.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, request);
    } catch (failure) {
      throw new Problem(0, { code: "unreachable", detail: "The service did not answer." });
    }
    const text = await response.text();
    const json = text ? JSON.parse(text) : null;
    if (!response.ok) {
      throw new Problem(response.status, json || {});
    }
    return { json, headers: response.headers };
  },

  get: (path) => api.call("GET", path).then((answer) => answer.json),
};

// ---- what the page shows ----

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value);
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

function rows(table, items, cells) {
  const body = $(table + " tbody");
  body.replaceChildren(
    ...items.map((item) => element("tr", {}, ...cells(item).map((cell) =>
      cell instanceof Node ? element("td", {}, cell) : element("td", { text: cell ?? "" })))));
  if (items.length === 0) {
    const columns = $(table + " thead tr").children.length;
    body.append(element("tr", {}, element("td", { colspan: columns, class: "muted", text: "None" })));
  }
}

const when = (instant) => (instant ? new Date(instant).toLocaleString() : "");

function showProblem(failure) {
  const box = $("#problem");
  if (!failure) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  const code = failure.code || "error";
  box.replaceChildren(element("code", { "data-testid": "problem-code", text: code }), " — " + failure.message);
  box.hidden = false;
}

/** Runs one user-visible step; a failure is shown by its code, never as a blank page. */
async function attempt(step) {
  try {
    showProblem(null);
    await step();
  } catch (failure) {
    if (failure.status === 401) {
      signOut();
    }
    showProblem(failure);
  }
}

// ---- signing in ----

let me = null;
let workflows = [];

async function signIn(token) {
  sessionStorage.setItem(TOKEN, token.trim());
  try {
    me = await api.get("/me");
    workflows = await api.get("/workflows");
  } catch (failure) {
    sessionStorage.removeItem(TOKEN);
    me = null;
    throw failure;
  }
  $("#principal").textContent = me.user + " @ " + me.tenant + " (" + me.roles.join(", ") + ")";
  for (const link of document.querySelectorAll("#nav [data-role]")) {
    link.hidden = !me.roles.includes(link.dataset.role);
  }
  $("#nav").hidden = false;
  $("#whoami").hidden = false;
}

function signOut() {
  sessionStorage.removeItem(TOKEN);
  me = null;
  $("#nav").hidden = true;
  $("#whoami").hidden = true;
  location.hash = "#/sign-in";
  route();
}

// ---- views ----

const views = ["sign-in", "inbox-view", "cases-view", "case-view", "operations-view", "administration-view"];
let leaving = () => {};

function show(view, section) {
  leaving();
  leaving = () => {};
  for (const id of views) $("#" + id).hidden = id !== view;
  for (const link of document.querySelectorAll("#nav a")) {
    link.toggleAttribute("aria-current", link.dataset.section === section);
    if (link.dataset.section === section) link.setAttribute("aria-current", "page");
  }
  const title = $("#" + view + " h2");
  if (title) title.focus();
}

let casesCursor = null;

async function showCases() {
  show("cases-view", "cases");
  const stats = await api.get("/stats");
  const most = Math.max(1, ...stats.items.map((item) => item.cases));
  $("#stats-chart").replaceChildren(...stats.items.map((item) => {
    // Set through the CSSOM: the page's Content-Security-Policy refuses style attributes.
    const fill = element("span", { class: "fill" });
    fill.style.width = (100 * item.cases / most) + "%";
    return element("div", { class: "bar" },
      element("span", { text: item.workflow + " · " + item.state }),
      fill,
      element("span", { class: "number", text: String(item.cases) }));
  }));
  rows("#stats-table", stats.items, (item) => [item.workflow, item.state, String(item.cases)]);
  casesCursor = null;
  await listCases(false);
}

async function listCases(more) {
  const filter = new URLSearchParams();
  for (const [name, value] of new FormData($("#filter-form"))) {
    if (value) filter.set(name, value);
  }
  filter.set("limit", "20");
  if (more && casesCursor) filter.set("cursor", casesCursor);
  const page = await api.get("/cases?" + filter);
  const items = page.items.map((item) => [
    element("a", { href: "#/cases/" + encodeURIComponent(item.id), text: item.id }),
    item.title, item.workflow, item.state, item.assignee, when(item.updatedAt)]);
  if (more) {
    const body = $("#case-list tbody");
    for (const cells of items) body.append(element("tr", {}, ...cells.map((cell) =>
      cell instanceof Node ? element("td", {}, cell) : element("td", { text: cell ?? "" }))));
  } else {
    rows("#case-list", items, (cells) => cells);
  }
  casesCursor = page.nextCursor;
  $("#next-page").hidden = !casesCursor;
}

let inboxCursor = null;

async function showInbox() {
  show("inbox-view", "inbox");
  inboxCursor = null;
  await listInbox(false);
}

async function listInbox(more) {
  const query = new URLSearchParams({ limit: "20" });
  if ($("#inbox-mine").checked) query.set("assignee", "me");
  if (more && inboxCursor) query.set("cursor", inboxCursor);
  const page = await api.get("/inbox?" + query);
  const cells = (item) => [
    element("a", { href: "#/cases/" + encodeURIComponent(item.id), text: item.id }),
    item.title, item.state, item.assignee, item.actions.map((a) => a.replaceAll("_", " ")).join(", "),
    when(item.updatedAt)];
  if (more) {
    const body = $("#inbox-list tbody");
    for (const item of page.items) body.append(element("tr", {}, ...cells(item).map((cell) =>
      cell instanceof Node ? element("td", {}, cell) : element("td", { text: cell ?? "" }))));
  } else {
    rows("#inbox-list", page.items, cells);
  }
  inboxCursor = page.nextCursor;
  $("#inbox-next").hidden = !inboxCursor;
}

function workflowOf(view) {
  return workflows.find((w) => w.name === view.workflow && w.version === view.workflowVersion);
}

/**
 * Whether the user can take the action from the page: it is allowed now, or allowed once the user
 * gives the data or comment it asks for (the page has a field for each). Every other verdict is a
 * refusal, listed with its code. One rule for both lists, so no action is in both or in neither.
 */
const takeable = (verdict) => verdict.allowed || verdict.code === "missing_field";

async function showCase(id) {
  show("case-view", "cases");
  const path = "/cases/" + encodeURIComponent(id);
  // The version the buttons were judged at: an action is sent with it as If-Match.
  let version = 0;
  let left = false;
  let stopFollowing = () => {};
  leaving = () => {
    left = true;
    stopFollowing();
  };

  /**
   * Reads the case and renders all of it from answers asked for together. Loads run one at a time
   * and a request arriving while one runs queues one more (later requests join it), so an older
   * answer never lands over a newer one and each caller sees a load that began after it asked.
   */
  let running = Promise.resolve();
  let queued = null;
  function refresh() {
    if (!queued) {
      queued = running.then(() => {
        queued = null;
        return load();
      });
      running = queued.catch(() => {});
    }
    return queued;
  }

  async function load() {
    for (let reads = 1; !left; reads++) {
      const answers = await Promise.all([
        api.get(path), api.get(path + "/history"), api.get(path + "/history/verify"), api.get(path + "/explain")]);
      // The page moved on to another view or case while the answers were on their way.
      if (left) return;
      // An event landed between the answers (the case is busy): read again, a few times at most.
      const [view, , , explanation] = answers;
      if (view.version === explanation.version || reads === 3) {
        render(...answers);
        return;
      }
    }
  }

  function render(view, history, verification, explanation) {
    version = explanation.version;
    $("#case-title").textContent = view.title + " (" + view.id + ")";
    $("#case-facts").replaceChildren(
      ...[["State", view.state], ["Version", String(view.version)], ["Workflow", view.workflow + " v" + view.workflowVersion],
        ["Subject", view.subject], ["Assignee", view.assignee || "—"], ["Data", JSON.stringify(view.data)],
        ["Merged into", view.mergedInto || "—"]]
        .flatMap(([term, value]) => [element("dt", { text: term }), element("dd", { "data-fact": term, text: value })]));
    renderActions(view, explanation);
    renderExplanation(explanation);
    $("#timeline").replaceChildren(...history.map(entry));
    const chain = $("#chain-status");
    const signed = verification.checkpoint
      ? "; head " + verification.checkpoint.seq + " signed in checkpoint " + verification.checkpoint.number
      : "";
    chain.textContent = verification.valid
      ? "verified (" + verification.events + " events)" + signed
      : "broken at event " + verification.firstBrokenSeq + " (" + verification.reason + ")";
    chain.className = verification.valid ? "verified" : "broken";
  }

  /**
   * A button for each action the case itself allows the user now (GET /cases/{id}/explain), or
   * allows once the user gives the data or comment it asks for, which the button names.
   */
  function renderActions(view, explanation) {
    const workflow = workflowOf(view);
    const verdicts = new Map(explanation.actions.filter(takeable).map((verdict) => [verdict.action, verdict]));
    const possible = (workflow ? workflow.actions : []).filter((action) => verdicts.has(action.name));
    const fields = new Set(possible.flatMap((action) => action.requires));
    $("#action-fields").replaceChildren(...[...fields].map((name) => field(workflow.fields[name], name)));
    $("#action-buttons").replaceChildren(...possible.map((action) => {
      const needs = verdicts.get(action.name).allowed ? null : verdicts.get(action.name).args.field;
      return element("button", { type: "button", class: "primary", "data-action": action.name,
        onclick: () => attempt(() => perform(action)) }, action.name.replaceAll("_", " "),
        needs ? element("span", { class: "needs", text: " · needs " + needs }) : null);
    }));
    if (possible.length === 0) {
      $("#action-buttons").append(element("p", { class: "muted", text: "None for you in state " + view.state + "." }));
    }
  }

  function renderExplanation(explanation) {
    const arrived = explanation.arrived;
    $("#arrived").textContent = arrived
      ? "In " + explanation.state + " since event #" + arrived.seq + ": " + (arrived.action || arrived.type).replaceAll("_", " ")
        + " by " + arrived.actor + " on " + when(arrived.at)
        + (arrived.rule ? " (rule: " + arrived.rule.action + " from " + arrived.rule.from.join(" or ") + " to "
          + arrived.rule.to + " for " + (arrived.rule.roles.join(", ") || "the system") + ", "
          + arrived.rule.workflow + " v" + arrived.rule.workflowVersion + ")" : "")
      : "In " + explanation.state + ".";
    $("#deadlines").replaceChildren(...(explanation.deadlines.length
      ? explanation.deadlines.map((deadline) => element("li", { "data-deadline": deadline.deadline,
        text: "Deadline: " + deadline.action.replaceAll("_", " ") + " by the system on " + when(deadline.dueAt) }))
      : [element("li", { class: "muted", text: "No deadline runs here." })]));
    const refused = explanation.actions.filter((verdict) => !takeable(verdict));
    $("#refused-actions").replaceChildren(...(refused.length ? refused.map((verdict) =>
      element("li", { "data-refused": verdict.action },
        element("strong", { text: verdict.action.replaceAll("_", " ") }), " — ",
        element("code", { text: verdict.code }),
        // the case and the action are on screen already
        ...Object.entries(verdict.args || {}).filter(([name]) => name !== "caseId" && name !== "action")
          .map(([name, value], index) => (index ? ", " : " ") + name + "=" + value)))
      : [element("li", { class: "muted", text: "Nothing: every action is yours to take." })]));
  }

  async function perform(action) {
    const data = {};
    for (const name of action.requires) {
      const input = document.getElementById("field-" + name);
      if (input && input.value !== "") data[name] = input.type === "checkbox" ? input.checked : input.value;
    }
    const comment = $("#action-comment").value;
    await api.call("POST", path + "/actions/" + encodeURIComponent(action.name), {
      body: { comment: comment || null, data },
      headers: { "If-Match": '"' + version + '"' },
    });
    $("#action-comment").value = "";
    await refresh();
  }

  await refresh();
  if (!left) stopFollowing = follow(path + "/events", () => String(version), () => attempt(refresh));
}

function field(spec, name) {
  const id = "field-" + name;
  if (spec && spec.type === "enum") {
    return element("label", { for: id, text: name },
      element("select", { id }, element("option", { value: "", text: "—" }),
        ...spec.values.map((value) => element("option", { value, text: value }))));
  }
  if (spec && spec.type === "boolean") {
    return element("label", { for: id, text: name }, element("input", { id, type: "checkbox" }));
  }
  return element("label", { for: id, text: name }, element("input", { id, type: spec && spec.type === "number" ? "number" : "text" }));
}

function entry(event) {
  const what = event.action
    ? event.action.replaceAll("_", " ") + (event.from && event.to && event.from !== event.to ? " (" + event.from + " → " + event.to + ")" : "")
    : event.type.replaceAll("_", " ");
  return element("li", { "data-seq": String(event.seq), "data-type": event.type },
    element("div", {}, element("strong", { text: "#" + event.seq + " " + what }), " by " + event.actor),
    element("div", { class: "when", text: when(event.at) }),
    event.comment ? element("div", { text: "“" + event.comment + "”" }) : null,
    event.assignee ? element("div", { text: "assigned to " + event.assignee }) : null,
    event.data && Object.keys(event.data).length ? element("div", { class: "muted", text: JSON.stringify(event.data) }) : null,
    element("div", { class: "hash", text: "hash " + event.hash }));
}

/**
 * Follows a live stream from {@code position()} on (its Last-Event-ID, asked again at each
 * reconnection). EventSource cannot send an Authorization header, so the stream is read with
 * fetch; each event calls onEvent. Answers the function that stops it.
 */
function follow(path, position, onEvent) {
  const stop = new AbortController();
  const status = $("#live-status");
  (async () => {
    while (!stop.signal.aborted) {
      try {
        const headers = { Authorization: "Bearer " + api.token(), "Last-Event-ID": position() };
        const response = await fetch(path, { headers, signal: stop.signal });
        if (!response.ok) throw new Problem(response.status, await response.json());
        status.textContent = "· live";
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (frame.split("\n").some((line) => line.startsWith("data:"))) onEvent();
          }
        }
      } catch (failure) {
        if (stop.signal.aborted) return;
        status.textContent = "· reconnecting";
      }
      await new Promise((resume) => setTimeout(resume, 1000));
    }
  })();
  return () => { stop.abort(); status.textContent = ""; };
}

async function showOperations() {
  show("operations-view", "operations");
  const [readSide, sagas] = await Promise.all([api.get("/admin/read-side"), api.get("/admin/sagas")]);
  rows("#lag-table", readSide.projections, (lag) => [lag.tag, String(lag.offset), String(lag.eventsBehind), lag.secondsBehind.toFixed(2)]);
  $("#rebuild-phase").textContent = readSide.rebuild.phase;
  $("#rebuild-pending").textContent = readSide.rebuild.eventsPending + " events pending" + (readSide.rebuild.error ? " · " + readSide.rebuild.error : "");
  rows("#read-dead-letters", readSide.deadLetters, (letter) => [letter.persistenceId + "#" + letter.seq, String(letter.attempts), letter.skipped ? "yes" : "no", letter.error]);
  rows("#saga-table", sagas, (saga) => [saga.sagaId, saga.tenant, saga.status, saga.summary, when(saga.updatedAt), saga.stuck ? "stuck" : ""]);
  const timer = setInterval(() => attempt(async () => {
    const status = await api.get("/admin/read-side");
    $("#rebuild-phase").textContent = status.rebuild.phase;
    $("#rebuild-pending").textContent = status.rebuild.eventsPending + " events pending";
    rows("#lag-table", status.projections, (lag) => [lag.tag, String(lag.offset), String(lag.eventsBehind), lag.secondsBehind.toFixed(2)]);
  }), 2000);
  leaving = () => clearInterval(timer);
}

async function showAdministration() {
  show("administration-view", "administration");
  const [hooks, dead, refusals] = await Promise.all([
    api.get("/webhooks"), api.get("/webhooks/dead-letters"), api.get("/refusals?limit=50")]);
  rows("#webhook-table", hooks, (hook) => [hook.url, hook.events.join(", ") || "every event", when(hook.createdAt), hook.createdBy]);
  rows("#webhook-dead-letters", dead, (delivery) => [delivery.eventId, String(delivery.attempts), delivery.lastError,
    element("button", { type: "button", onclick: () => attempt(async () => {
      await api.call("POST", "/webhooks/dead-letters/" + delivery.id + "/redrive");
      await showAdministration();
    }) }, "Re-drive")]);
  rows("#refusal-table", refusals.items, (refusal) => [when(refusal.at), refusal.actor, refusal.method + " " + refusal.route,
    refusal.caseId, refusal.code, String(refusal.repeats)]);
}

// ---- navigation ----

/** Shows the view of {@code hash}: a new hash shows it through hashchange. */
async function go(hash) {
  if (location.hash === hash) await route();
  else location.hash = hash;
}

async function route() {
  const hash = location.hash || "#/cases";
  if (!api.token()) {
    show("sign-in", null);
    return;
  }
  if (!me) {
    await attempt(() => signIn(api.token()));
    if (!me) return;
  }
  const open = hash.match(/^#\/cases\/(.+)$/);
  await attempt(async () => {
    if (open) await showCase(decodeURIComponent(open[1]));
    else if (hash === "#/inbox") await showInbox();
    else if (hash === "#/operations") await showOperations();
    else if (hash === "#/administration") await showAdministration();
    else await showCases();
  });
}

document.addEventListener("DOMContentLoaded", () => {
  $("#token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    attempt(async () => {
      await signIn($("#token").value);
      $("#token").value = "";
      await go("#/cases");
    });
  });
  for (const button of document.querySelectorAll("[data-demo]")) {
    button.addEventListener("click", () => attempt(async () => {
      await signIn("demo-" + button.dataset.demo);
      await go("#/cases");
    }));
  }
  $("#sign-out").addEventListener("click", signOut);
  $("#filter-form").addEventListener("submit", (event) => {
    event.preventDefault();
    attempt(() => listCases(false));
  });
  $("#next-page").addEventListener("click", () => attempt(() => listCases(true)));
  $("#inbox-mine").addEventListener("change", () => attempt(() => listInbox(false)));
  $("#inbox-next").addEventListener("click", () => attempt(() => listInbox(true)));
  $("#rebuild").addEventListener("click", () => attempt(async () => {
    const status = (await api.call("POST", "/admin/read-side/rebuild")).json;
    $("#rebuild-phase").textContent = status.phase;
  }));
  window.addEventListener("hashchange", route);
  route();
});
