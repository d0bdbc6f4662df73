// Online pipelines with their results, and offline evaluation runs with their statistics. Both
// APIs may be missing from this emulator build: the shell hides these sections then (api.js).
import { api, V1 } from "./api.js";
import { recordHref, lookup } from "./links.js";
import { h, fill, table, fields, link, when, errorBox, loading, pageHeader, badge, shortID, durationNs, notice, idRef, withJSON, pairs } from "./dom.js";

export async function pipelinesPage(view) {
  const header = pageHeader("Pipelines", "Online evaluation pipelines: spans matching a selector are judged as they arrive.");
  fill(view, header, loading());
  try {
    const data = await api("GET", `${V1}/pipelines`, { query: { page_size: 100 } });
    const page = data.pipelines || data;
    fill(view, header, table("Pipelines", ["Name", "Slug", "Enabled", "Configs", "Updated (UTC)"], page.results.map((p) => [
      link(`#/pipelines/${p.id}`, p.name), h("span", { class: "mono" }, p.slug), p.enabled ? badge("enabled", "ok") : badge("disabled"),
      (p.pipeline_configs || []).map((c) => c.slug).join(", ") || "—", when(p.updated_at),
    ]), { empty: "No pipeline in this workspace." }));
  } catch (error) {
    fill(view, header, errorBox(error, "Could not list pipelines"));
  }
}

export async function pipelinePage(view, id) {
  fill(view, pageHeader("Pipeline", id), loading());
  try {
    const pipeline = await api("GET", `${V1}/pipelines/${encodeURIComponent(id)}`);
    const slugs = (pipeline.pipeline_configs || []).map((c) => c.slug);
    const results = slugs.length
      ? (await api("POST", `${V1}/pipeline-results/search`, { query: { page_size: 50 }, body: { pipeline_config_slugs: slugs, search_expression: null } }).catch((e) => ({ error: e })))
      : { pipeline_results: { results: [] } };
    fill(view, pageHeader(pipeline.name, pipeline.description, link("#/pipelines", "← Pipelines", { class: "button secondary" })),
      h("section", { class: "panel" }, withJSON(pipeline, fields([["Id", idRef(pipeline.id, null, { full: true })], ["Slug", pipeline.slug], ["Enabled", String(pipeline.enabled)],
        ["Selectors", pipeline.selectors]]), "pipeline")),
      h("h2", {}, "Configs"),
      table("Pipeline configs", ["Slug", "Judge", "Version", "Sampling"], (pipeline.pipeline_configs || []).map((c) => [
        h("span", { class: "mono" }, c.slug), c.scorer_slug || "—", c.scorer_version == null ? "—" : String(c.scorer_version), c.sampling ? JSON.stringify(c.sampling) : "all",
      ])),
      h("h2", {}, "Results"),
      results.error ? errorBox(results.error, "Could not read the results")
        : table("Pipeline results", ["Span", "Trace", "Evaluated (UTC)", "Duration", "Labels", "Scores"], results.pipeline_results.results.map((r) => [
          r.span_name, idRef(r.trace_id, `#/traces/${r.trace_id}/${r.span_id}`), when(r.evaluated_at), durationNs(r.duration_ns),
          pairs(r.judge_labels),
          pairs(r.judge_scores),
        ]), { empty: "No span judged yet." }));
  } catch (error) {
    fill(view, pageHeader("Pipeline", id), errorBox(error, "Could not load the pipeline"));
  }
}

export async function runsPage(view) {
  const header = pageHeader("Evaluation runs", "Offline evaluation runs, their goals and statistics.");
  fill(view, header, loading());
  try {
    const data = await api("POST", `${V1}/evaluation-runs_v2/search`, { query: { page_size: 100 }, body: {} });
    const page = data.runs || data;
    fill(view, header, table("Evaluation runs", ["Run", "Evaluation", "Project", "Status", "Passed", "Created (UTC)"], page.results.map((r) => [
      link(`#/evaluations/${r.id}`, r.name || shortID(r.id)), r.evaluation ? r.evaluation.name : idRef(r.evaluation_id), r.project ? r.project.name : "—",
      badge(r.status), r.passed == null ? "—" : r.passed ? badge("passed", "ok") : badge("failed", "error"), when(r.created_at),
    ]), { empty: "No evaluation run in this workspace." }));
  } catch (error) {
    fill(view, header, errorBox(error, "Could not list evaluation runs"));
  }
}

