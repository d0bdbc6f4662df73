"""mistralai's async client (Mistral(...).chat.complete_async and friends), with the SDK's own
OpenTelemetry tracing on (it traces through the global TracerProvider once one is set)."""

from __future__ import annotations

import asyncio
import json
from importlib.metadata import version

import pytest
from mistralai.client import Mistral
from pydantic import BaseModel

from scenarios import (EMBED_INPUTS, EMBED_MODEL, MODEL, QUESTION, WEATHER_QUESTION, assert_default_answer,
                       assert_weather_answer, get_weather, weather_responder)
from telemetry import genai, messages, text_of

CLIENT = f"mistralai {version('mistralai')} (async)"


@pytest.fixture
def session(base_url, token, telemetry):
    """Runs `work(client)` in one event loop, inside `async with Mistral(...)` as the SDK's README
    does (the client's connections belong to that loop)."""
    def run(work):
        async def main():
            async with Mistral(api_key=token, server_url=base_url) as client:
                return await work(client)
        return asyncio.run(main())
    return run


def test_chat(session, telemetry):
    with telemetry.root("chat") as trace_id:
        res = session(lambda client: client.chat.complete_async(model=MODEL, messages=[{"role": "user", "content": QUESTION}]))
    assert_default_answer(res.choices[0].message.content)
    [span] = genai(telemetry.spans(trace_id), "chat")
    assert span["request_model"] == MODEL and span["response_model"] == MODEL
    assert span["provider_name"] == "mistral_ai"
    assert span["usage_input_tokens"] == res.usage.prompt_tokens
    assert span["usage_output_tokens"] == res.usage.completion_tokens
    trace = telemetry.trace(trace_id)
    assert trace["llm_call_count"] == 1
    assert trace["input_tokens"] == res.usage.prompt_tokens and trace["output_tokens"] == res.usage.completion_tokens


def test_stream(session, telemetry):
    async def work(client):
        parts = []
        async for event in await client.chat.stream_async(model=MODEL, messages=[{"role": "user", "content": QUESTION}]):
            delta = event.data.choices[0].delta.content
            parts.append(delta if isinstance(delta, str) else "")
        whole = await client.chat.complete_async(model=MODEL, messages=[{"role": "user", "content": QUESTION}])
        return "".join(parts), whole

    with telemetry.root("stream") as trace_id:
        streamed, whole = session(work)
    assert streamed == whole.choices[0].message.content
    chats = genai(telemetry.spans(trace_id), "chat")
    assert len(chats) == 2 and all(s["request_model"] == MODEL for s in chats)
    assert telemetry.trace(trace_id)["llm_call_count"] == 2


def test_tool_round_trip(session, telemetry, responders):
    responders(weather_responder())
    tools = [{"type": "function", "function": {"name": "get_weather", "description": "Get the current weather in a city.",
              "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]
    history = [{"role": "user", "content": WEATHER_QUESTION}]
    async def work(client):
        first = await client.chat.complete_async(model=MODEL, messages=history, tools=tools)
        call = first.choices[0].message.tool_calls[0]
        assert first.choices[0].finish_reason == "tool_calls"
        history.append(first.choices[0].message)
        history.append({"role": "tool", "tool_call_id": call.id, "name": call.function.name,
                        "content": get_weather(**json.loads(call.function.arguments))})
        return await client.chat.complete_async(model=MODEL, messages=history, tools=tools)

    with telemetry.root("tools") as trace_id:
        final = session(work)
    assert_weather_answer(final.choices[0].message.content)
    chats = genai(telemetry.spans(trace_id), "chat")
    assert len(chats) == 2
    assert telemetry.trace(trace_id)["llm_call_count"] == 2


class Capital(BaseModel):
    answer: str


def test_structured_output(session, telemetry):
    with telemetry.root("parse") as trace_id:
        res = session(lambda client: client.chat.parse_async(response_format=Capital, model=MODEL,
                                                             messages=[{"role": "user", "content": QUESTION}]))
    parsed = res.choices[0].message.parsed
    assert isinstance(parsed, Capital)
    assert_default_answer(parsed.answer)
    assert len(genai(telemetry.spans(trace_id), "chat")) == 1


def test_embeddings(session, telemetry):
    async def work(client):
        return (await client.embeddings.create_async(model=EMBED_MODEL, inputs=EMBED_INPUTS),
                await client.embeddings.create_async(model=EMBED_MODEL, inputs=EMBED_INPUTS[:1]))

    with telemetry.root("embeddings") as trace_id:
        res, again = session(work)
    vectors = [d.embedding for d in res.data]
    assert len(vectors) == 2 and len(vectors[0]) == len(vectors[1]) > 0 and vectors[0] != vectors[1]
    assert again.data[0].embedding == vectors[0], "the same input embeds the same"
    spans = genai(telemetry.spans(trace_id), "embeddings")
    assert len(spans) == 2 and spans[0]["request_model"] == EMBED_MODEL
    assert spans[0]["usage_input_tokens"] == res.usage.prompt_tokens
