"""A plain reference implementation of the search expression language (spans and traces search).

This is the oracle of test_search_differential.py: a tokenizer, a recursive-descent parser, a
checker (unknown fields, unsupported operators, wrong literal types) and an evaluator over the
rows as the API returns them (a row's start_time/end_time may also be given as integer
nanoseconds, the precision the search compares at). It is written to be obviously right, not fast.

    expr     := or ;   or := and ("OR" and)* ;   and := not ("AND" not)* ;   not := "NOT" not | primary
    primary  := "(" expr ")" | cond | func "(" operand "," (literal | "[" literal ("," literal)* "]") ")"
    cond     := operand ("=" | "!=" | "<>" | "<" | "<=" | ">" | ">=") literal
              | operand ["NOT"] ("LIKE" | "ILIKE" | "CONTAINS" | "REGEXP") string
              | operand ["NOT"] "BETWEEN" literal "AND" literal
              | operand ["NOT"] "IN" "(" literal ("," literal)* ")"
              | operand ("EXISTS" | "NOT" "EXISTS")
    func     := "has" | "hasAny" | "hasAll" | "hasToken"
    operand  := field | field "[" string "]"
    literal  := string | number | "true" | "false"

Keywords and function names are case-insensitive, field names are not; `#` starts a comment to
the end of the line; strings are single-quoted, `''` or `\\'` for a quote (and `\\\\` for a
backslash; any other backslash is kept as is). Every condition is two-valued, so NOT is the plain
complement.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Optional, Union


class ParseError(Exception):
    """A syntax error (the API's TRACES_FILTER_QUERY_PARSE_ERROR)."""

    def __init__(self, message: str, column: int):
        super().__init__(f"column {column}: {message}")
        self.column = column


class SemanticError(Exception):
    """An unknown field, an unsupported operator or a wrong literal (the API's SEARCH_BAD_REQUEST)."""

    def __init__(self, message: str, column: int):
        super().__init__(f"column {column}: {message}")
        self.column = column


# --------------------------------------------------------------------------------------------
# Syntax tree
# --------------------------------------------------------------------------------------------

Literal = Union[str, int, float, bool]


@dataclass(frozen=True)
class Operand:
    field: str
    key: Optional[str]  # the entry of a map field, as in span_attributes['key']
    column: int


@dataclass(frozen=True)
class And:
    parts: tuple


@dataclass(frozen=True)
class Or:
    parts: tuple


@dataclass(frozen=True)
class Not:
    inner: Any


@dataclass(frozen=True)
class Cond:
    """One condition. `op` is the operator's name as /fields lists it in supported_operators
    (eq, neq, lt, lte, gt, gte, like, not_like, ilike, not_ilike, contains, not_contains,
    regexp, not_regexp, between, not_between, in, not_in, exists, not_exists, has, hasAny,
    hasAll, hasToken); `values` are its literals (the pattern of a match, both bounds of a
    BETWEEN, the items of IN and of a function's list)."""
    operand: Operand
    op: str
    values: tuple


# --------------------------------------------------------------------------------------------
# Tokenizer
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Token:
    kind: str  # word, string, number, symbol, end
    value: Any
    column: int  # 1-based


NUMBER_TOKEN = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
WORD_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
SYMBOLS = ["!=", "<>", "<=", ">=", "(", ")", "[", "]", ",", "=", "<", ">"]


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        c = text[i]
        column = i + 1
        if c in " \t\r\n":
            i += 1
            continue
        if c == "#":
            while i < len(text) and text[i] != "\n":
                i += 1
            continue
        word = WORD_TOKEN.match(text, i)
        if word:
            tokens.append(Token("word", word.group(), column))
            i = word.end()
            continue
        if c.isdigit() or (c in "-." and i + 1 < len(text) and text[i + 1].isdigit()):
            number = NUMBER_TOKEN.match(text, i)
            if not number:
                raise ParseError(f"bad number at {text[i:i + 20]!r}", column)
            raw = number.group()
            value: Union[int, float] = int(raw) if re.fullmatch(r"-?[0-9]+", raw) else float(raw)
            tokens.append(Token("number", value, column))
            i = number.end()
            continue
        if c == "'":
            i += 1
            chars: list[str] = []
            closed = False
            while i < len(text):
                d = text[i]
                if d == "\\" and i + 1 < len(text) and text[i + 1] in "'\\":
                    chars.append(text[i + 1])
                    i += 2
                elif d == "'" and i + 1 < len(text) and text[i + 1] == "'":
                    chars.append("'")
                    i += 2
                elif d == "'":
                    i += 1
                    closed = True
                    break
                else:
                    chars.append(d)
                    i += 1
            if not closed:
                raise ParseError("string not closed", column)
            tokens.append(Token("string", "".join(chars), column))
            continue
        for symbol in SYMBOLS:
            if text.startswith(symbol, i):
                tokens.append(Token("symbol", symbol, column))
                i += len(symbol)
                break
        else:
            raise ParseError(f"unexpected character {c!r}", column)
    tokens.append(Token("end", None, len(text) + 1))
    return tokens


# --------------------------------------------------------------------------------------------
# Parser
# --------------------------------------------------------------------------------------------

COMPARISONS = {"=": "eq", "!=": "neq", "<>": "neq", "<": "lt", "<=": "lte", ">": "gt", ">=": "gte"}
FUNCTIONS = {"has": "has", "hasany": "hasAny", "hasall": "hasAll", "hastoken": "hasToken"}
MATCHES = ["LIKE", "ILIKE", "CONTAINS", "REGEXP"]


class Parser:
    def __init__(self, text: str):
        self.tokens = tokenize(text)
        self.pos = 0

    # helpers ----------------------------------------------------------------------------

    @property
    def tok(self) -> Token:
        return self.tokens[self.pos]

    def error(self, expected: str) -> ParseError:
        return ParseError(f"expected {expected}, found {self.tok.kind} {self.tok.value!r}", self.tok.column)

    def is_keyword(self, keyword: str) -> bool:
        return self.tok.kind == "word" and self.tok.value.upper() == keyword

    def take_keyword(self, keyword: str) -> bool:
        if self.is_keyword(keyword):
            self.pos += 1
            return True
        return False

    def take_symbol(self, symbol: str) -> bool:
        if self.tok.kind == "symbol" and self.tok.value == symbol:
            self.pos += 1
            return True
        return False

    def expect_symbol(self, symbol: str) -> None:
        if not self.take_symbol(symbol):
            raise self.error(repr(symbol))

    # grammar ----------------------------------------------------------------------------

    def parse(self):
        if self.tok.kind == "end":
            return None  # empty or comments only: every row
        node = self.parse_or()
        if self.tok.kind != "end":
            raise self.error("AND, OR or the end of the expression")
        return node

    def parse_or(self):
        parts = [self.parse_and()]
        while self.take_keyword("OR"):
            parts.append(self.parse_and())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def parse_and(self):
        parts = [self.parse_not()]
        while self.take_keyword("AND"):
            parts.append(self.parse_not())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def parse_not(self):
        if self.take_keyword("NOT"):
            return Not(self.parse_not())
        return self.parse_primary()

    def parse_primary(self):
        if self.take_symbol("("):
            inner = self.parse_or()
            self.expect_symbol(")")
            return inner
        if self.tok.kind != "word":
            raise self.error("a field, a function or '('")
        following = self.tokens[self.pos + 1]
        function = FUNCTIONS.get(self.tok.value.lower())
        if function and following.kind == "symbol" and following.value == "(":
            self.pos += 2
            operand = self.parse_operand()
            self.expect_symbol(",")
            if self.take_symbol("["):
                values = self.parse_literal_list("]")
            else:
                values = [self.parse_literal()]
            self.expect_symbol(")")
            return Cond(operand, function, tuple(values))
        return self.parse_condition(self.parse_operand())

    def parse_operand(self) -> Operand:
        if self.tok.kind != "word":
            raise self.error("a field name")
        field, column = self.tok.value, self.tok.column
        self.pos += 1
        if not self.take_symbol("["):
            return Operand(field, None, column)
        if self.tok.kind != "string":
            raise self.error("a quoted key")
        key = self.tok.value
        self.pos += 1
        self.expect_symbol("]")
        return Operand(field, key, column)

    def parse_condition(self, operand: Operand) -> Cond:
        if self.tok.kind == "symbol" and self.tok.value in COMPARISONS:
            op = COMPARISONS[self.tok.value]
            self.pos += 1
            return Cond(operand, op, (self.parse_literal(),))
        negated = self.take_keyword("NOT")
        prefix = "not_" if negated else ""
        if self.take_keyword("EXISTS"):
            return Cond(operand, prefix + "exists", ())
        for match in MATCHES:
            if self.take_keyword(match):
                if self.tok.kind != "string":
                    raise self.error(f"a quoted string after {match}")
                pattern = self.tok.value
                self.pos += 1
                return Cond(operand, prefix + match.lower(), (pattern,))
        if self.take_keyword("BETWEEN"):
            low = self.parse_literal()
            if not self.take_keyword("AND"):
                raise self.error("AND between the bounds of BETWEEN")
            high = self.parse_literal()
            return Cond(operand, prefix + "between", (low, high))
        if self.take_keyword("IN"):
            self.expect_symbol("(")
            return Cond(operand, prefix + "in", tuple(self.parse_literal_list(")")))
        raise self.error("an operator")

    def parse_literal_list(self, closing: str) -> list:
        values = [self.parse_literal()]
        while self.take_symbol(","):
            values.append(self.parse_literal())
        self.expect_symbol(closing)
        return values

    def parse_literal(self) -> Literal:
        tok = self.tok
        if tok.kind in ("string", "number"):
            self.pos += 1
            return tok.value
        if tok.kind == "word" and tok.value.lower() in ("true", "false"):
            self.pos += 1
            return tok.value.lower() == "true"
        raise self.error("a value: a quoted string, a number, true or false")


def parse(text: Optional[str]):
    """The syntax tree of `text`; None (every row) for a null, empty or comment-only expression."""
    if text is None:
        return None
    return Parser(text).parse()


def conditions(node) -> Iterable[Cond]:
    if node is None:
        return
    if isinstance(node, Cond):
        yield node
    elif isinstance(node, Not):
        yield from conditions(node.inner)
    else:
        for part in node.parts:
            yield from conditions(part)


# --------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------

def is_number(literal: Literal) -> bool:
    return isinstance(literal, (int, float)) and not isinstance(literal, bool)


def literal_text(literal: Literal) -> str:
    """A literal compared with text: 5 → '5', 0.5 → '0.5', true → 'true'."""
    if isinstance(literal, bool):
        return "true" if literal else "false"
    if isinstance(literal, (int, float)):
        return repr(literal)
    return literal


JSON_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")


def json_number(text: Optional[str]) -> Optional[Union[int, float]]:
    """A map entry read as a number: only when its whole text is a JSON number."""
    if text is None or not JSON_NUMBER.fullmatch(text):
        return None
    if re.fullmatch(r"-?[0-9]+", text):
        return int(text)
    return float(text)


RFC3339 = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})")


