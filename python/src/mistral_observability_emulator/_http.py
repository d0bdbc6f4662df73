"""The few HTTP calls the helpers make, with the standard library only: the package has no
dependencies, so installing it never moves a pin of the project under test."""

from __future__ import annotations

import json as jsonlib
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Mapping, Optional


class EmulatorError(Exception):
    """A control-plane or API call answered with a status other than the one expected."""

    def __init__(self, method: str, url: str, status: int, body: str):
        super().__init__(f"{method} {url}: {status} {body[:500]}")
        self.status, self.body = status, body


def call(method: str, url: str, *, json: Any = None, params: Optional[Mapping[str, Any]] = None,
         headers: Optional[Mapping[str, str]] = None, expect: tuple = (200, 201, 204), timeout: float = 30.0) -> Any:
    """Sends one request; returns the decoded JSON body (None when empty). A status outside
    `expect` raises EmulatorError with the body, which names what the emulator refused."""
    query = {k: v for k, v in (params or {}).items() if v is not None}
    if query:
        url += "?" + urllib.parse.urlencode(query)
    data = None
    all_headers = dict(headers or {})
    if json is not None:
        data = jsonlib.dumps(json).encode()
        all_headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, method=method, headers=all_headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    if status not in expect:
        raise EmulatorError(method, url, status, body.decode("utf-8", "replace"))
    return jsonlib.loads(body) if body else None
