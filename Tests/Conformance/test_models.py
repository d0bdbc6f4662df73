"""The model endpoints: chat completions (plain and streamed), FIM, embeddings and
models, validated per the inference reference with its own error shapes, under the same Bearer
auth and workspaces; responders (fixtures and the control plane); every chat completion an
event of the caller's workspace; byte-identical runs with --id-seed and --clock.

The SDK side (chat.complete, chat.stream, tools over two turns, the offline loop with
configure_telemetry) is in Tests/SDKMatrix/test_models.py, for every SDK release.
"""

from __future__ import annotations

import json
import math
import time

import pytest
import requests

from conftest import start_emulator

CHAT = "chat_completion_v1_chat_completions_post"
FIM = "fim_completion_v1_fim_completions_post"
EMBEDDINGS = "embeddings_v1_embeddings_post"
LIST_MODELS = "list_models_v1_models_get"
RETRIEVE_MODEL = "retrieve_model_v1_models__model_id__get"
MODEL_ADD, MODEL_LIST, MODEL_CLEAR, MODEL_DELETE = "emulator_model_add", "emulator_model_list", "emulator_model_clear", "emulator_model_delete"
API = "/v1/observability"


def chat_body(user="Hello", **extra):
    return {"model": "mistral-small-latest", "messages": [{"role": "user", "content": user}], **extra}


def sse_events(text: str) -> list[str]:
    assert text.endswith("\n\n"), text[-200:]
    events = text[:-2].split("\n\n")
    assert all(e.startswith("data: ") for e in events), events
    return [e[len("data: "):] for e in events]


def event_ids(http, filters) -> list[str]:
    return http.search_ids(filters)


# --------------------------------------------------------------------------------------------
# Chat completions
# --------------------------------------------------------------------------------------------

@pytest.mark.operation(CHAT)
def test_chat_completion_shape_and_usage(http):
    r = http.post("/v1/chat/completions", json=chat_body("What is the capital of France?", n=2))
    assert r.status_code == 200, r.text
    body = r.json()
    assert list(body) == ["id", "object", "model", "usage", "created", "choices"]
    assert len(body["id"]) == 32 and body["object"] == "chat.completion" and body["model"] == "mistral-small-latest"
    assert [c["index"] for c in body["choices"]] == [0, 1]
    message = body["choices"][0]["message"]
    assert message == {"role": "assistant", "content": "The capital of France is Paris.", "tool_calls": None, "prefix": False}
    assert body["usage"] == {"prompt_tokens": math.ceil(len("What is the capital of France?") / 4),
                             "completion_tokens": math.ceil(len(message["content"]) / 4),
                             "total_tokens": math.ceil(len("What is the capital of France?") / 4) + math.ceil(len(message["content"]) / 4)}


