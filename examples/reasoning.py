"""A reasoning model with the official SDK (mistralai 3.x): Magistral answers with its thinking
(`thinking` chunks) before the answer (`text` chunks); a plain string is an answer without
thinking. (The emulator runs no model: it answers Magistral with its default text.) Run the
emulator, then: OBS_EMULATOR_URL=http://127.0.0.1:8080 python examples/reasoning.py
"""
import os
import uuid

from mistralai.client import Mistral

URL = os.environ.get("OBS_EMULATOR_URL", "http://127.0.0.1:8080")
client = Mistral(api_key=os.environ.get("MISTRAL_API_KEY", f"reasoning-{uuid.uuid4()}"), server_url=URL)

response = client.chat.complete(
    model="magistral-medium-latest",
    messages=[{"role": "user", "content": "John is one of 4 children. The first sister is 4 years old. Next year, "
                                          "the second sister will be twice as old as the first sister. The third "
                                          "sister is two years older than the second sister. The third sister is half "
                                          "the age of her older brother. How old is John?"}],
    prompt_mode="reasoning",  # the reasoning system prompt
)

content = response.choices[0].message.content
chunks = [content] if isinstance(content, str) else content
for chunk in chunks:
    if isinstance(chunk, str):
        print(f"answer: {chunk}")
    elif chunk.type == "thinking":
        thoughts = "".join(part.text for part in chunk.thinking if part.type == "text")
        print(f"thinking: {thoughts}")
    elif chunk.type == "text":
        print(f"answer: {chunk.text}")
print(f"model: {response.model}; {response.usage.completion_tokens} completion tokens")
