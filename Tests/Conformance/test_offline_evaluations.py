"""Offline evaluations (SDK 3.1+) over raw HTTP: the 14 read operations on the seeded
fixtures and on runs loaded through the control plane, their documented errors, the loaders'
validation (clear messages naming the field, nothing stored on error) and reset. The 2.9.4 SDK
of this suite has no such methods; the SDK matrix drives them through 3.7.0 with statistics
checked against an independent computation."""

from __future__ import annotations

import statistics
import uuid

import pytest

from conftest import API, HTTP, assert_error, new_token

OPS = {
    "projects": "get_projects_v1_observability_projects_get",
    "project": "get_project_v1_observability_projects__project_slug__get",
    "evaluations": "get_project_evaluations_v2_v1_observability_projects__project_slug__evaluations_v2_get",
    "evaluation": "get_evaluation_v2_v1_observability_evaluations_v2__evaluation_slug__get",
    "runs": "search_evaluation_runs_v2_v1_observability_evaluations_v2__evaluation_slug__runs_search_post",
    "all_runs": "search_all_evaluation_runs_v2_v1_observability_evaluation_runs_v2_search_post",
    "run": "get_evaluation_run_v2_v1_observability_evaluation_runs_v2__run_id__get",
    "statistics": "get_single_evaluation_run_statistics_v2_v1_observability_evaluation_runs_v2__run_id__statistics_get",
    "compute": "compute_filtered_run_statistics_v2_v1_observability_evaluation_runs_v2__run_id__statistics_compute_post",
    "records": "search_evaluation_run_records_v2_v1_observability_evaluation_runs_v2__run_id__records_search_post",
    "record": "get_evaluation_run_record_v2_v1_observability_evaluation_runs_v2__run_id__records__record_id__get",
    "optimizations": "list_optimizations_v1_observability_optimizations_get",
    "optimization": "get_optimization_v1_observability_optimizations__optimization_id__get",
    "trials": "list_optimization_trials_v1_observability_optimizations__optimization_id__trials_get",
}
MISSING = "00000000-0000-4000-8000-000000000000"


def run_body(project="Conformance Project", evaluation="Conformance Eval", values=(1, 0, 1, 1), **extra) -> dict:
    body = {
        "project": project, "evaluation": evaluation, "name": extra.pop("name", "conformance run"),
        "evaluators": [{"name": "accuracy", "goal": {"operator": "gte", "value": 0.5},
                        "statistics": [{"kind": "avg"}, {"kind": "percentile", "percentile": 50}]},
                       {"name": "verdict", "statistics": [{"kind": "f1", "positive_label": "yes"}]}],
        "records": [{"input": {"q": f"question {i}"},
                     "generations": [{"output": f"answer {i}",
                                      "scores": {"accuracy": v, "verdict": {"value": "yes" if v else "no", "metadata": {"expected": "yes"}}}}]}
                    for i, v in enumerate(values)],
    }
    body.update(extra)
    return body


