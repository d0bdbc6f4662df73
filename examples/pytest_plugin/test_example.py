"""Testing code that uses the Mistral SDK against the emulator, with the pytest plugin of
mistral-observability-emulator: `pip install mistral-observability-emulator`, then `pytest`.

The plugin starts the bundled emulator once for the session; each test gets a workspace of its
own (`mistral_workspace`, a fresh Bearer token) and an SDK client in it (`mistral_client`).
"""

from datetime import datetime, timezone

import pytest

from mistral_observability_emulator import Workspace

import support_bot


def test_each_test_has_a_workspace_of_its_own(mistral_emulator, mistral_workspace, mistral_client):
    dataset_id = support_bot.save_for_review(mistral_client, "refunds to review")

    mine = mistral_client.beta.observability.datasets.list().datasets
    assert [str(d.id) for d in mine.results] == [dataset_id]
    # Another token on the same emulator is another workspace: it does not see the dataset.
    other = Workspace(mistral_emulator)
    try:
        assert other.client.beta.observability.datasets.list().datasets.count == 0
    finally:
        other.close()
    assert other.id != mistral_workspace.id


def test_a_responder_decides_the_answer(mistral_workspace, mistral_client):
    # The model's answer for this workspace only: other tests still get the default answer.
    mistral_workspace.add_responder(match={"contains": "refund"}, respond={"content": "Refunds take 5 working days."})

    assert support_bot.answer(mistral_client, "How long does a refund take?") == "Refunds take 5 working days."
    assert "Refunds take" not in support_bot.answer(mistral_client, "Where is my parcel?")


def test_my_code_made_exactly_these_calls(mistral_workspace, mistral_client):
    support_bot.answer(mistral_client, "Do you ship to Norway?")

    # The journal of this workspace, oldest first, without the helpers' own /__emulator calls.
    assert mistral_workspace.calls() == [("GET", "/v1/models"), ("POST", "/v1/chat/completions")]


def test_a_503_is_retried_once(mistral_emulator, mistral_workspace, mistral_client):
    # The rule faults this workspace's requests only; the fixture removes it after the test.
    mistral_workspace.inject_fault("/v1/chat/completions", 503, method="POST", count=1)

    # Another workspace (a test running beside this one) is not faulted.
    neighbour = Workspace(mistral_emulator)
    assert support_bot.answer(neighbour.client, "Where is my parcel?")
    assert [entry["status"] for entry in neighbour.requests(path_prefix="/v1/chat/completions")] == [200]

    assert support_bot.answer(mistral_client, "Can I change my address?")
    chats = mistral_workspace.requests(path_prefix="/v1/chat/completions")
    assert [entry["status"] for entry in chats] == [503, 200]


def test_a_model_error_reaches_my_code(mistral_workspace, mistral_client):
    # A responder can also answer with an error, for this workspace only.
    mistral_workspace.add_responder(respond={"error": {"status": 429, "message": "slow down"}})

    with pytest.raises(Exception) as failure:
        support_bot.answer(mistral_client, "Hello?")
    assert getattr(failure.value, "status_code", None) == 429


def test_the_sdk_spans_arrive_in_my_workspace(mistral_workspace, mistral_client):
    # The SDK's own telemetry (mistralai[telemetry]): the plugin points its exporter at the
    # emulator, and the client's token puts the spans in this workspace.
    mistral_workspace.configure_telemetry()
    started = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    reply = support_bot.answer(mistral_client, "What are your opening hours?")

    # Every workspace also sees the seeded spans (November 2026): ask for this test's only.
    spans = mistral_workspace.wait_for_spans(
        f"service_name = 'mistralai_sdk' AND operation_name = 'chat' AND start_time > '{started}'", count=1, timeout=15)
    assert spans[0]["request_model"] == support_bot.MODEL
    assert reply  # the answer the spans describe


def test_reset_starts_the_workspace_over(mistral_workspace, mistral_client):
    support_bot.save_for_review(mistral_client, "scratch")
    mistral_workspace.add_responder(respond={"content": "scripted"})

    mistral_workspace.reset()

    assert mistral_client.beta.observability.datasets.list().datasets.count == 0
    assert mistral_workspace.responders() == []


def test_a_snapshot_puts_the_seeded_state_back(mistral_emulator, mistral_workspace, mistral_client):
    # Seed once, save; a later test (or this one) restores it in milliseconds.
    support_bot.save_for_review(mistral_client, "seeded for every test")
    mistral_emulator.save_snapshot("example-seed")
    support_bot.save_for_review(mistral_client, "made after the snapshot")
    assert mistral_client.beta.observability.datasets.list().datasets.count == 2
    mistral_emulator.restore_snapshot("example-seed")
    names = [d.name for d in mistral_client.beta.observability.datasets.list().datasets.results]
    assert names == ["seeded for every test"]
    assert "example-seed" in [s["name"] for s in mistral_emulator.snapshots()]
