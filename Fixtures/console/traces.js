// Traces: a search expression box that marks a parse error where it is, results, and a trace
// as a span tree with a timeline; a span's attributes, messages and evaluations.
import { api, allPages, V1 } from "./api.js";
import { h, fill, table, fields, link, when, durationNs, errorBox, loading, control, pageHeader, conversation, badge, notice, shortID } from "./dom.js";

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
  const expression = params.get("q") ?? "";
  const input = h("textarea", { id: "trace-expression", rows: 3, spellcheck: "false", autocomplete: "off", class: "mono",
    placeholder: "e.g. status_code = 'Error' AND service_name = 'checkout'" }, expression);
  input.value = expression;
  const errorSlot = h("div", { id: "trace-expression-error", "aria-live": "assertive" });
  const results = h("section", { class: "results", "aria-label": "Matching traces", "aria-live": "polite" });
  const fieldsList = h("details", { class: "field-help" }, h("summary", {}, "Fields you can search"), loading());
  const form = h("form", { class: "panel", "aria-label": "Trace search",
    onsubmit: (e) => {
      e.preventDefault();
      const q = input.value;
      const target = `#/traces?q=${encodeURIComponent(q)}`;
      if (location.hash === target) runSearch(q, input, errorSlot, results);
      else location.hash = target;
    } },
    control("Search expression", input, "The explorer's language: field = 'value', AND / OR / NOT, LIKE, IN (...), BETWEEN, EXISTS, has(...). Empty matches every trace. Ctrl+Enter searches."),
    errorSlot,
    h("div", { class: "row buttons" },
      h("button", { type: "submit", class: "primary", id: "traces-search" }, "Search"),
      h("span", { class: "muted examples" }, "Try: ", EXAMPLES.map((ex) => h("button", { type: "button", class: "chip",
        onclick: () => { input.value = ex; input.focus(); } }, ex)))),
    fieldsList);
  input.addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.requestSubmit(); } });
  input.addEventListener("input", () => { input.removeAttribute("aria-invalid"); fill(errorSlot); });
  fill(view, pageHeader("Traces", "OpenTelemetry traces as the SDK's trace reads return them."), form, results);
  api("GET", `${V1}/traces/fields`).then((data) => fill(fieldsList, h("summary", {}, "Fields you can search"),
    h("ul", { class: "field-list" }, data.field_definitions.map((f) => h("li", {}, h("button", { type: "button", class: "chip mono", title: `${f.label} · ${f.type}`,
      onclick: () => { input.setRangeText(f.name, input.selectionStart, input.selectionEnd, "end"); input.focus(); } }, f.name), " ", h("small", { class: "muted" }, f.type))))),
  (error) => fill(fieldsList, h("summary", {}, "Fields you can search"), errorBox(error)));
  runSearch(expression, input, errorSlot, results);
}

async function runSearch(expression, input, errorSlot, results, cursor = null) {
  fill(results, loading("Searching…"));
  fill(errorSlot);
  input.removeAttribute("aria-invalid");
  try {
    const data = await api("POST", `${V1}/traces/search`, { query: { page_size: 25, cursor }, body: { search_expression: expression.trim() ? expression : null } });
    const page = data.traces;
    fill(results, table("Matching traces", ["Trace", "Root span", "Service", "Started (UTC)", "Duration", "Spans", "Models", "Status"],
      page.results.map((t) => [
        link(`#/traces/${t.trace_id}`, shortID(t.trace_id), { class: "mono", title: t.trace_id }),
        t.root_span_name, t.service_name + (t.environment ? ` (${t.environment})` : ""), when(t.start_time), durationNs(t.duration_ns),
        String(t.span_count), (t.models_used || []).join(", "), badge(t.status_code, t.status_code === "Error" ? "error" : "neutral"),
      ]), { empty: "No trace matches." }),
    page.cursor ? h("nav", { class: "pager", "aria-label": "Result pages" }, h("button", { type: "button", class: "secondary",
      onclick: () => runSearch(expression, input, errorSlot, results, page.cursor) }, "More →")) : null);
  } catch (error) {
    fill(results);
    const column = error.status === 400 ? errorColumn(error.message) : null;
    if (column !== null) {
      const mark = markedExpression(expression, column);
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", "trace-expression-error");
      fill(errorSlot, h("div", { class: "notice notice-error expr-error", role: "alert", "data-column": String(column) },
        h("strong", {}, error.code === "TRACES_FILTER_QUERY_PARSE_ERROR" ? "Syntax error" : "Invalid expression"),
        ` at line ${mark.line}, column ${mark.column}: `, error.message.replace(/^search_expression: column \d+: /, ""),
        mark.node));
      input.focus();
      input.setSelectionRange(column - 1, Math.min(column, expression.length));
    } else {
      fill(errorSlot, errorBox(error, "Search rejected"));
    }
  }
}

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

