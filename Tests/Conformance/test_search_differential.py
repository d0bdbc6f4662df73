"""The search expression language, differentially: the emulator against search_reference.py.

A deterministic corpus of span and trace search expressions (single conditions of every
operator on fields of every type, map entries, any-span trace conditions, nesting, comments,
mixed-case keywords, both quote escapes) runs through POST /spans/search and /traces/search (all
pages) and through the plain-Python reference over the rows the API returns for an empty
expression. Both must select the same rows. A second test checks that malformed and meaningless
expressions are 400s with the right error_code, as the reference classifies them.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import time
from typing import Any, Callable, Optional

import pytest
import requests

import search_reference as ref
from conftest import API, FIXTURES, new_token

SEARCH_SPANS_OP = "search_spans_v1_observability_spans_search_post"
SEARCH_TRACES_OP = "search_traces_v1_observability_traces_search_post"

SEED = 1234
PAGE_SIZE = 100
PARSE_ERROR = "TRACES_FILTER_QUERY_PARSE_ERROR"
BAD_REQUEST = "SEARCH_BAD_REQUEST"

MATCH_OPS = ("like", "not_like", "ilike", "not_ilike", "contains", "not_contains", "regexp", "not_regexp")
ALL_OPS = ("eq", "neq", "lt", "lte", "gt", "gte", "between", "not_between", "in", "not_in", *MATCH_OPS,
           "exists", "not_exists", "has", "hasAny", "hasAll", "hasToken")
REGEXPS = ["^chat", "large|small", "[0-9]+", "latest$", "^[a-z_]+$", "mistral-(small|large)-latest", "^$",
           "o{2}", "Error", "\\.", "^POST /", "[A-Z]{3}", "x{3}y", "^[0-9a-f]+$", "_", "-", "e$"]


# --------------------------------------------------------------------------------------------
# The API
# --------------------------------------------------------------------------------------------

class Api:
    def __init__(self, base_url: str):
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {new_token()}"
        self.requests = 0

    def fields(self, resource: str) -> dict[str, ref.Field]:
        r = self.session.get(f"{self.base_url}{API}/{resource}/fields", timeout=30)
        assert r.status_code == 200, r.text
        return ref.fields_from_listing(r.json())

    def post(self, resource: str, body: dict, cursor: Optional[str] = None) -> requests.Response:
        params: dict[str, Any] = {"page_size": PAGE_SIZE}
        if cursor:
            params["cursor"] = cursor
        self.requests += 1
        return self.session.post(f"{self.base_url}{API}/{resource}/search", params=params, json=body, timeout=30)

    def search(self, resource: str, body: dict) -> tuple[Optional[list[dict]], Optional[requests.Response]]:
        """Every row of every page, or (None, the failed response)."""
        rows: list[dict] = []
        cursor = None
        for _ in range(1000):
            r = self.post(resource, body, cursor)
            if r.status_code != 200:
                return None, r
            page = r.json()[resource]
            rows += page["results"]
            cursor = page["cursor"]
            if not cursor:
                return rows, None
        raise AssertionError(f"{resource} search never ended: {body}")


def body_of(expression: Optional[str]) -> dict:
    return {"search_expression": expression}


# --------------------------------------------------------------------------------------------
# Rendering expressions
# --------------------------------------------------------------------------------------------

def quotable(s: str) -> bool:
    """Strings the generator may quote without relying on the `\\\\` escape."""
    return "\\\\" not in s and "\\'" not in s and not s.endswith("\\")


class Writer:
    """Renders literals and keywords, with seeded variety (keyword case, quote escapes)."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def kw(self, word: str) -> str:
        r = self.rng.random()
        if r < 0.6:
            return word.upper()
        if r < 0.8:
            return word.lower()
        return "".join(c.upper() if self.rng.random() < 0.5 else c.lower() for c in word)

    def fn(self, name: str) -> str:
        r = self.rng.random()
        return name if r < 0.7 else (name.lower() if r < 0.85 else name.upper())

    def quote(self, s: str) -> str:
        assert quotable(s), s
        escaped = s.replace("'", "''") if self.rng.random() < 0.5 else s.replace("'", "\\'")
        return "'" + escaped + "'"

    def lit(self, v: Any) -> str:
        if isinstance(v, bool):
            return self.kw("true" if v else "false")
        if isinstance(v, int):
            return str(v)
        if isinstance(v, float):
            return repr(v)
        return self.quote(v)

    def operand(self, field: str, key: Optional[str]) -> str:
        return field if key is None else f"{field}[{self.quote(key)}]"

    def cond(self, field: str, op: str, values: tuple, key: Optional[str] = None) -> str:
        x = self.operand(field, key)
        symbols = {"eq": ["="], "neq": ["!=", "<>"], "lt": ["<"], "lte": ["<="], "gt": [">"], "gte": [">="]}
        if op in symbols:
            return f"{x} {self.rng.choice(symbols[op])} {self.lit(values[0])}"
        neg = self.kw("NOT") + " " if op.startswith("not_") else ""
        base = op[4:] if op.startswith("not_") else op
        if base in ("like", "ilike", "contains", "regexp"):
            return f"{x} {neg}{self.kw(base)} {self.quote(values[0])}"
        if base == "between":
            return f"{x} {neg}{self.kw('BETWEEN')} {self.lit(values[0])} {self.kw('AND')} {self.lit(values[1])}"
        if base == "in":
            items = ", ".join(self.lit(v) for v in values)
            return f"{x} {neg}{self.kw('IN')} ({items})"
        if base == "exists":
            return f"{x} {neg}{self.kw('EXISTS')}"
        if op == "has" or op == "hasToken":
            return f"{self.fn(op)}({x}, {self.lit(values[0])})"
        if op in ("hasAny", "hasAll"):
            return f"{self.fn(op)}({x}, [{', '.join(self.lit(v) for v in values)}])"
        raise ValueError(op)


# --------------------------------------------------------------------------------------------
# Generating conditions from the rows
# --------------------------------------------------------------------------------------------

