// The console's shell: navigation, the workspace switcher, hash routes, and the overview page.
import { api, control, session, isAvailable, V1 } from "./api.js";
import { h, fill, fields, errorBox, loading, pageHeader, link, notice } from "./dom.js";
import { eventsPage, eventPage } from "./events.js";
import { tracesPage } from "./traces.js";
import { tracePage } from "./trace.js";
import { comparePage } from "./compare.js";
import { judgesPage, judgePage, campaignsPage, campaignPage } from "./judges.js";
import { datasetsPage, datasetPage } from "./datasets.js";
import { pipelinesPage, pipelinePage, runsPage, runPage } from "./evaluations.js";
import { journalPage, faultsPage, leaveJournal } from "./control.js";
import { logsPage } from "./logs.js";
import { currentRoute, hashFor, withParams, go } from "./route.js";
import { ownCounts } from "./finder.js";

/** Sections in the navigation; `probe` names an API that may not be served by this build;
 * `under` is a page reached from another section, not listed itself. */
const SECTIONS = [
  { id: "overview", label: "Overview", list: overviewPage },
  { id: "events", label: "Events", list: eventsPage, item: eventPage },
  { id: "traces", label: "Traces", list: tracesPage, item: tracePage },
  { id: "compare", label: "Compare traces", list: (target) => comparePage(target), item: comparePage, under: "traces" },
  { id: "logs", label: "Logs", list: logsPage },
  { id: "judges", label: "Judges", list: judgesPage, item: judgePage },
  { id: "campaigns", label: "Campaigns", list: campaignsPage, item: campaignPage },
  { id: "datasets", label: "Datasets", list: datasetsPage, item: datasetPage },
  { id: "pipelines", label: "Pipelines", list: pipelinesPage, item: pipelinePage, probe: true },
  { id: "evaluations", label: "Evaluation runs", list: runsPage, item: runPage, probe: true },
  { id: "journal", label: "Journal", list: journalPage, group: "control" },
  { id: "faults", label: "Faults", list: faultsPage, group: "control" },
];

const view = document.getElementById("view");
const nav = document.getElementById("nav");
let renderCount = 0;

function buildNav() {
  const item = (s) => h("li", { id: `nav-${s.id}`, hidden: s.probe ? true : null }, h("a", { href: `#/${s.id}` }, s.label));
  fill(nav,
    h("ul", { class: "nav-list" }, SECTIONS.filter((s) => !s.group && !s.under).map(item)),
    h("p", { class: "nav-heading", id: "nav-control-h" }, "Control plane"),
    h("ul", { class: "nav-list", "aria-labelledby": "nav-control-h" }, SECTIONS.filter((s) => s.group).map(item)));
  refreshAvailability();
}

/** Shows the sections whose list route answers, hides those answering 404/405. */
async function refreshAvailability() {
  for (const s of SECTIONS.filter((x) => x.probe)) {
    const ok = await isAvailable(s.id);
    const li = document.getElementById(`nav-${s.id}`);
    if (li) li.hidden = !ok;
  }
}

