"""Schemathesis, all four phases (examples, coverage, fuzzing, stateful), against the OpenAPI
document the emulator serves (GET /__emulator/openapi.yaml), with several seeds.

Each seed gets its own emulator process: nothing a run leaves behind hides a failure of the next.
Every generated request must get a documented status (the served document lists the statuses
the emulator answers, 401 and the control plane's 4xx included), a documented content type and
a body that fits its schema, never a 5xx; and the server must still be serving afterwards.
SCHEMATHESIS_SEEDS (default "1,2,3") and SCHEMATHESIS_SECONDS (default 40 per seed) bound it.
One worker: with two, CPython 3.11's compiler (called by hypothesis to describe a strategy) can
fail in schemathesis itself ("AST constructor recursion depth mismatch"), a tool error that is
not the emulator's.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from conftest import start_emulator

SEEDS = [int(s) for s in os.environ.get("SCHEMATHESIS_SEEDS", "1,2,3").split(",") if s.strip()]
SECONDS = int(os.environ.get("SCHEMATHESIS_SECONDS", "40"))
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


@pytest.mark.parametrize("seed", SEEDS)
def test_all_phases_with_seed_leave_the_server_serving(seed, tmp_path: Path):
    emulator = start_emulator()
    try:
        schemathesis = Path(sys.executable).with_name("schemathesis")
        command = [
            str(schemathesis), "run", f"{emulator.url}/__emulator/openapi.yaml", "--url", emulator.url,
            "-H", f"Authorization: Bearer schemathesis-{seed}",
            "--phases", "examples,coverage,fuzzing,stateful", "--seed", str(seed), "--max-time", str(SECONDS),
            "--checks", CHECKS, "--workers", "1", "--suppress-health-check", "all", "--request-timeout", "30",
            # A generated responder answers the workspace's later chats with whatever it says (a 5xx,
            # a ten-minute delay): the emulator doing as told, which these checks would call a failure.
            # test_models.py exercises the route.
            "--exclude-operation-id", "emulator_responder_add",
            # Likewise a generated model card could stand in for a fixture model of the same name
            # (one without completion_chat, say) for the rest of the run. test_models.py covers it.
            "--exclude-operation-id", "emulator_model_add",
            # A restored snapshot takes every workspace back to an earlier state, so the stateful
            # phase's links (create, then read) would meet what the run itself asked to undo.
            # SnapshotTests covers the routes.
            "--exclude-operation-id", "emulator_snapshot_restore",
        ]
        run = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=SECONDS * 4 + 120)
        summary = run.stdout[-6000:]
        assert run.returncode == 0, f"schemathesis seed {seed} failed:\n{summary}\n{run.stderr[-2000:]}"
        assert "generated" in run.stdout, summary
        health = requests.get(f"{emulator.url}/__emulator/health", timeout=10)
        assert health.status_code == 200 and health.json()["status"] == "ok", health.text
        assert emulator.proc.poll() is None, "the emulator process exited"
        # The figures for the CI log: how many requests this seed generated.
        print(next((line for line in run.stdout.splitlines() if re.search(r"\d+ generated", line)), "").strip())
    finally:
        assert emulator.stop() == 0, "the emulator did not stop cleanly after the run"