CANONICAL_INT = re.compile(r"-?(0|[1-9][0-9]{0,8})")


def fmt_instant(ns: int, offset_minutes: int = 0, digits: int = 6) -> str:
    """An instant as RFC 3339 with `digits` fraction digits (truncated) in a fixed offset."""
    seconds, nanos = divmod(ns, 1_000_000_000)
    tz = dt.timezone(dt.timedelta(minutes=offset_minutes))
    base = dt.datetime.fromtimestamp(seconds, tz).strftime("%Y-%m-%dT%H:%M:%S")
    fraction = ("." + f"{nanos:09d}"[:digits]) if digits else ""
    if offset_minutes == 0:
        zone = "Z"
    else:
        sign = "+" if offset_minutes > 0 else "-"
        zone = f"{sign}{abs(offset_minutes) // 60:02d}:{abs(offset_minutes) % 60:02d}"
    return base + fraction + zone


class Generator:
    """Makes single conditions on one resource's fields, from the values its rows hold."""

    def __init__(self, rng: random.Random, w: Writer, fields: dict[str, ref.Field], pools: dict[str, list]):
        self.rng = rng
        self.w = w
        self.fields = fields
        self.pools = pools  # field name → the values of that field over the rows

    # pools ------------------------------------------------------------------------------

    def texts(self, name: str) -> list[str]:
        values = sorted({v for v in self.pools[name] if isinstance(v, str) and v and quotable(v)})
        return values or ["nothing-here"]

    def some_text(self, name: str) -> str:
        return self.rng.choice(self.texts(name))

    def piece(self, s: str, lo: int = 2, hi: int = 10) -> str:
        """A quotable substring of s."""
        for _ in range(20):
            n = self.rng.randint(lo, min(hi, max(lo, len(s))))
            start = self.rng.randint(0, max(0, len(s) - n))
            p = s[start:start + n]
            if quotable(p) and p:
                return p
        return "zz"

    def prefix(self, s: str) -> str:
        p = s[:self.rng.randint(1, min(12, len(s)))]
        return p if quotable(p) else "zz"

    def numbers(self, name: str) -> list:
        return sorted({v for v in self.pools[name] if isinstance(v, (int, float)) and not isinstance(v, bool)})

    # conditions -------------------------------------------------------------------------

    def condition(self, name: str, op: str) -> str:
        field = self.fields[name]
        if field.type == "MAP":
            return self.map_condition(name, op)
        make: Callable[[str, str], str] = {
            "TEXT": self.text_condition, "ENUM": self.text_condition, "INT": self.number_condition,
            "FLOAT": self.number_condition, "TIMESTAMP": self.timestamp_condition, "ARRAY": self.array_condition,
        }[field.type]
        return make(name, op)

    def text_value_literal(self, s: str) -> Any:
        """A text value as a literal: mostly quoted, a number literal for canonical numbers."""
        if CANONICAL_INT.fullmatch(s) and self.rng.random() < 0.6:
            return int(s)
        return s

    def text_literal(self, name: str) -> Any:
        r = self.rng.random()
        if r < 0.75:
            return self.text_value_literal(self.some_text(name))
        if r < 0.85:
            return self.rng.choice(["no-such-value", "", "CHAT", "Client ", "it's \"quoted\""])
        if r < 0.93:
            return self.rng.choice([4, 429, 0.5, -1, 2])
        return self.rng.choice([True, False])

    def text_pattern(self, name: str, op: str, source: Optional[str] = None) -> str:
        s = source if source is not None else self.some_text(name)
        base = op.replace("not_", "")
        r = self.rng.random()
        if base in ("like", "ilike"):
            if r < 0.3:
                p = self.prefix(s) + "%"
            elif r < 0.55:
                p = "%" + self.piece(s) + "%"
            elif r < 0.75:
                p = s if len(s) < 2 else (lambda i: s[:i] + "_" + s[i + 1:])(self.rng.randrange(len(s)))
                p = p if quotable(p) else "%"
            elif r < 0.85:
                p = "%" + self.piece(s, 1, 4)
            else:
                p = self.rng.choice(["%", "_%", "no-such%", "%\\_%", "%-%-%", "____"])
            if base == "ilike" and self.rng.random() < 0.7:
                p = "".join(c.upper() if self.rng.random() < 0.5 else c for c in p)
            return p
        if base == "contains":
            if r < 0.6:
                return self.piece(s)
            if r < 0.75:
                return self.piece(s).upper()
            return self.rng.choice(["", "no-such-text", "'", "-", "latest", " "])
        if base == "regexp":
            if r < 0.5:
                return self.rng.choice(REGEXPS)
            p = re.match(r"[A-Za-z0-9 _-]*", s).group()[:10]
            return ("^" + p) if p else "^$"
        raise ValueError(op)

    def text_condition(self, name: str, op: str) -> str:
        w = self.w
        if op in ("eq", "neq"):
            return w.cond(name, op, (self.text_literal(name),))
        if op in ("in", "not_in"):
            values = [self.text_literal(name) for _ in range(self.rng.randint(1, 3))]
            return w.cond(name, op, tuple(values))
        if op in MATCH_OPS:
            return w.cond(name, op, (self.text_pattern(name, op),))
        if op in ("exists", "not_exists"):
            return w.cond(name, op, ())
        if op == "hasToken":
            s = self.some_text(name)
            tokens = ref.words(s) or ["nothing"]
            r = self.rng.random()
            if r < 0.6:
                token = self.rng.choice(tokens)
            elif r < 0.75:
                token = self.rng.choice(tokens)[:-1] or "x"
            elif r < 0.85:
                token = self.rng.choice(tokens).swapcase()
            else:
                token = self.rng.choice(["nothing", "café", "2026", "mistral", "chat", "latest"])
            return w.cond(name, op, (token,))
        raise ValueError(f"{name} {op}")

    def threshold(self, values: list, float_ok: bool) -> Any:
        if not values:
            return 0
        r = self.rng.random()
        if r < 0.6:
            return self.rng.choice(values)
        if r < 0.75 and float_ok:
            return self.rng.choice([0.25, 0.3, 0.5, 0.95, 1.5, 4.5])
        if r < 0.85:
            v = self.rng.choice(values)
            return v + 1 if isinstance(v, int) else v
        return self.rng.choice([0, -1, 1, 10 ** 10, 1.5e8, -2.5])

    def number_condition(self, name: str, op: str) -> str:
        values = self.numbers(name)
        is_float = self.fields[name].type == "FLOAT"
        if op in ("eq", "neq", "lt", "lte", "gt", "gte"):
            return self.w.cond(name, op, (self.threshold(values, is_float),))
        if op in ("between", "not_between"):
            a, b = self.threshold(values, is_float), self.threshold(values, is_float)
            if self.rng.random() < 0.85:
                a, b = min(a, b), max(a, b)
            return self.w.cond(name, op, (a, b))
        if op in ("in", "not_in"):
            return self.w.cond(name, op, tuple(self.threshold(values, is_float) for _ in range(self.rng.randint(1, 3))))
        if op in ("exists", "not_exists"):
            return self.w.cond(name, op, ())
        raise ValueError(f"{name} {op}")

    def instant_literal(self, name: str) -> str:
        """A literal at, just before or just after an instant of the rows, in various forms."""
        instants = sorted({v if isinstance(v, int) else ref.instant_ns(v) for v in self.pools[name]} - {None})
        ns = self.rng.choice(instants)
        r = self.rng.random()
        if r < 0.35:
            return fmt_instant(ns)
        if r < 0.5:
            return fmt_instant(ns, digits=9)
        if r < 0.6:
            return fmt_instant(ns + 1, digits=9)
        if r < 0.7:
            return fmt_instant(ns - 1000, digits=9)
        if r < 0.85:
            return fmt_instant(ns, self.rng.choice([60, 120, -300, 330]), self.rng.choice([3, 6, 9]))
        return fmt_instant(ns, digits=0)

    def timestamp_condition(self, name: str, op: str) -> str:
        if op in ("eq", "neq", "lt", "lte", "gt", "gte"):
            return self.w.cond(name, op, (self.instant_literal(name),))
        if op in ("between", "not_between"):
            a, b = self.instant_literal(name), self.instant_literal(name)
            if self.rng.random() < 0.85 and ref.instant_ns(a) > ref.instant_ns(b):
                a, b = b, a
            return self.w.cond(name, op, (a, b))
        if op == "exists":
            return self.w.cond(name, op, ())
        raise ValueError(f"{name} {op}")

    def array_condition(self, name: str, op: str) -> str:
        elements = sorted({e for arr in self.pools[name] for e in arr if quotable(e)}) or ["x"]
        def element() -> str:
            return self.rng.choice(elements) if self.rng.random() < 0.8 else self.rng.choice(["no-such", "STOP", ""])
        if op in ("has", "contains", "not_contains"):
            return self.w.cond(name, op, (element(),))
        if op in ("hasAny", "hasAll"):
            values = [element() for _ in range(self.rng.randint(1, 3))]
            if self.rng.random() < 0.2:
                values = values + values[:1]  # duplicates
            return self.w.cond(name, op, tuple(values))
        if op in ("exists", "not_exists"):
            return self.w.cond(name, op, ())
        raise ValueError(f"{name} {op}")

    def map_keys(self, name: str) -> tuple[list[str], list[str]]:
        """(every key, the keys whose values are all numbers)."""
        entries = [m for m in self.pools[name] if isinstance(m, dict)]
        keys = sorted({k for m in entries for k in m if quotable(k)})
        numeric = [k for k in keys if all(ref.json_number(m[k]) is not None for m in entries if k in m)]
        return keys, numeric

    def map_values(self, name: str, key: str) -> list[str]:
        values = sorted({m[key] for m in self.pools[name] if isinstance(m, dict) and key in m and quotable(m[key])})
        return values or ["nothing-here"]

    def map_condition(self, name: str, op: str) -> str:
        w, rng = self.w, self.rng
        keys, numeric = self.map_keys(name)
        r = rng.random()
        key = rng.choice(keys) if r < 0.85 else rng.choice(["no.such.key", "Service.Name", "gen_ai"])
        want_number = op in ("eq", "neq", "lt", "lte", "gt", "gte", "between") and numeric and rng.random() < 0.5
        if want_number:
            key = rng.choice(numeric) if rng.random() < 0.85 else rng.choice(["error.type", "no.such.key", "server.address"])
            nums = sorted({ref.json_number(v) for v in self.map_values(name, key)} - {None}) or [0]
            def number() -> Any:
                return rng.choice(nums) if rng.random() < 0.7 else rng.choice([0, 1, 100, 0.5, 443, -1])
            if op == "between":
                a, b = sorted([number(), number()])
                return w.cond(name, op, (a, b), key)
            return w.cond(name, op, (number(),), key)
        values = self.map_values(name, key)
        def text() -> Any:
            r = rng.random()
            if r < 0.7:
                return self.text_value_literal(rng.choice(values))
            if r < 0.85:
                return rng.choice(["", "zzz", "a", "POST", "no-such-value"])
            return rng.choice([True, False])
        if op in ("eq", "neq", "lt", "lte", "gt", "gte"):
            v = text()
            return w.cond(name, op, (v if not isinstance(v, int) or isinstance(v, bool) else str(v),), key)
        if op == "between":
            a, b = sorted([str(rng.choice(values)), rng.choice(values + ["", "zzz"])])
            return w.cond(name, op, (a, b), key)
        if op in ("in", "not_in"):
            return w.cond(name, op, tuple(text() for _ in range(rng.randint(1, 3))), key)
        if op in MATCH_OPS:
            return w.cond(name, op, (self.text_pattern(name, op, rng.choice(values)),), key)
        if op in ("exists", "not_exists"):
            return w.cond(name, op, (), key)
        if op == "hasToken":
            tokens = ref.words(rng.choice(values)) or ["nothing"]
            token = rng.choice(tokens) if rng.random() < 0.8 else rng.choice(["nothing", "mistral", "443"])
            return w.cond(name, op, (token,), key)
        raise ValueError(f"{name} {op}")


