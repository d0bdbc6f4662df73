"""Online evaluations through the SDK: pipelines (3.0+) and standalone pipeline configs (2.10 –
3.1) judge the spans an OpenTelemetry exporter sends; the results are found as span evaluations,
pipeline results (3.2+) and aggregates, and the judged spans imported into a dataset.

Spans are sent with the real `opentelemetry-exporter-otlp-proto-http` exporter. What each judge
answers is computed here from the judge's own rules and the spans' texts, and which spans a
sampling admits from the documented hash (FNV-1a), not read back from the emulator.
"""

from __future__ import annotations

import inspect
import json
import uuid

import pytest
from mistralai.client import errors

from helpers import classification, error_of, import_result, judge_body, wait_task

RULES = "Is the answer about refunds handled well?\nwhen assistant icontains \"refund\" -> good\notherwise -> poor"


def slug_of(name: str) -> str:
    """The documented slug rule: lower case, runs of other characters become one '-'."""
    out, dash = "", False
    for ch in name.lower():
        if ch.isascii() and ch.isalnum():
            if dash and out:
                out += "-"
            out, dash = out + ch, False
        else:
            dash = True
    return out[:64] or "dataset"


def expected_label(answer: str) -> str:
    return "good" if "refund" in answer.lower() else "poor"


def fnv_point(key: str) -> float:
    h = 0xcbf29ce484222325
    for b in key.encode():
        h ^= b
        h = (h * 0x100000001b3) % (1 << 64)
    return (h % 10_000) / 100


class Exporter:
    """One OpenTelemetry tracer provider exporting to the emulator with the test's token."""

    def __init__(self, base_url: str, token: str):
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor

        self.provider = TracerProvider(resource=Resource.create({"service.name": "support-bot"}))
        exporter = OTLPSpanExporter(endpoint=f"{base_url}/telemetry/v1/traces", headers={"Authorization": f"Bearer {token}"})
        self.provider.add_span_processor(SimpleSpanProcessor(exporter))
        self.tracer = self.provider.get_tracer("pipeline-tests")

    def chat(self, question: str, answer: str, model: str = "mistral-small-latest", **extra) -> tuple[str, str]:
        """A GenAI chat span; returns (trace_id, span_id) as the API spells them."""
        with self.tracer.start_as_current_span(f"chat {model}") as span:
            span.set_attribute("gen_ai.operation.name", "chat")
            span.set_attribute("gen_ai.request.model", model)
            span.set_attribute("gen_ai.input.messages", json.dumps([{"role": "user", "parts": [{"type": "text", "content": question}]}]))
            span.set_attribute("gen_ai.output.messages", json.dumps([{"role": "assistant", "parts": [{"type": "text", "content": answer}]}]))
            for key, value in extra.items():
                span.set_attribute(key, value)
            ctx = span.get_span_context()
        return f"{ctx.trace_id:032x}", f"{ctx.span_id:016x}"

    def tool(self, name: str) -> tuple[str, str]:
        with self.tracer.start_as_current_span(f"execute_tool {name}") as span:
            span.set_attribute("gen_ai.operation.name", "execute_tool")
            span.set_attribute("gen_ai.tool.name", name)
            ctx = span.get_span_context()
        return f"{ctx.trace_id:032x}", f"{ctx.span_id:016x}"

    def close(self):
        self.provider.shutdown()


@pytest.fixture
def exporter(base_url, token):
    e = Exporter(base_url, token)
    yield e
    e.close()


def refund_judge(obs, name: str | None = None):
    return obs.judges.create(**judge_body(name=name or f"Refund judge {uuid.uuid4().hex[:8]}", instructions=RULES,
                                          output=classification("good", "poor")))


def config_of(http, pipeline_id: str) -> dict:
    """The pipeline's first config as JSON (`slug` and `sampling` are not in 3.0's models)."""
    return http.get_json(f"/v1/observability/pipelines/{pipeline_id}")["pipeline_configs"][0]


def one_definition(obs, definition: dict) -> dict:
    """2.10 sends `definitions`, 3.0 – 3.1 a single `definition`."""
    takes_list = "definitions" in inspect.signature(obs.evaluations.create_pipeline_config).parameters
    return {"definitions": [definition]} if takes_list else {"definition": definition}


