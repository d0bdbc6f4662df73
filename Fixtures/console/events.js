// Chat-completion events: a filter builder over the fields API, extra fields, cursor paging,
// and an event's detail with its conversation and similar events.
import { api, V1 } from "./api.js";
import { h, fill, table, fields, link, code, when, errorBox, loading, control, select, pageHeader, conversation, idRef, notice, withJSON, shortID } from "./dom.js";
import { PRESETS, timeWindow } from "./finder.js";
import { currentRoute, withParams, go } from "./route.js";
import { liveTail } from "./tail.js";
import { spansOfEvent, recordsFrom, recordLinks, lookup } from "./links.js";

/** Links to the spans that made an event, each in its trace. */
const spanLinks = (spans) => spans.map((s, i) => [i ? ", " : "",
  link(`#/traces/${s.trace_id}/${s.span_id}`, `${s.span_name} · trace ${shortID(s.trace_id)}`, { class: "event-span-link", title: `${s.trace_id} / ${s.span_id}` })]);

const DEFAULT_EXTRA = ["model_name", "total_time_elapsed"];
const state = { conditions: [], combinator: "AND", extra: DEFAULT_EXTRA, pageSize: 20, model: "", range: "all", from: "", to: "", cursors: [null], page: 0 };

/** The events page's state from the URL: f (conditions as JSON), op, extra, size, model, range/from/to. */
function readState(params) {
  let conditions = [];
  try { conditions = JSON.parse(params.get("f") || "[]").filter((c) => c && typeof c.field === "string"); } catch { conditions = []; }
  Object.assign(state, {
    conditions, combinator: params.get("op") === "OR" ? "OR" : "AND",
    extra: params.has("extra") ? params.get("extra").split(",").filter(Boolean) : [...DEFAULT_EXTRA],
    pageSize: Number(params.get("size")) || 20, model: params.get("model") || "",
    range: params.get("range") || (params.get("from") || params.get("to") ? "custom" : "all"), from: params.get("from") || "", to: params.get("to") || "",
    cursors: [null], page: 0, live: params.get("live") === "1",
  });
}

function stateHash() {
  return withParams({
    f: state.conditions.length ? JSON.stringify(state.conditions) : null, op: state.combinator === "OR" ? "OR" : null,
    extra: state.extra.join(",") === DEFAULT_EXTRA.join(",") ? null : state.extra.join(","), size: state.pageSize === 20 ? null : String(state.pageSize),
    model: state.model || null, range: state.range === "all" ? null : state.range,
    from: state.range === "custom" ? state.from || null : null, to: state.range === "custom" ? state.to || null : null,
    live: currentRoute().params.get("live"),
  });
}
let catalogue = null;

async function loadCatalogue() {
  if (!catalogue) catalogue = await api("GET", `${V1}/chat-completion-fields`);
  return catalogue;
}

/** The value typed into a condition row, converted to what the field's type needs. */
function typedValue(def, op, raw) {
  if (op === "isnull") return raw !== "false";
  if (op === "len_eq") return Number(raw);
  if (def.type === "ENUM" && (op === "includes" || op === "excludes")) return raw.split(",").map((s) => s.trim()).filter(Boolean);
  if ((def.type === "INT" || def.type === "FLOAT") && raw.trim() !== "" && !Number.isNaN(Number(raw))) return Number(raw);
  return raw;
}

function filters(defs) {
  const conditions = state.conditions.filter((c) => c.field).map((c) => {
    const def = defs.find((d) => d.name === c.field) || { type: "TEXT" };
    return { field: c.field, op: c.op, value: typedValue(def, c.op, c.value) };
  });
  const window = timeWindow(state);
  const fixed = [
    state.model ? { field: "model_name", op: "eq", value: state.model } : null,
    window.from ? { field: "timestamp", op: "gte", value: window.from } : null,
    window.to ? { field: "timestamp", op: "lt", value: window.to } : null,
  ].filter(Boolean);
  if (!conditions.length && !fixed.length) return null;
  const typed = conditions.length ? { [state.combinator]: conditions } : null;
  if (!fixed.length) return typed;
  return { AND: [...fixed, ...(typed ? [typed] : [])] };
}