def compound(rng: random.Random, w: Writer, atoms: list[str], depth: int) -> str:
    """AND/OR/NOT over atoms, nested up to `depth`, with and without parentheses and comments."""
    if depth == 0 or rng.random() < 0.25:
        return rng.choice(atoms)
    kind = rng.choice(["AND", "OR", "NOT", "AND", "OR"])
    if kind == "NOT":
        inner = compound(rng, w, atoms, depth - 1)
        return f"{w.kw('NOT')} ({inner})" if rng.random() < 0.7 else f"{w.kw('NOT')} {inner}"
    parts = []
    for _ in range(rng.randint(2, 3)):
        part = compound(rng, w, atoms, depth - 1)
        parts.append(f"({part})" if rng.random() < 0.6 else part)
    out = parts[0]
    for part in parts[1:]:
        sep = f" # {kind.lower()} this\n" if rng.random() < 0.15 else " "
        gap = rng.choice([" ", "\t", "\n  "])
        out += f"{sep}{w.kw(kind)}{gap}{part}"
    return out


def atoms_for(gen: Generator, names: list[str], per_op: int, per_field: int) -> list[str]:
    """`per_op` conditions for every operator of every type (on fields of that type, in turn),
    and `per_field` more on every field."""
    rng = gen.rng
    out: list[str] = []
    by_type: dict[str, list[str]] = {}
    for name in names:
        by_type.setdefault(gen.fields[name].type, []).append(name)
    for type_, members in sorted(by_type.items()):
        ops = sorted(set().union(*(gen.fields[n].operators for n in members)))
        for op in ops:
            able = [n for n in members if op in gen.fields[n].operators]
            for i in range(per_op):
                out.append(gen.condition(able[(i * 7 + len(out)) % len(able)], op))
    for name in names:
        for _ in range(per_field):
            out.append(gen.condition(name, rng.choice(sorted(gen.fields[name].operators))))
    return out


