"""Small helpers shared by the SDK-matrix test modules (no fixtures here: those are in conftest.py)."""

from __future__ import annotations

import collections
import json
import os
import re
import time
import uuid
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Any, Callable

import requests

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
FIXTURES = REPO / "Fixtures"
API = "/v1/observability"

#: The installed SDK release; run.sh sets SDK_RELEASE and conftest checks that the two agree.
RELEASE = os.environ.get("SDK_RELEASE") or version("mistralai")

#: Methods that only some releases have (read off the wheels; see the reference's sdk-generations.md).
#: A test marked with such a method is skipped in the other releases; a marker naming a method that
#: the release lacks and that is not listed here makes test_coverage.py fail (a typo, or an SDK that
#: dropped a method we did not expect it to drop).
ONLY_IN: dict[str, set[str]] = {
    "chat_completion_events.": {"2.9.4"},
    "campaigns.": {"2.9.4"},
    "datasets.import_from_explorer": {"2.9.4"},
    "datasets.import_from_campaign": {"2.9.4"},
    "spans.aggregate_span_evaluations": {"3.0.0", "3.1.0", "3.2.0", "3.3.0", "3.4.0", "3.5.0", "3.6.0", "3.7.0"},
    "datasets.import_from_spans": {"3.0.0", "3.1.0", "3.2.0", "3.3.0", "3.4.0", "3.5.0", "3.6.0", "3.7.0"},
    **{f"evaluations.{verb}_pipeline": {"3.0.0", "3.1.0", "3.2.0", "3.3.0", "3.4.0", "3.5.0", "3.6.0", "3.7.0"}
       for verb in ("create", "get", "update", "delete")},
    "evaluations.list_pipelines": {"3.0.0", "3.1.0", "3.2.0", "3.3.0", "3.4.0", "3.5.0", "3.6.0", "3.7.0"},
    **{f"evaluations.{verb}_pipeline_config": {"2.10.0", "2.10.1", "3.0.0", "3.1.0"} for verb in ("create", "get", "update", "delete")},
    "evaluations.list_pipeline_configs": {"2.10.0", "2.10.1", "3.0.0", "3.1.0"},
    "spans.search_pipeline_results": {"3.2.0", "3.3.0", "3.4.0", "3.5.0", "3.6.0", "3.7.0"},
    # Offline evaluations (issue 18): 3.1.0 and later.
    "evaluations.projects.": {"3.1.0", "3.2.0", "3.3.0", "3.4.0", "3.5.0", "3.6.0", "3.7.0"},
    "evaluations.runs.": {"3.1.0", "3.2.0", "3.3.0", "3.4.0", "3.5.0", "3.6.0", "3.7.0"},
    "evaluations.records.": {"3.1.0", "3.2.0", "3.3.0", "3.4.0", "3.5.0", "3.6.0", "3.7.0"},
    "evaluations.optimizations.": {"3.1.0", "3.2.0", "3.3.0", "3.4.0", "3.5.0", "3.6.0", "3.7.0"},
    "evaluations.list": {"3.1.0", "3.2.0", "3.3.0", "3.4.0", "3.5.0", "3.6.0", "3.7.0"},
    "evaluations.get": {"3.1.0", "3.2.0", "3.3.0", "3.4.0", "3.5.0", "3.6.0", "3.7.0"},
}

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SEEDED_JUDGES = {"Helpfulness rating", "Refusal detector", "Answer quality score", "Tool use correctness"}

# Documented fixture events (Fixtures/README.md).
INVOICE_EVENT = "e79bf81b-b37f-425e-9dff-071a54592e44"
PASSWORD_EVENT = "b7be6e08-d068-45fc-b77a-966232e92fd6"
BILLING_EVENT = "dfcd5582-1373-4de5-af51-987464da561c"


def expected_releases(method: str) -> set[str] | None:
    """The releases that have `method` if it is release-specific, else None (every release)."""
    for prefix, releases in ONLY_IN.items():
        if method == prefix or (prefix.endswith(".") and method.startswith(prefix)):
            return releases
    return None


def make_client(base_url: str, token: str):
    """The SDK client for one workspace (the import is the same in 2.9.4 … 3.7.0; the top-level
    `mistralai` package exports no `Mistral` in any of them)."""
    from mistralai.client import Mistral
    return Mistral(api_key=token, server_url=base_url)


# --------------------------------------------------------------------------------------------
# Fixture data
# --------------------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def fixture_events() -> tuple[dict, ...]:
    with open(FIXTURES / "events.jsonl", encoding="utf-8") as fh:
        return tuple(json.loads(line) for line in fh if line.strip())