export async function eventsPage(view, params) {
  readState(params);
  fill(view, pageHeader("Events", "Chat-completion events as the explorer shows them: filter, pick extra fields, page through, open one."), loading());
  let cat;
  try { cat = await loadCatalogue(); } catch (error) { return fill(view, pageHeader("Events"), errorBox(error, "Could not read the fields")); }
  const defs = cat.field_definitions;
  const groups = new Map((cat.field_groups || []).map((g) => [g.name, g.label]));
  const results = h("section", { class: "results", "aria-live": "polite", "aria-label": "Search results" });
  const labels = new Map(defs.map((d) => [d.name, d.label || d.name]));
  // Only the first page takes new rows; the tail reads the filters applied last (in `state`).
  const tail = liveTail("events", state.live, results, {
    fetchFirst: async () => state.page === 0 ? (await searchEvents(defs, null)).results : [],
    keyOf: (e) => e.event_id, timeOf: (e) => e.created_at, cellsOf: eventCells,
  });
  const builder = h("div", { class: "conditions" });

  const renderBuilder = () => fill(builder, state.conditions.length ? null : h("p", { class: "muted" }, "No condition: every event matches."),
    state.conditions.map((c, index) => conditionRow(c, index, defs, groups, renderBuilder)));

  const extraBox = h("fieldset", { class: "extra-fields" }, h("legend", {}, "Extra fields shown in the results"),
    h("div", { class: "checks" }, defs.map((d) => h("label", { class: "check" },
      h("input", { type: "checkbox", value: d.name, checked: state.extra.includes(d.name),
        onchange: (e) => { state.extra = e.target.checked ? [...state.extra, d.name] : state.extra.filter((n) => n !== d.name); } }),
      " ", d.label || d.name))));

  const modelInput = h("input", { type: "text", id: "events-model", value: state.model, list: "events-models", autocomplete: "off", placeholder: "any" });
  const modelList = h("datalist", { id: "events-models" });
  api("GET", `${V1}/chat-completion-fields/model_name/options`, { query: { operator: "eq" } })
    .then((data) => fill(modelList, (data.options || []).map((o) => h("option", { value: typeof o === "object" ? o.value ?? "" : o }))), () => {});
  const rangeSelect = select(PRESETS.map(([v, text]) => [v, text]), state.range, { id: "events-range" });
  const localValue = (text) => text ? new Date(new Date(text).getTime() - new Date().getTimezoneOffset() * 60e3).toISOString().slice(0, 16) : "";
  const fromInput = h("input", { type: "datetime-local", id: "events-from", value: localValue(state.from) });
  const toInput = h("input", { type: "datetime-local", id: "events-to", value: localValue(state.to) });
  const custom = h("div", { class: "row custom-range", hidden: state.range !== "custom" }, control("From", fromInput), control("To", toInput));
  rangeSelect.addEventListener("change", () => { custom.hidden = rangeSelect.value !== "custom"; });
  const form = h("form", { class: "panel filter-form", "aria-label": "Event filter",
    onsubmit: (e) => {
      e.preventDefault();
      state.model = modelInput.value.trim();
      state.range = rangeSelect.value;
      state.from = fromInput.value ? new Date(fromInput.value).toISOString() : "";
      state.to = toInput.value ? new Date(toInput.value).toISOString() : "";
      const target = stateHash();
      state.cursors = [null]; state.page = 0;
      if (location.hash === target) search(results, defs, labels, tail); else go(target);
    } },
    h("div", { class: "row" },
      control("Model", modelInput), modelList,
      control("Time range", rangeSelect), custom,
      control("Combine conditions with", select([["AND", "all of (AND)"], ["OR", "any of (OR)"]], state.combinator, { onchange: (e) => { state.combinator = e.target.value; } })),
      control("Page size", select(["10", "20", "50", "100"], String(state.pageSize), { onchange: (e) => { state.pageSize = Number(e.target.value); } }))),
    builder,
    h("div", { class: "row buttons" },
      h("button", { type: "button", class: "secondary", onclick: () => { state.conditions.push({ field: defs[0].name, op: defs[0].supported_operators[0], value: "" }); renderBuilder(); builder.querySelector(".condition:last-child select")?.focus(); } }, "+ Add condition"),
      h("button", { type: "submit", class: "primary", id: "events-search" }, "Search"), tail.node),
    h("details", {}, h("summary", {}, "Extra fields"), extraBox));
  renderBuilder();
  fill(view, pageHeader("Events", "Chat-completion events as the explorer shows them: filter, pick extra fields, page through, open one."), form, results);
  search(results, defs, labels, tail);
}

