"""Generated files are current: the served OpenAPI document (docs/openapi.yaml, from the
reference and docs/control-plane.yaml) and the seed data (Fixtures/, from scripts/make-fixtures.py
and scripts/make-telemetry-fixtures.py).
A change to a generator or its inputs that was not followed by a regeneration fails here."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO


def run(script: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "scripts" / script), "--check"], capture_output=True, text=True, timeout=120)


def test_served_openapi_document_is_current():
    result = run("gen-openapi.py")
    assert result.returncode == 0, result.stderr + result.stdout


def test_fixtures_are_valid_and_what_the_generator_writes():
    result = run("make-fixtures.py")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "0 problem(s)" in result.stdout, result.stdout


def test_telemetry_fixtures_are_what_the_generator_writes():
    result = run("make-telemetry-fixtures.py")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "current" in result.stdout, result.stdout