def newest_first(events) -> list[dict]:
    return sorted(events, key=lambda e: (e["created_at"], e["event_id"]), reverse=True)


def conversations() -> dict[str, list[dict]]:
    """Fixture events grouped by correlation_id (a playground conversation id), oldest first."""
    groups: dict[str, list[dict]] = collections.defaultdict(list)
    for e in fixture_events():
        groups[e["correlation_id"]].append(e)
    for events in groups.values():
        events.sort(key=lambda e: (e["created_at"], e["event_id"]))
    return dict(groups)


# --------------------------------------------------------------------------------------------
# Request builders
# --------------------------------------------------------------------------------------------

def classification(*values: str) -> dict:
    return {"type": "CLASSIFICATION", "options": [{"value": v, "description": f"the answer is {v}"} for v in values]}


def regression(lo: float, hi: float) -> dict:
    return {"type": "REGRESSION", "min": lo, "min_description": "worst", "max": hi, "max_description": "best"}


def judge_body(name: str | None = None, *, instructions: str = "Rate the answer.", output: dict | None = None,
               model_name: str = "mistral-large-latest", description: str = "An SDK matrix judge",
               tools: list[str] | None = None) -> dict:
    return {
        "name": name or f"judge {uuid.uuid4().hex[:12]}",
        "description": description,
        "model_name": model_name,
        "output": output or classification("good", "poor"),
        "instructions": instructions,
        "tools": tools or [],
    }


def messages(user: str, assistant: str | None = None) -> list[dict]:
    out = [{"role": "user", "content": user}]
    if assistant is not None:
        out.append({"role": "assistant", "content": assistant})
    return out


def conversation(user: str, assistant: str) -> dict:
    """A record payload: {"messages": [user, assistant]}."""
    return {"messages": messages(user, assistant)}


def unique_name(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


# --------------------------------------------------------------------------------------------
# Polling and errors
# --------------------------------------------------------------------------------------------

def poll(fetch: Callable[[], Any], done: Callable[[Any], bool], *, timeout: float = 30.0, interval: float = 0.05):
    """Calls fetch() until done(result) or the deadline; returns the last result."""
    deadline = time.monotonic() + timeout
    result = fetch()
    while not done(result):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s; last value: {result!r}")
        time.sleep(interval)
        result = fetch()
    return result


def wait_task(obs, dataset_id, task_id, timeout: float = 30.0):
    """Polls datasets.fetch_task until the import task is no longer RUNNING."""
    return poll(lambda: obs.datasets.fetch_task(dataset_id=str(dataset_id), task_id=str(task_id)),
                lambda t: t.status != "RUNNING", timeout=timeout)


def error_of(excinfo) -> tuple[int, str | None, str]:
    """(status, error_code, message) of an SDK exception raised for an error response."""
    err = excinfo.value
    body = json.loads(err.body)
    detail = body.get("detail") or {}
    return err.status_code, detail.get("error_code"), detail.get("message") or ""


# --------------------------------------------------------------------------------------------
# Raw HTTP (for what a release's models do not expose, e.g. `slug` before 3.1.0)
# --------------------------------------------------------------------------------------------

class RawHTTP:
    """Plain requests against the emulator with one workspace's Bearer token."""

    def __init__(self, base_url: str, token: str):
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def request(self, method: str, path: str, **kw) -> requests.Response:
        url = path if path.startswith("http") else self.base_url + path
        return self.session.request(method, url, timeout=30, **kw)

    def get_json(self, path: str, **kw) -> dict:
        r = self.request("GET", path, **kw)
        assert r.status_code == 200, f"GET {path}: {r.status_code} {r.text[:500]}"
        return r.json()

    def post(self, path: str, **kw) -> requests.Response:
        return self.request("POST", path, **kw)


def dataset_json(http: RawHTTP, dataset_id_or_slug) -> dict:
    return http.get_json(f"{API}/datasets/{dataset_id_or_slug}")


def task_json(http: RawHTTP, dataset_id, task_id) -> dict:
    return http.get_json(f"{API}/datasets/{dataset_id}/tasks/{task_id}")


def import_result(obs, http: RawHTTP, task) -> dict | None:
    """The task's `result` as a dict: from the SDK model where the release has the field (3.0.0+),
    and from the raw JSON always; the two must agree."""
    raw = task_json(http, task.dataset_id, task.id).get("result", "<absent>")
    if hasattr(task, "result") and "result" in type(task).model_fields:
        model = task.result.model_dump() if task.result is not None else None
        assert model == raw, f"SDK model result {model!r} differs from the JSON {raw!r}"
    return raw
