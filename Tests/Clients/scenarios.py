"""What every client is asked to do, and the emulator-side facts its answers are checked against.

The emulator's default answer names the model and quotes the last user message; a responder
scripts a tool decision (the model calls `get_weather`, then answers with the tool's result).
"""

from __future__ import annotations

MODEL = "mistral-small-latest"
EMBED_MODEL = "mistral-embed"
QUESTION = "What is the capital of Italy?"
WEATHER_QUESTION = "What is the weather in Lisbon?"
WEATHER_RESULT = "21 degrees and sunny"
EMBED_INPUTS = ["The cat sat on the mat.", "Il pleut sur Paris."]
# get_weather as the API's tool definition, for clients that take raw tool dicts.
WEATHER_TOOLS = [{"type": "function", "function": {"name": "get_weather", "description": "Get the current weather in a city.",
                  "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]


def weather_responder(model: str = MODEL) -> dict:
    """The model calls get_weather(city="Lisbon"), then reports what the tool returned."""
    return {"name": "weather-round-trip",
            "match": {"contains": "weather in Lisbon", "tools": ["get_weather"]},
            "respond": {"tool_calls": [{"name": "get_weather", "arguments": {"city": "Lisbon"}}]},
            "then": {"content": "In Lisbon it is {{tool_result}}."}}


def get_weather(city: str) -> str:
    """Get the current weather in a city."""
    assert city == "Lisbon", city
    return WEATHER_RESULT


def assert_default_answer(text: str, question: str = QUESTION, model: str = MODEL) -> None:
    """The emulator's default answer: it names the model and quotes the question."""
    assert model in text, text
    assert question in text, text


def assert_weather_answer(text: str) -> None:
    assert text.strip() == f"In Lisbon it is {WEATHER_RESULT}.", text


def assert_chat_span(span: dict, *, question: str | None = None, answer: str | None = None,
                     input_tokens: int | None = None, output_tokens: int | None = None, model: str = MODEL) -> None:
    """The GenAI columns of one chat span, whatever convention the client's tracing wrote."""
    from telemetry import messages, text_of
    assert span["operation_name"] == "chat", span["operation_name"]
    assert span["request_model"] == model or span["response_model"] == model, (span["request_model"], span["response_model"])
    assert span["provider_name"], "provider_name is filled"
    if question is not None:
        sent = messages(span["input_messages"])
        assert sent and question in text_of(sent[-1]), span["input_messages"]
    if answer is not None:
        got = messages(span["output_messages"])
        assert got and answer in text_of(got[-1]), span["output_messages"]
    if input_tokens is not None:
        assert span["usage_input_tokens"] == input_tokens, (span["usage_input_tokens"], input_tokens)
    if output_tokens is not None:
        assert span["usage_output_tokens"] == output_tokens, (span["usage_output_tokens"], output_tokens)