def instant_ns(text: Any) -> Optional[int]:
    """An RFC 3339 date-time as integer nanoseconds since the epoch (None if it is not one)."""
    if not isinstance(text, str):
        return None
    m = RFC3339.fullmatch(text)
    if not m:
        return None
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    if not (1 <= month <= 12 and 1 <= day <= 31 and hour <= 23 and minute <= 59 and second <= 60):
        return None
    seconds = calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0))
    fraction = (m.group(7) or ".")[1:]
    nanos = int((fraction + "000000000")[:9])
    zone = m.group(8)
    if zone not in ("Z", "z"):
        sign = 1 if zone[0] == "+" else -1
        seconds -= sign * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60)
    return seconds * 1_000_000_000 + nanos


def like_regex(pattern: str) -> "re.Pattern[str]":
    """A LIKE pattern as a regex: `%` any run, `_` one character, `\\` escapes the next one."""
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        if c == "%":
            out.append(".*")
        elif c == "_":
            out.append(".")
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out), re.DOTALL)


def like(pattern: str, value: str) -> bool:
    return like_regex(pattern).fullmatch(value) is not None


def is_word_char(c: str) -> bool:
    return c.isalpha() or c.isnumeric()


def words(text: str) -> list[str]:
    """Maximal runs of letters and digits."""
    out: list[str] = []
    current = ""
    for c in text:
        if is_word_char(c):
            current += c
        else:
            if current:
                out.append(current)
            current = ""
    if current:
        out.append(current)
    return out


