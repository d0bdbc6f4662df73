"""Structured output with the official SDK (mistralai 3.x): `client.chat.parse` sends the pydantic
model as a JSON schema (`response_format`) and validates the answer into it. Run the emulator, then:
OBS_EMULATOR_URL=http://127.0.0.1:8080 python examples/structured_output.py
"""
import os
import uuid

from mistralai.client import Mistral
from pydantic import BaseModel

URL = os.environ.get("OBS_EMULATOR_URL", "http://127.0.0.1:8080")
client = Mistral(api_key=os.environ.get("MISTRAL_API_KEY", f"parse-{uuid.uuid4()}"), server_url=URL)


class Book(BaseModel):
    name: str
    authors: list[str]


response = client.chat.parse(
    model="mistral-small-latest",
    messages=[
        {"role": "system", "content": "Extract the books information."},
        {"role": "user", "content": "I recently read 'To Kill a Mockingbird' by Harper Lee."},
    ],
    response_format=Book,
    max_tokens=256,
    temperature=0,
)
book = response.choices[0].message.parsed  # a Book, validated by pydantic
print(f"name: {book.name}")
print(f"authors: {', '.join(book.authors)}")
