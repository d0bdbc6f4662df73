// Traces: a search expression box that marks a parse error where it is, results, and a trace
// as a span tree with a timeline; a span's attributes, messages and evaluations.
import { api, allPages, V1 } from "./api.js";
import { h, fill, table, fields, link, when, durationNs, errorBox, loading, control, pageHeader, conversation, badge, notice, idRef, withJSON, copyButton, pairs } from "./dom.js";
import { filtersOf, finderControls, expressionFor, timeWindow, quote } from "./finder.js";
import { currentRoute, withParams, go } from "./route.js";
import { childrenOf, treeRows, criticalPath } from "./spantree.js";
import { liveTail } from "./tail.js";
import { spanAnswer, eventsOfSpan, eventLinks, pipelineResultsOf, recordsFrom, recordLinks, lookup } from "./links.js";

const EXAMPLES = [
  "status_code = 'Error'",
  "service_name = 'rag-search' AND duration_ns > 500000000",
  "models_used CONTAINS 'mistral-small-latest'",
  "span_attributes['http.route'] LIKE '/search%'",
];

/** "column 40" in a TRACES_FILTER_QUERY_PARSE_ERROR or SEARCH_BAD_REQUEST message, 1-based. */
export function errorColumn(message) {
  const match = /column (\d+)/.exec(message || "");
  return match ? Number(match[1]) : null;
}

/** The expression with the offending character marked, and line/column for people. */
function markedExpression(expression, column) {
  const offset = Math.min(Math.max(column - 1, 0), expression.length);
  const before = expression.slice(0, offset);
  const line = before.split("\n").length;
  const lineStart = before.lastIndexOf("\n") + 1;
  const lineEnd = expression.indexOf("\n", offset) === -1 ? expression.length : expression.indexOf("\n", offset);
  const text = expression.slice(lineStart, lineEnd);
  const at = offset - lineStart;
  const marked = text.slice(at, at + 1) || " ";
  return {
    line, column: at + 1,
    node: h("pre", { class: "expr-marked", "aria-hidden": "true" },
      text.slice(0, at), h("mark", { class: "expr-error-at" }, marked), text.slice(at + 1),
      "\n", " ".repeat(at) + "^"),
  };
}

export async function tracesPage(view, params) {
  const f = filtersOf(params);
  const kind = params.get("view") === "spans" ? "spans" : "traces";
  const input = h("textarea", { id: "trace-expression", rows: 3, spellcheck: "false", autocomplete: "off", class: "mono",
    placeholder: "e.g. status_code = 'Error' AND service_name = 'checkout'" }, f.q);
  input.value = f.q;
  const errorSlot = h("div", { id: "trace-expression-error", "aria-live": "assertive" });
  const results = h("section", { class: "results", "aria-label": kind === "spans" ? "Matching spans" : "Matching traces", "aria-live": "polite" });
  const fieldsList = h("details", { class: "field-help" }, h("summary", {}, "Fields you can search"), loading());
  const finder = finderControls(kind, f, { statuses: ["Unset", "Ok", "Error"], prefix: "find" });
  const picker = kind === "traces" ? comparePicker() : null;
  const list = { kind, f, input, errorSlot, results, picker };
  list.tail = liveTail("find", params.get("live") === "1", results, {
    fetchFirst: async () => (await searchPage(kind, filtersOf(currentRoute().params))).page.results,
    keyOf: kind === "spans" ? (s) => `${s.trace_id}/${s.span_id}` : (t) => t.trace_id,
    timeOf: (row) => row.start_time,
    cellsOf: (row) => kind === "spans" ? spanCells(row) : traceCells(row, picker),
  });
  const form = h("form", { class: "panel", "aria-label": kind === "spans" ? "Span search" : "Trace search",
    onsubmit: (e) => {
      e.preventDefault();
      const target = withParams({ q: input.value, ...finder.read() });
      if (location.hash === target) runSearch({ ...list, f: filtersOf(currentRoute().params) });
      else go(target);
    } },
    h("div", { class: "tabs", role: "group", "aria-label": "List" },
      link(withParams({ view: null }), "Traces", { class: "tab", id: "tab-traces", "aria-current": kind === "traces" ? "page" : null }),
      link(withParams({ view: "spans" }), "Spans", { class: "tab", id: "tab-spans", "aria-current": kind === "spans" ? "page" : null })),
    control("Search expression", input, "The explorer's language: field = 'value', AND / OR / NOT, LIKE, IN (...), BETWEEN, EXISTS, has(...). Empty matches everything. Ctrl+Enter searches."),
    errorSlot,
    finder.node,
    h("div", { class: "row buttons" },
      h("button", { type: "submit", class: "primary", id: "traces-search" }, "Search"),
      list.tail.node,
      picker ? picker.node : null,
      h("span", { class: "muted examples" }, "Try: ", EXAMPLES.map((ex) => h("button", { type: "button", class: "chip",
        onclick: () => { input.value = ex; input.focus(); } }, ex)))),
    fieldsList);
  input.addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.requestSubmit(); } });
  input.addEventListener("input", () => { input.removeAttribute("aria-invalid"); fill(errorSlot); });
  fill(view, pageHeader("Traces", "OpenTelemetry traces and spans as the SDK's reads return them, newest first."), form, results);
  api("GET", `${V1}/${kind}/fields`).then((data) => fill(fieldsList, h("summary", {}, "Fields you can search"),
    h("ul", { class: "field-list" }, data.field_definitions.map((d) => h("li", {}, h("button", { type: "button", class: "chip mono", title: `${d.label} · ${d.type}`,
      onclick: () => { input.setRangeText(d.name, input.selectionStart, input.selectionEnd, "end"); input.focus(); } }, d.name), " ", h("small", { class: "muted" }, d.type))))),
  (error) => fill(fieldsList, h("summary", {}, "Fields you can search"), errorBox(error)));
  runSearch(list);
}

