"""The README's pytest example (examples/test_with_emulator.py) runs green against the emulator,
and the README shows it verbatim."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
EXAMPLE = REPO / "examples" / "test_with_emulator.py"


def test_readme_embeds_the_example_verbatim():
    assert EXAMPLE.read_text() in (REPO / "README.md").read_text()


def test_example_suite_passes(base_url):
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(EXAMPLE)],
        env={**os.environ, "OBS_EMULATOR_URL": base_url}, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