export async function tracePage(view, traceID, spanID) {
  fill(view, pageHeader("Trace", traceID), loading());
  let trace, spans, evaluations;
  try {
    [trace, spans, evaluations] = await Promise.all([
      api("GET", `${V1}/traces/${encodeURIComponent(traceID)}`),
      allPages(`${V1}/traces/${encodeURIComponent(traceID)}/spans`, "spans"),
      allPages(`${V1}/spans/evaluations/search`, "span_evaluations", { search_expression: `trace_id = '${traceID.replace(/'/g, "''")}'` }, 500).catch(() => []),
    ]);
  } catch (error) {
    return fill(view, pageHeader("Trace", traceID), errorBox(error, "Could not load the trace"), link("#/traces", "← Traces"));
  }
  const byID = new Map(spans.map((s) => [s.span_id, s]));
  const children = new Map();
  for (const s of spans) {
    const parent = s.parent_span_id && byID.has(s.parent_span_id) ? s.parent_span_id : "";
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(s);
  }
  const start = Math.min(...spans.map((s) => Date.parse(s.start_time)));
  const end = Math.max(...spans.map((s) => Date.parse(s.end_time)));
  const total = Math.max(end - start, 1);
  const evalsBySpan = new Map();
  for (const e of evaluations) {
    if (!evalsBySpan.has(e.span_id)) evalsBySpan.set(e.span_id, []);
    evalsBySpan.get(e.span_id).push(e);
  }
  const selected = spanID && byID.has(spanID) ? spanID : trace.root_span_id;

  const rows = [];
  const walk = (parent, depth) => {
    for (const s of (children.get(parent) || []).sort((a, b) => a.start_time.localeCompare(b.start_time))) {
      rows.push([s, depth]);
      walk(s.span_id, depth + 1);
    }
  };
  walk("", 0);

  const waterfall = h("ol", { class: "waterfall", "aria-label": "Spans, as a tree with their timeline" }, rows.map(([s, depth]) => {
    const left = ((Date.parse(s.start_time) - start) / total) * 100;
    const width = Math.max((s.duration_ns / 1e6 / total) * 100, 0.5);
    const current = s.span_id === selected;
    const li = h("li", { class: `span-row${current ? " selected" : ""}${s.status_code === "Error" ? " error" : ""}` },
      h("a", { href: `#/traces/${traceID}/${s.span_id}`, class: "span-name", "aria-current": current ? "true" : null,
        "aria-label": `${s.span_name}, ${s.span_kind}, ${durationNs(s.duration_ns)}, level ${depth + 1}${s.status_code === "Error" ? ", error" : ""}` },
        h("span", { class: "tree-indent", "aria-hidden": "true" }, depth ? "└ " : ""), s.span_name,
        (evalsBySpan.get(s.span_id) || []).length ? h("span", { class: "eval-dot", title: "has evaluations" }, "★") : null),
      h("span", { class: "span-duration", "aria-hidden": "true" }, durationNs(s.duration_ns)),
      h("div", { class: "bar-track", "aria-hidden": "true" },
        h("div", { class: `bar bar-${(s.operation_name || s.span_kind || "x").replace(/[^a-z_]/gi, "")}` })));
    li.style.setProperty("--depth", depth);
    const bar = li.querySelector(".bar");
    bar.style.left = `${left}%`;
    bar.style.width = `${Math.min(width, 100 - left)}%`;
    return li;
  }));

  const span = byID.get(selected);
  fill(view,
    pageHeader("Trace", h("span", { class: "mono" }, traceID), link("#/traces", "← Traces", { class: "button secondary" })),
    h("section", { class: "panel summary" }, fields([
      ["Root span", trace.root_span_name], ["Service", `${trace.service_name}${trace.environment ? " · " + trace.environment : ""}`],
      ["Started (UTC)", when(trace.start_time)], ["Duration", durationNs(trace.duration_ns)],
      ["Status", badge(trace.status_code, trace.status_code === "Error" ? "error" : "neutral")],
      ["Spans", `${trace.span_count} (${trace.llm_call_count} LLM, ${trace.tool_call_count} tool, ${trace.retrieval_count} retrieval)`],
      ["Tokens in / out", `${trace.input_tokens} / ${trace.output_tokens}`], ["Models", (trace.models_used || []).join(", ") || null],
      ["Evaluations", String(trace.evaluation_count)],
    ])),
    h("div", { class: "split trace-split" },
      h("section", { class: "panel", "aria-labelledby": "tree-h" }, h("h2", { id: "tree-h" }, "Span tree and timeline"),
        h("div", { class: "timeline-scale", "aria-hidden": "true" }, h("span", {}, "0"), h("span", {}, durationNs(total * 1e6))), waterfall),
      span ? spanPanel(span, evalsBySpan.get(span.span_id) || []) : h("section", { class: "panel" }, notice("No span selected."))));
}

