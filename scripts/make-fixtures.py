#!/usr/bin/env python3
"""Generate the seed data of the Mistral Observability emulator from scripts/fixtures-data/.

    python3 scripts/make-fixtures.py                    # writes Fixtures/events.jsonl, judges.json, README.md
    python3 scripts/make-fixtures.py --check            # validates Fixtures/, that it is current, and the verdicts
    python3 scripts/make-fixtures.py --stats            # prints the counts pasted into Fixtures/README.md
    python3 scripts/make-fixtures.py --update-verdicts  # records the binary's verdicts in verdicts.json

The conversations are data: scripts/fixtures-data/conversations/<language>.json holds text pools
and scenarios, each a list of steps (say, call a tool, branch at random) that this program runs
with one seeded random.Random, so two runs give byte-identical files. The judges and the verdicts
they must give on every fixture event are data too; the verdicts are checked against the
emulator's own rule engine by asking the built binary (its live-judging operation), not by a
second engine here. Standard library only.
"""

import argparse
import datetime as dt
import http.client
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "scripts" / "fixtures-data"
FIXTURES = ROOT / "Fixtures"
UTC = dt.timezone.utc


def load(name):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


CAT = load("catalogue.json")
WORLD = load("world.json")
SEED, N_EVENTS, DECK_SIZE = CAT["seed"], CAT["events"], CAT["deck_size"]
START, END = (dt.datetime.fromisoformat(CAT[k]).replace(tzinfo=UTC) for k in ("start", "end"))
DOC_IDS = [d["id"] for d in CAT["documentation_events"]]
MODELS, AGENTS, TOOLS, APPS, SPEED = CAT["models"], CAT["agents"], CAT["tools"], CAT["apps"], CAT["speed"]
SYSTEM = load("system-prompts.json")
# Judges keep their instructions as a list of lines, for reading; the API takes one string.
JUDGES = [dict(j, instructions="\n".join(j["instructions"])) for j in load("judges.json")]
POOLS = dict(WORLD, SYSTEM=SYSTEM)
SCENARIOS = []
for _name in CAT["conversations"]:      # in this order: it fixes the deck
    _file = load(f"conversations/{_name}.json")
    POOLS.update(_file["pools"])
    SCENARIOS += _file["scenarios"]
BY_NAME = {s["name"]: s for s in SCENARIOS}


def pick(r, seq):
    return seq[r.randrange(len(seq))]


def weighted(r, pairs):
    """pairs: [(value, weight), ...] in a fixed order."""
    total = sum(w for _, w in pairs)
    x = r.random() * total
    for value, w in pairs:
        x -= w
        if x < 0:
            return value
    return pairs[-1][0]


def vary(r, question):
    """Casual openings and endings, so that repeated questions are near-duplicates, not copies."""
    x = r.random()
    q = question
    if q.lower().startswith(("hi", "hello", "hey")):
        x = 1.0
    low = q if q.startswith(("I ", "I'", "`")) else q[0].lower() + q[1:]
    if x < 0.12:
        q = "Hi! " + q
    elif x < 0.22:
        q = "hey, " + low
    elif x < 0.32 and q.endswith("?"):
        q = "Quick question: " + low
    elif x < 0.38:
        q = "Hello, " + low
    if "\n" not in q and q.endswith(("?", ".")):
        y = r.random()
        if y < 0.12:
            q += " Thanks!"
        elif y < 0.18:
            q += " thx"
        elif y < 0.23:
            q += " Thanks in advance."
    return q


def new_uuid(r):
    return str(uuid.UUID(int=r.getrandbits(128), version=4))


def fmt_num(x, lang, decimals=2):
    s = f"{x:,.{decimals}f}"
    if lang in ("fr",):
        return s.replace(",", "\u202f").replace(".", ",")
    if lang in ("de", "es", "it"):
        return s.replace(",", "#").replace(".", ",").replace("#", ".")
    return s


def fmt_day(d, lang):
    wd, m = WORLD["WEEKDAYS"][lang][d.weekday()], WORLD["MONTHS"][lang][str(d.month)]
    return {"en": f"{wd} {d.day} {m}", "de": f"{wd}, {d.day}. {m}", "es": f"el {wd} {d.day} de {m}"}.get(
        lang, f"{wd} {d.day} {m}")


def workdays_after(day, n):
    d = day
    while n > 0:
        d += dt.timedelta(days=1)
        if d.weekday() < 5:
            n -= 1
    return d


# --------------------------------------------------------------------------------------------
# Computed values the steps call by name ({"fn": [name, args...]}): tool results drawn from the
# random state, and the wording that depends on them (texts passed in from the data).
# --------------------------------------------------------------------------------------------

