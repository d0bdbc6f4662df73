"""A full disk and a reset that gives the disk back, on a small tmpfs this test mounts itself.

With the database on a 32 MiB tmpfs nearly filled by a ballast file, OTLP exports go on until
the disk refuses one: that export is answered 503 with Retry-After and a google.rpc.Status
(code 14 UNAVAILABLE), API writes 507, health says degraded. Every span acknowledged before is
still there; once the ballast is gone, the next export is stored without a restart and health
is ok again. Needs root (mount); skipped otherwise.
"""
from __future__ import annotations

import os
import subprocess
import tempfile
import uuid

import pytest
import requests

from conftest import start_emulator

MIB = 1024 * 1024


@pytest.fixture
def small_disk():
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount_point = tempfile.mkdtemp(prefix="obs-full-disk-")
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", mount_point], capture_output=True, text=True)
    if result.returncode != 0:
        os.rmdir(mount_point)
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", mount_point], check=False)
        os.rmdir(mount_point)


def export(trace_index: int, spans: int = 40) -> tuple[dict, list[str]]:
    trace_id = f"{trace_index + 1:032x}"
    span_ids = [f"{trace_index * 1000 + i + 1:016x}" for i in range(spans)]
    padding = "x" * 2000  # about 2 kB of attribute per span, so the disk fills in a few exports
    body = {"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "disk-test"}}]},
                               "scopeSpans": [{"scope": {"name": "t"}, "spans": [{
                                   "traceId": trace_id, "spanId": span_id, "name": f"s{trace_index}",
                                   "startTimeUnixNano": str(1_700_000_000_000_000_000 + trace_index * 1_000_000_000 + i),
                                   "endTimeUnixNano": str(1_700_000_000_500_000_000 + trace_index * 1_000_000_000 + i),
                                   "attributes": [{"key": "pad", "value": {"stringValue": padding + str(i)}}],
                               } for i, span_id in enumerate(span_ids)]}]}]}
    return body, span_ids


def count_spans(url: str, headers: dict) -> int:
    total, cursor = 0, None
    while True:
        params = {"page_size": 100}
        if cursor:
            params["cursor"] = cursor
        r = requests.post(f"{url}/v1/observability/spans/search", params=params, headers=headers,
                          json={"search_expression": "service_name = 'disk-test'"}, timeout=30)
        assert r.status_code == 200, r.text
        page = r.json()["spans"]
        total += len(page["results"])
        cursor = page.get("cursor")
        if not cursor:
            return total


def test_a_full_disk_is_refused_retryably_and_loses_nothing_acknowledged(small_disk):
    db = os.path.join(small_disk, "emulator.sqlite")
    emulator = start_emulator("--db", db, "--no-seed")
    headers = {"Authorization": f"Bearer disk-{uuid.uuid4()}"}
    ballast = os.path.join(small_disk, "ballast")
    try:
        # Leave about 2 MiB free.
        free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
        with open(ballast, "wb") as f:
            f.write(b"\0" * max(free - 2 * MIB, 0))
        acknowledged = 0
        refused = None
        for index in range(200):
            body, span_ids = export(index)
            r = requests.post(f"{emulator.url}/telemetry/v1/traces", json=body, headers=headers, timeout=30)
            if r.status_code == 200:
                acknowledged += len(span_ids)
                continue
            refused = r
            break
        assert refused is not None, "the disk never filled"
        assert refused.status_code == 503, refused.text
        assert refused.headers.get("Retry-After"), refused.headers
        status = refused.json()
        assert status["code"] == 14 and "nothing of this export was stored" in status["message"], status
        health = requests.get(f"{emulator.url}/__emulator/health", timeout=10).json()
        assert health["status"] == "degraded" and health["storage"]["writable"] is False, health

        judge = requests.post(f"{emulator.url}/v1/observability/judges", headers=headers, timeout=10, json={
            "name": "disk-judge", "description": "d", "model_name": "mistral-small-latest", "instructions": "x" * 3_000_000,
            "output": {"type": "CLASSIFICATION", "options": [{"value": "a", "description": "a"}, {"value": "b", "description": "b"}]},
            "tools": []})
        assert judge.status_code in (507, 422), judge.text

        os.unlink(ballast)
        body, span_ids = export(10_000)
        r = requests.post(f"{emulator.url}/telemetry/v1/traces", json=body, headers=headers, timeout=30)
        assert r.status_code == 200, f"writes did not resume once space was back: {r.status_code} {r.text[:300]}"
        acknowledged += len(span_ids)
        health = requests.get(f"{emulator.url}/__emulator/health", timeout=10).json()
        assert health["status"] == "ok", health
        assert count_spans(emulator.url, headers) == acknowledged
    finally:
        if os.path.exists(ballast):
            os.unlink(ballast)
        emulator.stop()