def load(http: HTTP, body: dict) -> dict:
    r = http.post("/__emulator/evaluation-runs", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def seeded_run(http: HTTP, name: str) -> dict:
    r = http.post(f"{API}/evaluation-runs_v2/search", json=None)
    assert r.status_code == 200, r.text
    return next(run for run in r.json()["runs"]["results"] if run["name"] == name)


def optimization_id(http: HTTP) -> str:
    r = http.get(f"{API}/optimizations", params={"project": "language-detection"})
    assert r.status_code == 200, r.text
    return r.json()["optimizations"]["results"][0]["id"]


# --------------------------------------------------------------------------------------------
# The seeded fixtures through every operation
# --------------------------------------------------------------------------------------------

@pytest.mark.operation(OPS["projects"])
def test_projects_list_seeded_and_paged(http):
    r = http.get(f"{API}/projects", params={"page_size": 1})
    assert r.status_code == 200, r.text
    page = r.json()["projects"]
    assert page["count"] >= 2 and len(page["results"]) == 1 and page["next"] and page["previous"] is None
    names = {p["name"] for p in http.get(f"{API}/projects", params={"page_size": 100}).json()["projects"]["results"]}
    assert {"Language Detection", "Support Bot"} <= names
    only = http.get(f"{API}/projects", params={"q": "SUPPORT"}).json()["projects"]["results"]
    assert [p["slug"] for p in only] == ["support-bot"]
    assert only[0]["evaluations"] == [{"id": only[0]["evaluations"][0]["id"], "name": "Helpfulness", "slug": "helpfulness"}]
    assert_error(http.get(f"{API}/projects", params={"page_size": 101}), 422, "VALIDATION_ERROR", contains="page_size")


@pytest.mark.operation(OPS["project"])
def test_project_by_slug_and_unknown(http):
    project = http.get(f"{API}/projects/language-detection").json()
    assert project["name"] == "Language Detection" and [e["slug"] for e in project["evaluations"]] == ["accuracy-eval"]
    assert http.get(f"{API}/projects/{project['id']}").json() == project
    assert_error(http.get(f"{API}/projects/unknown-project"), 404, "PROJECT_NOT_FOUND", contains="unknown-project")
    assert_error(http.get(f"{API}/projects/language-detection", auth=False), 401, "AUTH_UNAUTHORIZED")


@pytest.mark.operation(OPS["evaluations"])
def test_evaluations_of_a_seeded_project(http):
    body = http.get(f"{API}/projects/support-bot/evaluations_v2").json()["evaluations"]
    assert body["count"] == 1 and body["results"][0]["slug"] == "helpfulness" and body["results"][0]["metadata_"] == {}
    assert_error(http.get(f"{API}/projects/nope/evaluations_v2"), 404, "PROJECT_NOT_FOUND")


@pytest.mark.operation(OPS["evaluation"])
def test_evaluation_by_slug(http):
    evaluation = http.get(f"{API}/evaluations_v2/accuracy-eval").json()
    assert evaluation["name"] == "Accuracy Eval" and evaluation["tags"] == ["smoke"]
    assert_error(http.get(f"{API}/evaluations_v2/nope"), 404, "EVALUATION_NOT_FOUND")


@pytest.mark.operation(OPS["runs"])
def test_runs_of_an_evaluation_filtered(http):
    r = http.post(f"{API}/evaluations_v2/accuracy-eval/runs/search", json={"tags": {"values": ["prompt:v1"]}})
    assert r.status_code == 200, r.text
    assert [run["name"] for run in r.json()["runs"]["results"]] == ["ministral-3b-try", "small-baseline"]
    failed = http.post(f"{API}/evaluations_v2/accuracy-eval/runs/search",
                       json={"goal_filters": {"filters": [{"values": ["failed"], "evaluator_name": "accuracy"}]}}).json()
    assert [run["name"] for run in failed["runs"]["results"]] == ["ministral-3b-try"]
    assert_error(http.post(f"{API}/evaluations_v2/accuracy-eval/runs/search", json={"tags": {"combinator": "xor"}}),
                 422, "VALIDATION_ERROR", contains="tags.combinator")
    assert_error(http.post(f"{API}/evaluations_v2/nope/runs/search", json={}), 404, "EVALUATION_NOT_FOUND")


@pytest.mark.operation(OPS["all_runs"])
def test_all_runs_with_references_and_verdicts(http):
    runs = {run["name"]: run for run in http.post(f"{API}/evaluation-runs_v2/search").json()["runs"]["results"]}
    assert {"small-baseline", "ministral-3b-try", "small-prompt-v2", "support-large-2026-10"} <= set(runs)
    assert runs["small-baseline"]["passed"] is True and runs["ministral-3b-try"]["passed"] is False
    # The support run fails only its `min` statistic goal (a helpfulness score of 1 < 2).
    support = runs["support-large-2026-10"]
    assert support["passed"] is False and support["goal_results"]["helpfulness"]["passed"] is False
    assert support["goal_results"]["resolution_rate"]["passed"] is True
    assert support["project"]["slug"] == "support-bot" and support["evaluation"]["slug"] == "helpfulness"
    assert_error(http.post(f"{API}/evaluation-runs_v2/search", json=[1]), 422, "VALIDATION_ERROR")


@pytest.mark.operation(OPS["run"])
def test_run_statistics_from_the_fixture_scores(http):
    run = seeded_run(http, "support-large-2026-10")
    got = http.get(f"{API}/evaluation-runs_v2/{run['id']}").json()
    helpful = [5, 4, 4, 4, 2, 1, 5, 5]           # Fixtures/evaluations/runs.json (the failed generation's score excluded)
    stats = got["statistics"]["helpfulness"]
    assert stats["count"] == 8 and stats["sample_count"] == 4
    assert stats["avg"] == pytest.approx(statistics.mean(helpful)) and stats["std"] == pytest.approx(statistics.pstdev(helpful))
    assert got["statistics"]["tone"]["frequencies"] == {"polite": 4, "neutral": 3, "rude": 1}
    assert got["optimization"] is None and got["run_scores"]["resolution_rate"]["value"] == 0.75
    assert_error(http.get(f"{API}/evaluation-runs_v2/{MISSING}"), 404, "EVALUATION_RUN_NOT_FOUND")
    assert_error(http.get(f"{API}/evaluation-runs_v2/not-a-uuid"), 422, "VALIDATION_ERROR", contains="run_id")


@pytest.mark.operation(OPS["statistics"])
def test_statistics_of_a_loaded_run(http):
    loaded = load(http, run_body())
    stats = http.get(f"{API}/evaluation-runs_v2/{loaded['run_id']}/statistics").json()
    assert stats["run_id"] == loaded["run_id"]
    assert stats["statistics"]["accuracy"]["avg"] == 0.75
    assert {v["id"]: v["value"] for v in stats["statistics"]["accuracy"]["values"]} == {"avg": 0.75, "p50": 1.0}
    # verdict: 3 yes of 4, all expected yes: precision 1, recall 0.75, f1 = 6/7.
    assert stats["statistics"]["verdict"]["values"][0]["value"] == pytest.approx(6 / 7)
    assert stats["statistics"]["verdict"]["confusion_matrix"] == {"labels": ["no", "yes"], "matrix": [[0, 0], [1, 3]]}
    assert stats["passed"] is True
    assert_error(http.get(f"{API}/evaluation-runs_v2/{MISSING}/statistics"), 404, "EVALUATION_RUN_NOT_FOUND")


@pytest.mark.operation(OPS["compute"])
def test_compute_statistics_over_a_subset(http):
    loaded = load(http, run_body(values=(1, 0, 0, 1, 0)))
    url = f"{API}/evaluation-runs_v2/{loaded['run_id']}/statistics/compute"
    whole = http.post(url).json()
    assert whole["statistics"]["accuracy"]["avg"] == 0.4 and whole["passed"] is False
    part = http.post(url, json={"score_filters": {"filters": [{"evaluator_name": "accuracy", "metric": "avg", "operator": "eq", "value": 1}]}}).json()
    assert part["statistics"]["accuracy"]["count"] == 2 and part["statistics"]["accuracy"]["avg"] == 1.0 and part["passed"] is True
    part = http.post(url, json={"input_filters": {"filters": [{"path": "q", "value": "question 4", "operator": "equals"}]}}).json()
    assert part["statistics"]["accuracy"]["count"] == 1 and part["statistics"]["accuracy"]["avg"] == 0.0
    assert_error(http.post(url, json={"score_filters": {"filters": [{"evaluator_name": "accuracy", "metric": "avg", "operator": "near", "value": 1}]}}),
                 422, "VALIDATION_ERROR", contains="score_filters.filters[0].operator")
    assert_error(http.post(url, json={"score_filters": {"filters": [{"evaluator_name": "accuracy", "metric": "avg", "operator": "gt", "value": "x"}]}}),
                 400, "SEARCH_BAD_REQUEST", contains="score_filters.filters[0].operator")


@pytest.mark.operation(OPS["records"])
def test_records_search_filters_sorts_pages(http):
    loaded = load(http, run_body(values=(0.2, 0.9, 0.5, 0.7)))
    url = f"{API}/evaluation-runs_v2/{loaded['run_id']}/records/search"
    page = http.post(url, params={"page_size": 2}, json={"sort": {"kind": "score", "evaluator_name": "accuracy"}}).json()["records"]
    ids = loaded["record_ids"]
    assert page["count"] == 4 and [r["id"] for r in page["results"]] == [ids[1], ids[3]] and page["next"]
    asc = http.post(url, json={"sort": {"kind": "score", "evaluator_name": "accuracy", "direction": "asc"}}).json()["records"]["results"]
    assert [r["id"] for r in asc] == [ids[0], ids[2], ids[3], ids[1]]
    out = http.post(url, json={"output_filters": {"filters": [{"value": "ANSWER 2"}]}}).json()["records"]["results"]
    assert [r["id"] for r in out] == [ids[2]]
    failed = http.post(url, json={"goal_filters": {"filters": [{"values": ["failed"]}]}}).json()["records"]["results"]
    assert [r["id"] for r in failed] == [ids[0]]
    assert_error(http.post(url, json={"sort": {"kind": "field", "field": "name"}}), 422, "VALIDATION_ERROR", contains="sort.field")


@pytest.mark.operation(OPS["record"])
def test_record_with_generations(http):
    loaded = load(http, run_body())
    rec = http.get(f"{API}/evaluation-runs_v2/{loaded['run_id']}/records/{loaded['record_ids'][1]}").json()
    assert rec["input"] == {"q": "question 1"}
    (gen,) = rec["output_record"]["generations"]
    assert gen["output"] == "answer 1" and gen["scores"]["accuracy"][0]["value"] == 0
    assert gen["goal_results"]["accuracy"]["passed"] is False
    assert_error(http.get(f"{API}/evaluation-runs_v2/{loaded['run_id']}/records/{MISSING}"), 404, "EVALUATION_RECORD_NOT_FOUND")


@pytest.mark.operation(OPS["optimizations"])
def test_optimizations_list(http):
    listed = http.get(f"{API}/optimizations", params={"project": "language-detection", "tags": ["prompt", "language"]}).json()
    assert [o["name"] for o in listed["optimizations"]["results"]] == ["System prompt search"]
    assert http.get(f"{API}/optimizations", params={"algorithm": "nope"}).json()["optimizations"]["count"] == 0
    assert_error(http.get(f"{API}/optimizations", params={"project": "nope"}), 404, "PROJECT_NOT_FOUND")


@pytest.mark.operation(OPS["optimization"])
def test_optimization_detail(http):
    detail = http.get(f"{API}/optimizations/{optimization_id(http)}").json()
    assert detail["project"]["slug"] == "language-detection" and detail["evaluation"]["slug"] == "accuracy-eval"
    assert_error(http.get(f"{API}/optimizations/{MISSING}"), 404, "OPTIMIZATION_NOT_FOUND")


@pytest.mark.operation(OPS["trials"])
def test_optimization_trials(http):
    trials = http.get(f"{API}/optimizations/{optimization_id(http)}/trials").json()["trials"]
    assert [t["algorithm_trial_key"] for t in trials["results"]] == ["t0", "t1", "t2"]
    assert [t["observations"][0]["run"]["name"] for t in trials["results"]] == ["small-baseline", "ministral-3b-try", "small-prompt-v2"]
    assert trials["results"][1]["parent_trial_id"] == trials["results"][0]["id"]
    assert_error(http.get(f"{API}/optimizations/{MISSING}/trials"), 404, "OPTIMIZATION_NOT_FOUND")


# --------------------------------------------------------------------------------------------
# The loaders, workspaces and reset
# --------------------------------------------------------------------------------------------

def project_count(http: HTTP) -> int:
    return http.get(f"{API}/projects").json()["projects"]["count"]


@pytest.mark.operation("emulator_load_evaluation_run")
@pytest.mark.parametrize("change, status, message", [
    (lambda b: b.pop("records"), 422, "records: field required"),
    (lambda b: b.update(records=[]), 422, "records: must have at least 1 item"),
    (lambda b: b["records"][1]["generations"][0]["scores"].update(tone=1), 422, "records[1].generations[0].scores.tone: no evaluator named 'tone'"),
    (lambda b: b["evaluators"][0].update(goal={"operator": "between", "min": 1}), 422, "evaluators[0].goal.max: field required"),
    (lambda b: b["evaluators"][0].update(goal={"operator": "about", "value": 1}), 422, "evaluators[0].goal.operator"),
    (lambda b: b["evaluators"][1]["statistics"][0].update(average="macro"), 422, "give exactly one of positive_label and average"),
    (lambda b: b["evaluators"][0]["statistics"][1].update(percentile=101), 422, "evaluators[0].statistics[1].percentile"),
    (lambda b: b["evaluators"].append({"name": "accuracy"}), 422, "evaluators[2].name: 'accuracy' appears twice"),
    (lambda b: b["records"][0]["generations"][0].pop("output"), 422, "records[0].generations[0].output: field required"),
    (lambda b: b.update(project={"slug": "no-such-slug"}), 404, "project.slug"),
    (lambda b: b.update(num_generations=0), 422, "num_generations"),
])
def test_loader_rejects_with_the_field_and_stores_nothing(base_url, change, status, message):
    http = HTTP(base_url, new_token())
    body = run_body(project=f"Rejected {uuid.uuid4().hex[:6]}")
    change(body)
    before = project_count(http)
    detail = assert_error(http.post("/__emulator/evaluation-runs", json=body), status, contains=message)
    assert detail["error_code"] == ("VALIDATION_ERROR" if status == 422 else "PROJECT_NOT_FOUND")
    assert project_count(http) == before


@pytest.mark.operation("emulator_load_evaluation_run", "emulator_load_optimization")
def test_loaders_need_a_workspace_and_optimizations_check_their_runs(base_url, http):
    assert_error(HTTP(base_url, None).post("/__emulator/evaluation-runs", json=run_body()), 401, "AUTH_UNAUTHORIZED")
    before = project_count(http)
    r = http.post("/__emulator/optimizations", json={"project": "New Opt Project", "name": "o", "algorithm": "grid",
                                                     "trials": [{"algorithm_trial_key": "a", "observations": [{"run_id": MISSING}]}]})
    assert_error(r, 404, "EVALUATION_RUN_NOT_FOUND", contains="trials[0].observations[0].run_id")
    assert project_count(http) == before
    r = http.post("/__emulator/optimizations", json={"project": "P", "name": "o", "algorithm": "grid",
                                                     "trials": [{"algorithm_trial_key": "a"}, {"algorithm_trial_key": "a"}]})
    assert_error(r, 422, "VALIDATION_ERROR", contains="trials[1].algorithm_trial_key")


@pytest.mark.operation("emulator_load_evaluation_run", "emulator_reset")
def test_workspaces_are_isolated_and_reset_clears_only_loaded_data(base_url, http):
    loaded = load(http, run_body(project="Private Project"))
    other = HTTP(base_url, new_token())
    assert_error(other.get(f"{API}/evaluation-runs_v2/{loaded['run_id']}"), 404, "EVALUATION_RUN_NOT_FOUND")
    assert_error(other.get(f"{API}/projects/{loaded['project_slug']}"), 404, "PROJECT_NOT_FOUND")
    assert http.get(f"{API}/evaluation-runs_v2/{loaded['run_id']}").status_code == 200
    r = http.post("/__emulator/reset", json={"scope": "workspace"})
    assert r.status_code == 204, r.text
    assert_error(http.get(f"{API}/evaluation-runs_v2/{loaded['run_id']}"), 404, "EVALUATION_RUN_NOT_FOUND")
    # The seeded fixtures stay.
    assert http.get(f"{API}/projects/language-detection").status_code == 200
