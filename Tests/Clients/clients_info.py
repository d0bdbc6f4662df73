"""What the "works with" table says of each client: the installed versions of its packages and
what its suite exercises (run.sh prints one row per client from this)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

CLIENTS = {
    "sdk-async": (["mistralai"], "async chat, stream, tool round trip, parse (structured output), embeddings; the SDK's own spans"),
    "examples": (["mistralai"], "documentation-style scripts: multi-turn chat loop, structured output, reasoning"),
    "samples": (["mistralai"], "every Python block of README.md and docs/, and examples/test_with_emulator.py"),
    "langchain": (["langchain-mistralai", "openinference-instrumentation-langchain"],
                  "chat, stream, tool round trip, with_structured_output, embeddings; OpenInference spans"),
    "llamaindex": (["llama-index-llms-mistralai", "llama-index-embeddings-mistralai"],
                   "chat, complete, stream, tool round trip, predict_and_call, structured_predict, embeddings; SDK spans"),
    "pydantic-ai": (["pydantic-ai-slim"], "agent run, stream, tool round trip, output_type; its chat spans around the SDK's, counted once"),
    "instructor": (["instructor"], "JSON_SCHEMA and TOOLS modes, partial streaming, reask after an invalid call; SDK spans"),
    "haystack": (["mistral-haystack", "openinference-instrumentation-haystack"],
                 "chat, stream, tool round trip, Agent, response_format, text and document embedders; OpenInference spans"),
    "openinference": (["openinference-instrumentation-mistralai"],
                      "chat, stream, tool round trip, async, embeddings; OpenInference columns, counted once"),
    "openllmetry": (["opentelemetry-instrumentation-mistralai"],
                    "chat, stream, tool round trip, embeddings; older gen_ai columns, the 1.x SDK's own span"),
    "openlit": (["openlit"], "chat, stream, tool round trip, embeddings; OpenLIT's gen_ai columns, the 1.x SDK's own span"),
}


def describe(client: str) -> str:
    packages, tested = CLIENTS[client]
    versions = []
    for name in packages + (["mistralai"] if "mistralai" not in packages else []):
        try:
            versions.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            pass
    return f"{', '.join(versions)}|{tested}"
