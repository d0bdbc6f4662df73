"""Haystack's Mistral components (mistral-haystack: MistralChatGenerator, the text and document
embedders, on Haystack's OpenAI-compatible client) pointed at the emulator, traced by OpenInference's
Haystack instrumentation: its component spans fill the GenAI columns."""

from __future__ import annotations

import json

import pytest
from haystack import Document
from haystack.components.agents import Agent
from haystack.dataclasses import ChatMessage, StreamingChunk
from haystack.tools import create_tool_from_function
from haystack.utils import Secret
from haystack_integrations.components.embedders.mistral import MistralDocumentEmbedder, MistralTextEmbedder
from haystack_integrations.components.generators.mistral import MistralChatGenerator
from openinference.instrumentation.haystack import HaystackInstrumentor
from pydantic import BaseModel

from scenarios import (EMBED_INPUTS, EMBED_MODEL, MODEL, QUESTION, WEATHER_QUESTION, assert_chat_span,
                       assert_default_answer, assert_weather_answer, get_weather, weather_responder)
from telemetry import genai, messages


@pytest.fixture(scope="module", autouse=True)
def instrumented(tracer_provider):
    HaystackInstrumentor().instrument(tracer_provider=tracer_provider)
    yield
    HaystackInstrumentor().uninstrument()


@pytest.fixture
def api(base_url, token, telemetry):
    return {"api_key": Secret.from_token(token), "api_base_url": f"{base_url}/v1", "max_retries": 0}


class Capital(BaseModel):
    answer: str


class City(BaseModel):
    name: str
    country: str


def test_chat(api, telemetry):
    with telemetry.root("chat") as trace_id:
        [reply] = MistralChatGenerator(model=MODEL, **api).run([ChatMessage.from_user(QUESTION)])["replies"]
    assert_default_answer(reply.text)
    usage = reply.meta["usage"]
    [span] = genai(telemetry.spans(trace_id), "chat")
    assert span["span_name"] == "MistralChatGenerator.run"
    assert_chat_span(span, question=QUESTION, answer=reply.text[:40], input_tokens=usage["prompt_tokens"],
                     output_tokens=usage["completion_tokens"])
    trace = telemetry.trace(trace_id)
    assert trace["llm_call_count"] == 1 and trace["input_tokens"] == usage["prompt_tokens"]
    assert trace["last_turn_last_output_message"] == reply.text


def test_stream(api, telemetry):
    chunks: list[StreamingChunk] = []
    with telemetry.root("stream") as trace_id:
        [reply] = MistralChatGenerator(model=MODEL, streaming_callback=chunks.append, **api).run(
            [ChatMessage.from_user(QUESTION)])["replies"]
    assert len(chunks) > 2
    assert "".join(c.content for c in chunks) == reply.text
    [whole] = MistralChatGenerator(model=MODEL, **api).run([ChatMessage.from_user(QUESTION)])["replies"]
    assert reply.text == whole.text
    [span] = genai(telemetry.spans(trace_id), "chat")
    assert_chat_span(span, question=QUESTION, answer=reply.text[:40])


def test_tool_round_trip(api, telemetry, responders):
    responders(weather_responder())
    tool = create_tool_from_function(get_weather)
    generator = MistralChatGenerator(model=MODEL, tools=[tool], **api)
    history = [ChatMessage.from_user(WEATHER_QUESTION)]
    with telemetry.root("tools") as trace_id:
        [decision] = generator.run(history)["replies"]
        [call] = decision.tool_calls
        assert call.tool_name == "get_weather" and call.arguments == {"city": "Lisbon"}
        result = ChatMessage.from_tool(tool.invoke(**call.arguments), origin=call)
        [final] = generator.run(history + [decision, result])["replies"]
    assert_weather_answer(final.text)
    spans = telemetry.spans(trace_id)
    chats = genai(spans, "chat")
    assert len(chats) == 2
    # The Haystack instrumentation records no tool definitions; the decision is in the output messages.
    [decided] = messages(chats[0]["output_messages"])
    assert [(p["type"], p["name"], p["arguments"]) for p in decided["parts"]] == [("tool_call", "get_weather", {"city": "Lisbon"})]
    # It records only the role of a message without text (the call, the tool's result).
    assert [m["role"] for m in messages(chats[1]["input_messages"])] == ["user", "assistant", "tool"]
    trace = telemetry.trace(trace_id)
    assert trace["llm_call_count"] == 2


def test_agent(api, telemetry, responders):
    """Haystack's Agent: the model calls the tool, the agent runs it and asks again."""
    responders(weather_responder())
    agent = Agent(chat_generator=MistralChatGenerator(model=MODEL, **api), tools=[create_tool_from_function(get_weather)])
    with telemetry.root("agent") as trace_id:
        out = agent.run(messages=[ChatMessage.from_user(WEATHER_QUESTION)])
    assert_weather_answer(out["last_message"].text)
    assert [m.role.value for m in out["messages"]] == ["user", "assistant", "tool", "assistant"]
    spans = telemetry.spans(trace_id)
    assert len(genai(spans, "chat")) == 2
    trace = telemetry.trace(trace_id)
    assert trace["llm_call_count"] == 2 and trace["last_turn_last_output_message"] == out["last_message"].text


def test_structured_output_schema_answer(api, telemetry):
    """A pydantic `response_format` becomes a strict JSON schema; {"answer": string} is the shape
    of the default JSON answer."""
    generator = MistralChatGenerator(model=MODEL, generation_kwargs={"response_format": Capital}, **api)
    with telemetry.root("structured") as trace_id:
        [reply] = generator.run([ChatMessage.from_user(QUESTION)])["replies"]
    capital = Capital.model_validate_json(reply.text)
    assert_default_answer(capital.answer)
    assert len(genai(telemetry.spans(trace_id), "chat")) == 1


def test_structured_output(api):
    generator = MistralChatGenerator(model=MODEL, generation_kwargs={"response_format": City}, **api)
    [reply] = generator.run([ChatMessage.from_user(QUESTION)])["replies"]
    city = City.model_validate_json(reply.text)
    assert city.name and city.country


def test_text_embedder(api, telemetry):
    embedder = MistralTextEmbedder(model=EMBED_MODEL, **{k: v for k, v in api.items() if k != "max_retries"})
    with telemetry.root("text_embedder") as trace_id:
        first = embedder.run(EMBED_INPUTS[0])
        second = embedder.run(EMBED_INPUTS[1])
    assert len(first["embedding"]) == 1024 and first["embedding"] != second["embedding"]
    assert first["meta"]["model"] == EMBED_MODEL and first["meta"]["usage"]["prompt_tokens"] > 0
    spans = genai(telemetry.spans(trace_id), "embeddings")
    assert spans and all(s["request_model"] == EMBED_MODEL for s in spans)


def test_document_embedder(api, telemetry):
    embedder = MistralDocumentEmbedder(model=EMBED_MODEL, **{k: v for k, v in api.items() if k != "max_retries"})
    documents = [Document(content=text) for text in EMBED_INPUTS]
    with telemetry.root("document_embedder") as trace_id:
        embedded = embedder.run(documents)["documents"]
    query = MistralTextEmbedder(model=EMBED_MODEL, api_key=api["api_key"], api_base_url=api["api_base_url"]).run(EMBED_INPUTS[0])
    assert [len(d.embedding) for d in embedded] == [1024, 1024]
    assert embedded[0].embedding == query["embedding"], "a document and the same text as a query embed the same"
    assert genai(telemetry.spans(trace_id), "embeddings")
