"""openinference-instrumentation-mistralai on the mistralai SDK (3.x), pointed at the emulator:
its LLM and EMBEDDING spans (OpenInference attributes) fill the GenAI columns, and the SDK's own
`chat` span inside each is the same call, counted once in the trace."""

from __future__ import annotations

import asyncio
import json

import pytest
from mistralai.client import Mistral
from openinference.instrumentation.mistralai import MistralAIInstrumentor

from scenarios import (WEATHER_TOOLS, EMBED_INPUTS, EMBED_MODEL, MODEL, QUESTION, WEATHER_QUESTION, WEATHER_RESULT, assert_chat_span,
                       assert_default_answer, assert_weather_answer, get_weather, weather_responder)
from telemetry import genai, messages

USER = [{"role": "user", "content": QUESTION}]
TOOLS = WEATHER_TOOLS


@pytest.fixture(scope="module", autouse=True)
def instrumented(tracer_provider):
    MistralAIInstrumentor().instrument(tracer_provider=tracer_provider)
    yield
    MistralAIInstrumentor().uninstrument()


@pytest.fixture
def client(base_url, token, telemetry):
    with Mistral(api_key=token, server_url=base_url) as mistral:
        yield mistral


def openinference(spans: list[dict], operation: str) -> list[dict]:
    return [s for s in genai(spans, operation) if "openinference.span.kind" in s["span_attributes"]]


def test_chat(client, telemetry):
    with telemetry.root("chat") as trace_id:
        res = client.chat.complete(model=MODEL, messages=USER, temperature=0.2)
    text = res.choices[0].message.content
    assert_default_answer(text)
    spans = telemetry.spans(trace_id)
    [span] = openinference(spans, "chat")
    assert span["span_name"] == "MistralClient.chat" and span["provider_name"] == "mistralai"
    assert span["request_model"] == span["response_model"] == MODEL
    assert span["request_temperature"] == 0.2, "from llm.invocation_parameters"
    assert_chat_span(span, question=QUESTION, answer=text, input_tokens=res.usage.prompt_tokens,
                     output_tokens=res.usage.completion_tokens)
    [sdk] = [s for s in genai(spans, "chat") if s is not span]
    assert sdk["parent_span_id"] == span["span_id"], "the SDK's own span is inside OpenInference's"
    trace = telemetry.trace(trace_id)
    assert trace["gen_ai_span_count"] == 2 and trace["llm_call_count"] == 1
    assert trace["input_tokens"] == res.usage.prompt_tokens and trace["output_tokens"] == res.usage.completion_tokens


def test_stream(client, telemetry):
    with telemetry.root("stream") as trace_id:
        events = list(client.chat.stream(model=MODEL, messages=USER))
    streamed = "".join(e.data.choices[0].delta.content or "" for e in events if e.data.choices)
    assert streamed == client.chat.complete(model=MODEL, messages=USER).choices[0].message.content
    usage = events[-1].data.usage
    [span] = openinference(telemetry.spans(trace_id), "chat")
    assert_chat_span(span, question=QUESTION, answer=streamed, input_tokens=usage.prompt_tokens,
                     output_tokens=usage.completion_tokens)
    trace = telemetry.trace(trace_id)
    assert trace["llm_call_count"] == 1 and trace["output_tokens"] == usage.completion_tokens


def test_tool_round_trip(client, telemetry, responders):
    responders(weather_responder())
    history = [{"role": "user", "content": WEATHER_QUESTION}]
    with telemetry.root("tools") as trace_id:
        first = client.chat.complete(model=MODEL, messages=history, tools=TOOLS)
        [call] = first.choices[0].message.tool_calls
        # As a dict: the instrumentation leaves an SDK AssistantMessage object out of the span.
        assistant = {"role": "assistant", "content": "", "tool_calls": [
            {"id": call.id, "type": "function", "function": {"name": call.function.name, "arguments": call.function.arguments}}]}
        history += [assistant, {"role": "tool", "tool_call_id": call.id, "name": call.function.name,
                                               "content": get_weather(**json.loads(call.function.arguments))}]
        final = client.chat.complete(model=MODEL, messages=history, tools=TOOLS)
    assert_weather_answer(final.choices[0].message.content)
    decision, answer = openinference(telemetry.spans(trace_id), "chat")
    [out] = messages(decision["output_messages"])
    assert [(p["type"], p["name"], p["arguments"]) for p in out["parts"] if p["type"] == "tool_call"] == \
        [("tool_call", "get_weather", {"city": "Lisbon"})]
    sent = messages(answer["input_messages"])
    assert [m["role"] for m in sent] == ["user", "assistant", "tool"]
    assert WEATHER_RESULT in json.dumps(sent[-1])
    trace = telemetry.trace(trace_id)
    assert trace["llm_call_count"] == 2 and trace["last_turn_last_output_message"] == final.choices[0].message.content


def test_embeddings(client, telemetry):
    with telemetry.root("embeddings") as trace_id:
        res = client.embeddings.create(model=EMBED_MODEL, inputs=EMBED_INPUTS)
    assert len(res.data) == 2 and res.data[0].embedding != res.data[1].embedding
    # The instrumentation wraps chat and agents only: the one embeddings span is the SDK's own.
    [span] = genai(telemetry.spans(trace_id), "embeddings")
    assert span["request_model"] == EMBED_MODEL and span["usage_input_tokens"] == res.usage.prompt_tokens
    assert telemetry.trace(trace_id)["input_tokens"] == res.usage.prompt_tokens


def test_async_chat(base_url, token, telemetry):
    async def main():
        async with Mistral(api_key=token, server_url=base_url) as mistral:
            return await mistral.chat.complete_async(model=MODEL, messages=USER)

    with telemetry.root("async") as trace_id:
        res = asyncio.run(main())
    [span] = openinference(telemetry.spans(trace_id), "chat")
    assert span["span_name"] == "MistralAsyncClient.chat"
    assert_chat_span(span, question=QUESTION, answer=res.choices[0].message.content,
                     output_tokens=res.usage.completion_tokens)
    assert telemetry.trace(trace_id)["llm_call_count"] == 1