def order_record(r, today, oid):
    item, price = pick(r, WORLD["PRODUCTS"])
    status = weighted(r, [("shipped", 50), ("processing", 20), ("delivered", 15), ("delayed", 15)])
    # Furniture is made to order (2-3 weeks); small items ship within days.
    age = r.randint(14, 21) if item in WORLD["MADE_TO_ORDER"] else r.randint(3, 9)
    rec = {"order_id": oid, "status": status, "placed_at": (today - dt.timedelta(days=age)).isoformat(),
           "items": [{"name": item, "quantity": 1, "price_eur": price}]}
    if status == "shipped":
        rec["carrier"] = pick(r, WORLD["CARRIERS"])
        rec["tracking_number"] = "".join(pick(r, "0123456789") for _ in range(12))
        rec["estimated_delivery"] = workdays_after(today, r.randint(1, 3)).isoformat()
    elif status == "processing":
        rec["estimated_dispatch"] = workdays_after(today, 1).isoformat()
    elif status == "delivered":
        rec["delivered_at"] = (today - dt.timedelta(days=1)).isoformat() + "T14:22:00Z"
        rec["carrier"] = pick(r, WORLD["CARRIERS"])
    else:
        rec["delay_reason"] = pick(r, list(WORLD["DELAY_REASONS"]["en"]))
        rec["estimated_delivery"] = workdays_after(today, r.randint(6, 10)).isoformat()
    return rec


def order_answer(r, texts, rec, lang):
    s = rec["status"]
    day = {"shipped": "estimated_delivery", "processing": "estimated_dispatch", "delayed": "estimated_delivery"}
    d = dt.date.fromisoformat(rec["delivered_at"][:10] if s == "delivered" else rec[day[s]])
    return texts[s].format(day=fmt_day(d, lang), item=rec["items"][0]["name"], carrier=rec.get("carrier"),
                           tracking=rec.get("tracking_number"),
                           reason=WORLD["DELAY_REASONS"][lang].get(rec.get("delay_reason")))


def make_weather(r, city, day):
    cond, plo, phi = weighted(r, WORLD["CONDITIONS"])
    unit = city["unit"]
    spread = 3 if unit == "celsius" else 5
    tmax = city["base"] + r.randint(-spread, spread)
    if cond in WORLD["WET"]:
        tmax -= 2 if unit == "celsius" else 4
    tmin = tmax - (r.randint(6, 10) if unit == "celsius" else r.randint(10, 17))
    return {"location": f"{city['city']}, {city['country']}", "date": day.isoformat(), "condition": cond,
            "temp_max": tmax, "temp_min": tmin, "unit": unit,
            "precipitation_probability": r.randint(plo, phi), "wind_kph": r.randint(5, 28)}


def weather_answer(r, texts, w, qi, when_word, city):
    wet = w["condition"] in WORLD["WET"]
    hot, cool = {"celsius": (27, 16), "fahrenheit": (80, 60)}[w["unit"]]
    if wet:
        tip = texts["rain"].format(p=w["precipitation_probability"]) + texts.get(w["condition"], "")
    else:
        tip = texts["hot" if w["temp_max"] >= hot else "cool" if w["temp_max"] <= cool else "mild"]
    deg = "°C" if w["unit"] == "celsius" else "°F"
    wind = f"{w['wind_kph']} km/h" if w["unit"] == "celsius" else f"{round(w['wind_kph'] * 0.621)} mph"
    return texts["lead"].get(f"{qi} {str(wet).lower()}", "") + texts["answer"].format(
        W=when_word[0].upper() + when_word[1:], c=city, cond=texts["conditions"][w["condition"]],
        lo=w["temp_min"], hi=w["temp_max"], deg=deg, wind_kph=w["wind_kph"], wind=wind, tip=tip)


def convert(r, amount, src, dst, today):
    rate = round(WORLD["RATES"][f"{src}/{dst}"] * (1 + r.uniform(-0.004, 0.004)), 4)
    return {"amount": amount, "from_currency": src, "to_currency": dst, "rate": rate,
            "result": round(amount * rate, 2), "as_of": today.isoformat()}


def stock_quote(r, symbol, when):
    s = WORLD["STOCKS"][symbol]
    price = round(s["price"] * (1 + r.uniform(-0.06, 0.06)), 2)
    change = round(r.uniform(-3.2, 3.4), 2)
    quote = {"symbol": symbol, "name": s["name"], "exchange": s["exchange"], "price": price, "currency": s["currency"],
             "change_percent": change, "as_of": when.strftime("%Y-%m-%dT%H:%M:00Z")}
    sym = {"USD": "$", "EUR": "€", "GBP": "£"}.get(s["currency"])
    shown = f"{sym}{fmt_num(price, 'en')}" if sym else f"{fmt_num(price, 'en')} {s['currency']}"
    return quote, {"price": shown, "move": "up" if change >= 0 else "down", "pct": f"{abs(change):.2f}"}


def signups(r, monday):
    rows = [{"day": (monday + dt.timedelta(days=i)).isoformat(),
             "signups": r.randint(180, 320) if i < 5 else r.randint(90, 160)} for i in range(7)]
    total = sum(x["signups"] for x in rows)
    best = max(rows, key=lambda x: x["signups"])
    return rows, {"total": total, "average": total // 7, "best_day": fmt_day(dt.date.fromisoformat(best["day"]), "en"),
                  "best": best["signups"], "saturday": rows[5]["signups"], "sunday": rows[6]["signups"]}


