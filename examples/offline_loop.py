"""The offline loop with the official SDK alone (mistralai 3.x): call a model, find the call as a
trace and as an event, judge it, put it in a dataset. Run the emulator, then:
OBS_EMULATOR_URL=http://127.0.0.1:8080 python examples/offline_loop.py
"""
import os
import time
import uuid

import requests
from mistralai.client import Mistral
from mistralai.extra.observability import telemetry

URL = os.environ.get("OBS_EMULATOR_URL", "http://127.0.0.1:8080")
TOKEN = f"loop-{uuid.uuid4()}"  # the token is the workspace
os.environ["MISTRAL_OTLP_TRACES_ENDPOINT"] = f"{URL}/telemetry/v1/traces"
client = Mistral(api_key=TOKEN, server_url=URL)
telemetry.configure_telemetry(client, redaction=False)  # the SDK's own spans go to the emulator
obs = client.beta.observability

# 1. Call a model: a deterministic answer, also recorded as a chat-completion event.
question = "Can I return a parcel after 40 days?"
answer = client.chat.complete(model="mistral-small-latest", messages=[{"role": "user", "content": question}],
                              metadata={"suite": "returns"}, http_headers={"X-Correlation-Id": "conv-1"})
telemetry._get_tracing_hook(client.sdk_configuration._hooks).tracer_provider.force_flush()

# 2. Find it: the SDK's chat span in the traces, the call in the explorer.
spans = []
while not spans:  # the exporter's request may still be in flight
    spans = obs.spans.search_spans(search_expression=f"response_id = '{answer.id}'", page_size=1).spans.results
    time.sleep(0.05)
event = requests.post(f"{URL}/v1/observability/chat-completion-events/search", headers={"Authorization": f"Bearer {TOKEN}"},
                      json={"search_params": {"filters": {"field": "metadata.suite", "op": "eq", "value": "returns"}}}).json()
assert event["completion_events"]["results"][0]["correlation_id"] == "conv-1"

# 3. Judge it.
judge = obs.judges.create(name="Deterministic?", description="", model_name="mistral-large-latest", tools=[],
                          output={"type": "CLASSIFICATION", "options": [{"value": "yes", "description": ""}, {"value": "no", "description": ""}]},
                          instructions='when assistant icontains "deterministic" -> yes\notherwise -> no')
verdict = obs.judges.judge_conversation(judge_id=str(judge.id), messages=[
    {"role": "user", "content": question}, {"role": "assistant", "content": answer.choices[0].message.content}])
assert verdict.answer == "yes"

# 4. Put it in a dataset, from its span.
dataset = obs.datasets.create(name=f"returns {TOKEN[-6:]}", description="from the offline loop")
task = obs.datasets.import_from_spans(dataset_id=str(dataset.id), span_references=[{"trace_id": spans[0].trace_id, "span_id": spans[0].span_id}],
                                      mapping_contract={"version": 1, "mappings": [
                                          {"target_field": "model", "source_field": {"namespace": "span_attributes", "key": "gen_ai.request.model"}}]})
while obs.datasets.fetch_task(dataset_id=str(dataset.id), task_id=str(task.id)).status == "RUNNING":
    time.sleep(0.05)
print(f"answer: {answer.choices[0].message.content}\nverdict: {verdict.answer}; dataset {dataset.id}")
