// Judges: the list, one judge with its revision chain, and a try-it live judging form.
import { api, V1 } from "./api.js";
import { h, fill, table, fields, link, when, errorBox, loading, control, pageHeader, badge, shortID, notice, idRef, withJSON } from "./dom.js";

export async function judgesPage(view, params) {
  const q = params.get("q") || "";
  const search = h("input", { type: "search", id: "judge-q", value: q, placeholder: "name or description" });
  const header = pageHeader("Judges", "The workspace's judges (the newest revision of each).");
  fill(view, header, loading());
  try {
    const data = await api("GET", `${V1}/judges`, { query: { page_size: 100, q } });
    const page = data.judges;
    fill(view, header,
      h("form", { class: "panel row", role: "search", onsubmit: (e) => { e.preventDefault(); location.hash = `#/judges?q=${encodeURIComponent(search.value)}`; } },
        control("Filter judges", search), h("button", { type: "submit", class: "secondary" }, "Filter")),
      table("Judges", ["Name", "Output", "Model", "Updated (UTC)", "Revision of"], page.results.map((j) => [
        link(`#/judges/${j.id}`, j.name), j.output.type === "REGRESSION" ? `number ${j.output.min}–${j.output.max}` : (j.output.options || []).map((o) => o.value).join(" · "),
        j.model_name, when(j.updated_at), j.base_revision === j.id ? h("span", { class: "muted" }, "first") : idRef(j.base_revision, `#/judges/${j.base_revision}`),
      ]), { empty: "No judge in this workspace." }),
      h("p", { class: "muted" }, `${page.count} judge${page.count === 1 ? "" : "s"}.`));
  } catch (error) {
    fill(view, header, errorBox(error, "Could not list judges"));
  }
}

/** Every revision of a judge, oldest first, following down_revision and up_revision links. */
async function revisionChain(judge) {
  const chain = [judge];
  let cursor = judge;
  while (cursor.down_revision && chain.length < 50) {
    cursor = await api("GET", `${V1}/judges/${cursor.down_revision}`);
    chain.unshift(cursor);
  }
  cursor = judge;
  while (cursor.up_revision && chain.length < 100) {
    cursor = await api("GET", `${V1}/judges/${cursor.up_revision}`);
    chain.push(cursor);
  }
  return chain;
}

export async function judgePage(view, id) {
  fill(view, pageHeader("Judge", id), loading());
  let judge, chain;
  try {
    judge = await api("GET", `${V1}/judges/${encodeURIComponent(id)}`);
    chain = await revisionChain(judge);
  } catch (error) {
    return fill(view, pageHeader("Judge", id), errorBox(error, "Could not load the judge"), link("#/judges", "← Judges"));
  }
  const output = judge.output;
  fill(view,
    pageHeader(judge.name, judge.description, link("#/judges", "← Judges", { class: "button secondary" })),
    h("div", { class: "split" },
      h("section", { class: "panel", "aria-labelledby": "def-h" }, h("h2", { id: "def-h" }, "Definition"),
        withJSON(judge, [fields([
          ["Id", idRef(judge.id, null, { full: true })], ["Model", judge.model_name], ["Updated (UTC)", when(judge.updated_at)],
          ["Output", output.type === "REGRESSION" ? `REGRESSION, ${output.min} (${output.min_description || ""}) to ${output.max} (${output.max_description || ""})`
            : h("ul", { class: "plain" }, (output.options || []).map((o) => h("li", {}, badge(o.value), " ", o.description || "")))],
        ]),
        h("h3", {}, "Instructions"), h("pre", { class: "instructions" }, judge.instructions)], "judge"),
        h("h3", {}, "Revision chain"),
        h("ol", { class: "revisions", "aria-label": "Revisions, oldest first" }, chain.map((r, i) => h("li", { class: r.id === judge.id ? "current" : "" },
          r.id === judge.id ? h("strong", { "aria-current": "page" }, `Revision ${i + 1}`) : link(`#/judges/${r.id}`, `Revision ${i + 1}`),
          " · ", idRef(r.id), " · ", when(r.updated_at), r.up_revision ? "" : h("span", { class: "badge badge-ok" }, "newest"))))),
      tryIt(judge)));
}

