"""The observability methods of the installed `mistralai` release, with the HTTP request each sends.

Walks `client.beta.observability` and its sub-SDK objects recursively and lists every public
synchronous method (no `*_async`, nothing private, nothing inherited from `BaseSDK`). The HTTP
method and path template are read from the generated source, which builds every request with
`method="POST"` and `path="/v1/observability/..."`.

Run directly (`python inventory.py [emulator-url]`) it prints the inventory, and with a URL which
methods the emulator's own OpenAPI document serves.
"""

from __future__ import annotations

import inspect
import re
import sys
from dataclasses import dataclass
from typing import Iterable

HTTP_METHOD = re.compile(r'\bmethod\s*=\s*"([A-Z]+)"')
HTTP_PATH = re.compile(r'\bpath\s*=\s*"([^"]+)"')
HTTP_VERBS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


@dataclass(frozen=True)
class SDKMethod:
    name: str            # dotted, under client.beta.observability, e.g. "datasets.records.fetch"
    http_method: str     # "GET"
    path: str            # "/v1/observability/dataset-records/{dataset_record_id}"

    @property
    def route(self) -> tuple[str, str]:
        return self.http_method, self.path


def _base_sdk_class():
    from mistralai.client.basesdk import BaseSDK
    return BaseSDK


def _sub_sdks(obj) -> Iterable[tuple[str, object]]:
    """Public attributes that are themselves SDK objects (declared as annotations or set on the
    instance; reading an attribute also triggers lazily created sub-SDKs)."""
    base = _base_sdk_class()
    names: set[str] = set()
    for klass in type(obj).__mro__:
        names.update(getattr(klass, "__annotations__", {}))
    names.update(vars(obj))
    for name in sorted(names):
        if name.startswith("_") or name in ("sdk_configuration", "parent_ref"):
            continue
        try:
            value = getattr(obj, name)
        except AttributeError:
            continue
        if isinstance(value, base):
            yield name, value


def _own_methods(obj) -> Iterable[tuple[str, object]]:
    base = _base_sdk_class()
    inherited = set(dir(base))
    for name, fn in inspect.getmembers(type(obj), predicate=inspect.isfunction):
        if name.startswith("_") or name.endswith("_async") or name in inherited:
            continue
        if inspect.iscoroutinefunction(fn):
            continue
        yield name, fn


def _request_of(fn) -> tuple[str, str]:
    src = inspect.getsource(fn)
    methods = set(HTTP_METHOD.findall(src))
    paths = set(HTTP_PATH.findall(src))
    if len(methods) != 1 or len(paths) != 1:
        raise ValueError(f"{fn.__qualname__}: expected one method and one path, found {methods} {paths}")
    return methods.pop(), paths.pop()


def inventory(observability) -> dict[str, SDKMethod]:
    """Every public synchronous method under `observability` (client.beta.observability)."""
    found: dict[str, SDKMethod] = {}
    seen: set[int] = set()

    def walk(obj, prefix: str) -> None:
        if id(obj) in seen:
            return
        seen.add(id(obj))
        for name, fn in _own_methods(obj):
            http_method, path = _request_of(fn)
            dotted = prefix + name
            found[dotted] = SDKMethod(dotted, http_method, path)
        for name, sub in _sub_sdks(obj):
            walk(sub, f"{prefix}{name}.")

    walk(observability, "")
    return dict(sorted(found.items()))


def served_routes(openapi_doc: dict) -> set[tuple[str, str]]:
    """(METHOD, path template) of every operation in an OpenAPI document."""
    routes = set()
    for path, item in (openapi_doc.get("paths") or {}).items():
        for verb in HTTP_VERBS:
            if isinstance(item, dict) and verb in item:
                routes.add((verb.upper(), path))
    return routes


def fetch_openapi(base_url: str) -> dict:
    import requests
    import yaml
    r = requests.get(base_url + "/__emulator/openapi.yaml", timeout=10)
    r.raise_for_status()
    return yaml.safe_load(r.text)


def main(argv: list[str]) -> int:
    from mistralai.client import Mistral
    from importlib.metadata import version
    url = argv[1] if len(argv) > 1 else None
    client = Mistral(api_key="inventory", server_url=url or "http://127.0.0.1:1")
    methods = inventory(client.beta.observability)
    served = served_routes(fetch_openapi(url)) if url else set()
    print(f"mistralai {version('mistralai')}: {len(methods)} methods")
    for m in methods.values():
        mark = "" if not url else ("served    " if m.route in served else "NOT SERVED")
        print(f"  {mark} {m.name:55} {m.http_method:6} {m.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