def has_token(text: str, token: str) -> bool:
    return token in words(text)


ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b,
    "neq": lambda a, b: a != b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
}


# --------------------------------------------------------------------------------------------
# Checking an expression against the fields (the API's SEARCH_BAD_REQUEST cases)
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Field:
    name: str
    type: str  # ENUM TEXT INT FLOAT BOOL TIMESTAMP ARRAY MAP
    operators: frozenset


def fields_from_listing(listing: dict) -> dict[str, Field]:
    """The fields of a GET …/fields answer, by name."""
    return {f["name"]: Field(f["name"], f["type"], frozenset(f["supported_operators"]))
            for f in listing["field_definitions"]}


def check(node, fields: dict[str, Field]) -> None:
    """Raises SemanticError for an unknown field, an operator the field does not support or a
    literal of the wrong type."""
    for cond in conditions(node):
        check_condition(cond, fields)


def check_condition(cond: Cond, fields: dict[str, Field]) -> None:
    operand = cond.operand

    def bad(message: str) -> SemanticError:
        return SemanticError(message, operand.column)

    field = fields.get(operand.field)
    if field is None:
        raise bad(f"unknown field {operand.field!r}")
    if operand.key is not None and field.type != "MAP":
        raise bad(f"{field.name} is not a map")
    if operand.key is None and field.type == "MAP" and cond.op not in ("exists", "not_exists"):
        raise bad(f"{field.name} is a map: name an entry")
    if cond.op not in field.operators:
        raise bad(f"operator {cond.op} is not supported by {field.name} ({field.type})")
    literals = cond.values if cond.op not in ("like", "not_like", "ilike", "not_ilike", "contains",
                                              "not_contains", "regexp", "not_regexp") else ()
    if field.type in ("INT", "FLOAT"):
        if not all(is_number(v) for v in literals):
            raise bad(f"{field.name} is a number: compare it with a number")
    if field.type == "TIMESTAMP":
        if not all(instant_ns(v) is not None for v in literals):
            raise bad(f"{field.name} is a timestamp: compare it with a quoted RFC 3339 date-time")
    if field.type == "MAP" and cond.op == "between":
        numbers = [is_number(v) for v in cond.values]
        if any(numbers) and not all(numbers):
            raise bad("a numeric BETWEEN needs two numbers")
    if cond.op == "has" and len(cond.values) != 1:
        raise bad("has takes one value")
    if cond.op == "hasToken":
        token = cond.values[0] if len(cond.values) == 1 else None
        if not isinstance(token, str) or not token or not all(is_word_char(c) for c in token):
            raise bad("hasToken needs one word of letters and digits")


