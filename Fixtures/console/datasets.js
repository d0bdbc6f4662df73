// Datasets with their records and import tasks.
import { api, V1 } from "./api.js";
import { recordSource, recordPage, runRecordsByDatasetRecord } from "./links.js";
import { h, fill, table, fields, link, when, errorBox, loading, pageHeader, badge, shortID, conversation, idRef, withJSON } from "./dom.js";

export async function datasetsPage(view) {
  const header = pageHeader("Datasets", "The workspace's datasets.");
  fill(view, header, loading());
  try {
    const data = await api("GET", `${V1}/datasets`, { query: { page_size: 100 } });
    fill(view, header, table("Datasets", ["Name", "Slug", "Description", "Updated (UTC)"], data.datasets.results.map((d) => [
      link(`#/datasets/${d.id}`, d.name), h("span", { class: "mono" }, d.slug || "—"), d.description || "—", when(d.updated_at || d.created_at),
    ]), { empty: "No dataset in this workspace yet. Create one with the SDK (datasets.create) and it shows here." }));
  } catch (error) {
    fill(view, header, errorBox(error, "Could not list datasets"));
  }
}

export async function datasetPage(view, id, params) {
  // ?record=<id>: that record is opened (a link from its event, span or evaluation run), on
  // its page when the link does not say which.
  const opened = params.get("record");
  fill(view, pageHeader("Dataset", id), loading());
  try {
    const page = Math.max(Number(params.get("page")) || (opened && await recordPage(id, opened, PER_PAGE)) || 1, 1);
    const evaluated = runRecordsByDatasetRecord().catch(() => new Map());
    const [dataset, records, tasks] = await Promise.all([
      api("GET", `${V1}/datasets/${encodeURIComponent(id)}`),
      api("GET", `${V1}/datasets/${encodeURIComponent(id)}/records`, { query: { page, page_size: PER_PAGE } }),
      api("GET", `${V1}/datasets/${encodeURIComponent(id)}/tasks`, { query: { page_size: 50 } }),
    ]);
    const recs = records.records || records;
    const taskList = tasks.tasks || tasks;
    fill(view,
      pageHeader(dataset.name, dataset.description, link("#/datasets", "← Datasets", { class: "button secondary" })),
      h("section", { class: "panel" }, withJSON(dataset, fields([["Id", idRef(dataset.id, null, { full: true })], ["Slug", dataset.slug], ["Created (UTC)", when(dataset.created_at)], ["Records", String(recs.count)]]), "dataset")),
      h("h2", { id: "records-h" }, "Records"),
      h("ul", { class: "records", "aria-labelledby": "records-h" }, recs.results.length ? recs.results.map((r) => h("li", { class: "panel", id: `record-${r.id}` },
        h("details", { open: r.id === opened }, h("summary", {}, badge(r.source || "record"), " ", h("span", { class: "mono" }, shortID(r.id)), " · ",
          previewOf(r.payload), " · ", when(r.created_at), recordSource(r) ? [" · ", recordSource(r)] : null, runLinks(evaluated, r.id)),
          withJSON(r, [r.payload && Array.isArray(r.payload.messages) ? conversation(r.payload.messages, "Record messages") : fields([["Payload", r.payload]]),
            fields([["Id", idRef(r.id, null, { full: true })], ["Properties", r.properties]])], "record")))) : h("li", { class: "muted" }, "No record.")),
      h("nav", { class: "pager", "aria-label": "Record pages" },
        page > 1 ? link(`#/datasets/${id}?page=${page - 1}`, "← Previous", { class: "button secondary" }) : null,
        h("span", { class: "muted" }, `Page ${page}`),
        recs.next ? link(`#/datasets/${id}?page=${page + 1}`, "Next →", { class: "button secondary" }) : null),
      h("h2", {}, "Import tasks"),
      table("Import tasks", ["Task", "Status", "Progress", "Message", "Records", "Created (UTC)"], taskList.results.map((t) => [
        idRef(t.id), badge(t.status), t.progress == null ? "—" : `${t.progress}%`, t.message || "—",
        t.result ? `${t.result.imported_record_count} imported, ${t.result.skipped_record_count} skipped` : "—", when(t.created_at),
      ]), { empty: "No import task." }));
    if (opened) document.getElementById(`record-${opened}`)?.scrollIntoView({ block: "center" });
  } catch (error) {
    fill(view, pageHeader("Dataset", id), errorBox(error, "Could not load the dataset"), link("#/datasets", "← Datasets"));
  }
}

const PER_PAGE = 25;

/** " · evaluated in <run>" for the offline runs that evaluated a record, filled when known. */
function runLinks(evaluated, recordID) {
  const slot = h("span", { class: "record-runs" });
  evaluated.then((byRecord) => {
    const runs = [...new Map((byRecord.get(recordID) || []).map(({ run }) => [run.id, run])).values()];
    if (runs.length) fill(slot, " · evaluated in ", runs.map((run, i) => [i ? ", " : "", link(`#/evaluations/${run.id}`, run.name || shortID(run.id), { class: "run-link" })]));
  });
  return slot;
}

function previewOf(payload) {
  const messages = payload && payload.messages;
  if (!Array.isArray(messages)) return "payload";
  const user = [...messages].reverse().find((m) => m.role === "user");
  const text = user && typeof user.content === "string" ? user.content : `${messages.length} messages`;
  return text.length > 80 ? text.slice(0, 79) + "…" : text;
}
