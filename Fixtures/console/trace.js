// One trace: its span tree on a time axis with the critical path marked, a span's attributes,
// messages, logs and evaluations, and what the data ties it to (events, pipeline results,
// dataset records, the run before it).
import { api, allPages, V1 } from "./api.js";
import { h, fill, table, fields, link, when, durationNs, errorBox, loading, pageHeader, conversation, badge, notice, idRef, withJSON, copyButton, pairs } from "./dom.js";
import { quote } from "./finder.js";
import { childrenOf, treeRows, criticalPath } from "./spantree.js";
import { spanAnswer, eventsOfSpan, eventLinks, pipelineResultsOf, recordsFrom, recordLinks, lookup } from "./links.js";

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
  const answered = spans.filter((s) => s.response_id || spanAnswer(s));
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
        ...(s.response_id || spanAnswer(s) ? [["Event", lookup(eventsOfSpan(s), eventLinks, "none found (no event with this completion id, nor this answer and model within a minute)")]] : []),
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