def revenue(r, row_template):
    rows = sorted(({"country": c, "revenue_eur": round(r.uniform(8000, 60000), 2)} for c in ["FR", "DE", "US", "ES", "GB"]),
                  key=lambda x: -x["revenue_eur"])
    total = sum(x["revenue_eur"] for x in rows)
    table = "\n".join(row_template.format(country=x["country"], revenue=fmt_num(x["revenue_eur"], "en")) for x in rows)
    return rows, {"table": table, "total": fmt_num(total, "en"), "leader": rows[0]["country"],
                  "share": f"{rows[0]['revenue_eur'] / total:.0%}"}


def compound(r, monthly, rate, years):
    i, n = rate / 100 / 12, years * 12
    fv = monthly * ((1 + i) ** n - 1) / i
    return {"n": n, "paid": fmt_num(monthly * n, "en", 0), "fv": fmt_num(fv, "en", 0),
            "gain": fmt_num(fv - monthly * n, "en", 0)}


def informal(r, text, lang):
    for a, b in WORLD["INFORMAL"][lang]:
        text = text.replace(a, b)
    return text


FUNCS = {
    "order_number": lambda r: f"AN-{r.randint(100000, 999999)}",
    "call_id": lambda r: "".join(pick(r, CAT["call_id_alphabet"]) for _ in range(9)),
    "uuid": lambda r, n: new_uuid(r)[:n],
    "order_record": order_record, "order_answer": order_answer, "make_weather": make_weather,
    "weather_answer": weather_answer, "convert": convert, "stock_quote": stock_quote, "signups": signups,
    "revenue": revenue, "compound": compound, "informal": informal,
    "city": lambda r, name: next(c for c in WORLD["CITIES"] if c["city"] == name),
    "days_after": lambda r, d, n: d + dt.timedelta(days=n),
    "last_monday": lambda r, d: d - dt.timedelta(days=d.weekday() + 7),
    "iso": lambda r, d: d.isoformat(),
    "hhmm": lambda r, t: t.strftime("%H:%M"),
    "fmt_day": lambda r, d, lang: fmt_day(d, lang),
    "fmt_num": lambda r, x, lang, dec=2: fmt_num(x, lang, dec),
    "lower": lambda r, s: s.lower(),
    "keys": lambda r, d: list(d),
    "eq": lambda r, a, b: a == b,
    "in": lambda r, a, b: a in b,
}


# --------------------------------------------------------------------------------------------
# The step language: a scenario's steps build one conversation.
# --------------------------------------------------------------------------------------------

class Scope(dict):
    """A scenario's variables, falling back to the pools (for "{POOL[...]}" and "$POOL.0")."""

    def __missing__(self, key):
        return POOLS[key]


def lookup(path, env):
    value = env
    for key in path.split("."):
        value = value[int(key)] if isinstance(value, list) else value[key]
    return value


def pool(spec):
    """"A", "A+B" or "A[0,1,3]": a named list, a concatenation, or some of its items."""
    items = []
    for part in spec.split("+"):
        name, _, idx = part.partition("[")
        items += [POOLS[name][int(i)] for i in idx[:-1].split(",")] if idx else POOLS[name]
    return items


def ev(x, env, r):
    """An expression: a literal, "$var.path", or a one-key object naming an operation."""
    if isinstance(x, str):
        return lookup(x[1:], env) if x.startswith("$") else x
    if isinstance(x, list):
        return [ev(v, env, r) for v in x]
    if not isinstance(x, dict):
        return x
    if len(x) == 1:
        (op, a), = x.items()
        if op == "format":
            template, extra = (a, {}) if isinstance(a, str) else (ev(a[0], env, r), ev(a[1], env, r))
            return template.format_map(Scope(env, **extra))
        if op == "pick":
            if isinstance(a, list):  # inline choices: only the chosen one is evaluated
                return ev(pick(r, a), env, r)
            return pick(r, pool(a) if isinstance(a, str) and not a.startswith("$") else ev(a, env, r))
        if op == "weighted":
            return ev(weighted(r, a), env, r)
        if op == "vary":
            return vary(r, ev(a, env, r))
        if op == "randint":
            return r.randint(*ev(a, env, r))
        if op == "randrange":
            n = ev(a, env, r)
            return r.randrange(n if isinstance(n, int) else len(n))
        if op == "at":
            container, key = ev(a, env, r)
            return container[key]
        if op == "fn":
            return FUNCS[a[0]](r, *ev(a[1:], env, r))
    return {k: ev(v, env, r) for k, v in x.items()}


