// Two traces compared: their span trees merged into one, each span matched by its place (the
// span names from the root down), with both durations, the difference, and the spans found in
// one trace only. #/compare/<trace A>/<trace B>; the traces list selects two and links here.
import { api, allPages, V1 } from "./api.js";
import { h, fill, fields, link, when, durationNs, errorBox, loading, pageHeader, badge, idRef, notice } from "./dom.js";
import { childrenOf } from "./spantree.js";
import { traceStatus, statusKind } from "./trace.js";

const STEP = "\u0001";

/** Each span under a key made of the names from the root down; siblings of one name are told
 * apart by their order (the second "retrieve" under one parent is "retrieve #2"). */
export function placeKeys(spans) {
  const children = childrenOf(spans);
  const keyed = new Map();
  const walk = (parent, prefix) => {
    const seen = new Map();
    for (const s of children.get(parent) || []) {
      const n = (seen.get(s.span_name) || 0) + 1;
      seen.set(s.span_name, n);
      const key = `${prefix}${STEP}${s.span_name}#${n}`;
      keyed.set(key, s);
      walk(s.span_id, key);
    }
  };
  walk("", "");
  return keyed;
}

/** The merged tree's rows, depth first: A's order, then what only B has, under each parent. */
export function mergedRows(a, b) {
  const under = (keys) => {
    const map = new Map();
    for (const key of keys) {
      const parent = key.slice(0, key.lastIndexOf(STEP));
      if (!map.has(parent)) map.set(parent, []);
      map.get(parent).push(key);
    }
    return map;
  };
  const underA = under(a.keys());
  const underB = under(b.keys());
  const rows = [];
  const walk = (prefix, depth) => {
    for (const key of new Set([...(underA.get(prefix) || []), ...(underB.get(prefix) || [])])) {
      rows.push({ key, depth, a: a.get(key), b: b.get(key) });
      walk(key, depth + 1);
    }
  };
  walk("", 0);
  return rows;
}

function difference(a, b) {
  const delta = b.duration_ns - a.duration_ns;
  const percent = a.duration_ns ? ` (${delta >= 0 ? "+" : ""}${Math.round((delta / a.duration_ns) * 100)}%)` : "";
  return h("span", { class: `delta ${delta > 0 ? "slower" : delta < 0 ? "faster" : ""}` }, `${delta >= 0 ? "+" : "−"}${durationNs(Math.abs(delta))}${percent}`);
}

function side(trace, spans, label) {
  const status = traceStatus(spans, trace.status_code);
  return h("section", { class: "panel", "aria-label": `Trace ${label}` }, h("h2", {}, `${label}: ${trace.root_span_name}`), fields([
    ["Trace", idRef(trace.trace_id, `#/traces/${trace.trace_id}`, { full: true })],
    ["Service", `${trace.service_name}${trace.environment ? " · " + trace.environment : ""}`],
    ["Started (UTC)", when(trace.start_time)], ["Duration", durationNs(trace.duration_ns)],
    ["Spans", String(spans.length)], ["Status", badge(status, statusKind(status))],
  ]));
}

export async function comparePage(view, traceA, traceB) {
  const header = pageHeader("Compare traces", `${traceA} · ${traceB || "?"}`, link("#/traces", "← Traces", { class: "button secondary" }));
  if (!traceB) return fill(view, header, notice("Two trace ids are needed: #/compare/<trace A>/<trace B>, or select two traces in the list."));
  fill(view, header, loading());
  const load = (id) => Promise.all([api("GET", `${V1}/traces/${encodeURIComponent(id)}`), allPages(`${V1}/traces/${encodeURIComponent(id)}/spans`, "spans")]);
  let a, b;
  try {
    [a, b] = await Promise.all([load(traceA), load(traceB)]);
  } catch (error) {
    return fill(view, header, errorBox(error, "Could not load both traces"));
  }
  const rows = mergedRows(placeKeys(a[1]), placeKeys(b[1]));
  const count = (test) => rows.filter(test).length;
  const both = count((r) => r.a && r.b);
  const onlyA = count((r) => r.a && !r.b);
  const onlyB = count((r) => !r.a && r.b);
  const cell = (s, trace) => s ? link(`#/traces/${trace}/${s.span_id}`, durationNs(s.duration_ns), { title: s.span_id }) : h("span", { class: "muted" }, "—");
  const body = rows.map((r) => {
    const match = r.a && r.b ? "both" : r.a ? "a" : "b";
    const s = r.a || r.b;
    const name = h("span", { class: "compare-name" }, s.span_name);
    name.style.setProperty("--depth", r.depth);
    const statusChanged = r.a && r.b && r.a.status_code !== r.b.status_code;
    return h("tr", { class: `compare-row compare-${match}`, dataset: { match, name: s.span_name } },
      h("td", {}, name),
      h("td", {}, cell(r.a, traceA)),
      h("td", {}, cell(r.b, traceB)),
      h("td", {}, match === "both" ? difference(r.a, r.b) : badge(match === "a" ? "only in A" : "only in B", match === "a" ? "error" : "running"),
        statusChanged ? [" ", badge(`${r.a.status_code} → ${r.b.status_code}`, statusKind(r.b.status_code))] : null));
  });
  fill(view, header,
    h("div", { class: "split compare-sides" }, side(a[0], a[1], "A"), side(b[0], b[1], "B")),
    h("section", { class: "panel", "aria-labelledby": "diff-h" },
      h("h2", { id: "diff-h" }, "Span trees, merged"),
      h("p", { class: "muted", id: "compare-counts" }, `${both} spans in both, ${onlyA} only in A, ${onlyB} only in B. Spans are matched by their place: the span names from the root down (the second of two siblings with one name matches the second).`),
      h("div", { class: "table-wrap", tabindex: 0, role: "region", "aria-label": "Spans of both traces" },
        h("table", { class: "compare" },
          h("caption", { class: "visually-hidden" }, "Spans of both traces, matched by place"),
          h("thead", {}, h("tr", {}, ["Span", "A", "B", "B − A"].map((t) => h("th", { scope: "col" }, t)))),
          h("tbody", {}, body))),
      link(`#/compare/${traceB}/${traceA}`, "Swap A and B", { class: "button secondary", id: "compare-swap" })));
}