# --------------------------------------------------------------------------------------------
# The corpora
# --------------------------------------------------------------------------------------------

HAND_WRITTEN_SPANS: list[Optional[str]] = [
    None,
    "",
    "   \n\t",
    "# only a comment",
    "# a comment\n  # and another\n",
    "span_kind = 'Client' # trailing comment",
    "# leading comment\nspan_kind = 'Server'",
    "span_kind = 'Client'\n# AND status_code = 'Error'\n",
    "span_name CONTAINS '#' OR span_name = 'a # not a comment'",
    "(span_kind = 'Client')",
    "((((span_kind = 'Internal'))))",
    "NOT NOT span_kind = 'Client'",
    "not not not span_kind = 'Client'",
    "span_kind = 'Server' OR span_kind = 'Client' AND status_code = 'Error'",
    "(span_kind = 'Server' OR span_kind = 'Client') AND status_code = 'Error'",
    "NOT span_kind = 'Client' AND status_code = 'Ok'",
    "NOT (span_kind = 'Client' AND status_code = 'Ok')",
    "span_kind = 'Client' and status_code = 'Ok' or span_kind = 'Server'",
    "span_kind nOt In ('Client', 'Server')",
    "status_message = 'Unexpected role ''tool'' after role ''user'''",
    "status_message = 'Unexpected role \\'tool\\' after role \\'user\\''",
    "status_message LIKE '%role ''tool''%'",
    "status_message CONTAINS 'role \\'tool'",
    "input_messages CONTAINS 'I don''t know'",
    "input_messages CONTAINS 'I don\\'t know'",
    "hasToken(input_messages, 'don') AND hasToken(input_messages, 't')",
    "hasToken(input_messages, 'nContext')",
    "tool_name LIKE 'get\\_weather'",
    "tool_name LIKE 'get\\_%'",
    "tool_name LIKE 'get_weathe_'",
    "tool_name NOT LIKE '%\\_%'",
    "tool_name ILIKE 'GET\\_%'",
    "span_name LIKE '100\\%'",
    "span_name LIKE '%'",
    "span_name NOT LIKE '%'",
    "span_name LIKE ''",
    "service_name ILIKE '%BOT'",
    "span_name REGEXP 'mistral-(small|large)-latest$'",
    "span_name NOT REGEXP '^chat'",
    "agent_version = 4",
    "agent_version IN (2, 4)",
    "error_type = 429",
    "error_type != 429",
    "error_type IN (429, 'invalid_request_error')",
    "span_attributes['gen_ai.usage.input_tokens'] > 100",
    "span_attributes['gen_ai.usage.input_tokens'] >= 1606",
    "span_attributes['gen_ai.usage.input_tokens'] > '100'",
    "span_attributes['gen_ai.usage.input_tokens'] BETWEEN 100 AND 1000",
    "span_attributes['gen_ai.usage.input_tokens'] BETWEEN '100' AND '1000'",
    "span_attributes['gen_ai.request.temperature'] = 1",
    "span_attributes['gen_ai.request.temperature'] < 0.5",
    "span_attributes['gen_ai.request.top_k'] = 5",
    "span_attributes['http.response.status_code'] >= 400",
    "span_attributes['http.response.status_code'] = '200'",
    "span_attributes['http.response.status_code'] IN (429, 504)",
    "span_attributes['error.type'] > 0",
    "span_attributes['error.type'] < 1000",
    "span_attributes['error.type'] < 'a'",
    "span_attributes['app.feature_flag'] = true",
    "span_attributes['app.feature_flag'] = FALSE",
    "span_attributes['app.min_score'] BETWEEN 0.5 AND 0.7",
    "span_attributes['app.sampling.ratio'] = 0.25",
    "span_attributes['agent.trace.public'] EXISTS",
    "span_attributes['agent.trace.public'] = ''",
    "span_attributes['no.such.key'] = ''",
    "span_attributes['no.such.key'] NOT EXISTS",
    "span_attributes['no.such.key'] < 'a'",
    "span_attributes['no.such.key'] > -1",
    "NOT span_attributes['no.such.key'] > -1",
    "span_attributes['gen_ai.request.model'] != 'mistral-small-latest'",
    "resource_attributes['deployment.environment.name'] IN ('prod', 'staging')",
    "resource_attributes['deployment.environment.name'] NOT EXISTS",
    "resource_attributes['service.version'] LIKE '%-dev'",
    "resource_attributes['service.version'] > '1'",
    "request_temperature != 0.3",
    "request_temperature NOT IN (0.3, 0.1)",
    "request_temperature NOT BETWEEN 0 AND 0.2",
    "NOT request_temperature = 0.3",
    "request_temperature NOT EXISTS",
    "request_top_k = 5",
    "request_max_tokens NOT EXISTS",
    "duration_ns > 1.5e8",
    "duration_ns BETWEEN 52000000 AND 52000000",
    "usage_input_tokens > -1",
    "start_time EXISTS",
    "NOT start_time EXISTS",
    "start_time >= '2026-11-27T13:30:15.321991Z'",
    "start_time > '2026-11-27T13:30:15.321991Z'",
    "start_time = '2026-11-27T13:30:15.321991000Z'",
    "start_time = '2026-11-27T14:30:15.321991+01:00'",
    "start_time < '2026-11-27T13:30:15.321991001Z'",
    "start_time BETWEEN '2026-11-20T00:00:00Z' AND '2026-11-30T00:00:00Z'",
    "start_time NOT BETWEEN '2026-11-20T00:00:00Z' AND '2026-11-30T00:00:00Z'",
    "has(response_finish_reasons, 'stop')",
    "response_finish_reasons CONTAINS 'stop'",
    "response_finish_reasons NOT CONTAINS 'stop'",
    "hasAll(response_finish_reasons, ['stop', 'stop'])",
    "hasAll(response_finish_reasons, ['stop', 'tool_calls'])",
    "hasAny(response_finish_reasons, ['tool_calls', 'length'])",
    "HASANY(request_encoding_formats, ['float', 'base64'])",
    "has(request_stop_sequences, '\n')",
    "has(request_stop_sequences, '\n\n')",
    "request_stop_sequences EXISTS",
    "request_stop_sequences NOT EXISTS",
    "trace_state EXISTS",
    "trace_state = 'kestrel=s:1;r:eu,rojo=00f067aa0ba902b7'",
    "hasToken(trace_state, 'kestrel')",
    "hasToken(trace_state, 'rojo') AND NOT hasToken(trace_state, 's')",
    "parent_span_id NOT EXISTS",
    "service_account_id EXISTS",
    "service_account_id = ''",
]

