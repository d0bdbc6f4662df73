// Small DOM helpers shared by every page: element builder, tables, formatting, notices.

/** Builds an element: h("a", {href: "#/x", class: "link"}, "text", child). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "value") el.value = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's content. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A table row of cells (strings or nodes); `data` goes to its dataset (a live list's keys). */
export function tableRow(cells, data) {
  return h("tr", { dataset: data || null }, cells.map((cell) => h("td", {}, cell)));
}

/** A table with a caption (for screen readers), headers and rows of cells (strings or nodes);
 * `options.data(index)` gives each row's dataset. */
export function table(caption, headers, rows, options = {}) {
  return h("div", { class: "table-wrap", tabindex: 0, role: "region", "aria-label": caption },
    h("table", { class: options.class || "" },
      h("caption", { class: options.showCaption ? "" : "visually-hidden" }, caption),
      h("thead", {}, h("tr", {}, headers.map((text) => h("th", { scope: "col" }, text)))),
      h("tbody", {}, rows.length
        ? rows.map((cells, index) => tableRow(cells, options.data ? options.data(index) : null))
        : h("tr", {}, h("td", { colspan: headers.length, class: "empty" }, options.empty || "Nothing to show.")))));
}

/** Key/value pairs as a definition list; objects and arrays are shown as JSON. */
export function fields(pairs) {
  return h("dl", { class: "fields" }, pairs.filter(([, v]) => v !== undefined).map(([key, value]) => [
    h("dt", {}, key),
    h("dd", {}, value instanceof Node ? value : Array.isArray(value) && value.some((v) => v instanceof Node) ? value : display(value)),
  ]));
}

export function display(value) {
  if (value === null || value === undefined || value === "") return h("span", { class: "muted" }, "—");
  if (typeof value === "object") return h("pre", { class: "json" }, JSON.stringify(value, null, 2));
  return String(value);
}

export function code(text) { return h("code", {}, text); }

/** "a: 1; b: 2" from a map (a judge's labels or scores), "—" when empty. */
export function pairs(map) { return Object.entries(map || {}).map(([k, v]) => `${k}: ${v}`).join("; ") || "—"; }

export function link(href, text, attrs = {}) { return h("a", { href, ...attrs }, text); }

/** A status pill: ok / error / running / neutral. */
export function badge(text, kind) {
  const k = kind || ({ COMPLETED: "ok", Ok: "ok", RUNNING: "running", FAILED: "error", Error: "error" })[text] || "neutral";
  return h("span", { class: `badge badge-${k}` }, text);
}

export function shortID(id) { return id && id.length > 13 ? id.slice(0, 8) + "…" : id; }

/** "2025-10-15 20:45:36" from RFC 3339, UTC, readable and sortable. */
export function when(text) {
  if (!text) return "—";
  return h("time", { datetime: text, title: text }, text.replace("T", " ").replace(/(\.\d+)?Z$/, ""));
}

export function durationNs(ns) {
  if (ns === null || ns === undefined) return "—";
  if (ns < 1e3) return `${ns} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(1)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toFixed(1)} ms`;
  return `${(ns / 1e9).toFixed(2)} s`;
}

/** An error box that says what the API said. */
export function errorBox(error, title = "The request failed") {
  return h("div", { class: "notice notice-error", role: "alert" },
    h("strong", {}, title + ": "),
    error && error.status ? `${error.status} ${error.code ? error.code + " — " : ""}` : "",
    error && error.message ? error.message : String(error));
}

export function notice(text, kind = "info") {
  return h("div", { class: `notice notice-${kind}`, role: kind === "error" ? "alert" : "status" }, text);
}

export function loading(text = "Loading…") { return h("p", { class: "loading", role: "status" }, text); }

/** A labelled form control: label above, control below, optional hint. */
export function control(label, input, hint) {
  const id = input.id || (input.id = "c-" + Math.random().toString(36).slice(2, 9));
  const hintID = hint ? id + "-hint" : null;
  if (hintID) input.setAttribute("aria-describedby", hintID);
  return h("div", { class: "control" }, h("label", { for: id }, label), input, hint ? h("small", { id: hintID, class: "hint" }, hint) : null);
}

export function select(options, value, attrs = {}) {
  return h("select", attrs, options.map((o) => {
    const [v, text] = Array.isArray(o) ? o : [o, o];
    return h("option", { value: v, selected: v === value }, text);
  }));
}

/** A page heading with an optional line under it and actions on the right. */
export function pageHeader(title, subtitle, ...actions) {
  return h("header", { class: "page-header" },
    h("div", {}, h("h1", { tabindex: -1, id: "page-title" }, title), subtitle ? h("p", { class: "subtitle" }, subtitle) : null),
    actions.length ? h("div", { class: "actions" }, actions) : null);
}

