// Live tail for the traces, spans, logs and events lists: with `live=1` in the URL the list asks
// the API for its first page again every two seconds, with the same filters, and puts the rows it
// has not shown yet on top of the table; what the reader is looking at does not move.
import { h, fill, tableRow } from "./dom.js";
import { withParams } from "./route.js";

export const TAIL_MS = 2000;

/**
 * A list's live tail, over the table inside `results`. `fetchFirst()` resolves to the first page's rows, newest first; `keyOf`
 * and `timeOf` (RFC 3339, which sorts as text) tell rows apart and their order; `cellsOf` makes
 * a row's cells. Rows get data-key/data-time (pass `rowData` to `table`). The toggle writes
 * `live=1` into the URL in place, so the filters, the page and the scroll stay as they are.
 */
export function liveTail(prefix, on, results, { fetchFirst, keyOf, timeOf, cellsOf }) {
  const status = h("span", { class: "muted live-status", id: `${prefix}-live-status`, role: "status" });
  let timer = null;
  let running = false;
  let added = 0;
  const stop = () => { running = false; clearTimeout(timer); timer = null; };
  const tick = async () => {
    // Another page (or this one drawn again) has replaced the list: this tail is over.
    if (!running || !document.contains(results)) return stop();
    try {
      const rows = await fetchFirst();
      const tbody = results.querySelector("tbody");
      if (running && tbody && document.contains(results)) {
        // The status line is above the table: its change is kept in place with the new rows.
        keepInPlace(tbody.rows[0], () => {
          added += prepend(tbody, rows, { keyOf, timeOf, cellsOf });
          fill(status, `live · ${added} new since switched on · checked ${new Date().toISOString().slice(11, 19)} UTC`);
        });
      }
    } catch (error) {
      fill(status, `live · the last check failed: ${error.message}`);
    }
    if (running) timer = setTimeout(tick, TAIL_MS);
  };
  const start = () => {
    if (running) return;
    running = true;
    added = 0;
    fill(status, "live");
    timer = setTimeout(tick, TAIL_MS);
  };
  const box = h("input", { type: "checkbox", id: `${prefix}-live`, checked: on,
    onchange: () => {
      history.replaceState(null, "", withParams({ live: box.checked ? "1" : null }));
      if (box.checked) start(); else { stop(); fill(status); }
    } });
  if (on) start();
  return {
    node: h("span", { class: "live-control" }, h("label", { class: "check" }, box, " Live (new rows every 2 s)"), status),
    rowData: (row) => ({ key: keyOf(row), time: timeOf(row) || "" }),
  };
}

/** Puts the rows not shown yet, and not older than the newest shown, on top of `tbody`. */
function prepend(tbody, rows, { keyOf, timeOf, cellsOf }) {
  const shown = [...tbody.querySelectorAll("tr[data-key]")];
  const keys = new Set(shown.map((tr) => tr.dataset.key));
  const newest = shown.reduce((max, tr) => tr.dataset.time > max ? tr.dataset.time : max, "");
  const fresh = rows.filter((r) => !keys.has(keyOf(r)) && (timeOf(r) || "") >= newest);
  if (!fresh.length) return 0;
  tbody.querySelector("td.empty")?.closest("tr").remove();
  tbody.prepend(...fresh.map((r) => {
    const tr = tableRow(cellsOf(r), { key: keyOf(r), time: timeOf(r) || "" });
    tr.classList.add("live-new");
    return tr;
  }));
  return fresh.length;
}

/**
 * Runs `change` (content added above `anchor`) so that `anchor` stays where it is on screen
 * when the reader has scrolled down; at the top of the page the new content pushes the rest
 * down, as a feed does. The browser's own scroll anchoring (Chromium's) would move the window
 * too, or not, by its own choice of anchor: it is off during the change.
 */
function keepInPlace(anchor, change) {
  const before = anchor ? anchor.getBoundingClientRect().top : 0;
  const root = document.documentElement;
  root.style.overflowAnchor = "none";
  change();
  if (anchor && anchor.isConnected && window.scrollY > 0) window.scrollBy(0, anchor.getBoundingClientRect().top - before);
  requestAnimationFrame(() => { root.style.overflowAnchor = ""; });
}