function conditionRow(c, index, defs, groups, rerender) {
  const def = defs.find((d) => d.name === c.field) || defs[0];
  if (!def.supported_operators.includes(c.op)) c.op = def.supported_operators[0];
  const byGroup = new Map();
  for (const d of defs) {
    const g = groups.get(d.group) || d.group || "Fields";
    if (!byGroup.has(g)) byGroup.set(g, []);
    byGroup.get(g).push(d);
  }
  const fieldSelect = h("select", { "aria-label": `Condition ${index + 1} field`, onchange: (e) => { c.field = e.target.value; c.value = ""; rerender(); } },
    [...byGroup].map(([group, ds]) => h("optgroup", { label: group }, ds.map((d) => h("option", { value: d.name, selected: d.name === c.field }, d.label || d.name)))));
  const opSelect = select(def.supported_operators, c.op, { "aria-label": `Condition ${index + 1} operator`, onchange: (e) => { c.op = e.target.value; rerender(); } });
  let valueInput;
  if (c.op === "isnull") {
    valueInput = select([["true", "is null"], ["false", "is not null"]], c.value || "true", { "aria-label": `Condition ${index + 1} value`, onchange: (e) => { c.value = e.target.value; } });
    c.value = c.value || "true";
  } else {
    const listID = `opts-${index}`;
    valueInput = h("input", { type: def.type === "INT" || def.type === "FLOAT" || c.op === "len_eq" ? "number" : "text", step: "any", value: c.value,
      "aria-label": `Condition ${index + 1} value`, list: def.type === "ENUM" ? listID : null,
      placeholder: def.type === "TIMESTAMP" ? "2025-10-01T00:00:00Z" : def.type === "ENUM" && (c.op === "includes" || c.op === "excludes") ? "a, b, c" : "value",
      oninput: (e) => { c.value = e.target.value; } });
    if (def.type === "ENUM") {
      const datalist = h("datalist", { id: listID });
      api("GET", `${V1}/chat-completion-fields/${encodeURIComponent(def.name)}/options`, { query: { operator: "eq" } }).then((data) => {
        fill(datalist, (data.options || []).map((o) => h("option", { value: typeof o === "object" ? o.value ?? JSON.stringify(o) : o })));
      }, () => {});
      valueInput = h("span", { class: "with-list" }, valueInput, datalist);
    }
  }
  return h("div", { class: "condition", role: "group", "aria-label": `Condition ${index + 1}` },
    fieldSelect, opSelect, valueInput,
    h("button", { type: "button", class: "icon", "aria-label": `Remove condition ${index + 1}`, title: "Remove", onclick: () => { state.conditions.splice(index, 1); rerender(); } }, "✕"));
}

/** One page of events with the applied filters (first page: `cursor` null). */
async function searchEvents(defs, cursor) {
  const body = { search_params: { filters: filters(defs) }, extra_fields: state.extra };
  const data = await api("POST", `${V1}/chat-completion-events/search`, { query: { page_size: state.pageSize, cursor }, body });
  return data.completion_events;
}

