// Links both ways where the data ties two objects, each found through the public API:
//   an event and the chat span that made it: the event's correlation_id is the completion id
//     (unless the caller sent X-Correlation-Id), which the SDK's telemetry records as the span's
//     gen_ai.response.id (response_id); failing that, the same model and the same answer, the
//     span started within a minute of the event;
//   a span and the pipeline results (online evaluations) that judged it;
//   a dataset record and the event or span it was imported from (its event_id, or trace_id and
//     span_id, properties), and back by reading the workspace's datasets;
//   an offline evaluation run's record and the dataset record it evaluated (dataset_record_id),
//     and back by reading the workspace's runs.
import { api, allPages, isAvailable, V1 } from "./api.js";
import { h, fill, idRef, link, shortID } from "./dom.js";
import { quote } from "./finder.js";

const WINDOW_MS = 60e3;

/** The assistant's text of an event's response. */
export function eventAnswer(event) {
  return (event.response_messages || []).map((m) => typeof m.content === "string" ? m.content
    : Array.isArray(m.content) ? m.content.map((p) => p.text ?? "").join("") : "").join("\n").trim();
}

/** The assistant's text of a span's output messages (the GenAI conventions' JSON). */
export function spanAnswer(span) {
  try {
    const messages = JSON.parse(span.output_messages || "[]");
    return messages.map((m) => (m.parts || []).filter((p) => typeof p.content === "string").map((p) => p.content).join("")).join("\n").trim();
  } catch { return ""; }
}

const around = (text) => {
  const at = Date.parse(text);
  return { from: new Date(at - WINDOW_MS).toISOString(), to: new Date(at + WINDOW_MS).toISOString() };
};

/** The chat spans that made an event. */
export async function spansOfEvent(event) {
  if (event.correlation_id) {
    const exact = await api("POST", `${V1}/spans/search`, { query: { page_size: 20 },
      body: { search_expression: `response_id = ${quote(event.correlation_id)}` } });
    if (exact.spans.results.length) return exact.spans.results;
  }
  const answer = eventAnswer(event);
  if (!answer) return [];
  const model = event.extra_fields && event.extra_fields.model_name;
  const window = around(event.created_at);
  const data = await api("POST", `${V1}/spans/search`, { query: { page_size: 100, ...window },
    body: { search_expression: model ? `request_model = ${quote(model)} OR response_model = ${quote(model)}` : "output_messages != ''" } });
  return data.spans.results.filter((s) => spanAnswer(s) === answer);
}

/** The events a chat span made: candidates by model, time and the start of the answer, then
 * each read whole to compare the answer. */
export async function eventsOfSpan(span) {
  if (span.response_id) {
    const exact = await api("POST", `${V1}/chat-completion-events/search`, { query: { page_size: 20 },
      body: { search_params: { filters: { field: "correlation_id", op: "eq", value: span.response_id } } } });
    if (exact.completion_events.results.length) {
      return Promise.all(exact.completion_events.results.map((e) => api("GET", `${V1}/chat-completion-events/${encodeURIComponent(e.event_id)}`)));
    }
  }
  const answer = spanAnswer(span);
  if (!answer) return [];
  const model = span.response_model || span.request_model;
  const window = around(span.start_time);
  const conditions = [{ field: "timestamp", op: "gte", value: window.from }, { field: "timestamp", op: "lte", value: window.to },
    { field: "response_messages_preview", op: "startswith", value: answer.slice(0, 40) }];
  if (model) conditions.push({ field: "model_name", op: "eq", value: model });
  const data = await api("POST", `${V1}/chat-completion-events/search`, { query: { page_size: 20 }, body: { search_params: { filters: { AND: conditions } } } });
  const events = await Promise.all(data.completion_events.results.map((e) => api("GET", `${V1}/chat-completion-events/${encodeURIComponent(e.event_id)}`)));
  return events.filter((e) => eventAnswer(e) === answer);
}

/** The pipeline results (online evaluations) of one trace, each with its pipeline's id. */
export async function pipelineResultsOf(traceID) {
  if (!(await isAvailable("pipelines"))) return [];
  const data = await api("GET", `${V1}/pipelines`, { query: { page_size: 100 } });
  const pipelineOf = new Map();
  for (const p of (data.pipelines || data).results) for (const c of p.pipeline_configs || []) pipelineOf.set(c.slug, p);
  if (!pipelineOf.size) return [];
  const results = await allPages(`${V1}/pipeline-results/search`, "pipeline_results",
    { pipeline_config_slugs: [...pipelineOf.keys()], search_expression: `trace_id = ${quote(traceID)}` }, 500);
  return results.map((r) => ({ ...r, pipeline: [...pipelineOf.entries()].find(([slug]) => slug in (r.judge_labels || {}) || slug in (r.judge_scores || {}))?.[1] || null }));
}