# --------------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------------

def text_condition(value: str, op: str, values: tuple) -> bool:
    """A condition on a string (a TEXT/ENUM column, or a map entry read as text)."""
    if op in ORDER:
        return ORDER[op](value, literal_text(values[0]))
    if op in ("between", "not_between"):
        inside = literal_text(values[0]) <= value <= literal_text(values[1])
        return inside if op == "between" else not inside
    if op in ("in", "not_in"):
        member = value in [literal_text(v) for v in values]
        return member if op == "in" else not member
    negated = op.startswith("not_")
    base = op[4:] if negated else op
    if base == "like":
        result = like(values[0], value)
    elif base == "ilike":
        result = like(values[0].lower(), value.lower())
    elif base == "contains":
        result = values[0] in value
    elif base == "regexp":
        result = re.search(values[0], value) is not None
    elif base == "exists":
        result = value != ""
    elif op == "hasToken":
        result = has_token(value, values[0])
    else:
        raise ValueError(f"no text operator {op}")
    return not result if negated else result


def number_condition(value: Optional[Union[int, float]], op: str, values: tuple) -> bool:
    """A condition on a number; a null number matches nothing but NOT EXISTS."""
    if op == "exists":
        return value is not None
    if op == "not_exists":
        return value is None
    if value is None:
        return False
    if op in ORDER:
        return ORDER[op](value, values[0])
    if op == "between":
        return values[0] <= value <= values[1]
    if op == "not_between":
        return not (values[0] <= value <= values[1])
    if op == "in":
        return value in values
    if op == "not_in":
        return value not in values
    raise ValueError(f"no number operator {op}")


