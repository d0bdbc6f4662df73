"""langchain-mistralai (ChatMistralAI, MistralAIEmbeddings) pointed at the emulator, traced by
OpenInference's LangChain instrumentation: OpenInference spans fill the GenAI columns."""

from __future__ import annotations

import pytest
from langchain_core.messages import HumanMessage
from langchain_core.tools import tool
from langchain_mistralai import ChatMistralAI, MistralAIEmbeddings
from openinference.instrumentation.langchain import LangChainInstrumentor
from pydantic import BaseModel

from scenarios import (EMBED_INPUTS, EMBED_MODEL, MODEL, QUESTION, WEATHER_QUESTION, WEATHER_RESULT, assert_chat_span,
                       assert_default_answer, assert_weather_answer, weather_responder)
from telemetry import genai


@pytest.fixture(scope="module", autouse=True)
def instrumented(tracer_provider):
    LangChainInstrumentor().instrument(tracer_provider=tracer_provider)
    yield
    LangChainInstrumentor().uninstrument()


@pytest.fixture
def llm(base_url, token, telemetry):
    return ChatMistralAI(model=MODEL, api_key=token, endpoint=f"{base_url}/v1", max_retries=1)


@tool
def get_weather(city: str) -> str:
    """Get the current weather in a city."""
    assert city == "Lisbon", city
    return WEATHER_RESULT


class Capital(BaseModel):
    answer: str


def test_chat(llm, telemetry):
    with telemetry.root("chat") as trace_id:
        reply = llm.invoke(QUESTION)
    assert_default_answer(reply.content)
    [span] = genai(telemetry.spans(trace_id), "chat")
    usage = reply.usage_metadata
    assert_chat_span(span, question=QUESTION, answer=reply.content[:40], input_tokens=usage["input_tokens"],
                     output_tokens=usage["output_tokens"])
    trace = telemetry.trace(trace_id)
    assert trace["llm_call_count"] == 1 and trace["input_tokens"] == usage["input_tokens"]
    assert trace["last_turn_last_input_message"] == QUESTION


def test_stream(llm, telemetry):
    with telemetry.root("stream") as trace_id:
        streamed = "".join(chunk.content for chunk in llm.stream(QUESTION))
    assert streamed == llm.invoke(QUESTION).content
    [span] = genai(telemetry.spans(trace_id), "chat")
    assert_chat_span(span, question=QUESTION)


def test_tool_round_trip(llm, telemetry, responders):
    responders(weather_responder())
    with_tools = llm.bind_tools([get_weather])
    history = [HumanMessage(WEATHER_QUESTION)]
    with telemetry.root("tools") as trace_id:
        decision = with_tools.invoke(history)
        assert [c["name"] for c in decision.tool_calls] == ["get_weather"]
        history += [decision, get_weather.invoke(decision.tool_calls[0])]
        final = with_tools.invoke(history)
    assert_weather_answer(final.content)
    spans = telemetry.spans(trace_id)
    assert len(genai(spans, "chat")) == 2
    assert [s["tool_name"] for s in genai(spans, "execute_tool")] == ["get_weather"]
    trace = telemetry.trace(trace_id)
    assert trace["llm_call_count"] == 2 and trace["tool_call_count"] == 1 and trace["tools_used"] == ["get_weather"]


def test_structured_output_json_schema(llm, telemetry):
    with telemetry.root("structured") as trace_id:
        result = llm.with_structured_output(Capital, method="json_schema").invoke(QUESTION)
    assert isinstance(result, Capital)
    assert_default_answer(result.answer)
    assert len(genai(telemetry.spans(trace_id), "chat")) == 1


def test_structured_output_function_calling(llm):
    """The default method: a forced call of a tool shaped like the model."""
    result = llm.with_structured_output(Capital).invoke(QUESTION)
    assert isinstance(result, Capital) and result.answer == QUESTION, "the arguments come from the tool's parameters"


def test_embeddings(base_url, token, telemetry):
    embeddings = MistralAIEmbeddings(model=EMBED_MODEL, api_key=token, endpoint=f"{base_url}/v1", max_retries=1)
    with telemetry.root("embeddings") as trace_id:
        vectors = embeddings.embed_documents(EMBED_INPUTS)
        query = embeddings.embed_query(EMBED_INPUTS[0])
    assert len(vectors) == 2 and len(vectors[0]) > 0 and vectors[0] != vectors[1]
    assert query == vectors[0]
    # No span to check: LangChain's embeddings run outside its callback system, so the
    # OpenInference LangChain instrumentation does not trace them.
