"""The plugin's own behaviour, each case a pytest run of its own (pytester) against the installed
package: its options, its failure reports, and the console script. Run by scripts/test-wheel.sh
from outside the source tree, so they test the wheel as pip installed it."""

import json
import os
import subprocess
import sys
import urllib.request

import mistral_observability_emulator as emulator_package

pytest_plugins = ["pytester"]


def test_a_failure_report_quotes_the_emulator_log(pytester):
    pytester.makepyfile("""
        def test_fails(mistral_client):
            mistral_client.models.list()
            assert False, "on purpose"
    """)
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "mistral emulator log" in out
    assert "GET /v1/models 200" in out  # the failed test's own request, from the access log


def test_flags_reach_the_started_emulator(pytester):
    pytester.makepyfile("""
        def test_bodies(mistral_workspace):
            mistral_workspace.api("POST", "/v1/chat/completions", json={
                "model": "mistral-small-latest", "messages": [{"role": "user", "content": "hi"}]})
            entry = mistral_workspace.requests(path_prefix="/v1/chat")[0]
            assert '"content": "hi"' in entry["request_body"]  # as the helper sent it
    """)
    result = pytester.runpytest_subprocess("--mistral-emulator-arg=--journal-bodies")
    result.assert_outcomes(passed=1)


def test_a_running_emulator_is_used_by_url(pytester):
    running = emulator_package.start(["--log-level", "warning"])
    try:
        pytester.makepyfile(f"""
            def test_uses_it(mistral_emulator, mistral_workspace):
                assert mistral_emulator.process is None
                assert mistral_emulator.url == {running.url!r}
                mistral_workspace.api("GET", "/v1/models")
        """)
        result = pytester.runpytest_subprocess(f"--mistral-emulator-url={running.url}")
        result.assert_outcomes(passed=1)
        journal = json.load(urllib.request.urlopen(running.url + "/__emulator/requests?path_prefix=/v1/models"))
        assert len(journal["requests"]) == 1
    finally:
        assert running.stop() == 0


def test_the_console_script_runs_the_bundled_binary():
    scripts = os.path.dirname(sys.executable)
    version = subprocess.run([os.path.join(scripts, "observability-emulator"), "--version"],
                             capture_output=True, text=True, check=True).stdout.strip()
    assert version == emulator_package.__version__
    module = subprocess.run([sys.executable, "-m", "mistral_observability_emulator", "--version"],
                            capture_output=True, text=True, check=True).stdout.strip()
    assert module == version


def test_the_bundled_fixtures_are_found(tmp_path, monkeypatch):
    # Started from an unrelated working directory: the data comes from the package.
    monkeypatch.chdir(tmp_path)
    running = emulator_package.start()
    try:
        health = running.health()
        assert os.path.realpath(health["fixtures_directory"]) == os.path.realpath(emulator_package.fixtures_dir())
        assert health["fixture_events"] > 0 and health["fixture_judges"] > 0
        served = urllib.request.urlopen(running.url + "/__emulator/openapi.yaml").read()
        assert b"/__emulator/health" in served
    finally:
        assert running.stop() == 0
