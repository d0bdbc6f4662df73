// A trace's spans as a tree: parent → children, the rows in display order, and the critical
// path. Shared by the trace view and the comparison of two traces.

/** Microseconds since the epoch from RFC 3339 (Date.parse keeps only milliseconds, and spans a
 * few hundred µs long must still be told apart). */
export function micros(text) {
  const fraction = /\.(\d+)/.exec(text || "");
  const whole = Date.parse(String(text).replace(/\.\d+/, ""));
  return whole * 1000 + (fraction ? Number((fraction[1] + "000000").slice(0, 6)) : 0);
}

const startOf = (s) => micros(s.start_time);
const endOf = (s) => startOf(s) + Math.round((s.duration_ns || 0) / 1000);

/** Children by parent span id ("" for the top-level spans: no parent, or a parent not sent),
 * each list in start order. */
export function childrenOf(spans) {
  const ids = new Set(spans.map((s) => s.span_id));
  const children = new Map();
  for (const s of spans) {
    const parent = s.parent_span_id && ids.has(s.parent_span_id) ? s.parent_span_id : "";
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(s);
  }
  for (const list of children.values()) list.sort((a, b) => startOf(a) - startOf(b) || a.span_name.localeCompare(b.span_name));
  return children;
}

/** The rows of the tree, depth first: [span, depth, ancestor ids]. */
export function treeRows(children) {
  const rows = [];
  const walk = (parent, depth, ancestors) => {
    for (const s of children.get(parent) || []) {
      rows.push([s, depth, ancestors]);
      walk(s.span_id, depth + 1, [...ancestors, s.span_id]);
    }
  };
  walk("", 0, []);
  return rows;
}

/**
 * The critical path: the spans that decide when the trace ends. Going back from the end of a
 * span, the child that finishes last (its end cut at the parent's) is on the path; then the
 * child that finishes last before that one started, and so on until the parent's start; each
 * child chosen is followed the same way. The top-level spans are treated as the children of
 * one span covering the whole trace. Jaeger's rule, without its split of a span into the
 * stretches its children do not cover: a span is on the path or not.
 */
export function criticalPath(spans) {
  const children = childrenOf(spans);
  const onPath = new Set();
  const follow = (kids, from, to) => {
    let cursor = to;
    for (const kid of [...kids].sort((a, b) => Math.min(endOf(b), to) - Math.min(endOf(a), to))) {
      if (cursor <= from) break;
      const end = Math.min(endOf(kid), to);
      if (end > cursor) continue;
      onPath.add(kid.span_id);
      follow(children.get(kid.span_id) || [], startOf(kid), end);
      cursor = startOf(kid);
    }
  };
  const top = children.get("") || [];
  if (top.length) follow(top, Math.min(...top.map(startOf)), Math.max(...top.map(endOf)));
  return onPath;
}