@pytest.mark.operation(CHAT, "get_chat_completion_event_v1_observability_chat_completion_events__event_id__get")
def test_every_chat_completion_is_an_event_of_the_callers_workspace(http):
    tools = [{"type": "function", "function": {"name": "lookup_order", "parameters": {"type": "object"}}}]
    r = http.post("/v1/chat/completions", headers={"X-Correlation-Id": "conv-42"},
                  json={"model": "mistral-large-latest", "tools": tools, "metadata": {"suite": "conformance-models", "n": 2, "nested": {"a": 1}},
                        "messages": [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Where is order 42?"}]})
    assert r.status_code == 200, r.text
    ids = event_ids(http, {"field": "metadata.suite", "op": "eq", "value": "conformance-models"})
    assert len(ids) == 1
    assert event_ids(http.for_token("someone-else"), {"field": "metadata.suite", "op": "eq", "value": "conformance-models"}) == []
    event = http.get(f"{API}/chat-completion-events/{ids[0]}").json()
    assert event["correlation_id"] == "conv-42"
    assert event["enabled_tools"] == tools
    assert event["request_messages"][1] == {"role": "user", "content": "Where is order 42?"}
    assert event["response_messages"] == [r.json()["choices"][0]["message"]]
    assert event["nb_input_tokens"] == r.json()["usage"]["prompt_tokens"]
    assert event["nb_output_tokens"] == r.json()["usage"]["completion_tokens"]
    extra = event["extra_fields"]
    assert extra["model_name"] == "mistral-large-latest" and extra["metadata.n"] == "2" and extra["metadata.nested"] == '{"a":1}'
    assert isinstance(extra["total_time_elapsed"], float)
    found = http.post(f"{API}/chat-completion-events/search", json={"search_params": {"filters": {"AND": [
        {"field": "first_system_message", "op": "eq", "value": "You are terse."},
        {"field": "enabled_tools", "op": "includes", "value": "lookup_order"}]}}}).json()
    assert [e["event_id"] for e in found["completion_events"]["results"]] == ids


@pytest.mark.operation(CHAT)
@pytest.mark.parametrize("body, loc", [
    ({"messages": [{"role": "user", "content": "x"}]}, ["body", "model"]),
    ({"model": "mistral-small-latest"}, ["body", "messages"]),
    (chat_body(temperature=1.6), ["body", "temperature"]),
    (chat_body(temperature="hot"), ["body", "temperature"]),
    (chat_body(top_p=0), ["body", "top_p"]),
    (chat_body(max_tokens=-1), ["body", "max_tokens"]),
    (chat_body(n=0), ["body", "n"]),
    (chat_body(stream="yes"), ["body", "stream"]),
    (chat_body(stop=[1]), ["body", "stop", 0]),
    (chat_body(tool_choice="sometimes"), ["body", "tool_choice"]),
    (chat_body(tools=[{"type": "function", "function": {"name": "f"}}]), ["body", "tools", 0, "function", "parameters"]),
    (chat_body(response_format={"type": "yaml"}), ["body", "response_format", "type"]),
    ({"model": "mistral-small-latest", "messages": [{"role": "robot", "content": "x"}]}, ["body", "messages", 0, "role"]),
    ({"model": "mistral-small-latest", "messages": [{"role": "user"}]}, ["body", "messages", 0, "content"]),
    ({"model": "mistral-small-latest", "messages": [{"role": "user", "content": 5}]}, ["body", "messages", 0, "content"]),
])
def test_chat_validation_errors_are_http_validation_errors(http, body, loc):
    before = event_ids(http, None)
    r = http.post("/v1/chat/completions", json=body)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert detail[0]["loc"] == loc and detail[0]["msg"] and detail[0]["type"]
    assert event_ids(http, None) == before, "a rejected request changes nothing"


@pytest.mark.operation(CHAT)
def test_chat_bad_requests_in_the_inference_error_shape(http):
    unknown = http.post("/v1/chat/completions", json={**chat_body(), "model": "mistral-huge-latest"})
    assert unknown.status_code == 400
    assert unknown.json() == {"object": "error", "message": "Invalid model: mistral-huge-latest", "type": "invalid_model", "param": None, "code": "1500"}
    embed = http.post("/v1/chat/completions", json={**chat_body(), "model": "mistral-embed"})
    assert embed.status_code == 400 and "mistral-embed" in embed.json()["message"]
    assert http.post("/v1/chat/completions", json={**chat_body(), "messages": []}).status_code == 400
    assert http.post("/v1/chat/completions", json=chat_body(n=2**62)).json()["message"] == "n: at most 16 choices (got 4611686018427387904)"
    assert http.post("/v1/chat/completions", data=b"{not json", headers={"Content-Type": "application/json"}).status_code == 422
    assert http.post("/v1/chat/completions", json=chat_body(), auth=False).status_code == 401


@pytest.mark.operation(CHAT)
def test_chat_stream_is_chunked_sse_with_the_same_text(http):
    whole = http.post("/v1/chat/completions", json=chat_body("Describe the sea in a few words")).json()
    r = http.post("/v1/chat/completions", json=chat_body("Describe the sea in a few words", stream=True), stream=True)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/event-stream" and r.headers["Transfer-Encoding"] == "chunked"
    assert "Content-Length" not in r.headers
    events = sse_events(r.content.decode())
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks) == whole["choices"][0]["message"]["content"]
    assert [c["choices"][0]["finish_reason"] for c in chunks].count("stop") == 1 and chunks[-1]["choices"][0]["finish_reason"] == "stop"
    assert chunks[-1]["usage"] == whole["usage"] and all("usage" not in c for c in chunks[:-1])
    assert len({c["id"] for c in chunks}) == 1
    journal = http.get("/__emulator/requests", params={"path_prefix": "/v1/chat/completions", "limit": 1}).json()["requests"][0]
    assert journal["response_body"] == r.content.decode(), "the journal keeps a streamed answer as the events it sent"


@pytest.mark.operation(CHAT)
def test_responder_delay_paces_the_stream(http):
    assert http.post("/__emulator/responders", json={"match": {"contains": "pace me"},
                                                     "respond": {"content": "a b c d e f g h i j k l", "delay_ms": 900}}).status_code == 201
    start = time.monotonic()
    arrivals = []
    with http.post("/v1/chat/completions", json=chat_body("pace me", stream=True), stream=True) as r:
        for _ in r.iter_lines(chunk_size=None):
            arrivals.append(time.monotonic() - start)
    assert arrivals[0] < 0.45 and arrivals[-1] >= 0.85, arrivals
    start = time.monotonic()
    assert http.post("/v1/chat/completions", json=chat_body("pace me")).json()["choices"][0]["message"]["content"] == "a b c d e f g h i j k l"
    assert time.monotonic() - start >= 0.85


@pytest.mark.operation(CHAT)
def test_responders_answer_tool_calls_and_their_follow_up(http):
    rule = {"name": "order", "match": {"model": "mistral-large-latest", "matches": "order [0-9]+", "tools": ["lookup_order"],
                                       "metadata": {"channel": "web"}},
            "respond": {"tool_calls": [{"name": "lookup_order", "arguments": {"id": 42}}]},
            "then": {"content": "Order status: {{tool_result}}"}}
    added = http.post("/__emulator/responders", json=rule)
    assert added.status_code == 201 and len(added.json()["ids"]) == 1
    tools = [{"type": "function", "function": {"name": "lookup_order", "parameters": {"type": "object"}}}]
    messages = [{"role": "user", "content": "Where is order 42?"}]
    body = {"model": "mistral-large-latest", "tools": tools, "metadata": {"channel": "web"}, "messages": messages}
    first = http.post("/v1/chat/completions", json=body).json()["choices"][0]
    assert first["finish_reason"] == "tool_calls"
    call = first["message"]["tool_calls"][0]
    assert call["function"] == {"name": "lookup_order", "arguments": '{"id":42}'} and call["type"] == "function"
    messages += [first["message"], {"role": "tool", "name": "lookup_order", "tool_call_id": call["id"], "content": "shipped"}]
    second = http.post("/v1/chat/completions", json=body).json()["choices"][0]
    assert second["message"]["content"] == "Order status: shipped" and second["finish_reason"] == "stop"
    # Another workspace does not have the rule; another channel does not match it.
    other = http.for_token("other-workspace").post("/v1/chat/completions", json={**body, "messages": messages[:1]}).json()
    assert other["choices"][0]["finish_reason"] == "stop"
    web = http.post("/v1/chat/completions", json={**body, "messages": messages[:1], "metadata": {"channel": "phone"}}).json()
    assert web["choices"][0]["finish_reason"] == "stop"


@pytest.mark.operation(CHAT)
def test_responder_errors_finish_reasons_and_limits(http):
    http.post("/__emulator/responders", json=[
        {"match": {"contains": "overloaded"}, "respond": {"error": {"status": 529, "message": "Overloaded", "type": "overloaded"}}},
        {"match": {"contains": "cut"}, "respond": {"content": "Half an ans", "finish_reason": "length"}},
    ])
    err = http.post("/v1/chat/completions", json=chat_body("are you overloaded?"))
    assert err.status_code == 529 and err.json()["message"] == "Overloaded" and err.json()["type"] == "overloaded"
    assert http.post("/v1/chat/completions", json=chat_body("[emulator:429]")).status_code == 429
    cut = http.post("/v1/chat/completions", json=chat_body("cut")).json()["choices"][0]
    assert cut == {"index": 0, "message": {"role": "assistant", "content": "Half an ans", "tool_calls": None, "prefix": False}, "finish_reason": "length"}
    limited = http.post("/v1/chat/completions", json=chat_body("Tell me everything", max_tokens=5)).json()
    assert limited["choices"][0]["finish_reason"] == "length" and limited["usage"]["completion_tokens"] == 5
    forced = http.post("/v1/chat/completions", json=chat_body("Hi", tool_choice="any", tools=[
        {"type": "function", "function": {"name": "f", "parameters": {}}}])).json()["choices"][0]
    assert forced["finish_reason"] == "tool_calls" and forced["message"]["tool_calls"][0]["function"]["name"] == "f"


def test_responders_control_plane(http, base_url):
    bad = http.post("/__emulator/responders", json={"match": {"matches": "(a+)+$"}, "respond": {"content": "x"}})
    assert bad.status_code == 422 and "match.matches" in bad.json()["detail"]["message"]
    assert http.post("/__emulator/responders", json={"respond": {"content": "x"}}, auth=False).status_code == 401
    assert http.post("/__emulator/responders", json=[{"respond": {"content": "ok"}}, {"respond": {}}]).status_code == 422
    assert http.get("/__emulator/responders").json()["responders"] == [], "a rejected batch adds nothing"
    ids = http.post("/__emulator/responders", json={"responders": [{"name": "a", "respond": {"content": "A"}}, {"name": "b", "respond": {"content": "B"}}]}).json()["ids"]
    listed = http.get("/__emulator/responders").json()
    assert [(r["id"], r["name"]) for r in listed["responders"]] == list(zip(ids, ["a", "b"]))
    assert {r.get("name") for r in listed["fixture_responders"]} >= {"weather-tool", "capital-of-france"}
    assert http.post("/v1/chat/completions", json=chat_body("anything")).json()["choices"][0]["message"]["content"] == "A"
    assert http.delete(f"/__emulator/responders/{ids[0]}").status_code == 204
    assert http.delete(f"/__emulator/responders/{ids[0]}").status_code == 404
    assert http.delete("/__emulator/responders/not-a-uuid").status_code == 422
    assert http.post("/v1/chat/completions", json=chat_body("anything")).json()["choices"][0]["message"]["content"] == "B"
    assert http.delete("/__emulator/responders").status_code == 204
    assert http.get("/__emulator/responders").json()["responders"] == []
    http.post("/__emulator/responders", json={"respond": {"content": "C"}})
    assert http.post("/__emulator/reset", json={"scope": "workspace"}).status_code == 204
    assert http.get("/__emulator/responders").json()["responders"] == []


# --------------------------------------------------------------------------------------------
# FIM, embeddings, models
# --------------------------------------------------------------------------------------------

@pytest.mark.operation(FIM)
def test_fim_completion(http):
    body = {"model": "codestral-latest", "prompt": "def add(a, b):\n    ", "suffix": "\n    return c"}
    r = http.post("/v1/fim/completions", json=body)
    assert r.status_code == 200, r.text
    again = http.post("/v1/fim/completions", json=body).json()
    assert again["choices"] == r.json()["choices"] and again["usage"] == r.json()["usage"], "same request, same answer"
    choice = r.json()["choices"][0]
    assert choice["finish_reason"] == "stop" and choice["message"]["content"]
    assert r.json()["usage"]["prompt_tokens"] == math.ceil(len(body["prompt"] + body["suffix"]) / 4)
    streamed = http.post("/v1/fim/completions", json={**body, "stream": True})
    text = "".join(json.loads(e)["choices"][0]["delta"].get("content") or "" for e in sse_events(streamed.text)[:-1])
    assert text == choice["message"]["content"]
    assert http.post("/v1/fim/completions", json={**body, "model": "mistral-small-latest"}).status_code == 400
    assert http.post("/v1/fim/completions", json={"model": "codestral-latest"}).json()["detail"][0]["loc"] == ["body", "prompt"]


@pytest.mark.operation(EMBEDDINGS)
def test_embeddings(http):
    r = http.post("/v1/embeddings", json={"model": "mistral-embed", "input": ["Refund my order", "Please refund my order", "Weather in Nice"]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["object"] == "list" and body["model"] == "mistral-embed" and [d["index"] for d in body["data"]] == [0, 1, 2]
    vectors = [d["embedding"] for d in body["data"]]
    assert all(len(v) == 1024 and abs(math.sqrt(sum(x * x for x in v)) - 1) < 1e-6 for v in vectors)
    cos = lambda a, b: sum(x * y for x, y in zip(a, b))
    assert cos(vectors[0], vectors[1]) > cos(vectors[0], vectors[2]) + 0.3
    assert body["usage"]["prompt_tokens"] == sum(math.ceil(len(t) / 4) for t in ["Refund my order", "Please refund my order", "Weather in Nice"])
    single = http.post("/v1/embeddings", json={"model": "mistral-embed", "input": "Refund my order"}).json()
    assert single["data"][0]["embedding"] == vectors[0]
    small = http.post("/v1/embeddings", json={"model": "codestral-embed", "input": "x", "output_dimension": 64, "output_dtype": "int8"}).json()
    assert len(small["data"][0]["embedding"]) == 64 and all(isinstance(x, int) and -127 <= x <= 127 for x in small["data"][0]["embedding"])
    b64 = http.post("/v1/embeddings", json={"model": "mistral-embed", "input": "x", "encoding_format": "base64"}).json()
    assert isinstance(b64["data"][0]["embedding"], str)
    assert http.post("/v1/embeddings", json={"model": "mistral-embed"}).status_code == 422
    assert http.post("/v1/embeddings", json={"model": "mistral-embed", "input": [1]}).json()["detail"][0]["loc"] == ["body", "input", 0]
    assert http.post("/v1/embeddings", json={"model": "nope-embed", "input": "x"}).json()["message"] == "Invalid model: nope-embed"


@pytest.mark.operation(LIST_MODELS, RETRIEVE_MODEL)
def test_models(http):
    listed = http.get("/v1/models").json()
    assert listed["object"] == "list"
    ids = [m["id"] for m in listed["data"]]
    assert {"mistral-large-latest", "mistral-medium-latest", "mistral-small-latest", "codestral-latest", "mistral-embed"} <= set(ids)
    fixture_models = {json.loads(line).get("extra_fields", {}).get("model_name") for line in open(http_fixtures())} - {None}
    assert fixture_models <= set(ids)
    card = http.get("/v1/models/codestral-latest").json()
    assert card["type"] == "base" and card["capabilities"]["completion_fim"] is True and card == next(m for m in listed["data"] if m["id"] == "codestral-latest")
    missing = http.get("/v1/models/gpt-4o")
    assert missing.status_code == 404 and missing.json()["type"] == "invalid_model"
    assert http.get("/v1/models", auth=False).status_code == 401


def http_fixtures():
    from conftest import FIXTURES
    return FIXTURES / "events.jsonl"


# --------------------------------------------------------------------------------------------
# Determinism
# --------------------------------------------------------------------------------------------

def test_two_runs_with_seed_and_clock_answer_byte_for_byte():
    def run() -> list[bytes]:
        emulator = start_emulator("--id-seed", "42", "--clock", "step:2026-03-01T09:00:00.000Z,250")
        session = requests.Session()
        session.headers["Authorization"] = "Bearer determinism-models"
        bodies: list[bytes] = []
        try:
            def call(method, path, **kw):
                r = session.request(method, emulator.url + path, timeout=30, **kw)
                bodies.append(f"{method} {path} {r.status_code} ".encode() + r.content)
                return r
            tools = [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}]
            first = call("POST", "/v1/chat/completions", json={"model": "mistral-large-latest", "tools": tools,
                                                               "messages": [{"role": "user", "content": "weather in Paris?"}]}).json()
            call("POST", "/v1/chat/completions", json={"model": "mistral-large-latest", "tools": tools, "messages": [
                {"role": "user", "content": "weather in Paris?"}, first["choices"][0]["message"],
                {"role": "tool", "name": "get_weather", "tool_call_id": first["choices"][0]["message"]["tool_calls"][0]["id"], "content": "sunny"}]})
            call("POST", "/v1/chat/completions", json=chat_body("Stream this, please", stream=True, metadata={"run": "x"}))
            call("POST", "/v1/fim/completions", json={"model": "codestral-latest", "prompt": "for i in", "stream": True})
            call("POST", "/v1/embeddings", json={"model": "mistral-embed", "input": ["same text", "other text"]})
            call("GET", "/v1/models")
            ids = call("POST", f"{API}/chat-completion-events/search-ids", json={"search_params": {"filters": {"field": "model_name", "op": "eq", "value": "mistral-large-latest"}}}).json()
            call("POST", f"{API}/chat-completion-events/search", json={"search_params": {"filters": {"field": "input_tokens", "op": "gte", "value": 0}},
                                                                       "extra_fields": ["model_name", "metadata.run"]})
            for event_id in ids["completion_event_ids"][:2]:
                call("GET", f"{API}/chat-completion-events/{event_id}")
        finally:
            assert emulator.stop() == 0
        return bodies

    first, second = run(), run()
    assert len(first) == 10
    for a, b in zip(first, second):
        assert a == b, f"\n{a[:400]!r}\n!=\n{b[:400]!r}"


@pytest.mark.operation(CHAT)
def test_a_response_message_sent_back_is_a_valid_next_turn(client):
    """`messages.append(response.choices[0].message)`: the SDK serialises the assistant message it
    received (`tool_calls: null`, `prefix: false`), and the next turn must take it as it is."""
    messages = [{"role": "user", "content": "What is the capital of France?"}]
    first = client.chat.complete(model="mistral-small-latest", messages=messages)
    messages.append(first.choices[0].message)
    messages.append({"role": "user", "content": "And the capital of Italy?"})
    second = client.chat.complete(model="mistral-small-latest", messages=messages)
    assert second.choices[0].message.content
    assert second.usage.prompt_tokens > first.usage.prompt_tokens


# --------------------------------------------------------------------------------------------
# The model catalogue (Fixtures/models.json, --fixtures, the control plane) and capabilities
# --------------------------------------------------------------------------------------------

DATED = ["mistral-large-2411", "mistral-large-2407", "mistral-medium-2505", "mistral-medium-2508", "mistral-small-2503",
         "mistral-small-2506", "pixtral-12b-2409", "pixtral-large-2411", "codestral-2501", "codestral-2508", "ministral-3b-2410",
         "ministral-8b-2410", "magistral-medium-2506", "magistral-medium-2507", "magistral-medium-2509", "magistral-small-2506",
         "magistral-small-2509", "devstral-small-2505", "devstral-small-2507", "devstral-medium-2507", "voxtral-mini-2507",
         "voxtral-small-2507", "mistral-embed", "codestral-embed", "codestral-embed-2505", "mistral-moderation-2411",
         "mistral-ocr-2505", "open-mistral-nemo", "open-mistral-nemo-2407", "open-mistral-7b", "open-mixtral-8x7b",
         "open-mixtral-8x22b", "mistral-tiny", "mistral-small", "mistral-medium"]


@pytest.mark.operation(LIST_MODELS, RETRIEVE_MODEL)
def test_every_name_is_listed_and_retrieved_with_the_sdk(client):
    from mistralai.client.models import BaseModelCard
    listed = client.models.list().data
    assert all(isinstance(card, BaseModelCard) for card in listed)
    ids = [card.id for card in listed]
    assert len(ids) == len(set(ids))
    assert set(DATED) <= set(ids)
    latest = [i for i in ids if i.endswith("-latest")]
    assert {"mistral-large-latest", "magistral-medium-latest", "voxtral-small-latest", "devstral-small-latest"} <= set(latest)
    by_id = {card.id: card for card in listed}
    for alias in latest:
        card = by_id[alias]
        assert card.name != alias and card.name in by_id, "a -latest alias is an entry of its own, named after its model"
        assert alias in by_id[card.name].aliases and card.name in card.aliases
    retrieved = client.models.retrieve(model_id="magistral-medium-latest")
    assert retrieved.id == "magistral-medium-latest" and retrieved.name == "magistral-medium-2509"
    assert retrieved.capabilities.reasoning and retrieved.capabilities.completion_chat
    assert retrieved == by_id["magistral-medium-latest"]
    assert client.models.retrieve(model_id="pixtral-12b").capabilities.vision
    assert client.models.retrieve(model_id="voxtral-mini-latest").capabilities.audio
    assert client.models.retrieve(model_id="codestral-latest").capabilities.completion_fim
    old = client.models.retrieve(model_id="open-mixtral-8x7b")
    assert old.deprecation is not None and old.deprecation_replacement_model == "mistral-small-latest"


@pytest.mark.operation(CHAT, RETRIEVE_MODEL)
def test_an_unknown_model_is_the_real_400_with_a_hint(client, http):
    from mistralai.client import errors
    with pytest.raises(errors.SDKError) as raised:
        client.chat.complete(model="mistral-huge-latest", messages=[{"role": "user", "content": "hi"}])
    assert raised.value.status_code == 400
    r = http.post("/v1/chat/completions", json={**chat_body(), "model": "mistral-huge-latest"})
    assert r.json()["message"] == "Invalid model: mistral-huge-latest"
    assert "POST /__emulator/models" in r.headers["X-Emulator-Hint"] and "models.json" in r.headers["X-Emulator-Hint"]
    assert http.get("/v1/models/mistral-huge-latest").status_code == 404


@pytest.mark.operation(MODEL_ADD, MODEL_LIST, MODEL_CLEAR, MODEL_DELETE, LIST_MODELS, RETRIEVE_MODEL, CHAT)
def test_models_added_through_the_control_plane(client, http):
    card = {"id": "acme-vision-1", "aliases": ["acme-vision-latest"], "capabilities": ["completion_chat", "vision"], "max_context_length": 16384}
    r = http.post("/__emulator/models", json=card)
    assert r.status_code == 201 and r.json() == {"ids": ["acme-vision-1"]}
    assert http.post("/__emulator/models", json=[{"id": "acme-2"}, {"id": "acme-2"}]).status_code == 422, "all or none"
    assert http.post("/__emulator/models", json={"id": "acme-vision-latest"}).status_code == 409
    # A card copied from GET /v1/models is accepted as it is.
    copied = {**http.get("/v1/models/mistral-small-2506").json(), "id": "acme-small", "aliases": []}
    assert http.post("/__emulator/models", json={"models": [copied]}).status_code == 201
    retrieved = client.models.retrieve(model_id="acme-vision-latest")
    assert retrieved.name == "acme-vision-1" and retrieved.aliases == ["acme-vision-1"] and retrieved.max_context_length == 16384
    assert {"acme-vision-1", "acme-vision-latest", "acme-small"} <= {m.id for m in client.models.list().data}
    assert client.models.retrieve(model_id="acme-small").capabilities == client.models.retrieve(model_id="mistral-small-2506").capabilities
    answer = client.chat.complete(model="acme-vision-latest", messages=[{"role": "user", "content": [
        {"type": "text", "text": "What is this?"}, {"type": "image_url", "image_url": "data:image/png;base64,iVBORw0"}]}])
    assert answer.model == "acme-vision-latest" and "acme-vision-latest" in answer.choices[0].message.content
    assert http.for_token("someone-else").get("/v1/models/acme-vision-1").status_code == 404
    listing = http.get("/__emulator/models").json()
    assert [m["id"] for m in listing["models"]] == ["acme-vision-1", "acme-small"] and len(listing["fixture_models"]) > 30
    assert http.delete("/__emulator/models/acme-small").status_code == 204
    assert http.delete("/__emulator/models/acme-small").status_code == 404
    assert http.delete("/__emulator/models/mistral-large-latest").status_code == 404, "fixture models stay"
    assert http.delete("/__emulator/models").status_code == 204
    assert http.get("/v1/models/acme-vision-1").status_code == 404
    assert http.post("/__emulator/models", json=card).status_code == 201
    assert http.post("/__emulator/reset", json={"scope": "workspace"}).status_code == 204
    assert http.get("/v1/models/acme-vision-1").status_code == 404, "a reset clears added models"


@pytest.mark.operation(LIST_MODELS, CHAT)
def test_models_of_a_fixtures_folder(tmp_path):
    from conftest import FIXTURES
    (tmp_path / "events.jsonl").write_text((FIXTURES / "events.jsonl").read_text())
    (tmp_path / "models.json").write_text(json.dumps({"bundled": True, "models": [
        {"id": "acme-fixture-1", "aliases": ["acme-fixture-latest"], "capabilities": ["completion_chat", "reasoning"]}]}))
    emulator = start_emulator("--fixtures", str(tmp_path))
    try:
        session = requests.Session()
        session.headers["Authorization"] = "Bearer fixture-models"
        ids = [m["id"] for m in session.get(emulator.url + "/v1/models", timeout=30).json()["data"]]
        assert ids[:2] == ["acme-fixture-1", "acme-fixture-latest"] and "mistral-large-latest" in ids
        r = session.post(emulator.url + "/v1/chat/completions", timeout=30, json={"model": "acme-fixture-latest", "messages": [{"role": "user", "content": "hi"}]})
        assert r.status_code == 200 and r.json()["choices"][0]["message"]["content"][0]["type"] == "thinking"
    finally:
        assert emulator.stop() == 0
    (tmp_path / "models.json").write_text(json.dumps([{"id": "only-model", "capabilities": ["completion_chat"]}]))
    emulator = start_emulator("--fixtures", str(tmp_path))
    try:
        listed = requests.get(emulator.url + "/v1/models", headers={"Authorization": "Bearer x"}, timeout=30).json()["data"]
        assert [m["id"] for m in listed] == ["only-model"], "an array is the whole catalogue"
    finally:
        assert emulator.stop() == 0


@pytest.mark.operation(CHAT)
def test_a_reasoning_answer_parsed_by_the_sdk_and_sent_back(client):
    from mistralai.client.models import TextChunk, ThinkChunk
    messages = [{"role": "user", "content": "Why is the sky blue?"}]
    first = client.chat.complete(model="magistral-medium-latest", messages=messages)
    content = first.choices[0].message.content
    assert [type(c) for c in content] == [ThinkChunk, TextChunk]
    assert "Why is the sky blue?" in content[0].thinking[0].text and content[1].text
    again = client.chat.complete(model="magistral-medium-latest", messages=messages)
    assert again.choices[0].message.content == content, "deterministic"
    messages.append(first.choices[0].message)
    messages.append({"role": "user", "content": "And why are sunsets red?"})
    second = client.chat.complete(model="magistral-medium-latest", messages=messages)
    assert isinstance(second.choices[0].message.content[0], ThinkChunk)
    assert second.usage.prompt_tokens > first.usage.prompt_tokens
    plain = client.chat.complete(model="magistral-medium-latest", messages=messages[:1], prompt_mode=None)
    assert isinstance(plain.choices[0].message.content, str), "prompt_mode null: no reasoning system prompt, no thinking"
    explicit = client.chat.complete(model="magistral-medium-latest", messages=messages[:1], prompt_mode="reasoning")
    assert [type(c) for c in explicit.choices[0].message.content] == [ThinkChunk, TextChunk], "prompt_mode reasoning: the default"


@pytest.mark.operation(CHAT)
def test_prompt_mode_null_leaves_the_thinking_out(http):
    body = {"model": "magistral-small-latest", "messages": [{"role": "user", "content": "Why?"}]}
    assert isinstance(http.post("/v1/chat/completions", json=body).json()["choices"][0]["message"]["content"], list)
    assert isinstance(http.post("/v1/chat/completions", json={**body, "prompt_mode": None}).json()["choices"][0]["message"]["content"], str)
    assert isinstance(http.post("/v1/chat/completions", json={**body, "reasoning_effort": "none"}).json()["choices"][0]["message"]["content"], str)
    assert isinstance(http.post("/v1/chat/completions", json={**body, "model": "mistral-small-latest"}).json()["choices"][0]["message"]["content"], str)


@pytest.mark.operation(CHAT)
def test_a_reasoning_stream_with_the_sdk(client):
    from mistralai.client.models import ThinkChunk
    whole = client.chat.complete(model="magistral-small-latest", messages=[{"role": "user", "content": "Count to three"}])
    thinking, text = "", ""
    for event in client.chat.stream(model="magistral-small-latest", messages=[{"role": "user", "content": "Count to three"}]):
        delta = event.data.choices[0].delta
        if isinstance(delta.content, list):
            assert not text, "the thinking comes before the text"
            assert all(isinstance(c, ThinkChunk) for c in delta.content)
            thinking += "".join(part.text for c in delta.content for part in c.thinking)
        elif isinstance(delta.content, str):
            text += delta.content
    assert thinking == whole.choices[0].message.content[0].thinking[0].text
    assert text == whole.choices[0].message.content[1].text


@pytest.mark.operation(CHAT)
def test_image_and_audio_input_by_capability(client, http):
    import base64
    from mistralai.client import errors
    image = [{"type": "text", "text": "What is in this picture?"},
             {"type": "image_url", "image_url": {"url": "https://example.com/cat.png", "detail": "high"}},
             {"type": "image_url", "image_url": "data:image/png;base64,iVBORw0"}]
    seen = client.chat.complete(model="mistral-small-latest", messages=[{"role": "user", "content": image}])
    assert seen.usage.prompt_tokens == math.ceil(len("What is in this picture?") / 4) + 2 * 1024
    low = http.post("/v1/chat/completions", json={"model": "pixtral-large-latest", "messages": [{"role": "user", "content": [
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.png", "detail": "low"}}]}]}).json()
    assert low["usage"]["prompt_tokens"] == 256
    with pytest.raises(errors.SDKError) as raised:
        client.chat.complete(model="open-mistral-nemo", messages=[{"role": "user", "content": image}])
    assert raised.value.status_code == 400
    refused = http.post("/v1/chat/completions", json={"model": "codestral-latest", "messages": [{"role": "user", "content": image}]})
    assert refused.status_code == 400 and refused.json()["type"] == "invalid_request_error"
    assert "image" in refused.json()["message"] and "messages[0].content[1]" in refused.json()["message"]
    # Five seconds of audio at 16,000 bytes a second, base64: 12.5 tokens a second, rounded up.
    audio = base64.b64encode(bytes(80_000)).decode()
    heard = client.chat.complete(model="voxtral-small-latest", messages=[{"role": "user", "content": [
        {"type": "input_audio", "input_audio": audio}, {"type": "text", "text": "What is said?"}]}])
    assert heard.usage.prompt_audio_seconds == 5
    assert heard.usage.prompt_tokens == math.ceil(len("What is said?") / 4) + 63
    deaf = http.post("/v1/chat/completions", json={"model": "mistral-large-latest", "messages": [{"role": "user", "content": [
        {"type": "input_audio", "input_audio": audio}]}]})
    assert deaf.status_code == 400 and "audio" in deaf.json()["message"]
    document = http.post("/v1/chat/completions", json={"model": "mistral-small-latest", "messages": [{"role": "user", "content": [
        {"type": "text", "text": "Summarise"}, {"type": "document_url", "document_url": "https://example.com/a.pdf"}]}]})
    assert document.status_code == 200 and document.json()["usage"]["prompt_tokens"] == math.ceil(len("Summarise") / 4) + 1000
    missing = http.post("/v1/chat/completions", json={"model": "mistral-small-latest", "messages": [{"role": "user", "content": [
        {"type": "file", "file_id": "00000000-0000-4000-8000-000000000000"}]}]})
    assert missing.status_code == 400 and "file_id" in missing.json()["message"]
    unknown = http.post("/v1/chat/completions", json={"model": "mistral-small-latest", "messages": [{"role": "user", "content": [{"type": "video"}]}]})
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == ["body", "messages", 0, "content", 0, "type"]