def evaluations_named(obs, name: str) -> dict[tuple[str, str], object]:
    rows = obs.spans.search_span_evaluations(search_expression=f"evaluation_name = '{name}'", page_size=100).span_evaluations.results
    return {(r.trace_id, r.span_id): r for r in rows}


CHATS = [
    ("Can I get a refund?", "Yes, a refund is issued within 5 days."),
    ("Where is my parcel?", "It left the depot this morning."),
    ("Refund for order 12?", "Your refund for order 12 has been approved."),
]


@pytest.mark.sdk_method("evaluations.create_pipeline", "spans.search_span_evaluations", "spans.search_pipeline_results",
                        "spans.aggregate_span_evaluations", "datasets.import_from_spans", "datasets.records.judge")
def test_the_online_evaluation_loop(obs, exporter, http):
    """Judge → pipeline → spans from an exporter → evaluations, results, aggregate → dataset → judged record."""
    judge = refund_judge(obs)
    judge_slug = slug_of(judge.name)
    pipeline = obs.evaluations.create_pipeline(
        name="Support answers", description="refund handling",
        selectors=[{"source_kind": "span", "filter": "operation_name = 'chat' AND request_model = 'mistral-small-latest'"}],
        definitions=[{"slug": judge_slug, "mapping": {"tier": "app.customer.tier"}}])
    assert pipeline.slug == "support-answers" and pipeline.enabled
    (config,) = pipeline.pipeline_configs
    assert config.slug == f"support-answers-{judge_slug}" and config.pipeline_kind == "judge-v1"
    assert config.scorer_slug == judge_slug and config.scorer_version == 1
    assert config.definition.prompt == RULES and config.definition.result_spec.labels == ["good", "poor"]

    judged = {exporter.chat(q, a, **{"app.customer.tier": "gold"}): a for q, a in CHATS}
    other_model = exporter.chat("Can I get a refund?", "Sure, refund on its way.", model="mistral-large-latest")
    tool = exporter.tool("lookup_order")

    # The export's 200 came after its spans were judged: no waiting.
    rows = evaluations_named(obs, config.slug)
    assert set(rows) == set(judged)
    assert other_model not in rows and tool not in rows
    for key, answer in judged.items():
        row = rows[key]
        assert row.score_label == expected_label(answer)
        assert row.score_value == ["good", "poor"].index(expected_label(answer))
        assert "rule on line 2" in row.explanation or "'otherwise' rule on line 3" in row.explanation

    results = obs.spans.search_pipeline_results(pipeline_config_slugs=[config.slug], page_size=2)
    page1 = results.pipeline_results
    assert len(page1.results) == 2 and page1.cursor
    page2 = obs.spans.search_pipeline_results(pipeline_config_slugs=[config.slug], page_size=2, cursor=page1.cursor).pipeline_results
    seen = {(r.trace_id, r.span_id): r for r in page1.results + page2.results}
    assert set(seen) == set(judged) and page2.cursor is None
    for key, r in seen.items():
        assert r.judge_labels == {config.slug: expected_label(judged[key])}
        assert r.span_name == "chat mistral-small-latest" and r.duration_ns >= 0
    narrowed = obs.spans.search_pipeline_results(pipeline_config_slugs=[config.slug],
                                                 search_expression=f"span_id = '{next(iter(judged))[1]}'").pipeline_results.results
    assert [(r.trace_id, r.span_id) for r in narrowed] == [next(iter(judged))]

    agg = obs.spans.aggregate_span_evaluations(metric={"measure": "score_value", "aggregation": "count"}, dimensions=["score_label"],
                                               search_expression=f"evaluation_name = '{config.slug}'")
    want: dict[str, int] = {}
    for answer in judged.values():
        want[expected_label(answer)] = want.get(expected_label(answer), 0) + 1
    assert {r.dimensions["score_label"]: r.metric_value for r in agg.data} == want

    # The judged spans into a dataset, then a record judged live by the same judge's definition.
    dataset = obs.datasets.create(name=f"judged spans {uuid.uuid4().hex[:6]}", description="from the pipeline")
    contract = {"version": 1, "mappings": [
        {"target_field": "messages", "source_field": {"namespace": "span_attributes", "key": "gen_ai.input.messages"}},
        {"target_field": "answer", "source_field": {"namespace": "span_attributes", "key": "gen_ai.output.messages"}}]}
    task = obs.datasets.import_from_spans(dataset_id=dataset.slug, mapping_contract=contract,
                                          span_references=[{"trace_id": t, "span_id": s} for t, s in judged])
    done = wait_task(obs, dataset.id, task.id)
    assert import_result(obs, http, done) == {"requested_record_count": 3, "imported_record_count": 3, "skipped_record_count": 0}
    records = obs.datasets.list_records(dataset_id=str(dataset.id), page_size=10).records.results
    assert {(r.properties["trace_id"], r.properties["span_id"]) for r in records} == set(judged)
    record = records[0]
    key = (record.properties["trace_id"], record.properties["span_id"])
    messages = record.payload["messages"] + [{"role": "assistant", "content": judged[key]}]
    obs.datasets.records.update_payload(dataset_record_id=str(record.id), payload={"messages": messages})
    definition = {k: v for k, v in judge_body(name="Refund judge live", instructions=RULES, output=classification("good", "poor")).items()}
    out = obs.datasets.records.judge(dataset_record_id=str(record.id), judge_definition=definition)
    assert out.answer == rows[key].score_label


