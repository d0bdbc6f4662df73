"""Offline evaluations through the SDK (3.1+: client.beta.observability.evaluations.projects,
evaluations.list/get, evaluations.runs, evaluations.records, evaluations.optimizations).

Each test loads its own runs through the control plane (POST /__emulator/evaluation-runs, as
Mistral's evaluation SDK would upload them) into its own workspace, reads them back with the
SDK, and checks every statistic against a computation made here from the uploaded data with
the standard library (`statistics.mean/pstdev`, `statistics.quantiles(method="inclusive")` for
the type-7 percentiles, and precision/recall/f1 counted from the label pairs).
"""

from __future__ import annotations

import random
import statistics
import uuid
from collections import Counter

import pytest
from mistralai.client import errors

from helpers import error_of, unique_name

LABELS = ["cat", "dog", "bird"]
PERCENTILES = [10, 50, 90, 99]


# --------------------------------------------------------------------------------------------
# Uploads
# --------------------------------------------------------------------------------------------

def make_run(project: str, evaluation: str, *, seed: int, records: int = 6, generations: int = 3, name: str | None = None,
             quality: float = 0.8, tags: list[str] | None = None, metadata: dict | None = None,
             system: dict | None = None, created_at: str | None = None) -> dict:
    """A run with a numeric evaluator `score` (0..1 floats), a categorical evaluator `label`
    (predicted animal, expected one in the score metadata), several generations per record
    and a run evaluator `gate`."""
    rnd = random.Random(seed)
    recs = []
    for i in range(records):
        truth = LABELS[i % len(LABELS)]
        gens = []
        for g in range(generations):
            predicted = truth if rnd.random() < quality else rnd.choice([l for l in LABELS if l != truth])
            gens.append({
                "output": {"answer": f"it is a {predicted}", "try": g},
                "scores": {"score": {"value": round(rnd.random(), 3), "rationale": "random"},
                           "label": {"value": predicted, "metadata": {"expected": truth}}},
            })
        recs.append({"input": {"question": f"what animal is #{i}?", "truth": truth, "index": i}, "generations": gens})
    body = {
        "project": project, "evaluation": {"name": evaluation, "description": "animals", "tags": ["sdk-matrix"]},
        "name": name or f"run {seed}", "tags": tags or ["t:a"], "metadata": metadata or {"seed": seed},
        "system": system or {"name": "small", "params": {"model": "mistral-small-latest", "temperature": 0.2}},
        "num_generations": generations,
        "evaluators": [
            {"name": "score", "description": "a number in [0, 1]",
             "goal": {"operator": "gte", "value": 0.2}, "aggregate_goal": {"operator": "gte", "value": 0.3},
             "statistics": [{"kind": k} for k in ("avg", "min", "max", "std", "sum", "count")]
                           + [{"kind": "percentile", "percentile": p} for p in PERCENTILES]},
            {"name": "label", "description": "the animal",
             "goal": {"operator": "in", "values": LABELS},
             "statistics": [{"kind": "f1", "average": "macro", "goal": {"operator": "gte", "value": 0.5}},
                            {"kind": "precision", "positive_label": "cat"}, {"kind": "recall", "positive_label": "dog"},
                            {"kind": "recall", "average": "micro"}, {"kind": "f1", "average": "weighted"},
                            {"kind": "precision", "average": "macro"}]},
        ],
        "run_evaluators": [{"name": "gate", "goal": {"operator": "gte", "value": 0.5}}],
        "run_scores": {"gate": {"value": quality, "rationale": "the quality knob"}},
        "records": recs,
    }
    if created_at:
        body["created_at"] = created_at
    return body


def load_run(http, body: dict) -> dict:
    r = http.post("/__emulator/evaluation-runs", json=body)
    assert r.status_code == 201, r.text
    return r.json()


# --------------------------------------------------------------------------------------------
# The independent computation
# --------------------------------------------------------------------------------------------

