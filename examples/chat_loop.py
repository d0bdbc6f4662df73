"""A multi-turn chat with the official SDK (mistralai 3.x): each answer goes back into the
conversation, so the next question is asked with the whole history. Run the emulator, then:
OBS_EMULATOR_URL=http://127.0.0.1:8080 python examples/chat_loop.py   (one question a line; empty line or EOF ends)
"""
import os
import uuid

from mistralai.client import Mistral

URL = os.environ.get("OBS_EMULATOR_URL", "http://127.0.0.1:8080")
client = Mistral(api_key=os.environ.get("MISTRAL_API_KEY", f"chat-{uuid.uuid4()}"), server_url=URL)
model = "mistral-small-latest"

messages = [{"role": "system", "content": "You are a concise assistant."}]
while True:
    try:
        question = input("> ")
    except EOFError:
        break
    if not question.strip():
        break
    messages.append({"role": "user", "content": question})
    response = client.chat.complete(model=model, messages=messages)
    messages.append(response.choices[0].message)  # the assistant's turn, as the SDK returned it
    print(response.choices[0].message.content)
    print(f"  ({response.usage.prompt_tokens} prompt tokens, {len(messages)} messages so far)")
