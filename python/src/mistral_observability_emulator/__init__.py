"""Mistral AI's Observability API, emulated locally: the bundled `observability-emulator`
binary, helpers to drive its control plane, and a pytest plugin (`mistral_emulator`)."""

from mistral_observability_emulator._binary import binary_path, fixtures_dir
from mistral_observability_emulator._http import EmulatorError
from mistral_observability_emulator.server import Emulator, start
from mistral_observability_emulator.workspace import Workspace, mistral_class, workspace_id

try:
    from importlib.metadata import PackageNotFoundError, version

    __version__ = version("mistral-observability-emulator")
except PackageNotFoundError:  # imported from a source tree
    __version__ = "0+unknown"
__all__ = ["Emulator", "EmulatorError", "Workspace", "binary_path", "fixtures_dir", "mistral_class", "start", "workspace_id"]