function markCurrent(sectionID) {
  for (const a of nav.querySelectorAll("a")) {
    if (a.getAttribute("href") === `#/${sectionID}`) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

async function render() {
  const ticket = ++renderCount;
  leaveJournal();
  const { path, parts, params } = currentRoute();
  adoptToken(params, parts);
  const section = SECTIONS.find((s) => s.id === (parts[0] || "overview"));
  markCurrent(section ? section.under || section.id : "");
  document.body.classList.remove("nav-open");
  if (!section) {
    fill(view, pageHeader("Not found"), notice(`There is no page “${path}”.`), link("#/overview", "Go to the overview"));
    return focusTitle();
  }
  document.title = `${section.label} · Observability emulator`;
  if (section.probe && !(await isAvailable(section.id))) {
    if (ticket !== renderCount) return;
    fill(view, pageHeader(section.label), notice(`This emulator does not serve the ${section.label.toLowerCase()} API yet, so the section is hidden.`));
    return focusTitle();
  }
  if (ticket !== renderCount) return;
  const page = parts.length > 1 && section.item ? section.item(view, ...parts.slice(1), params) : section.list(view, params);
  await page;
  if (ticket === renderCount) focusTitle();
}

/** The token is part of the URL: a link with ?token= switches to that workspace; a URL without
 * one gets the current token written in (replacing the history entry, not adding one). */
function adoptToken(params, parts) {
  const token = params.get("token");
  if (token && token !== session.token) {
    session.use(token, session.adminToken);
    document.getElementById("token").value = session.token;
    document.dispatchEvent(new CustomEvent("token-changed"));
  } else if (!token && session.token) {
    params.set("token", session.token);
    history.replaceState(null, "", hashFor(parts.length ? parts : ["overview"], params));
  }
}

/** After navigation, focus goes to the page title (screen readers announce the new page); not on
 * the first page shown, so that Tab still starts at the skip link. */
function focusTitle() {
  if (renderCount === 1) return;
  const title = document.getElementById("page-title");
  if (title && !view.contains(document.activeElement)) title.focus({ preventScroll: true });
}

async function overviewPage(target) {
  const header = pageHeader("Overview", "A local emulator of Mistral's observability API. Everything here is read through that API with the token above, as an SDK would.");
  fill(target, header, loading());
  const [health, judges, own] = await Promise.all([
    control("GET", "/__emulator/health").catch((error) => ({ error })),
    api("GET", `${V1}/judges`, { query: { page_size: 1 } }).catch((error) => ({ error })),
    ownCounts().catch((error) => ({ error })),
  ]);
  const card = (title, value, href, text, id) => h("li", { class: "panel stat", id }, h("span", { class: "stat-value" }, String(value ?? "—")), h("span", { class: "stat-label" }, title), href ? link(href, text) : null);
  const ok = !health.error;
  fill(target, header,
    h("ul", { class: "stats", "aria-label": "Counts of this token's own data" },
      card("traces sent with this token", own.error ? null : own.traces, "#/traces?mine=1", "Find mine →", "own-traces"),
      card("spans sent with this token", own.error ? null : own.spans, "#/traces?view=spans&mine=1", "Search spans →", "own-spans"),
      card("judges in this workspace", judges.error ? null : judges.judges.count, "#/judges", "Open judges →", "own-judges")),
    ok ? h("p", { class: "muted shared-counts" }, `Shared by every workspace: ${health.fixture_events} seeded events, ${health.fixture_spans} seeded spans, ${health.fixture_logs} seeded log records (${health.events} events stored in all).`) : null,
    judges.error ? errorBox(judges.error, "The API refused this token") : null,
    h("section", { class: "panel" }, h("h2", {}, "Emulator"), ok ? fields([
      ["Version", health.version], ["Uptime", `${health.uptime_s} s`], ["Database", health.database], ["Search index", health.search_index],
      ["Task pace", health.task_pace], ["Workspace of this token", session.workspaceID || "learnt from the first listing"],
    ]) : errorBox(health.error, health.error.status === 401 ? "The control plane needs the admin token (--admin-token)" : "The emulator did not answer")),
    h("section", { class: "panel" }, h("h2", {}, "Point an SDK here"),
      h("pre", { class: "snippet" }, `from mistralai.client import Mistral  # mistralai 3.x (2.x: from mistralai import Mistral)\nclient = Mistral(api_key=${JSON.stringify(session.token)}, server_url=${JSON.stringify(location.origin)})`)));
}

function buildSwitcher() {
  const form = document.getElementById("workspace-form");
  const token = document.getElementById("token");
  const admin = document.getElementById("admin-token");
  const list = document.getElementById("recent-tokens");
  const showWorkspace = () => fill(document.getElementById("workspace-id"), session.workspaceID ? `workspace ${session.workspaceID.slice(0, 8)}` : "");
  const fillRecent = () => fill(list, session.recent().map((t) => h("option", { value: t })));
  token.value = session.token;
  admin.value = session.adminToken;
  fillRecent();
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!token.value.trim()) { token.setAttribute("aria-invalid", "true"); token.focus(); return; }
    token.removeAttribute("aria-invalid");
    session.use(token.value, admin.value);
    onTokenChanged();
    go(withParams({ token: session.token }));
  });
  const onTokenChanged = () => {
    fillRecent();
    showWorkspace();
    buildNav();
    api("GET", `${V1}/judges`, { query: { page_size: 1 } }).catch(() => {});
  };
  document.addEventListener("token-changed", onTokenChanged);
  document.addEventListener("workspace-known", showWorkspace);
  document.getElementById("menu-toggle").addEventListener("click", (e) => {
    const open = document.body.classList.toggle("nav-open");
    e.currentTarget.setAttribute("aria-expanded", String(open));
  });
}

/** Light or dark: the system's preference unless the toggle chose one (kept in localStorage). */
function buildThemeToggle() {
  const KEY = "obs-console.theme";
  const button = document.getElementById("theme-toggle");
  const system = window.matchMedia("(prefers-color-scheme: dark)");
  const chosen = () => { try { return localStorage.getItem(KEY); } catch { return null; } };
  const apply = () => {
    const theme = chosen() || (system.matches ? "dark" : "light");
    document.documentElement.dataset.theme = theme;
    button.setAttribute("aria-pressed", String(theme === "dark"));
    button.title = theme === "dark" ? "Dark mode (click for light)" : "Light mode (click for dark)";
  };
  button.addEventListener("click", () => {
    const next = document.documentElement.dataset.theme === "dark" ? "light" : "dark";
    try { localStorage.setItem(KEY, next); } catch { /* private mode */ }
    apply();
  });
  system.addEventListener("change", apply);
  apply();
}

buildThemeToggle();
buildSwitcher();
buildNav();
api("GET", `${V1}/judges`, { query: { page_size: 1 } }).catch(() => {});
window.addEventListener("hashchange", render);
if (!location.hash) history.replaceState(null, "", hashFor(["overview"], { token: session.token }));
render();