def scores_of(body: dict, evaluator: str, records: list[dict] | None = None) -> list[tuple[int, dict]]:
    """(record index, score) of every usable score of an evaluator, in upload order."""
    out = []
    for index, record in enumerate(body["records"] if records is None else records):
        for generation in record["generations"]:
            score = generation.get("scores", {}).get(evaluator)
            if score is None:
                continue
            for s in score if isinstance(score, list) else [score]:
                s = s if isinstance(s, dict) else {"value": s}
                if s.get("value") is not None and not s.get("error"):
                    out.append((index, s))
    return out


def percentile(values: list[float], p: float) -> float:
    """Type 7, via statistics.quantiles (its 'inclusive' method is type 7)."""
    if len(values) == 1:
        return values[0]
    if p == 100:
        return max(values)
    if p == 0:
        return min(values)
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[int(p) - 1]


def classification(pairs: list[tuple[str, str]], metric: str, positive: str | None = None, average: str | None = None) -> float:
    classes = sorted({e for e, _ in pairs} | {p for _, p in pairs})

    def prf(tp, fp, fn):
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": p, "recall": r, "f1": f}[metric]

    def counts(c):
        tp = sum(1 for e, p in pairs if e == c and p == c)
        fp = sum(1 for e, p in pairs if e != c and p == c)
        fn = sum(1 for e, p in pairs if e == c and p != c)
        return tp, fp, fn

    if positive is not None:
        return prf(*counts(positive))
    per = {c: counts(c) for c in classes}
    if average == "micro":
        return prf(sum(v[0] for v in per.values()), sum(v[1] for v in per.values()), sum(v[2] for v in per.values()))
    if average == "weighted":
        support = Counter(e for e, _ in pairs)
        return sum(prf(*per[c]) * support[c] for c in classes) / sum(support.values())
    return sum(prf(*per[c]) for c in classes) / len(classes)


def expected_statistics(body: dict, records: list[dict] | None = None) -> dict:
    """What the emulator must report for `score` and `label` over some records of the upload."""
    numeric = scores_of(body, "score", records)
    values = [s["value"] for _, s in numeric]
    labels = scores_of(body, "label", records)
    pairs = [(s["metadata"]["expected"], s["value"]) for _, s in labels]
    freq = Counter(s["value"] for _, s in labels)
    top = max(freq.values()) if freq else 0
    out = {
        "score": {
            "count": len(values), "sample_count": len({i for i, _ in numeric}),
            "avg": statistics.mean(values) if values else None, "min": min(values) if values else None,
            "max": max(values) if values else None, "std": statistics.pstdev(values) if values else None,
            "values": {"avg": statistics.mean(values) if values else None, "min": min(values) if values else None,
                       "max": max(values) if values else None, "std": statistics.pstdev(values) if values else None,
                       "sum": sum(values) if values else None, "count": len(values),
                       **{f"p{p}": (percentile(values, p) if values else None) for p in PERCENTILES}},
        },
        "label": {
            "count": len(labels), "frequencies": dict(freq), "mode": sorted(l for l, n in freq.items() if n == top),
            "values": {
                "f1_macro": classification(pairs, "f1", average="macro") if pairs else None,
                "precision_cat": classification(pairs, "precision", positive="cat") if pairs else None,
                "recall_dog": classification(pairs, "recall", positive="dog") if pairs else None,
                "recall_micro": classification(pairs, "recall", average="micro") if pairs else None,
                "f1_weighted": classification(pairs, "f1", average="weighted") if pairs else None,
                "precision_macro": classification(pairs, "precision", average="macro") if pairs else None,
            },
            "pairs": pairs,
        },
    }
    return out


