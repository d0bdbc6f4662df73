"""Pydantic AI's Mistral model (pydantic-ai-slim[mistral], on the mistralai SDK) pointed at the
emulator, with Pydantic AI's own OpenTelemetry instrumentation: its agent and `chat` spans wrap
the SDK's own `chat` span, and the trace counts each model request once."""

from __future__ import annotations

import asyncio
import json

import pytest
from pydantic import BaseModel
from pydantic_ai import Agent
from pydantic_ai.capabilities import Instrumentation
from pydantic_ai.exceptions import UnexpectedModelBehavior
from pydantic_ai.models.mistral import MistralModel
from pydantic_ai.providers.mistral import MistralProvider

from scenarios import (MODEL, QUESTION, WEATHER_QUESTION, assert_chat_span, assert_default_answer,
                       assert_weather_answer, get_weather, weather_responder)
from telemetry import genai


@pytest.fixture
def model(base_url, token, telemetry):
    return MistralModel(MODEL, provider=MistralProvider(api_key=token, base_url=base_url))


def agent(model, **kwargs) -> Agent:
    return Agent(model, capabilities=[Instrumentation()], **kwargs)


class Capital(BaseModel):
    answer: str


def test_run(model, telemetry):
    with telemetry.root("run") as trace_id:
        result = agent(model).run_sync(QUESTION)
    assert_default_answer(result.output)
    usage = result.usage
    spans = telemetry.spans(trace_id)
    [run] = genai(spans, "invoke_agent")
    chats = genai(spans, "chat")
    assert len(chats) == 2, "Pydantic AI's chat span and, inside it, the SDK's"
    assert {s["provider_name"] for s in chats} == {"mistral", "mistral_ai"}
    assert chats[1]["parent_span_id"] == chats[0]["span_id"] and chats[0]["parent_span_id"] == run["span_id"]
    for span in chats:
        assert_chat_span(span, question=QUESTION, answer=result.output[:40], input_tokens=usage.input_tokens,
                         output_tokens=usage.output_tokens)
        assert span["response_model"] == MODEL
    trace = telemetry.trace(trace_id)
    assert trace["llm_call_count"] == 1, "the SDK's span inside Pydantic AI's is the same call"
    assert trace["input_tokens"] == usage.input_tokens and trace["output_tokens"] == usage.output_tokens
    assert trace["agent_name"] == "agent" and trace["last_turn_last_input_message"] == QUESTION


def test_stream(model, telemetry):
    async def main():
        async with agent(model).run_stream(QUESTION) as result:
            return [delta async for delta in result.stream_text(delta=True, debounce_by=None)]

    with telemetry.root("stream") as trace_id:
        deltas = asyncio.run(main())
    streamed = "".join(deltas)
    assert len(deltas) > 1
    # Not compared with run_sync's answer: that request also sends n=1 and top_p=1, so its
    # reference (hashed from the request) differs.
    assert_default_answer(streamed)
    chats = genai(telemetry.spans(trace_id), "chat")
    assert len(chats) == 2
    for span in chats:
        assert_chat_span(span, question=QUESTION, answer=streamed)
    assert telemetry.trace(trace_id)["llm_call_count"] == 1


def test_tool_round_trip(model, telemetry, responders):
    responders(weather_responder())
    weather = agent(model)
    weather.tool_plain(get_weather)
    with telemetry.root("tools") as trace_id:
        result = weather.run_sync(WEATHER_QUESTION)
    assert_weather_answer(result.output)
    assert result.usage.requests == 2
    spans = telemetry.spans(trace_id)
    assert len(genai(spans, "chat")) == 4, "two requests, each a Pydantic AI span around the SDK's"
    [tool] = genai(spans, "execute_tool")
    assert tool["tool_name"] == "get_weather"
    trace = telemetry.trace(trace_id)
    assert trace["llm_call_count"] == 2 and trace["tool_call_count"] == 1 and trace["tools_used"] == ["get_weather"]


def test_output_type_by_responder(model, telemetry, responders):
    """A structured output_type is a `final_result` tool the model must call: a responder calls it."""
    responders({"match": {"tools": ["final_result"]},
                "respond": {"tool_calls": [{"name": "final_result", "arguments": {"answer": "Rome"}}]}})
    with telemetry.root("output_type") as trace_id:
        result = agent(model, output_type=Capital).run_sync(QUESTION)
    assert result.output == Capital(answer="Rome")
    chats = genai(telemetry.spans(trace_id), "chat")
    assert any(d["name"] == "final_result" for d in json.loads(chats[-1]["tool_definitions"]))
    assert telemetry.trace(trace_id)["llm_call_count"] == 1


def test_output_type(model, telemetry):
    """The same forced `final_result` call (tool_choice "any") answered by the default answer."""
    try:
        result = agent(model, output_type=Capital, retries={"output": 0}).run_sync(QUESTION)
    except UnexpectedModelBehavior as e:
        pytest.fail(f"the default answer's forced call does not validate: {e}")
    assert isinstance(result.output, Capital) and result.output.answer
