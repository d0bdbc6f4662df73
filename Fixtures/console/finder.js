// "Find mine": the filters shared by the trace, span and log lists (service, name, model,
// status, time range, this workspace only, the SDK's own calls hidden), kept in the URL and
// turned into one search expression plus the API's from/to window.
import { api, session, V1 } from "./api.js";
import { h, control, select } from "./dom.js";
import { withParams, go } from "./route.js";

/** The token the binary prints and the console starts with: its workspace is the demo, so
 * seeded rows are shown by default; with any other token the list starts with the token's own. */
export const DEMO_TOKEN = "test";

export const PRESETS = [["15m", "Last 15 min", 15 * 60e3], ["1h", "Last hour", 3600e3], ["24h", "Last 24 h", 86400e3],
  ["7d", "Last 7 days", 7 * 86400e3], ["all", "All time", null], ["custom", "From / to…", null]];

/** A token nobody uses: what its workspace sees is exactly the seeded fixtures (shared by every
 * workspace, returned under the caller's workspace_id, so no row field tells them apart). */
const PROBE_TOKEN = "obs-console-seeded-fixtures";
let seeded = null;

/** The trace ids of the seeded telemetry (the same in every workspace), read once. */
export function seededTraceIDs() {
  if (!seeded) {
    seeded = (async () => {
      const ids = [];
      let cursor = null;
      do {
        const data = await api("POST", `${V1}/traces/search`, { query: { page_size: 100, cursor }, body: { search_expression: null }, token: PROBE_TOKEN });
        ids.push(...data.traces.results.map((t) => t.trace_id));
        cursor = data.traces.cursor;
      } while (cursor && ids.length < 5000);
      return ids;
    })();
    seeded.catch(() => { seeded = null; });
  }
  return seeded;
}

export const quote = (text) => `'${String(text).replace(/'/g, "''")}'`;

/** The SDK's telemetry names a span after the operation id and sets http.url; its calls to this
 * API are the ones under /v1/observability/. */
export const SDK_OWN_CALLS = "span_attributes['http.url'] LIKE '%/v1/observability/%'";

/** What each list calls the filtered columns. */
const COLUMNS = {
  traces: { name: (v) => `root_span_name ILIKE ${quote(`%${v}%`)}`, model: (v) => `models_used CONTAINS ${quote(v)}`, status: "status_code", sdk: true },
  spans: { name: (v) => `(span_name ILIKE ${quote(`%${v}%`)} OR operation_name = ${quote(v)})`, model: (v) => `(request_model = ${quote(v)} OR response_model = ${quote(v)})`, status: "status_code", sdk: true },
  logs: { name: (v) => `(body ILIKE ${quote(`%${v}%`)} OR event_name = ${quote(v)})`, status: "severity_text", sdk: false },
};

/** The filters as the URL holds them, with their defaults. */
export function filtersOf(params) {
  return {
    q: params.get("q") ?? "",
    service: params.get("service") ?? "",
    name: params.get("name") ?? "",
    model: params.get("model") ?? "",
    status: params.get("status") ?? "",
    range: params.get("range") ?? (params.get("from") || params.get("to") ? "custom" : "all"),
    from: params.get("from") ?? "",
    to: params.get("to") ?? "",
    mine: (params.get("mine") ?? (session.token === DEMO_TOKEN ? "0" : "1")) === "1",
    sdk: params.get("sdk") === "1",
  };
}

/** The API's from/to for the filters' time range (RFC 3339, or null). */
export function timeWindow(f, now = Date.now()) {
  const preset = PRESETS.find(([id]) => id === f.range);
  if (preset && preset[2]) return { from: new Date(now - preset[2]).toISOString(), to: null };
  if (f.range === "custom") return { from: f.from ? new Date(f.from).toISOString() : null, to: f.to ? new Date(f.to).toISOString() : null };
  return { from: null, to: null };
}

/**
 * The search expression for a list: the typed expression first, as typed (wrapped in "(" and
 * "\n)" so a trailing comment cannot swallow the rest; `offset` is how far the typed text was
 * moved, for errors that name a column), then one condition per filter.
 */
export async function expressionFor(kind, f) {
  const columns = COLUMNS[kind];
  const extra = [];
  if (f.service) extra.push(`service_name = ${quote(f.service)}`);
  if (f.name) extra.push(columns.name(f.name));
  if (f.model && columns.model) extra.push(columns.model(f.model));
  if (f.status) extra.push(`${columns.status} = ${quote(f.status)}`);
  if (!f.sdk && columns.sdk) extra.push(`NOT ${SDK_OWN_CALLS}`);
  if (f.mine) {
    const ids = await seededTraceIDs();
    if (ids.length) extra.push(`NOT trace_id IN (${ids.map(quote).join(", ")})`);
  }
  const typed = f.q.trim() ? f.q : "";
  if (!extra.length) return { expression: typed || null, offset: 0 };
  if (!typed) return { expression: extra.join(" AND "), offset: 0 };
  return { expression: `(${typed}\n) AND ${extra.join(" AND ")}`, offset: 1 };
}

