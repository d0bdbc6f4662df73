"""Fixtures of the console's browser tests: the emulator binary on a free port, one headless
Chromium page for the whole session, and the folder where screenshots are kept."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))
from cdp import Browser  # noqa: E402

LISTENING = re.compile(r"listening on (http://[0-9.]+:\d+)")
DEFAULT_BIN = REPO / ".build" / "debug" / "observability-emulator"
# The browser logs every non-2xx fetch as an error. A test that provokes a failure on purpose (a
# bad expression, an injected fault) adds the URL it expects to fail to page.expected_network.
EXPECTED_NETWORK_ERRORS: tuple[str, ...] = ()


class Emulator:
    def __init__(self, proc: subprocess.Popen, url: str):
        self.proc = proc
        self.url = url
        self.ui = url + "/__emulator/ui"

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=15)


@pytest.fixture(scope="session")
def emulator():
    binary = os.environ.get("OBS_EMULATOR_BIN", str(DEFAULT_BIN))
    if not os.path.exists(binary):
        pytest.exit(f"emulator binary not found at {binary} (build it, or set OBS_EMULATOR_BIN)", returncode=2)
    proc = subprocess.Popen([binary, "--port", "0", "--log-level", "warning"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = proc.stdout.readline()
    match = LISTENING.search(first)
    if not match:
        proc.kill()
        raise RuntimeError(f"emulator did not announce its URL: {first!r}")
    for stream in (proc.stdout, proc.stderr):
        threading.Thread(target=lambda s=stream: [None for _ in s], daemon=True).start()
    emu = Emulator(proc, match.group(1))
    deadline = time.monotonic() + 30
    while True:
        try:
            if urllib.request.urlopen(emu.url + "/__emulator/health", timeout=2).status == 200:
                break
        except OSError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError("emulator never became healthy")
        time.sleep(0.05)
    yield emu
    assert emu.stop() == 0


@pytest.fixture(scope="session")
def artefacts() -> Path:
    """Where screenshots go: $CONSOLE_ARTEFACTS or Tests/Console/artefacts (git-ignored)."""
    path = Path(os.environ.get("CONSOLE_ARTEFACTS", HERE / "artefacts"))
    path.mkdir(parents=True, exist_ok=True)
    print(f"\nconsole screenshots: {path}", file=sys.stderr)
    return path


@pytest.fixture(scope="session")
def browser(emulator):
    b = Browser(1280, 800)
    try:
        b.goto(emulator.ui)
        b.wait_for("document.querySelector('#page-title')", what="the console to render")
        yield b
    finally:
        b.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keeps each phase's report on the test item, so a fixture can tell that its test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


def console_link(ui: str, route: str, token: str) -> str:
    """The console URL that shows `route` (e.g. "traces/<trace_id>/<span_id>?view=spans") for
    `token`: what a failing test prints so that a person can open the same page."""
    path, _, query = route.lstrip("#/").partition("?")
    params = "&".join(p for p in [f"token={token}", query] if p)
    return f"{ui}#/{path}?{params}"


@pytest.fixture
def page(browser, emulator, request):
    """The session's page at 1280×800 with the token 'console-tests', its error reports cleared;
    after the test, no JavaScript exception, console error or unexpected failed request."""
    browser.resize(1280, 800)
    browser.eval("localStorage.setItem('obs-console.token', 'console-tests'); localStorage.removeItem('obs-console.admin-token')")
    browser.expected_network = list(EXPECTED_NETWORK_ERRORS)
    browser.goto("about:blank")
    browser.goto(emulator.ui + "#/overview")
    browser.wait_for("document.querySelector('.stats')", what="the overview")
    browser.clear_reports()
    yield browser
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        # The page's state is in its URL: print it, so the failure can be opened in a browser.
        print(f"\nconsole page at the failure: {browser.eval('location.href')}", file=sys.stderr)
    errors = browser.errors(allowed_network=browser.expected_network)
    assert not errors, f"the page reported errors: {errors}"


def show(browser, route: str, ready: str, what: str | None = None):
    """Follows a hash route and waits until `ready` (a JS expression) holds."""
    browser.eval(f"location.hash = {route!r}")
    return browser.wait_for(ready, what=what or route)
