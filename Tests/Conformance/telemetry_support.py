"""Helpers both telemetry test modules use: RFC 3339 instants to the nanosecond, and the text
of a trace turn as the roll-up defines it (the last message's text parts joined; its `content`; the
value itself when it is not a message list)."""

from __future__ import annotations

import calendar
import json
import re
from typing import Any

_INSTANT = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?Z$")


def ns_of(text: str) -> int:
    m = _INSTANT.match(text)
    assert m, f"not an RFC 3339 UTC instant: {text!r}"
    y, mo, d, h, mi, s, frac = m.groups()
    seconds = calendar.timegm((int(y), int(mo), int(d), int(h), int(mi), int(s), 0, 0, 0))
    return seconds * 1_000_000_000 + int((frac or "").ljust(9, "0"))


def last_message_text(messages: Any) -> str:
    if not messages:
        return ""
    try:
        parsed = json.loads(messages)
    except (TypeError, ValueError):
        return str(messages)
    if not isinstance(parsed, list):
        return str(messages)
    if not parsed:
        return ""
    last = parsed[-1]
    if not isinstance(last, dict):
        return last if isinstance(last, str) else json.dumps(last)
    if isinstance(last.get("parts"), list):
        return "\n".join(p.get("content", p.get("text", "")) for p in last["parts"]
                         if isinstance(p, dict) and p.get("type", "text") == "text")
    content = last.get("content", "")
    return content if isinstance(content, str) else json.dumps(content, separators=(",", ":"))