/** One page of a list with the filters applied, and how far the typed expression was moved. */
async function searchPage(kind, f, cursor = null) {
  const built = await expressionFor(kind, f);
  const window = timeWindow(f);
  const data = await api("POST", `${V1}/${kind}/search`, { query: { page_size: 25, cursor, from: window.from, to: window.to }, body: { search_expression: built.expression } });
  return { page: data[kind], offset: built.offset };
}

const TRACE_COLUMNS = ["Trace", "Root span", "Service", "Started (UTC)", "Duration", "Spans", "Models", "Status", "Compare"];
const SPAN_COLUMNS = ["Span", "Service", "Started (UTC)", "Duration", "Model", "Status", "Trace"];

function traceCells(t, picker) {
  return [
    idRef(t.trace_id, `#/traces/${t.trace_id}`),
    t.root_span_name, t.service_name + (t.environment ? ` (${t.environment})` : ""), when(t.start_time), durationNs(t.duration_ns),
    String(t.span_count), (t.models_used || []).join(", "), badge(t.status_code, statusKind(t.status_code)), picker.box(t.trace_id),
  ];
}

function spanCells(s) {
  return [
    link(`#/traces/${s.trace_id}/${s.span_id}`, s.span_name, { class: "span-link", "data-span": s.span_id }),
    s.service_name, when(s.start_time), durationNs(s.duration_ns), s.request_model || s.response_model || "—",
    badge(s.status_code, statusKind(s.status_code)), idRef(s.trace_id, `#/traces/${s.trace_id}`),
  ];
}

/** Two traces of the list picked for comparison: a third pick lets go of the first. */
function comparePicker() {
  const picked = [];
  const button = h("a", { class: "button secondary", id: "compare-picked" });
  const update = () => {
    if (picked.length === 2) button.setAttribute("href", `#/compare/${picked[0]}/${picked[1]}`);
    else button.removeAttribute("href");
    button.setAttribute("aria-disabled", String(picked.length !== 2));
    fill(button, picked.length === 2 ? "Compare the two selected" : `Select two traces to compare (${picked.length}/2)`);
  };
  update();
  const box = (id) => h("input", { type: "checkbox", class: "compare-pick", dataset: { trace: id }, checked: picked.includes(id), "aria-label": `Compare trace ${id}`,
    onchange: (e) => {
      if (e.target.checked) picked.push(id); else picked.splice(picked.indexOf(id), 1);
      if (picked.length > 2) {
        const dropped = picked.shift();
        for (const other of document.querySelectorAll(`.compare-pick[data-trace="${dropped}"]`)) other.checked = false;
      }
      update();
    } });
  return { node: button, box };
}