function tryIt(judge) {
  const user = h("textarea", { id: "try-user", rows: 3 }, "Where is my order AN-123456?");
  const assistant = h("textarea", { id: "try-assistant", rows: 4 }, "I've opened a ticket: your order AN-123456 ships tomorrow.");
  const properties = h("textarea", { id: "try-properties", rows: 2, class: "mono", spellcheck: "false" }, "{}");
  user.value = user.textContent; assistant.value = assistant.textContent; properties.value = "{}";
  const result = h("div", { class: "judgement", "aria-live": "polite" });
  return h("section", { class: "panel", "aria-labelledby": "try-h" }, h("h2", { id: "try-h" }, "Try it: live judging"),
    h("p", { class: "muted" }, "Judges a conversation with this revision (POST …/judges/{id}/live-judging). Deterministic: the same conversation gets the same answer."),
    h("form", { "aria-label": "Live judging", onsubmit: async (e) => {
      e.preventDefault();
      let props;
      try { props = properties.value.trim() ? JSON.parse(properties.value) : {}; } catch (error) {
        properties.setAttribute("aria-invalid", "true");
        return fill(result, errorBox({ message: `properties: not JSON (${error.message})` }, "Check the form"));
      }
      properties.removeAttribute("aria-invalid");
      fill(result, loading("Judging…"));
      const messages = [{ role: "user", content: user.value }, { role: "assistant", content: assistant.value }];
      try {
        const answer = await api("POST", `${V1}/judges/${judge.id}/live-judging`, { body: { messages, properties: props } });
        fill(result, h("div", { class: "notice notice-ok", role: "status", id: "judgement" },
          h("div", { class: "answer" }, "Answer: ", h("strong", { id: "judgement-answer" }, String(answer.answer))),
          h("p", { id: "judgement-analysis" }, answer.analysis)));
      } catch (error) {
        fill(result, errorBox(error, "Judging failed"));
      }
    } },
      control("User message", user), control("Assistant answer", assistant),
      control("Properties (JSON)", properties, "e.g. {\"expected_output\": \"…\"}; rules can read properties.<key>."),
      h("button", { type: "submit", class: "primary", id: "try-judge" }, "Judge this conversation")),
    result);
}

export async function campaignsPage(view) {
  const header = pageHeader("Campaigns", "Judges run over the events a filter selects.");
  fill(view, header, loading());
  try {
    const data = await api("GET", `${V1}/campaigns`, { query: { page_size: 100 } });
    fill(view, header, table("Campaigns", ["Name", "Judge", "Events", "Created (UTC)"], data.campaigns.results.map((c) => [
      link(`#/campaigns/${c.id}`, c.name || shortID(c.id)), c.judge ? link(`#/judges/${c.judge.id}`, c.judge.name) : idRef(c.judge_id),
      String(c.max_nb_events ?? "—"), when(c.created_at),
    ]), { empty: "No campaign in this workspace yet. Create one with the SDK (campaigns.create) and it shows here." }));
  } catch (error) {
    fill(view, header, errorBox(error, "Could not list campaigns"));
  }
}

export async function campaignPage(view, id) {
  fill(view, pageHeader("Campaign", id), loading());
  try {
    const [campaign, status, selected] = await Promise.all([
      api("GET", `${V1}/campaigns/${id}`), api("GET", `${V1}/campaigns/${id}/status`),
      api("GET", `${V1}/campaigns/${id}/selected-events`, { query: { page_size: 100 } }),
    ]);
    const list = selected.completion_events || selected.events || selected;
    const results = list.results || [];
    fill(view, pageHeader(campaign.name || "Campaign", campaign.description, link("#/campaigns", "← Campaigns", { class: "button secondary" })),
      h("section", { class: "panel" }, withJSON(campaign, fields([["Id", idRef(campaign.id, null, { full: true })], ["Status", badge(status.status)], ["Created (UTC)", when(campaign.created_at)],
        ["Judge", campaign.judge ? link(`#/judges/${campaign.judge.id}`, campaign.judge.name) : campaign.judge_id], ["Max events", campaign.max_nb_events],
        ["Filter", campaign.search_params || campaign.filters || null]]), "campaign")),
      h("h2", {}, "Selected events"),
      table("Selected events", ["Event", "Created (UTC)", "Annotations"], results.map((e) => [
        idRef(e.event_id, `#/events/${e.event_id}`), when(e.created_at),
        Object.entries(e.extra_fields || {}).map(([k, v]) => `${k.startsWith("__judge_") ? "judge" : k}: ${typeof v === "object" ? JSON.stringify(v) : v}`).join("; ") || "—",
      ]), { empty: status.status === "RUNNING" ? "Still running…" : "No event selected." }));
  } catch (error) {
    fill(view, pageHeader("Campaign", id), errorBox(error, "Could not load the campaign"));
  }
}

