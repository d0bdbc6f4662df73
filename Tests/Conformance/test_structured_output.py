"""Structured output from the default answer: under response_format json_schema the content is an
instance of the schema, and a forced tool call's arguments an instance of the tool's parameters,
checked here by the real `jsonschema` package (the draft the schema's `$schema` names, 2020-12
otherwise, formats included) over the corpus in schemas/: pydantic v2 models as LangChain,
instructor and the SDK send them, one or more cases per keyword, schemas no instance satisfies.
Same request, byte-identical answer; streamed, the same content. The emulator's own validator
is checked through responders, which a JSON mode passes over when their content does not fit.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from pydantic import BaseModel, Field

CHAT = "chat_completion_v1_chat_completions_post"
SCHEMAS = Path(__file__).resolve().parent / "schemas"
QUESTION = "Describe the capital of France in a few words."
MODEL = "mistral-small-latest"


def corpus(name: str) -> list[dict]:
    return json.loads((SCHEMAS / name).read_text())


SATISFIABLE = corpus("keywords.json") + corpus("pydantic.json")
UNSATISFIABLE = corpus("unsatisfiable.json")
SUITE = corpus("validator_suite.json")
OBJECT_SCHEMAS = [case for case in SATISFIABLE if isinstance(case["schema"], dict) and case["schema"].get("type") == "object"
                  or "pydantic" in case["name"]]


def validate(instance, schema) -> None:
    """Raises unless the instance is valid, with format checking."""
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    cls.check_schema(schema)
    cls(schema, format_checker=cls.FORMAT_CHECKER).validate(instance)


def structured(schema, user=QUESTION, **extra) -> dict:
    return {"model": MODEL, "messages": [{"role": "user", "content": user}],
            "response_format": {"type": "json_schema", "json_schema": {"name": "answer", "schema": schema, "strict": True}}, **extra}


def content_of(http, body) -> str:
    r = http.post("/v1/chat/completions", json=body)
    assert r.status_code == 200, r.text
    choice = r.json()["choices"][0]
    assert choice["finish_reason"] == "stop", choice
    return choice["message"]["content"]


def streamed_content(http, body) -> str:
    r = http.post("/v1/chat/completions", json={**body, "stream": True})
    assert r.status_code == 200, r.text
    assert r.text.endswith("data: [DONE]\n\n"), r.text[-200:]
    events = [e[len("data: "):] for e in r.text[:-2].split("\n\n")][:-1]
    return "".join(json.loads(e)["choices"][0]["delta"].get("content") or "" for e in events)


@pytest.mark.operation(CHAT)
@pytest.mark.parametrize("case", SATISFIABLE, ids=[c["name"] for c in SATISFIABLE])
def test_the_default_answer_is_an_instance_of_the_schema(http, case):
    body = structured(case["schema"])
    text = content_of(http, body)
    validate(json.loads(text), case["schema"])
    assert text == json.dumps(json.loads(text), separators=(",", ":"), ensure_ascii=False), "compact"
    assert content_of(http, body) == text, "same request, same answer"
    assert streamed_content(http, body) == text, "streamed, the same content"


@pytest.mark.operation(CHAT)
@pytest.mark.parametrize("case", OBJECT_SCHEMAS, ids=[c["name"] for c in OBJECT_SCHEMAS])
def test_a_forced_tool_call_has_arguments_from_its_parameters(http, case):
    tools = [{"type": "function", "function": {"name": "other", "parameters": {"type": "object"}}},
             {"type": "function", "function": {"name": "record", "description": "Record it.", "parameters": case["schema"]}}]
    body = {"model": MODEL, "messages": [{"role": "user", "content": "Record the details, please."}], "tools": tools,
            "tool_choice": {"type": "function", "function": {"name": "record"}}}
    r = http.post("/v1/chat/completions", json=body)
    assert r.status_code == 200, r.text
    [call] = r.json()["choices"][0]["message"]["tool_calls"]
    assert call["function"]["name"] == "record"
    validate(json.loads(call["function"]["arguments"]), case["schema"])
    again = http.post("/v1/chat/completions", json=body).json()["choices"][0]["message"]["tool_calls"][0]
    assert again["function"]["arguments"] == call["function"]["arguments"]


@pytest.mark.operation(CHAT)
def test_tool_choice_any_calls_the_first_function_with_generated_arguments(http):
    parameters = {"type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer", "minimum": 1, "maximum": 7}},
                  "required": ["city", "days"]}
    body = {"model": MODEL, "messages": [{"role": "user", "content": "Weather in Lisbon?"}], "tool_choice": "any",
            "tools": [{"type": "function", "function": {"name": "lookup_weather", "parameters": parameters}}]}
    [call] = http.post("/v1/chat/completions", json=body).json()["choices"][0]["message"]["tool_calls"]
    arguments = json.loads(call["function"]["arguments"])
    validate(arguments, parameters)
    assert arguments["city"] == "Weather in Lisbon?", "a free-text argument carries the last user message"


@pytest.mark.operation(CHAT)
@pytest.mark.parametrize("case", UNSATISFIABLE, ids=[c["name"] for c in UNSATISFIABLE])
def test_a_schema_without_instance_falls_back_to_the_json_object_answer(http, case):
    body = structured(case["schema"])
    answer = json.loads(content_of(http, body))
    assert list(answer) == ["answer"] and MODEL in answer["answer"] and QUESTION in answer["answer"], answer
    assert streamed_content(http, body) == content_of(http, body)


@pytest.mark.operation(CHAT)
def test_the_first_free_text_string_is_the_default_sentence(http):
    schema = {"type": "object", "properties": {"answer": {"type": "string"}, "detail": {"type": "string"}, "short": {"type": "string", "maxLength": 8}},
              "required": ["answer", "detail", "short"]}
    answer = json.loads(content_of(http, structured(schema)))
    assert answer["answer"].startswith(f"This is a deterministic answer from {MODEL}") and QUESTION in answer["answer"]
    assert answer["detail"] == QUESTION and answer["short"] == QUESTION[:8].rstrip()
    other = json.loads(content_of(http, structured(schema, user="Another question")))
    assert other["detail"] == "Another question"


@pytest.mark.operation(CHAT)
def test_json_object_mode_answers_an_object(http):
    body = {"model": MODEL, "messages": [{"role": "user", "content": QUESTION}], "response_format": {"type": "json_object"}}
    answer = json.loads(content_of(http, body))
    assert list(answer) == ["answer"] and QUESTION in answer["answer"]
    plain = {**body, "response_format": {"type": "text"}}
    assert content_of(http, plain) == "The capital of France is Paris.", "in text mode the fixture responder answers"


@pytest.mark.operation(CHAT)
@pytest.mark.parametrize("json_schema, message", [
    ({"name": "x"}, "field required"),
    ({"name": "x", "schema": "object"}, "got a string"),
    ({"name": "x", "schema": None}, "got null"),
    ({"name": "x", "schema": [{"type": "object"}]}, "got an array"),
])
def test_a_json_schema_without_a_schema_object_is_a_400(http, json_schema, message):
    body = {"model": MODEL, "messages": [{"role": "user", "content": "x"}], "response_format": {"type": "json_schema", "json_schema": json_schema}}
    r = http.post("/v1/chat/completions", json=body)
    assert r.status_code == 400, r.text
    error = r.json()
    assert error["type"] == "invalid_request_error" and error["message"].startswith("response_format.json_schema.schema: ")
    assert message in error["message"], error


@pytest.mark.operation(CHAT)
@pytest.mark.parametrize("group", SUITE, ids=[g["description"] for g in SUITE])
def test_a_json_mode_passes_over_a_responder_whose_content_does_not_fit(http, group):
    """The emulator's validator against the suite's verdicts (which jsonschema confirms): a
    responder answering the data is kept when the data is valid, passed over otherwise."""
    for case in group["tests"]:
        validator = jsonschema.Draft202012Validator(group["schema"], format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
        assert validator.is_valid(case["data"]) == case["valid"], case
        data = json.dumps(case["data"])
        assert http.delete("/__emulator/responders").status_code in (200, 204)
        assert http.post("/__emulator/responders", json={"name": "fixed", "respond": {"content": data}}).status_code in (200, 201)
        text = content_of(http, structured(group["schema"]))
        if case["valid"]:
            assert text == data, (case, text)
        else:
            assert text != data, case
            validate(json.loads(text), group["schema"])


@pytest.mark.operation(CHAT)
def test_json_object_mode_passes_over_a_responder_that_is_not_an_object(http):
    http.post("/__emulator/responders", json=[{"match": {"contains": "plain"}, "respond": {"content": "not json"}},
                                              {"match": {"contains": "plain"}, "respond": {"content": "[1, 2]"}},
                                              {"match": {"contains": "plain"}, "respond": {"content": "{\"ok\": true}"}}])
    body = {"model": MODEL, "messages": [{"role": "user", "content": "plain please"}], "response_format": {"type": "json_object"}}
    assert content_of(http, body) == "{\"ok\": true}"
    assert content_of(http, {**body, "response_format": {"type": "text"}}) == "not json", "text mode takes the first"


class City(BaseModel):
    name: str
    country: str = Field(max_length=40)
    population: int = Field(ge=0)
    landmarks: list[str] = Field(min_length=1)
    coastal: bool | None = None


def test_sdk_chat_parse_returns_the_parsed_model(client):
    res = client.chat.parse(model=MODEL, messages=[{"role": "user", "content": QUESTION}], response_format=City)
    parsed = res.choices[0].message.parsed
    assert isinstance(parsed, City), res
    assert MODEL in parsed.name and QUESTION in parsed.name, "the first free-text field carries the default sentence"
    assert parsed.country == QUESTION[:40].rstrip() and parsed.population >= 0 and parsed.landmarks
    again = client.chat.parse(model=MODEL, messages=[{"role": "user", "content": QUESTION}], response_format=City)
    assert again.choices[0].message.content == res.choices[0].message.content
