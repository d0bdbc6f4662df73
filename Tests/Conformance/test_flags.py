"""Start-up flags of SPEC section 10 that change behaviour, each on its own emulator process:
--no-seed, --fixtures, --journal-size, --admin-token, --task-pace."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent.parent
BIN = os.environ.get("OBS_EMULATOR_BIN", str(REPO / ".build" / "debug" / "observability-emulator"))
AUTH = {"Authorization": "Bearer flags"}


@contextmanager
def emulator(*flags: str):
    proc = subprocess.Popen([BIN, "--port", "0", "--log-level", "error", *flags], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    match = re.search(r"(http://127\.0\.0\.1:\d+)", line)
    assert match, line + proc.stderr.read()
    try:
        yield match.group(1)
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0


def search_ids(url: str) -> list[str]:
    r = requests.post(f"{url}/v1/observability/chat-completion-events/search-ids", json={"search_params": {"filters": None}}, headers=AUTH)
    assert r.status_code == 200, r.text
    return r.json()["completion_event_ids"]


def test_no_seed_starts_empty():
    with emulator("--no-seed") as url:
        assert search_ids(url) == []
        assert requests.get(f"{url}/v1/observability/judges", headers=AUTH).json()["judges"]["count"] == 0
        assert requests.get(f"{url}/__emulator/health").json()["events"] == 0


def test_fixtures_directory_is_loaded(tmp_path):
    events = [json.loads(line) for line in (REPO / "Fixtures" / "events.jsonl").read_text().splitlines()[:2]]
    (tmp_path / "events.jsonl").write_text("\n".join(json.dumps(e) for e in events) + "\n")
    judges = json.loads((REPO / "Fixtures" / "judges.json").read_text())[:1]
    (tmp_path / "judges.json").write_text(json.dumps(judges))
    with emulator("--fixtures", str(tmp_path)) as url:
        assert sorted(search_ids(url)) == sorted(e["event_id"] for e in events)
        listed = requests.get(f"{url}/v1/observability/judges", headers=AUTH).json()["judges"]
        assert [j["name"] for j in listed["results"]] == [judges[0]["name"]]


def test_bad_fixtures_directory_is_a_clear_startup_error(tmp_path):
    fixtures, scratch = tmp_path / "fixtures", tmp_path / "tmp"
    fixtures.mkdir()
    scratch.mkdir()
    (fixtures / "events.jsonl").write_text('{"request_messages": "nope", "response_messages": []}\n')
    result = subprocess.run([BIN, "--port", "0", "--fixtures", str(fixtures)], capture_output=True, text=True, timeout=30,
                            env={**os.environ, "TMPDIR": str(scratch)})
    assert result.returncode == 2
    assert "events.jsonl line 1" in result.stderr and "request_messages" in result.stderr
    assert list(scratch.iterdir()) == [], "the temporary database was left behind"


def test_port_in_use_is_a_clear_startup_error_and_leaves_nothing(tmp_path):
    with emulator() as url:
        port = url.rsplit(":", 1)[1]
        result = subprocess.run([BIN, "--port", port], capture_output=True, text=True, timeout=30,
                                env={**os.environ, "TMPDIR": str(tmp_path)})
    assert result.returncode == 2
    assert f"127.0.0.1:{port}" in result.stderr
    assert list(tmp_path.iterdir()) == [], "the temporary database was left behind"


def test_journal_size_bounds_the_journal():
    with emulator("--journal-size", "3") as url:
        for i in range(10):
            requests.get(f"{url}/v1/observability/judges?page={i + 1}", headers=AUTH)
        entries = requests.get(f"{url}/__emulator/requests", params={"limit": 100}).json()["requests"]
        assert len(entries) == 3
        assert [e["query"] for e in entries] == ["page=10", "page=9", "page=8"]  # newest first


def test_admin_token_protects_only_the_control_plane():
    with emulator("--admin-token", "s3cret") as url:
        refused = requests.get(f"{url}/__emulator/health")
        assert refused.status_code == 401 and refused.json()["detail"]["error_code"] == "AUTH_UNAUTHORIZED"
        assert requests.post(f"{url}/__emulator/reset", headers={"X-Emulator-Admin-Token": "wrong"}).status_code == 401
        assert requests.get(f"{url}/__emulator/health", headers={"X-Emulator-Admin-Token": "s3cret"}).status_code == 200
        assert requests.get(f"{url}/v1/observability/judges", headers=AUTH).status_code == 200
        env = {**os.environ, "OBS_EMULATOR_ADMIN_TOKEN": "s3cret", "OBS_EMULATOR_PORT": url.rsplit(":", 1)[1]}
        assert subprocess.run([BIN, "healthcheck"], env=env, capture_output=True).returncode == 0


def test_task_pace_polls_flag():
    with emulator("--task-pace", "polls:2") as url:
        judge = requests.get(f"{url}/v1/observability/judges", headers=AUTH).json()["judges"]["results"][0]["id"]
        created = requests.post(f"{url}/v1/observability/campaigns", headers=AUTH, json={
            "search_params": {"filters": None}, "judge_id": judge, "name": "paced campaign", "description": "", "max_nb_events": 5})
        assert created.status_code == 201, created.text
        status = [requests.get(f"{url}/v1/observability/campaigns/{created.json()['id']}/status", headers=AUTH).json()["status"] for _ in range(3)]
        assert status == ["RUNNING", "RUNNING", "COMPLETED"]


def test_task_pace_seconds_flag():
    with emulator("--task-pace", "seconds:1") as url:
        judge = requests.get(f"{url}/v1/observability/judges", headers=AUTH).json()["judges"]["results"][0]["id"]
        created = requests.post(f"{url}/v1/observability/campaigns", headers=AUTH, json={
            "search_params": {"filters": None}, "judge_id": judge, "name": "paced campaign", "description": "", "max_nb_events": 5})
        status_url = f"{url}/v1/observability/campaigns/{created.json()['id']}/status"
        assert requests.get(status_url, headers=AUTH).json()["status"] == "RUNNING"
        deadline = time.time() + 10
        while requests.get(status_url, headers=AUTH).json()["status"] != "COMPLETED":
            assert time.time() < deadline, "still RUNNING long after the pace"
            time.sleep(0.1)


def test_invalid_flag_values_are_refused():
    for flags in (["--task-pace", "sometimes"], ["--clock", "later"], ["--port", "70000"], ["--log-format", "xml"]):
        result = subprocess.run([BIN, *flags], capture_output=True, text=True, timeout=30)
        assert result.returncode != 0, flags
        assert result.stderr.strip(), flags


def test_reset_clears_task_paces_set_through_the_control_plane():
    with emulator() as url:
        assert requests.post(f"{url}/__emulator/task-pace", json={"pace": "polls:5"}, headers=AUTH).status_code == 204
        assert requests.post(f"{url}/__emulator/reset", json={"scope": "workspace"}, headers=AUTH).status_code == 204
        judge = requests.get(f"{url}/v1/observability/judges", headers=AUTH).json()["judges"]["results"][0]["id"]
        created = requests.post(f"{url}/v1/observability/campaigns", headers=AUTH, json={
            "search_params": {"filters": None}, "judge_id": judge, "name": "unpaced campaign", "description": "", "max_nb_events": 3})
        # Wait for the real work (the annotations), without reading the status...
        annotated = {"search_params": {"filters": {"field": f"__judge_{judge}", "op": "isnull", "value": False}}}
        deadline = time.time() + 10
        while len(requests.post(f"{url}/v1/observability/chat-completion-events/search-ids", json=annotated, headers=AUTH).json().get("completion_event_ids", [])) < 3:
            assert time.time() < deadline
            time.sleep(0.05)
        # ...then the first status read is the real one: the polls:5 pace went with the reset.
        status = requests.get(f"{url}/v1/observability/campaigns/{created.json()['id']}/status", headers=AUTH).json()["status"]
        assert status == "COMPLETED"


def test_databases_left_by_killed_emulators_are_removed_at_start(tmp_path):
    dead = subprocess.Popen(["true"])
    dead.wait()
    orphan = tmp_path / f"observability-emulator-{dead.pid}-DEADBEEF.sqlite"
    live = tmp_path / f"observability-emulator-{os.getpid()}-0000CAFE.sqlite"  # this pytest process is alive
    for path in (orphan, live, Path(str(orphan) + "-wal")):
        path.write_bytes(b"")
    proc = subprocess.Popen([BIN, "--port", "0", "--log-level", "error"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "TMPDIR": str(tmp_path)})
    try:
        assert "listening on" in proc.stdout.readline()
        names = sorted(p.name for p in tmp_path.iterdir())
        assert orphan.name not in names and orphan.name + "-wal" not in names
        assert live.name in names, "a file of a live process was removed"
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [live.name], "the emulator's own database was left behind"