@pytest.mark.sdk_method("evaluations.create_pipeline", "evaluations.list_pipelines", "evaluations.get_pipeline",
                        "evaluations.update_pipeline", "evaluations.delete_pipeline")
def test_pipeline_crud_and_its_errors(obs, exporter, http):
    judge = refund_judge(obs, name="Crud refund judge")
    created = obs.evaluations.create_pipeline(name="Crud pipeline", selectors=[{"source_kind": "span"}],
                                              definitions=[{"slug": "crud-refund-judge", "sampling": {"type": "probabilistic", "percentage": 100}}])
    assert obs.evaluations.get_pipeline(pipeline_id=created.id).model_dump() == created.model_dump()
    config_slug = config_of(http, created.id)["slug"]
    assert config_slug == "crud-pipeline-crud-refund-judge"

    with pytest.raises(errors.ObservabilityError) as exc:
        obs.evaluations.create_pipeline(name="Crud pipeline", selectors=[{"source_kind": "span"}], definitions=[{"slug": "crud-refund-judge"}])
    assert error_of(exc)[:2] == (409, "PIPELINE_ALREADY_EXISTS")
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.evaluations.create_pipeline(name="Unknown judge", selectors=[{"source_kind": "span"}], definitions=[{"slug": "no-such-judge"}])
    status, code, message = error_of(exc)
    assert (status, code) == (404, "SCORER_NOT_FOUND") and "definitions[0].slug" in message
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.evaluations.create_pipeline(name="Bad filter", selectors=[{"source_kind": "span", "filter": "span_name = = 'x'"}],
                                        definitions=[{"slug": "crud-refund-judge"}])
    status, code, message = error_of(exc)
    assert status == 400 and message.startswith("selectors[0].filter:") and "column" in message

    listed = obs.evaluations.list_pipelines(q="crud").pipelines
    assert [p.id for p in listed.results] == [created.id] and listed.count == 1

    # Disabled: spans sent now are not judged; renamed: the slug stays.
    # 3.0 requires name, selectors and definitions on every update; later releases take any subset.
    same = {"name": "Crud pipeline renamed", "selectors": [{"source_kind": "span"}], "definitions": [{"slug": "crud-refund-judge"}]}
    updated = obs.evaluations.update_pipeline(pipeline_id=created.id, enabled=False, **same)
    assert (updated.name, updated.slug, updated.enabled) == ("Crud pipeline renamed", created.slug, False)
    assert obs.evaluations.list_pipelines(enabled=True).pipelines.count == 0
    quiet = exporter.chat("refund?", "A refund, yes.")
    assert quiet not in evaluations_named(obs, config_slug)
    obs.evaluations.update_pipeline(pipeline_id=created.id, enabled=True, **same)
    loud = exporter.chat("refund?", "A refund, yes.")
    assert evaluations_named(obs, config_slug)[loud].score_label == "good"

    # The config is frozen at the judge's revision: a newer revision changes nothing until the
    # definitions are given again.
    obs.judges.update(judge_id=str(judge.id), **judge_body(name="Crud refund judge", instructions="otherwise -> poor",
                                                             output=classification("good", "poor")))
    frozen = exporter.chat("refund?", "A refund, yes.")
    assert evaluations_named(obs, config_slug)[frozen].score_label == "good"
    obs.evaluations.update_pipeline(pipeline_id=created.id, enabled=True, **same)
    assert config_of(http, created.id)["scorer_version"] == 2
    newer = exporter.chat("refund?", "A refund, yes.")
    assert evaluations_named(obs, config_slug)[newer].score_label == "poor"

    obs.evaluations.delete_pipeline(pipeline_id=created.id)
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.evaluations.get_pipeline(pipeline_id=created.id)
    assert error_of(exc)[:2] == (404, "PIPELINE_NOT_FOUND")


