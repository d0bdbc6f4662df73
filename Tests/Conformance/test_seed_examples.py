"""Every curl and Python example of the seed documentation pages, replayed against the emulator.

URL and key are swapped, `{event_id}`/`{judge_id}` replaced by ids that exist. Examples whose body
is valid under the OpenAPI must get a 2xx; the others (`"messages": [[null]]`, a filter on field
`"<value>"`) the documented 4xx with a message naming the problem. Never a 5xx, a hang or an
unparseable body. Each example runs in a fresh workspace.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import requests
from mistralai.client import errors

import operations as op
from conftest import API, HTTP, SEEDS_DIR, load_fixture_events, new_token

SEED_FILES = sorted(SEEDS_DIR.glob("*.txt")) if SEEDS_DIR.exists() else []
pytestmark = pytest.mark.skipif(not SEED_FILES, reason=f"no seed pages in {SEEDS_DIR}")

PROD = "https://api.mistral.ai"
OPTION = re.compile(r"\s*(?:\\\s*)?(?:-X\s+(?P<method>[A-Z]+)|-H\s+'(?P<header>[^']*)'|-d\s+'(?P<data>[^']*)')")
PY_BLOCK = re.compile(r"from mistralai\.client import Mistral\n.*?print\(res\)", re.S)
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

# Ids that stand in for the path placeholders: the documented examples' own events.
EVENT_FOR_PATH = {
    "/chat-completion-events/{event_id}": "e79bf81b-b37f-425e-9dff-071a54592e44",
    "/chat-completion-events/{event_id}/similar-events": "b7be6e08-d068-45fc-b77a-966232e92fd6",
    "/chat-completion-events/{event_id}/live-judging": "dfcd5582-1373-4de5-af51-987464da561c",
}

OPERATION_OF = {
    ("POST", "/chat-completion-events/search"): op.SEARCH,
    ("POST", "/chat-completion-events/search-ids"): op.SEARCH_IDS,
    ("GET", "/chat-completion-events/{event_id}"): op.GET_EVENT,
    ("GET", "/chat-completion-events/{event_id}/similar-events"): op.SIMILAR_EVENTS,
    ("POST", "/chat-completion-events/{event_id}/live-judging"): op.JUDGE_EVENT,
    ("GET", "/judges"): op.LIST_JUDGES,
    ("POST", "/judges"): op.CREATE_JUDGE,
    ("GET", "/judges/{judge_id}"): op.GET_JUDGE,
    ("PUT", "/judges/{judge_id}"): op.UPDATE_JUDGE,
    ("DELETE", "/judges/{judge_id}"): op.DELETE_JUDGE,
    ("POST", "/judges/{judge_id}/live-judging"): op.JUDGE_CONVERSATION,
}

# Documented outcome of each example: status, and for errors the error_code and a word of the message.
EXPECTED = {
    ("POST", "/chat-completion-events/search"): (200,),
    ("POST", "/chat-completion-events/search-ids"): (200,),
    ("GET", "/chat-completion-events/{event_id}"): (200,),
    ("GET", "/chat-completion-events/{event_id}/similar-events"): (200,),
    ("POST", "/chat-completion-events/{event_id}/live-judging"): (200,),
    ("GET", "/judges"): (200,),
    ("POST", "/judges"): (201,),
    ("GET", "/judges/{judge_id}"): (200,),
    ("PUT", "/judges/{judge_id}"): (204,),
    ("DELETE", "/judges/{judge_id}"): (204,),
    ("POST", "/judges/{judge_id}/live-judging"): (422, "VALIDATION_ERROR", "messages"),
}


def parse_curls() -> list[dict]:
    examples: dict[tuple, dict] = {}
    for path in SEED_FILES:
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"curl (https://api\.mistral\.ai\S+)", text):
            url, pos = m.group(1), m.end()
            method, headers, data = "GET", {}, None
            while True:
                o = OPTION.match(text, pos)
                if not o:
                    break
                pos = o.end()
                if o.group("method"):
                    method = o.group("method")
                elif o.group("header") is not None:
                    k, _, v = o.group("header").partition(":")
                    headers[k.strip()] = v.strip()
                else:
                    data = o.group("data")
            key = (method, url, data)
            examples.setdefault(key, {"file": path.name, "method": method, "url": url, "headers": headers, "data": data})
    return list(examples.values())


def parse_python() -> list[dict]:
    blocks: dict[str, dict] = {}
    for path in SEED_FILES:
        for m in PY_BLOCK.finditer(path.read_text(encoding="utf-8")):
            blocks.setdefault(m.group(0), {"file": path.name, "code": m.group(0)})
    return list(blocks.values())


CURLS = parse_curls()
PYTHON = parse_python()


def template_of(url: str) -> str:
    return url[len(PROD + API):]


def curl_id(example: dict) -> str:
    return f"{example['method']} {template_of(example['url'])}"


def curl_params():
    for ex in CURLS:
        key = (ex["method"], template_of(ex["url"]))
        yield pytest.param(ex, id=curl_id(ex), marks=pytest.mark.operation(OPERATION_OF.get(key, "unknown")))


@pytest.mark.operation(op.SEARCH)
def test_seed_pages_were_parsed():
    assert {(ex["method"], template_of(ex["url"])) for ex in CURLS} == set(EXPECTED)
    assert len(PYTHON) == 5


@pytest.mark.parametrize("example", list(curl_params()))
def test_curl_example(example, base_url):
    token = new_token()
    http = HTTP(base_url, token)
    template = template_of(example["url"])
    path = template
    if "{event_id}" in path:
        path = path.replace("{event_id}", EVENT_FOR_PATH[template])
    if "{judge_id}" in path:
        seeded = http.get(f"{API}/judges").json()["judges"]["results"]
        path = path.replace("{judge_id}", seeded[0]["id"])
    headers = dict(example["headers"])
    assert headers.pop("Authorization") == "Bearer YOUR_APIKEY_HERE"
    headers["Authorization"] = f"Bearer {token}"
    try:
        r = requests.request(example["method"], base_url + API + path, headers=headers,
                             data=example["data"].encode() if example["data"] is not None else None, timeout=30)
    except requests.RequestException as exc:  # a hang or a dropped connection
        pytest.fail(f"{curl_id(example)}: no answer: {exc}")
    assert r.status_code < 500, r.text
    if r.content:
        body = r.json()
    expected = EXPECTED[(example["method"], template)]
    assert r.status_code == expected[0], r.text
    if len(expected) > 1:
        assert body["detail"]["error_code"] == expected[1], body
        assert expected[2] in body["detail"]["message"], body
    if r.status_code == 204:
        assert r.content == b""


def reindent(code: str) -> str:
    """The pages lose indentation: put the lines after `) as mistral:` back inside the block."""
    lines = code.split("\n")
    start = next(i for i, line in enumerate(lines) if line.strip() == ") as mistral:") + 1
    return "\n".join(lines[:start] + ["    " + line for line in lines[start:]])


def python_params():
    for ex in PYTHON:
        method = re.search(r"chat_completion_events\.(\w+)\(", ex["code"]).group(1)
        operation = {"search": op.SEARCH, "search_ids": op.SEARCH_IDS, "fetch": op.GET_EVENT,
                     "fetch_similar_events": op.SIMILAR_EVENTS, "judge": op.JUDGE_EVENT}[method]
        yield pytest.param(ex, id=method, marks=pytest.mark.operation(operation))


@pytest.mark.parametrize("example", list(python_params()))
def test_python_example(example, base_url, monkeypatch, capsys):
    monkeypatch.setenv("MISTRAL_API_KEY", new_token())
    code = reindent(example["code"]).replace("with Mistral(", "with Mistral(server_url=SERVER_URL,", 1)
    assert "server_url=SERVER_URL" in code
    namespace = {"SERVER_URL": base_url, "__name__": "seed_example"}
    if '"field": "<value>"' in code:
        # A filter on a field literally called "<value>": documented 400 naming the field.
        with pytest.raises(errors.ObservabilityError) as exc:
            exec(compile(code, example["file"], "exec"), namespace)
        assert exc.value.status_code == 400
        detail = json.loads(exc.value.body)["detail"]
        assert detail["error_code"] == "SEARCH_BAD_REQUEST" and "<value>" in detail["message"], detail
        return
    exec(compile(code, example["file"], "exec"), namespace)
    res = namespace["res"]
    assert res is not None
    printed = capsys.readouterr().out
    assert printed.strip()
    if hasattr(res, "answer"):
        assert res.answer == "<value>", "the only option of the documented judge"


@pytest.mark.operation(op.GET_EVENT)
def test_event_ids_in_the_seed_pages_exist_in_the_fixtures(base_url):
    ids = set()
    for path in SEED_FILES:
        ids |= set(UUID.findall(path.read_text(encoding="utf-8")))
    fixture_ids = {e["event_id"] for e in load_fixture_events()}
    assert len(ids) == 3 and ids <= fixture_ids, ids - fixture_ids
    http = HTTP(base_url, new_token())
    for event_id in ids:
        assert http.get(f"{API}/chat-completion-events/{event_id}").status_code == 200