def timestamp_condition(value: Union[str, int], op: str, values: tuple) -> bool:
    """A condition on an instant; the row's value is an RFC 3339 string or integer nanoseconds."""
    if op == "exists":
        return True
    ns = value if isinstance(value, int) else instant_ns(value)
    assert ns is not None, f"row timestamp {value!r} is not RFC 3339"
    bounds = [instant_ns(v) for v in values]
    if op in ORDER:
        return ORDER[op](ns, bounds[0])
    if op == "between":
        return bounds[0] <= ns <= bounds[1]
    if op == "not_between":
        return not (bounds[0] <= ns <= bounds[1])
    raise ValueError(f"no timestamp operator {op}")


def array_condition(value: list, op: str, values: tuple) -> bool:
    wanted = [literal_text(v) for v in values]
    if op in ("has", "contains"):
        return wanted[0] in value
    if op == "not_contains":
        return wanted[0] not in value
    if op == "hasAny":
        return any(w in value for w in wanted)
    if op == "hasAll":
        return all(w in value for w in set(wanted))
    if op == "exists":
        return len(value) > 0
    if op == "not_exists":
        return len(value) == 0
    raise ValueError(f"no array operator {op}")


def map_condition(entries: dict, key: Optional[str], op: str, values: tuple) -> bool:
    if key is None:  # the whole map: only EXISTS / NOT EXISTS
        return bool(entries) if op == "exists" else not entries
    if op == "exists":
        return key in entries
    if op == "not_exists":
        return key not in entries
    numeric = (op in ORDER and is_number(values[0])) or (op == "between" and all(is_number(v) for v in values))
    if numeric:
        number = json_number(entries.get(key))
        if number is None:
            return False
        if op == "between":
            return values[0] <= number <= values[1]
        return ORDER[op](number, values[0])
    return text_condition(entries.get(key, ""), op, values)


def condition(cond: Cond, row: dict, field: Field) -> bool:
    """One condition on one row (a span, or a trace's own column)."""
    value = row[field.name]
    if field.type in ("TEXT", "ENUM"):
        return text_condition(value, cond.op, cond.values)
    if field.type in ("INT", "FLOAT"):
        return number_condition(value, cond.op, cond.values)
    if field.type == "TIMESTAMP":
        return timestamp_condition(value, cond.op, cond.values)
    if field.type == "ARRAY":
        return array_condition(value, cond.op, cond.values)
    if field.type == "MAP":
        return map_condition(value, cond.operand.key, cond.op, cond.values)
    if field.type == "BOOL":
        if cond.op in ("exists", "not_exists"):
            return (value is not None) == (cond.op == "exists")
        return number_condition(value, cond.op, cond.values)
    raise ValueError(f"no field type {field.type}")


# On traces, these fields are not columns of the trace row: they match when any span of the
# trace matches.
ANY_SPAN_MAPS = ("span_attributes", "resource_attributes")
ERROR_MESSAGE = "error_message"
STATUS_MESSAGE = Field("status_message", "TEXT", frozenset())


def evaluate(node, row: dict, fields: dict[str, Field], spans: Optional[list[dict]] = None) -> bool:
    """Whether `row` matches the parsed expression. For a trace row, `spans` are the spans of
    that trace (same trace_id), which the any-span fields read."""
    if node is None:
        return True
    if isinstance(node, And):
        return all(evaluate(p, row, fields, spans) for p in node.parts)
    if isinstance(node, Or):
        return any(evaluate(p, row, fields, spans) for p in node.parts)
    if isinstance(node, Not):
        return not evaluate(node.inner, row, fields, spans)
    field = fields[node.operand.field]
    if spans is not None and field.name in ANY_SPAN_MAPS:
        return any(condition(node, span, field) for span in spans)
    if spans is not None and field.name == ERROR_MESSAGE:
        return any(span["status_code"] == "Error" and condition(node, span, STATUS_MESSAGE) for span in spans)
    return condition(node, row, field)


def compile_expression(text: Optional[str], fields: dict[str, Field]):
    """Parses and checks `text`; raises ParseError or SemanticError."""
    node = parse(text)
    check(node, fields)
    return node


def select(text: Optional[str], rows: list[dict], fields: dict[str, Field],
           spans_by_trace: Optional[dict[str, list[dict]]] = None) -> list[dict]:
    """The rows `text` matches. Pass spans_by_trace (trace_id → spans) when the rows are traces."""
    node = compile_expression(text, fields)
    if spans_by_trace is None:
        return [r for r in rows if evaluate(node, r, fields)]
    return [r for r in rows if evaluate(node, r, fields, spans_by_trace.get(r["trace_id"], []))]
