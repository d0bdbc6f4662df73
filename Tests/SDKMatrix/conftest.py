"""SDK matrix: one `mistralai` release (the venv's) against the emulator binary.

One emulator process serves the session; every test gets its own Bearer token, hence its own
workspace (judges, datasets, records, campaigns, files). The ~320 seeded fixture events are shared,
read-only, by every workspace, and the 4 seeded judges are materialised in each.

Tests name the SDK methods they call with `@pytest.mark.sdk_method("datasets.create", ...)`
(dotted, under client.beta.observability). A test whose method the installed release does not
have is skipped with that reason; test_coverage.py (run last) checks that every method the
emulator serves was exercised.
"""

from __future__ import annotations

import os
import sys
import uuid
from importlib.metadata import version

import pytest

from helpers import RELEASE, REPO, RawHTTP, expected_releases, make_client

sys.path.insert(0, str(REPO / "Tests"))
from emulator_process import base_url, emulator  # noqa: E402,F401  (the session fixtures)
from inventory import SDKMethod, fetch_openapi, inventory, served_routes

COVERAGE_FILE = "test_coverage.py"

# Node ids of tests whose outcome was "skipped" (read by test_coverage.py).
SKIPPED_KEY = pytest.StashKey[set]()


# --------------------------------------------------------------------------------------------
# Markers, ordering, outcomes
# --------------------------------------------------------------------------------------------

class _Outcomes:
    """Records which tests were skipped, for test_coverage.py."""

    def __init__(self, skipped: set[str]):
        self.skipped = skipped

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.skipped:
            self.skipped.add(report.nodeid)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sdk_method(name, ...): the client.beta.observability methods (dotted) this test calls")
    config.stash[SKIPPED_KEY] = set()
    config.pluginmanager.register(_Outcomes(config.stash[SKIPPED_KEY]), "sdk-matrix-outcomes")
    installed = version("mistralai")
    wanted = os.environ.get("SDK_RELEASE")
    if wanted and wanted != installed:
        raise pytest.UsageError(f"SDK_RELEASE={wanted} but mistralai {installed} is installed")


def pytest_report_header(config: pytest.Config) -> str:
    return f"SDK matrix, mistralai {RELEASE}"


def sdk_methods_of(item: pytest.Item) -> list[str]:
    names: list[str] = []
    for mark in item.iter_markers(name="sdk_method"):
        names.extend(str(a) for a in mark.args)
    return names


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    # The coverage test reads every other test's markers and outcomes: it runs last.
    last = [i for i in items if i.path.name == COVERAGE_FILE]
    items[:] = [i for i in items if i.path.name != COVERAGE_FILE] + last


# --------------------------------------------------------------------------------------------
# The emulator process
# --------------------------------------------------------------------------------------------

# --------------------------------------------------------------------------------------------
# The method inventory and what the emulator serves
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def sdk_inventory(base_url: str) -> dict[str, SDKMethod]:
    return inventory(make_client(base_url, "inventory").beta.observability)


@pytest.fixture(scope="session")
def served(base_url: str) -> set[tuple[str, str]]:
    return served_routes(fetch_openapi(base_url))


@pytest.fixture(autouse=True)
def _skip_methods_this_release_lacks(request: pytest.FixtureRequest) -> None:
    names = sdk_methods_of(request.node)
    if not names:
        return
    have = request.getfixturevalue("sdk_inventory")
    missing = [n for n in names if n not in have]
    if missing:
        releases = {r for n in missing for r in (expected_releases(n) or ())}
        only = f" (only in {', '.join(sorted(releases))})" if releases else ""
        pytest.skip(f"mistralai {RELEASE} has no beta.observability.{', '.join(missing)}{only}")


# --------------------------------------------------------------------------------------------
# Per-test workspace
# --------------------------------------------------------------------------------------------

@pytest.fixture
def token() -> str:
    return f"sdk-matrix-{uuid.uuid4()}"


@pytest.fixture
def client(base_url: str, token: str):
    return make_client(base_url, token)


@pytest.fixture
def obs(client):
    """client.beta.observability of this test's workspace."""
    return client.beta.observability


@pytest.fixture
def http(base_url: str, token: str) -> RawHTTP:
    """Raw HTTP with the same token (for fields a release's models do not expose)."""
    return RawHTTP(base_url, token)