async function runSearch(list, cursor = null) {
  const { kind, f, input, errorSlot, results } = list;
  fill(results, loading("Searching…"));
  fill(errorSlot);
  input.removeAttribute("aria-invalid");
  const expression = f.q;
  let offset = 0;
  try {
    const found = await searchPage(kind, f, cursor);
    offset = found.offset;
    const page = found.page;
    const more = page.cursor ? h("nav", { class: "pager", "aria-label": "Result pages" }, h("button", { type: "button", class: "secondary",
      onclick: () => runSearch(list, page.cursor) }, "More →")) : null;
    const data = (index) => list.tail.rowData(page.results[index]);
    if (kind === "spans") {
      fill(results, table("Matching spans", SPAN_COLUMNS, page.results.map(spanCells), { empty: "No span matches.", data }), more);
      return;
    }
    fill(results, table("Matching traces", TRACE_COLUMNS, page.results.map((t) => traceCells(t, list.picker)), { empty: "No trace matches.", data }), more);
  } catch (error) {
    fill(results);
    const column = error.status === 400 ? errorColumn(error.message) : null;
    // An error past the typed text (at the wrapper's closing parenthesis) is at its end.
    if (column !== null && column - offset >= 1 && column - offset <= expression.length + 3) {
      const at = Math.min(column - offset, expression.length + 1);
      const mark = markedExpression(expression, at);
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", "trace-expression-error");
      fill(errorSlot, h("div", { class: "notice notice-error expr-error", role: "alert", "data-column": String(at) },
        h("strong", {}, error.code === "TRACES_FILTER_QUERY_PARSE_ERROR" ? "Syntax error" : "Invalid expression"),
        ` at line ${mark.line}, column ${mark.column}: `, error.message.replace(/^search_expression: column \d+: /, ""),
        mark.node));
      input.focus();
      input.setSelectionRange(at - 1, Math.min(at, expression.length));
    } else {
      fill(errorSlot, errorBox(error, "Search rejected"));
    }
  }
}

/** Rows grouped by one of their fields. */
function groupBy(rows, key) {
  const groups = new Map();
  for (const row of rows) {
    if (!groups.has(row[key])) groups.set(row[key], []);
    groups.get(row[key]).push(row);
  }
  return groups;
}

export const statusKind = (code) => code === "Error" ? "error" : code === "Ok" ? "ok" : "neutral";

/** Parses the JSON text of a GenAI messages column into conversation messages, or null. */
function messagesOf(text) {
  if (!text) return null;
  try {
    const list = JSON.parse(text);
    if (!Array.isArray(list)) return null;
    return list.map((m) => ({
      role: m.role, name: m.name,
      content: (m.parts || []).map((p) => p.content ?? (p.type === "tool_call" ? `→ ${p.name}(${JSON.stringify(p.arguments ?? {})})` : p.type === "tool_call_response" ? `← ${JSON.stringify(p.response ?? p.result ?? "")}` : JSON.stringify(p))).join("\n"),
    }));
  } catch { return null; }
}

/** A trace's status from its spans: Error if any span failed, Ok if any span says Ok, else Unset
 * (the trace row's own status can lag behind what its spans say). */
export function traceStatus(spans, fallback) {
  if (spans.some((s) => s.status_code === "Error")) return "Error";
  if (spans.some((s) => s.status_code === "Ok")) return "Ok";
  return spans.length ? "Unset" : fallback;
}

/** "nice" tick steps (1, 2, 5 × 10^n ms) so that the axis has about five ticks. */
function ticks(totalMs) {
  const raw = totalMs / 5;
  const power = 10 ** Math.floor(Math.log10(raw || 1));
  const step = [1, 2, 5, 10].map((m) => m * power).find((v) => v >= raw) || raw;
  const out = [];
  // A tick too near the end would write over its neighbour; the total is in the heading.
  for (let t = 0; t <= totalMs * 0.88; t += step) out.push(t);
  return out;
}