/** Where a dataset record came from, as a link, or null when it does not say. */
export function recordSource(record) {
  const p = record.properties || {};
  if (typeof p.trace_id === "string" && p.trace_id) {
    return h("span", { class: "record-source" }, "from span ", link(`#/traces/${p.trace_id}${p.span_id ? "/" + p.span_id : ""}`, shortID(p.span_id || p.trace_id), { class: "mono", title: `${p.trace_id} / ${p.span_id || ""}` }));
  }
  if (typeof p.event_id === "string" && p.event_id) {
    return h("span", { class: "record-source" }, "from event ", link(`#/events/${p.event_id}`, shortID(p.event_id), { class: "mono", title: p.event_id }));
  }
  return null;
}

const RECORDS_PER_PAGE = 25;

/** The dataset records that name this event (`{event_id}`) or span (`{trace_id, span_id}`),
 * found by reading the workspace's datasets (at most 50 datasets, 1 000 records each). */
export async function recordsFrom(match) {
  const data = await api("GET", `${V1}/datasets`, { query: { page_size: 50 } });
  const found = [];
  await Promise.all(data.datasets.results.map(async (dataset) => {
    const records = [];
    for (let page = 1; page <= 10; page += 1) {
      const batch = (await api("GET", `${V1}/datasets/${encodeURIComponent(dataset.id)}/records`, { query: { page, page_size: 100 } })).records;
      records.push(...batch.results);
      if (!batch.next) break;
    }
    records.forEach((r, index) => {
      const p = r.properties || {};
      if (Object.entries(match).every(([k, v]) => p[k] === v)) found.push({ dataset, record: r, page: Math.floor(index / RECORDS_PER_PAGE) + 1 });
    });
  }));
  return found;
}

/** Links to dataset records, for a detail field. */
export function recordLinks(found) {
  return found.map(({ dataset, record, page }, i) => [i ? ", " : "",
    link(`#/datasets/${dataset.id}?page=${page}&record=${record.id}`, `${dataset.name} · ${shortID(record.id)}`, { class: "record-link" })]);
}

/** A slot filled when a look-up resolves: its links, "none" or why it failed. */
export function lookup(promise, render, none = "none") {
  const slot = h("span", { class: "muted lookup" }, "looking…");
  promise.then((items) => {
    slot.classList.toggle("muted", !items.length);
    fill(slot, items.length ? render(items) : none);
  }, (error) => fill(slot, `could not look: ${error.message}`));
  return slot;
}

/** Links to events, for a detail field. */
export function eventLinks(events) {
  return events.map((e, i) => [i ? ", " : "", idRef(e.event_id, `#/events/${e.event_id}`)]);
}

/** Where a dataset record is shown: its dataset's page with the record opened. */
export async function recordHref(recordID) {
  const record = await api("GET", `${V1}/dataset-records/${encodeURIComponent(recordID)}`);
  return `#/datasets/${record.dataset_id}?record=${record.id}`;
}

/** The 1-based page (of `perPage`) of a dataset's records that holds `recordID`, or null. */
export async function recordPage(datasetID, recordID, perPage) {
  let index = 0;
  for (let page = 1; page <= 10; page += 1) {
    const batch = (await api("GET", `${V1}/datasets/${encodeURIComponent(datasetID)}/records`, { query: { page, page_size: 100 } })).records;
    const at = batch.results.findIndex((r) => r.id === recordID);
    if (at !== -1) return Math.floor((index + at) / perPage) + 1;
    index += batch.results.length;
    if (!batch.next) break;
  }
  return null;
}

/** The offline evaluation runs' records by the dataset record they evaluated, read from the
 * workspace's runs (at most 50 runs, 100 records each); empty when runs are not served. */
export async function runRecordsByDatasetRecord() {
  const byRecord = new Map();
  if (!(await isAvailable("evaluations"))) return byRecord;
  const runs = (await api("POST", `${V1}/evaluation-runs_v2/search`, { query: { page_size: 50 }, body: {} })).runs.results;
  await Promise.all(runs.map(async (run) => {
    const data = await api("POST", `${V1}/evaluation-runs_v2/${encodeURIComponent(run.id)}/records/search`, { query: { page_size: 100 }, body: {} });
    for (const r of data.records.results) {
      if (!r.dataset_record_id) continue;
      if (!byRecord.has(r.dataset_record_id)) byRecord.set(r.dataset_record_id, []);
      byRecord.get(r.dataset_record_id).push({ run, record: r });
    }
  }));
  return byRecord;
}