HAND_WRITTEN_TRACES: list[Optional[str]] = [
    None,
    "",
    "# nothing but a comment",
    "status_code = 'Error'",
    "error_count > 0",
    "error_message EXISTS",
    "error_message NOT EXISTS",
    "NOT error_message EXISTS",
    "error_message = 'Requests rate limit exceeded'",
    "error_message CONTAINS 'rate limit'",
    "error_message ILIKE '%TIMEOUT%'",
    "error_message NOT LIKE '%rate%'",
    "NOT error_message LIKE '%rate%'",
    "hasToken(error_message, 'role')",
    "error_message REGEXP '^[A-Z]'",
    "error_message IN ('Requests rate limit exceeded', 'nope')",
    "span_attributes['gen_ai.usage.input_tokens'] > 1000",
    "NOT span_attributes['gen_ai.usage.input_tokens'] > 1000",
    "span_attributes['gen_ai.usage.input_tokens'] <= 1000",
    "span_attributes['http.response.status_code'] = 429",
    "span_attributes['error.type'] EXISTS",
    "span_attributes['error.type'] NOT EXISTS",
    "NOT span_attributes['error.type'] EXISTS",
    "span_attributes['gen_ai.request.model'] = 'codestral-latest'",
    "span_attributes['gen_ai.request.model'] != 'codestral-latest'",
    "span_attributes['gen_ai.tool.name'] IN ('get_weather', 'search_hotels')",
    "span_attributes['gen_ai.tool.name'] = 'get_weather' AND span_attributes['gen_ai.tool.name'] = 'search_hotels'",
    "span_attributes['no.such.key'] EXISTS",
    "span_attributes['no.such.key'] = ''",
    "resource_attributes['deployment.environment.name'] = 'dev'",
    "resource_attributes['cloud.region'] NOT EXISTS",
    "NOT resource_attributes['cloud.region'] EXISTS",
    "hasAny(models_used, ['mistral-embed', 'codestral-latest'])",
    "hasAll(models_used, ['mistral-embed', 'mistral-small-latest'])",
    "has(tools_used, 'get_weather') OR tools_used NOT EXISTS",
    "root_span_name LIKE 'POST %' AND span_count >= 4",
    "environment = '' AND NOT service_name IN ('support-bot')",
    "start_time BETWEEN '2026-11-20T00:00:00Z' AND '2026-11-30T00:00:00+02:00'",
]


def span_corpus(rng: random.Random, spans: list[dict], fields: dict[str, ref.Field]) -> list[Optional[str]]:
    w = Writer(rng)
    pools = {name: [row.get(name) for row in spans] for name in fields}
    gen = Generator(rng, w, fields, pools)
    atoms = atoms_for(gen, sorted(fields), per_op=3, per_field=2)
    nested = [compound(rng, w, atoms, rng.randint(1, 3)) for _ in range(110)]
    return HAND_WRITTEN_SPANS + atoms + nested