class Conv:
    """One conversation: the messages of its last call, in order, without the system prompt."""

    def __init__(self, sc):
        self.app, self.lang, self.topic = sc["app"], sc["lang"], sc["topic"]
        self.system = None          # a scenario's own prompt; otherwise the app's default
        self.msgs = []
        self.tools = []             # tools the conversation needs (calls them)
        self.cuts = []              # indices of assistant messages: each one is the response of one call
        self.refusals = set()       # indices of assistant messages that refuse or apologise
        self.pending = []           # (call id, tool) not answered yet

    def run(self, steps, env, r):
        for st in steps:
            if "let" in st:
                for name, x in st["let"].items():
                    value = ev(x, env, r)
                    env.update(zip(name.split(","), value) if "," in name else [(name, value)])
            elif "user" in st:
                self.msgs.append({"role": "user", "content": ev(st["user"], env, r)})
            elif "say" in st:
                if st.get("refusal"):
                    self.refusals.add(len(self.msgs))
                self.cuts.append(len(self.msgs))
                self.msgs.append({"role": "assistant", "content": ev(st["say"], env, r)})
            elif "call" in st:
                tcs = []
                for name, args in ev(st["call"], env, r):
                    if name not in self.tools:
                        self.tools.append(name)
                    cid = FUNCS["call_id"](r)
                    self.pending.append((cid, name))
                    tcs.append({"id": cid, "type": "function",
                                "function": {"name": name, "arguments": json.dumps(args, ensure_ascii=False)}})
                self.cuts.append(len(self.msgs))
                self.msgs.append({"role": "assistant", "content": "", "tool_calls": tcs})
            elif "result" in st:
                cid, name = self.pending.pop(0)
                self.msgs.append({"role": "tool", "tool_call_id": cid, "name": name,
                                  "content": json.dumps(ev(st["result"], env, r), ensure_ascii=False)})
            elif "chance" in st:
                self.run(st["then"] if r.random() < st["chance"] else st.get("else", []), env, r)
            elif "branch" in st:
                self.run(pick(r, st["branch"]), env, r)
            elif "if" in st:
                self.run(st["then"] if ev(st["if"], env, r) else st.get("else", []), env, r)
            elif "tools" in st:
                self.tools += st["tools"]
            elif "system" in st:
                self.system = ev(st["system"], env, r)
            else:
                raise ValueError(f"unknown step {st}")

    def prepend(self, earlier):
        """Put an earlier exchange of the same chat session before this conversation."""
        shift = len(earlier.msgs)
        self.cuts = earlier.cuts + [i + shift for i in self.cuts]
        self.refusals = set(earlier.refusals) | {i + shift for i in self.refusals}
        self.msgs = earlier.msgs + self.msgs
        self.tools += [t for t in earlier.tools if t not in self.tools]


def build(sc, r, when):
    conv = Conv(sc)
    conv.run(sc["steps"], Scope(when=when, today=when and when.date()), r)
    return conv


# --------------------------------------------------------------------------------------------
# From conversations to events
# --------------------------------------------------------------------------------------------

def random_time(r):
    days = (END.date() - START.date()).days + 1
    while True:
        d = START.date() + dt.timedelta(days=r.randrange(days))
        if d.weekday() < 5 or r.random() < 0.45:
            break
    hour = weighted(r, list(enumerate(CAT["hour_weights"])))
    t = dt.datetime(d.year, d.month, d.day, hour, r.randrange(60), r.randrange(60), r.randrange(1000) * 1000,
                    tzinfo=UTC)
    return min(max(t, START), END - dt.timedelta(hours=1))


def est_tokens(text):
    return sum(0.25 if ord(ch) < 128 else (0.9 if ord(ch) >= 0x3000 else 0.4) for ch in text)


def message_tokens(m):
    n = 4 + est_tokens(m.get("content") or "")
    for tc in m.get("tool_calls", []):
        n += 8 + est_tokens(tc["function"]["name"]) + est_tokens(tc["function"]["arguments"])
    return n


def make_metadata(r, conv):
    app = APPS[conv.app]
    if r.random() < 0.08:
        return {}
    md = {}
    if r.random() < 0.92:
        md["team"] = app["team"]
    if r.random() < 0.8:
        md["env"] = weighted(r, [("prod", 78), ("staging", 14), ("dev", 8)])
    if app["tier"] and r.random() < 0.75:
        md["customer_tier"] = weighted(r, [("free", 45), ("pro", 40), ("enterprise", 15)])
    if r.random() < 0.85:
        md["feature"] = CAT["feature_by_topic"].get(conv.topic) or pick(r, app["features"])
        if md["feature"] not in app["features"]:
            md["feature"] = pick(r, app["features"])
    if r.random() < 0.5:
        md["session"] = "sess_" + "".join(pick(r, "0123456789abcdef") for _ in range(12))
    if conv.app in CAT["app_version"] and r.random() < 0.6:
        major, minor = CAT["app_version"][conv.app]
        minor += (conv.start.date() - START.date()).days // 14
        md["app_version"] = f"{major}.{minor}.{r.randint(0, 3)}"
    return md