export async function tracePage(view, traceID, spanID) {
  fill(view, pageHeader("Trace", traceID), loading());
  const quoted = traceID.replace(/'/g, "''");
  let trace, spans, evaluations, logs;
  try {
    [trace, spans, evaluations, logs] = await Promise.all([
      api("GET", `${V1}/traces/${encodeURIComponent(traceID)}`),
      allPages(`${V1}/traces/${encodeURIComponent(traceID)}/spans`, "spans"),
      allPages(`${V1}/spans/evaluations/search`, "span_evaluations", { search_expression: `trace_id = '${quoted}'` }, 500).catch(() => []),
      allPages(`${V1}/logs/search`, "logs", { search_expression: `trace_id = '${quoted}'`, order: "asc" }, 500).catch(() => []),
    ]);
  } catch (error) {
    return fill(view, pageHeader("Trace", traceID), errorBox(error, "Could not load the trace"), link("#/traces", "← Traces"));
  }
  const byID = new Map(spans.map((s) => [s.span_id, s]));
  const children = childrenOf(spans);
  const critical = criticalPath(spans);
  const start = Math.min(...spans.map((s) => Date.parse(s.start_time)));
  const end = Math.max(...spans.map((s) => Date.parse(s.end_time)));
  const total = Math.max(end - start, 1);
  const evalsBySpan = groupBy(evaluations, "span_id");
  const logsBySpan = groupBy(logs, "span_id");
  const selected = spanID && byID.has(spanID) ? spanID : trace.root_span_id;
  const rows = treeRows(children);
  const answered = spans.filter((s) => spanAnswer(s));
  const pipelineResults = pipelineResultsOf(traceID).catch(() => []);

  const collapsed = new Set();
  const applyCollapse = () => {
    for (const li of waterfall.children) {
      const hidden = li.dataset.ancestors.split(" ").some((a) => a && collapsed.has(a));
      li.hidden = hidden;
    }
  };
  const waterfall = h("ol", { class: "waterfall", "aria-label": "Spans, as a tree with their timeline" }, rows.map(([s, depth, ancestors]) => {
    const offset = Date.parse(s.start_time) - start;
    const left = (offset / total) * 100;
    const width = Math.max((s.duration_ns / 1e6 / total) * 100, 0.5);
    const current = s.span_id === selected;
    const hasChildren = (children.get(s.span_id) || []).length > 0;
    const toggle = hasChildren ? h("button", { type: "button", class: "tree-toggle", "aria-expanded": "true", "aria-label": `Collapse ${s.span_name}`,
      onclick: (e) => {
        const open = e.currentTarget.getAttribute("aria-expanded") === "true";
        e.currentTarget.setAttribute("aria-expanded", String(!open));
        e.currentTarget.setAttribute("aria-label", `${open ? "Expand" : "Collapse"} ${s.span_name}`);
        e.currentTarget.textContent = open ? "▸" : "▾";
        if (open) collapsed.add(s.span_id); else collapsed.delete(s.span_id);
        applyCollapse();
      } }, "▾") : h("span", { class: "tree-leaf", "aria-hidden": "true" }, depth ? "└" : "•");
    const onPath = critical.has(s.span_id);
    const li = h("li", { class: `span-row${current ? " selected" : ""}${s.status_code === "Error" ? " error" : ""}${onPath ? " critical" : ""}`, dataset: { span: s.span_id, ancestors: ancestors.join(" ") } },
      h("span", { class: "span-label" }, toggle,
        h("a", { href: `#/traces/${traceID}/${s.span_id}`, class: "span-name", "aria-current": current ? "true" : null,
          "aria-label": `${s.span_name}, ${s.span_kind}, ${durationNs(s.duration_ns)}, starts at +${durationNs(offset * 1e6)}, level ${depth + 1}${s.status_code === "Error" ? ", error" : ""}${onPath ? ", on the critical path" : ""}` },
          s.span_name,
          (evalsBySpan.get(s.span_id) || []).length ? h("span", { class: "eval-dot", title: "has evaluations" }, "★") : null)),
      h("span", { class: "span-duration", "aria-hidden": "true" }, h("span", { class: "span-offset" }, `+${durationNs(offset * 1e6)}`), " ", durationNs(s.duration_ns)),
      h("div", { class: "bar-track", "aria-hidden": "true" },
        h("div", { class: `bar bar-${(s.operation_name || s.span_kind || "x").replace(/[^a-z_]/gi, "")}` })));
    li.style.setProperty("--depth", depth);
    const bar = li.querySelector(".bar");
    bar.style.left = `${left}%`;
    bar.style.width = `${Math.min(width, 100 - left)}%`;
    return li;
  }));

  const axis = h("div", { class: "timeline-axis", "aria-hidden": "true" }, ticks(total).map((t) => {
    const tick = h("span", { class: "tick" }, t === 0 ? "0" : durationNs(t * 1e6));
    tick.style.left = `${(t / total) * 100}%`;
    return tick;
  }));
  const span = byID.get(selected);
  const status = traceStatus(spans, trace.status_code);
  fill(view,
    pageHeader("Trace", h("span", { class: "id-ref" }, h("span", { class: "mono" }, traceID), copyButton(traceID, "Copy trace id")),
      previousRun(trace), link("#/traces", "← Traces", { class: "button secondary" })),
    h("section", { class: "panel summary", "aria-label": "Trace summary" }, withJSON(trace, fields([
      ["Root span", trace.root_span_name], ["Service", `${trace.service_name}${trace.environment ? " · " + trace.environment : ""}`],
      ["Started (UTC)", when(trace.start_time)], ["Duration", durationNs(trace.duration_ns)],
      ["Status", h("span", { id: "trace-status" }, badge(status, statusKind(status)), status !== trace.status_code ? h("small", { class: "muted" }, " from its spans") : null)],
      ["Spans", `${trace.span_count} (${trace.llm_call_count} LLM, ${trace.tool_call_count} tool, ${trace.retrieval_count} retrieval)`],
      ["Tokens in / out", `${trace.input_tokens} / ${trace.output_tokens}`], ["Models", (trace.models_used || []).join(", ") || null],
      ["Evaluations", String(trace.evaluation_count)],
      ...(answered.length ? [["Events", lookup(Promise.all(answered.slice(0, 10).map(eventsOfSpan)).then((lists) => uniqueEvents(lists.flat())), eventLinks)]] : []),
      ["Online evaluations", lookup(pipelineResults, (results) => results.map((r, i) => [i ? ", " : "",
        link(`#/traces/${traceID}/${r.span_id}`, `${r.span_name}${r.pipeline ? " · " + r.pipeline.name : ""}`, { class: "pipeline-span-link" })]))],
    ]), "trace")),
    h("div", { class: "split trace-split" },
      h("section", { class: "panel", "aria-labelledby": "tree-h" }, h("h2", { id: "tree-h" }, "Span tree and timeline"),
        h("div", { class: "timeline-head" }, h("span", { class: "muted" }, `${spans.length} spans · ${durationNs(total * 1e6)}`), axis), waterfall,
        h("p", { class: "muted critical-legend", id: "critical-legend" }, h("span", { class: "critical-swatch", "aria-hidden": "true" }),
          ` Critical path: ${critical.size} of ${spans.length} spans, the chain that decides when the trace ends (each span's last-finishing child, then the one that finished before it started, …).`)),
      span ? spanPanel(span, evalsBySpan.get(span.span_id) || [], logsBySpan.get(span.span_id) || [], start,
        pipelineResults.then((results) => results.filter((r) => r.span_id === span.span_id)))
        : h("section", { class: "panel" }, notice("No span selected."))));
}

/** A link comparing this trace with the one before it of the same root span and service (a
 * slower run beside the last good one), when there is one. */
function previousRun(trace) {
  const slot = h("span", { class: "previous-run" });
  const expression = `root_span_name = ${quote(trace.root_span_name)} AND service_name = ${quote(trace.service_name)} AND NOT trace_id = ${quote(trace.trace_id)}`;
  api("POST", `${V1}/traces/search`, { query: { page_size: 1, to: trace.start_time }, body: { search_expression: expression } }).then((data) => {
    const before = data.traces.results[0];
    if (before) fill(slot, link(`#/compare/${before.trace_id}/${trace.trace_id}`, "Compare with the run before", { class: "button secondary", id: "compare-previous", title: `${trace.root_span_name}, ${before.start_time}` }));
    slot.dataset.looked = "1";
  }, () => { slot.dataset.looked = "1"; });
  return slot;
}

/** Events found for several spans, each once. */
function uniqueEvents(events) {
  return [...new Map(events.map((e) => [e.event_id, e])).values()];
}

/** The online evaluations of a span: its pipeline results, each linked to its pipeline. */
function pipelineTable(results) {
  const slot = h("div", { class: "pipeline-results" });
  results.then((list) => list.length && fill(slot, table("Pipeline results of this span", ["Pipeline", "Evaluated (UTC)", "Labels", "Scores"], list.map((r) => [
    r.pipeline ? link(`#/pipelines/${r.pipeline.id}`, r.pipeline.name, { class: "pipeline-link" }) : "—", when(r.evaluated_at),
    pairs(r.judge_labels),
    pairs(r.judge_scores),
  ]), { showCaption: true })));
  return slot;
}

function spanPanel(s, evaluations, logs, traceStart, pipelineResults) {
  const genai = ["operation_name", "provider_name", "request_model", "response_model", "tool_name", "agent_name", "workflow_name",
    "usage_input_tokens", "usage_output_tokens", "error_type"].filter((k) => s[k] !== "" && s[k] !== 0 && s[k] !== null && s[k] !== undefined);
  const input = messagesOf(s.input_messages);
  const output = messagesOf(s.output_messages);
  const attrs = (caption, map) => table(caption, ["Key", "Value"], Object.entries(map || {}).sort().map(([k, v]) => [h("span", { class: "mono" }, k), h("span", { class: "attr-value" }, v)]),
    { showCaption: true, empty: "None.", class: "attributes" });
  const exception = Object.entries(s.span_attributes || {}).filter(([k]) => k.startsWith("exception."));
  const failed = s.status_code === "Error" || exception.length;
  return h("section", { class: "panel span-detail", "aria-labelledby": "span-h" },
    h("h2", { id: "span-h" }, s.span_name),
    withJSON(s, [
      fields([
        ["Span", idRef(s.span_id, null, { full: true })], ["Parent", s.parent_span_id ? idRef(s.parent_span_id, null, { full: true }) : null],
        ["Kind", s.span_kind], ["Status", [badge(s.status_code, statusKind(s.status_code)), s.status_message ? ` ${s.status_message}` : ""]],
        ["Starts at", `+${durationNs((Date.parse(s.start_time) - traceStart) * 1e6)}`],
        ["Duration", durationNs(s.duration_ns)], ["Service", s.service_name], ["Scope", `${s.scope_name} ${s.scope_version}`.trim() || null],
        ...genai.map((k) => [k, s[k]]),
        ...(spanAnswer(s) ? [["Event", lookup(eventsOfSpan(s), eventLinks, "none found (no event with this answer and model within a minute)")]] : []),
        ["In datasets", lookup(recordsFrom({ trace_id: s.trace_id, span_id: s.span_id }), recordLinks)],
      ]),
      failed ? h("div", { class: "notice notice-error exception", role: "note" }, h("strong", {}, s.error_type || "Error"),
        s.status_message ? `: ${s.status_message}` : "",
        exception.length ? fields(exception.map(([k, v]) => [k, k === "exception.stacktrace" ? h("pre", { class: "json" }, v) : v])) : null) : null,
      h("h3", {}, "Events and logs"),
      table("Events and log records of this span", ["At", "Severity", "Body"], logs.map((r) => [
        `+${durationNs((Date.parse(r.timestamp) - traceStart) * 1e6)}`, badge(r.severity_text || String(r.severity_number), /ERROR|FATAL/.test(r.severity_text) ? "error" : /WARN/.test(r.severity_text) ? "warn" : "neutral"),
        h("span", { class: "attr-value" }, r.body || r.event_name || "—"),
      ]), { empty: "No event or log record of this span." }),
      h("h3", {}, "Evaluations"),
      table("Evaluations of this span", ["Name", "Label", "Score", "Explanation"], evaluations.map((e) => [e.evaluation_name, e.score_label ? badge(e.score_label) : "—", String(e.score_value), e.explanation || "—"]),
        { empty: "No evaluation of this span." }),
      pipelineTable(pipelineResults),
      input || output ? [h("h3", {}, "Messages"), input ? conversation(input, "Input messages") : null, output ? conversation(output, "Output messages") : null] : null,
      h("h3", {}, "Attributes"), attrs("Span attributes", s.span_attributes), attrs("Resource attributes", s.resource_attributes),
    ], "span"));
}
