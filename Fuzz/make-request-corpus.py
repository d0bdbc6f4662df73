#!/usr/bin/env python3
"""Writes the seed corpus of the whole-request fuzz target (Fuzz/RequestFuzz).

It starts the emulator binary with the fuzz target's settings (--id-seed 1, a step clock, the
bundled fixtures), replays Fuzz/request-setup.json against it (a dataset, a record, a campaign,
a file: resources the corpus can then name), reads back the ids those got, and writes one raw
HTTP/1.1 request per operation, plus edge cases (huge page numbers, odd integers), to
Fuzz/corpus/request/. The fuzz target replays the same setup file at start, with the same id
seed, so the ids in the corpus exist there too.

Usage: Fuzz/make-request-corpus.py BINARY
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOKEN = "fuzz"
V1 = "/v1/observability"


def raw(method, target, body=None, headers=None, token=TOKEN):
    lines = [f"{method} {target} HTTP/1.1", "Host: fuzz"]
    if token:
        lines.append(f"Authorization: Bearer {token}")
    data = b""
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        if not any(h.lower().startswith("content-type") for h in (headers or [])):
            lines.append("Content-Type: application/json")
        lines.append(f"Content-Length: {len(data)}")
    lines += headers or []
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + data


def send(port, request):
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(request)
        chunks = []
        s.settimeout(10)
        while True:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            chunks.append(chunk)
            data = b"".join(chunks)
            head, _, body = data.partition(b"\r\n\r\n")
            length = next((int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")), None)
            if length is not None and len(body) >= length:
                break
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    return int(head.split()[1]), (json.loads(body) if body else None)


def main():
    binary = sys.argv[1]
    port_file = tempfile.mktemp()
    proc = subprocess.Popen([binary, "--port", "0", "--port-file", port_file, "--id-seed", "1", "--allowed-host", "fuzz",
                             "--clock", "step:2026-01-01T00:00:00Z,1000", "--fixtures", os.path.join(ROOT, "Fixtures"),
                             "--log-level", "error"])
    try:
        for _ in range(200):
            if os.path.exists(port_file) and open(port_file).read().strip():
                break
            time.sleep(0.05)
        port = int(open(port_file).read())
        judges = send(port, raw("GET", f"{V1}/judges?page_size=1"))[1]["judges"]["results"]
        events = send(port, raw("POST", f"{V1}/chat-completion-events/search?page_size=1", {"search_params": {"filters": None}}))[1]
        names = {"judge": judges[0]["id"], "event": events["completion_events"]["results"][0]["event_id"]}
        correlation_id = events["completion_events"]["results"][0]["correlation_id"]

        def fill(text):
            for key, value in names.items():
                text = text.replace("{" + key + "}", value)
            return text

        with open(os.path.join(ROOT, "Fuzz/request-setup.json")) as f:
            steps = json.load(f)
        for index, step in enumerate(steps):
            if "raw_body" in step:
                request = raw(step["method"], fill(step["path"]), step["raw_body"].encode(), [f"Content-Type: {step['content_type']}"])
            else:
                request = raw(step["method"], fill(step["path"]), json.loads(fill(json.dumps(step["body"]))))
            status, answer = send(port, request)
            assert status < 300, (step, status, answer)
            if isinstance(answer, dict) and "id" in answer:
                names[str(index)] = answer["id"]
        judge_id, event_id = names["judge"], names["event"]
        dataset_id, record_id, campaign_id = names["0"], names["1"], names["2"]
        upload = raw(steps[4]["method"], steps[4]["path"], steps[4]["raw_body"].encode(), [f"Content-Type: {steps[4]['content_type']}"])
        file_id = names["4"]
        pipeline_id, config_id = names["5"], names["6"]
        tasks = send(port, raw("GET", f"{V1}/datasets/{dataset_id}/tasks"))[1]
        # Offline evaluations: the seeded fixtures' ids (derived from their position, so stable).
        seeded_run = send(port, raw("POST", f"{V1}/evaluation-runs_v2/search?page_size=1"))[1]["runs"]["results"][0]["id"]
        seeded_record = send(port, raw("POST", f"{V1}/evaluation-runs_v2/{seeded_run}/records/search?page_size=1"))[1]["records"]["results"][0]["id"]
        optimization_id = send(port, raw("GET", f"{V1}/optimizations?page_size=1"))[1]["optimizations"]["results"][0]["id"]
    finally:
        proc.terminate()
        proc.wait()
        if os.path.exists(port_file):
            os.remove(port_file)

    conversation = {"messages": [{"role": "user", "content": "How do I reset my password?"},
                                 {"role": "assistant", "content": "Open Settings, then Security, then Reset password."}]}
    judge = {"name": "Fuzz judge", "description": "d", "model_name": "mistral-large-latest", "instructions": "Is it polite?",
             "output": {"type": "CLASSIFICATION", "options": [{"value": "yes", "description": "polite"}, {"value": "no", "description": "rude"}]},
             "tools": []}
    filters = {"AND": [{"field": "model_name", "op": "eq", "value": "mistral-large-latest"},
                       {"field": "nb_input_tokens", "op": "gt", "value": 10}]}
    cases = {
        "events-search": raw("POST", f"{V1}/chat-completion-events/search?page_size=5", {"search_params": {"filters": filters}, "extra_fields": ["model_name"]}),
        "events-search-ids": raw("POST", f"{V1}/chat-completion-events/search-ids", {"search_params": {"filters": {"field": "metadata.team", "op": "matches", "value": "^eng"}}}),
        "events-fetch": raw("GET", f"{V1}/chat-completion-events/{event_id}"),
        "events-similar": raw("GET", f"{V1}/chat-completion-events/{event_id}/similar-events"),
        "events-judge": raw("POST", f"{V1}/chat-completion-events/{event_id}/live-judging", {"judge_definition": judge}),
        "fields-list": raw("GET", f"{V1}/chat-completion-fields"),
        "fields-options": raw("GET", f"{V1}/chat-completion-fields/model_name/options"),
        "fields-counts": raw("POST", f"{V1}/chat-completion-fields/metadata.team/options-counts", {"filter_params": {"filters": None}}),
        "judges-create": raw("POST", f"{V1}/judges", judge),
        "judges-list": raw("GET", f"{V1}/judges?page=1&page_size=2&type_filter=CLASSIFICATION&q=help"),
        "judges-list-huge-page": raw("GET", f"{V1}/judges?page_size=55&page=272542825192920992"),
        "judges-fetch": raw("GET", f"{V1}/judges/{judge_id}"),
        "judges-update": raw("PUT", f"{V1}/judges/{judge_id}", dict(judge, name="Fuzz judge 2")),
        "judges-delete": raw("DELETE", f"{V1}/judges/{judge_id}"),
        "judges-judge": raw("POST", f"{V1}/judges/{judge_id}/live-judging", conversation),
        "campaigns-create": raw("POST", f"{V1}/campaigns", {"search_params": {"filters": None}, "judge_id": judge_id, "name": "fuzz campaign", "description": "d", "max_nb_events": 3}),
        "campaigns-list": raw("GET", f"{V1}/campaigns?page=9223372036854775807&page_size=100"),
        "campaigns-fetch": raw("GET", f"{V1}/campaigns/{campaign_id}"),
        "campaigns-status": raw("GET", f"{V1}/campaigns/{campaign_id}/status"),
        "campaigns-events": raw("GET", f"{V1}/campaigns/{campaign_id}/selected-events?page=2&page_size=1"),
        "campaigns-delete": raw("DELETE", f"{V1}/campaigns/{campaign_id}"),
        "datasets-create": raw("POST", f"{V1}/datasets", {"name": "fuzz set", "description": "d"}),
        "datasets-list": raw("GET", f"{V1}/datasets?page=4611686018427387904&page_size=3"),
        "datasets-fetch": raw("GET", f"{V1}/datasets/{dataset_id}"),
        "datasets-patch": raw("PATCH", f"{V1}/datasets/{dataset_id}", {"name": "renamed", "description": None}),
        "datasets-delete": raw("DELETE", f"{V1}/datasets/{dataset_id}"),
        "records-list": raw("GET", f"{V1}/datasets/{dataset_id}/records?page=3&page_size=1"),
        "records-create": raw("POST", f"{V1}/datasets/{dataset_id}/records", {"payload": conversation, "properties": {"k": 1.0e300}}),
        "import-explorer": raw("POST", f"{V1}/datasets/{dataset_id}/imports/from-explorer", {"completion_event_ids": [event_id]}),
        "import-campaign": raw("POST", f"{V1}/datasets/{dataset_id}/imports/from-campaign", {"campaign_id": campaign_id}),
        "import-file": raw("POST", f"{V1}/datasets/{dataset_id}/imports/from-file", {"file_id": file_id}),
        "import-playground": raw("POST", f"{V1}/datasets/{dataset_id}/imports/from-playground", {"conversation_ids": [correlation_id]}),
        "import-dataset": raw("POST", f"{V1}/datasets/{dataset_id}/imports/from-dataset", {"dataset_record_ids": [record_id]}),
        "export": raw("GET", f"{V1}/datasets/{dataset_id}/exports/to-jsonl"),
        "tasks-list": raw("GET", f"{V1}/datasets/{dataset_id}/tasks?page=99999999999999&page_size=100"),
        "records-fetch": raw("GET", f"{V1}/dataset-records/{record_id}"),
        "records-delete": raw("DELETE", f"{V1}/dataset-records/{record_id}"),
        "records-bulk-delete": raw("POST", f"{V1}/dataset-records/bulk-delete", {"dataset_record_ids": [record_id]}),
        "records-judge": raw("POST", f"{V1}/dataset-records/{record_id}/live-judging", {"judge_definition": judge}),
        "records-payload": raw("PUT", f"{V1}/dataset-records/{record_id}/payload", {"payload": conversation}),
        "records-properties": raw("PUT", f"{V1}/dataset-records/{record_id}/properties", {"properties": {"n": 18446744073709551616}}),
        "files-upload": upload,
        "files-retrieve": raw("GET", f"/v1/files/{file_id}"),
        "files-content": raw("GET", f"/v1/files/{file_id}/content"),
        "control-health": raw("GET", "/__emulator/health", token=None),
        "control-reset": raw("POST", "/__emulator/reset?workspace=fuzz", b""),
        "control-ingest": raw("POST", "/__emulator/events", {"events": [{"created_at": "9999-12-31T23:59:59.999Z", "request_messages": conversation["messages"][:1], "response_messages": conversation["messages"][1:], "nb_input_tokens": 9223372036854775807}]}),
        "control-requests": raw("GET", "/__emulator/requests?limit=100000&status=200&method=get&path_prefix=/v1", token=None),
        "control-requests-clear": raw("DELETE", "/__emulator/requests", token=None),
        "control-faults-add": raw("POST", "/__emulator/faults", {"path": "/v1/observability/judges", "status": 503, "count": 9223372036854775807, "probability": 0.5}),
        "control-faults-list": raw("GET", "/__emulator/faults"),
        "control-faults-clear": raw("DELETE", "/__emulator/faults"),
        "control-task-pace": raw("POST", "/__emulator/task-pace", {"pace": "polls:9223372036854775807"}),
        "control-openapi": raw("GET", "/__emulator/openapi.yaml", token=None),
        "fault-header": raw("GET", f"{V1}/judges", headers=["X-Emulator-Fault: status=418;delay=5"]),
        "pipelines-create": raw("POST", f"{V1}/pipelines", {"name": "fuzz p2", "selectors": [{"source_kind": "span", "filter": "span_attributes['app.tier'] = 'gold'"}], "definitions": [{"slug": "answer-quality-score", "sampling": {"type": "attribute_hash", "attribute": "user.id", "percentage": 1e-300}}]}),
        "pipelines-list": raw("GET", f"{V1}/pipelines?enabled=true&q=fuzz&page=9223372036854775807&page_size=100"),
        "pipelines-fetch": raw("GET", f"{V1}/pipelines/{pipeline_id}"),
        "pipelines-update": raw("PUT", f"{V1}/pipelines/{pipeline_id}", {"enabled": False, "selectors": [{"source_kind": "metric"}]}),
        "pipelines-delete": raw("DELETE", f"{V1}/pipelines/{pipeline_id}"),
        "pipeline-results": raw("POST", f"{V1}/pipeline-results/search?page_size=1&from=2026-01-01T00:00:00Z", {"pipeline_config_slugs": ["fuzz-pipeline-helpfulness-rating"], "search_expression": "duration_ns > 0"}),
        "pipeline-configs-create": raw("POST", f"{V1}/pipeline-configs", {"name": "fuzz c2", "pipeline_kind": "judge", "selectors": [{"source_kind": "span"}], "definition": {"slug": "helpfulness-rating", "mapping": {"a": "b"}}}),
        "pipeline-configs-list": raw("GET", f"{V1}/pipeline-configs?pipeline_kind=judge&enabled=false&page=2&page_size=1"),
        "pipeline-configs-fetch": raw("GET", f"{V1}/pipeline-configs/{config_id}"),
        "pipeline-configs-update": raw("PUT", f"{V1}/pipeline-configs/{config_id}", {"name": "fuzz config", "pipeline_kind": "export", "selectors": [], "definitions": [{"destination": {"protocol": "http", "endpoint": "x"}}], "enabled": True}),
        "pipeline-configs-delete": raw("DELETE", f"{V1}/pipeline-configs/{config_id}"),
        "otlp-judged-export": raw("POST", "/telemetry/v1/traces", {"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "fuzz"}}]}, "scopeSpans": [{"scope": {"name": "fuzz"}, "spans": [
            {"traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": f"b7ad6b71692033{n:02x}", "name": "chat", "kind": 3, "startTimeUnixNano": "1767225600000000000", "endTimeUnixNano": "1767225601000000000",
             "attributes": [{"key": "gen_ai.operation.name", "value": {"stringValue": "chat"}}, {"key": "app.tier", "value": {"stringValue": "gold"}},
                            {"key": "gen_ai.input.messages", "value": {"stringValue": json.dumps([{"role": "user", "parts": [{"type": "text", "content": "Reset my password?"}]}])}},
                            {"key": "gen_ai.output.messages", "value": {"stringValue": json.dumps([{"role": "assistant", "parts": [{"type": "text", "content": "Open Settings."}, {"type": "tool_call", "name": "open"}]}])}}]}
            for n in range(4)]}]}]}),
        "pipelined": raw("POST", f"{V1}/datasets", {"name": "pipe", "description": ""}) + raw("GET", f"{V1}/datasets?page=2&page_size=0"),
        "models-chat": raw("POST", "/v1/chat/completions", {"model": "mistral-large-latest", "messages": conversation["messages"][:1],
                                                            "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}],
                                                            "tool_choice": "auto", "max_tokens": 9223372036854775807, "n": 3, "stop": ["\u0000"],
                                                            "metadata": {"team": "eng", "nested": {"x": [1, None]}}}, headers=["X-Correlation-Id: fuzz"]),
        "models-chat-stream": raw("POST", "/v1/chat/completions", {"model": "mistral-small-latest", "stream": True, "response_format": {"type": "json_object"},
                                                                   "messages": [{"role": "system", "content": [{"type": "text", "text": "be brief"}]}, {"role": "user", "content": "weather?"}]}),
        "models-chat-tool-turn": raw("POST", "/v1/chat/completions", {"model": "mistral-large-latest", "messages": [
            {"role": "user", "content": "What is the weather?"},
            {"role": "assistant", "content": None, "tool_calls": [{"id": "a1b2c3d4e", "function": {"name": "get_weather", "arguments": {"location": "Paris"}}}]},
            {"role": "tool", "name": "get_weather", "tool_call_id": "a1b2c3d4e", "content": "sunny"}],
            "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {}}}]}),
        "models-fim": raw("POST", "/v1/fim/completions", {"model": "codestral-latest", "prompt": "def f(", "suffix": "    return x", "max_tokens": 0}),
        "models-embeddings": raw("POST", "/v1/embeddings", {"model": "mistral-embed", "input": ["", "a", "\ud83d\ude00"], "output_dimension": 4096, "output_dtype": "binary"}),
        "models-list": raw("GET", "/v1/models"),
        "models-retrieve": raw("GET", "/v1/models/codestral-latest"),
        "control-responders-add": raw("POST", "/__emulator/responders", {"responders": [
            {"match": {"contains": "fuzz", "matches": "^f", "tools": ["t"], "metadata": {"k": 1}, "model": ["mistral-small-latest"]},
             "respond": {"tool_calls": [{"name": "t", "arguments": "{"}]}, "then": {"content": "{{tool_result}}{{last_user_message}}"}},
            {"match": {"contains": "fail"}, "respond": {"error": {"status": 418}}}]})
            + raw("POST", "/v1/chat/completions", {"model": "mistral-small-latest", "messages": [{"role": "user", "content": "fail"}]}),
        "control-responders-list": raw("GET", "/__emulator/responders"),
        "control-responders-clear": raw("DELETE", "/__emulator/responders"),
        "offline-projects-list": raw("GET", f"{V1}/projects?q=DETECT&page=9223372036854775807&page_size=100"),
        "offline-project-fetch": raw("GET", f"{V1}/projects/language-detection"),
        "offline-project-evaluations": raw("GET", f"{V1}/projects/support-bot/evaluations_v2?page_size=0"),
        "offline-evaluation-fetch": raw("GET", f"{V1}/evaluations_v2/accuracy-eval"),
        "offline-runs-search": raw("POST", f"{V1}/evaluations_v2/accuracy-eval/runs/search", {"tags": {"combinator": "or", "values": ["prompt:v1"]}, "ownership": {"starred_by_me": True}, "score_filters": {"filters": [{"evaluator_name": "accuracy", "metric": "p99.5", "operator": "gte", "value": 1e308}]}, "goal_filters": {"filters": [{"values": ["not_evaluated"]}]}, "system": {"name": {"filters": [{"value": "small", "operator": "equals"}]}, "params": {"filters": [{"key": "temperature", "operator": "lt", "value": True}]}}, "metadata": {"combinator": "or", "filters": [{"key": "commit", "operator": "contains", "value": ""}]}}),
        "offline-runs-search-all": raw("POST", f"{V1}/evaluation-runs_v2/search?page_size=2", "~?~unset~?~sentinel~?~"),
        "offline-run-fetch": raw("GET", f"{V1}/evaluation-runs_v2/{seeded_run}"),
        "offline-run-statistics": raw("GET", f"{V1}/evaluation-runs_v2/{seeded_run}/statistics"),
        "offline-run-compute": raw("POST", f"{V1}/evaluation-runs_v2/{seeded_run}/statistics/compute", {"input_filters": {"filters": [{"path": "a.0.b", "value": "x"}]}, "output_filters": {"combinator": "or", "filters": [{"value": ""}]}, "goal_filters": {"filters": [{"values": ["failed"], "evaluator_name": "accuracy"}]}}),
        "offline-records-search": raw("POST", f"{V1}/evaluation-runs_v2/{seeded_run}/records/search?page=2&page_size=1", {"sort": {"kind": "score", "evaluator_name": "accuracy", "metric": "std", "direction": "asc"}, "score_filters": {"filters": [{"evaluator_name": "language", "metric": "mode", "operator": "eq", "value": "French"}]}}),
        "offline-record-fetch": raw("GET", f"{V1}/evaluation-runs_v2/{seeded_run}/records/{seeded_record}"),
        "offline-optimizations-list": raw("GET", f"{V1}/optimizations?project=language-detection&evaluation=accuracy-eval&status=completed&algorithm=hill_climbing&tags=prompt&tags=language"),
        "offline-optimization-fetch": raw("GET", f"{V1}/optimizations/{optimization_id}"),
        "offline-optimization-trials": raw("GET", f"{V1}/optimizations/{optimization_id}/trials?page_size=1&page=3"),
        "control-load-evaluation-run": raw("POST", "/__emulator/evaluation-runs", {"project": {"name": "Fuzz project"}, "evaluation": "Fuzz eval", "num_generations": 2, "system": {"name": "s", "params": {"t": 0.5}}, "evaluators": [{"name": "n", "goal": {"operator": "between", "min": 0, "max": 1}, "statistics": [{"kind": "percentile", "percentile": 100}, {"kind": "f1", "average": "weighted", "labels": ["a"]}]}, {"name": "c", "goal": {"operator": "in", "values": ["a", 1, True]}}], "run_evaluators": [{"name": "r", "aggregate_goal": {"operator": "lt", "value": -1}}], "run_scores": {"r": True}, "records": [{"input": [None], "generations": [{"output": {}, "scores": {"n": [1e308, {"value": None, "error": "e"}], "c": {"value": "a", "metadata": {"expected": 1}}}}, {"output": None, "error": "x"}]}]}),
        "guard-rebinding-host": raw("GET", "/__emulator/requests").replace(b"Host: fuzz", b"Host: attacker.example:8080"),
        "guard-cross-site-reset": raw("POST", "/__emulator/reset", b"", headers=["Origin: https://evil.example", "Content-Type: text/plain"]),
        "guard-text-plain-body": raw("POST", f"{V1}/judges", b'{"name":"x"}', headers=["Content-Type: text/plain"]),
        "guard-preflight": raw("OPTIONS", f"{V1}/judges", headers=["Origin: http://localhost:5173", "Access-Control-Request-Method: POST", "Access-Control-Request-Headers: authorization"]),
        "guard-same-origin-write": raw("POST", f"{V1}/judges", {"name": "fuzz judge"}, headers=["Origin: http://fuzz"]),
        "limit-expression-501": raw("POST", f"{V1}/spans/search", {"search_expression": " OR ".join(f"span_id='{i}'" for i in range(501))}),
        "limit-filter-group-101": raw("POST", f"{V1}/evaluation-runs_v2/{seeded_run}/records/search", {"input_filters": {"filters": [{"path": "q", "value": "x"}] * 101}}),
        "limit-judge-rules-201": raw("POST", f"{V1}/judges", {"name": "many rules", "description": "d", "model_name": "mistral-small-latest", "instructions": "\n".join(['when assistant contains "x" -> poor'] * 201), "output": {"type": "CLASSIFICATION", "options": [{"value": "poor", "description": "p"}, {"value": "good", "description": "g"}]}}),
        "limit-mapping-101": raw("POST", f"{V1}/pipelines", {"name": "p", "selectors": [], "definitions": [{"slug": "a", "mapping": {f"p{i}": f"a{i}" for i in range(101)}}]}),
        "control-load-optimization": raw("POST", "/__emulator/optimizations", {"project": "Language Detection", "evaluation": {"slug": "accuracy-eval"}, "name": "fuzz opt", "algorithm": "grid", "tags": ["a"], "trials": [{"algorithm_trial_key": "a", "observations": [{"run_name": "small-baseline", "score": 0.5}]}, {"algorithm_trial_key": "b", "parent_trial_key": "a"}]}),
    }
    out = os.path.join(ROOT, "Fuzz/corpus/request")
    for name in os.listdir(out):
        os.remove(os.path.join(out, name))
    for name, request in cases.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(request)
    print(f"wrote {len(cases)} requests to {out} (dataset {dataset_id}, record {record_id}, campaign {campaign_id}, file {file_id}, tasks {tasks['tasks']['count'] if tasks else '?'})")


if __name__ == "__main__":
    main()
