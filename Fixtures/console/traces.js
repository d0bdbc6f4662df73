// Traces and spans lists: a search expression box that marks a parse error where it is, the
// find-mine filters, results with a live tail, and two traces picked for comparison.
import { api, V1 } from "./api.js";
import { h, fill, table, link, when, durationNs, errorBox, loading, control, pageHeader, badge, idRef } from "./dom.js";
import { filtersOf, finderControls, expressionFor, timeWindow } from "./finder.js";
import { currentRoute, withParams, go } from "./route.js";
import { liveTail } from "./tail.js";
import { statusKind } from "./trace.js";

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