@pytest.mark.sdk_method("evaluations.create_pipeline", "spans.search_span_evaluations")
def test_sampling_admits_a_stable_share_by_hash(obs, exporter, http):
    from mistralai.client import models
    if not hasattr(models, "LlmJudgeReference"):
        pytest.skip(f"mistralai {models.__name__} has no sampling in its judge references (3.2+)")
    refund_judge(obs, name="Sampled refund judge")
    pipeline = obs.evaluations.create_pipeline(
        name="Sampled", selectors=[{"source_kind": "span", "filter": "operation_name = 'chat'"}],
        definitions=[{"slug": "sampled-refund-judge", "sampling": {"type": "probabilistic", "percentage": 40}},])
    sent = [exporter.chat(f"question {i}", "refund granted") for i in range(30)]
    assert config_of(http, pipeline.id)["sampling"] == {"percentage": 40.0, "type": "probabilistic"}
    judged = set(evaluations_named(obs, config_of(http, pipeline.id)["slug"]))
    assert judged == {k for k in sent if fnv_point(k[0] + k[1]) < 40}
    assert 0 < len(judged) < 30


@pytest.mark.sdk_method("evaluations.create_pipeline_config", "evaluations.list_pipeline_configs", "evaluations.get_pipeline_config",
                        "evaluations.update_pipeline_config", "evaluations.delete_pipeline_config", "spans.search_span_evaluations")
def test_standalone_pipeline_configs_judge_spans(obs, exporter):
    refund_judge(obs, name="Config refund judge")
    config = obs.evaluations.create_pipeline_config(
        name="Refund config", pipeline_kind="judge", selectors=[{"source_kind": "span", "filter": "operation_name = 'chat'"}],
        **one_definition(obs, {"slug": "config-refund-judge"}))
    assert config.pipeline_kind == "judge" and config.enabled and config.deleted_at is None
    assert obs.evaluations.get_pipeline_config(pipeline_config_id=config.id).model_dump() == config.model_dump()
    listed = obs.evaluations.list_pipeline_configs(pipeline_kind="judge").pipeline_configs
    assert listed.count == 1 and listed.results[0].id == config.id

    key = exporter.chat("Refund please", "No.")
    assert evaluations_named(obs, "refund-config")[key].score_label == "poor"

    with pytest.raises(errors.ObservabilityError) as exc:
        obs.evaluations.create_pipeline_config(name="Refund config", pipeline_kind="judge", selectors=[{"source_kind": "span"}],
                                               **one_definition(obs, {"slug": "config-refund-judge"}))
    assert error_of(exc)[:2] == (409, "PIPELINE_CONFIG_ALREADY_EXISTS")

    off = obs.evaluations.update_pipeline_config(pipeline_config_id=config.id, name="Refund config", pipeline_kind="judge",
                                                 selectors=[{"source_kind": "span"}], enabled=False,
                                                 **one_definition(obs, {"slug": "config-refund-judge"}))
    assert off.enabled is False
    assert exporter.chat("Refund please", "Refund sent.") not in evaluations_named(obs, "refund-config")

    obs.evaluations.delete_pipeline_config(pipeline_config_id=config.id)
    with pytest.raises(errors.ObservabilityError) as exc:
        obs.evaluations.get_pipeline_config(pipeline_config_id=config.id)
    assert error_of(exc)[:2] == (404, "PIPELINE_CONFIG_NOT_FOUND")
