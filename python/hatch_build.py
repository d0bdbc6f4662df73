"""Makes the wheel a platform wheel: it carries a Linux x86_64 executable, not Python code that
runs anywhere. `auditwheel repair` then vendors the binary's libsqlite3 and libz and replaces
`linux_x86_64` with the manylinux tag of its glibc needs."""

from __future__ import annotations

import os

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

PACKAGE = os.path.join("src", "mistral_observability_emulator")


class PlatformWheel(BuildHookInterface):
    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel":
            return
        binary = os.path.join(self.root, PACKAGE, "bin", "observability-emulator")
        fixtures = os.path.join(self.root, PACKAGE, "share", "observability-emulator", "Fixtures")
        if not (os.access(binary, os.X_OK) and os.path.isdir(fixtures)):
            raise RuntimeError(f"{binary} or {fixtures} is missing: build the wheel with scripts/build-wheel.sh")
        build_data["pure_python"] = False
        build_data["tag"] = "py3-none-linux_x86_64"
