"""The model endpoints through the SDK's own inference methods: chat.complete,
chat.stream, tool calling over two turns, fim.complete, embeddings.create, models.list; and the
offline loop: with configure_telemetry pointed at the emulator, chat, then find the chat span
with traces.search and the event in the explorer, judge it, put it in a dataset.

chat/fim/embeddings/models are not under client.beta.observability, so these tests carry an
`sdk_method` marker only for the observability methods they call.
"""

from __future__ import annotations

import json
import math
import time
import uuid

import pytest

from helpers import API, RawHTTP, judge_body, poll, unique_name, wait_task

WEATHER_TOOL = {"type": "function", "function": {
    "name": "get_weather", "description": "The weather in a city",
    "parameters": {"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]}}}


def test_chat_complete_answers_deterministically_and_counts_tokens(client):
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "What is an emulator?"}]
    first = client.chat.complete(model="mistral-small-latest", messages=messages)
    again = client.chat.complete(model="mistral-small-latest", messages=messages)
    answer = first.choices[0].message.content
    assert answer == again.choices[0].message.content and "What is an emulator?" in answer
    assert first.choices[0].finish_reason == "stop"
    assert first.model == "mistral-small-latest" and first.object == "chat.completion"
    # The documented rule: ceil(characters / 4), the prompt being the message texts concatenated.
    assert first.usage.prompt_tokens == math.ceil(len("Be brief.What is an emulator?") / 4)
    assert first.usage.completion_tokens == math.ceil(len(answer) / 4)
    assert first.usage.total_tokens == first.usage.prompt_tokens + first.usage.completion_tokens


def test_chat_complete_uses_a_workspace_responder(client, http):
    added = http.post("/__emulator/responders", json={"match": {"contains": "refund"}, "respond": {"content": "Refund issued."}})
    assert added.status_code == 201, added.text
    res = client.chat.complete(model="mistral-large-latest", messages=[{"role": "user", "content": "I want a refund"}])
    assert res.choices[0].message.content == "Refund issued."


def test_chat_stream_is_the_same_text_in_several_chunks(client):
    messages = [{"role": "user", "content": "Explain streaming in one paragraph."}]
    whole = client.chat.complete(model="mistral-medium-latest", messages=messages)
    pieces, finish, usage = [], None, None
    with client.chat.stream(model="mistral-medium-latest", messages=messages) as events:
        for event in events:
            choice = event.data.choices[0]
            if choice.delta.content:
                pieces.append(choice.delta.content)
            if choice.finish_reason is not None:
                finish, usage = choice.finish_reason, event.data.usage
    assert len(pieces) > 2
    assert "".join(pieces) == whole.choices[0].message.content
    assert finish == "stop"
    assert usage.total_tokens == whole.usage.total_tokens


def test_chat_stream_sends_the_first_chunk_before_a_delay_is_over(client, http):
    http.post("/__emulator/responders", json={"match": {"contains": "slowly"},
                                              "respond": {"content": "one two three four five six seven eight nine", "delay_ms": 900}})
    start = time.monotonic()
    arrivals = []
    with client.chat.stream(model="mistral-small-latest", messages=[{"role": "user", "content": "answer slowly"}]) as events:
        for _ in events:
            arrivals.append(time.monotonic() - start)
    assert arrivals[0] < 0.45, arrivals
    assert arrivals[-1] >= 0.85, arrivals


def test_tool_calling_over_two_turns(client):
    messages = [{"role": "user", "content": "What's the weather like in Paris?"}]
    first = client.chat.complete(model="mistral-large-latest", messages=messages, tools=[WEATHER_TOOL])
    call = first.choices[0].message.tool_calls[0]
    assert first.choices[0].finish_reason == "tool_calls"
    assert call.function.name == "get_weather" and json.loads(call.function.arguments) == {"location": "Paris"}
    assert len(call.id) == 9
    messages.append(first.choices[0].message)
    messages.append({"role": "tool", "name": "get_weather", "tool_call_id": call.id, "content": "21°C and sunny"})
    second = client.chat.complete(model="mistral-large-latest", messages=messages, tools=[WEATHER_TOOL])
    assert second.choices[0].message.content == "The weather in Paris: 21°C and sunny."
    assert not second.choices[0].message.tool_calls


def test_errors_reach_the_sdk(client):
    from mistralai.client import errors
    with pytest.raises(errors.SDKError) as unknown:
        client.chat.complete(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    assert unknown.value.status_code == 400 and "gpt-4o" in unknown.value.body
    with pytest.raises(errors.SDKError) as unavailable:
        client.chat.complete(model="mistral-small-latest", messages=[{"role": "user", "content": "go [emulator:503]"}],
                             retries=None)
    assert unavailable.value.status_code == 503


def test_fim_complete(client):
    res = client.fim.complete(model="codestral-latest", prompt="def add(a, b):\n    ", suffix="\n    return result")
    text = res.choices[0].message.content
    assert text and text == client.fim.complete(model="codestral-latest", prompt="def add(a, b):\n    ", suffix="\n    return result").choices[0].message.content
    assert res.usage.prompt_tokens == math.ceil(len("def add(a, b):\n    \n    return result") / 4)


def test_embeddings_create_unit_vectors_similar_texts_close(client):
    res = client.embeddings.create(model="mistral-embed", inputs=["How do I reset my password?", "How can I reset my password",
                                                                   "The weather in Lyon is sunny.", "How do I reset my password?"])
    vectors = [d.embedding for d in res.data]
    assert [len(v) for v in vectors] == [1024] * 4
    assert all(abs(math.sqrt(sum(x * x for x in v)) - 1) < 1e-6 for v in vectors)
    cos = lambda a, b: sum(x * y for x, y in zip(a, b))
    assert vectors[0] == vectors[3]
    assert cos(vectors[0], vectors[1]) > cos(vectors[0], vectors[2]) + 0.4


def test_models_list_and_retrieve(client):
    ids = {m.id for m in client.models.list().data}
    assert {"mistral-large-latest", "mistral-medium-latest", "mistral-small-latest", "codestral-latest", "mistral-embed"} <= ids
    assert client.models.retrieve(model_id="codestral-latest").capabilities.completion_fim is True


# --------------------------------------------------------------------------------------------
# The offline loop
# --------------------------------------------------------------------------------------------

def _chat_with_telemetry(base_url, token, monkeypatch, question):
    """chat.complete with configure_telemetry sending the SDK's spans to the emulator; returns
    the answer and the provider (flushed)."""
    from mistralai.client import Mistral
    from mistralai.extra.observability import telemetry

    monkeypatch.setenv("MISTRAL_OTLP_TRACES_ENDPOINT", f"{base_url}/telemetry/v1/traces")
    client = Mistral(api_key=token, server_url=base_url)
    assert telemetry.configure_telemetry(client, redaction=False)
    answer = client.chat.complete(model="mistral-small-latest", messages=[{"role": "user", "content": question}],
                                  metadata={"suite": "offline-loop"}, http_headers={"X-Correlation-Id": "loop-1"})
    provider = telemetry._get_tracing_hook(client.sdk_configuration._hooks).tracer_provider
    assert provider.force_flush(10_000)
    return client, answer, provider


def _find_chat_span(obs, answer):
    """The SDK's span of this call: it carries the completion's id (seeded chat spans do not)."""
    spans = poll(lambda: obs.spans.search_spans(search_expression=f"response_id = '{answer.id}'", page_size=10).spans.results,
                 lambda found: len(found) > 0, timeout=10)
    assert len(spans) == 1
    return spans[0]


@pytest.mark.sdk_method("traces.search", "spans.search_spans", "judges.create", "judges.judge_conversation",
                        "datasets.create", "datasets.import_from_spans", "datasets.fetch_task", "datasets.list_records")
def test_offline_loop_chat_span_event_judge_dataset(base_url, token, monkeypatch):
    question = f"Can I return a parcel after 40 days? ({uuid.uuid4().hex[:6]})"
    client, answer, provider = _chat_with_telemetry(base_url, token, monkeypatch, question)
    obs = client.beta.observability
    try:
        # The trace of the SDK's own chat call, in this workspace.
        traces = obs.traces.search(search_expression="start_time > '2026-11-28T00:00:00Z'", page_size=10).traces.results
        span = _find_chat_span(obs, answer)
        assert span.operation_name == 'chat'
        assert span.trace_id in {t.trace_id for t in traces}
        assert "mistral-small-latest" in json.dumps(span.span_attributes)
        # The event the emulator recorded for the same call, found in the explorer at once.
        http = RawHTTP(base_url, token)
        found = http.post(f"{API}/chat-completion-events/search", json={"search_params": {"filters": {"AND": [
            {"field": "metadata.suite", "op": "eq", "value": "offline-loop"},
            {"field": "last_user_message_preview", "op": "eq", "value": question}]}}}).json()["completion_events"]["results"]
        assert len(found) == 1 and found[0]["correlation_id"] == "loop-1"
        event = http.get_json(f"{API}/chat-completion-events/{found[0]['event_id']}")
        assert event["response_messages"][0]["content"] == answer.choices[0].message.content
        # Judged live, then put in a dataset from its span.
        judge = obs.judges.create(**judge_body(instructions='when assistant icontains "deterministic" -> good\notherwise -> poor'))
        verdict = obs.judges.judge_conversation(judge_id=str(judge.id), messages=event["request_messages"] + event["response_messages"])
        assert verdict.answer == "good"
        dataset = obs.datasets.create(name=unique_name("offline loop"), description="from the loop test")
        task = obs.datasets.import_from_spans(dataset_id=str(dataset.id), span_references=[{"trace_id": span.trace_id, "span_id": span.span_id}],
                                              mapping_contract={"version": 1, "mappings": [
                                                  {"target_field": "model", "source_field": {"namespace": "span_attributes", "key": "gen_ai.request.model"}}]})
        assert wait_task(obs, dataset.id, task.id).status == "COMPLETED"
        records = obs.datasets.list_records(dataset_id=str(dataset.id), page_size=10).records.results
        assert len(records) == 1
    finally:
        provider.shutdown()


@pytest.mark.sdk_method("chat_completion_events.search", "chat_completion_events.judge", "datasets.create",
                        "datasets.import_from_explorer", "datasets.fetch_task", "traces.search")
def test_offline_loop_through_the_explorer_methods(base_url, token, monkeypatch):
    """The same loop with the explorer methods of the releases that have them (2.9.4)."""
    question = f"Is shipping free over 50 euros? ({uuid.uuid4().hex[:6]})"
    client, answer, provider = _chat_with_telemetry(base_url, token, monkeypatch, question)
    obs = client.beta.observability
    try:
        traces = obs.traces.search(search_expression="start_time > '2026-11-28T00:00:00Z'", page_size=10).traces.results
        assert traces
        found = obs.chat_completion_events.search(search_params={"filters": {"field": "last_user_message_preview", "op": "eq", "value": question}})
        events = found.completion_events.results
        assert len(events) == 1
        verdict = obs.chat_completion_events.judge(event_id=events[0].event_id, judge_definition=judge_body(
            instructions='when assistant icontains "deterministic" -> good\notherwise -> poor'))
        assert verdict.answer == "good"
        dataset = obs.datasets.create(name=unique_name("offline loop"), description="from the loop test")
        task = obs.datasets.import_from_explorer(dataset_id=str(dataset.id), completion_event_ids=[events[0].event_id])
        assert wait_task(obs, dataset.id, task.id).status == "COMPLETED"
    finally:
        provider.shutdown()


@pytest.mark.sdk_method("spans.search_spans", "judges.create", "judges.judge_conversation", "datasets.create",
                        "datasets.import_from_spans", "datasets.fetch_task")
def test_the_readme_offline_loop_example_runs_and_is_shown_verbatim(base_url):
    import os
    import subprocess
    import sys

    from helpers import REPO
    example = REPO / "examples" / "offline_loop.py"
    # The README links it; the model endpoints guide shows it whole.
    assert example.read_text() in (REPO / "docs" / "model-endpoints.md").read_text()
    run = subprocess.run([sys.executable, str(example)], env={**os.environ, "OBS_EMULATOR_URL": base_url},
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-3000:]
    assert "verdict: yes" in run.stdout
