"""Real clients against the emulator binary: one client (the venv's) per pytest run.

One emulator process serves the run, started on a free port (`--port 0`, the URL read from the
line it prints). Every test has its own Bearer token, hence its own workspace. Spans go through a
real OpenTelemetry pipeline: one global TracerProvider (what instrumentations and the mistralai
SDK's own tracing use) with a SimpleSpanProcessor whose OTLP/HTTP exporter is re-pointed at each
test's workspace, so a test reads back exactly the spans its client made.
"""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path
from typing import Iterator

import pytest
import requests

from telemetry import Telemetry, install_tracer_provider

# The mistralai SDK (3.x) traces its own calls only when asked: "global" sends its spans through
# the global TracerProvider, beside the instrumentations' and the frameworks' own.
os.environ.setdefault("MISTRAL_SDK_TELEMETRY", "global")

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "Tests"))
from emulator_process import base_url, emulator  # noqa: E402,F401  (the session fixtures)


@pytest.fixture(scope="session")
def tracer_provider():
    """The process's global TracerProvider (set once; instrumentations read it)."""
    return install_tracer_provider()


@pytest.fixture
def token() -> str:
    return f"clients-{uuid.uuid4()}"


@pytest.fixture
def telemetry(base_url: str, token: str, tracer_provider) -> Iterator[Telemetry]:
    """Spans of this test, exported to and read back from this test's workspace."""
    t = Telemetry(base_url, token, tracer_provider)
    yield t
    t.detach()


@pytest.fixture
def responders(base_url: str, token: str):
    """Adds model responders to this test's workspace (`POST /__emulator/responders`)."""
    def add(*rules: dict) -> list[str]:
        r = requests.post(f"{base_url}/__emulator/responders", json=list(rules),
                          headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert r.status_code == 201, r.text
        return r.json()["ids"]
    return add