def trace_corpus(rng: random.Random, traces: list[dict], spans: list[dict],
                 fields: dict[str, ref.Field]) -> list[Optional[str]]:
    w = Writer(rng)
    pools: dict[str, list] = {name: [row.get(name) for row in traces] for name in fields}
    pools["span_attributes"] = [s["span_attributes"] for s in spans]
    pools["resource_attributes"] = [s["resource_attributes"] for s in spans]
    pools["error_message"] = [s["status_message"] for s in spans if s["status_code"] == "Error"]
    gen = Generator(rng, w, fields, pools)
    own = [n for n in sorted(fields) if n not in ("span_attributes", "resource_attributes", "error_message")]
    atoms = [gen.condition(n, rng.choice(sorted(fields[n].operators))) for n in own]
    any_span = []
    for name in ("span_attributes", "resource_attributes", "error_message"):
        for op in sorted(fields[name].operators):
            any_span.append(gen.condition(name, op))
    nested = [compound(rng, w, atoms + any_span * 2, rng.randint(1, 3)) for _ in range(25)]
    negated = [f"{w.kw('NOT')} {a}" for a in rng.sample(any_span, 8)]
    return HAND_WRITTEN_TRACES + atoms + any_span + negated + nested


# --------------------------------------------------------------------------------------------
# The session's data
# --------------------------------------------------------------------------------------------

