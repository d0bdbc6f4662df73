"""Every Python block of README.md, CONTRIBUTING.md and docs/*.md, and every file in examples/,
run against the emulator binary in mistralai 3.7.0 (the release `pip install mistralai` gives).

A block runs as a script, with the documented address (127.0.0.1:8080 or :8000) replaced by the
emulator's and each `api_key="…"` made unique, so blocks do not meet each other's data. A block
that is a verbatim copy of a file in examples/ is checked to be one (the file runs on its own).
A block marked `<!-- sample: fragment (why) -->` just before it is compiled, not run: the mark
says where the rest of it comes from. Every file in examples/ must be run by some test."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCS = [REPO / "README.md", REPO / "CONTRIBUTING.md", *sorted((REPO / "docs").glob("*.md"))]
BLOCK = re.compile(r"(?:<!--\s*sample:\s*(?P<mark>[^>]*?)\s*-->\s*\n)?```python\n(?P<code>.*?)```", re.S)
EXAMPLES = sorted(p for p in (REPO / "examples").rglob("*.py") if "__pycache__" not in p.parts)


def blocks():
    for doc in DOCS:
        if not doc.exists():
            continue
        text = doc.read_text()
        for match in BLOCK.finditer(text):
            line = text[:match.start("code")].count("\n")
            yield pytest.param(match.group("mark") or "", match.group("code"), id=f"{doc.relative_to(REPO)}:{line}")


def verbatim_example(code: str) -> Path | None:
    for example in EXAMPLES:
        if code.strip() and code.strip() in example.read_text():
            return example
    return None


@pytest.mark.parametrize("mark, code", list(blocks()))
def test_sample(mark, code, base_url, tmp_path):
    ast.parse(code)
    if mark.startswith("fragment"):
        assert "(" in mark, "a fragment says where the rest of it comes from"
        return
    if verbatim_example(code):
        return
    script = re.sub(r"http://127\.0\.0\.1:80[08]0", base_url, code)
    # One fresh token per documented token, the same in api_key= and in Bearer headers.
    tokens: dict[str, str] = {}
    fresh = lambda token: tokens.setdefault(token, f"{token}-{uuid.uuid4().hex[:8]}")
    script = re.sub(r'api_key="([^"]*)"', lambda m: f'api_key="{fresh(m.group(1))}"', script)
    script = re.sub(r'"Bearer ([^"]*)"', lambda m: f'"Bearer {fresh(m.group(1))}"', script)
    path = tmp_path / "sample.py"
    path.write_text(script)
    env = {**os.environ, "OBS_EMULATOR_URL": base_url, "OTEL_BSP_SCHEDULE_DELAY": "200"}
    done = subprocess.run([sys.executable, str(path)], env=env, capture_output=True, text=True, timeout=90, cwd=tmp_path)
    assert done.returncode == 0, f"the sample failed:\n{script}\n--- stdout\n{done.stdout[-3000:]}\n--- stderr\n{done.stderr[-3000:]}"


def test_examples_with_emulator_passes(base_url):
    """examples/test_with_emulator.py, the README's testing example, as a user runs it."""
    env = {**os.environ, "OBS_EMULATOR_URL": base_url}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(REPO / "examples/test_with_emulator.py")],
                          env=env, capture_output=True, text=True, timeout=180, cwd=REPO / "examples")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_every_example_file_is_run_by_a_test():
    runners = "".join(p.read_text(errors="replace") for base in ("Tests", "scripts") for p in (REPO / base).rglob("*")
                      if p.suffix in (".py", ".sh") and ".venv" not in p.parts and p.is_file())
    missing = [str(e.relative_to(REPO)) for e in EXAMPLES
               if e.name not in runners and str(e.relative_to(REPO / "examples")) not in runners and e.parent.name not in runners]
    assert not missing, f"examples no test runs: {missing}"
