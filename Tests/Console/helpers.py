"""Direct API calls (urllib) that the browser tests use as their oracle: what the console shows
must be what the API answers to an SDK with the same token."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

TOKEN = "console-tests"
V1 = "/v1/observability"


def call(base: str, method: str, path: str, body=None, token: str | None = TOKEN):
    """Returns (status, parsed JSON or None)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            text = response.read()
            return response.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as error:
        text = error.read()
        try:
            return error.code, json.loads(text)
        except ValueError:
            return error.code, None


def raw(base: str, path: str, headers: dict | None = None):
    """GET without a token: (status, headers, body bytes)."""
    request = urllib.request.Request(base + path, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