def plan_emission(r, conv):
    """Which assistant messages of the conversation are logged as events (indices into conv.cuts)."""
    k = len(conv.cuts)
    if k == 1:
        return [0]
    is_tool = any("tool_calls" in conv.msgs[i] for i in conv.cuts)
    if r.random() < (0.32 if is_tool else 0.3):
        n = min(k, 4)
        if k >= 3 and r.random() < 0.3:
            n = 2
        return list(range(k - n, k))
    if is_tool and "tool_calls" in conv.msgs[conv.cuts[0]] and r.random() < 0.22:
        return [0]          # only the first call was logged: its response is the tool call
    return [k - 1]


def assemble(r, conv, emit, model, agent, system, enabled, metadata, fixed_ids=None):
    """Turn a conversation into events; returns [(event, is_refusal, language)]."""
    rate, ttft = SPEED[model]
    tools_json = json.dumps([TOOLS[t] for t in enabled], ensure_ascii=False)
    sys_tokens = message_tokens({"content": system}) if system else 0
    correlation_id = new_uuid(r)
    out = []
    t = conv.start
    for j, ci in enumerate(conv.cuts):
        request = ([{"role": "system", "content": system}] if system else []) + conv.msgs[:ci]
        response = [conv.msgs[ci]]
        n_in = sys_tokens + sum(message_tokens(m) for m in conv.msgs[:ci]) + est_tokens(tools_json)
        n_in = max(1, round(n_in * r.uniform(0.95, 1.05)))
        n_out = max(1, round(message_tokens(response[0]) * r.uniform(0.95, 1.06)))
        elapsed = ttft * r.uniform(0.8, 1.5) + n_in / 9000 + n_out / (rate * r.uniform(0.85, 1.15))
        elapsed = round(min(max(elapsed, 0.2), 11.9), 3)
        if j in emit:
            event = {
                "event_id": fixed_ids.pop(0) if fixed_ids else new_uuid(r),
                "correlation_id": correlation_id,
                "created_at": t,
                "extra_fields": {"model_name": model, "api_agent_id": agent, "total_time_elapsed": elapsed,
                                 "metadata": metadata},
                "nb_input_tokens": n_in,
                "nb_output_tokens": n_out,
                "enabled_tools": [TOOLS[name] for name in enabled],
                "request_messages": request,
                "response_messages": response,
                "nb_messages": len(request) + len(response),
                "chat_transcription_events": [],
            }
            out.append((event, ci in conv.refusals, conv.lang))
        gap = elapsed + (r.uniform(0.15, 1.8) if "tool_calls" in conv.msgs[ci] else r.uniform(12, 300))
        t = t + dt.timedelta(milliseconds=round(gap * 1000))
    return out


def realise(r, conv, when, fixed=None):
    """Choose model, agent, system prompt, tools and metadata for a conversation, then assemble it."""
    app = APPS[conv.app]
    conv.start = when
    fixed = fixed or {}
    model = fixed.get("model") or weighted(r, app["models"])
    agent = None
    if "agent" in fixed:
        agent = fixed["agent"]
    elif conv.app in AGENTS and conv.system is None and r.random() < app["agent_p"]:
        agent = AGENTS[conv.app]
    enabled = []
    if conv.tools or (app["tools"] and r.random() < app["tools_p"]):
        enabled = list(app["tools"]) + [t for t in conv.tools if t not in app["tools"]]
    if "tools" in fixed:
        enabled = fixed["tools"]
    system = None
    if agent is None:
        if conv.system is not None:
            system = conv.system
        elif "system" in fixed:
            system = fixed["system"]
        elif r.random() < app["sys_p"]:
            prompts = SYSTEM[conv.app].get(conv.lang) or SYSTEM[conv.app]["en"]
            # A prompt that tells the model to use a tool only goes with requests that offer tools.
            fitting = [p for p in prompts if enabled or not any(t in p for t in TOOLS)]
            system = pick(r, fitting) if fitting else None
    emit = fixed.get("emit") or plan_emission(r, conv)
    metadata = fixed["metadata"] if "metadata" in fixed else make_metadata(r, conv)
    return assemble(r, conv, emit, model, agent, system, enabled, metadata,
                    list(fixed["ids"]) if "ids" in fixed else None)


