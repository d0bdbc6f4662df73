// The control plane: the request journal (live, filterable) and fault rules.
import { control as call, session } from "./api.js";
import { h, fill, table, errorBox, loading, control, select, pageHeader, badge, code, notice } from "./dom.js";
import { withParams } from "./route.js";

const journal = { method: "", path_prefix: "", status: "", mine: false, live: true, timer: null };

/** Stops the journal's polling when another page is shown. */
export function leaveJournal() {
  clearTimeout(journal.timer);
  journal.timer = null;
}

export async function journalPage(view, params) {
  leaveJournal();
  // The filters are in the URL (method, path, status, mine, live=0); typing rewrites it in place.
  Object.assign(journal, { method: params.get("method") || "", path_prefix: params.get("path") || "", status: params.get("status") || "",
    mine: params.get("mine") === "1", live: params.get("live") !== "0" });
  const keep = () => history.replaceState(null, "", withParams({ method: journal.method, path: journal.path_prefix, status: journal.status,
    mine: journal.mine ? "1" : null, live: journal.live ? null : "0" }));
  const results = h("section", { "aria-label": "Journal entries" });
  const status = h("span", { class: "muted", role: "status", id: "journal-status" });
  const methodSelect = select([["", "any"], "GET", "POST", "PUT", "PATCH", "DELETE"], journal.method, { id: "journal-method", onchange: (e) => { journal.method = e.target.value; refresh(); } });
  const pathInput = h("input", { type: "text", id: "journal-path", value: journal.path_prefix, placeholder: "/v1/observability/judges", oninput: (e) => { journal.path_prefix = e.target.value; refresh(); } });
  const statusInput = h("input", { type: "number", id: "journal-status-code", value: journal.status, min: 0, max: 599, placeholder: "503", oninput: (e) => { journal.status = e.target.value; refresh(); } });
  const mine = h("input", { type: "checkbox", id: "journal-mine", checked: journal.mine, onchange: (e) => { journal.mine = e.target.checked; refresh(); } });
  const live = h("input", { type: "checkbox", id: "journal-live", checked: journal.live, onchange: (e) => { journal.live = e.target.checked; refresh(); } });

  async function refresh() {
    clearTimeout(journal.timer);
    if (!view.contains(results)) return;
    keep();
    try {
      const query = { limit: 200, method: journal.method, path_prefix: journal.path_prefix, status: journal.status,
        workspace_id: journal.mine ? session.workspaceID || "unknown" : "" };
      const data = await call("GET", "/__emulator/requests", { query });
      if (!view.contains(results)) return;
      fill(results, table("Requests, newest first", ["Time (UTC)", "Method", "Path", "Status", "ms", "Workspace"], data.requests.map((r) => [
        h("time", { datetime: r.time, title: r.time }, r.time.slice(11, 23)), r.method, h("span", { class: "mono path" }, r.path + (r.query ? `?${r.query}` : "")),
        badge(String(r.status), r.status >= 500 || r.status === 0 ? "error" : r.status >= 400 ? "warn" : "ok"),
        r.duration_ms.toFixed(1), h("span", { class: "mono", title: r.workspace_id || "" }, r.workspace_id ? r.workspace_id.slice(0, 8) : "—"),
      ]), { empty: "No request matches." }));
      fill(status, `${data.requests.length} shown · updated ${new Date().toISOString().slice(11, 19)} UTC${journal.live ? " · live" : ""}`);
    } catch (error) {
      fill(results, errorBox(error, "Could not read the journal"));
    }
    if (journal.live && view.contains(results)) journal.timer = setTimeout(refresh, 1500);
  }

  fill(view,
    pageHeader("Request journal", "Every request the emulator answered (the console's own files and journal reads excepted), newest first.",
      h("button", { type: "button", class: "secondary", onclick: async () => {
        try { await call("DELETE", "/__emulator/requests"); refresh(); } catch (error) { fill(results, errorBox(error, "Could not clear")); }
      } }, "Clear journal")),
    h("form", { class: "panel row filters", "aria-label": "Journal filters", onsubmit: (e) => { e.preventDefault(); refresh(); } },
      control("Method", methodSelect), control("Path starts with", pathInput), control("Status", statusInput),
      h("label", { class: "check" }, mine, " This workspace only"), h("label", { class: "check" }, live, " Live (every 1.5 s)"), status),
    results);
  refresh();
}

