"""Testing your code against the emulator: arrange events, rehearse a failure, start clean.

Run the emulator (scripts/run.sh, or the container), then: OBS_EMULATOR_URL=http://127.0.0.1:8080 pytest
"""
import os
import uuid

import pytest
import requests
from mistralai.client import Mistral, errors

URL = os.environ.get("OBS_EMULATOR_URL", "http://127.0.0.1:8080")
TOKEN = f"suite-{uuid.uuid4()}"  # every token is its own workspace: parallel suites never collide
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def client():
    # Start every test from the seeded state of this suite's workspace only.
    assert requests.post(f"{URL}/__emulator/reset", json={"scope": "workspace"}, headers=AUTH).status_code == 204
    with Mistral(api_key=TOKEN, server_url=URL) as mistral:
        yield mistral


def event(question, answer, created_at, **metadata):
    return {
        "created_at": created_at,
        "extra_fields": {"model_name": "mistral-small-latest", "metadata": metadata},
        "request_messages": [{"role": "user", "content": question}],
        "response_messages": [{"role": "assistant", "content": answer}],
    }


def test_refund_questions_are_found_newest_first(client):
    # Arrange: exactly the traffic this test needs, visible only to this workspace.
    ingested = requests.post(f"{URL}/__emulator/events", headers=AUTH, json=[
        event("Can I get a refund?", "Yes, within 30 days.", "2025-10-01T10:00:00.000Z", suite="refunds"),
        event("Refund for order 42?", "Refund issued.", "2025-10-02T10:00:00.000Z", suite="refunds"),
        event("What is the weather?", "Sunny.", "2025-10-03T10:00:00.000Z", suite="other"),
    ])
    assert ingested.status_code == 201
    older, newer, _ = ingested.json()["event_ids"]

    # The explorer of the first generation (mistralai 2.x's chat_completion_events.search_ids;
    # 3.x has no method for it, so plain HTTP here).
    found = requests.post(f"{URL}/v1/observability/chat-completion-events/search-ids", headers=AUTH, json={
        "search_params": {"filters": {"AND": [
            {"field": "metadata.suite", "op": "eq", "value": "refunds"},
            {"field": "last_user_message_preview", "op": "icontains", "value": "refund"},
        ]}},
    })
    assert found.status_code == 200, found.text
    assert found.json()["completion_event_ids"] == [newer, older]


def test_a_503_reaches_the_sdk_and_the_retry_succeeds(client):
    judge = client.beta.observability.judges.create(
        name="Politeness check", description="Flags rude answers.", model_name="mistral-large-latest",
        output={"type": "CLASSIFICATION", "options": [{"value": "polite", "description": "ok"},
                                                      {"value": "rude", "description": "not ok"}]},
        instructions='when assistant icontains "whatever" -> rude\notherwise -> polite', tools=[],
    )
    # Rehearse an outage: the next GET of this judge answers 503, then the service recovers.
    fault = requests.post(f"{URL}/__emulator/faults", json={
        "method": "GET", "path": f"/v1/observability/judges/{judge.id}", "status": 503, "count": 1,
    }).json()["id"]
    with pytest.raises(errors.SDKError) as failure:
        client.beta.observability.judges.fetch(judge_id=judge.id)
    assert failure.value.status_code == 503
    assert client.beta.observability.judges.fetch(judge_id=judge.id).name == "Politeness check"
    requests.delete(f"{URL}/__emulator/faults/{fault}")  # already used up; harmless

    verdict = client.beta.observability.judges.judge_conversation(judge_id=judge.id, messages=[
        {"role": "user", "content": "Can you help me?"},
        {"role": "assistant", "content": "Whatever."},
    ])
    assert verdict.answer == "rude"


def test_the_journal_shows_what_my_code_sent(client):
    client.beta.observability.judges.list(page_size=5)
    journal = requests.get(f"{URL}/__emulator/requests", params={"path_prefix": "/v1/observability/judges", "limit": 1}).json()
    assert "page_size=5" in journal["requests"][0]["query"].split("&")
