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
