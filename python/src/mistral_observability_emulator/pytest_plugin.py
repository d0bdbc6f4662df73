"""pytest plugin (entry point `mistral_emulator`): one emulator for the test session, and a
workspace of its own for each test.

Fixtures:
  mistral_emulator   (session)  the Emulator: `url`, `health()`, `log()`; started from the
                                bundled binary on a free port, stopped at the end of the session
  mistral_workspace  (function) a Workspace with a fresh token: `client`, responders, faults,
                                the journal, `wait_for_spans`, `reset`
  mistral_client     (function) `mistral_workspace.client`, a `mistralai` client at the emulator

Options: `--mistral-emulator-url URL` (or `$MISTRAL_EMULATOR_URL`) uses a running emulator
instead; `--mistral-emulator-arg=FLAG` (repeatable) and the ini value `mistral_emulator_args`
pass flags to the started binary. See docs/testing.md.
"""

from __future__ import annotations

import os
import re
import time
from typing import Iterator

import pytest

from mistral_observability_emulator import server
from mistral_observability_emulator.server import Emulator
from mistral_observability_emulator.workspace import Workspace

# The OpenTelemetry SDK's BatchSpanProcessor exports every 5 s by default; a test waiting for
# its spans should not wait that long.
BSP_SCHEDULE_DELAY_MS = "100"
# The emulator writes its log lines at least every second: a failure report waits that long
# for the lines of the failed test's last requests.
LOG_FLUSH_S = 1.1

_log_offsets = pytest.StashKey[int]()
_emulator_key = pytest.StashKey[Emulator]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mistral_emulator", "Mistral observability emulator")
    group.addoption("--mistral-emulator-url", default=os.environ.get("MISTRAL_EMULATOR_URL"),
                    help="use the emulator running at this URL instead of starting one (env MISTRAL_EMULATOR_URL)")
    group.addoption("--mistral-emulator-arg", action="append", default=[], metavar="FLAG",
                    help="a flag for the started emulator, repeatable: --mistral-emulator-arg=--journal-bodies")
    parser.addini("mistral_emulator_args", type="args", default=[],
                  help="flags for the started emulator (before those of --mistral-emulator-arg)")


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("OTEL_BSP_SCHEDULE_DELAY", BSP_SCHEDULE_DELAY_MS)


@pytest.fixture(scope="session")
def mistral_emulator(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    config = request.config
    url = config.getoption("mistral_emulator_url")
    if url:
        emulator = Emulator(url)
        emulator.health()  # fails the first test that needs it, naming the URL
    else:
        args = [*config.getini("mistral_emulator_args"), *config.getoption("mistral_emulator_arg")]
        emulator = server.start(args)
    config.stash[_emulator_key] = emulator
    # The SDK's configure_telemetry exports there (it does not follow server_url); set for the
    # session so no test's spans leave the machine.
    previous = os.environ.get("MISTRAL_OTLP_TRACES_ENDPOINT")
    os.environ["MISTRAL_OTLP_TRACES_ENDPOINT"] = emulator.url + "/telemetry/v1/traces"
    yield emulator
    if previous is None:
        os.environ.pop("MISTRAL_OTLP_TRACES_ENDPOINT", None)
    else:
        os.environ["MISTRAL_OTLP_TRACES_ENDPOINT"] = previous
    del config.stash[_emulator_key]
    code = emulator.stop()
    if code not in (None, 0):
        raise RuntimeError(f"the emulator exited with {code} after SIGTERM; its output:\n{emulator.log()[-4000:]}")


def _token_for(node: pytest.Item) -> str:
    name = re.sub(r"[^A-Za-z0-9]+", "-", node.name).strip("-")[:40]
    return f"pytest-{name}-{os.urandom(6).hex()}"


@pytest.fixture
def mistral_workspace(mistral_emulator: Emulator, request: pytest.FixtureRequest) -> Iterator[Workspace]:
    """A workspace only this test uses: its token names the test (the console and the journal
    show whose requests they are) and ends with random hex."""
    workspace = Workspace(mistral_emulator, _token_for(request.node))
    yield workspace
    workspace.close()


@pytest.fixture
def mistral_client(mistral_workspace: Workspace):
    return mistral_workspace.client


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    emulator = item.config.stash.get(_emulator_key, None)
    item.stash[_log_offsets] = emulator.log_size() if emulator is not None else 0


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    if not report.failed:
        return
    emulator = item.config.stash.get(_emulator_key, None)
    if emulator is None or emulator.process is None:
        return
    time.sleep(LOG_FLUSH_S)
    text = emulator.log(item.stash.get(_log_offsets, 0))
    if text:
        report.sections.append(("mistral emulator log", text[-20000:]))