function eventCells(e) {
  return [
    idRef(e.event_id, `#/events/${e.event_id}`),
    when(e.created_at),
    ...state.extra.map((name) => formatExtra(e.extra_fields[name])),
    String(e.nb_input_tokens), String(e.nb_output_tokens),
  ];
}

async function search(results, defs, labels, tail) {
  fill(results, loading("Searching…"));
  try {
    const page = await searchEvents(defs, state.cursors[state.page]);
    state.cursors[state.page + 1] = page.cursor;
    const again = () => search(results, defs, labels, tail);
    fill(results,
      table("Matching events", ["Event", "Created (UTC)", ...state.extra.map((n) => labels.get(n) || n), "In tokens", "Out tokens"], page.results.map(eventCells),
        { empty: "No event matches these conditions.", data: (index) => tail.rowData(page.results[index]) }),
      h("nav", { class: "pager", "aria-label": "Result pages" },
        h("button", { type: "button", class: "secondary", disabled: state.page === 0, onclick: () => { state.page -= 1; again(); } }, "← Newer"),
        h("span", { class: "muted" }, `Page ${state.page + 1} · ${page.results.length} shown`),
        h("button", { type: "button", class: "secondary", id: "events-next", disabled: !page.cursor, onclick: () => { state.page += 1; again(); } }, "Older →")));
  } catch (error) {
    fill(results, errorBox(error, "Search rejected"));
  }
}

function formatExtra(value) {
  if (value === null || value === undefined) return h("span", { class: "muted" }, "—");
  if (Array.isArray(value)) return value.length ? value.join(", ") : h("span", { class: "muted" }, "[]");
  if (typeof value === "object") return code(JSON.stringify(value));
  return String(value);
}

export async function eventPage(view, id) {
  fill(view, pageHeader("Event", id), loading());
  try {
    const [event, similar] = await Promise.all([
      api("GET", `${V1}/chat-completion-events/${encodeURIComponent(id)}`),
      api("GET", `${V1}/chat-completion-events/${encodeURIComponent(id)}/similar-events`).catch(() => null),
    ]);
    const extra = event.extra_fields || {};
    fill(view,
      pageHeader("Event", idRef(event.event_id, null, { full: true }), link("#/events", "← All events", { class: "button secondary" })),
      h("div", { class: "split" },
        h("section", { class: "panel", "aria-labelledby": "conv-h" }, h("h2", { id: "conv-h" }, "Conversation"),
          h("h3", {}, "Request"), conversation(event.request_messages, "Request messages"),
          h("h3", {}, "Response"), conversation(event.response_messages, "Response messages")),
        h("section", { class: "panel", "aria-labelledby": "props-h" }, h("h2", { id: "props-h" }, "Properties"),
          withJSON(event, fields([
            ["Correlation ID", idRef(event.correlation_id, null, { full: true })],
            ["Trace", lookup(spansOfEvent(event), spanLinks, "none found (no chat span with this answer and model within a minute)")],
            ["In datasets", lookup(recordsFrom({ event_id: event.event_id }), recordLinks)],
            ["Created (UTC)", when(event.created_at)],
            ["Tokens in / out", `${event.nb_input_tokens} / ${event.nb_output_tokens}`],
            ["Messages", event.nb_messages],
            ["Enabled tools", (event.enabled_tools || []).map((t) => t.function?.name || t.name || JSON.stringify(t)).join(", ") || null],
            ...Object.entries(extra).map(([k, v]) => [k, v]),
          ]), "event"),
          h("h2", {}, "Similar events"),
          similar ? table("Similar events", ["Event", "Created (UTC)", "Tokens"], similar.completion_events.results.map((e) => [
            idRef(e.event_id, `#/events/${e.event_id}`), when(e.created_at), `${e.nb_input_tokens} / ${e.nb_output_tokens}`,
          ]), { empty: "No similar event." }) : notice("Similar events are not available."))));
  } catch (error) {
    fill(view, pageHeader("Event", id), errorBox(error, "Could not load the event"), link("#/events", "← All events"));
  }
}