def generate():
    r = random.Random(SEED)
    produced = []   # (event, refusal, lang)
    # The events whose ids appear in Mistral's documentation examples come first, fixed.
    for doc in CAT["documentation_events"]:
        conv = build(doc, r, None)
        fixed = dict(doc["fixed"], ids=[doc["id"]], system=ev(doc["fixed"]["system"], Scope(), r))
        produced += realise(r, conv, dt.datetime.fromisoformat(doc["created_at"]).replace(tzinfo=UTC), fixed)
    # A shuffled deck with each scenario in proportion to its weight keeps the mix close to the
    # weights (languages, refusals, tools) instead of leaving it to sampling noise.
    weights = [(sc, sc["weight"]) for sc in SCENARIOS]
    total = sum(w for _, w in weights)
    quotas = [(sc, w * DECK_SIZE / total) for sc, w in weights]
    deck = [sc for sc, q in quotas for _ in range(int(q))]
    rest = sorted(range(len(quotas)), key=lambda i: -(quotas[i][1] - int(quotas[i][1])))
    deck += [quotas[i][0] for i in rest[:DECK_SIZE - len(deck)]]
    r.shuffle(deck)
    while len(produced) < N_EVENTS:
        sc = deck.pop() if deck else weighted(r, weights)
        when = random_time(r)
        conv = build(sc, r, when)
        preludes = CAT["preludes"].get(f"{conv.app} {conv.lang}")
        if preludes and conv.system is None and r.random() < 0.2:
            earlier = build(BY_NAME[pick(r, preludes)], r, when)
            if earlier.topic != conv.topic and not earlier.refusals:
                conv.prepend(earlier)
        events = realise(r, conv, when)
        produced += events[-(N_EVENTS - len(produced)):]
    # Log order: oldest first. Timestamps must be distinct.
    produced.sort(key=lambda e: (e[0]["created_at"], e[0]["event_id"]))
    seen = set()
    for e, _, _ in produced:
        t = e["created_at"]
        while t in seen:
            t += dt.timedelta(milliseconds=1)
        seen.add(t)
        e["created_at"] = t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"
    return produced


# --------------------------------------------------------------------------------------------
# Output, statistics and validation
# --------------------------------------------------------------------------------------------

