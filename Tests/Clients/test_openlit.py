"""OpenLIT's instrumentation (openlit.init, on the process's TracerProvider) of the mistralai SDK,
pointed at the emulator. It wraps the 1.x SDK (mistralai.chat.Chat, mistralai.embeddings), so
this venv has mistralai 1.12.4, whose own request span sits inside OpenLIT's: OpenLIT's current
`gen_ai.*` attributes fill the GenAI columns."""

from __future__ import annotations

import json
from importlib.metadata import version

import openlit
import pytest
from mistralai import Mistral

from scenarios import (WEATHER_TOOLS, EMBED_INPUTS, EMBED_MODEL, MODEL, QUESTION, WEATHER_QUESTION, assert_chat_span,
                       assert_default_answer, assert_weather_answer, get_weather, weather_responder)
from telemetry import genai, messages

assert version("mistralai").startswith("1."), "OpenLIT wraps the 1.x SDK"
USER = [{"role": "user", "content": QUESTION}]
TOOLS = WEATHER_TOOLS


@pytest.fixture(scope="module", autouse=True)
def instrumented(tracer_provider, tmp_path_factory):
    # openlit.init reuses the TracerProvider already set; a local (empty) price list keeps it
    # from fetching one from GitHub; only the Mistral instrumentation is wanted.
    prices = tmp_path_factory.mktemp("openlit") / "pricing.json"
    prices.write_text("{}")
    openlit.init(application_name="clients-matrix", disable_metrics=True, disable_events=True, disable_batch=True,
                 pricing_json=str(prices), disabled_instrumentors=["requests", "urllib3", "httpx"])
    yield


@pytest.fixture
def client(base_url, token, telemetry):
    with Mistral(api_key=token, server_url=base_url) as mistral:
        yield mistral


def openlit_spans(spans: list[dict], operation: str) -> list[dict]:
    return [s for s in genai(spans, operation) if "openlit.agent.version_hash" in s["span_attributes"]
            or s["span_attributes"].get("telemetry.sdk.name") == "openlit"]


def test_chat(client, telemetry):
    with telemetry.root("chat") as trace_id:
        res = client.chat.complete(model=MODEL, messages=USER, max_tokens=200)
    text = res.choices[0].message.content
    assert_default_answer(text)
    spans = telemetry.spans(trace_id)
    [span] = genai(spans, "chat")
    assert span["span_name"] == f"chat {MODEL}" and span["provider_name"] == "mistral_ai"
    assert span["response_model"] == MODEL and span["response_id"] == res.id
    assert span["request_max_tokens"] == 200
    assert_chat_span(span, question=QUESTION, answer=text, input_tokens=res.usage.prompt_tokens,
                     output_tokens=res.usage.completion_tokens)
    [sdk] = [s for s in spans if s["span_name"] == "chat_completion_v1_chat_completions_post"]
    assert sdk["parent_span_id"] == span["span_id"] and sdk["operation_name"] == ""
    trace = telemetry.trace(trace_id)
    assert trace["gen_ai_span_count"] == 1 and trace["llm_call_count"] == 1
    assert trace["last_turn_last_output_message"] == text


def test_stream(client, telemetry):
    with telemetry.root("stream") as trace_id:
        events = list(client.chat.stream(model=MODEL, messages=USER))
    streamed = "".join(e.data.choices[0].delta.content or "" for e in events if e.data.choices)
    assert streamed == client.chat.complete(model=MODEL, messages=USER).choices[0].message.content
    usage = events[-1].data.usage
    [span] = openlit_spans(telemetry.spans(trace_id), "chat")
    assert span["span_attributes"]["gen_ai.request.stream"] in (True, "true")
    assert_chat_span(span, question=QUESTION, answer=streamed, input_tokens=usage.prompt_tokens,
                     output_tokens=usage.completion_tokens)
    assert telemetry.trace(trace_id)["llm_call_count"] == 1


def test_tool_round_trip(client, telemetry, responders):
    responders(weather_responder())
    history = [{"role": "user", "content": WEATHER_QUESTION}]
    with telemetry.root("tools") as trace_id:
        first = client.chat.complete(model=MODEL, messages=history, tools=TOOLS)
        [call] = first.choices[0].message.tool_calls
        history += [first.choices[0].message, {"role": "tool", "tool_call_id": call.id, "name": call.function.name,
                                               "content": get_weather(**json.loads(call.function.arguments))}]
        final = client.chat.complete(model=MODEL, messages=history, tools=TOOLS)
    assert_weather_answer(final.choices[0].message.content)
    decision, answer = openlit_spans(telemetry.spans(trace_id), "chat")
    assert decision["response_finish_reasons"] == ["tool_calls"]
    [out] = messages(decision["output_messages"])
    assert [p["name"] for p in out["parts"] if p["type"] == "tool_call"] == ["get_weather"]
    assert_chat_span(answer, answer=final.choices[0].message.content)
    assert telemetry.trace(trace_id)["llm_call_count"] == 2


def test_embeddings(client, telemetry):
    with telemetry.root("embeddings") as trace_id:
        res = client.embeddings.create(model=EMBED_MODEL, inputs=EMBED_INPUTS)
    assert len(res.data) == 2 and res.data[0].embedding != res.data[1].embedding
    [span] = genai(telemetry.spans(trace_id), "embeddings")
    assert span["span_name"] == f"embeddings {EMBED_MODEL}" and span["request_model"] == EMBED_MODEL
    assert span["usage_input_tokens"] == res.usage.prompt_tokens


def test_trace_tokens_counted_once(client, telemetry):
    with telemetry.root("tokens") as trace_id:
        res = client.chat.complete(model=MODEL, messages=USER)
    trace = telemetry.trace(trace_id)
    assert (trace["input_tokens"], trace["output_tokens"]) == (res.usage.prompt_tokens, res.usage.completion_tokens)
