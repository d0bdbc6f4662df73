"""instructor over the mistralai SDK (`instructor.from_mistral`) pointed at the emulator: pydantic
models out of JSON-schema answers and forced tool calls, partial streaming; the SDK's own spans."""

from __future__ import annotations

import json

import instructor
import pytest
from instructor.core.exceptions import InstructorRetryException
from mistralai.client import Mistral
from pydantic import BaseModel

from scenarios import MODEL, QUESTION, assert_chat_span, assert_default_answer
from telemetry import genai

USER = [{"role": "user", "content": QUESTION}]


class Capital(BaseModel):
    answer: str


class City(BaseModel):
    name: str
    country: str
    population: int


@pytest.fixture
def mistral(base_url, token, telemetry):
    with Mistral(api_key=token, server_url=base_url) as client:
        yield client


def test_json_schema(mistral, telemetry):
    client = instructor.from_mistral(mistral, mode=instructor.Mode.JSON_SCHEMA)
    with telemetry.root("json_schema") as trace_id:
        capital, completion = client.chat.completions.create_with_completion(model=MODEL, messages=USER,
                                                                             response_model=Capital)
    assert isinstance(capital, Capital)
    assert_default_answer(capital.answer)
    [span] = genai(telemetry.spans(trace_id), "chat")
    assert_chat_span(span, question=QUESTION, input_tokens=completion.usage.prompt_tokens,
                     output_tokens=completion.usage.completion_tokens)
    assert json.loads(span["span_attributes"]["gen_ai.output.messages"])[0]["parts"][0]["content"] == capital.model_dump_json()
    assert telemetry.trace(trace_id)["llm_call_count"] == 1


def test_partial_stream(mistral, telemetry):
    client = instructor.from_mistral(mistral, mode=instructor.Mode.JSON_SCHEMA)
    with telemetry.root("partial") as trace_id:
        partials = list(client.chat.completions.create_partial(model=MODEL, messages=USER, response_model=Capital))
    answers = [p.answer for p in partials if p.answer]
    assert len(answers) > 1 and all(b.startswith(a) for a, b in zip(answers, answers[1:])), "each partial extends the last"
    assert_default_answer(answers[-1])
    [span] = genai(telemetry.spans(trace_id), "chat")
    assert_chat_span(span, question=QUESTION)


def test_raw_completion(mistral, telemetry):
    """response_model=None: instructor hands back the SDK's own response."""
    client = instructor.from_mistral(mistral)
    with telemetry.root("raw") as trace_id:
        completion = client.chat.completions.create(model=MODEL, messages=USER, response_model=None)
    assert_default_answer(completion.choices[0].message.content)
    assert len(genai(telemetry.spans(trace_id), "chat")) == 1


def test_tools_by_responder(mistral, telemetry, responders):
    """TOOLS mode (the default): a forced call of a tool shaped like the model, here a responder's."""
    responders({"match": {"tools": ["City"]},
                "respond": {"tool_calls": [{"name": "City", "arguments": {"name": "Rome", "country": "Italy",
                                                                          "population": 2_750_000}}]}})
    client = instructor.from_mistral(mistral)
    with telemetry.root("tools") as trace_id:
        city = client.chat.completions.create(model=MODEL, messages=USER, response_model=City)
    assert city.model_dump() == {"name": "Rome", "country": "Italy", "population": 2_750_000}
    [span] = genai(telemetry.spans(trace_id), "chat")
    assert json.loads(span["tool_definitions"])[0]["name"] == "City"
    assert span["response_finish_reasons"] == ["tool_calls"]


def test_reask_after_invalid_call(mistral, telemetry, responders):
    """A call that does not validate is sent back with the error, the next answer is taken: the
    responder's `then` answers the turn that carries the tool result (instructor's reask)."""
    responders({"match": {"tools": ["City"]},
                "respond": {"tool_calls": [{"name": "City", "arguments": {"name": "Rome", "country": "Italy",
                                                                          "population": "many"}}]},
                "then": {"tool_calls": [{"name": "City", "arguments": {"name": "Rome", "country": "Italy",
                                                                       "population": 2_750_000}}]}})
    client = instructor.from_mistral(mistral)
    with telemetry.root("reask") as trace_id:
        city = client.chat.completions.create(model=MODEL, messages=USER, response_model=City, max_retries=2)
    assert city.population == 2_750_000
    assert telemetry.trace(trace_id)["llm_call_count"] == 2


def test_tools_default_answer(mistral):
    client = instructor.from_mistral(mistral)
    try:
        city = client.chat.completions.create(model=MODEL, messages=USER, response_model=City, max_retries=1)
    except InstructorRetryException as e:
        pytest.fail(f"the default answer's forced call does not validate: {e}")
    assert city.name and city.country


def test_json_schema_default_answer(mistral):
    """A schema other than {"answer": string}: the default answer must follow it."""
    client = instructor.from_mistral(mistral, mode=instructor.Mode.JSON_SCHEMA)
    try:
        city = client.chat.completions.create(model=MODEL, messages=USER, response_model=City, max_retries=1)
    except InstructorRetryException as e:
        pytest.fail(f"the default JSON answer does not follow the schema: {e}")
    assert city.name and city.country
