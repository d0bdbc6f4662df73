"""The documentation-style scripts in examples/ (mistralai 3.x), each run as a user would run it,
against the emulator binary: a multi-turn chat loop, structured output with `chat.parse`, a
reasoning model. What a script did is read back from its workspace (its Bearer token)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run(script: str, base_url: str, token: str, stdin: str = "") -> str:
    env = {**os.environ, "OBS_EMULATOR_URL": base_url, "MISTRAL_API_KEY": token}
    done = subprocess.run([sys.executable, str(EXAMPLES / script)], input=stdin, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, f"{script} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture
def started() -> str:
    return (datetime.now(timezone.utc) - timedelta(seconds=1)).isoformat().replace("+00:00", "Z")


def events(base_url: str, token: str, since: str) -> list[dict]:
    """The workspace's chat-completion events since the test started (not the seeded ones), oldest first."""
    auth = {"Authorization": f"Bearer {token}"}
    r = requests.post(f"{base_url}/v1/observability/chat-completion-events/search", headers=auth, timeout=10,
                      json={"search_params": {"filters": {"field": "timestamp", "op": "gt", "value": since}}})
    assert r.status_code == 200, r.text
    found = []
    for summary in r.json()["completion_events"]["results"]:
        one = requests.get(f"{base_url}/v1/observability/chat-completion-events/{summary['event_id']}", headers=auth, timeout=10)
        assert one.status_code == 200, one.text
        found.append(one.json())
    return sorted(found, key=lambda e: (e["created_at"], e["nb_messages"]))


def test_chat_loop(base_url, token, started):
    questions = ["What is the capital of Italy?", "And how many people live there?", "Thanks!"]
    out = run("chat_loop.py", base_url, token, stdin="\n".join(questions) + "\n")
    for question in questions:
        assert f'You asked: "{question}"' in out, out
    assert "7 messages so far" in out, out
    recorded = events(base_url, token, started)
    assert len(recorded) == 3
    # Each request carries the whole conversation: the system prompt, then every turn so far.
    assert [len(e["request_messages"]) for e in recorded] == [2, 4, 6]
    last = recorded[-1]["request_messages"]
    assert [m["role"] for m in last] == ["system", "user", "assistant", "user", "assistant", "user"]
    assert last[2]["content"] == recorded[0]["response_messages"][0]["content"]


def test_structured_output(base_url, token):
    out = run("structured_output.py", base_url, token)
    assert out.startswith("name: ") and "\nauthors: " in out, out


def test_structured_output_request(base_url, token, started):
    """Until then the script fails on the answer, but its request reaches the emulator."""
    subprocess.run([sys.executable, str(EXAMPLES / "structured_output.py")], capture_output=True, timeout=60,
                   env={**os.environ, "OBS_EMULATOR_URL": base_url, "MISTRAL_API_KEY": token})
    [event] = events(base_url, token, started)
    assert event["request_messages"][-1]["content"].startswith("I recently read")


def test_reasoning(base_url, token, started):
    out = run("reasoning.py", base_url, token)
    # Magistral answers with its thinking (a thinking chunk), then the answer (a text chunk).
    lines = out.splitlines()
    assert lines[0].startswith("thinking: The user asks: \"John is one of 4 children."), out
    assert lines[1].startswith("answer: This is a deterministic answer from magistral-medium-latest"), out
    assert "model: magistral-medium-latest; " in out
    [event] = events(base_url, token, started)
    assert event["request_messages"][0]["content"].startswith("John is one of 4 children.")
