// Logs: a search expression, severity, service, text and time range (in the URL, like every
// list), newest first; each record opens to its attributes and links to its trace and span.
import { api, V1 } from "./api.js";
import { h, fill, table, link, when, errorBox, loading, control, pageHeader, badge, idRef, withJSON, fields } from "./dom.js";
import { filtersOf, finderControls, expressionFor, timeWindow } from "./finder.js";
import { currentRoute, withParams, go } from "./route.js";
import { liveTail } from "./tail.js";

const SEVERITIES = ["TRACE", "DEBUG", "INFO", "WARN", "WARNING", "ERROR", "FATAL"];
const severityKind = (text) => /ERROR|FATAL/i.test(text) ? "error" : /WARN/i.test(text) ? "warn" : "neutral";

export async function logsPage(view, params) {
  const f = filtersOf(params);
  const input = h("textarea", { id: "log-expression", rows: 2, spellcheck: "false", autocomplete: "off", class: "mono",
    placeholder: "e.g. body ILIKE '%timeout%' AND log_attributes['app.channel'] = 'web'" });
  input.value = f.q;
  const finder = finderControls("logs", f, { statuses: SEVERITIES, prefix: "logs" });
  const results = h("section", { class: "results", "aria-label": "Matching log records", "aria-live": "polite" });
  const tail = liveTail("logs", params.get("live") === "1", results, {
    fetchFirst: async () => (await searchPage(filtersOf(currentRoute().params))).results,
    keyOf: (r) => [r.timestamp, r.trace_id, r.span_id, r.severity_number, r.body].join("|"),
    timeOf: (r) => r.timestamp,
    cellsOf: logCells,
  });
  const form = h("form", { class: "panel", "aria-label": "Log search",
    onsubmit: (e) => {
      e.preventDefault();
      const target = withParams({ q: input.value, ...finder.read() });
      if (location.hash === target) search(filtersOf(currentRoute().params), results, tail);
      else go(target);
    } },
    control("Search expression", input, "The same language as traces and spans, over the log fields (severity_text, body, event_name, trace_id, log_attributes[…], …)."),
    finder.node,
    h("div", { class: "row buttons" }, h("button", { type: "submit", class: "primary", id: "logs-search" }, "Search"), tail.node));
  input.addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.requestSubmit(); } });
  fill(view, pageHeader("Logs", "OpenTelemetry log records, newest first; a record with a trace id links to its trace."), form, results);
  search(f, results, tail);
}

/** One page of log records with the filters applied, newest first. */
async function searchPage(f, cursor = null) {
  const { expression } = await expressionFor("logs", f);
  const window = timeWindow(f);
  const data = await api("POST", `${V1}/logs/search`, { query: { page_size: 50, cursor, from: window.from, to: window.to }, body: { search_expression: expression, order: "desc" } });
  return data.logs;
}

function logCells(r) {
  return [
    when(r.timestamp), badge(r.severity_text || String(r.severity_number), severityKind(r.severity_text)), r.service_name,
    h("details", { class: "log-body" }, h("summary", {}, r.body || r.event_name || "—"),
      withJSON(r, fields([["Event", r.event_name || null], ["Scope", r.scope_name || null], ["Span", r.span_id ? idRef(r.span_id) : null],
        ...Object.entries(r.log_attributes || {}).map(([k, v]) => [k, v])]), "log record")),
    r.trace_id ? idRef(r.trace_id, `#/traces/${r.trace_id}${r.span_id ? "/" + r.span_id : ""}`) : h("span", { class: "muted" }, "—"),
  ];
}

async function search(f, results, tail, cursor = null) {
  fill(results, loading("Searching…"));
  try {
    const page = await searchPage(f, cursor);
    fill(results,
      table("Matching log records", ["Time (UTC)", "Severity", "Service", "Body", "Trace"], page.results.map(logCells),
        { empty: "No log record matches.", data: (index) => tail.rowData(page.results[index]) }),
      page.cursor ? h("nav", { class: "pager", "aria-label": "Result pages" },
        h("button", { type: "button", class: "secondary", id: "logs-more", onclick: () => search(f, results, tail, page.cursor) }, "Older →")) : null);
  } catch (error) {
    fill(results, errorBox(error, "Search rejected"));
  }
}