def exact_instants(spans: list[dict], traces: list[dict]) -> tuple[list[dict], list[dict], int]:
    """The rows with start_time/end_time as integer nanoseconds, from the seeded fixture.

    The API renders instants with microseconds, but the seeded spans carry nanoseconds and the
    search compares instants at nanosecond precision, so the reference needs the exact values.
    A row keeps its RFC 3339 strings unless the fixture's value, truncated to microseconds, is
    exactly what the API shows (a trace spans from its first span's start to its last span's end).
    Returns the new rows and how many were made exact."""
    fixture = json.loads((FIXTURES / "telemetry" / "traces.json").read_text(encoding="utf-8"))
    exact: dict[tuple, tuple[int, int]] = {}
    for resource_spans in fixture.get("resourceSpans", []):
        for scope_spans in resource_spans.get("scopeSpans", []):
            for span in scope_spans.get("spans", []):
                exact[(span["traceId"], span["spanId"])] = (int(span["startTimeUnixNano"]), int(span["endTimeUnixNano"]))

    def shows(row: dict, start: int, end: int) -> bool:
        return (ref.instant_ns(row["start_time"]) == start // 1000 * 1000
                and ref.instant_ns(row["end_time"]) == end // 1000 * 1000 and row["duration_ns"] == end - start)

    made = 0
    new_spans, by_trace = [], {}
    for row in spans:
        row = dict(row)
        se = exact.get((row["trace_id"], row["span_id"]))
        if se and shows(row, *se):
            row["start_time"], row["end_time"] = se
            made += 1
            by_trace.setdefault(row["trace_id"], []).append(se)
        new_spans.append(row)
    new_traces = []
    for row in traces:
        row = dict(row)
        ses = by_trace.get(row["trace_id"])
        if ses:
            start, end = min(a for a, _ in ses), max(b for _, b in ses)
            if shows(row, start, end):
                row["start_time"], row["end_time"] = start, end
                made += 1
        new_traces.append(row)
    return new_spans, new_traces, made


@pytest.fixture(scope="module")
def world(base_url):
    api = Api(base_url)
    span_fields = api.fields("spans")
    trace_fields = api.fields("traces")
    spans, failed = api.search("spans", {})
    assert failed is None, failed.text
    traces, failed = api.search("traces", {})
    assert failed is None, failed.text
    assert len(spans) > 200 and len(traces) > 50, (len(spans), len(traces))
    assert len({(s["trace_id"], s["span_id"]) for s in spans}) == len(spans)
    spans, traces, made_exact = exact_instants(spans, traces)
    assert made_exact > (len(spans) + len(traces)) // 2, made_exact
    spans_by_trace: dict[str, list[dict]] = {}
    for s in spans:
        spans_by_trace.setdefault(s["trace_id"], []).append(s)
    return {"api": api, "span_fields": span_fields, "trace_fields": trace_fields, "spans": spans,
            "traces": traces, "spans_by_trace": spans_by_trace}


def span_key(row: dict) -> tuple:
    return (row["trace_id"], row["span_id"])


def trace_key(row: dict) -> tuple:
    return (row["trace_id"],)


def show(keys: set, limit: int = 6) -> str:
    items = sorted(keys)
    return ", ".join("/".join(k) for k in items[:limit]) + (f" … (+{len(items) - limit})" if len(items) > limit else "")


# --------------------------------------------------------------------------------------------
# The tests
# --------------------------------------------------------------------------------------------

@pytest.mark.operation(SEARCH_SPANS_OP, SEARCH_TRACES_OP)
def test_search_expressions_agree_with_the_reference(world, capsys):
    started = time.monotonic()
    api: Api = world["api"]
    span_exprs = span_corpus(random.Random(SEED), world["spans"], world["span_fields"])
    trace_exprs = trace_corpus(random.Random(SEED + 1), world["traces"], world["spans"], world["trace_fields"])
    assert len(span_exprs) >= 400 and len(trace_exprs) >= 60, (len(span_exprs), len(trace_exprs))

    disagreements: list[str] = []
    matched_some = {"spans": 0, "traces": 0}
    runs = [("spans", e, world["spans"], world["span_fields"], None, span_key) for e in span_exprs]
    runs += [("traces", e, world["traces"], world["trace_fields"], world["spans_by_trace"], trace_key) for e in trace_exprs]
    for resource, expr, rows, fields, spans_by_trace, key in runs:
        try:
            expected = {key(r) for r in ref.select(expr, rows, fields, spans_by_trace)}
        except (ref.ParseError, ref.SemanticError) as e:
            disagreements.append(f"[{resource}] {expr!r}: the corpus made an expression the reference rejects: {e}")
            continue
        got_rows, failed = api.search(resource, body_of(expr))
        if failed is not None:
            disagreements.append(f"[{resource}] {expr!r}: API answered {failed.status_code} {failed.text[:300]} "
                                 f"(reference: {len(expected)} rows)")
            continue
        got = [key(r) for r in got_rows]
        if len(got) != len(set(got)):
            disagreements.append(f"[{resource}] {expr!r}: API returned duplicate rows across pages")
        got_set = set(got)
        matched_some[resource] += bool(expected)
        if got_set != expected:
            disagreements.append(
                f"[{resource}] {expr!r}: API {len(got_set)} rows, reference {len(expected)} rows; "
                f"only in API: {show(got_set - expected)}; only in reference: {show(expected - got_set)}")

    elapsed = time.monotonic() - started
    assert not disagreements, (f"{len(disagreements)} of {len(runs)} expressions disagree:\n"
                               + "\n".join(disagreements))
    # The corpus is worth something only if many expressions select something.
    assert matched_some["spans"] > len(span_exprs) // 2, matched_some
    assert matched_some["traces"] > len(trace_exprs) // 3, matched_some
    with capsys.disabled():
        print(f"\ndifferential: {len(span_exprs)} span expressions and {len(trace_exprs)} trace expressions, "
              f"all agree ({api.requests} requests, {elapsed:.1f} s)")


# Malformed expressions (TRACES_FILTER_QUERY_PARSE_ERROR) and meaningless ones (SEARCH_BAD_REQUEST).
INVALID_SPANS = [
    ("span_name =", PARSE_ERROR),
    ("span_name = 'x", PARSE_ERROR),
    ("span_name = 'it''s", PARSE_ERROR),
    ("(span_kind = 'Client'", PARSE_ERROR),
    ("span_kind = 'Client')", PARSE_ERROR),
    ("span_kind 'Client'", PARSE_ERROR),
    ("AND span_kind = 'Client'", PARSE_ERROR),
    ("span_kind = 'Client' AND", PARSE_ERROR),
    ("span_kind = 'Client' OR OR status_code = 'Ok'", PARSE_ERROR),
    ("span_kind = 'Client' status_code = 'Ok'", PARSE_ERROR),
    ("span_kind IN ()", PARSE_ERROR),
    ("span_kind IN ('a',)", PARSE_ERROR),
    ("span_kind IN 'a'", PARSE_ERROR),
    ("duration_ns BETWEEN 1 5", PARSE_ERROR),
    ("duration_ns BETWEEN 1 OR 5", PARSE_ERROR),
    ("span_name LIKE 5", PARSE_ERROR),
    ("span_name CONTAINS true", PARSE_ERROR),
    ("has(request_stop_sequences 'x')", PARSE_ERROR),
    ("hasAny(response_finish_reasons, [])", PARSE_ERROR),
    ("hasAny(response_finish_reasons, ['stop')", PARSE_ERROR),
    ("span_attributes[5] = 'x'", PARSE_ERROR),
    ("span_attributes['k' = 'x'", PARSE_ERROR),
    ("span_kind = Client", PARSE_ERROR),
    ("span_kind == 'Client'", PARSE_ERROR),
    ("span_kind NOT = 'Client'", PARSE_ERROR),
    ("span_kind IS NULL", PARSE_ERROR),
    ("span_name EXISTS NOT", PARSE_ERROR),
    ("span_kind = 'Client' ; status_code = 'Ok'", PARSE_ERROR),
    ("span_kind = @x", PARSE_ERROR),
    ("span_kind = 'a' 'b'", PARSE_ERROR),
    ("NOT", PARSE_ERROR),
    ("()", PARSE_ERROR),
    ("'Client' = span_kind", PARSE_ERROR),
    ("# comment\nspan_kind =\n", PARSE_ERROR),
    ("no_such_field = 'x'", BAD_REQUEST),
    ("Span_name = 'x'", BAD_REQUEST),
    ("span_kind = 'Client' AND nope EXISTS", BAD_REQUEST),
    ("duration_ns = 'abc'", BAD_REQUEST),
    ("duration_ns IN (1, 'x')", BAD_REQUEST),
    ("duration_ns BETWEEN 1 AND '5'", BAD_REQUEST),
    ("request_temperature > true", BAD_REQUEST),
    ("start_time > 5", BAD_REQUEST),
    ("start_time = 'yesterday'", BAD_REQUEST),
    ("start_time BETWEEN '2026-11-01T00:00:00Z' AND 5", BAD_REQUEST),
    ("has(span_name, 'x')", BAD_REQUEST),
    ("hasAny(span_kind, ['Client'])", BAD_REQUEST),
    ("span_name['k'] = 'x'", BAD_REQUEST),
    ("span_attributes = 'x'", BAD_REQUEST),
    ("hasToken(span_name, 'two words')", BAD_REQUEST),
    ("hasToken(span_name, '')", BAD_REQUEST),
    ("hasToken(span_name, 'a-b')", BAD_REQUEST),
    ("span_attributes['k'] BETWEEN 1 AND 'x'", BAD_REQUEST),
    ("NOT (span_kind = 'Client' OR span_name < 'b')", BAD_REQUEST),
]

INVALID_TRACES = [
    ("status_code = ", PARSE_ERROR),
    ("error_message LIKE", PARSE_ERROR),
    ("span_name = 'x'", BAD_REQUEST),
    ("error_message > 'a'", BAD_REQUEST),
    ("models_used = 'x'", BAD_REQUEST),
    ("has(root_span_name, 'x')", BAD_REQUEST),
    ("error_count = 'one'", BAD_REQUEST),
]

# One literal list per operator, of the right shape for a field of each type, to try every
# operator a type does not support.
LITERALS_FOR_TYPE = {
    "TEXT": "x", "ENUM": "x", "INT": 1, "FLOAT": 0.5, "TIMESTAMP": "2026-11-02T10:00:00Z", "ARRAY": "x", "MAP": "x",
}


def unsupported(fields: dict[str, ref.Field], rng: random.Random) -> list[tuple[str, str]]:
    """For one field of each type, an expression with each operator it does not support."""
    w = Writer(rng)
    w.kw = lambda word: word.upper()  # type: ignore[method-assign]
    out = []
    seen_types = set()
    for name in sorted(fields):
        field = fields[name]
        if field.type in seen_types:
            continue
        seen_types.add(field.type)
        v = LITERALS_FOR_TYPE[field.type]
        key = "k" if field.type == "MAP" else None
        for op in ALL_OPS:
            if op in field.operators:
                continue
            if op in MATCH_OPS or op == "hasToken":
                values: tuple = ("x",)
            elif op in ("between", "not_between"):
                values = (v, v)
            elif op in ("in", "not_in", "hasAny", "hasAll"):
                values = (v, v)
            elif op in ("exists", "not_exists"):
                values = ()
            else:
                values = (v,)
            out.append((w.cond(name, op, values, key), BAD_REQUEST))
    return out


@pytest.mark.operation(SEARCH_SPANS_OP, SEARCH_TRACES_OP)
def test_invalid_expressions_are_400_with_the_right_error_code(world):
    api: Api = world["api"]
    cases = [("spans", e, c) for e, c in INVALID_SPANS + unsupported(world["span_fields"], random.Random(SEED))]
    cases += [("traces", e, c) for e, c in INVALID_TRACES + unsupported(world["trace_fields"], random.Random(SEED))]
    assert len(cases) > 80, len(cases)
    problems = []
    for resource, expr, code in cases:
        fields = world["span_fields"] if resource == "spans" else world["trace_fields"]
        # The reference must classify it the same way (this keeps the corpus honest).
        try:
            ref.compile_expression(expr, fields)
            ref_code = None
        except ref.ParseError:
            ref_code = PARSE_ERROR
        except ref.SemanticError:
            ref_code = BAD_REQUEST
        if ref_code != code:
            problems.append(f"[{resource}] {expr!r}: reference says {ref_code}, the corpus expects {code}")
        r = api.post(resource, body_of(expr))
        if r.status_code != 400:
            problems.append(f"[{resource}] {expr!r}: expected 400 {code}, got {r.status_code} {r.text[:200]}")
            continue
        body = r.json()
        detail = body.get("detail") if isinstance(body, dict) else None
        if not isinstance(detail, dict) or detail.get("error_code") != code:
            problems.append(f"[{resource}] {expr!r}: expected {code}, got {r.text[:300]}")
            continue
        message = detail.get("message") or ""
        found = re.search(r"column (\d+)", message)
        if not found:
            problems.append(f"[{resource}] {expr!r}: message has no 'column N': {message!r}")
        elif not 1 <= int(found.group(1)) <= len(expr) + 1:
            problems.append(f"[{resource}] {expr!r}: column {found.group(1)} is outside the expression: {message!r}")
    assert not problems, f"{len(problems)} of {len(cases)} invalid expressions:\n" + "\n".join(problems)


def test_the_reference_itself():
    """A few hand-checked facts about the oracle, independent of the emulator."""
    assert ref.like("get\\_weather", "get_weather") and not ref.like("get\\_weather", "getXweather")
    assert ref.like("get_weather", "getXweather") and ref.like("%", "") and ref.like("a%", "a\nb")
    assert ref.like("100\\%", "100%") and not ref.like("100\\%", "1000")
    assert ref.words("a-b c_d e\\nf 42x") == ["a", "b", "c", "d", "e", "nf", "42x"]
    assert ref.json_number("1.0") == 1.0 and ref.json_number("01") is None and ref.json_number("1.") is None
    assert ref.json_number("-2e3") == -2000.0 and ref.json_number(" 1") is None and ref.json_number("") is None
    assert ref.instant_ns("2026-11-27T14:30:15.321991+01:00") == ref.instant_ns("2026-11-27T13:30:15.321991000Z")
    assert ref.instant_ns("1970-01-01T00:00:00.000000001Z") == 1
    assert ref.literal_text(5) == "5" and ref.literal_text(0.5) == "0.5" and ref.literal_text(True) == "true"
    assert ref.parse("  # nothing\n") is None and ref.parse(None) is None
    node = ref.parse("a = 1 OR b = 2 AND NOT c = 3")
    assert isinstance(node, ref.Or) and isinstance(node.parts[1], ref.And) and isinstance(node.parts[1].parts[1], ref.Not)
    assert ref.parse("x = 'it''s'") == ref.parse("x = 'it\\'s'")
    assert ref.parse("x nOt ExIsTs") == ref.Cond(ref.Operand("x", None, 1), "not_exists", ())
    assert ref.parse("hAsAnY(a, [1, 'b', true])") == ref.Cond(ref.Operand("a", None, 8), "hasAny", (1, "b", True))
    with pytest.raises(ref.ParseError):
        ref.parse("x = ")
    fields = {"t": ref.Field("t", "TEXT", frozenset({"eq", "exists"})),
              "n": ref.Field("n", "FLOAT", frozenset({"eq", "not_in", "exists", "not_exists"})),
              "m": ref.Field("m", "MAP", frozenset({"eq", "lt", "exists"}))}
    row = {"t": "", "n": None, "m": {"k": "10", "s": "abc"}}
    def sel(e):
        return bool(ref.select(e, [row], fields))
    assert not sel("t EXISTS") and sel("NOT t EXISTS") and sel("t = ''")
    assert not sel("n = 1") and not sel("n NOT IN (1)") and sel("NOT n = 1") and sel("n NOT EXISTS")
    assert sel("m['k'] = 10") and not sel("m['k'] < 9.5") and sel("m['k'] < '9'") and sel("m['x'] = ''")
    assert not sel("m['s'] < 1") and not sel("NOT m['s'] EXISTS") and sel("m['x'] < 'a'")
    with pytest.raises(ref.SemanticError):
        ref.compile_expression("t < 'a'", fields)
    with pytest.raises(ref.SemanticError):
        ref.compile_expression("n = 'a'", fields)
