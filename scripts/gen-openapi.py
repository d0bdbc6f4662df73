#!/usr/bin/env python3
"""Builds docs/openapi.yaml: the one OpenAPI document of everything the emulator answers, served
at GET /__emulator/openapi.yaml (the binary reads the file; nothing is compiled in).

Inputs, in docs/ (copies of the references the project follows):
- observability-openapi-2026-08-13.yaml, Mistral's newest published cut, is the base: of its
  operations, those the emulator serves (docs/served-operations.txt) are kept as published;
- observability-openapi.yaml (2026-07-15) fills in any served operation the newer cut dropped,
  and the 3.7.0-derived cut any served operation only the newer SDKs call;
- observability-openapi-sdk-3.7.0.yaml, derived from the newest SDK's models: the schemas its
  `x-changed-schemas` lists for served operations replace the published ones (the newer or the
  looser wins: `Dataset.slug`, `DatasetImportTask.result`, `TELEMETRY_SPAN`, a record create
  with only `payload`), `datasets/{dataset_id}` takes an id or a slug, and the error-code enum
  is the union of every cut's;
- observability-openapi-pipeline-configs-sdk-2.10.1.yaml: `/pipeline-configs`, which SDK 2.10.0 –
  3.1.0 call and no published cut describes, written from mistralai 2.10.1's models;
- inference-openapi-2026-08-13.yaml, Mistral's chat completions, FIM, embeddings and models
  cut: its served operations are kept as published, with two corrections the
  emulator's answers need, each marked `x-emulator-changed`: `ChatCompletionResponse` no
  longer requires `data` (a field the service never sends; the SDK's model has none), and an
  embedding may be a base64 string (`encoding_format: base64`); and a server-sent event's
  `data` is the JSON text of a `CompletionChunk` or `[DONE]`;
- control-plane.yaml: the emulator's own routes (control plane, Files API, responders).
The merge then adds the statuses the emulator really answers where the inputs leave them out,
each marked `x-emulator-added: true`:
- 401 on every operation that takes a Bearer token (the published references omit it; the
  real service answers 401 without a valid key);
- on the inference operations, 400 (an unknown model, a model without the capability, a
  request that fits the schema but means nothing valid) and, for `GET /v1/models/{model_id}`,
  404, both in the inference API's own error shape (`InferenceError`);
- on the emulator's own routes, 422 where a parameter or a body can be invalid and 404 where the
  path names a resource; 401 on the control plane (when --admin-token is set).

    python3 scripts/gen-openapi.py          # write docs/openapi.yaml
    python3 scripts/gen-openapi.py --check  # exit 1 if docs/openapi.yaml is not current (CI)
"""
import copy
import os
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = os.path.join(ROOT, "docs")
NEWEST = os.path.join(DOCS, "observability-openapi-2026-08-13.yaml")
FIRST = os.path.join(DOCS, "observability-openapi.yaml")
SDK = os.path.join(DOCS, "observability-openapi-sdk-3.7.0.yaml")
CONFIGS = os.path.join(DOCS, "observability-openapi-pipeline-configs-sdk-2.10.1.yaml")
INFERENCE = os.path.join(DOCS, "inference-openapi-2026-08-13.yaml")
OWN = os.path.join(DOCS, "control-plane.yaml")
SERVED = os.path.join(DOCS, "served-operations.txt")
OUTPUT = os.path.join(DOCS, "openapi.yaml")
METHODS = {"get", "put", "post", "patch", "delete", "head", "options"}
ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/ObservabilityError"}}}
SLUG_PARAMETER_DESCRIPTION = "Dataset UUID or workspace-scoped slug. UUID-shaped values are always interpreted as dataset IDs."


def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def added(description):
    return {"description": description, "content": ERROR, "x-emulator-added": True}


def operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def refs(value):
    """Schema names a value refers to, directly."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "$ref" and isinstance(item, str) and item.startswith("#/components/schemas/"):
                yield item.rsplit("/", 1)[1]
            else:
                yield from refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from refs(item)


def reachable(spec, roots):
    """Every schema the roots need, transitively."""
    seen, stack = set(), list(roots)
    while stack:
        name = stack.pop()
        if name in seen or name not in spec["components"]["schemas"]:
            continue
        seen.add(name)
        stack.extend(refs(spec["components"]["schemas"][name]))
    return seen


def merge():
    served = {line.split("#", 1)[0].strip() for line in open(SERVED, encoding="utf-8")} - {""}
    newest, first, sdk, configs, inference, own = load(NEWEST), load(FIRST), load(SDK), load(CONFIGS), load(INFERENCE), load(OWN)
    spec = copy.deepcopy(newest)
    spec["paths"] = {}
    found = set()
    # The 3.7.0-derived cut after the published ones: operations only the newer SDKs call
    # (spans/evaluations/aggregate, …); then the pipeline-configs fragment written from mistralai
    # 2.10.1 (no published cut has them); the inference cut last (no operation in common).
    for source in (newest, first, sdk, configs, inference):
        for path, method, operation in operations(source):
            if operation["operationId"] in served and operation["operationId"] not in found:
                operation = copy.deepcopy(operation)
                # Shared responses (`#/components/responses/…`) are written out in place.
                for status, response in operation.get("responses", {}).items():
                    ref = response.get("$ref", "") if isinstance(response, dict) else ""
                    if ref.startswith("#/components/responses/"):
                        operation["responses"][status] = copy.deepcopy(source["components"]["responses"][ref.rsplit("/", 1)[1]])
                spec["paths"].setdefault(path, {})[method] = operation
                found.add(operation["operationId"])
                for name in reachable(source, refs(operation)):
                    spec["components"]["schemas"].setdefault(name, copy.deepcopy(source["components"]["schemas"][name]))
    missing = served - found
    if missing:
        raise SystemExit(f"docs/served-operations.txt names operations no reference has: {sorted(missing)}")

    # The newest SDK's models, where they differ for what is served.
    schemas = spec["components"]["schemas"]
    used = reachable(spec, {name for _, _, op in operations(spec) for name in refs(op)})
    changed = {change["schema"] for change in sdk["x-changed-schemas"]["changes"]}
    for name in sorted(changed & used):
        if name == "ObservabilityErrorCode":
            values = []
            for source in (first, newest, sdk):
                for value in source["components"]["schemas"][name]["enum"]:
                    if value not in values:
                        values.append(value)
            schemas[name]["enum"] = values
            continue
        replacement = copy.deepcopy(sdk["components"]["schemas"][name])
        replacement.pop("x-changed-vs-2026-08-13", None)
        schemas[name] = replacement
        for dependency in reachable(sdk, refs(replacement)):
            schemas.setdefault(dependency, copy.deepcopy(sdk["components"]["schemas"][dependency]))
    for path, method, operation in operations(spec):
        for parameter in operation.get("parameters", []):
            if parameter.get("name") == "dataset_id" and parameter.get("in") == "path":
                parameter["schema"] = {"type": "string", "title": "Dataset Id"}
                parameter["description"] = SLUG_PARAMETER_DESCRIPTION

    # The inference cut, where the emulator's answers need it (see the module docstring).
    inference_paths = {path for path, _, op in operations(inference) if op["operationId"] in served}
    if "ChatCompletionResponse" in schemas:
        body = schemas["ChatCompletionResponse"]["allOf"][1]
        body["required"] = [name for name in body["required"] if name != "data"]
        body["x-emulator-changed"] = "`data` is not required: the service never sends it on a chat completion"
    if "EmbeddingResponseData" in schemas:
        data = schemas["EmbeddingResponseData"]["properties"]
        data["embedding"] = {"anyOf": [data["embedding"], {"type": "string", "description": "base64 of little-endian float32 values"}],
                             "x-emulator-changed": "a base64 string with `encoding_format: base64`"}
    inference_error = {"application/json": {"schema": {"$ref": "#/components/schemas/InferenceError"}}}
    # One server-sent event: `data` is a CompletionChunk as JSON, or `[DONE]` at the end (the
    # reference's CompletionEvent types `data` as the object itself, which no event can be).
    event = {"type": "object", "required": ["data"], "properties": {"data": {"anyOf": [
        {"const": "[DONE]"},
        {"type": "string", "contentMediaType": "application/json", "contentSchema": {"$ref": "#/components/schemas/CompletionChunk"}}]}},
        "x-emulator-changed": "`data` is the JSON text of a CompletionChunk, or [DONE]"}
    for path, method, operation in operations(spec):
        if path not in inference_paths:
            continue
        responses = operation["responses"]
        stream = responses.get("200", {}).get("content", {}).get("text/event-stream")
        if stream is not None:
            stream["schema"] = copy.deepcopy(event)
        if method == "post" and "400" not in responses:
            responses["400"] = {"description": "Bad request: an unknown model (named in the message), a model without this capability, or a request that fits the schema but means nothing valid",
                                "content": inference_error, "x-emulator-added": True}
        if "{model_id}" in path and "404" not in responses:
            responses["404"] = {"description": "Not Found: no such model", "content": inference_error, "x-emulator-added": True}

    for path, item in own["paths"].items():
        if path in spec["paths"]:
            raise SystemExit(f"{path}: defined by both a reference and docs/control-plane.yaml")
        spec["paths"][path] = item
    for name, schema in own.get("components", {}).get("schemas", {}).items():
        if name in schemas:
            raise SystemExit(f"schema {name}: defined by both a reference and docs/control-plane.yaml")
        schemas[name] = schema

    for path, item in spec["paths"].items():
        is_own = path in own["paths"]
        for method, operation in item.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            public = operation.get("security", spec.get("security")) != [] and not path.startswith("/__emulator")
            if public and "401" not in responses:
                responses["401"] = added("Unauthorized: no Bearer token, or one the emulator's --api-key does not accept")
            if not is_own:
                continue
            # Export downloads and the console's files are open: never a 401.
            if path.startswith("/__emulator") and operation.get("security") != [] and path != "/__emulator/exports/{token}" and "401" not in responses:
                responses["401"] = added("Unauthorized: the emulator runs with --admin-token and the request lacks it")
            takes_input = operation.get("parameters") or item.get("parameters") or operation.get("requestBody")
            if takes_input and "422" not in responses:
                responses["422"] = added("Validation error: a parameter or the body does not fit this schema")
            if "{" in path and "404" not in responses:
                responses["404"] = added("Not Found: no such resource")
    # Only what the served operations use: the references also describe what is not served yet.
    used = reachable(spec, {name for _, _, op in operations(spec) for name in refs(op)})
    spec["components"]["schemas"] = {name: schemas[name] for name in sorted(used)}
    return yaml.safe_dump(spec, sort_keys=False, allow_unicode=True, width=120)


def main():
    text = "# Generated by scripts/gen-openapi.py from the references in docs/ and docs/control-plane.yaml. Do not edit.\n" + merge()
    if "--check" in sys.argv:
        with open(OUTPUT, encoding="utf-8") as f:
            if f.read() != text:
                print("docs/openapi.yaml is not current: run python3 scripts/gen-openapi.py", file=sys.stderr)
                sys.exit(1)
        print("docs/openapi.yaml is current")
        return
    with open(OUTPUT, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote docs/openapi.yaml ({len(text)} bytes, {sum(1 for p in yaml.safe_load(text)['paths'].values() for m in p if m in METHODS)} operations)")


if __name__ == "__main__":
    main()