export async function faultsPage(view) {
  const header = pageHeader("Fault rules", "Make the emulator fail on purpose: a status, a delay or a dropped connection, for matching requests.");
  const list = h("section", { "aria-label": "Active fault rules", "aria-live": "polite" });
  const formResult = h("div", { "aria-live": "polite" });
  const input = {
    method: select([["", "any method"], "GET", "POST", "PUT", "PATCH", "DELETE"], "GET", { id: "fault-method" }),
    path: h("input", { type: "text", id: "fault-path", required: true, value: "/v1/observability/judges*" }),
    status: h("input", { type: "number", id: "fault-status", min: 200, max: 599, value: "503" }),
    error_code: h("input", { type: "text", id: "fault-code", placeholder: "optional" }),
    message: h("input", { type: "text", id: "fault-message", placeholder: "optional" }),
    delay_ms: h("input", { type: "number", id: "fault-delay", min: 0, max: 60000, value: "0" }),
    count: h("input", { type: "number", id: "fault-count", min: 1, value: "1", placeholder: "unlimited" }),
    probability: h("input", { type: "number", id: "fault-probability", min: 0, max: 1, step: "any", placeholder: "always" }),
    drop: h("input", { type: "checkbox", id: "fault-drop" }),
  };

  async function refresh() {
    try {
      const data = await call("GET", "/__emulator/faults");
      fill(list, table("Active fault rules", ["Rule", "Method", "Path", "Effect", "Remaining", ""], data.faults.map((f) => [
        h("span", { class: "mono" }, String(f.id).slice(0, 8)), f.method || "any", code(f.path),
        [f.status ? `status ${f.status}` : null, f.delay_ms ? `delay ${f.delay_ms} ms` : null, f.drop ? "drop" : null, f.probability ? `p=${f.probability}` : null].filter(Boolean).join(", "),
        f.remaining == null ? "∞" : String(f.remaining),
        h("button", { type: "button", class: "secondary small", "aria-label": `Remove rule ${String(f.id).slice(0, 8)}`, onclick: async () => {
          try { await call("DELETE", `/__emulator/faults/${f.id}`); } catch (error) { fill(formResult, errorBox(error)); }
          refresh();
        } }, "Remove"),
      ]), { empty: "No active rule: every request is served normally." }));
    } catch (error) {
      fill(list, errorBox(error, "Could not list fault rules"));
    }
  }

  fill(view, header,
    h("form", { class: "panel fault-form", "aria-label": "New fault rule", onsubmit: async (e) => {
      e.preventDefault();
      const body = { method: input.method.value || null, path: input.path.value, drop: input.drop.checked,
        delay_ms: Number(input.delay_ms.value || 0), count: input.count.value ? Number(input.count.value) : null,
        probability: input.probability.value ? Number(input.probability.value) : null };
      if (input.status.value) body.status = Number(input.status.value);
      if (input.error_code.value) body.error_code = input.error_code.value;
      if (input.message.value) body.message = input.message.value;
      try {
        const created = await call("POST", "/__emulator/faults", { body });
        fill(formResult, notice(`Rule ${created.id.slice(0, 8)} added.`, "ok"));
        refresh();
      } catch (error) {
        fill(formResult, errorBox(error, "Rule rejected"));
      }
    } },
      h("div", { class: "grid" },
        control("Method", input.method), control("Path", input.path, "Exact, or * as a wildcard."), control("Status", input.status),
        control("error_code", input.error_code), control("Message", input.message), control("Delay (ms)", input.delay_ms),
        control("Count", input.count, "Empty: until removed."), control("Probability", input.probability, "0–1; empty: every match."),
        h("label", { class: "check" }, input.drop, " Drop the connection")),
      h("div", { class: "row buttons" },
        h("button", { type: "submit", class: "primary", id: "fault-add" }, "Add rule"),
        h("button", { type: "button", class: "secondary", onclick: async () => {
          try { await call("DELETE", "/__emulator/faults"); refresh(); } catch (error) { fill(formResult, errorBox(error)); }
        } }, "Remove all rules")),
      formResult),
    h("h2", {}, "Active rules"), list,
    h("p", { class: "muted" }, "For one request only, send the header ", code("X-Emulator-Fault: status=503;delay=300;drop"), "."));
  refresh();
}