def test_a_reset_gives_the_disk_back(tmp_path):
    db = tmp_path / "emulator.sqlite"
    emulator = start_emulator("--db", str(db), "--no-seed")
    headers = {"Authorization": f"Bearer reset-{uuid.uuid4()}"}
    try:
        for index in range(60):
            body, _ = export(index)
            assert requests.post(f"{emulator.url}/telemetry/v1/traces", json=body, headers=headers, timeout=30).status_code == 200

        def on_disk() -> int:
            return sum(p.stat().st_size for p in tmp_path.iterdir() if p.name.startswith("emulator.sqlite"))

        before = on_disk()
        assert before > 4 * MIB, before
        assert requests.post(f"{emulator.url}/__emulator/reset", timeout=60).status_code == 204
        after = on_disk()
        assert after < before / 3, f"the database and its WAL kept {after} of {before} bytes after a reset"
    finally:
        emulator.stop()


def test_a_restore_that_cannot_copy_its_snapshot_changes_nothing(small_disk):
    """A restore copies the snapshot beside the database before it swaps it in: on a full disk
    that copy fails, the restore is answered 507 and the data stays as it was; with space back,
    the same restore works."""
    db = os.path.join(small_disk, "emulator.sqlite")
    emulator = start_emulator("--db", db, "--no-seed")
    headers = {"Authorization": f"Bearer restore-{uuid.uuid4()}"}
    ballast = os.path.join(small_disk, "ballast")
    try:
        for index in range(3):
            assert requests.post(f"{emulator.url}/telemetry/v1/traces", json=export(index)[0], headers=headers, timeout=30).status_code == 200
        assert requests.post(f"{emulator.url}/__emulator/snapshots", json={"name": "three"}, timeout=30).status_code == 201
        for index in range(3, 5):
            assert requests.post(f"{emulator.url}/telemetry/v1/traces", json=export(index)[0], headers=headers, timeout=30).status_code == 200
        # Saving another snapshot makes the copy ahead that one's, not "three"'s.
        assert requests.post(f"{emulator.url}/__emulator/snapshots", json={"name": "five"}, timeout=30).status_code == 201
        assert count_spans(emulator.url, headers) == 200
        free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
        with open(ballast, "wb") as f:
            f.write(b"\0" * max(free - 64 * 1024, 0))
        refused = requests.post(f"{emulator.url}/__emulator/snapshots/three/restore", timeout=30)
        assert refused.status_code == 507, refused.text
        assert "STORAGE_FULL" in refused.text and "cannot copy" in refused.text, refused.text
        assert count_spans(emulator.url, headers) == 200, "a restore that failed changed the data"

        os.unlink(ballast)
        restored = requests.post(f"{emulator.url}/__emulator/snapshots/three/restore", timeout=30)
        assert restored.status_code == 204, restored.text
        assert count_spans(emulator.url, headers) == 120
        assert requests.post(f"{emulator.url}/telemetry/v1/traces", json=export(9)[0], headers=headers, timeout=30).status_code == 200
        assert count_spans(emulator.url, headers) == 160
    finally:
        if os.path.exists(ballast):
            os.unlink(ballast)
        emulator.stop()