export async function runPage(view, id) {
  fill(view, pageHeader("Evaluation run", id), loading());
  try {
    const [run, stats, records] = await Promise.all([
      api("GET", `${V1}/evaluation-runs_v2/${encodeURIComponent(id)}`),
      api("GET", `${V1}/evaluation-runs_v2/${encodeURIComponent(id)}/statistics`).catch((e) => ({ error: e })),
      api("POST", `${V1}/evaluation-runs_v2/${encodeURIComponent(id)}/records/search`, { query: { page_size: 50 }, body: {} }).catch((e) => ({ error: e })),
    ]);
    fill(view, pageHeader(run.name || "Evaluation run", run.description, link("#/evaluations", "← Evaluation runs", { class: "button secondary" })),
      h("section", { class: "panel" }, withJSON(run, fields([["Id", idRef(run.id, null, { full: true })], ["Status", badge(run.status)],
        ["Passed", run.passed == null ? null : String(run.passed)], ["Generations", run.num_generations], ["Created (UTC)", when(run.created_at)],
        ["Goals", run.goal_results && Object.keys(run.goal_results).length ? run.goal_results : null], ["Run scores", run.run_scores && Object.keys(run.run_scores).length ? run.run_scores : null]]), "evaluation run")),
      h("h2", {}, "Statistics"),
      stats.error ? errorBox(stats.error, "Could not read the statistics") : statistics(stats.statistics || {}),
      h("h2", {}, "Records"),
      records.error ? errorBox(records.error, "Could not read the records") : runRecords(records.records));
  } catch (error) {
    fill(view, pageHeader("Evaluation run", id), errorBox(error, "Could not load the run"));
  }
}

/** A run's records: input, generations with their scores, and the dataset record evaluated
 * (a link to it in its dataset, where the record names one). */
function runRecords(page) {
  const text = (value) => typeof value === "string" ? value : JSON.stringify(value);
  return table("Records of this run", ["Input", "Generations", "Scores", "Dataset record"], page.results.map((r) => {
    const generations = (r.output_record && r.output_record.generations) || [];
    const scores = generations.map((g) => pairs(Object.fromEntries(Object.entries(g.scores || {}).map(([k, list]) => [k, (Array.isArray(list) ? list : [list]).map((s) => s && s.value).join(", ")]))));
    return [
      h("span", { class: "attr-value" }, text(r.input).slice(0, 160)), String(generations.length), scores.join(" | ") || "—",
      r.dataset_record_id ? lookup(recordHref(r.dataset_record_id).then((href) => [href]), ([href]) => link(href, shortID(r.dataset_record_id), { class: "dataset-record-link", title: r.dataset_record_id }), "—")
        : h("span", { class: "muted" }, "—"),
    ];
  }), { empty: "No record." });
}

/** One card per evaluator: numbers for numeric ones, frequency bars for categorical ones. */
function statistics(byEvaluator) {
  const entries = Object.entries(byEvaluator);
  if (!entries.length) return notice("No statistics.");
  return h("div", { class: "cards" }, entries.map(([name, s]) => {
    const scalars = ["count", "sample_count", "avg", "min", "max", "std", "excluded_count"].filter((k) => s[k] !== undefined && s[k] !== null);
    const freq = s.frequencies ? Object.entries(s.frequencies) : [];
    const total = freq.reduce((sum, [, n]) => sum + Number(n || 0), 0) || 1;
    return h("section", { class: "panel card" }, h("h3", {}, name, " ", s.type ? badge(s.type) : null),
      fields(scalars.map((k) => [k, typeof s[k] === "number" && !Number.isInteger(s[k]) ? s[k].toFixed(3) : s[k]])),
      freq.length ? h("ul", { class: "bars", "aria-label": `${name} frequencies` }, freq.map(([label, n]) => {
        const bar = h("span", { class: "freq-bar" });
        bar.style.width = `${(Number(n) / total) * 100}%`;
        return h("li", {}, h("span", { class: "freq-label" }, `${label}: ${n}`), h("span", { class: "freq-track", "aria-hidden": "true" }, bar));
      })) : null,
      Object.keys(s).some((k) => !scalars.includes(k) && !["frequencies", "type"].includes(k))
        ? h("details", {}, h("summary", {}, "All values"), h("pre", { class: "json" }, JSON.stringify(s, null, 2))) : null);
  }));
}