/** The conversation of an event or record: one bubble per message, tool calls shown. */
export function conversation(messages, label = "Conversation") {
  return h("ol", { class: "conversation", "aria-label": label }, (messages || []).map((m) => {
    const role = m.role || "message";
    const content = typeof m.content === "string" ? m.content
      : Array.isArray(m.content) ? m.content.map((part) => part.text ?? JSON.stringify(part)).join("\n")
      : m.content == null ? "" : JSON.stringify(m.content);
    return h("li", { class: `msg msg-${role}` },
      h("div", { class: "msg-role" }, role, m.name ? ` · ${m.name}` : "", m.tool_call_id ? ` · ${m.tool_call_id}` : ""),
      content ? h("div", { class: "msg-text" }, content) : null,
      (m.tool_calls || []).map((call) => h("div", { class: "msg-tool" }, "→ ",
        code(`${call.function?.name ?? "tool"}(${typeof call.function?.arguments === "string" ? call.function.arguments : JSON.stringify(call.function?.arguments ?? {})})`))));
  }));
}

/** Puts text on the clipboard: the async Clipboard API where the page may use it, else a
 * selected textarea and execCommand (plain http on another host than localhost). */
export async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) { await navigator.clipboard.writeText(text); return true; }
  } catch { /* denied: fall back */ }
  const area = h("textarea", { class: "visually-hidden", "aria-hidden": "true" });
  area.value = text;
  document.body.append(area);
  area.select();
  let ok = false;
  try { ok = document.execCommand("copy"); } catch { ok = false; }
  area.remove();
  return ok;
}

/** Two overlapping sheets, drawn (no icon font: the console ships no font). */
function copyIcon() {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 16 16");
  svg.setAttribute("width", "12");
  svg.setAttribute("height", "12");
  svg.setAttribute("aria-hidden", "true");
  for (const [x, y] of [[5, 1], [1, 5]]) {
    const rect = document.createElementNS(ns, "rect");
    for (const [k, v] of Object.entries({ x, y, width: 10, height: 10, rx: 2, fill: x === 1 ? "var(--panel)" : "none", stroke: "currentColor", "stroke-width": 1.5 })) rect.setAttribute(k, v);
    svg.append(rect);
  }
  return svg;
}

/** A small button that copies `text` and says so for a moment. */
export function copyButton(text, label = "Copy") {
  const button = h("button", { type: "button", class: "copy", title: `${label}: ${text.length > 80 ? text.slice(0, 80) + "…" : text}`, "aria-label": label, "data-copy": text });
  const idle = () => button.replaceChildren(copyIcon());
  idle();
  button.addEventListener("click", async (e) => {
    e.preventDefault();
    e.stopPropagation();
    const ok = await copyText(text);
    button.textContent = ok ? "✓" : "✕";
    button.classList.toggle("copied", ok);
    button.setAttribute("aria-label", ok ? "Copied" : "Copy failed");
    setTimeout(() => { idle(); button.classList.remove("copied"); button.setAttribute("aria-label", label); }, 1500);
  });
  return button;
}

/** An id, shortened for the eye when long, always with a copy button for the whole of it;
 * a link when `href` is given; `full` shows all of it (headings, detail fields). */
export function idRef(id, href, { full = false } = {}) {
  if (!id) return h("span", { class: "muted" }, "—");
  const text = full ? id : shortID(id);
  return h("span", { class: full ? "id-ref" : "id-ref short" },
    href ? h("a", { href, class: "mono", title: id }, text) : h("span", { class: "mono", title: id }, text),
    copyButton(id, "Copy id"));
}

/** A panel's content with a "JSON" toggle that shows the object as the API returned it, and a
 * copy button for that JSON. `rendered` is what is shown when the toggle is off. */
export function withJSON(object, rendered, name = "object") {
  const json = JSON.stringify(object, null, 2);
  const raw = h("pre", { class: "json raw-json", hidden: true, tabindex: 0, "aria-label": `${name} as JSON` }, json);
  const body = h("div", { class: "json-rendered" }, rendered);
  const toggle = h("button", { type: "button", class: "small secondary json-toggle", "aria-pressed": "false",
    onclick: () => {
      const on = toggle.getAttribute("aria-pressed") !== "true";
      toggle.setAttribute("aria-pressed", String(on));
      raw.hidden = !on;
      body.hidden = on;
    } }, "JSON");
  return h("div", { class: "json-view" },
    h("div", { class: "json-tools" }, toggle, copyButton(json, `Copy ${name} as JSON`)),
    body, raw);
}