def dumps(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def stats(produced):
    events = [e for e, _, _ in produced]
    by_model, by_lang, groups = {}, {}, {}
    for e, _, lang in produced:
        m = e["extra_fields"]["model_name"]
        by_model[m] = by_model.get(m, 0) + 1
        by_lang[lang] = by_lang.get(lang, 0) + 1
        groups[e["correlation_id"]] = groups.get(e["correlation_id"], 0) + 1
    shared = [n for n in groups.values() if n > 1]
    return {
        "events": len(events),
        "by_model": sorted(by_model.items(), key=lambda kv: (-kv[1], kv[0])),
        "by_language": sorted(by_lang.items(), key=lambda kv: (-kv[1], kv[0])),
        "with_system_prompt": sum(1 for e in events if e["request_messages"][0]["role"] == "system"),
        "with_enabled_tools": sum(1 for e in events if e["enabled_tools"]),
        "response_is_tool_call": sum(1 for e in events if "tool_calls" in e["response_messages"][0]),
        "request_has_tool_results": sum(1 for e in events if any(m["role"] == "tool" for m in e["request_messages"])),
        "with_agent": sum(1 for e in events if e["extra_fields"]["api_agent_id"]),
        "refusals": sum(1 for _, refusal, _ in produced if refusal),
        "multi_turn": sum(1 for e in events if sum(m["role"] == "user" for m in e["request_messages"]) > 1),
        "empty_metadata": sum(1 for e in events if not e["extra_fields"]["metadata"]),
        "correlation_groups": len(shared),
        "events_in_groups": sum(shared),
        "first": min(e["created_at"] for e in events),
        "last": max(e["created_at"] for e in events),
    }


def readme(st):
    def shape(out):
        if "options" in out:
            return ", ".join(o["value"] for o in out["options"])
        return f"{out['min']} to {out['max']}"
    return (DATA / "README.template.md").read_text(encoding="utf-8").format(
        **st, judge_count=len(JUDGES), doc_ids=DOC_IDS,
        models="\n".join(f"| `{m}` | {n} |" for m, n in st["by_model"]),
        langs="\n".join(f"| {CAT['language_names'][lang]} | {n} |" for lang, n in st["by_language"]),
        judges="\n".join(f"  - {j['name']} ({j['output']['type']}: {shape(j['output'])})" for j in JUDGES))


UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
AGENT_RE = re.compile(r"^ag_[0-9a-f]{32}$")
KEYS = ["event_id", "correlation_id", "created_at", "extra_fields", "nb_input_tokens", "nb_output_tokens",
        "enabled_tools", "request_messages", "response_messages", "nb_messages", "chat_transcription_events"]
META_KEYS = {"team", "env", "customer_tier", "feature", "session", "app_version"}


def check_event(e, err):
    """The shape of one event, and that its messages form a valid chat (tool calls answered)."""
    for k in ("event_id", "correlation_id"):
        if not UUID_RE.match(e[k]):
            err(f"{k} is not a lower-case uuid4: {e[k]}")
    if not TIME_RE.match(e["created_at"]):
        err(f"created_at format {e['created_at']}")
    elif not START <= dt.datetime.fromisoformat(e["created_at"].replace("Z", "+00:00")) <= END + dt.timedelta(hours=2):
        err("created_at out of range")
    x = e["extra_fields"]
    if list(x) != ["model_name", "api_agent_id", "total_time_elapsed", "metadata"] or x["model_name"] not in MODELS:
        err(f"extra_fields {list(x)} / model {x.get('model_name')}")
    if x.get("api_agent_id") is not None and not AGENT_RE.match(x["api_agent_id"]):
        err(f"agent id {x['api_agent_id']}")
    if not isinstance(x.get("total_time_elapsed"), float) or not 0.2 <= x["total_time_elapsed"] <= 12:
        err(f"total_time_elapsed {x.get('total_time_elapsed')}")
    md = x.get("metadata")
    if not isinstance(md, dict) or not set(md) <= META_KEYS or not all(isinstance(v, str) for v in md.values()):
        err(f"metadata {md}")
    if not all(isinstance(e[k], int) and e[k] >= 1 for k in ("nb_input_tokens", "nb_output_tokens")):
        err("token counts")
    req, resp = e["request_messages"], e["response_messages"]
    if e["nb_messages"] != len(req) + len(resp) or e["chat_transcription_events"] != []:
        err("nb_messages or chat_transcription_events")
    enabled = [t["function"]["name"] for t in e["enabled_tools"]]
    if any(t != TOOLS.get(t["function"]["name"]) for t in e["enabled_tools"]) or len(set(enabled)) != len(enabled):
        err("enabled_tools differ from the catalogue or repeat a tool")
    if len(resp) != 1 or resp[0]["role"] != "assistant" or not req or req[-1]["role"] not in ("user", "tool"):
        err("response must be one assistant message after a user or tool message")
    pending = []
    for i, m in enumerate(req + resp):
        role = m.get("role")
        if role not in ("system", "user", "assistant", "tool") or (role == "system" and i != 0):
            err(f"role {role} at {i}")
        if not isinstance(m.get("content"), str) or (role in ("user", "system") and not m["content"].strip()):
            err(f"content of message {i}")
        if role == "assistant":
            if pending:
                err(f"tool calls without results before message {i}")
            for tc in m.get("tool_calls") or []:
                if m["content"] != "" or tc["function"]["name"] not in enabled:
                    err(f"tool call {tc['function']['name']}: content must be \"\" and the tool enabled")
                json.loads(tc["function"]["arguments"])
                pending.append((tc["id"], tc["function"]["name"]))
            if "tool_calls" not in m and not m["content"].strip():
                err(f"empty assistant message {i}")
        if role == "tool":
            if (m.get("tool_call_id"), m.get("name")) not in pending:
                err("tool message answers no pending call")
            else:
                pending.remove((m["tool_call_id"], m["name"]))
            json.loads(m["content"])
    if pending and "tool_calls" not in resp[0]:
        err("unanswered tool calls")


def check(folder=FIXTURES):
    errors = []
    lines = (folder / "events.jsonl").read_text(encoding="utf-8").split("\n")
    if lines.pop() != "":
        errors.append("events.jsonl must end with a newline")
    events, by_corr = [], {}
    for n, line in enumerate(lines, 1):
        def err(msg, n=n):
            errors.append(f"events.jsonl:{n}: {msg}")
        try:
            e = json.loads(line)
        except ValueError as x:
            err(f"not JSON ({x})")
            continue
        if list(e) != KEYS:
            err(f"keys {list(e)}")
            continue
        check_event(e, err)
        events.append(e)
        by_corr.setdefault(e["correlation_id"], []).append(e)
    for k in ("event_id", "created_at"):
        if len({e[k] for e in events}) != len(events):
            errors.append(f"events.jsonl: {k} not distinct")
    for cid, group in by_corr.items():
        if len(group) > 4:
            errors.append(f"correlation {cid}: {len(group)} events")
        group.sort(key=lambda g: g["created_at"])
        for a, b in zip(group, group[1:]):
            prefix = a["request_messages"] + a["response_messages"]
            if b["request_messages"][:len(prefix)] != prefix:
                errors.append(f"correlation {cid}: {b['event_id']} does not continue {a['event_id']}")
    ids = {e["event_id"] for e in events}
    errors += [f"documentation id {i} missing" for i in DOC_IDS if i not in ids]
    resets = [e for e in events if e["event_id"] != DOC_IDS[1] and any(
        m["role"] == "user" and "reset" in m["content"].lower() and "password" in m["content"].lower()
        for m in e["request_messages"])]
    if len(resets) < 2:
        errors.append("fewer than two near-duplicates of the password reset example")
    judges = json.loads((folder / "judges.json").read_text(encoding="utf-8"))
    if len({j.get("name") for j in judges}) != len(judges) or any(
            list(j) != ["name", "description", "model_name", "output", "instructions", "tools"] for j in judges):
        errors.append("judges.json: judges need distinct names and the PostJudgeInSchema keys")
    return errors, events, judges


# --------------------------------------------------------------------------------------------
# The judges' verdicts, asked of the emulator's own rule engine
# --------------------------------------------------------------------------------------------

BINARY = Path(os.environ.get("OBS_EMULATOR_BIN", ROOT / ".build" / "debug" / "observability-emulator"))
RULE_DECIDED = "Decided by the instructions:"


def binary_verdicts(events, judges, folder=FIXTURES):
    """{event_id: [answer per judge]} as the built binary judges the seeded events
    (POST .../chat-completion-events/{id}/live-judging with each judge inline); None where no
    rule line decided and the judge's heuristic answered."""
    with tempfile.TemporaryDirectory() as tmp:
        port_file = Path(tmp) / "port"
        proc = subprocess.Popen([str(BINARY), "--port", "0", "--port-file", str(port_file), "--fixtures", str(folder),
                                 "--log-level", "warning"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 60
            while not (port_file.exists() and port_file.read_text().strip()):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{BINARY} did not start: {proc.stderr.read().decode()[-2000:]}")
                time.sleep(0.05)
            conn = http.client.HTTPConnection("127.0.0.1", int(port_file.read_text()), timeout=30)
            verdicts = {}
            for e in events:
                row = []
                for j in judges:
                    body = json.dumps({"judge_definition": j}, ensure_ascii=False).encode()
                    conn.request("POST", f"/v1/observability/chat-completion-events/{e['event_id']}/live-judging",
                                 body, {"Authorization": "Bearer fixtures", "Content-Type": "application/json"})
                    resp = conn.getresponse()
                    out = json.loads(resp.read())
                    if resp.status != 200:
                        raise RuntimeError(f"live-judging {e['event_id']} with {j['name']}: {resp.status} {out}")
                    answer = out["answer"]
                    if isinstance(answer, float) and answer.is_integer():
                        answer = int(answer)
                    row.append(answer if out["analysis"].startswith(RULE_DECIDED) else None)
                verdicts[e["event_id"]] = row
            conn.close()
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    return verdicts


def write_verdicts(judges, verdicts):
    lines = [f"  {json.dumps(k)}: {dumps(v)}" for k, v in verdicts.items()]
    (DATA / "verdicts.json").write_text(
        "{\n" + f'  "judges": {dumps([j["name"] for j in judges])},\n' + ",\n".join(lines) + "\n}\n", encoding="utf-8")


def check_verdicts(events, judges, refusals):
    """Problems where the binary's verdicts differ from scripts/fixtures-data/verdicts.json, or
    where its refusal judge disagrees with the refusals the conversation templates mark."""
    expected = load("verdicts.json")
    names = expected.pop("judges")
    if names != [j["name"] for j in judges] or list(expected) != [e["event_id"] for e in events]:
        return ["verdicts.json: not for these judges and events: run --update-verdicts and review the diff"]
    got = binary_verdicts(events, judges)
    problems = [f"verdict of {name!r} on {eid}: the emulator answers {g!r}, verdicts.json expects {x!r}"
                for eid in expected for name, x, g in zip(names, expected[eid], got[eid]) if x != g]
    judge, answer = CAT["refusal_verdict"]
    problems += [f"{eid}: {judge!r} answers {got[eid][names.index(judge)]!r}, the templates mark it "
                 f"{'a refusal' if refused else 'an answer'}" for eid, refused in refusals.items()
                 if (got[eid][names.index(judge)] == answer) != refused]
    return problems


# --------------------------------------------------------------------------------------------

def rendered():
    """The three files as text, exactly as they are written: {name: text}, the stats, and which
    events the templates mark as refusals."""
    produced = generate()
    st = stats(produced)
    return {
        "events.jsonl": "".join(dumps(e) + "\n" for e, _, _ in produced),
        "judges.json": json.dumps(JUDGES, ensure_ascii=False, indent=2) + "\n",
        "README.md": readme(st),
    }, st, {e["event_id"]: refused for e, refused, _ in produced}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="validate Fixtures/, check that it is what the generator writes and that the built binary "
                         "gives the verdicts of verdicts.json (CI), instead of writing it")
    ap.add_argument("--stats", action="store_true", help="print the counts without writing anything")
    ap.add_argument("--update-verdicts", action="store_true",
                    help="record the built binary's verdicts on Fixtures/ in scripts/fixtures-data/verdicts.json")
    args = ap.parse_args()
    files, st, refusals = rendered()
    if args.stats:
        print(json.dumps(st, indent=2))
        return 0
    if args.check or args.update_verdicts:
        errors, events, judges = check()
        errors += [f"Fixtures/{name} is not what scripts/make-fixtures.py writes: run it" for name, text in files.items()
                   if not (FIXTURES / name).exists() or (FIXTURES / name).read_text(encoding="utf-8") != text]
        try:
            if args.update_verdicts:
                write_verdicts(judges, binary_verdicts(events, judges))
            elif BINARY.exists():
                errors += check_verdicts(events, judges, refusals)
        except (RuntimeError, OSError) as x:   # a judge the binary rejects stops it at start-up
            errors.append(f"verdicts: {x}")
        if not BINARY.exists():  # a binary asked for by name must be there; the default may be unbuilt
            (errors.append if "OBS_EMULATOR_BIN" in os.environ else print)(
                f"verdicts not checked: no binary at {BINARY} (swift build, or set OBS_EMULATOR_BIN)")
        for e in errors:
            print(e, file=sys.stderr)
        print(f"{len(events)} events checked, {len(errors)} problem(s)")
        return 1 if errors else 0
    FIXTURES.mkdir(exist_ok=True)
    for name, text in files.items():
        with open(FIXTURES / name, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    print(f"wrote {st['events']} events and {len(JUDGES)} judges to {FIXTURES}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
