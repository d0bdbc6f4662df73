"""The code under test in the example: a small support bot over the Mistral SDK. It knows
nothing of the emulator; the tests give it a client whose server_url is the emulator's."""

from __future__ import annotations

from typing import Any

MODEL = "mistral-small-latest"


def answer(client: Any, question: str, attempts: int = 2) -> str:
    """Answers a customer question with the first model the account offers, retrying once when
    the service is briefly unavailable (503)."""
    models = {m.id for m in client.models.list().data}
    model = MODEL if MODEL in models else sorted(models)[0]
    for attempt in range(attempts):
        try:
            reply = client.chat.complete(model=model, messages=[
                {"role": "system", "content": "You are a helpful support agent."},
                {"role": "user", "content": question},
            ], metadata={"app": "support-bot"})
            return reply.choices[0].message.content
        except Exception as error:  # the SDK's error type moved between releases
            if getattr(error, "status_code", None) != 503 or attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def save_for_review(client: Any, name: str) -> str:
    """Keeps a dataset of answers to review; its id."""
    return str(client.beta.observability.datasets.create(name=name, description="answers to review").id)
