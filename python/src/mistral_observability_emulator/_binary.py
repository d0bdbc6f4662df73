"""Where the bundled emulator binary is, and the `observability-emulator` console script that
runs it.

The wheel lays the files out as an installation prefix inside the package:
`bin/observability-emulator` and `share/observability-emulator/{Fixtures,openapi.yaml}`, one of
the places the binary looks for its data (`../share/observability-emulator/` beside itself), so
it finds the seeded fixtures, the console and the served OpenAPI wherever pip put it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ENV_BINARY = "MISTRAL_EMULATOR_BIN"


def binary_path() -> str:
    """The emulator executable: `$MISTRAL_EMULATOR_BIN` when set (a locally built binary),
    else the one in this package."""
    override = os.environ.get(ENV_BINARY)
    path = Path(override) if override else PACKAGE_DIR / "bin" / "observability-emulator"
    if not os.access(path, os.X_OK):
        raise FileNotFoundError(
            f"no emulator binary at {path}" + ("" if override else " (this install has no bundled binary; set MISTRAL_EMULATOR_BIN)")
        )
    return str(path)


def fixtures_dir() -> str:
    """The bundled seed data (`--fixtures` defaults to it)."""
    return str(PACKAGE_DIR / "share" / "observability-emulator" / "Fixtures")


def main() -> None:
    """Replaces this process with the binary. argv[0] is the binary's absolute path: the
    binary finds its data files relative to argv[0], not to the console script."""
    try:
        binary = binary_path()
    except FileNotFoundError as error:
        sys.exit(f"observability-emulator: {error}")
    os.execv(binary, [binary, *sys.argv[1:]])
