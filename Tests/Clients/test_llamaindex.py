"""LlamaIndex's Mistral LLM and embedding (llama-index-llms-mistralai, -embeddings-mistralai)
pointed at the emulator. Both run on the mistralai SDK, whose own spans fill the GenAI columns."""

from __future__ import annotations

import json

import pytest
from llama_index.core.llms import ChatMessage, MessageRole
from llama_index.core.program import FunctionCallingProgram
from llama_index.core.prompts import PromptTemplate
from llama_index.core.tools import FunctionTool
from llama_index.embeddings.mistralai import MistralAIEmbedding
from llama_index.llms.mistralai import MistralAI
from mistralai.client import Mistral
from pydantic import BaseModel

from scenarios import (EMBED_INPUTS, EMBED_MODEL, MODEL, QUESTION, WEATHER_QUESTION, assert_chat_span,
                       assert_default_answer, assert_weather_answer, get_weather, weather_responder)
from telemetry import genai


@pytest.fixture
def llm(base_url, token, telemetry):
    return MistralAI(model=MODEL, api_key=token, endpoint=base_url, max_retries=1)


class Capital(BaseModel):
    answer: str


def test_chat(llm, telemetry):
    with telemetry.root("chat") as trace_id:
        reply = llm.chat([ChatMessage(role=MessageRole.USER, content=QUESTION)])
    text = reply.message.content
    assert_default_answer(text)
    usage = reply.raw["usage"]
    [span] = genai(telemetry.spans(trace_id), "chat")
    assert_chat_span(span, question=QUESTION, answer=text[:40], input_tokens=usage.prompt_tokens,
                     output_tokens=usage.completion_tokens)
    trace = telemetry.trace(trace_id)
    assert trace["llm_call_count"] == 1 and trace["output_tokens"] == usage.completion_tokens


def test_complete(llm, telemetry):
    with telemetry.root("complete") as trace_id:
        reply = llm.complete(QUESTION)
    assert_default_answer(reply.text)
    assert len(genai(telemetry.spans(trace_id), "chat")) == 1


def test_stream(llm, telemetry):
    with telemetry.root("stream") as trace_id:
        deltas = [chunk.delta for chunk in llm.stream_chat([ChatMessage(role=MessageRole.USER, content=QUESTION)])]
    streamed = "".join(d or "" for d in deltas)
    assert len(deltas) > 1
    assert streamed == llm.complete(QUESTION).text
    [span] = genai(telemetry.spans(trace_id), "chat")
    assert_chat_span(span, question=QUESTION)
    assert telemetry.trace(trace_id)["llm_call_count"] == 1


def test_tool_round_trip(llm, telemetry, responders):
    responders(weather_responder())
    tool = FunctionTool.from_defaults(get_weather)
    history = [ChatMessage(role=MessageRole.USER, content=WEATHER_QUESTION)]
    with telemetry.root("tools") as trace_id:
        decision = llm.chat_with_tools([tool], chat_history=history)
        [call] = llm.get_tool_calls_from_response(decision)
        assert call.tool_name == "get_weather" and call.tool_kwargs == {"city": "Lisbon"}
        output = tool(**call.tool_kwargs)
        history += [decision.message, ChatMessage(role=MessageRole.TOOL, content=str(output),
                                                  additional_kwargs={"tool_call_id": call.tool_id, "name": call.tool_name})]
        final = llm.chat_with_tools([tool], chat_history=history)
    assert_weather_answer(final.message.content)
    assert llm.get_tool_calls_from_response(final, error_on_no_tool_call=False) == []
    chats = genai(telemetry.spans(trace_id), "chat")
    assert len(chats) == 2
    assert json.loads(chats[0]["tool_definitions"])[0]["name"] == "get_weather"
    assert telemetry.trace(trace_id)["llm_call_count"] == 2


def test_predict_and_call(llm, telemetry, responders):
    """One call: the model picks the tool, LlamaIndex runs it and answers with its output."""
    responders(weather_responder())
    with telemetry.root("predict_and_call") as trace_id:
        result = llm.predict_and_call([FunctionTool.from_defaults(get_weather)], user_msg=WEATHER_QUESTION)
    assert result.response == "21 degrees and sunny"
    assert len(genai(telemetry.spans(trace_id), "chat")) == 1


def test_structured_predict(llm, telemetry, responders):
    """LlamaIndex's function-calling program offers a tool shaped like the model with
    `tool_choice` unset (its `tool_choice=None` overrides the integration's "required"), so the
    model decides: a responder calls it."""
    responders({"match": {"tools": ["Capital"]}, "respond": {"tool_calls": [{"name": "Capital", "arguments": {"answer": "Rome"}}]}})
    with telemetry.root("structured") as trace_id:
        result = llm.structured_predict(Capital, PromptTemplate("{question}"), question=QUESTION)
    assert result == Capital(answer="Rome")
    [span] = genai(telemetry.spans(trace_id), "chat")
    assert json.loads(span["tool_definitions"])[0]["name"] == "Capital"


def test_structured_predict_forced(llm, telemetry):
    """The same program with the call forced (`tool_choice="any"`): the default answer's call."""
    program = FunctionCallingProgram.from_defaults(output_cls=Capital, prompt=PromptTemplate("{question}"), llm=llm,
                                                   tool_choice="any")
    with telemetry.root("structured") as trace_id:
        result = program(question=QUESTION)
    assert isinstance(result, Capital) and result.answer
    assert len(genai(telemetry.spans(trace_id), "chat")) == 1


def test_embeddings(base_url, token, telemetry):
    embedding = MistralAIEmbedding(model_name=EMBED_MODEL, api_key=token)
    # MistralAIEmbedding takes no endpoint: its SDK client always targets api.mistral.ai.
    embedding._client = Mistral(api_key=token, server_url=base_url)
    with telemetry.root("embeddings") as trace_id:
        vectors = embedding.get_text_embedding_batch(EMBED_INPUTS)
        query = embedding.get_query_embedding(EMBED_INPUTS[0])
    assert len(vectors) == 2 and len(vectors[0]) == 1024 and vectors[0] != vectors[1]
    assert query == vectors[0]
    spans = genai(telemetry.spans(trace_id), "embeddings")
    assert len(spans) == 2 and all(s["request_model"] == EMBED_MODEL for s in spans)
    assert spans[0]["usage_input_tokens"] > 0