function spanPanel(s, evaluations) {
  const genai = ["operation_name", "provider_name", "request_model", "response_model", "tool_name", "agent_name", "workflow_name",
    "usage_input_tokens", "usage_output_tokens", "error_type"].filter((k) => s[k] !== "" && s[k] !== 0 && s[k] !== null && s[k] !== undefined);
  const input = messagesOf(s.input_messages);
  const output = messagesOf(s.output_messages);
  const attrs = (caption, map) => table(caption, ["Key", "Value"], Object.entries(map || {}).sort().map(([k, v]) => [h("span", { class: "mono" }, k), v]), { showCaption: true, empty: "None." });
  return h("section", { class: "panel span-detail", "aria-labelledby": "span-h" },
    h("h2", { id: "span-h" }, s.span_name),
    fields([
      ["Span", h("span", { class: "mono" }, s.span_id)], ["Parent", s.parent_span_id ? h("span", { class: "mono" }, s.parent_span_id) : null],
      ["Kind", s.span_kind], ["Status", [badge(s.status_code, s.status_code === "Error" ? "error" : "neutral"), s.status_message ? ` ${s.status_message}` : ""]],
      ["Duration", durationNs(s.duration_ns)], ["Service", s.service_name], ["Scope", `${s.scope_name} ${s.scope_version}`.trim() || null],
      ...genai.map((k) => [k, s[k]]),
    ]),
    h("h3", {}, "Evaluations"),
    table("Evaluations of this span", ["Name", "Label", "Score", "Explanation"], evaluations.map((e) => [e.evaluation_name, e.score_label ? badge(e.score_label) : "—", String(e.score_value), e.explanation || "—"]),
      { empty: "No evaluation of this span." }),
    input || output ? [h("h3", {}, "Messages"), input ? conversation(input, "Input messages") : null, output ? conversation(output, "Output messages") : null] : null,
    h("h3", {}, "Attributes"), attrs("Span attributes", s.span_attributes), attrs("Resource attributes", s.resource_attributes));
}