def close(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-9 * max(1.0, abs(b))


def check_statistics(stats: dict, body: dict, records: list[dict] | None = None) -> dict:
    """Compares the SDK's parsed statistics with the independent computation; returns the latter."""
    want = expected_statistics(body, records)
    score, label = stats["score"], stats["label"]
    assert score.type == "numeric" and label.type == "categorical"
    w = want["score"]
    assert (score.count, score.sample_count) == (w["count"], w["sample_count"])
    for key in ("avg", "min", "max", "std"):
        assert close(getattr(score, key), w[key]), (key, getattr(score, key), w[key])
    got_values = {v.id: v.value for v in score.values}
    assert set(got_values) == set(w["values"])
    for key, value in w["values"].items():
        assert close(got_values[key], value), (key, got_values[key], value)
    w = want["label"]
    assert label.count == w["count"] and label.frequencies == w["frequencies"] and sorted(label.mode) == w["mode"]
    got_values = {v.id: v.value for v in label.values}
    for key, value in w["values"].items():
        assert close(got_values[key], value), (key, got_values[key], value)
    # The confusion matrix: rows expected, columns predicted, over the sorted labels.
    cm = label.confusion_matrix
    assert cm is not None
    for i, e in enumerate(cm.labels):
        for j, p in enumerate(cm.labels):
            assert cm.matrix[i][j] == sum(1 for pair in w["pairs"] if pair == (e, p))
    return want


def expected_passed(body: dict, records: list[dict] | None = None, run_evaluators: bool = True) -> tuple[dict, bool | None]:
    want = expected_statistics(body, records)
    verdicts = {
        "score": want["score"]["avg"] >= 0.3 if want["score"]["avg"] is not None else None,
        "label": want["label"]["values"]["f1_macro"] >= 0.5 if want["label"]["values"]["f1_macro"] is not None else None,
    }
    if run_evaluators:
        verdicts["gate"] = body["run_scores"]["gate"]["value"] >= 0.5
    known = [v for v in verdicts.values() if v is not None]
    return verdicts, (all(known) if known else None)


# --------------------------------------------------------------------------------------------
# Projects and evaluations
# --------------------------------------------------------------------------------------------

@pytest.mark.sdk_method("evaluations.projects.list")
def test_projects_list_pages_and_filters(obs, http):
    names = [unique_name("Proj") for _ in range(3)]
    for n, name in enumerate(names):
        load_run(http, make_run(name, "Eval", seed=n))
    page = obs.evaluations.projects.list(q=names[1][-8:])
    assert page.projects.count == 1 and page.projects.results[0].name == names[1]
    assert [e.name for e in page.projects.results[0].evaluations] == ["Eval"]
    everything = obs.evaluations.projects.list(page_size=100)
    mine = [p for p in everything.projects.results if p.name in names]
    assert [p.name for p in mine] == list(reversed(names))           # newest first
    # The seeded projects are visible too.
    assert {"Language Detection", "Support Bot"} <= {p.name for p in everything.projects.results}
    first = obs.evaluations.projects.list(page_size=1, page=1)
    assert len(first.projects.results) == 1 and first.projects.next is not None and first.projects.previous is None
    assert first.projects.count == everything.projects.count


@pytest.mark.sdk_method("evaluations.projects.get")
def test_project_get_by_slug_and_id(obs, http):
    name = unique_name("Proj Get")
    loaded = load_run(http, make_run(name, "Eval A", seed=1))
    load_run(http, make_run(name, "Eval B", seed=2))
    project = obs.evaluations.projects.get(project_slug=loaded["project_slug"])
    assert (project.id, project.name, project.slug) == (loaded["project_id"], name, loaded["project_slug"])
    assert sorted(e.name for e in project.evaluations) == ["Eval A", "Eval B"]
    assert obs.evaluations.projects.get(project_slug=loaded["project_id"]).slug == loaded["project_slug"]
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.evaluations.projects.get(project_slug="no-such-project")
    assert error_of(exc)[:2] == (404, "PROJECT_NOT_FOUND")


@pytest.mark.sdk_method("evaluations.list")
def test_evaluations_of_a_project(obs, http):
    name = unique_name("Proj Evals")
    first = load_run(http, make_run(name, "Alpha", seed=1))
    load_run(http, make_run(name, "Beta", seed=2))
    load_run(http, make_run(name, "Alpha", seed=3))                    # same evaluation again
    listed = obs.evaluations.list(project_slug=first["project_slug"])
    assert [e.name for e in listed.evaluations.results] == ["Beta", "Alpha"]
    assert listed.evaluations.count == 2
    assert all(e.project_id == first["project_id"] for e in listed.evaluations.results)
    alpha = listed.evaluations.results[1]
    assert alpha.metadata == {} and alpha.tags == ["sdk-matrix"] and alpha.description == "animals"
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.evaluations.list(project_slug="nope-nope")
    assert error_of(exc)[:2] == (404, "PROJECT_NOT_FOUND")


@pytest.mark.sdk_method("evaluations.get")
def test_evaluation_get_by_slug(obs, http):
    loaded = load_run(http, make_run(unique_name("Proj"), "Gamma Eval", seed=4))
    evaluation = obs.evaluations.get(evaluation_slug=loaded["evaluation_slug"])
    assert (evaluation.id, evaluation.name, evaluation.slug, evaluation.project_id) == (
        loaded["evaluation_id"], "Gamma Eval", loaded["evaluation_slug"], loaded["project_id"])
    assert obs.evaluations.get(evaluation_slug=loaded["evaluation_id"]).id == loaded["evaluation_id"]
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.evaluations.get(evaluation_slug="no-such-eval")
    assert error_of(exc)[:2] == (404, "EVALUATION_NOT_FOUND")


# --------------------------------------------------------------------------------------------
# Runs and statistics
# --------------------------------------------------------------------------------------------

@pytest.mark.sdk_method("evaluations.runs.get")
def test_run_get_statistics_goals_and_scores(obs, http):
    body = make_run(unique_name("Proj Run"), "Run Eval", seed=11, records=7, generations=3)
    loaded = load_run(http, body)
    run = obs.evaluations.runs.get(run_id=loaded["run_id"])
    assert (run.id, run.evaluation_id, run.name, run.num_generations) == (loaded["run_id"], loaded["evaluation_id"], body["name"], 3)
    assert run.tags == body["tags"] and run.metadata == body["metadata"]
    assert run.system.name == "small" and run.system.params == body["system"]["params"]
    assert [e.name for e in run.evaluators] == ["score", "label"]
    assert {e.name: e.num_scores for e in run.evaluators} == {"score": 21, "label": 21}
    assert run.evaluators[0].goal.operator == "gte" and run.evaluators[0].aggregate_goal.value == 0.3
    check_statistics(run.statistics, body)
    verdicts, passed = expected_passed(body)
    assert {k: v.passed for k, v in run.goal_results.items()} == verdicts
    assert run.passed is passed
    item = run.goal_results["score"].results[0]
    assert (item.metric, item.operator, item.target) == ("avg", "gte", 0.3)
    assert close(item.actual, expected_statistics(body)["score"]["avg"])
    assert run.run_scores["gate"].value == 0.8 and run.run_scores["gate"].rationale == "the quality knob"
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.evaluations.runs.get(run_id=str(uuid.uuid4()))
    assert error_of(exc)[:2] == (404, "EVALUATION_RUN_NOT_FOUND")


@pytest.mark.sdk_method("evaluations.runs.get_statistics")
def test_run_statistics_match_an_independent_computation(obs, http):
    for seed, quality in ((21, 0.95), (22, 0.2)):
        body = make_run(unique_name("Proj Stats"), "Stats Eval", seed=seed, records=9, generations=4, quality=quality)
        loaded = load_run(http, body)
        stats = obs.evaluations.runs.get_statistics(run_id=loaded["run_id"])
        assert stats.run_id == loaded["run_id"]
        check_statistics(stats.statistics, body)
        verdicts, passed = expected_passed(body)
        assert {k: v.passed for k, v in stats.goal_results.items()} == verdicts
        assert stats.passed is passed


@pytest.mark.sdk_method("evaluations.runs.compute_statistics")
def test_compute_statistics_over_a_filtered_subset(obs, http):
    body = make_run(unique_name("Proj Compute"), "Compute Eval", seed=31, records=9, generations=3)
    loaded = load_run(http, body)
    run_id = loaded["run_id"]
    # Input filter: the records whose truth is "dog" (indexes 1, 4, 7).
    subset = [r for r in body["records"] if r["input"]["truth"] == "dog"]
    stats = obs.evaluations.runs.compute_statistics(
        run_id=run_id, input_filters={"filters": [{"path": "truth", "value": "dog", "operator": "equals"}]})
    check_statistics(stats.statistics, body, subset)
    verdicts, passed = expected_passed(body, subset, run_evaluators=False)
    assert {k: v.passed for k, v in stats.goal_results.items()} == verdicts and stats.passed is passed
    # Output filter (any generation's output) ORed with another.
    subset = [r for r in body["records"]
              if any("bird" in g["output"]["answer"] or "cat" in g["output"]["answer"] for g in r["generations"])]
    stats = obs.evaluations.runs.compute_statistics(run_id=run_id, output_filters={
        "combinator": "or", "filters": [{"path": "answer", "value": "BIRD"}, {"path": "answer", "value": "cat"}]})
    check_statistics(stats.statistics, body, subset)
    # Score filter on each record's own average.
    def record_avg(r):
        return statistics.mean(g["scores"]["score"]["value"] for g in r["generations"])
    subset = [r for r in body["records"] if record_avg(r) >= 0.5]
    stats = obs.evaluations.runs.compute_statistics(run_id=run_id, score_filters={
        "filters": [{"evaluator_name": "score", "metric": "avg", "operator": "gte", "value": 0.5}]})
    check_statistics(stats.statistics, body, subset)
    # No filter: the whole run, as get_statistics.
    whole = obs.evaluations.runs.compute_statistics(run_id=run_id)
    assert whole.model_dump() == obs.evaluations.runs.get_statistics(run_id=run_id).model_dump()
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.evaluations.runs.compute_statistics(run_id=run_id, score_filters={
            "filters": [{"evaluator_name": "score", "metric": "median-ish", "operator": "gte", "value": 1}]})
    assert error_of(exc)[0] == 400


@pytest.mark.sdk_method("evaluations.runs.search")
def test_search_runs_of_an_evaluation(obs, http):
    project = unique_name("Proj Search")
    good = load_run(http, make_run(project, "Search Eval", seed=41, quality=0.95, name="good", tags=["model:a", "prompt:v1"],
                                   metadata={"commit": "abc", "size": 3}, created_at="2026-01-01T00:00:00.000Z"))
    bad = load_run(http, make_run(project, "Search Eval", seed=42, quality=0.1, name="bad", tags=["model:b", "prompt:v1"],
                                  metadata={"commit": "def", "size": 7},
                                  system={"name": "large", "params": {"model": "mistral-large-latest", "temperature": 0.9}},
                                  created_at="2026-01-02T00:00:00.000Z"))
    slug = good["evaluation_slug"]
    everything = obs.evaluations.runs.search(evaluation_slug=slug)
    assert [r.name for r in everything.runs.results] == ["bad", "good"] and everything.runs.count == 2
    assert obs.evaluations.runs.search(evaluation_slug=slug, page_size=1, page=2).runs.results[0].name == "good"

    def names(**filters):
        return [r.name for r in obs.evaluations.runs.search(evaluation_slug=slug, **filters).runs.results]

    assert names(tags={"values": ["model:a"]}) == ["good"]
    assert names(tags={"values": ["model:a", "model:b"], "combinator": "or"}) == ["bad", "good"]
    assert names(tags={"values": ["model:a", "model:b"]}) == []
    assert names(run_ids=[bad["run_id"]]) == ["bad"]
    assert names(goal_filters={"filters": [{"values": ["failed"], "evaluator_name": "gate"}]}) == ["bad"]
    assert names(goal_filters={"filters": [{"values": ["passed"]}]}) == (
        ["good"] if expected_passed(make_run(project, "Search Eval", seed=41, quality=0.95))[1] else [])
    assert names(system={"name": {"filters": [{"value": "lar"}]}}) == ["bad"]
    assert names(system={"params": {"filters": [{"key": "temperature", "operator": "lt", "value": 0.5}]}}) == ["good"]
    assert names(metadata={"filters": [{"key": "size", "operator": "gt", "value": 5}]}) == ["bad"]
    assert names(metadata={"filters": [{"key": "commit", "operator": "eq", "value": "abc"}]}) == ["good"]
    assert names(ownership={"starred_by_me": True}) == []
    good_avg = expected_statistics(make_run(project, "Search Eval", seed=41, quality=0.95))["label"]["values"]["f1_macro"]
    bad_avg = expected_statistics(make_run(project, "Search Eval", seed=42, quality=0.1))["label"]["values"]["f1_macro"]
    threshold = (good_avg + bad_avg) / 2
    assert names(score_filters={"filters": [{"evaluator_name": "label", "metric": "f1_macro", "operator": "gt", "value": threshold}]}) == (
        ["good"] if good_avg > bad_avg else ["bad"])
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.evaluations.runs.search(evaluation_slug="missing-eval")
    assert error_of(exc)[:2] == (404, "EVALUATION_NOT_FOUND")


@pytest.mark.sdk_method("evaluations.runs.search_all")
def test_search_all_runs_with_references(obs, http):
    a = load_run(http, make_run(unique_name("Proj All A"), "E1", seed=51))
    b = load_run(http, make_run(unique_name("Proj All B"), "E2", seed=52))
    found = obs.evaluations.runs.search_all(evaluation_run_filter_input={"project_ids": [a["project_id"], b["project_id"]]})
    assert [r.id for r in found.runs.results] == [b["run_id"], a["run_id"]]
    newest = found.runs.results[0]
    assert (newest.evaluation.id, newest.evaluation.slug, newest.project.id, newest.project.slug) == (
        b["evaluation_id"], b["evaluation_slug"], b["project_id"], b["project_slug"])
    assert obs.evaluations.runs.search_all(evaluation_run_filter_input={"evaluation_ids": [a["evaluation_id"]]}).runs.results[0].id == a["run_id"]
    # The seeded runs are visible to every workspace, with their computed verdicts.
    seeded = obs.evaluations.runs.search_all(page_size=100).runs.results
    by_name = {r.name: r for r in seeded}
    assert by_name["small-baseline"].passed is True and by_name["ministral-3b-try"].passed is False
    assert by_name["small-baseline"].optimization.name == "System prompt search"
    assert obs.evaluations.runs.search_all(evaluation_run_filter_input={"creator_ids": [str(uuid.uuid4())]}).runs.count == 0


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------

@pytest.mark.sdk_method("evaluations.records.search")
def test_search_records_filters_and_sorts(obs, http):
    body = make_run(unique_name("Proj Rec"), "Rec Eval", seed=61, records=8, generations=2)
    loaded = load_run(http, body)
    run_id = loaded["run_id"]
    ids = loaded["record_ids"]
    listed = obs.evaluations.records.search(run_id=run_id, page_size=3)
    assert listed.records.count == 8 and [r.id for r in listed.records.results] == ids[:3]
    assert listed.records.next is not None
    # Sort by each record's average score, descending, checked against the upload.
    averages = [statistics.mean(g["scores"]["score"]["value"] for g in r["generations"]) for r in body["records"]]
    want = [ids[i] for i in sorted(range(8), key=lambda i: -averages[i])]
    got = obs.evaluations.records.search(run_id=run_id, sort={"kind": "score", "evaluator_name": "score", "direction": "desc"})
    assert [r.id for r in got.records.results] == want
    got = obs.evaluations.records.search(run_id=run_id, sort={"kind": "score", "evaluator_name": "score", "metric": "max", "direction": "asc"})
    maxima = [max(g["scores"]["score"]["value"] for g in r["generations"]) for r in body["records"]]
    assert [r.id for r in got.records.results] == [ids[i] for i in sorted(range(8), key=lambda i: maxima[i])]
    # Content filters.
    got = obs.evaluations.records.search(run_id=run_id, input_filters={"filters": [{"path": "truth", "value": "cat", "operator": "equals"}]})
    assert [r.id for r in got.records.results] == [ids[i] for i, r in enumerate(body["records"]) if r["input"]["truth"] == "cat"]
    got = obs.evaluations.records.search(run_id=run_id, input_filters={"filters": [{"value": "#3"}]})
    assert [r.id for r in got.records.results] == [ids[3]]
    # Score filters on the record statistics; label eq compares with the record's mode.
    got = obs.evaluations.records.search(run_id=run_id, score_filters={"filters": [
        {"evaluator_name": "score", "metric": "avg", "operator": "lt", "value": 0.5}]})
    assert [r.id for r in got.records.results] == [ids[i] for i in range(8) if averages[i] < 0.5]
    def mode(r):
        c = Counter(g["scores"]["label"]["value"] for g in r["generations"])
        top = max(c.values())
        return {k for k, v in c.items() if v == top}
    got = obs.evaluations.records.search(run_id=run_id, score_filters={"filters": [
        {"evaluator_name": "label", "metric": "mode", "operator": "eq", "value": "dog"}]})
    assert [r.id for r in got.records.results] == [ids[i] for i, r in enumerate(body["records"]) if "dog" in mode(r)]
    # Goal filter: the record-level verdict of `score` (its aggregate goal: avg >= 0.3).
    got = obs.evaluations.records.search(run_id=run_id, goal_filters={"filters": [{"values": ["failed"], "evaluator_name": "score"}]})
    assert [r.id for r in got.records.results] == [ids[i] for i in range(8) if averages[i] < 0.3]
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.evaluations.records.search(run_id=str(uuid.uuid4()))
    assert error_of(exc)[:2] == (404, "EVALUATION_RUN_NOT_FOUND")


@pytest.mark.sdk_method("evaluations.records.get")
def test_record_get_with_generations_scores_and_statistics(obs, http):
    body = make_run(unique_name("Proj RecGet"), "RecGet Eval", seed=71, records=3, generations=4)
    body["records"][1]["generations"].append({"output": None, "status": "failed", "error": "timeout",
                                              "scores": {"score": {"value": None, "error": "task failed"}}})
    body["num_generations"] = 5
    loaded = load_run(http, body)
    record = obs.evaluations.records.get(run_id=loaded["run_id"], record_id=loaded["record_ids"][1])
    src = body["records"][1]
    assert record.id == loaded["record_ids"][1] and record.input == src["input"]
    gens = record.output_record.generations
    assert [g.output for g in gens] == [g["output"] for g in src["generations"]]
    assert gens[-1].status == "failed" and gens[-1].error == "timeout" and gens[-1].scores["score"][0].error == "task failed"
    for g, s in zip(gens, src["generations"]):
        if "label" in s["scores"]:
            assert g.scores["label"][0].value == s["scores"]["label"]["value"]
            assert g.scores["label"][0].metadata == {"expected": src["input"]["truth"]}
            assert g.goal_results["score"].passed == (s["scores"]["score"]["value"] >= 0.2)
    # Record statistics: over this record's generations only (the errored score excluded).
    want = check_statistics(record.output_record.statistics, body, [src])
    assert want["score"]["count"] == 4 and want["score"]["sample_count"] == 1
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.evaluations.records.get(run_id=loaded["run_id"], record_id=str(uuid.uuid4()))
    assert error_of(exc)[:2] == (404, "EVALUATION_RECORD_NOT_FOUND")


# --------------------------------------------------------------------------------------------
# Optimizations
# --------------------------------------------------------------------------------------------

def load_optimization(http, project: str, evaluation: str, runs: list[dict], **extra) -> dict:
    body = {"project": project, "evaluation": evaluation, "name": extra.pop("name", "opt"), "algorithm": extra.pop("algorithm", "grid"),
            "tags": extra.pop("tags", ["x"]), "status": extra.pop("status", "completed"),
            "objective_spec": {"evaluator": "score"}, "outcome": {"best": 0},
            "trials": [{"algorithm_trial_key": f"k{i}", "hypothesis": f"h{i}", "metadata": {"i": i},
                        **({"parent_trial_key": "k0"} if i else {}),
                        "observations": [{"run_id": run["run_id"], "observation_type": "candidate", "score": i / 10}]}
                       for i, run in enumerate(runs)], **extra}
    r = http.post("/__emulator/optimizations", json=body)
    assert r.status_code == 201, r.text
    return r.json()


@pytest.mark.sdk_method("evaluations.optimizations.list")
def test_optimizations_list_filters(obs, http):
    project = unique_name("Proj Opt")
    run = load_run(http, make_run(project, "Opt Eval", seed=81))
    first = load_optimization(http, project, "Opt Eval", [run], name="first", algorithm="grid", tags=["a", "b"], status="running")
    second = load_optimization(http, project, "Opt Eval", [run], name="second", algorithm="bayes", tags=["b"])
    slug = run["project_slug"]
    listed = obs.evaluations.optimizations.list(project=slug)
    assert [o.id for o in listed.optimizations.results] == [second["optimization_id"], first["optimization_id"]]
    assert [o.name for o in obs.evaluations.optimizations.list(project=slug, algorithm="grid").optimizations.results] == ["first"]
    assert [o.name for o in obs.evaluations.optimizations.list(project=slug, status="running").optimizations.results] == ["first"]
    assert [o.name for o in obs.evaluations.optimizations.list(project=slug, tags=["a", "b"]).optimizations.results] == ["first"]
    assert [o.name for o in obs.evaluations.optimizations.list(project=slug, tags=["b"]).optimizations.results] == ["second", "first"]
    assert obs.evaluations.optimizations.list(evaluation=run["evaluation_slug"]).optimizations.count == 2
    seeded = obs.evaluations.optimizations.list(project="language-detection")
    assert [o.name for o in seeded.optimizations.results] == ["System prompt search"]
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.evaluations.optimizations.list(project="no-such-project")
    assert error_of(exc)[:2] == (404, "PROJECT_NOT_FOUND")


@pytest.mark.sdk_method("evaluations.optimizations.get")
def test_optimization_get(obs, http):
    project = unique_name("Proj OptGet")
    run = load_run(http, make_run(project, "OptGet Eval", seed=82))
    loaded = load_optimization(http, project, "OptGet Eval", [run], name="getme", steer="be brief")
    got = obs.evaluations.optimizations.get(optimization_id=loaded["optimization_id"])
    assert (got.id, got.name, got.algorithm, got.steer, got.project_id, got.evaluation_id) == (
        loaded["optimization_id"], "getme", "grid", "be brief", run["project_id"], run["evaluation_id"])
    assert (got.project.slug, got.evaluation.slug) == (run["project_slug"], run["evaluation_slug"])
    assert got.objective_spec == {"evaluator": "score"} and got.outcome == {"best": 0}
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.evaluations.optimizations.get(optimization_id=str(uuid.uuid4()))
    assert error_of(exc)[:2] == (404, "OPTIMIZATION_NOT_FOUND")


@pytest.mark.sdk_method("evaluations.optimizations.list_trials")
def test_optimization_trials_with_observed_runs(obs, http):
    project = unique_name("Proj Trials")
    bodies = [make_run(project, "Trials Eval", seed=90 + i, quality=q) for i, q in enumerate((0.9, 0.5, 0.1))]
    runs = [load_run(http, b) for b in bodies]
    loaded = load_optimization(http, project, "Trials Eval", runs, name="trials")
    trials = obs.evaluations.optimizations.list_trials(optimization_id=loaded["optimization_id"])
    assert trials.trials.count == 3
    assert [t.algorithm_trial_key for t in trials.trials.results] == ["k0", "k1", "k2"]
    assert [t.id for t in trials.trials.results] == loaded["trial_ids"]
    assert [t.parent_trial_id for t in trials.trials.results] == [None, loaded["trial_ids"][0], loaded["trial_ids"][0]]
    for trial, run, body in zip(trials.trials.results, runs, bodies):
        (observation,) = trial.observations
        assert observation.run.id == run["run_id"] and observation.observation_type == "candidate"
        assert observation.run.optimization.optimization_id == loaded["optimization_id"]
        check_statistics(observation.run.statistics, body)
        assert observation.run.passed is expected_passed(body)[1]
    page = obs.evaluations.optimizations.list_trials(optimization_id=loaded["optimization_id"], page_size=2, page=2)
    assert [t.algorithm_trial_key for t in page.trials.results] == ["k2"] and page.trials.previous is not None
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.evaluations.optimizations.list_trials(optimization_id=str(uuid.uuid4()))
    assert error_of(exc)[:2] == (404, "OPTIMIZATION_NOT_FOUND")