/** datetime-local's "2026-11-27T13:30" from RFC 3339 (local time), and back in timeWindow. */
function localInput(text) {
  if (!text) return "";
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) return "";
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Datalist options from a fields/…/options route, filled when they arrive. */
function optionsList(id, path) {
  const list = h("datalist", { id });
  api("GET", path).then((data) => list.replaceChildren(...(data.options || []).map((o) => h("option", { value: typeof o === "object" ? o.value ?? "" : o }))), () => {});
  return list;
}

/**
 * The filter controls of a list. Applying them writes the URL (so the list is a link), which
 * renders the page again. `extra` are controls the page adds (the expression box), read by
 * `read(changes)` before the URL is written.
 */
export function finderControls(kind, f, { statuses, prefix = kind } = {}) {
  const id = (name) => `${prefix}-${name}`;
  const service = h("input", { type: "text", id: id("service"), value: f.service, list: id("services"), autocomplete: "off", placeholder: "any" });
  const name = h("input", { type: "text", id: id("name"), value: f.name, autocomplete: "off", placeholder: kind === "logs" ? "body or event name" : "part of the name" });
  const model = COLUMNS[kind].model ? h("input", { type: "text", id: id("model"), value: f.model, list: id("models"), autocomplete: "off", placeholder: "any" }) : null;
  const status = select([["", "any"], ...statuses], f.status, { id: id("status") });
  const range = select(PRESETS.map(([v, text]) => [v, text]), f.range, { id: id("range") });
  const from = h("input", { type: "datetime-local", id: id("from"), value: localInput(f.from) });
  const to = h("input", { type: "datetime-local", id: id("to"), value: localInput(f.to) });
  const custom = h("div", { class: "row custom-range", hidden: f.range !== "custom" }, control("From", from), control("To", to));
  range.addEventListener("change", () => { custom.hidden = range.value !== "custom"; });
  const mine = h("input", { type: "checkbox", id: id("mine"), checked: f.mine });
  const sdk = h("input", { type: "checkbox", id: id("sdk"), checked: f.sdk });
  const fieldsPath = kind === "logs" ? "logs" : kind;
  const node = h("div", { class: "finder" },
    h("div", { class: "grid" },
      control("Service", service), optionsList(id("services"), `${V1}/${fieldsPath}/fields/service_name/options`),
      control(kind === "logs" ? "Text" : kind === "traces" ? "Root span name" : "Span or operation name", name),
      model ? [control("Model", model), optionsList(id("models"), `${V1}/spans/fields/request_model/options`)] : null,
      control(kind === "logs" ? "Severity" : "Status", status),
      control("Time range", range)),
    custom,
    h("div", { class: "row toggles" },
      h("label", { class: "check" }, mine, " This workspace only (hide the seeded demo data)"),
      COLUMNS[kind].sdk ? h("label", { class: "check" }, sdk, " Show the SDK's own observability calls") : null));
  const read = () => ({
    service: service.value.trim(), name: name.value.trim(), model: model ? model.value.trim() : null, status: status.value,
    range: range.value === "all" ? null : range.value,
    from: range.value === "custom" && from.value ? new Date(from.value).toISOString() : null,
    to: range.value === "custom" && to.value ? new Date(to.value).toISOString() : null,
    mine: mine.checked ? "1" : "0", sdk: sdk.checked ? "1" : null,
  });
  return { node, read };
}

/** Applies the filters by writing them into the URL. */
export function applyFilters(changes) { go(withParams(changes)); }

/** Counts of the token's own rows (seeded fixtures left out) for the overview. */
export async function ownCounts() {
  const ids = await seededTraceIDs();
  const notSeeded = ids.length ? `NOT trace_id IN (${ids.map(quote).join(", ")})` : null;
  const count = (kind) => api("POST", `${V1}/${kind}/aggregate`, { body: { metric: { measure: kind === "traces" ? "trace_id" : kind === "spans" ? "span_id" : "timestamp", aggregation: "count" }, search_expression: notSeeded } })
    .then((data) => (data.data || [])[0]?.metric_value ?? 0);
  const [traces, spans] = await Promise.all([count("traces"), count("spans")]);
  return { traces, spans };
}
