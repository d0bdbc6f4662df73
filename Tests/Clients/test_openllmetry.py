"""OpenLLMetry's instrumentation of the mistralai SDK (opentelemetry-instrumentation-mistralai),
pointed at the emulator. It wraps the 1.x SDK (mistralai.chat.Chat, mistralai.models), so this
venv has mistralai 1.12.4, whose own spans are siblings of the instrumentation's: the older
`gen_ai.*` names (gen_ai.system, gen_ai.prompt.N.*, gen_ai.completion.N.*, llm.request.type)
fill the GenAI columns."""

from __future__ import annotations

import json
from importlib.metadata import version

import pytest
from mistralai import Mistral
from mistralai.models import AssistantMessage, FunctionCall, ToolCall, ToolMessage, UserMessage
from opentelemetry.instrumentation.mistralai import MistralAiInstrumentor

from scenarios import (WEATHER_TOOLS, EMBED_INPUTS, EMBED_MODEL, MODEL, QUESTION, WEATHER_QUESTION, assert_chat_span,
                       assert_default_answer, assert_weather_answer, get_weather, weather_responder)
from telemetry import genai, messages

assert version("mistralai").startswith("1."), "OpenLLMetry wraps the 1.x SDK"
# Messages as the SDK's models: the instrumentation reads `message.content`, so a dict message's
# content would be left out of the span.
USER = [UserMessage(content=QUESTION)]
TOOLS = WEATHER_TOOLS


@pytest.fixture(scope="module", autouse=True)
def instrumented(tracer_provider):
    MistralAiInstrumentor().instrument(tracer_provider=tracer_provider)
    yield
    MistralAiInstrumentor().uninstrument()


@pytest.fixture
def client(base_url, token, telemetry):
    with Mistral(api_key=token, server_url=base_url) as mistral:
        yield mistral


def openllmetry(spans: list[dict], operation: str) -> list[dict]:
    return [s for s in genai(spans, operation) if "llm.request.type" in s["span_attributes"]]


def test_chat(client, telemetry):
    with telemetry.root("chat") as trace_id:
        res = client.chat.complete(model=MODEL, messages=USER)
    text = res.choices[0].message.content
    assert_default_answer(text)
    spans = telemetry.spans(trace_id)
    [span] = genai(spans, "chat")
    assert span["span_name"] == "mistralai.chat" and span["provider_name"] == "MistralAI"
    assert span["response_model"] == MODEL and span["response_id"] == res.id
    assert_chat_span(span, question=QUESTION, answer=text, input_tokens=res.usage.prompt_tokens,
                     output_tokens=res.usage.completion_tokens)
    assert span["response_finish_reasons"] == ["stop"]
    trace = telemetry.trace(trace_id)
    assert trace["gen_ai_span_count"] == 1 and trace["llm_call_count"] == 1
    assert trace["last_turn_last_input_message"] == QUESTION and trace["last_turn_last_output_message"] == text


def test_stream(client, telemetry):
    with telemetry.root("stream") as trace_id:
        events = list(client.chat.stream(model=MODEL, messages=USER))
    streamed = "".join(e.data.choices[0].delta.content or "" for e in events if e.data.choices)
    assert streamed == client.chat.complete(model=MODEL, messages=USER).choices[0].message.content
    usage = events[-1].data.usage
    [span] = openllmetry(telemetry.spans(trace_id), "chat")
    assert span["span_attributes"]["llm.is_streaming"] in (True, "true")
    assert_chat_span(span, question=QUESTION, answer=streamed, input_tokens=usage.prompt_tokens,
                     output_tokens=usage.completion_tokens)
    assert telemetry.trace(trace_id)["llm_call_count"] == 1


def test_tool_round_trip(client, telemetry, responders):
    responders(weather_responder())
    history = [UserMessage(content=WEATHER_QUESTION)]
    with telemetry.root("tools") as trace_id:
        first = client.chat.complete(model=MODEL, messages=history, tools=TOOLS)
        [call] = first.choices[0].message.tool_calls
        result = get_weather(**json.loads(call.function.arguments))
        history += [AssistantMessage(content="", tool_calls=[ToolCall(id=call.id, function=FunctionCall(
                        name=call.function.name, arguments=call.function.arguments))]),
                    ToolMessage(content=result, tool_call_id=call.id, name=call.function.name)]
        final = client.chat.complete(model=MODEL, messages=history, tools=TOOLS)
    assert_weather_answer(final.choices[0].message.content)
    decision, answer = openllmetry(telemetry.spans(trace_id), "chat")
    assert decision["response_finish_reasons"] == ["tool_calls"]
    assert [m["role"] for m in messages(answer["input_messages"])] == ["user", "assistant", "tool"]
    assert_chat_span(answer, answer=final.choices[0].message.content)
    trace = telemetry.trace(trace_id)
    assert trace["llm_call_count"] == 2


def test_embeddings(client, telemetry):
    with telemetry.root("embeddings") as trace_id:
        res = client.embeddings.create(model=EMBED_MODEL, inputs=EMBED_INPUTS)
    assert len(res.data) == 2 and res.data[0].embedding != res.data[1].embedding
    [span] = genai(telemetry.spans(trace_id), "embeddings")
    assert span["span_name"] == "mistralai.embeddings" and span["request_model"] == EMBED_MODEL
    assert [text for m in messages(span["input_messages"]) for text in [m["parts"][0]["content"]]] == EMBED_INPUTS


def test_sdk_span_beside(client, telemetry):
    """mistralai 1.x traces each request itself, with no gen_ai.operation.name: a span beside
    OpenLLMetry's that is not a GenAI call (the trace counts one call)."""
    with telemetry.root("beside") as trace_id:
        client.chat.complete(model=MODEL, messages=USER)
    spans = telemetry.spans(trace_id)
    [sdk] = [s for s in spans if s["span_name"] == "chat_completion_v1_chat_completions_post"]
    assert sdk["operation_name"] == "" and sdk["provider_name"] == "mistral_ai"
    assert telemetry.trace(trace_id)["llm_call_count"] == 1


def test_trace_tokens_counted_once(client, telemetry):
    with telemetry.root("tokens") as trace_id:
        res = client.chat.complete(model=MODEL, messages=USER)
    trace = telemetry.trace(trace_id)
    assert (trace["input_tokens"], trace["output_tokens"]) == (res.usage.prompt_tokens, res.usage.completion_tokens)
