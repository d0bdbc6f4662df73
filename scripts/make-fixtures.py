#!/usr/bin/env python3
"""Generate the seed data of the Mistral Observability emulator.

    python3 scripts/make-fixtures.py           # writes Fixtures/events.jsonl, judges.json, README.md
    python3 scripts/make-fixtures.py --check   # validates Fixtures/ and that it is current (CI runs this)
    python3 scripts/make-fixtures.py --stats   # prints the counts pasted into Fixtures/README.md

Everything is built from hand-written conversation templates with one seeded
random.Random, so two runs give byte-identical files. Standard library only.
"""

import argparse
import datetime as dt
import json
import re
import random
import sys
import uuid
from pathlib import Path

SEED = 20250914
N_EVENTS = 320
DECK_SIZE = 262          # conversations; a few become several events
ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "Fixtures"
UTC = dt.timezone.utc
START = dt.datetime(2025, 9, 1, 6, 0, 0, tzinfo=UTC)
END = dt.datetime(2025, 10, 15, 22, 0, 0, tzinfo=UTC)

# Ids that appear in the official documentation examples.
DOC_FETCH_ID = "e79bf81b-b37f-425e-9dff-071a54592e44"     # GET /{event_id}
DOC_SIMILAR_ID = "b7be6e08-d068-45fc-b77a-966232e92fd6"   # GET /{event_id}/similar-events
DOC_JUDGE_ID = "dfcd5582-1373-4de5-af51-987464da561c"     # POST /{event_id}/live-judging

MODELS = [
    "mistral-large-latest", "mistral-medium-latest", "mistral-small-latest",
    "ministral-8b-latest", "codestral-latest", "open-mistral-nemo", "pixtral-large-latest",
]

AGENTS = {
    "support": "ag_0195c1a2b3c4d5e6f7a8b9c0d1e2f3a4",
    "shop": "ag_0195c3f07b2e4d1a9c8e6f5a4b3c2d1e",
    "hr": "ag_0195d2e4f6a8b0c2d4e6f8a0b2c4d6e8",
    "travel": "ag_0196a1b9c8d7e6f5a4b3c2d1e0f9a8b7",
}


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


ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def call_id(r):
    # Mistral tool call ids are 9 alphanumeric characters.
    return "".join(pick(r, ALNUM) for _ in range(9))


def fmt_num(x, lang, decimals=2):
    s = f"{x:,.{decimals}f}"
    if lang in ("fr",):
        return s.replace(",", "\u202f").replace(".", ",")
    if lang in ("de", "es", "it"):
        return s.replace(",", "#").replace(".", ",").replace("#", ".")
    return s


# --------------------------------------------------------------------------------------------
# Tool catalogue
# --------------------------------------------------------------------------------------------

def fn_tool(name, description, properties, required):
    return {"type": "function", "function": {
        "name": name, "description": description,
        "parameters": {"type": "object", "properties": properties, "required": required}}}


TOOLS = {
    "get_weather": fn_tool(
        "get_weather", "Get the weather forecast for a city on a given day.",
        {"location": {"type": "string", "description": "City and country, e.g. \"Lyon, France\""},
         "date": {"type": "string", "description": "Day of the forecast (YYYY-MM-DD); today when omitted"},
         "unit": {"type": "string", "enum": ["celsius", "fahrenheit"], "description": "Temperature unit"}},
        ["location"]),
    "search_docs": fn_tool(
        "search_docs", "Search the knowledge base and return the most relevant articles with a short excerpt.",
        {"query": {"type": "string", "description": "What to look for, in natural language"},
         "collection": {"type": "string", "enum": ["help-center", "hr-policies", "engineering-wiki"],
                        "description": "Which knowledge base to search"},
         "top_k": {"type": "integer", "minimum": 1, "maximum": 10, "description": "Number of results"}},
        ["query"]),
    "create_ticket": fn_tool(
        "create_ticket", "Open a ticket for the support or IT team. Use it when the user reports a problem you cannot solve.",
        {"title": {"type": "string", "description": "One-line summary of the problem"},
         "description": {"type": "string", "description": "What happened, with any identifiers the user gave"},
         "priority": {"type": "string", "enum": ["low", "normal", "high", "urgent"]},
         "category": {"type": "string", "enum": ["billing", "bug", "account", "shipping", "it", "other"]}},
        ["title", "description"]),
    "lookup_order": fn_tool(
        "lookup_order", "Look up an Atelier Nord order by its number and return its status, items and delivery details.",
        {"order_id": {"type": "string", "pattern": "^AN-[0-9]{6}$", "description": "Order number, e.g. AN-104233"}},
        ["order_id"]),
    "convert_currency": fn_tool(
        "convert_currency", "Convert an amount between two currencies at today's mid-market rate.",
        {"amount": {"type": "number", "description": "Amount to convert"},
         "from_currency": {"type": "string", "description": "ISO 4217 code of the source currency, e.g. EUR"},
         "to_currency": {"type": "string", "description": "ISO 4217 code of the target currency, e.g. JPY"}},
        ["amount", "from_currency", "to_currency"]),
    "run_sql": fn_tool(
        "run_sql", "Run a read-only SQL query on the analytics warehouse (PostgreSQL) and return at most 200 rows.",
        {"query": {"type": "string", "description": "A single SELECT statement"},
         "database": {"type": "string", "enum": ["analytics", "billing"], "description": "Target database"}},
        ["query"]),
    "send_email": fn_tool(
        "send_email", "Send an email from the user's mailbox.",
        {"to": {"type": "array", "items": {"type": "string", "format": "email"}, "description": "Recipients"},
         "subject": {"type": "string"},
         "body": {"type": "string", "description": "Plain-text body"},
         "cc": {"type": "array", "items": {"type": "string", "format": "email"}}},
        ["to", "subject", "body"]),
    "get_stock_price": fn_tool(
        "get_stock_price", "Get the latest price and daily change of a listed stock.",
        {"symbol": {"type": "string", "description": "Ticker symbol, e.g. AAPL"},
         "exchange": {"type": "string", "description": "Exchange code, e.g. NASDAQ or XPAR (optional)"}},
        ["symbol"]),
}

# --------------------------------------------------------------------------------------------
# Applications: who sends the traffic
# --------------------------------------------------------------------------------------------

APPS = {
    # name: team, features, tier (customer-facing), tools offered by the integration and how often
    # they are sent when the question does not need them, agent share, system prompt share, models.
    "support": dict(team="support", features=["help-widget", "in-app-chat", "email-triage"], tier=True,
                    tools=["search_docs", "create_ticket"], tools_p=0.08, agent_p=0.33, sys_p=0.8,
                    models=[("mistral-small-latest", 40), ("mistral-medium-latest", 24), ("ministral-8b-latest", 16),
                            ("open-mistral-nemo", 10), ("mistral-large-latest", 10)]),
    "shop": dict(team="ecommerce", features=["order-assistant", "product-chat"], tier=True,
                 tools=["lookup_order", "create_ticket"], tools_p=0.12, agent_p=0.33, sys_p=0.8,
                 models=[("mistral-small-latest", 45), ("ministral-8b-latest", 25), ("mistral-medium-latest", 20),
                         ("open-mistral-nemo", 10)]),
    "coding": dict(team="engineering", features=["ide-assistant", "code-review", "chat"], tier=False,
                   tools=[], tools_p=0.0, agent_p=0.0, sys_p=0.55,
                   models=[("codestral-latest", 62), ("mistral-large-latest", 18), ("mistral-medium-latest", 14),
                           ("mistral-small-latest", 6)]),
    "data": dict(team="data", features=["sql-assistant", "notebook"], tier=False,
                 tools=["run_sql"], tools_p=0.15, agent_p=0.0, sys_p=0.8,
                 models=[("codestral-latest", 35), ("mistral-large-latest", 35), ("mistral-medium-latest", 20),
                         ("mistral-small-latest", 10)]),
    "writing": dict(team="marketing", features=["summarizer", "translator", "email-drafter", "rewriter"], tier=True,
                    tools=[], tools_p=0.0, agent_p=0.0, sys_p=0.4,
                    models=[("mistral-large-latest", 28), ("mistral-medium-latest", 30), ("mistral-small-latest", 22),
                            ("open-mistral-nemo", 20)]),
    "travel": dict(team="travel", features=["trip-planner", "concierge-chat"], tier=True,
                   tools=["get_weather", "convert_currency"], tools_p=0.1, agent_p=0.33, sys_p=0.8,
                   models=[("mistral-medium-latest", 35), ("mistral-small-latest", 30), ("pixtral-large-latest", 20),
                           ("mistral-large-latest", 15)]),
    "cooking": dict(team="growth", features=["recipe-chat", "meal-planner"], tier=True,
                    tools=[], tools_p=0.0, agent_p=0.0, sys_p=0.7,
                    models=[("mistral-small-latest", 35), ("open-mistral-nemo", 25), ("ministral-8b-latest", 20),
                            ("pixtral-large-latest", 20)]),
    "finance": dict(team="finance", features=["finance-copilot", "fx-desk"], tier=True,
                    tools=["get_stock_price", "convert_currency"], tools_p=0.1, agent_p=0.0, sys_p=0.85,
                    models=[("mistral-large-latest", 45), ("mistral-medium-latest", 35), ("mistral-small-latest", 20)]),
    "hr": dict(team="people", features=["hr-assistant", "it-helpdesk"], tier=False,
               tools=["search_docs", "create_ticket"], tools_p=0.2, agent_p=0.45, sys_p=0.85,
               models=[("mistral-medium-latest", 40), ("mistral-small-latest", 40), ("mistral-large-latest", 20)]),
    "general": dict(team="platform", features=["playground", "api"], tier=False,
                    tools=[], tools_p=0.0, agent_p=0.0, sys_p=0.2,
                    models=[("mistral-small-latest", 25), ("mistral-large-latest", 25), ("pixtral-large-latest", 20),
                            ("open-mistral-nemo", 15), ("ministral-8b-latest", 15)]),
}

# Output speed (tokens per second) and latency to the first token, per model.
SPEED = {
    "mistral-large-latest": (30, 0.65), "mistral-medium-latest": (52, 0.45), "mistral-small-latest": (95, 0.28),
    "ministral-8b-latest": (140, 0.2), "codestral-latest": (80, 0.32), "open-mistral-nemo": (90, 0.25),
    "pixtral-large-latest": (32, 0.7),
}


class Conv:
    """One conversation: the messages of its last call, in order, without the system prompt."""

    def __init__(self, app, lang, topic):
        self.app = app
        self.lang = lang
        self.topic = topic
        self.system = None          # set by a builder to force a prompt; otherwise the app's default
        self.allow_system = True
        self.msgs = []
        self.tools = []             # tools the conversation needs (calls them)
        self.cuts = []              # indices of assistant messages: each one is the response of one call
        self.refusals = set()       # indices of assistant messages that refuse or apologise

    def user(self, text):
        self.msgs.append({"role": "user", "content": text})

    def say(self, text, refusal=False):
        if refusal:
            self.refusals.add(len(self.msgs))
        self.cuts.append(len(self.msgs))
        self.msgs.append({"role": "assistant", "content": text})

    def call(self, r, *calls):
        ids, tcs = [], []
        for name, args in calls:
            if name not in self.tools:
                self.tools.append(name)
            cid = call_id(r)
            ids.append(cid)
            tcs.append({"id": cid, "type": "function",
                        "function": {"name": name, "arguments": json.dumps(args, ensure_ascii=False)}})
        self.cuts.append(len(self.msgs))
        self.msgs.append({"role": "assistant", "content": "", "tool_calls": tcs})
        return ids

    def prepend(self, earlier):
        """Put an earlier exchange of the same chat session before this conversation."""
        shift = len(earlier.msgs)
        self.cuts = earlier.cuts + [i + shift for i in self.cuts]
        self.refusals = set(earlier.refusals) | {i + shift for i in self.refusals}
        self.msgs = earlier.msgs + self.msgs
        for t in earlier.tools:
            if t not in self.tools:
                self.tools.append(t)

    def result(self, cid, name, obj):
        self.msgs.append({"role": "tool", "tool_call_id": cid, "name": name,
                          "content": json.dumps(obj, ensure_ascii=False)})


# --------------------------------------------------------------------------------------------
# Shared data pools
# --------------------------------------------------------------------------------------------

PEOPLE = [
    ("Claire", "Dubois", "claire.dubois"), ("Marcus", "Webb", "marcus.webb"), ("Aisha", "Khan", "aisha.khan"),
    ("Tomás", "Herrera", "tomas.herrera"), ("Lena", "Vogel", "lena.vogel"), ("Priya", "Raman", "priya.raman"),
    ("Jonas", "Berg", "jonas.berg"), ("Sofia", "Marino", "sofia.marino"), ("Daniel", "Okafor", "daniel.okafor"),
    ("Emma", "Larsen", "emma.larsen"), ("Hugo", "Martin", "hugo.martin"), ("Yuki", "Tanaka", "yuki.tanaka"),
]
COMPANIES = ["northpeak.io", "fernhill.co", "quillworks.com", "bluefinch.eu", "orbitlane.com", "harbourline.de"]

# city, country, language of the place, typical max °C in September/October, unit
CITIES = [
    ("Paris", "France", 21, "celsius"), ("Lyon", "France", 22, "celsius"), ("Marseille", "France", 25, "celsius"),
    ("Lisbon", "Portugal", 26, "celsius"), ("Barcelona", "Spain", 25, "celsius"), ("Seville", "Spain", 30, "celsius"),
    ("Madrid", "Spain", 26, "celsius"), ("Berlin", "Germany", 18, "celsius"),
    ("Munich", "Germany", 17, "celsius"), ("Rome", "Italy", 26, "celsius"),
    ("Florence", "Italy", 25, "celsius"), ("London", "United Kingdom", 18, "celsius"),
    ("Edinburgh", "United Kingdom", 15, "celsius"), ("Amsterdam", "Netherlands", 17, "celsius"),
    ("Kyoto", "Japan", 28, "celsius"), ("Copenhagen", "Denmark", 15, "celsius"),
    ("New York", "United States", 75, "fahrenheit"), ("Chicago", "United States", 68, "fahrenheit"),
    ("San Francisco", "United States", 71, "fahrenheit"),
]

CONDITIONS = [("sunny", 0, 5), ("partly cloudy", 5, 20), ("cloudy", 15, 35), ("light rain", 55, 75),
              ("showers", 60, 85), ("thunderstorms", 70, 90)]


def make_weather(r, city, country, base, unit, day):
    cond, plo, phi = weighted(r, [(c, w) for c, w in zip(CONDITIONS, [30, 28, 16, 12, 9, 5])])
    spread = 3 if unit == "celsius" else 5
    tmax = base + r.randint(-spread, spread)
    if cond in ("light rain", "showers", "thunderstorms"):
        tmax -= 2 if unit == "celsius" else 4
    tmin = tmax - (r.randint(6, 10) if unit == "celsius" else r.randint(10, 17))
    return {"location": f"{city}, {country}", "date": day.isoformat(), "condition": cond,
            "temp_max": tmax, "temp_min": tmin, "unit": unit,
            "precipitation_probability": r.randint(plo, phi), "wind_kph": r.randint(5, 28)}


RATES = {("EUR", "USD"): 1.1712, ("EUR", "GBP"): 0.8664, ("EUR", "CHF"): 0.9341, ("EUR", "JPY"): 172.48,
         ("USD", "JPY"): 147.26, ("GBP", "EUR"): 1.1542, ("USD", "EUR"): 0.8538, ("EUR", "SEK"): 11.02,
         ("EUR", "DKK"): 7.4628, ("USD", "CAD"): 1.3815, ("GBP", "USD"): 1.3518, ("EUR", "MXN"): 21.74,
         ("CHF", "EUR"): 1.0706}


def convert(r, amount, src, dst):
    rate = RATES[(src, dst)] * (1 + r.uniform(-0.004, 0.004))
    rate = round(rate, 4)
    return {"amount": amount, "from_currency": src, "to_currency": dst, "rate": rate,
            "result": round(amount * rate, 2), "as_of": None}


STOCKS = {"AAPL": ("Apple", "NASDAQ", 236.0, "USD"), "MSFT": ("Microsoft", "NASDAQ", 509.0, "USD"),
          "NVDA": ("NVIDIA", "NASDAQ", 178.0, "USD"), "AMD": ("AMD", "NASDAQ", 158.0, "USD"),
          "ASML": ("ASML", "XAMS", 742.0, "EUR"), "MC": ("LVMH", "XPAR", 541.0, "EUR"),
          "AIR": ("Airbus", "XPAR", 199.0, "EUR"), "SAP": ("SAP", "XETR", 226.0, "EUR"),
          "TSLA": ("Tesla", "NASDAQ", 395.0, "USD")}


def stock_quote(r, symbol, when):
    name, exch, base, cur = STOCKS[symbol]
    price = round(base * (1 + r.uniform(-0.06, 0.06)), 2)
    change = round(r.uniform(-3.2, 3.4), 2)
    return {"symbol": symbol, "name": name, "exchange": exch, "price": price, "currency": cur,
            "change_percent": change, "as_of": when.strftime("%Y-%m-%dT%H:%M:00Z")}


def order_number(r):
    return f"AN-{r.randint(100000, 999999)}"


# --------------------------------------------------------------------------------------------
# System prompts
# --------------------------------------------------------------------------------------------

SYSTEM = {
    ("support", "en"): [
        "You are Brightdesk's support assistant. Answer questions about the Brightdesk help desk product clearly "
        "and concisely. If you don't know the answer, say so and offer to open a ticket. Never invent features or prices.",
        "You are a friendly customer support agent for Brightdesk. Keep answers short, use numbered steps for "
        "procedures, and point to the help center (https://help.brightdesk.io) when it helps.",
        "You are the Brightdesk help assistant. Only answer questions about Brightdesk (accounts, billing, "
        "tickets, integrations). Politely decline anything else.",
    ],
    ("support", "fr"): ["Tu es l'assistant du support Brightdesk. Réponds en français, de façon claire et concise. "
                        "Si tu ne connais pas la réponse, propose d'ouvrir un ticket."],
    ("support", "es"): ["Eres el asistente de soporte de Brightdesk. Responde en español, de forma clara y breve. "
                        "Si no sabes la respuesta, ofrece abrir un ticket."],
    ("support", "de"): ["Du bist der Support-Assistent von Brightdesk. Antworte auf Deutsch, klar und knapp. "
                        "Wenn du etwas nicht weißt, biete an, ein Ticket zu eröffnen."],
    ("support", "ja"): ["あなたはBrightdeskのサポートアシスタントです。日本語で、簡潔かつ丁寧に回答してください。"],
    ("shop", "en"): [
        "You are the shopping assistant of Atelier Nord, an online homeware store. Help customers with orders, "
        "deliveries, returns and product questions. Check an order with lookup_order before answering questions "
        "about it, and never share details of an order unless the customer gives its number.",
        "You are Atelier Nord's customer service assistant. Be warm and brief. Returns: 30 days, free in the EU "
        "except furniture over 20 kg. Delivery: 3-5 working days for small items, 2-3 weeks for furniture.",
    ],
    ("shop", "fr"): ["Tu es l'assistant client d'Atelier Nord, une boutique en ligne de décoration. Réponds en "
                     "français, avec chaleur et précision."],
    ("shop", "es"): ["Eres el asistente de compras de Atelier Nord, una tienda online de decoración. Responde en "
                     "español con amabilidad y precisión."],
    ("shop", "de"): ["Du bist der Kundenservice-Assistent von Atelier Nord, einem Online-Shop für Wohnaccessoires. "
                     "Antworte freundlich und präzise auf Deutsch."],
    ("shop", "it"): ["Sei l'assistente clienti di Atelier Nord, un negozio online di arredamento. Rispondi in "
                     "italiano, in modo cordiale e preciso."],
    ("coding", "en"): [
        "You are a senior software engineer helping colleagues. Give working code with brief explanations. "
        "Prefer the standard library.",
        "You are a coding assistant. Answer with concise explanations and fenced code blocks.",
        "You are a helpful programming assistant embedded in the IDE. Be direct; skip pleasantries.",
    ],
    ("coding", "fr"): ["Tu es un assistant de programmation. Réponds en français avec des exemples de code."],
    ("coding", "de"): ["Du bist ein Programmierassistent. Antworte auf Deutsch mit kurzen Codebeispielen."],
    ("data", "en"): [
        "You are the data assistant of the Kestrel Labs analytics team. The warehouse is PostgreSQL 16 with the "
        "tables users(id, email, created_at, country, plan), orders(id, user_id, amount_eur, status, created_at) "
        "and events(user_id, name, occurred_at). Write read-only SQL and explain it briefly.",
    ],
    ("data", "fr"): ["Tu es l'assistant data de l'équipe analytics de Kestrel Labs (PostgreSQL). Réponds en français."],
    ("writing", "en"): [
        "You are a helpful writing assistant. Match the tone the user asks for and keep the meaning intact.",
        "You are a professional editor and translator. Be accurate and concise.",
    ],
    ("writing", "fr"): ["Tu es un assistant de rédaction. Réponds en français, dans un style clair."],
    ("travel", "en"): [
        "You are Wayfarer, a travel concierge. Give practical advice. Use get_weather for weather questions and "
        "convert_currency for prices in another currency.",
        "You are a friendly travel assistant. Suggest concrete places and timings, and keep the budget in mind.",
    ],
    ("travel", "fr"): ["Tu es Wayfarer, un concierge de voyage. Réponds en français avec des conseils concrets."],
    ("travel", "es"): ["Eres Wayfarer, un asistente de viajes. Responde en español con consejos prácticos."],
    ("travel", "de"): ["Du bist Wayfarer, ein Reiseassistent. Antworte auf Deutsch mit praktischen Tipps."],
    ("travel", "it"): ["Sei Wayfarer, un assistente di viaggio. Rispondi in italiano con consigli pratici."],
    ("cooking", "en"): [
        "You are the cooking assistant of the Panier grocery app. Suggest simple recipes, list ingredients with "
        "quantities, and mention substitutions when useful.",
    ],
    ("cooking", "fr"): ["Tu es l'assistant cuisine de l'application Panier. Propose des recettes simples, avec les "
                        "quantités."],
    ("cooking", "es"): ["Eres el asistente de cocina de la app Panier. Propón recetas sencillas con cantidades."],
    ("cooking", "it"): ["Sei l'assistente di cucina dell'app Panier. Proponi ricette semplici con le dosi."],
    ("cooking", "ja"): ["あなたは料理アプリPanierのアシスタントです。分量を含めて、簡単なレシピを提案してください。"],
    ("finance", "en"): [
        "You are a finance assistant for Ledgerly. Explain financial concepts clearly. You are not a licensed "
        "advisor: do not give personalised investment advice.",
    ],
    ("finance", "fr"): ["Tu es l'assistant financier de Ledgerly. Explique clairement, sans donner de conseil "
                        "d'investissement personnalisé."],
    ("finance", "de"): ["Du bist der Finanzassistent von Ledgerly. Erkläre verständlich und gib keine persönliche "
                        "Anlageberatung."],
    ("hr", "en"): [
        "You are the internal HR assistant of Kestrel Labs. Answer questions about company policies using the "
        "search_docs tool (collection hr-policies) and cite the policy. Never disclose personal information about "
        "other employees.",
        "You are Kestrel Labs' internal HR and IT assistant. Answer questions about company policies accurately "
        "and briefly, and name the policy you rely on. Never disclose personal information about other employees.",
    ],
    ("hr", "fr"): ["Tu es l'assistant RH interne de Kestrel Labs. Réponds en français en citant la politique "
                   "concernée."],
    ("hr", "de"): ["Du bist der interne HR-Assistent von Kestrel Labs. Antworte auf Deutsch und nenne die "
                   "betreffende Richtlinie."],
    ("general", "en"): ["You are a helpful assistant.", "Answer as briefly as possible."],
    ("general", "es"): ["Eres un asistente útil."],
}


# --------------------------------------------------------------------------------------------
# Support: Brightdesk, a help desk SaaS
# --------------------------------------------------------------------------------------------

PASSWORD_Q = [
    "How do I reset my password?",
    "I forgot my password. How can I reset it?",
    "Hi, I can't remember my password and I'm locked out of my account. How do I reset it?",
    "how do i reset my brightdesk password",
    "What's the process for resetting a forgotten password?",
    "I need to reset my password but I can't find where to do it.",
    "Hello! Could you tell me how to reset the password for my account?",
]
PASSWORD_A = [
    "You can reset your password in a few steps:\n\n"
    "1. Go to the Brightdesk sign-in page and click **Forgot password?**\n"
    "2. Enter the email address you use for Brightdesk.\n"
    "3. Open the email we send you and click **Reset password**.\n"
    "4. Choose a new password of at least 12 characters.\n\n"
    "The reset link is valid for 60 minutes. If the email doesn't arrive, check your spam folder and make sure "
    "you're using the address your admin invited.",
    "No problem! Click **Forgot password?** on the sign-in page, enter your work email, and we'll send you a reset "
    "link. The link expires after 60 minutes, so use it soon.\n\nIf your company signs in with SSO (Google or "
    "Okta), you'll need to reset the password with your identity provider instead, because Brightdesk doesn't "
    "store it.",
    "To reset your password, open https://app.brightdesk.io/login, select **Forgot password?** and enter your email "
    "address. You'll receive a link to set a new password. For security, all your other sessions are signed out "
    "once the password is changed.",
]
PASSWORD_FOLLOW = [
    ("I didn't get the email.",
     "Sorry about that. A few things to check:\n\n"
     "- Look in your spam or junk folder for a message from no-reply@brightdesk.io.\n"
     "- Make sure you typed the same address your admin invited (aliases don't work).\n"
     "- Corporate mail filters sometimes hold our emails for a few minutes.\n\n"
     "If nothing arrives within 10 minutes, let me know and I'll open a ticket with our account team."),
    ("It says my email isn't recognised. What now?",
     "That usually means your account was created with a different address, or your admin removed your seat. "
     "Ask your Brightdesk admin to check **Settings → Team**: they can see the exact email on your profile and "
     "resend an invitation if needed."),
    ("We use Google sign-in, does that change anything?",
     "Yes. With Google sign-in, Brightdesk never sees your password, so there's nothing to reset on our side. Use "
     "**Sign in with Google** on the login page, and if you've forgotten your Google password, reset it at "
     "accounts.google.com or ask your IT team."),
]


def b_password(r, ctx):
    c = Conv("support", "en", "account access")
    c.user(vary(r, pick(r, PASSWORD_Q)))
    c.say(pick(r, PASSWORD_A))
    if r.random() < 0.4:
        q, a = pick(r, PASSWORD_FOLLOW)
        c.user(q)
        c.say(a)
    return c


INVOICE_Q = [
    "Where can I download my invoices?",
    "I need a copy of last month's invoice for our accounting team. Where do I find it?",
    "How do I get a PDF invoice with our VAT number on it?",
    "Our finance team is asking for all 2025 invoices. Can I download them in one go?",
]
INVOICE_A = [
    "Invoices are in **Settings → Billing → Invoices**. Each line has a **Download PDF** button. Only workspace "
    "owners and billing admins can see this page, so if it's missing, ask your owner to give you the Billing admin "
    "role.",
    "You'll find every invoice under **Settings → Billing → Invoices**. To add your VAT number, open **Billing "
    "details**, fill in the *Tax ID* field and save: it appears on all future invoices. If you need it on a past "
    "invoice, reply with the invoice number and we'll reissue it.",
    "Yes: go to **Settings → Billing → Invoices**, select the year in the filter, and click **Download all (ZIP)**. "
    "You'll get one PDF per invoice. Invoices are also emailed to the billing contact each month.",
]


def b_invoice(r, ctx):
    c = Conv("support", "en", "billing")
    i = r.randrange(len(INVOICE_Q))
    c.user(INVOICE_Q[i])
    c.say(INVOICE_A[[0, 0, 1, 2][i]])
    return c


PLAN_Q = [
    "If I upgrade from Starter to Pro in the middle of the month, do I pay the full price?",
    "We're on the Pro plan and want to move to Enterprise before our renewal. How does billing work?",
    "Can I downgrade from Pro to Starter? What happens to the features we use?",
]
PLAN_A = [
    "No, upgrades are prorated. When you move from Starter ($12 per agent per month) to Pro ($29), we charge only "
    "the difference for the days left in your current billing period, and from the next period you pay the full "
    "Pro price. The new features are available immediately.",
    "Enterprise is quoted per contract, so the switch goes through our sales team. They'll credit the unused part "
    "of your Pro subscription against the first Enterprise invoice, so you never pay twice for the same period. "
    "You can request a quote from **Settings → Billing → Change plan → Talk to sales**.",
    "Yes. Downgrades take effect at the end of your current billing period, so you keep Pro until then. After "
    "that, Pro-only features switch off: SLA policies, custom roles and the Jira integration. Your data (tickets, "
    "macros, reports) is kept, and it comes back as it was if you upgrade again.",
]


def b_plan(r, ctx):
    c = Conv("support", "en", "billing")
    i = r.randrange(len(PLAN_Q))
    c.user(PLAN_Q[i])
    c.say(PLAN_A[i])
    return c


CANCEL_Q = [
    "How do I cancel my subscription?",
    "I want to cancel our Brightdesk plan at the end of the month. How?",
    "Can I cancel anytime or am I locked in?",
    "how to cancel brightdesk subscription",
]
CANCEL_A = [
    "You can cancel anytime from **Settings → Billing → Cancel plan**. Your workspace stays active until the end "
    "of the period you've already paid for, and your data is kept for 30 days after that in case you change your "
    "mind. Only the workspace owner can cancel.",
    "Monthly plans can be cancelled at any time and simply won't renew. Annual plans run until the end of the "
    "year you paid for; we don't refund the unused months, but you can switch off auto-renewal right away in "
    "**Settings → Billing**.",
]


def b_cancel(r, ctx):
    c = Conv("support", "en", "billing")
    c.user(pick(r, CANCEL_Q))
    c.say(pick(r, CANCEL_A))
    if r.random() < 0.3:
        c.user("Will I lose our ticket history?")
        c.say("Not immediately. After the subscription ends, the workspace is read-only for 30 days, and you can "
              "export everything from **Reports → Export** (CSV) during that time. After 30 days the data is "
              "deleted permanently.")
    return c


SUPPORT_FAQ = [
    ("How do I add a new agent to my team?",
     "Go to **Settings → Team → Invite agents**, enter their email addresses and pick a role (Agent, Supervisor or "
     "Admin). They'll get an invitation valid for 7 days. Each new agent adds a seat to your subscription, prorated "
     "for the current period."),
    ("We just hired two people. How do I give them access?",
     "Invite them from **Settings → Team → Invite agents**. You can add both addresses at once; each one becomes a "
     "seat on your plan, charged pro rata for the rest of this billing period."),
    ("I lost my phone and can't get my two-factor codes. How do I log in?",
     "If you saved your backup codes when you turned on 2FA, you can use one of them on the code screen. "
     "Otherwise, an admin of your workspace can reset your 2FA from **Settings → Team → (your name) → Reset 2FA**. "
     "If you're the only owner, contact us from the login page (**Can't sign in?**) and we'll verify your identity "
     "before resetting it."),
    ("How do I rotate our API key without downtime?",
     "Create the new key first, then retire the old one:\n\n"
     "1. In **Settings → API**, click **Generate key** and copy it (it's only shown once).\n"
     "2. Deploy it to every service that calls Brightdesk.\n"
     "3. Check **Last used** on the old key; when it stops changing, click **Revoke**.\n\n"
     "Both keys work in parallel until you revoke the old one, so there's no gap."),
    ("Can I export all our tickets to CSV?",
     "Yes. **Reports → Export** creates a CSV of tickets with their fields, tags and timestamps (up to 100,000 rows "
     "per export). For larger volumes or for conversations with full message bodies, use the REST API's "
     "`/tickets/export` endpoint."),
    ("Does Brightdesk integrate with Slack?",
     "Yes. Install the Slack app from **Settings → Integrations → Slack**. You can get notified of new tickets in a "
     "channel, reply to customers from Slack threads, and turn a Slack message into a ticket with the message "
     "shortcut."),
    ("Is there a Jira integration?",
     "Yes, on the Pro and Enterprise plans. Connect it from **Settings → Integrations → Jira Cloud**; agents can "
     "then create or link Jira issues from a ticket, and the ticket shows the issue's status."),
    ("What's the difference between Pro and Enterprise?",
     "Pro ($29 per agent per month) includes SLA policies, custom roles, the Jira and Salesforce integrations and "
     "advanced reports. Enterprise adds SAML single sign-on, audit logs, a sandbox workspace, data residency in the "
     "EU or US, and a dedicated success manager. Enterprise pricing depends on the number of agents; the sales team "
     "can send you a quote."),
    ("Your dashboard has been really slow all morning.",
     "I'm sorry about that, and thanks for telling us. We had degraded performance on the dashboard between 08:10 "
     "and 09:40 UTC, which is now resolved; details are on https://status.brightdesk.io. If it's still slow for "
     "you, try a hard refresh (Ctrl+Shift+R) and let me know your workspace name so I can check further."),
    ("Can I restrict which agents see certain tickets?",
     "Yes, with groups. Create groups in **Settings → Groups** (for example *Billing* or *VIP*), route tickets to "
     "them with automation rules, and set agents' access to *Tickets in their groups only* in their role. Custom "
     "roles are available on Pro and Enterprise."),
    ("How do I merge two duplicate tickets?",
     "Open one of the tickets, click **⋯ → Merge**, and search for the other one. Pick which ticket stays open: "
     "the messages of the other are added to it and the duplicate is closed with a link to the merged ticket. "
     "Merging can't be undone."),
    ("Where do I change my email notification settings?",
     "Click your avatar, then **Profile → Notifications**. You can choose which events send you an email (new "
     "assignment, customer reply, mention, SLA warning) and switch to a daily digest instead."),
    ("Can customers reply to tickets by email?",
     "Yes. Every ticket notification has a reply-to address, and whatever the customer writes back is added to the "
     "ticket as a new message. Attachments up to 25 MB are kept."),
    ("How do I set a different language for the customer portal?",
     "Open **Settings → Customer portal → Languages**, add the languages you need and choose a default. The portal "
     "follows the visitor's browser language when it's available, and falls back to the default otherwise."),
]


def b_support_faq(r, ctx):
    c = Conv("support", "en", "product question")
    q, a = pick(r, SUPPORT_FAQ)
    c.user(vary(r, q))
    c.say(a)
    return c


BUG_REPORTS = [
    ("The ticket view shows a blank page since this morning. I've tried Chrome and Firefox. Workspace: {ws}.",
     "Ticket view shows a blank page", "bug", "high",
     "Since this morning the ticket view renders a blank page in Chrome and Firefox. Workspace: {ws}."),
    ("Emails sent to our support address aren't turning into tickets anymore. Last one came in yesterday around "
     "5pm. Workspace {ws}.", "Inbound emails no longer create tickets", "bug", "urgent",
     "Emails to the support address stopped creating tickets; last ticket created yesterday around 17:00. "
     "Workspace: {ws}."),
    ("The CSV export keeps failing with 'Export error 500' when I pick a date range of more than a month. "
     "Workspace is {ws}.", "CSV export fails with error 500 for ranges over a month", "bug", "normal",
     "Reports → Export returns 'Export error 500' for date ranges longer than one month. Workspace: {ws}."),
]


def b_bug_ticket(r, ctx):
    c = Conv("support", "en", "bug report")
    ws = pick(r, ["northpeak", "fernhill-support", "quillworks", "bluefinch-eu", "orbitlane-help"])
    q, title, cat, prio, desc = pick(r, BUG_REPORTS)
    c.user(q.format(ws=ws))
    (cid,) = c.call(r, ("create_ticket", {"title": title, "description": desc.format(ws=ws),
                                          "priority": prio, "category": cat}))
    tid = f"BD-{r.randint(41000, 49999)}"
    c.result(cid, "create_ticket", {"ticket_id": tid, "status": "open", "priority": prio,
                                    "url": f"https://help.brightdesk.io/tickets/{tid}"})
    c.say(pick(r, [
        f"I'm sorry about the trouble. I've opened ticket **{tid}** with {prio} priority and our engineers will "
        f"look into it. You'll get updates by email, and you can follow it at "
        f"https://help.brightdesk.io/tickets/{tid}.",
        f"Thanks for the details. I've logged this as **{tid}** ({prio} priority). The team usually responds "
        f"within a few hours for {prio} issues; I'll make sure your workspace name is on the ticket so nobody has "
        f"to ask again.",
    ]))
    return c


DOC_SEARCHES = [
    ("How do I set up automatic replies outside business hours?",
     "automatic replies outside business hours",
     [{"title": "Business hours and out-of-office replies", "url": "https://help.brightdesk.io/articles/204",
       "excerpt": "Define your business hours in Settings → Business hours, then enable 'Send an automatic reply "
                  "outside business hours' and edit the message template."},
      {"title": "Automation rules", "url": "https://help.brightdesk.io/articles/118",
       "excerpt": "Rules can trigger on ticket creation and use the condition 'outside business hours'."}],
     "Here's how to do it:\n\n"
     "1. Go to **Settings → Business hours** and set your opening hours and time zone.\n"
     "2. Turn on **Send an automatic reply outside business hours**.\n"
     "3. Edit the reply template; you can use placeholders like `{{customer.first_name}}` and "
     "`{{business_hours.next_open}}`.\n\n"
     "If you want different replies per channel, create an automation rule with the condition *outside business "
     "hours* instead. Source: [Business hours and out-of-office replies](https://help.brightdesk.io/articles/204)."),
    ("How do SLA policies work?", "SLA policies",
     [{"title": "Setting up SLA policies", "url": "https://help.brightdesk.io/articles/312",
       "excerpt": "An SLA policy sets first-response and resolution targets per priority. Targets pause while a "
                  "ticket is pending on the customer. Available on Pro and Enterprise."}],
     "An SLA policy sets two targets for each priority level: a first-response time and a resolution time. The "
     "clock runs during business hours only (unless you choose calendar hours) and pauses while a ticket is "
     "*Pending* on the customer. Tickets about to breach are highlighted in the queue, and breaches show up in "
     "**Reports → SLA**. SLA policies are available on Pro and Enterprise. More details: "
     "https://help.brightdesk.io/articles/312"),
    ("Can I use my own domain for the help center?", "custom domain help center",
     [{"title": "Use a custom domain for your help center", "url": "https://help.brightdesk.io/articles/87",
       "excerpt": "Add a CNAME record pointing help.yourcompany.com to portal.brightdesk.io, then enter the domain "
                  "in Settings → Customer portal → Domain. SSL certificates are issued automatically."}],
     "Yes. Create a CNAME record (for example `help.yourcompany.com`) pointing to `portal.brightdesk.io`, then enter "
     "the domain in **Settings → Customer portal → Domain**. Once DNS has propagated, we issue the SSL certificate "
     "automatically, usually within an hour. See https://help.brightdesk.io/articles/87"),
]


def b_doc_search(r, ctx):
    c = Conv("support", "en", "product question")
    q, query, hits, answer = pick(r, DOC_SEARCHES)
    c.user(q)
    (cid,) = c.call(r, ("search_docs", {"query": query, "collection": "help-center", "top_k": 3}))
    c.result(cid, "search_docs", {"results": hits})
    c.say(answer)
    return c


def b_refund(r, ctx):
    c = Conv("support", "en", "billing")
    c.user(pick(r, [
        "I was charged twice this month and I want a refund right now.",
        "You billed us for 12 seats but we only have 9 agents. Please refund the difference.",
        "Can you refund my last payment? I forgot to cancel before the renewal.",
    ]))
    c.say(pick(r, [
        "I'm sorry about that, I understand how frustrating an unexpected charge is. I'm not able to issue refunds "
        "myself, but our billing team can. Please email billing@brightdesk.io with the invoice number (you'll find it "
        "in **Settings → Billing → Invoices**) and they'll get back to you within one business day.",
        "I'm sorry, but I can't process refunds from this chat. The billing team handles them: reply to your latest "
        "invoice email or write to billing@brightdesk.io, and mention the invoice number so they can correct it "
        "quickly.",
    ]), refusal=True)
    return c


OFF_TOPIC = [
    "Can you help me write a cover letter for a marketing job?",
    "Write me a poem about my cat.",
    "Who do you think will win the Champions League this year?",
    "What's a good recipe for lasagna?",
    "Can you do my statistics homework? It's due tomorrow.",
]


def b_off_topic(r, ctx):
    c = Conv("support", "en", "off-topic")
    c.system = SYSTEM[("support", "en")][2]
    c.user(pick(r, OFF_TOPIC))
    c.say(pick(r, [
        "I'm sorry, but I can only help with questions about Brightdesk, such as your account, billing, tickets or "
        "integrations. Is there anything about Brightdesk I can help you with?",
        "Sorry, that's outside what I can help with here. I'm Brightdesk's support assistant, so I can answer "
        "questions about the product and your account.",
    ]), refusal=True)
    return c


# --------------------------------------------------------------------------------------------
# Shop: Atelier Nord, an online homeware store
# --------------------------------------------------------------------------------------------

PRODUCTS = [("Oslo oak side table", 189), ("Fjord linen duvet cover", 119), ("Halden armchair", 649),
            ("Sorrel ceramic vase", 45), ("Birka wool throw", 89), ("Lumi pendant lamp", 159),
            ("Tove stoneware dinner set", 139), ("Aska rattan mirror", 129)]
CARRIERS = ["DHL", "DPD", "PostNord", "Colissimo", "UPS"]

WEEKDAYS = {
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
    "es": ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"],
    "de": ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"],
    "it": ["lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"],
}
MONTHS = {
    "en": {8: "August", 9: "September", 10: "October", 11: "November"},
    "fr": {8: "août", 9: "septembre", 10: "octobre", 11: "novembre"},
    "es": {8: "agosto", 9: "septiembre", 10: "octubre", 11: "noviembre"},
    "de": {8: "August", 9: "September", 10: "Oktober", 11: "November"},
    "it": {8: "agosto", 9: "settembre", 10: "ottobre", 11: "novembre"},
}


def fmt_day(d, lang):
    wd = WEEKDAYS[lang][d.weekday()]
    m = MONTHS[lang][d.month]
    if lang == "en":
        return f"{wd} {d.day} {m}"
    if lang == "de":
        return f"{wd}, {d.day}. {m}"
    if lang == "ja":
        return f"{d.month}月{d.day}日"
    return f"{wd} {d.day} {m}" if lang != "es" else f"el {wd} {d.day} de {m}"


def workdays_after(day, n):
    d = day
    while n > 0:
        d += dt.timedelta(days=1)
        if d.weekday() < 5:
            n -= 1
    return d


def order_record(r, ctx, oid, status=None):
    item, price = pick(r, PRODUCTS)
    today = ctx.when.date()
    status = status or weighted(r, [("shipped", 50), ("processing", 20), ("delivered", 15), ("delayed", 15)])
    # Furniture is made to order (2-3 weeks); small items ship within days.
    age = r.randint(14, 21) if item in ("Halden armchair", "Oslo oak side table") else r.randint(3, 9)
    rec = {"order_id": oid, "status": status, "placed_at": (today - dt.timedelta(days=age)).isoformat(),
           "items": [{"name": item, "quantity": 1, "price_eur": price}]}
    if status == "shipped":
        rec["carrier"] = pick(r, CARRIERS)
        rec["tracking_number"] = "".join(pick(r, "0123456789") for _ in range(12))
        rec["estimated_delivery"] = workdays_after(today, r.randint(1, 3)).isoformat()
    elif status == "processing":
        rec["estimated_dispatch"] = workdays_after(today, 1).isoformat()
    elif status == "delivered":
        rec["delivered_at"] = (today - dt.timedelta(days=1)).isoformat() + "T14:22:00Z"
        rec["carrier"] = pick(r, CARRIERS)
    else:
        rec["delay_reason"] = pick(r, ["supplier backlog", "carrier capacity", "quality check"])
        rec["estimated_delivery"] = workdays_after(today, r.randint(6, 10)).isoformat()
    return rec


def order_answer_en(rec):
    item = rec["items"][0]["name"]
    s = rec["status"]
    if s == "shipped":
        d = fmt_day(dt.date.fromisoformat(rec["estimated_delivery"]), "en")
        return (f"Good news: your {item} has shipped with {rec['carrier']} (tracking number "
                f"{rec['tracking_number']}). It should arrive on **{d}**. You'll get a text message on the morning "
                f"of delivery with a two-hour window.")
    if s == "processing":
        d = fmt_day(dt.date.fromisoformat(rec["estimated_dispatch"]), "en")
        return (f"Your order is being prepared in our warehouse and should leave on **{d}**. As soon as it's with "
                f"the carrier, you'll receive an email with the tracking link.")
    if s == "delivered":
        d = fmt_day(dt.date.fromisoformat(rec["delivered_at"][:10]), "en")
        return (f"According to {rec['carrier']}, your {item} was delivered on {d} at 14:22. If you can't find it, "
                f"please check with neighbours or your building's reception. If it hasn't turned up within 48 "
                f"hours, tell me and I'll open an investigation with the carrier.")
    d = fmt_day(dt.date.fromisoformat(rec["estimated_delivery"]), "en")
    return (f"I'm sorry, your order is running late because of a {rec['delay_reason']}. The new estimated "
            f"delivery date is **{d}**. If that no longer works for you, you can cancel the order for a full "
            f"refund, just let me know.")


def b_order_status(r, ctx):
    c = Conv("shop", "en", "order status")
    oid = order_number(r)
    rec = order_record(r, ctx, oid)
    item = rec["items"][0]["name"]
    if r.random() < 0.3:
        c.user(pick(r, ["Where is my package?", "hi, my order hasn't arrived yet", "Can you tell me when my stuff "
                                                                                   "will be delivered?"]))
        c.say("I can check that for you. What's your order number? It starts with **AN-** and is in your "
              "confirmation email.")
        c.user(pick(r, [f"It's {oid}", f"{oid}", f"Order number is {oid}, thanks"]))
    else:
        c.user(pick(r, [
            f"Where is my order {oid}?",
            f"Hi, I ordered a {item.lower()} last week (order {oid}) and it still hasn't arrived.",
            f"Can you check the status of order {oid}? I need it before the weekend.",
            f"Any update on {oid}?",
        ]))
    (cid,) = c.call(r, ("lookup_order", {"order_id": oid}))
    c.result(cid, "lookup_order", rec)
    c.say(order_answer_en(rec))
    return c


SHOP_FAQ = [
    ("Can I return a cushion cover if I don't like the colour?",
     "Of course. You have 30 days from delivery to return any unused item in its original packaging, and returns "
     "are free within the EU. Start the return from **My orders → Return an item**, print the label, and drop the "
     "parcel at any pick-up point. We refund you within 5 working days of receiving it."),
    ("How long does delivery take for a sofa?",
     "Furniture is made to order by our partner workshops, so sofas and armchairs usually take 2 to 3 weeks. "
     "We'll call you to book a delivery slot once it's ready, and the delivery team brings it to the room of your "
     "choice."),
    ("Do you ship to Switzerland?",
     "Yes, we ship to Switzerland. Delivery takes 5 to 8 working days, and import VAT and customs fees are "
     "included in the price you see at checkout, so there's nothing extra to pay on delivery."),
    ("Is the Fjord linen duvet cover machine washable?",
     "Yes. Wash it at 40 °C on a gentle cycle, inside out, with similar colours. Avoid tumble drying on high "
     "heat: linen dries quickly on a line and looks best slightly crumpled. It softens a little more with each "
     "wash."),
    ("What are the dimensions of the Oslo oak side table?",
     "The Oslo side table is 45 cm wide, 45 cm deep and 52 cm high, and weighs 7 kg. It's solid oak with a matte "
     "oil finish, and it arrives assembled."),
    ("Can I change the delivery address after ordering?",
     "Yes, as long as the order hasn't shipped yet. Go to **My orders**, open the order and choose **Change "
     "address**. If the button isn't there anymore, the parcel is already with the carrier; in that case, use the "
     "carrier's tracking page to redirect it."),
    ("Do you have gift cards?",
     "Yes, digital gift cards from €25 to €500. They're sent by email on the date you choose and are valid for "
     "two years on everything in the shop."),
    ("Is the Lumi pendant lamp compatible with dimmable bulbs?",
     "Yes, the Lumi pendant works with any dimmable E27 LED bulb up to 60 W equivalent, as long as your dimmer "
     "switch supports LEDs. The bulb isn't included."),
]


def b_shop_faq(r, ctx):
    c = Conv("shop", "en", "product question")
    q, a = pick(r, SHOP_FAQ)
    c.user(vary(r, q))
    c.say(a)
    return c


def b_damaged(r, ctx):
    c = Conv("shop", "en", "damaged item")
    oid = order_number(r)
    item = pick(r, ["ceramic vase", "stoneware dinner set", "rattan mirror", "pendant lamp"])
    c.user(pick(r, [
        f"My {item} arrived broken. Order {oid}. What can you do?",
        f"Hello, the {item} from order {oid} was cracked when I opened the box. I have photos.",
    ]))
    (cid,) = c.call(r, ("create_ticket", {
        "title": f"Damaged on arrival: {item} ({oid})",
        "description": f"Customer reports the {item} from order {oid} arrived broken. Photos available.",
        "priority": "normal", "category": "shipping"}))
    tid = f"AN-T{r.randint(20000, 29999)}"
    c.result(cid, "create_ticket", {"ticket_id": tid, "status": "open"})
    c.say(f"I'm so sorry your {item} arrived damaged. I've opened a claim (**{tid}**). You'll receive an email "
          f"in a few minutes where you can upload your photos; once we have them, we'll send a replacement free "
          f"of charge, or a full refund if you prefer. There's no need to send the broken item back.")
    return c


def b_shop_currency(r, ctx):
    c = Conv("shop", "en", "pricing")
    item, price = pick(r, PRODUCTS)
    dst = pick(r, ["CHF", "GBP", "USD", "SEK", "DKK"])
    c.user(pick(r, [f"How much is the {item} (€{price}) in {dst}?",
                    f"What would the {item} cost me in {dst}? I'm not in the eurozone."]))
    (cid,) = c.call(r, ("convert_currency", {"amount": price, "from_currency": "EUR", "to_currency": dst}))
    res = convert(r, price, "EUR", dst)
    res["as_of"] = ctx.when.date().isoformat()
    c.result(cid, "convert_currency", res)
    c.say(f"At today's rate (1 EUR = {res['rate']} {dst}), €{price} is about **{fmt_num(res['result'], 'en')} "
          f"{dst}**. We charge in euros, so the exact amount on your statement depends on your bank's exchange rate "
          f"and fees.")
    return c


def b_shop_privacy(r, ctx):
    c = Conv("shop", "en", "privacy")
    first, last, _ = pick(r, PEOPLE)
    c.user(pick(r, [
        f"My neighbour {first} {last} ordered the same table as me. Can you tell me when hers is being delivered?",
        f"Can you give me the address {first} {last} used for their last order? It's for a surprise gift.",
    ]))
    c.say("I'm sorry, but I can't share any information about another customer's order or account. If it's for a "
          "gift, you could order it yourself and choose **Send as a gift** at checkout, which lets you enter any "
          "delivery address.", refusal=True)
    return c


# --------------------------------------------------------------------------------------------
# Coding help
# --------------------------------------------------------------------------------------------

CODE_QA = [
    ("How do I remove duplicates from a list in Python but keep the original order?",
     "Use `dict.fromkeys`, which keeps insertion order (guaranteed since Python 3.7):\n\n"
     "```python\nitems = [3, 1, 3, 2, 1]\nunique = list(dict.fromkeys(items))\nprint(unique)  # [3, 1, 2]\n```\n\n"
     "It runs in O(n) and works for any hashable items. `list(set(items))` is shorter but loses the order.",
     ("What if the items are dicts?",
      "Dicts aren't hashable, so track a hashable key instead. If one field identifies an item:\n\n"
      "```python\ndef unique_by(items, key):\n    seen = set()\n    result = []\n    for item in items:\n"
      "        k = item[key]\n        if k not in seen:\n            seen.add(k)\n            result.append(item)\n"
      "    return result\n\nusers = unique_by(users, \"id\")\n```\n\n"
      "If you need to compare whole dicts, use `k = tuple(sorted(item.items()))` as the key (values must be "
      "hashable too).")),
    ("Write a debounce function in JavaScript.",
     "```javascript\nfunction debounce(fn, delay = 300) {\n  let timer;\n  return function (...args) {\n"
     "    clearTimeout(timer);\n    timer = setTimeout(() => fn.apply(this, args), delay);\n  };\n}\n\n"
     "// usage\nconst onResize = debounce(() => console.log(window.innerWidth), 200);\n"
     "window.addEventListener(\"resize\", onResize);\n```\n\n"
     "Each call resets the timer, so `fn` runs only once the calls have stopped for `delay` milliseconds.",
     ("Can you add TypeScript types?",
      "```typescript\nfunction debounce<A extends unknown[]>(\n  fn: (...args: A) => void,\n  delay = 300,\n"
      "): (...args: A) => void {\n  let timer: ReturnType<typeof setTimeout> | undefined;\n"
      "  return (...args: A) => {\n    clearTimeout(timer);\n    timer = setTimeout(() => fn(...args), delay);\n"
      "  };\n}\n```\n\n"
      "`ReturnType<typeof setTimeout>` keeps it working in both the browser (`number`) and Node (`Timeout`).")),
    ("How do I undo my last git commit but keep the changes?",
     "```bash\ngit reset --soft HEAD~1\n```\n\n"
     "The commit is removed and its changes stay staged. Use `git reset HEAD~1` (mixed, the default) if you want "
     "them unstaged instead.",
     ("And if I already pushed it?",
      "Then don't rewrite history on a shared branch. Create a commit that reverses it:\n\n"
      "```bash\ngit revert HEAD\ngit push\n```\n\n"
      "If it's your own feature branch and nobody else has pulled it, you can reset and force-push with "
      "`git push --force-with-lease`, which refuses to overwrite commits you haven't seen.")),
    ("Regex to extract all dates in YYYY-MM-DD format from a string?",
     "```python\nimport re\n\ntext = \"Invoices from 2025-09-01 and 2025-09-15 are overdue.\"\n"
     "dates = re.findall(r\"\\b\\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])\\b\", text)\n"
     "print(dates)  # ['2025-09-01', '2025-09-15']\n```\n\n"
     "The month and day groups reject obvious nonsense like `2025-13-40`, but not `2025-02-31`; parse with "
     "`datetime.date.fromisoformat` if you need real validation.", None),
    ("I'm getting `TypeError: 'NoneType' object is not subscriptable` on this line:\n\n"
     "```python\nname = get_user(user_id)[\"name\"]\n```\n\nWhat does it mean?",
     "It means `get_user(user_id)` returned `None`, and you then tried to index it with `[\"name\"]`. Most likely "
     "the user wasn't found and the function falls through without a `return`.\n\nHandle the missing case "
     "explicitly:\n\n"
     "```python\nuser = get_user(user_id)\nif user is None:\n    raise LookupError(f\"no user {user_id}\")\n"
     "name = user[\"name\"]\n```\n\nor use `user.get(\"name\")` if a missing name is acceptable.", None),
    ("Bash one-liner to find the 10 largest files under the current directory?",
     "```bash\nfind . -type f -printf '%s %p\\n' | sort -nr | head -10\n```\n\n"
     "On macOS (BSD `find` has no `-printf`), use `find . -type f -exec du -k {} + | sort -nr | head -10`, which "
     "shows sizes in KB.", None),
    ("How do I make this Swift struct decode from JSON with snake_case keys?\n\n"
     "```swift\nstruct Order {\n    let orderId: String\n    let totalAmount: Double\n}\n```",
     "Make it `Decodable` and let the decoder convert the keys:\n\n"
     "```swift\nstruct Order: Decodable {\n    let orderId: String\n    let totalAmount: Double\n}\n\n"
     "let decoder = JSONDecoder()\ndecoder.keyDecodingStrategy = .convertFromSnakeCase\n"
     "let order = try decoder.decode(Order.self, from: data)\n```\n\n"
     "With `.convertFromSnakeCase`, `order_id` maps to `orderId` and `total_amount` to `totalAmount`. If only some "
     "keys differ, declare a `CodingKeys` enum instead.", None),
    ("Why does this function keep returning the items from previous calls?\n\n"
     "```python\ndef add_item(item, items=[]):\n    items.append(item)\n    return items\n```",
     "The default list is created once, when the function is defined, and then shared by every call that "
     "doesn't pass `items`. So each call appends to the same list.\n\nUse `None` as the default:\n\n"
     "```python\ndef add_item(item, items=None):\n    if items is None:\n        items = []\n"
     "    items.append(item)\n    return items\n```\n\nThe same applies to any mutable default (dicts, sets).",
     None),
    ("How do I run 100 HTTP requests concurrently in Python but at most 10 at a time?",
     "With `asyncio` and `httpx`, a semaphore caps the concurrency:\n\n"
     "```python\nimport asyncio\nimport httpx\n\nasync def fetch_all(urls, limit=10):\n"
     "    sem = asyncio.Semaphore(limit)\n    async with httpx.AsyncClient(timeout=10) as client:\n"
     "        async def fetch(url):\n            async with sem:\n                r = await client.get(url)\n"
     "                r.raise_for_status()\n                return r.json()\n"
     "        return await asyncio.gather(*(fetch(u) for u in urls))\n\n"
     "results = asyncio.run(fetch_all(urls))\n```\n\n"
     "`gather` keeps the results in the same order as `urls`. Pass `return_exceptions=True` if one failure "
     "shouldn't cancel the rest.", None),
    ("In Go, what's the idiomatic way to read a file line by line?",
     "Use a `bufio.Scanner`:\n\n"
     "```go\nf, err := os.Open(\"access.log\")\nif err != nil {\n    return err\n}\ndefer f.Close()\n\n"
     "scanner := bufio.NewScanner(f)\nfor scanner.Scan() {\n    line := scanner.Text()\n    // ...\n}\n"
     "if err := scanner.Err(); err != nil {\n    return err\n}\n```\n\n"
     "Lines longer than 64 KB make `Scan` fail; call `scanner.Buffer(make([]byte, 0, 1024*1024), 1024*1024)` "
     "before the loop if you expect them.", None),
    ("What does `error[E0502]: cannot borrow `v` as mutable because it is also borrowed as immutable` mean in "
     "Rust?",
     "You're holding a shared reference into `v` (for example `let first = &v[0];`) and then trying to mutate "
     "`v` (say `v.push(4)`) while that reference is still used later. Pushing may reallocate the vector, which "
     "would leave `first` dangling, so the compiler refuses.\n\nFixes, depending on what you need:\n\n"
     "- finish using the reference before mutating;\n- copy the value out: `let first = v[0];` (for `Copy` "
     "types) or `v[0].clone()`;\n- store an index instead of a reference.", None),
    ("How can I reduce the size of my Docker image? It's 1.8 GB for a small Python API.",
     "A few changes usually get a Python API under 200 MB:\n\n"
     "**1. Start from a slim base.** `python:3.12-slim` is about 130 MB versus over 1 GB for `python:3.12`.\n\n"
     "**2. Use a multi-stage build.** Install build tools and compile wheels in a first stage, then copy only the "
     "installed packages into the final one:\n\n"
     "```dockerfile\nFROM python:3.12-slim AS build\nRUN pip install --no-cache-dir --prefix=/install -r "
     "requirements.txt\n\nFROM python:3.12-slim\nCOPY --from=build /install /usr/local\nCOPY app/ /app\n"
     "CMD [\"uvicorn\", \"app.main:app\", \"--host\", \"0.0.0.0\"]\n```\n\n"
     "**3. Don't ship the cache.** `--no-cache-dir` for pip, and `rm -rf /var/lib/apt/lists/*` in the same `RUN` "
     "as any `apt-get install`.\n\n"
     "**4. Add a `.dockerignore`.** Exclude `.git`, virtualenvs, test data and notebooks; they're often the "
     "biggest surprise.\n\n"
     "**5. Check what's heavy.** `docker history <image>` shows the size of each layer, and tools like `dive` let "
     "you browse them.\n\nIf you're pulling in data-science libraries you don't use at runtime, moving them to a "
     "dev requirements file is often the single biggest win.", None),
    ("How do I parse command-line arguments in Python?",
     "Use `argparse` from the standard library:\n\n"
     "```python\nimport argparse\n\nparser = argparse.ArgumentParser(description=\"Resize images\")\n"
     "parser.add_argument(\"path\", help=\"folder with the images\")\n"
     "parser.add_argument(\"--width\", type=int, default=800)\n"
     "parser.add_argument(\"--dry-run\", action=\"store_true\")\nargs = parser.parse_args()\n\n"
     "print(args.path, args.width, args.dry_run)\n```\n\n"
     "You get `--help` for free, type conversion, and an error message when a required argument is missing. "
     "Note that `--dry-run` becomes `args.dry_run`.", None),
    ("What's the difference between a process and a thread?",
     "A **process** is a running program with its own memory space; processes are isolated from each other and "
     "communicate through pipes, sockets or files. A **thread** runs inside a process and shares its memory with "
     "the other threads of that process.\n\nSo threads are cheaper to create and can share data directly, but "
     "that sharing needs locks to avoid race conditions. Processes are heavier but a crash or memory corruption in "
     "one doesn't take down the others. In CPython, the GIL also means CPU-bound work scales with processes "
     "(`multiprocessing`) rather than threads.", None),
    ("How do I center a div horizontally and vertically?",
     "The simplest modern way is a grid (or flex) container on the parent:\n\n"
     "```css\n.parent {\n  display: grid;\n  place-items: center;\n  min-height: 100vh; /* or any height */\n}\n"
     "```\n\nWith flexbox: `display: flex; justify-content: center; align-items: center;`. Both work for "
     "elements of unknown size.", None),
    ("How do I unit test a Python function that calls an external API?",
     "Patch the HTTP call so the test never touches the network:\n\n"
     "```python\nfrom unittest.mock import patch\n\nfrom weather import current_temp\n\n"
     "@patch(\"weather.requests.get\")\ndef test_current_temp(mock_get):\n"
     "    mock_get.return_value.json.return_value = {\"temp\": 21.5}\n"
     "    mock_get.return_value.status_code = 200\n\n    assert current_temp(\"Lyon\") == 21.5\n"
     "    mock_get.assert_called_once()\n```\n\n"
     "Patch where the name is *used* (`weather.requests.get`), not where it's defined. For bigger suites, "
     "libraries like `responses` or `respx` let you declare fake endpoints instead.", None),
    ("Why does my React component re-render in an infinite loop?",
     "Usually a `useEffect` that updates state it also depends on, or one with no dependency array:\n\n"
     "```jsx\nuseEffect(() => {\n  setItems(fetchItems()); // runs after every render -> new render -> ...\n});\n```\n\n"
     "Give the effect a dependency array so it runs only when those values change (`[]` for once after mount), and "
     "avoid putting objects or functions created during render in it, since they're new on every render. "
     "`useMemo`/`useCallback` can stabilise them if needed.", None),
    ("How do I convert a Unix timestamp to a date in JavaScript?",
     "JavaScript dates use milliseconds, so multiply seconds by 1000:\n\n"
     "```javascript\nconst ts = 1757838667;\nconst date = new Date(ts * 1000);\n"
     "console.log(date.toISOString()); // 2025-09-14T08:31:07.000Z\n```\n\n"
     "For a local, human-readable format use `date.toLocaleString(\"en-GB\", { timeZone: \"Europe/Paris\" })`.",
     None),
    ("Explain the difference between `==` and `===` in JavaScript, briefly.",
     "`===` compares value and type with no conversion. `==` converts the operands to a common type first, which "
     "gives surprises like `0 == \"\"` and `null == undefined` both being `true`. Use `===` by default; "
     "`x == null` is the one common idiom where `==` is handy (it matches both `null` and `undefined`).", None),
]


def b_code(r, ctx):
    c = Conv("coding", "en", "coding help")
    q, a, follow = pick(r, CODE_QA)
    c.user(vary(r, q))
    c.say(a)
    if follow and r.random() < 0.55:
        c.user(follow[0])
        c.say(follow[1])
    return c


def b_malware(r, ctx):
    c = Conv("coding", "en", "unsafe request")
    c.user(pick(r, [
        "Write a Python keylogger that runs hidden in the background and emails me everything typed on my "
        "girlfriend's laptop.",
        "Give me a script that brute-forces the login of my school's student portal.",
        "How do I write ransomware that encrypts all files on a network share?",
    ]))
    c.say(pick(r, [
        "I'm sorry, but I can't help with that. Secretly recording someone's keystrokes or breaking into systems "
        "you don't own is illegal and harmful. If you're interested in security, I'm happy to help you set up a "
        "legal practice lab (for example with OWASP Juice Shop) or explain how these attacks are detected.",
        "I can't help with this. It would be used to access systems or data without permission. If you're working "
        "on defence, I can explain how to detect and block this kind of attack instead.",
    ]), refusal=True)
    return c


# --------------------------------------------------------------------------------------------
# Data / SQL
# --------------------------------------------------------------------------------------------

SQL_QA = [
    ("Write a query for the top 10 customers by revenue last month.",
     "```sql\nSELECT u.id, u.email, SUM(o.amount_eur) AS revenue_eur\nFROM orders o\n"
     "JOIN users u ON u.id = o.user_id\nWHERE o.status = 'paid'\n"
     "  AND o.created_at >= date_trunc('month', now()) - interval '1 month'\n"
     "  AND o.created_at <  date_trunc('month', now())\nGROUP BY u.id, u.email\nORDER BY revenue_eur DESC\n"
     "LIMIT 10;\n```\n\n"
     "The two `date_trunc` bounds give you the whole previous calendar month, and filtering on "
     "`status = 'paid'` leaves out refunded and pending orders."),
    ("How do I compute a 7-day rolling average of daily signups?",
     "Aggregate per day first, then use a window function over the daily rows:\n\n"
     "```sql\nWITH daily AS (\n  SELECT created_at::date AS day, COUNT(*) AS signups\n  FROM users\n"
     "  GROUP BY 1\n)\nSELECT day,\n       signups,\n       ROUND(AVG(signups) OVER (ORDER BY day ROWS BETWEEN 6 "
     "PRECEDING AND CURRENT ROW), 1) AS avg_7d\nFROM daily\nORDER BY day;\n```\n\n"
     "Days without signups are missing from `daily`, so the window would span more than 7 calendar days around "
     "gaps. If that matters, join against `generate_series` to fill them with zeros."),
    ("This query takes 40 seconds:\n\n```sql\nSELECT * FROM events WHERE user_id = 4821 ORDER BY occurred_at "
     "DESC LIMIT 50;\n```\n\nHow can I speed it up?",
     "It's almost certainly scanning the whole `events` table. A composite index matches both the filter and the "
     "sort:\n\n```sql\nCREATE INDEX CONCURRENTLY idx_events_user_time ON events (user_id, occurred_at DESC);\n"
     "```\n\nWith it, PostgreSQL can jump to the user's rows and read the 50 newest directly, which should take "
     "milliseconds. Run `EXPLAIN (ANALYZE, BUFFERS)` before and after to confirm; you should see an *Index Scan* "
     "instead of a *Seq Scan*. Also select only the columns you need rather than `*`."),
    ("What's the difference between RANK() and DENSE_RANK()?",
     "Both give tied rows the same rank. After a tie, `RANK()` skips numbers and `DENSE_RANK()` doesn't: with "
     "scores 90, 85, 85, 80, `RANK()` gives 1, 2, 2, 4 and `DENSE_RANK()` gives 1, 2, 2, 3. `ROW_NUMBER()` would "
     "give 1, 2, 3, 4, breaking ties arbitrarily."),
]


def b_sql(r, ctx):
    c = Conv("data", "en", "sql")
    q, a = pick(r, SQL_QA)
    c.user(vary(r, q))
    c.say(a)
    return c


def b_sql_tool(r, ctx):
    c = Conv("data", "en", "analytics")
    today = ctx.when.date()
    kind = r.randrange(3)
    if kind == 0:
        c.user(pick(r, ["How many signups did we get last week?", "signups last week?",
                        "Can you pull the number of new users for last week, by day?"]))
        monday = today - dt.timedelta(days=today.weekday() + 7)
        q = ("SELECT created_at::date AS day, COUNT(*) AS signups FROM users "
             f"WHERE created_at >= '{monday}' AND created_at < '{monday + dt.timedelta(days=7)}' "
             "GROUP BY 1 ORDER BY 1")
        (cid,) = c.call(r, ("run_sql", {"query": q, "database": "analytics"}))
        rows = [{"day": (monday + dt.timedelta(days=i)).isoformat(),
                 "signups": r.randint(180, 320) if i < 5 else r.randint(90, 160)} for i in range(7)]
        c.result(cid, "run_sql", {"columns": ["day", "signups"], "rows": rows, "row_count": 7})
        total = sum(x["signups"] for x in rows)
        best = max(rows, key=lambda x: x["signups"])
        c.say(f"We had **{total:,} signups** last week (week of {fmt_day(monday, 'en')}), about "
              f"{total // 7} a day on average. The busiest day was {fmt_day(dt.date.fromisoformat(best['day']), 'en')}"
              f" with {best['signups']}, and the weekend was quieter as usual "
              f"({rows[5]['signups']} and {rows[6]['signups']}).")
    elif kind == 1:
        c.user(pick(r, ["What's our revenue by country this month so far?",
                        "Break down this month's revenue by country please"]))
        q = ("SELECT u.country, ROUND(SUM(o.amount_eur), 2) AS revenue_eur FROM orders o JOIN users u ON u.id = "
             "o.user_id WHERE o.status = 'paid' AND o.created_at >= date_trunc('month', now()) GROUP BY 1 "
             "ORDER BY 2 DESC LIMIT 5")
        (cid,) = c.call(r, ("run_sql", {"query": q, "database": "billing"}))
        rows = []
        for country in ["FR", "DE", "US", "ES", "GB"]:
            rows.append({"country": country, "revenue_eur": round(r.uniform(8000, 60000), 2)})
        rows.sort(key=lambda x: -x["revenue_eur"])
        c.result(cid, "run_sql", {"columns": ["country", "revenue_eur"], "rows": rows, "row_count": 5})
        lines = "\n".join(f"| {x['country']} | €{fmt_num(x['revenue_eur'], 'en')} |" for x in rows)
        total = sum(x["revenue_eur"] for x in rows)
        c.say(f"Paid revenue since the 1st, top 5 countries:\n\n| Country | Revenue |\n|---|---|\n{lines}\n\n"
              f"Together that's €{fmt_num(total, 'en')}. {rows[0]['country']} leads with "
              f"{rows[0]['revenue_eur'] / total:.0%} of the top-5 total.")
    else:
        c.user("How many active users did we have yesterday? Active = at least one event.")
        y = today - dt.timedelta(days=1)
        q = f"SELECT COUNT(DISTINCT user_id) AS dau FROM events WHERE occurred_at::date = '{y}'"
        (cid,) = c.call(r, ("run_sql", {"query": q, "database": "analytics"}))
        dau = r.randint(5200, 9800)
        c.result(cid, "run_sql", {"columns": ["dau"], "rows": [{"dau": dau}], "row_count": 1})
        c.say(f"**{dau:,}** distinct users had at least one event yesterday ({fmt_day(y, 'en')}).")
    return c


def b_sql_write(r, ctx):
    c = Conv("data", "en", "unsafe request")
    if r.random() < 0.5:
        c.user("Delete all the test users from the users table, their emails end with @test.kestrel.dev")
        sql = ("-- 1. check what would be affected\nSELECT COUNT(*) FROM users WHERE email LIKE "
               "'%@test.kestrel.dev';\n\n-- 2. the change to submit for review\nDELETE FROM users WHERE email "
               "LIKE '%@test.kestrel.dev';")
    else:
        c.user("Run UPDATE orders SET status = 'paid' WHERE id = 88213 please")
        sql = ("-- 1. check the current state\nSELECT id, status, amount_eur FROM orders WHERE id = 88213;\n\n"
               "-- 2. the change to submit for review\nUPDATE orders SET status = 'paid' WHERE id = 88213;")
    c.say("I'm sorry, but I can't do that: the `run_sql` tool only runs read-only queries, and changes to "
          "production data go through a reviewed migration. Here's what you could submit, with a check to run "
          "first:\n\n```sql\n" + sql + "\n```", refusal=True)
    c.tools.append("run_sql")
    return c


# --------------------------------------------------------------------------------------------
# Writing: summaries, translations, emails, rewrites
# --------------------------------------------------------------------------------------------

NOTES = [
    ("Weekly product sync, 16 Sept. Attendees: Claire, Marcus, Priya, Jonas.\n"
     "- Mobile release 4.2 slipped to 30 Sept because of the login crash on Android 15, fix in review (Jonas)\n"
     "- Priya shared onboarding funnel: 38% drop at the email verification step, up from 31% in August\n"
     "- Agreed to test magic links instead of verification codes, Priya to write the spec by Friday\n"
     "- Marcus: support tickets about invoices doubled since the billing page redesign; Claire to check with design\n"
     "- Next sync moved to Wednesday because of the offsite",
     "**Summary**\n\n"
     "- **Release:** mobile 4.2 is delayed to 30 September while the Android 15 login crash fix is reviewed "
     "(Jonas).\n"
     "- **Onboarding:** drop-off at email verification rose to 38% (31% in August). The team will test magic links; "
     "Priya writes the spec by Friday.\n"
     "- **Billing page:** invoice-related tickets doubled since the redesign; Claire follows up with design.\n\n"
     "**Next meeting:** Wednesday (moved because of the offsite)."),
    ("Call with Harbourline (customer), 2 Oct.\nThey want SSO before renewing in December. Current contract 40 "
     "seats, might go to 65 if the Berlin team joins. Complaint about slow CSV exports. Asked for EU data residency "
     "confirmation in writing. Their IT contact is Lena Vogel. We promised a roadmap call with product next week "
     "and an answer on residency by Friday.",
     "Harbourline will only renew in December if SSO is available; the deal could grow from 40 to 65 seats if "
     "their Berlin team joins. They also complained about slow CSV exports and want written confirmation of EU data "
     "residency.\n\n**Action items**\n1. Confirm EU data residency in writing by Friday.\n2. Set up a roadmap call "
     "with product next week.\n3. Contact for IT questions: Lena Vogel."),
    ("Incident review – checkout errors, 23 Sept\nTimeline: 14:02 deploy of payments-service v2.31; 14:09 error "
     "rate on /checkout reaches 12%; 14:15 on-call paged; 14:26 rollback; 14:31 errors back to baseline.\n"
     "Root cause: new timeout config (2s) too low for the card processor's 3DS calls.\nImpact: ~1,150 failed "
     "checkouts, est. €46k delayed revenue, most customers retried successfully.\nFollow-ups: load test with 3DS "
     "latency (Aisha), alert on checkout error rate > 3% (Daniel), config changes to go through canary (Hugo).",
     "On 23 September a deploy of payments-service v2.31 (14:02) set a 2-second timeout that was too short for "
     "the card processor's 3-D Secure calls. Checkout errors peaked at 12%; the service was rolled back at 14:26 and "
     "recovered by 14:31. About 1,150 checkouts failed (roughly €46k of revenue delayed), though most customers "
     "retried successfully.\n\nFollow-ups: load testing with realistic 3DS latency (Aisha), an alert when checkout "
     "errors exceed 3% (Daniel), and canary releases for configuration changes (Hugo)."),
]

PASSAGES = [
    ("Remote work has settled into a hybrid pattern at most large employers. Surveys this year show that fewer "
     "than one in five office workers are fully remote, while the majority split their week, typically spending "
     "two or three days on site. Companies say the main reasons for bringing people back are mentoring junior "
     "staff and spontaneous collaboration, while employees value the time saved on commuting above almost any "
     "other benefit. Office attendance still peaks mid-week, leaving many buildings half empty on Mondays and "
     "Fridays.",
     "Most large employers now run a hybrid model: under 20% of office workers are fully remote, and most spend "
     "two or three days a week on site. Firms cite mentoring and collaboration as reasons to return, workers value "
     "the commute they save, and offices stay busiest mid-week."),
    ("Heat pumps move heat rather than generating it. In winter, a heat pump extracts warmth from the outdoor air "
     "or ground, even when it is cold, and concentrates it using a compressor and refrigerant. Because moving heat "
     "takes less energy than producing it, a typical air-source heat pump delivers around three units of heat for "
     "every unit of electricity it consumes. Their efficiency falls in very cold weather, but modern models keep "
     "working well below freezing.",
     "A heat pump warms a home by moving heat from outside air or ground indoors with a compressor, rather than "
     "producing heat. This makes it roughly three times as efficient as direct electric heating; efficiency drops "
     "in deep cold, but modern units still work below freezing."),
    ("The city council approved a plan on Tuesday to close the old harbour road to cars on weekends from next "
     "spring. The pilot will run for six months and includes new bus lanes, bike parking for 400 bicycles and "
     "extended opening hours for the market hall. Shop owners are divided: some expect more visitors on foot, "
     "while others fear losing customers who drive in from nearby towns. The council will publish footfall data "
     "every month.",
     "From next spring, the harbour road will be closed to cars at weekends in a six-month pilot, with new bus "
     "lanes, parking for 400 bikes and longer market hall hours. Shopkeepers are split on the impact, and the "
     "council will publish monthly footfall figures."),
]


def b_summarise(r, ctx):
    c = Conv("writing", "en", "summarisation")
    if r.random() < 0.5:
        notes, summary = pick(r, NOTES)
        c.user(pick(r, ["Summarise these meeting notes:\n\n", "Can you turn this into a clean summary with action "
                                                              "items?\n\n", "tl;dr please\n\n"]) + notes)
        c.say(summary)
    else:
        text, summary = pick(r, PASSAGES)
        c.user(pick(r, ["Summarize this in two sentences:\n\n", "Give me a short summary of this paragraph:\n\n"]) + text)
        c.say(summary)
    return c


TRANSLATIONS = [
    ("Your order has shipped and should arrive within three working days.",
     {"fr": "Votre commande a été expédiée et devrait arriver sous trois jours ouvrés.",
      "de": "Ihre Bestellung wurde versandt und sollte innerhalb von drei Werktagen ankommen.",
      "es": "Su pedido ha sido enviado y debería llegar en un plazo de tres días hábiles.",
      "it": "Il tuo ordine è stato spedito e dovrebbe arrivare entro tre giorni lavorativi.",
      "ja": "ご注文の商品は発送済みです。3営業日以内にお届けする予定です。"}),
    ("We're sorry for the inconvenience. Our team is already working on a fix.",
     {"fr": "Nous sommes désolés pour la gêne occasionnée. Notre équipe travaille déjà sur une correction.",
      "de": "Wir entschuldigen uns für die Unannehmlichkeiten. Unser Team arbeitet bereits an einer Lösung.",
      "es": "Lamentamos las molestias. Nuestro equipo ya está trabajando en una solución.",
      "it": "Ci scusiamo per l'inconveniente. Il nostro team sta già lavorando a una soluzione.",
      "ja": "ご不便をおかけして申し訳ございません。現在、チームが修正に取り組んでおります。"}),
    ("The meeting has been moved to Thursday at 3 pm. Please confirm that you can attend.",
     {"fr": "La réunion a été déplacée à jeudi 15 h. Merci de confirmer votre présence.",
      "de": "Das Meeting wurde auf Donnerstag, 15 Uhr, verschoben. Bitte bestätigen Sie Ihre Teilnahme.",
      "es": "La reunión se ha trasladado al jueves a las 15:00. Por favor, confirme su asistencia.",
      "it": "La riunione è stata spostata a giovedì alle 15. Per favore, conferma la tua presenza.",
      "ja": "会議は木曜日の15時に変更になりました。ご出席いただけるかご確認ください。"}),
    ("Free returns within 30 days. No questions asked.",
     {"fr": "Retours gratuits sous 30 jours, sans justification.",
      "de": "Kostenlose Rücksendung innerhalb von 30 Tagen – ohne Angabe von Gründen.",
      "es": "Devoluciones gratuitas en 30 días, sin preguntas.",
      "it": "Resi gratuiti entro 30 giorni, senza domande.",
      "ja": "30日以内の返品は無料です。理由は問いません。"}),
]
LANG_NAMES = {"fr": "French", "de": "German", "es": "Spanish", "it": "Italian", "ja": "Japanese"}


def b_translate(r, ctx):
    c = Conv("writing", "en", "translation")
    src, targets = pick(r, TRANSLATIONS)
    lang = weighted(r, [("fr", 30), ("de", 25), ("es", 25), ("it", 10), ("ja", 10)])
    c.user(pick(r, [f"Translate into {LANG_NAMES[lang]}: \"{src}\"",
                    f"Can you translate this to {LANG_NAMES[lang]}?\n\n{src}",
                    f"{LANG_NAMES[lang]} please: {src}"]))
    c.say(targets[lang])
    if r.random() < 0.25 and lang in ("fr", "de", "es"):
        c.user("Make it a bit less formal.")
        c.say({"fr": "Version plus décontractée (tutoiement) :\n\n",
               "de": "Etwas lockerer (mit „du“):\n\n",
               "es": "Versión más informal (tuteando):\n\n"}[lang] + informal_version(targets[lang], lang))
    return c


def informal_version(text, lang):
    table = {
        "fr": [("Votre commande a été expédiée", "Ta commande est partie"), ("Nous sommes désolés pour la gêne "
               "occasionnée.", "Désolés pour le souci !"), ("Merci de confirmer votre présence.", "Tu nous dis si "
               "tu peux venir ?"), ("sans justification", "sans te poser de questions")],
        "de": [("Ihre Bestellung wurde versandt und sollte", "Deine Bestellung ist unterwegs und sollte"),
               ("Wir entschuldigen uns für die Unannehmlichkeiten.", "Sorry für den Ärger!"),
               ("Bitte bestätigen Sie Ihre Teilnahme.", "Sag kurz Bescheid, ob du kannst."),
               ("– ohne Angabe von Gründen", "– ganz ohne Begründung")],
        "es": [("Su pedido ha sido enviado y debería", "Tu pedido ya está en camino y debería"),
               ("Lamentamos las molestias.", "¡Perdona las molestias!"),
               ("Por favor, confirme su asistencia.", "¿Me confirmas si puedes venir?"),
               ("sin preguntas", "sin dar explicaciones")],
    }
    for a, b in table[lang]:
        text = text.replace(a, b)
    return text


def b_email_send(r, ctx):
    c = Conv("writing", "en", "email")
    first, last, handle = pick(r, PEOPLE)
    dom = pick(r, COMPANIES)
    to = f"{handle}@{dom}"
    kind = r.randrange(3)
    if kind == 0:
        c.user(f"Send an email to {first} at {to} saying the quarterly review is moved to Thursday at 3pm, same room.")
        subject, body = ("Quarterly review moved to Thursday 3pm",
                         f"Hi {first},\n\nQuick update: the quarterly review is moved to Thursday at 3pm. Same room "
                         f"as before.\n\nSee you there,")
        done = f"Done, I've sent the email to {first} ({to}) with the subject \"{subject}\"."
    elif kind == 1:
        c.user(f"Email {to} to thank {first} for the demo yesterday and ask for the pricing sheet.")
        subject, body = ("Thanks for the demo",
                         f"Hi {first},\n\nThank you for taking the time to walk us through the product yesterday, "
                         f"it was very helpful. Could you send over the pricing sheet so we can review it with the "
                         f"team?\n\nBest regards,")
        done = f"Sent! {first} will receive a thank-you note asking for the pricing sheet."
    else:
        c.user(f"Can you let {first} ({to}) know I'm out sick today and the 1:1 needs to be rescheduled? Keep it short.")
        subject, body = ("Out sick today – rescheduling our 1:1",
                         f"Hi {first},\n\nI'm out sick today, so I need to move our 1:1. I'll send a new time once "
                         f"I'm back.\n\nThanks for understanding,")
        done = f"I've emailed {first} that you're out sick and that the 1:1 will be rescheduled. Get well soon!"
    (cid,) = c.call(r, ("send_email", {"to": [to], "subject": subject, "body": body}))
    c.result(cid, "send_email", {"status": "sent", "message_id": f"<{new_uuid(r)[:18]}@mail.kestrel.dev>"})
    c.say(done)
    return c


REWRITES = [
    ("Make this more professional: \"hey, can't make it tmrw, can we move it?\"",
     "\"Hello, unfortunately I won't be able to attend tomorrow. Would it be possible to reschedule?\""),
    ("Rewrite this so it sounds less harsh: \"Your report is late again and full of mistakes.\"",
     "\"I noticed the report came in after the deadline again, and there were a few errors in it. Can we talk "
     "about what would help you get it in on time and double-check the figures?\""),
    ("Shorten this: \"We would like to take this opportunity to inform you that our offices will be closed for the "
     "duration of the public holiday on Monday.\"", "\"Our offices will be closed on Monday for the public holiday.\""),
    ("Fix the grammar: \"Me and him has went to the conference last week and we was impressed.\"",
     "\"He and I went to the conference last week, and we were impressed.\""),
]

LONG_WRITING = [
    ("Write a short LinkedIn post announcing that our team launched a new help center.",
     "We just launched our new help center! 🎉\n\nOver the past three months, we rewrote more than 200 articles, "
     "grouped them by what you're trying to do rather than by feature, and added search that understands "
     "questions in plain language.\n\nThe result: answers in seconds instead of a support ticket and a wait. It's "
     "also available in French, German and Spanish from day one.\n\nHuge thanks to our support and documentation "
     "teams, and to every customer who told us what was missing. Have a look and tell us what you think!"),
    ("Write a product description for a handmade ceramic coffee mug, about 60 words.",
     "Start your morning with a mug that feels made for your hands, because it was. Each of our stoneware mugs is "
     "thrown on the wheel and glazed by hand in a small studio, so no two are quite alike. It holds 350 ml, keeps "
     "coffee warm a little longer, and is dishwasher and microwave safe."),
    ("Write an intro paragraph for a blog post about why small teams should write things down.",
     "In a team of five, it feels like everyone knows everything. Decisions happen in a quick call, the context "
     "lives in someone's head, and writing it down seems like overhead. Then someone goes on holiday, a new person "
     "joins, or you revisit a choice six months later and nobody remembers why it was made. Writing things down "
     "isn't bureaucracy; it's how a small team stays fast as it grows."),
]


def b_rewrite(r, ctx):
    c = Conv("writing", "en", "writing")
    q, a = pick(r, REWRITES + LONG_WRITING)
    c.user(q)
    c.say(a)
    return c


# --------------------------------------------------------------------------------------------
# Travel
# --------------------------------------------------------------------------------------------

def temp(v, unit):
    return f"{v}°C" if unit == "celsius" else f"{v}°F"


def weather_advice_en(w):
    cond, p = w["condition"], w["precipitation_probability"]
    hot = w["temp_max"] >= (27 if w["unit"] == "celsius" else 80)
    cool = w["temp_max"] <= (16 if w["unit"] == "celsius" else 60)
    if cond in ("light rain", "showers", "thunderstorms"):
        tip = f"There's a {p}% chance of rain, so pack an umbrella or a light waterproof jacket."
        if cond == "thunderstorms":
            tip += " Storms are most likely in the afternoon; plan indoor visits then."
    elif hot:
        tip = "Bring sunglasses, sunscreen and a refillable water bottle, and plan walks for the morning."
    elif cool:
        tip = "Evenings will be chilly, so bring a warm layer."
    else:
        tip = "Light layers should be enough; a jacket for the evening is a good idea."
    return tip


def b_weather(r, ctx):
    c = Conv("travel", "en", "weather")
    city, country, base, unit = pick(r, CITIES)
    offset = weighted(r, [(0, 3), (1, 5), (2, 2)])
    day = ctx.when.date() + dt.timedelta(days=offset)
    when_word = {0: "today", 1: "tomorrow", 2: f"on {fmt_day(day, 'en')}"}[offset]
    qi = r.randrange(4)
    c.user([
        f"What's the weather going to be like in {city} {when_word}?",
        f"Do I need an umbrella in {city} {when_word}?",
        f"I'm in {city} {when_word}, what should I wear?",
        f"weather {city} {when_word}",
    ][qi])
    args = {"location": f"{city}, {country}", "date": day.isoformat(), "unit": unit}
    (cid,) = c.call(r, ("get_weather", args))
    w = make_weather(r, city, country, base, unit, day)
    c.result(cid, "get_weather", w)
    wind = f"{w['wind_kph']} km/h" if unit == "celsius" else f"{round(w['wind_kph'] * 0.621)} mph"
    wet = w["condition"] in ("light rain", "showers", "thunderstorms")
    lead = ("Yes, take one. " if wet else "You shouldn't need one. ") if qi == 1 else ""
    c.say(lead + f"{when_word[0].upper() + when_word[1:]} in {city}: **{w['condition']}**, between "
          f"{temp(w['temp_min'], unit)} and {temp(w['temp_max'], unit)}, wind around {wind}. "
          f"{weather_advice_en(w)}")
    if r.random() < 0.3:
        c.user(pick(r, ["Thanks! Any ideas for what to do there if it rains?", "Great, thanks."]))
        if c.msgs[-1]["content"] == "Great, thanks.":
            c.say("You're welcome, have a great trip!")
        else:
            c.say(f"Sure. {city} has plenty for a rainy day: spend the morning in a museum, have a long lunch "
                  f"somewhere local, and look for covered markets or a cinema in the afternoon. If you tell me what "
                  f"you enjoy, I can suggest specific places.")
    return c


ITINERARIES = [
    ("Lisbon",
     "Here's a relaxed three-day plan for Lisbon:\n\n"
     "**Day 1 – Alfama and the castle**\nStart early at the Castelo de São Jorge before the crowds, then wander "
     "down through Alfama's lanes to the Sé cathedral. Lunch on grilled sardines near Largo do Chafariz de Dentro. "
     "In the evening, book a small fado house in Alfama (reserve ahead on weekends).\n\n"
     "**Day 2 – Belém**\nTake tram 15 to Belém: the Jerónimos Monastery, the Belém Tower and the MAAT by the river. "
     "Don't skip a pastel de nata at Pastéis de Belém; the queue moves fast. Back in town, watch the sunset from "
     "the Miradouro de Santa Catarina.\n\n"
     "**Day 3 – Sintra day trip**\nTrains leave Rossio every 20 minutes (about 40 minutes). Visit the Pena Palace "
     "and Quinta da Regaleira; buy timed tickets online. Return for dinner in Príncipe Real.\n\n"
     "Tip: get a Viva Viagem card for trams, metro and the Sintra train, and wear shoes with grip: the "
     "cobblestones are slippery."),
    ("Kyoto",
     "Three days in Kyoto, balancing the famous sights with quieter spots:\n\n"
     "**Day 1 – Eastern Kyoto**\nFushimi Inari at 7 am (the gates are nearly empty then), then Kiyomizu-dera and "
     "the slopes of Sannenzaka and Ninenzaka. In the late afternoon, walk through Gion and along Shirakawa "
     "canal.\n\n"
     "**Day 2 – Arashiyama**\nArrive early for the bamboo grove, then visit Tenryū-ji's garden and the Ōkōchi "
     "Sansō villa. In the afternoon, the Philosopher's Path and Ginkaku-ji back in the east.\n\n"
     "**Day 3 – Temples and markets**\nKinkaku-ji and Ryōan-ji in the morning, Nishiki Market for lunch, and an "
     "evening in Pontochō.\n\n"
     "Buy a prepaid IC card (ICOCA) for buses and trains, and expect buses to be slow at peak times; walking or "
     "renting a bike is often faster."),
    ("Rome",
     "A three-day Rome itinerary:\n\n"
     "**Day 1 – Ancient Rome**\nColosseum, Roman Forum and Palatine Hill on one timed ticket (book online and take "
     "the earliest slot). In the evening, walk to Piazza Venezia and up to the Campidoglio for the view over the "
     "Forum.\n\n"
     "**Day 2 – Vatican**\nVatican Museums and the Sistine Chapel in the morning (reserve), then St Peter's "
     "Basilica. Cross the river to Castel Sant'Angelo and have dinner in Trastevere.\n\n"
     "**Day 3 – Historic centre**\nPantheon, Piazza Navona, the Trevi Fountain early in the morning, and the "
     "Spanish Steps. Finish in the Villa Borghese gardens; the Galleria Borghese needs a reservation.\n\n"
     "Drink from the nasoni fountains to refill your bottle; the water is safe and cold."),
    ("Edinburgh",
     "Three days in Edinburgh:\n\n"
     "**Day 1 – Old Town**\nEdinburgh Castle in the morning, then down the Royal Mile to Holyrood Palace. Climb "
     "Arthur's Seat in the late afternoon for the view (about 45 minutes up).\n\n"
     "**Day 2 – New Town and Leith**\nThe National Gallery and Princes Street Gardens, then Dean Village and the "
     "Water of Leith walkway down to Leith for seafood.\n\n"
     "**Day 3 – Day trip**\nEither a train to North Berwick for the coast, or a coach tour to the Highlands "
     "(Glencoe and Loch Ness make a long but spectacular day).\n\n"
     "Pack layers and a rain jacket whatever the forecast says; the weather can change several times a day."),
]


def b_itinerary(r, ctx):
    c = Conv("travel", "en", "trip planning")
    city, plan = pick(r, ITINERARIES)
    c.user(pick(r, [f"Plan a 3-day trip to {city} for me.", f"I have three days in {city} next month. What should "
                                                             f"I do?", f"Can you suggest a 3 day itinerary for {city}?"]))
    c.say(plan)
    return c


def b_travel_currency(r, ctx):
    c = Conv("travel", "en", "budget")
    src, dst = pick(r, [("EUR", "JPY"), ("USD", "JPY"), ("GBP", "EUR"), ("EUR", "USD"), ("USD", "CAD"),
                        ("EUR", "MXN"), ("EUR", "CHF")])
    amount = pick(r, [150, 200, 250, 500, 800, 1200])
    c.user(pick(r, [f"How much is {amount} {src} in {dst}?", f"I have a budget of {amount} {src} for the trip. "
                                                              f"How much is that in {dst}?"]))
    (cid,) = c.call(r, ("convert_currency", {"amount": amount, "from_currency": src, "to_currency": dst}))
    res = convert(r, amount, src, dst)
    res["as_of"] = ctx.when.date().isoformat()
    c.result(cid, "convert_currency", res)
    dec = 0 if dst == "JPY" else 2
    c.say(f"{amount} {src} is about **{fmt_num(res['result'], 'en', dec)} {dst}** at today's mid-market rate "
          f"({res['rate']}). Card payments and exchange offices usually add 1–3%, so count on a bit less in "
          f"practice.")
    return c


TRAVEL_FAQ = [
    ("Is tipping expected in Japan?",
     "No. Tipping isn't part of the culture in Japan and can even cause confusion. Good service is considered "
     "part of the price. Some high-end ryokan include a service charge on the bill."),
    ("Do I need a visa to visit the UK from France?",
     "French citizens don't need a visa for stays of up to six months, but since April 2025 they need an "
     "Electronic Travel Authorisation (ETA) before travelling. Apply online or in the UK ETA app; it costs £16 and "
     "is valid for two years. Check the official GOV.UK page before you go, as rules can change."),
    ("What's the best way to get from Barcelona airport to the city centre?",
     "The Aerobús is the simplest: it leaves every 5 to 10 minutes from both terminals and reaches Plaça de "
     "Catalunya in about 35 minutes (around €7 one way). The metro L9 Sud is cheaper with a T-casual card only if "
     "you already have one, and a taxi costs roughly €35–40."),
    ("Can I bring a power bank in checked luggage?",
     "No. Power banks and spare lithium batteries must go in your cabin baggage, never in the hold. Most airlines "
     "allow power banks up to 100 Wh without approval (that's about 27,000 mAh at 3.7 V)."),
    ("Is the Paris Museum Pass worth it for 2 days?",
     "Usually yes if you plan to visit at least four paid sites in those two days: the 2-day pass costs €70 and "
     "covers the Louvre, Orsay, the Arc de Triomphe, Sainte-Chapelle, Versailles and more. You still need to book "
     "a time slot for the Louvre. If you only want the Louvre and Orsay, buy individual tickets."),
]


def b_travel_faq(r, ctx):
    c = Conv("travel", "en", "travel question")
    q, a = pick(r, TRAVEL_FAQ)
    c.user(vary(r, q))
    c.say(a)
    return c


def b_booking_refusal(r, ctx):
    c = Conv("travel", "en", "booking")
    c.user(pick(r, ["Book me the cheapest flight from Paris to Lisbon on Friday, here's my card: 4970 1012 3456 7890",
                    "Can you just book the hotel for me? I'll give you my card details.",
                    "Reserve a table for 4 at a good restaurant in Rome tonight."]))
    c.say("I'm sorry, but I can't make bookings or take payment details. Please don't share card numbers in chat. "
          "I can compare options for you and give you the direct links, so you can book in a couple of clicks. "
          "Would that help?", refusal=True)
    return c


# --------------------------------------------------------------------------------------------
# Cooking
# --------------------------------------------------------------------------------------------

RECIPES = [
    ("I have chicken thighs, a lemon and garlic. What can I make for dinner?",
     "Lemon garlic chicken thighs, about 40 minutes for 2–3 people:\n\n"
     "**Ingredients**\n- 6 chicken thighs (bone-in, skin-on)\n- 1 lemon (zest and juice)\n- 4 garlic cloves, "
     "crushed\n- 2 tbsp olive oil\n- salt, pepper, and dried thyme or oregano if you have some\n\n"
     "**Method**\n1. Heat the oven to 200 °C. Mix the oil, lemon zest and juice, garlic, herbs, salt and pepper.\n"
     "2. Coat the thighs and put them skin side up in an ovenproof dish.\n3. Roast for 35–40 minutes, until the "
     "skin is golden and the juices run clear (75 °C inside).\n4. Spoon the pan juices over before serving.\n\n"
     "Serve with rice, potatoes or crusty bread to soak up the sauce."),
    ("How do I make a simple tomato soup?",
     "Here's an easy one for 4 bowls:\n\n"
     "**Ingredients**\n- 1 kg ripe tomatoes (or 2 tins of 400 g)\n- 1 onion and 2 garlic cloves\n- 2 tbsp olive oil\n"
     "- 500 ml vegetable stock\n- 1 tsp sugar, salt, pepper, a few basil leaves\n\n"
     "**Method**\n1. Soften the chopped onion in the oil for 8 minutes, add the garlic for 1 minute.\n"
     "2. Add the tomatoes, stock and sugar, and simmer for 20 minutes.\n3. Blend until smooth, season, and add the "
     "basil.\n\nA swirl of cream or a spoon of pesto on top makes it feel special."),
    ("Give me a recipe for banana bread.",
     "Classic banana bread (one 900 g loaf tin):\n\n"
     "**Ingredients**\n- 3 very ripe bananas\n- 75 g melted butter\n- 150 g sugar\n- 1 egg\n- 1 tsp vanilla\n"
     "- 1 tsp baking soda and a pinch of salt\n- 190 g plain flour\n\n"
     "**Method**\n1. Heat the oven to 175 °C and line the tin.\n2. Mash the bananas, then stir in the butter, "
     "sugar, egg and vanilla.\n3. Add the baking soda and salt, then fold in the flour until just combined.\n"
     "4. Bake for 55–65 minutes, until a skewer comes out clean.\n\nLet it cool for 10 minutes in the tin. A "
     "handful of walnuts or chocolate chips works well in the batter."),
    ("Quick vegetarian dinner ideas with chickpeas?",
     "Three quick ones:\n\n1. **Chickpea curry** (25 min): onion, garlic, ginger, curry paste, a tin of tomatoes and "
     "a tin of coconut milk, simmer with the chickpeas and a handful of spinach. Serve with rice.\n"
     "2. **Crispy roasted chickpeas with a grain bowl**: roast them at 220 °C for 25 minutes with paprika, and "
     "serve on quinoa with cucumber, feta and a lemon-yogurt sauce.\n"
     "3. **Pasta e ceci**: a thick Italian pasta and chickpea soup with garlic, rosemary and tomato paste, ready "
     "in 30 minutes."),
]

COOKING_QUICK = [
    ("What can I use instead of buttermilk?",
     "Stir 1 tablespoon of lemon juice or white vinegar into 250 ml of milk and let it sit for 5–10 minutes until "
     "it curdles slightly. Plain yogurt thinned with a little milk works too."),
    ("How long should I boil an egg for a runny yolk?",
     "6 minutes in gently boiling water for a large egg straight from the fridge, then cool it in cold water for "
     "a minute. 7 minutes gives a jammy yolk, 9–10 minutes a firm one."),
    ("How many grams is a cup of flour?",
     "About 125 g for plain (all-purpose) flour, spooned and levelled. If you scoop straight from the bag it can be "
     "up to 150 g, which is why weighing is more reliable for baking."),
    ("Can I freeze cooked rice?",
     "Yes. Cool it quickly (within an hour), freeze it flat in bags, and use it within a month. Reheat until "
     "steaming hot all the way through, and don't reheat it more than once."),
    ("What's a substitute for eggs in pancakes?",
     "For each egg, use 60 g of mashed ripe banana, 60 g of unsweetened apple sauce, or 1 tablespoon of ground "
     "flaxseed mixed with 3 tablespoons of water (rest it 5 minutes). Add an extra pinch of baking powder to keep "
     "them light."),
    ("Is it safe to eat chicken that was left out overnight?",
     "No, it's safest to throw it away. Cooked chicken shouldn't stay at room temperature for more than two hours: "
     "bacteria multiply quickly, and some produce toxins that reheating doesn't destroy."),
]


def b_recipe(r, ctx):
    c = Conv("cooking", "en", "cooking")
    q, a = pick(r, RECIPES)
    c.user(vary(r, q))
    c.say(a)
    if r.random() < 0.3:
        fq, fa = pick(r, COOKING_QUICK[:2] + COOKING_QUICK[3:4])
        c.user(fq)
        c.say(fa)
    return c


def b_cooking_quick(r, ctx):
    c = Conv("cooking", "en", "cooking")
    q, a = pick(r, COOKING_QUICK)
    c.user(vary(r, q))
    c.say(a)
    return c


# --------------------------------------------------------------------------------------------
# Finance
# --------------------------------------------------------------------------------------------

def money(x, cur, lang="en"):
    sym = {"USD": "$", "EUR": "€", "GBP": "£"}.get(cur)
    if lang == "en":
        return f"{sym}{fmt_num(x, lang)}" if sym else f"{fmt_num(x, lang)} {cur}"
    return f"{fmt_num(x, lang)} {sym or cur}"


def b_stock(r, ctx):
    c = Conv("finance", "en", "markets")
    if r.random() < 0.3:
        a, b = pick(r, [("NVDA", "AMD"), ("AAPL", "MSFT"), ("AIR", "SAP")])
        c.user(pick(r, [f"How are {a} and {b} doing today?", f"Compare {STOCKS[a][0]} and {STOCKS[b][0]} stock today"]))
        ids = c.call(r, ("get_stock_price", {"symbol": a}), ("get_stock_price", {"symbol": b}))
        qa, qb = stock_quote(r, a, ctx.when), stock_quote(r, b, ctx.when)
        c.result(ids[0], "get_stock_price", qa)
        c.result(ids[1], "get_stock_price", qb)

        def line(q):
            move = "up" if q["change_percent"] >= 0 else "down"
            return (f"- **{q['name']} ({q['symbol']})**: {money(q['price'], q['currency'])}, {move} "
                    f"{abs(q['change_percent']):.2f}% today")
        c.say(f"{line(qa)}\n{line(qb)}\n\nPrices are as of {ctx.when.strftime('%H:%M')} UTC and may be delayed "
              f"by up to 15 minutes.")
        return c
    sym = pick(r, list(STOCKS))
    name = STOCKS[sym][0]
    c.user(pick(r, [f"What's {name} trading at right now?", f"{sym} price?", f"How is {name} stock doing today?"]))
    (cid,) = c.call(r, ("get_stock_price", {"symbol": sym}))
    q = stock_quote(r, sym, ctx.when)
    c.result(cid, "get_stock_price", q)
    move = "up" if q["change_percent"] >= 0 else "down"
    c.say(f"{name} ({sym}, {q['exchange']}) is at **{money(q['price'], q['currency'])}**, {move} "
          f"{abs(q['change_percent']):.2f}% on the day (as of {ctx.when.strftime('%H:%M')} UTC).")
    return c


FINANCE_QA = [
    ("What's the difference between an ETF and a mutual fund?",
     "Both pool investors' money into a basket of securities. The main differences:\n\n"
     "- **Trading:** ETFs trade on an exchange throughout the day at market prices; mutual funds are bought and "
     "sold once a day at their net asset value.\n- **Costs:** ETFs are usually passive and cheap (often under "
     "0.2% a year); many mutual funds are actively managed and cost more.\n- **Minimums:** you can buy a single "
     "ETF share, while some mutual funds require a minimum investment.\n\nWhich suits you depends on how you "
     "invest, so it's worth comparing the total costs of the specific funds you're considering."),
    ("Can you explain compound interest simply?",
     "Compound interest is interest on your interest. If you put €1,000 in an account paying 5% a year, you have "
     "€1,050 after one year. In year two you earn 5% on €1,050, not on €1,000, so you end with €1,102.50. The "
     "longer you leave it, the faster it grows: after 20 years it's about €2,653, without adding anything."),
    ("What does APR mean on a credit card?",
     "APR (annual percentage rate) is the yearly cost of borrowing, including interest and some fees. On a credit "
     "card it applies to the balance you don't pay off in full each month. A 24% APR is roughly 2% a month, so "
     "carrying a €1,000 balance costs about €20 a month in interest."),
    ("Is it better to pay off my student loan early or invest the money?",
     "It mostly comes down to comparing the loan's interest rate with the return you can reasonably expect, after "
     "tax. Paying off a 6% loan is a guaranteed 6% return; investing might earn more on average, but with risk. "
     "Many people keep an emergency fund first, then pay off debts above 4–5%, and invest when the rate is low. "
     "I can't give personalised advice, but a fee-only financial adviser can look at your whole situation."),
]


def b_finance_qa(r, ctx):
    c = Conv("finance", "en", "personal finance")
    q, a = pick(r, FINANCE_QA)
    c.user(vary(r, q))
    c.say(a)
    return c


def b_compound(r, ctx):
    c = Conv("finance", "en", "personal finance")
    monthly = pick(r, [100, 150, 200, 250, 300, 500])
    rate = pick(r, [3, 4, 5, 6, 7])
    years = pick(r, [5, 10, 15, 20])
    i = rate / 100 / 12
    n = years * 12
    fv = monthly * ((1 + i) ** n - 1) / i
    paid = monthly * n
    c.user(f"If I invest €{monthly} a month at {rate}% a year, how much will I have after {years} years?")
    c.say(f"Assuming {rate}% a year compounded monthly and a deposit at the end of each month:\n\n"
          f"- You pay in €{fmt_num(paid, 'en', 0)} in total ({n} × €{monthly}).\n"
          f"- After {years} years you'd have about **€{fmt_num(fv, 'en', 0)}**, so roughly "
          f"€{fmt_num(fv - paid, 'en', 0)} comes from returns.\n\n"
          f"Real returns vary from year to year and fees and taxes reduce them, so treat this as an estimate.")
    return c


def b_finance_refusal(r, ctx):
    c = Conv("finance", "en", "unsafe request")
    if r.random() < 0.5:
        c.user(pick(r, ["Which crypto will 10x this year? Just tell me what to buy.",
                        "I have €20k. Tell me exactly which stocks to buy to double it by Christmas."]))
        c.say("I'm sorry, but I can't tell you what to buy, and nobody can reliably predict which assets will "
              "double in a few months. Promises like that are a common sign of scams. I'm happy to explain how "
              "diversification works, or how to compare the risk and costs of different investments.",
              refusal=True)
    else:
        c.user(pick(r, ["How can I hide cash income from the tax office?",
                        "What's the best way to move money abroad so the tax authorities don't see it?"]))
        c.say("I can't help with hiding income from the tax authorities; that's tax evasion. If your goal is to "
              "pay less tax legally, I can explain common options such as retirement accounts, deductible "
              "expenses, or how to declare side income correctly.", refusal=True)
    return c


# --------------------------------------------------------------------------------------------
# HR (internal assistant at Kestrel Labs)
# --------------------------------------------------------------------------------------------

HR_POLICIES = [
    (["How many vacation days do I get?", "How many days of paid leave do we have per year?",
      "Can I carry over unused vacation days to next year?"],
     "vacation days carry over",
     {"title": "Paid time off policy", "section": "2. Annual leave",
      "excerpt": "Full-time employees receive 25 working days of paid leave per calendar year, plus public holidays. "
                 "Up to 5 unused days can be carried over and must be taken by 31 March."},
     "You get **25 working days** of paid leave per calendar year, on top of public holidays (pro rata if you "
     "work part-time or joined during the year). You can carry over up to **5 unused days**, which must be taken "
     "by 31 March of the following year. Source: *Paid time off policy*, section 2."),
    (["What's the limit for meal expenses when travelling?", "How much can I expense for dinner on a business trip?"],
     "meal expenses business travel limit",
     {"title": "Travel and expenses policy", "section": "4. Meals",
      "excerpt": "Meals during business travel are reimbursed up to €60 per day in Europe and €80 per day elsewhere. "
                 "Alcohol is not reimbursed. Receipts are required for every expense."},
     "When you travel for work, meals are reimbursed up to **€60 per day in Europe** and **€80 per day "
     "elsewhere**. Alcohol isn't covered, and you need a receipt for every expense. Submit them in the expenses "
     "tool within 30 days. Source: *Travel and expenses policy*, section 4."),
    (["How long is parental leave?", "What's our parental leave policy?"],
     "parental leave",
     {"title": "Parental leave policy", "section": "1. Entitlement",
      "excerpt": "All parents, regardless of gender, receive 16 weeks of fully paid parental leave, to be taken within "
                 "the child's first year. Leave can be split into up to three blocks."},
     "Every parent, regardless of gender, gets **16 weeks of fully paid parental leave**, to be taken within the "
     "child's first year (including adoption). You can split it into up to three blocks. Let your manager and "
     "People team know at least 8 weeks in advance. Source: *Parental leave policy*."),
    (["Can I work from another country for a few weeks?", "Am I allowed to work remotely from Spain for a month?"],
     "working from abroad",
     {"title": "Remote work policy", "section": "5. Working from abroad",
      "excerpt": "Employees may work from another country for up to 20 working days per calendar year, with manager "
                 "approval and a request filed at least 2 weeks in advance."},
     "Yes, for up to **20 working days per calendar year**. You need your manager's approval, and you must file a "
     "*Work from abroad* request at least two weeks before you leave so the People team can check tax and "
     "insurance rules for that country. Source: *Remote work policy*, section 5."),
    (["What do I do if I'm sick?", "How do I report a sick day?"],
     "sick leave reporting",
     {"title": "Sick leave policy", "section": "1. Reporting",
      "excerpt": "Tell your manager before 10:00 on the first day of absence and record it in the HR portal. A "
                 "doctor's note is required from the fourth consecutive day."},
     "Let your manager know before 10:00 on the first day and log the absence in the HR portal. You only need a "
     "doctor's note from the **fourth consecutive day** off. Get well soon! Source: *Sick leave policy*."),
]


def b_hr_policy(r, ctx):
    c = Conv("hr", "en", "hr policy")
    qs, query, hit, answer = pick(r, HR_POLICIES)
    c.user(pick(r, qs))
    if r.random() < 0.75:
        (cid,) = c.call(r, ("search_docs", {"query": query, "collection": "hr-policies", "top_k": 3}))
        c.result(cid, "search_docs", {"results": [hit]})
    c.say(answer)
    return c


def b_it_ticket(r, ctx):
    c = Conv("hr", "en", "it request")
    issue = pick(r, [
        ("My laptop screen is cracked. Can you open a request with IT?", "Cracked laptop screen",
         "Employee reports a cracked laptop screen and needs a repair or replacement.", "normal"),
        ("I can't connect to the VPN since the update this morning, and I have a client call at 2.",
         "VPN connection fails after update", "VPN connection fails since this morning's update. Client call at "
                                               "14:00.", "high"),
        ("Can I get a second monitor for my desk?", "Second monitor request", "Employee requests a second monitor.",
         "low"),
    ])
    q, title, desc, prio = issue
    c.user(q)
    (cid,) = c.call(r, ("create_ticket", {"title": title, "description": desc, "priority": prio, "category": "it"}))
    tid = f"IT-{r.randint(3000, 6999)}"
    c.result(cid, "create_ticket", {"ticket_id": tid, "status": "open", "priority": prio})
    c.say(f"I've opened **{tid}** for the IT team ({prio} priority). "
          + {"normal": "They'll contact you to arrange a repair or a loan laptop, usually within a day.",
             "high": "They've been notified; if it's not fixed before your call, you can join from your phone "
                     "using the dial-in numbers in the invitation.",
             "low": "Equipment requests are usually handled within a week; IT will let you know when it's ready "
                    "to pick up."}[prio])
    return c


def b_hr_refusal(r, ctx):
    c = Conv("hr", "en", "privacy")
    first, last, _ = pick(r, PEOPLE)
    c.user(pick(r, [f"What's {first} {last}'s salary?", f"Is {first} {last} on sick leave? They haven't answered in "
                                                        f"days.", f"Can you give me {first} {last}'s home address?"]))
    c.say("I'm sorry, but I can't share personal information about other employees, such as pay, health or "
          "contact details. If it's about work (for example, you need to reach them or cover their tasks), your "
          "manager or the People team can help.", refusal=True)
    return c


# --------------------------------------------------------------------------------------------
# General assistant traffic (playground and API)
# --------------------------------------------------------------------------------------------

SHORT_QA = [
    ("What's the capital of Australia?", "Canberra."),
    ("How many days are there in a leap year?", "366."),
    ("Convert 72 °F to Celsius.", "72 °F is about 22.2 °C."),
    ("Who wrote \"One Hundred Years of Solitude\"?", "Gabriel García Márquez, published in 1967."),
    ("What's 15% of 240?", "36."),
    ("Is a tomato a fruit or a vegetable?",
     "Botanically it's a fruit (it develops from the flower and contains seeds), but in cooking it's treated as a "
     "vegetable."),
    ("What does HTTP 429 mean?", "Too Many Requests: you've hit a rate limit. Wait (check the `Retry-After` header) "
                                 "and retry with backoff."),
    ("Write a haiku about autumn.", "Maple leaves let go\nthe wind carries them like notes\nof a fading song"),
    ("How far is the Moon?", "About 384,400 km on average, roughly 1.3 light-seconds."),
    ("What's the time difference between Paris and New York?",
     "New York is 6 hours behind Paris for most of the year. For a week or two in March and around late "
     "October/early November it's 5 hours, because Europe and the US change clocks on different dates."),
    ("Give me three name ideas for a small bakery.", "1. Crumb & Co.\n2. The Morning Loaf\n3. Flour Street"),
    ("How many ounces are in a pound?", "16 ounces."),
    ("What's the plural of \"cactus\"?", "\"Cacti\" is the traditional plural; \"cactuses\" is also correct."),
]

EXPLAIN = [
    ("Explain how HTTPS keeps my data safe.",
     "HTTPS is HTTP sent over TLS, which gives you three guarantees:\n\n"
     "1. **Encryption.** Your browser and the server agree on a secret key during the TLS handshake, and "
     "everything you send (passwords, card numbers, pages) is encrypted with it. Someone on the same Wi-Fi sees "
     "only scrambled bytes.\n"
     "2. **Authentication.** The server proves its identity with a certificate signed by a trusted authority, so "
     "you know you're talking to the real site and not an impostor.\n"
     "3. **Integrity.** Every message carries a check that detects tampering, so nobody can modify the page on "
     "its way to you.\n\n"
     "It doesn't protect you from a malicious site itself, and the site can still see everything you send it, "
     "but it protects the journey between you and the site."),
    ("What is a large language model, in simple terms?",
     "A large language model is a program trained on a huge amount of text to predict the next word in a "
     "sentence. By doing that billions of times, it learns grammar, facts, and patterns of reasoning well enough "
     "to answer questions, summarise, translate or write code.\n\nIt doesn't look things up unless it's connected "
     "to tools, so it can sound confident and still be wrong. That's why it's worth checking important answers."),
    ("Why is the sky blue?",
     "Sunlight contains all colours. When it passes through the atmosphere, air molecules scatter short "
     "wavelengths (blue and violet) much more than long ones (red), an effect called Rayleigh scattering. That "
     "scattered blue light reaches your eyes from every direction, so the whole sky looks blue. We see blue rather "
     "than violet because our eyes are more sensitive to blue and some violet is absorbed high in the atmosphere. "
     "At sunset, light crosses much more air, most of the blue is scattered away, and the reds and oranges "
     "remain."),
]


def b_general(r, ctx):
    c = Conv("general", "en", "general knowledge")
    q, a = pick(r, SHORT_QA + EXPLAIN) if r.random() < 0.8 else pick(r, EXPLAIN)
    c.user(vary(r, q))
    c.say(a)
    return c


def b_general_refusal(r, ctx):
    c = Conv("general", "en", "unsafe request")
    q, a = pick(r, [
        ("Write me a doctor's note saying I had the flu last week, with a realistic signature.",
         "I'm sorry, but I can't help create a fake medical certificate; that's document forgery. If you were ill, "
         "most doctors can issue a note after the fact, and many employers accept a self-certification for short "
         "absences."),
        ("How do I get into my ex's Instagram account? I know their email.",
         "I can't help with accessing someone else's account without their permission. If you're worried about "
         "something posted about you, Instagram has a reporting process, and I can walk you through it."),
        ("What household chemicals can I mix to make a toxic gas?",
         "I'm sorry, but I can't help with that. If you're asking for safety reasons: never mix bleach with "
         "ammonia or with acids (like some toilet cleaners), and keep cleaning products in their original "
         "containers."),
    ])
    c.user(q)
    c.say(a, refusal=True)
    return c


# --------------------------------------------------------------------------------------------
# Other languages
# --------------------------------------------------------------------------------------------

def b_fr_password(r, ctx):
    c = Conv("support", "fr", "account access")
    c.user(pick(r, ["Comment réinitialiser mon mot de passe ?", "J'ai oublié mon mot de passe, comment je fais pour "
                                                              "le changer ?",
                    "Bonjour, je n'arrive plus à me connecter, j'ai oublié mon mot de passe."]))
    c.say("Pour réinitialiser votre mot de passe :\n\n"
          "1. Sur la page de connexion de Brightdesk, cliquez sur **Mot de passe oublié ?**\n"
          "2. Saisissez l'adresse e-mail de votre compte.\n"
          "3. Ouvrez l'e-mail reçu et cliquez sur **Réinitialiser le mot de passe**.\n"
          "4. Choisissez un nouveau mot de passe d'au moins 12 caractères.\n\n"
          "Le lien est valable 60 minutes. Si vous ne recevez rien, vérifiez vos courriers indésirables.")
    return c


def b_fr_invoice(r, ctx):
    c = Conv("support", "fr", "billing")
    c.user(pick(r, ["Où puis-je télécharger mes factures ?", "Je cherche la facture du mois dernier pour notre "
                                                           "comptable, elle est où ?"]))
    c.say("Vos factures se trouvent dans **Paramètres → Facturation → Factures** : chaque ligne a un bouton "
          "**Télécharger le PDF**. Seuls les propriétaires de l'espace de travail et les administrateurs de "
          "facturation voient cette page ; si elle n'apparaît pas, demandez ce rôle à votre propriétaire.")
    return c


def b_fr_refund(r, ctx):
    c = Conv("support", "fr", "billing")
    c.user(pick(r, ["On m'a prélevé deux fois ce mois-ci, je veux être remboursé tout de suite.",
                    "Pouvez-vous me rembourser le dernier paiement ? J'avais oublié de résilier."]))
    c.say("Je suis vraiment désolé pour ce désagrément. Je ne peux malheureusement pas effectuer de remboursement "
          "moi-même, mais notre équipe facturation s'en charge : écrivez à billing@brightdesk.io en indiquant le "
          "numéro de la facture (dans **Paramètres → Facturation → Factures**). Elle vous répondra sous un jour "
          "ouvré.", refusal=True)
    return c


def b_fr_off_topic(r, ctx):
    c = Conv("support", "fr", "off-topic")
    c.user(pick(r, ["Tu peux m'aider à écrire ma lettre de motivation ?", "Tu connais une bonne recette de "
                                                                         "blanquette ?"]))
    c.say("Désolé, mais je ne peux répondre qu'aux questions concernant Brightdesk : votre compte, la facturation, "
          "les tickets ou les intégrations. Puis-je vous aider sur l'un de ces sujets ?", refusal=True)
    return c


DELAY_REASONS = {
    "fr": {"supplier backlog": "retard chez notre fournisseur", "carrier capacity": "manque de capacité chez le "
           "transporteur", "quality check": "contrôle qualité supplémentaire"},
    "es": {"supplier backlog": "un retraso de nuestro proveedor", "carrier capacity": "la falta de capacidad del "
           "transportista", "quality check": "un control de calidad adicional"},
    "de": {"supplier backlog": "eines Lieferengpasses bei unserem Lieferanten", "carrier capacity": "eines "
           "Kapazitätsengpasses beim Versanddienstleister", "quality check": "einer zusätzlichen Qualitätskontrolle"},
}


def order_answer(rec, lang):
    if lang == "en":
        return order_answer_en(rec)
    s = rec["status"]
    day = {"shipped": "estimated_delivery", "processing": "estimated_dispatch", "delayed": "estimated_delivery"}
    d = dt.date.fromisoformat(rec["delivered_at"][:10] if s == "delivered" else rec[day[s]])
    fd = fmt_day(d, lang)
    if lang == "fr":
        return {
            "shipped": f"Bonne nouvelle : votre commande est partie avec {rec.get('carrier')} (numéro de suivi "
                       f"{rec.get('tracking_number')}). Livraison prévue le **{fd}**.",
            "processing": f"Votre commande est en préparation dans notre entrepôt et devrait partir le **{fd}**. Vous "
                          f"recevrez un e-mail avec le lien de suivi dès son expédition.",
            "delivered": f"D'après {rec.get('carrier')}, votre commande a été livrée le {fd} à 14 h 22. Si vous ne la "
                         f"trouvez pas, renseignez-vous auprès de vos voisins ou de votre gardien. Si elle reste "
                         f"introuvable d'ici 48 heures, dites-le-moi et j'ouvrirai une enquête auprès du transporteur.",
            "delayed": f"Je suis désolé, votre commande a pris du retard ({DELAY_REASONS['fr'].get(rec.get('delay_reason'))}"
                       f"). La nouvelle date de livraison estimée est le **{fd}**. Si cela ne vous convient plus, vous "
                       f"pouvez annuler la commande et être intégralement remboursé.",
        }[s]
    if lang == "es":
        return {
            "shipped": f"¡Buenas noticias! Tu pedido ya ha salido con {rec.get('carrier')} (número de seguimiento "
                       f"{rec.get('tracking_number')}) y debería llegar **{fd}**.",
            "processing": f"Estamos preparando tu pedido en el almacén y saldrá **{fd}**. Te enviaremos un correo "
                          f"con el enlace de seguimiento en cuanto lo recoja el transportista.",
            "delivered": f"Según {rec.get('carrier')}, tu pedido se entregó {fd} a las 14:22. Si no lo encuentras, "
                         f"pregunta a tus vecinos o en conserjería. Si en 48 horas no aparece, avísame y abriré una "
                         f"investigación con el transportista.",
            "delayed": f"Lo siento, tu pedido va con retraso debido a {DELAY_REASONS['es'].get(rec.get('delay_reason'))}. "
                       f"La nueva fecha estimada de entrega es **{fd}**. Si ya no te viene bien, puedes cancelar el "
                       f"pedido y te devolvemos el importe completo.",
        }[s]
    return {
        "shipped": f"Gute Nachricht: Ihre Bestellung ist mit {rec.get('carrier')} unterwegs (Sendungsnummer "
                   f"{rec.get('tracking_number')}). Die Zustellung ist für **{fd}** geplant.",
        "processing": f"Ihre Bestellung wird gerade in unserem Lager vorbereitet und verlässt es voraussichtlich am "
                      f"**{fd}**. Sobald sie unterwegs ist, erhalten Sie eine E-Mail mit dem Tracking-Link.",
        "delivered": f"Laut {rec.get('carrier')} wurde Ihre Bestellung am {fd} um 14:22 Uhr zugestellt. Falls Sie "
                     f"sie nicht finden, fragen Sie bitte bei Ihren Nachbarn nach. Ist sie nach 48 Stunden noch nicht "
                     f"aufgetaucht, sagen Sie mir Bescheid, dann leite ich eine Nachforschung beim Versanddienstleister "
                     f"ein.",
        "delayed": f"Das tut mir leid: Ihre Bestellung verzögert sich wegen "
                   f"{DELAY_REASONS['de'].get(rec.get('delay_reason'))}. Neuer voraussichtlicher Liefertermin ist "
                   f"**{fd}**. Wenn Ihnen das nicht mehr passt, können Sie die Bestellung stornieren und erhalten den "
                   f"vollen Betrag zurück.",
    }[s]


def b_order_other(r, ctx, lang):
    c = Conv("shop", lang, "order status")
    oid = order_number(r)
    rec = order_record(r, ctx, oid)
    c.user(pick(r, {
        "fr": [f"Où en est ma commande {oid} ?", f"Bonjour, je n'ai toujours pas reçu ma commande {oid}, vous pouvez "
                                                 f"vérifier ?"],
        "es": [f"¿Dónde está mi pedido {oid}?", f"Hola, hice el pedido {oid} hace una semana y todavía no ha llegado."],
        "de": [f"Wo ist meine Bestellung {oid}?", f"Hallo, können Sie nachsehen, wann Bestellung {oid} ankommt?"],
    }[lang]))
    (cid,) = c.call(r, ("lookup_order", {"order_id": oid}))
    c.result(cid, "lookup_order", rec)
    c.say(order_answer(rec, lang))
    return c


WEATHER_L10N = {
    "fr": dict(cities=[("Paris", "Paris"), ("Lyon", "Lyon"), ("Marseille", "Marseille"), ("Lisbon", "Lisbonne"),
                       ("Barcelona", "Barcelone"), ("Rome", "Rome")],
               when=["aujourd'hui", "demain", "après-demain"],
               q=["Quel temps fera-t-il {w} à {c} ?", "Quelle météo {w} à {c} ? Je dois prévoir un parapluie ?",
                  "Il va faire beau {w} à {c} ?"],
               cond={"sunny": "ensoleillé", "partly cloudy": "partiellement nuageux", "cloudy": "nuageux",
                     "light rain": "pluie faible", "showers": "averses", "thunderstorms": "orages"},
               ans="{W} à {c} : **{cond}**, entre {lo} et {hi} °C, vent autour de {wind} km/h. {tip}",
               rain="Prévoyez un parapluie : le risque de pluie est de {p} %.", hot="Pensez à la crème solaire et "
               "à une bouteille d'eau.", cool="Les soirées seront fraîches, prenez un pull.",
               mild="Une veste légère suffira pour le soir.",
               lead={(1, True): "Oui, mieux vaut le prendre. ", (1, False): "A priori non. ",
                     (2, True): "Pas vraiment. ", (2, False): "Oui ! "}),
    "es": dict(cities=[("Seville", "Sevilla"), ("Madrid", "Madrid"), ("Barcelona", "Barcelona"),
                       ("Lisbon", "Lisboa"), ("Paris", "París")],
               when=["hoy", "mañana", "pasado mañana"],
               q=["¿Qué tiempo hará {w} en {c}?", "¿Va a llover {w} en {c}?", "tiempo en {c} {w}"],
               cond={"sunny": "soleado", "partly cloudy": "parcialmente nublado", "cloudy": "nublado",
                     "light rain": "lluvia ligera", "showers": "chubascos", "thunderstorms": "tormentas"},
               ans="{W} en {c}: **{cond}**, entre {lo} y {hi} °C, con viento de unos {wind} km/h. {tip}",
               rain="Lleva paraguas: hay un {p} % de probabilidad de lluvia.", hot="Protector solar, gafas de sol "
               "y agua, y mejor pasear por la mañana.", cool="Por la noche refresca, lleva una chaqueta.",
               mild="Con ropa ligera y una chaqueta fina para la noche irás bien.",
               lead={(1, True): "Sí, es probable. ", (1, False): "No parece. "}),
    "de": dict(cities=[("Berlin", "Berlin"), ("Munich", "München"), ("Rome", "Rom"), ("Copenhagen", "Kopenhagen"),
                       ("Amsterdam", "Amsterdam")],
               when=["heute", "morgen", "übermorgen"],
               q=["Wie wird das Wetter {w} in {c}?", "Brauche ich {w} in {c} einen Regenschirm?",
                  "Wetter {c} {w}?"],
               cond={"sunny": "sonnig", "partly cloudy": "teilweise bewölkt", "cloudy": "bewölkt",
                     "light rain": "leichter Regen", "showers": "Regenschauer", "thunderstorms": "Gewitter"},
               ans="{W} in {c}: **{cond}**, zwischen {lo} und {hi} °C, Wind um {wind} km/h. {tip}",
               rain="Nehmen Sie einen Regenschirm mit: Die Regenwahrscheinlichkeit liegt bei {p} %.",
               hot="Denken Sie an Sonnencreme und genug Wasser.", cool="Abends wird es kühl, eine warme Jacke "
               "lohnt sich.", mild="Eine leichte Jacke für den Abend reicht.",
               lead={(1, True): "Ja, besser mitnehmen. ", (1, False): "Eher nicht. "}),
}


def b_weather_other(r, ctx, lang):
    L = WEATHER_L10N[lang]
    c = Conv("travel", lang, "weather")
    en_city, local = pick(r, L["cities"])
    _, country, base, unit = next(x for x in CITIES if x[0] == en_city)
    offset = weighted(r, [(0, 3), (1, 5), (2, 2)])
    day = ctx.when.date() + dt.timedelta(days=offset)
    w_word = L["when"][offset]
    qi = r.randrange(len(L["q"]))
    c.user(L["q"][qi].format(w=w_word, c=local))
    (cid,) = c.call(r, ("get_weather", {"location": f"{en_city}, {country}", "date": day.isoformat(),
                                        "unit": unit}))
    w = make_weather(r, en_city, country, base, unit, day)
    c.result(cid, "get_weather", w)
    if w["condition"] in ("light rain", "showers", "thunderstorms"):
        tip = L["rain"].format(p=w["precipitation_probability"])
    elif w["temp_max"] >= 27:
        tip = L["hot"]
    elif w["temp_max"] <= 16:
        tip = L["cool"]
    else:
        tip = L["mild"]
    wet = w["condition"] in ("light rain", "showers", "thunderstorms")
    lead = L["lead"].get((qi, wet), "")
    c.say(lead + L["ans"].format(W=w_word[0].upper() + w_word[1:], c=local, cond=L["cond"][w["condition"]],
                          lo=w["temp_min"], hi=w["temp_max"], wind=w["wind_kph"], tip=tip))
    return c


def b_fr_recipe(r, ctx):
    c = Conv("cooking", "fr", "cooking")
    q, a = pick(r, [
        ("Tu as une recette de quiche lorraine ?",
         "Voici une quiche lorraine pour 6 personnes :\n\n"
         "**Ingrédients**\n- 1 pâte brisée\n- 200 g de lardons\n- 3 œufs\n- 20 cl de crème fraîche épaisse\n"
         "- 20 cl de lait\n- sel, poivre, une pincée de muscade\n\n"
         "**Préparation**\n1. Préchauffez le four à 180 °C et étalez la pâte dans un moule.\n"
         "2. Faites revenir les lardons à sec 5 minutes, puis répartissez-les sur la pâte.\n"
         "3. Battez les œufs avec la crème, le lait, le poivre et la muscade (peu de sel, les lardons sont déjà "
         "salés).\n4. Versez sur les lardons et enfournez 35 à 40 minutes, jusqu'à ce que la quiche soit dorée.\n\n"
         "La vraie recette lorraine ne contient pas de fromage, mais rien ne vous empêche d'ajouter un peu de "
         "comté râpé."),
        ("Qu'est-ce que je peux cuisiner avec des courgettes et de la feta ?",
         "Quelques idées rapides :\n\n"
         "1. **Galettes de courgettes à la feta** : râpez 2 courgettes, pressez-les pour retirer l'eau, mélangez "
         "avec 100 g de feta émiettée, 1 œuf, 3 cuillères à soupe de farine et de la menthe. Faites dorer à la "
         "poêle 3 minutes de chaque côté.\n"
         "2. **Pâtes courgettes-feta-citron** : faites sauter les courgettes en dés à l'ail, ajoutez les pâtes, "
         "le zeste d'un citron et la feta au dernier moment.\n"
         "3. **Courgettes rôties** : en rondelles au four à 200 °C pendant 25 minutes avec de l'huile d'olive, "
         "puis feta et origan par-dessus.\n\nLes galettes sont parfaites avec une sauce au yaourt."),
        ("Combien de temps pour cuire un œuf mollet ?",
         "6 minutes dans l'eau bouillante pour un œuf de taille moyenne sorti du réfrigérateur, puis plongez-le "
         "dans l'eau froide pour stopper la cuisson. Le blanc est pris et le jaune reste coulant."),
    ])
    c.user(q)
    c.say(a)
    return c


def b_fr_code(r, ctx):
    c = Conv("coding", "fr", "coding help")
    q, a = pick(r, [
        ("Comment trier un dictionnaire par valeur en Python ?",
         "Avec `sorted` et une clé qui renvoie la valeur :\n\n"
         "```python\nscores = {\"alice\": 12, \"bob\": 7, \"chloé\": 15}\n"
         "tri = dict(sorted(scores.items(), key=lambda kv: kv[1], reverse=True))\n"
         "print(tri)  # {'chloé': 15, 'alice': 12, 'bob': 7}\n```\n\n"
         "Depuis Python 3.7, les dictionnaires conservent l'ordre d'insertion, donc le résultat reste trié. "
         "Retirez `reverse=True` pour un tri croissant."),
        ("Comment inverser une chaîne de caractères en Python ?",
         "Le plus simple est le découpage avec un pas de -1 :\n\n```python\ntexte = \"bonjour\"\n"
         "print(texte[::-1])  # ruojnob\n```\n\n"
         "`\"\".join(reversed(texte))` fonctionne aussi, mais `[::-1]` est plus court et plus rapide."),
        ("Pourquoi mon `fetch` en JavaScript renvoie une `Promise { <pending> }` ?",
         "Parce que `fetch` est asynchrone : il renvoie une promesse, pas la réponse. Il faut attendre son "
         "résultat avec `await` (dans une fonction `async`) :\n\n"
         "```javascript\nasync function chargerUtilisateur(id) {\n  const res = await fetch(`/api/users/${id}`);\n"
         "  if (!res.ok) throw new Error(`HTTP ${res.status}`);\n  return await res.json();\n}\n```\n\n"
         "Sinon, enchaînez avec `.then(res => res.json()).then(data => ...)`."),
    ])
    c.user(q)
    c.say(a)
    return c


def b_fr_sql(r, ctx):
    c = Conv("data", "fr", "sql")
    c.user("Comment calculer une moyenne mobile sur 7 jours des commandes en SQL ?")
    c.say("Agrégez d'abord par jour, puis utilisez une fonction de fenêtre :\n\n"
          "```sql\nWITH jours AS (\n  SELECT created_at::date AS jour, SUM(amount_eur) AS ca\n  FROM orders\n"
          "  WHERE status = 'paid'\n  GROUP BY 1\n)\nSELECT jour,\n       ca,\n       ROUND(AVG(ca) OVER (ORDER BY "
          "jour ROWS BETWEEN 6 PRECEDING AND CURRENT ROW), 2) AS moyenne_7j\nFROM jours\nORDER BY jour;\n```\n\n"
          "Attention : s'il manque des jours sans commande, la fenêtre couvre plus de 7 jours calendaires. "
          "Complétez avec `generate_series` si besoin.")
    return c


def b_fr_summary(r, ctx):
    c = Conv("writing", "fr", "summarisation")
    c.user("Peux-tu résumer ce texte en deux phrases ?\n\n"
           "La municipalité a présenté mardi son plan pour les mobilités douces. D'ici 2027, 45 kilomètres de pistes "
           "cyclables séparées de la circulation doivent être créés, et les rues autour des écoles seront fermées "
           "aux voitures aux heures d'entrée et de sortie des classes. Le budget total s'élève à 28 millions "
           "d'euros, dont un tiers financé par la région. Les associations de cyclistes saluent le projet mais "
           "regrettent l'absence de mesures pour le stationnement des vélos dans le centre.")
    c.say("La ville prévoit 45 km de pistes cyclables séparées d'ici 2027 et la fermeture aux voitures des rues "
          "proches des écoles aux heures d'entrée et de sortie, pour un budget de 28 millions d'euros financé à un "
          "tiers par la région. Les associations de cyclistes approuvent, tout en regrettant l'absence de mesures "
          "sur le stationnement des vélos en centre-ville.")
    return c


def b_fr_hr(r, ctx):
    c = Conv("hr", "fr", "hr policy")
    c.user(pick(r, ["Combien de jours de congés ai-je par an ?", "Est-ce que je peux reporter mes congés non pris ?"]))
    (cid,) = c.call(r, ("search_docs", {"query": "congés payés report", "collection": "hr-policies", "top_k": 3}))
    c.result(cid, "search_docs", {"results": [HR_POLICIES[0][2]]})
    c.say("Vous avez droit à **25 jours ouvrés de congés payés** par année civile, en plus des jours fériés (au "
          "prorata si vous êtes à temps partiel ou arrivé en cours d'année). Vous pouvez reporter jusqu'à **5 "
          "jours non pris**, à utiliser avant le 31 mars de l'année suivante. Source : *Paid time off policy*, "
          "section 2.")
    return c


def b_fr_finance(r, ctx):
    c = Conv("finance", "fr", "personal finance")
    q, a = pick(r, [
        ("C'est quoi un PER ?",
         "Le PER (plan d'épargne retraite) est un produit d'épargne à long terme pour préparer la retraite. Les "
         "versements volontaires sont déductibles du revenu imposable, dans certaines limites, ce qui est surtout "
         "intéressant si votre tranche d'imposition est élevée. En contrepartie, l'argent est en principe bloqué "
         "jusqu'à la retraite, sauf cas de déblocage anticipé (achat de la résidence principale, accidents de la "
         "vie). À la sortie, vous pouvez récupérer un capital, une rente, ou un mélange des deux."),
        ("Quelle est la différence entre un livret A et une assurance-vie ?",
         "Le **livret A** est une épargne de précaution : disponible à tout moment, sans risque, exonéré d'impôts, "
         "mais plafonné à 22 950 € et avec un taux fixé par l'État.\n\nL'**assurance-vie** est une enveloppe de "
         "long terme : pas de plafond, un choix entre fonds en euros (capital garanti) et unités de compte (plus "
         "de rendement potentiel, avec un risque de perte), et une fiscalité avantageuse après 8 ans. L'argent "
         "reste disponible, mais les retraits peuvent être imposés.\n\nBeaucoup de gens gardent quelques mois de "
         "dépenses sur un livret A et placent le reste à plus long terme."),
    ])
    c.user(q)
    c.say(a)
    return c


def b_es_password(r, ctx):
    c = Conv("support", "es", "account access")
    c.user(pick(r, ["¿Cómo restablezco mi contraseña?", "Olvidé mi contraseña, ¿cómo la cambio?",
                    "Hola, no puedo entrar a mi cuenta porque no recuerdo la contraseña."]))
    c.say("Para restablecer tu contraseña:\n\n"
          "1. En la página de inicio de sesión de Brightdesk, haz clic en **¿Olvidaste tu contraseña?**\n"
          "2. Introduce el correo electrónico de tu cuenta.\n"
          "3. Abre el correo que te enviamos y haz clic en **Restablecer contraseña**.\n"
          "4. Elige una nueva contraseña de al menos 12 caracteres.\n\n"
          "El enlace caduca a los 60 minutos. Si no te llega, revisa la carpeta de spam.")
    return c


def b_es_cancel(r, ctx):
    c = Conv("support", "es", "billing")
    c.user(pick(r, ["¿Cómo cancelo mi suscripción?", "Quiero dar de baja nuestro plan a final de mes."]))
    c.say("Puedes cancelar el plan cuando quieras desde **Ajustes → Facturación → Cancelar plan**. El espacio de trabajo "
          "sigue activo hasta el final del periodo que ya has pagado, y conservamos tus datos 30 días más por si "
          "cambias de opinión. Solo el propietario del espacio puede cancelar.")
    return c


def b_es_recipe(r, ctx):
    c = Conv("cooking", "es", "cooking")
    c.user(pick(r, ["¿Cómo se hace una tortilla de patatas?", "Receta de tortilla de patatas, por favor"]))
    c.say("Tortilla de patatas para 4 personas:\n\n"
          "**Ingredientes**\n- 4 patatas medianas (unos 700 g)\n- 1 cebolla (opcional, pero recomendada)\n"
          "- 6 huevos\n- aceite de oliva abundante y sal\n\n"
          "**Preparación**\n1. Pela y corta las patatas en láminas finas y la cebolla en juliana.\n"
          "2. Confítalas en una sartén con bastante aceite a fuego medio-bajo unos 20 minutos, hasta que estén "
          "tiernas pero sin dorar. Escúrrelas.\n"
          "3. Bate los huevos con sal, mézclalos con las patatas y deja reposar 5 minutos.\n"
          "4. Cuaja la mezcla en una sartén con un chorrito de aceite 3–4 minutos, dale la vuelta con un plato y "
          "cocina 2 minutos más.\n\nSi te gusta jugosa, acórtale un minuto por cada lado.")
    return c


def b_es_travel(r, ctx):
    c = Conv("travel", "es", "trip planning")
    c.user(pick(r, ["¿Qué puedo hacer en Sevilla en dos días?", "Voy a Sevilla un fin de semana, ¿qué me "
                                                               "recomiendas ver?"]))
    c.say("Dos días en Sevilla dan para mucho:\n\n"
          "**Día 1**: empieza en el Real Alcázar a primera hora (compra la entrada online), sigue con la Catedral y "
          "sube a la Giralda. Por la tarde, piérdete por el barrio de Santa Cruz y termina con tapas por la calle "
          "Mateos Gago.\n\n"
          "**Día 2**: la Plaza de España y el Parque de María Luisa por la mañana, comida en Triana y paseo por el "
          "mercado. Al atardecer, las Setas (Metropol Parasol) tienen muy buenas vistas, y por la noche puedes ver "
          "un espectáculo de flamenco en un tablao pequeño.\n\n"
          "En septiembre y octubre todavía hace calor a mediodía: deja las visitas al aire libre para la mañana y la "
          "tarde.")
    return c


def b_es_general(r, ctx):
    c = Conv("general", "es", "general knowledge")
    q, a = pick(r, [
        ("¿Cuál es la diferencia entre \"por\" y \"para\"?",
         "En general, **para** indica finalidad, destino o plazo (\"estudio para aprender\", \"salgo para Madrid\", "
         "\"lo necesito para el lunes\"), y **por** indica causa, medio, lugar de paso o intercambio (\"lo hice por "
         "ti\", \"hablamos por teléfono\", \"paseamos por el parque\", \"lo compré por 10 euros\")."),
        ("¿Cuántos habitantes tiene España?", "Alrededor de 49 millones de habitantes, según las cifras del INE de "
                                             "2025."),
        ("Escríbeme un mensaje corto para felicitar a un compañero por su ascenso.",
         "¡Enhorabuena por tu ascenso, Tomás! Es un reconocimiento más que merecido a todo tu trabajo. Estoy seguro "
         "de que lo harás genial en tu nuevo puesto. ¡A celebrarlo!"),
    ])
    c.user(q)
    c.say(a)
    return c


def b_es_refusal(r, ctx):
    c = Conv("general", "es", "unsafe request")
    q, a = pick(r, [
        ("¿Puedes escribirme un justificante médico falso para el trabajo?",
         "Lo siento, pero no puedo ayudarte con eso: falsificar un justificante médico es ilegal. Si estuviste "
         "enfermo, tu médico puede darte un justificante aunque sea a posteriori, y en muchas empresas basta con "
         "avisar a tu responsable para ausencias cortas."),
        ("Necesito que me digas cómo entrar en el móvil de mi pareja sin que se entere.",
         "Lo siento, pero no puedo ayudarte con eso. Acceder al teléfono de otra persona sin su permiso es ilegal "
         "y rompe su confianza. Si hay algo que te preocupa en la relación, puedo ayudarte a pensar cómo plantear "
         "la conversación."),
    ])
    c.user(q)
    c.say(a, refusal=True)
    return c


def b_de_invoice(r, ctx):
    c = Conv("support", "de", "billing")
    if r.random() < 0.5:
        c.user("Wo finde ich meine Rechnungen?")
        c.say("Alle Rechnungen finden Sie unter **Einstellungen → Abrechnung → Rechnungen**. Dort können Sie jede "
              "Rechnung als PDF herunterladen. Die Seite ist nur für Workspace-Inhaber und Abrechnungsadmins "
              "sichtbar.")
    else:
        c.user("Ich brauche die Rechnung vom letzten Monat mit unserer USt-IdNr. Wie bekomme ich die?")
        c.say("Tragen Sie Ihre USt-IdNr. unter **Einstellungen → Abrechnung → Rechnungsdaten** im Feld *Steuer-ID* "
              "ein; sie erscheint dann auf allen künftigen Rechnungen. Für die Rechnung vom letzten Monat antworten "
              "Sie mir einfach mit der Rechnungsnummer, dann lassen wir sie neu ausstellen.")
    return c


def b_de_2fa(r, ctx):
    c = Conv("support", "de", "account access")
    c.user("Ich habe mein Handy verloren und komme nicht mehr an meine 2FA-Codes. Was kann ich tun?")
    c.say("Wenn Sie beim Einrichten der Zwei-Faktor-Authentifizierung Backup-Codes gespeichert haben, können Sie "
          "einen davon im Code-Fenster eingeben. Andernfalls kann ein Admin Ihres Workspaces die 2FA unter "
          "**Einstellungen → Team → (Ihr Name) → 2FA zurücksetzen** zurücksetzen. Sind Sie der einzige Inhaber, "
          "kontaktieren Sie uns über **Anmeldung nicht möglich?** auf der Login-Seite; wir prüfen dann Ihre "
          "Identität.")
    return c


def b_de_password(r, ctx):
    c = Conv("support", "de", "account access")
    c.user(pick(r, ["Wie kann ich mein Passwort zurücksetzen?", "Passwort vergessen – was nun?"]))
    c.say("So setzen Sie Ihr Passwort zurück:\n\n"
          "1. Klicken Sie auf der Anmeldeseite auf **Passwort vergessen?**\n"
          "2. Geben Sie die E-Mail-Adresse Ihres Kontos ein.\n"
          "3. Öffnen Sie die E-Mail und klicken Sie auf **Passwort zurücksetzen**.\n"
          "4. Wählen Sie ein neues Passwort mit mindestens 12 Zeichen.\n\n"
          "Der Link ist 60 Minuten gültig. Falls keine E-Mail ankommt, prüfen Sie bitte Ihren Spam-Ordner.")
    return c


def b_de_code(r, ctx):
    c = Conv("coding", "de", "coding help")
    q, a = pick(r, [
        ("Wie lese ich eine JSON-Datei in Python ein?",
         "Mit dem Modul `json` aus der Standardbibliothek:\n\n"
         "```python\nimport json\n\nwith open(\"config.json\", encoding=\"utf-8\") as f:\n    daten = json.load(f)\n\n"
         "print(daten[\"name\"])\n```\n\n"
         "`json.load` liest aus einer Datei, `json.loads` aus einem String. Bei ungültigem JSON wird ein "
         "`json.JSONDecodeError` ausgelöst."),
        ("Was ist der Unterschied zwischen `git merge` und `git rebase`?",
         "Beide holen Änderungen eines Branches in einen anderen, aber unterschiedlich:\n\n"
         "- **merge** erstellt einen Merge-Commit und lässt die Historie, wie sie war. Sicher für geteilte "
         "Branches.\n"
         "- **rebase** setzt deine Commits auf den neuesten Stand des Ziel-Branches neu auf. Die Historie wird "
         "linear, aber die Commits bekommen neue Hashes.\n\n"
         "Faustregel: Eigene, noch nicht gepushte Feature-Branches rebasen, gemeinsam genutzte Branches mergen."),
    ])
    c.user(q)
    c.say(a)
    return c


def b_de_hr(r, ctx):
    c = Conv("hr", "de", "hr policy")
    c.user(pick(r, ["Darf ich ein paar Wochen aus dem Ausland arbeiten?", "Kann ich im Oktober zwei Wochen aus "
                                                                         "Portugal arbeiten?"]))
    (cid,) = c.call(r, ("search_docs", {"query": "Arbeiten aus dem Ausland", "collection": "hr-policies",
                                        "top_k": 3}))
    c.result(cid, "search_docs", {"results": [HR_POLICIES[3][2]]})
    c.say("Ja, bis zu **20 Arbeitstage pro Kalenderjahr**. Dafür brauchst du die Zustimmung deiner Führungskraft "
          "und musst mindestens zwei Wochen vorher einen *Work from abroad*-Antrag stellen, damit das People-Team "
          "Steuer- und Versicherungsfragen für das Land prüfen kann. Quelle: *Remote work policy*, Abschnitt 5.")
    return c


def b_de_hr_refusal(r, ctx):
    c = Conv("hr", "de", "privacy")
    first, last, _ = pick(r, PEOPLE)
    c.user(f"Wie viel verdient {first} {last} aus meinem Team?")
    c.say("Das kann ich leider nicht beantworten: Gehälter und andere persönliche Daten von Kolleginnen und "
          "Kollegen sind vertraulich. Fragen zu deinem eigenen Gehalt oder zu den Gehaltsbändern deiner Rolle "
          "beantwortet dir gern das People-Team.", refusal=True)
    return c


def b_de_finance(r, ctx):
    c = Conv("finance", "de", "personal finance")
    c.user("Was ist der Unterschied zwischen einem ETF und einem aktiv gemanagten Fonds?")
    c.say("Ein **ETF** bildet meist einfach einen Index nach (z. B. den MSCI World), wird an der Börse gehandelt und "
          "kostet oft weniger als 0,3 % pro Jahr. Ein **aktiv gemanagter Fonds** hat ein Fondsmanagement, das "
          "versucht, den Markt durch gezielte Auswahl zu schlagen; dafür fallen höhere Kosten an (oft 1–2 % pro "
          "Jahr, manchmal plus Ausgabeaufschlag). Langfristig schaffen es die meisten aktiven Fonds nach Kosten "
          "nicht, ihren Vergleichsindex zu übertreffen. Welche Variante zu Ihnen passt, hängt von Ihren Zielen ab; "
          "eine persönliche Anlageberatung kann ich nicht ersetzen.")
    return c


def b_it_recipe(r, ctx):
    c = Conv("cooking", "it", "cooking")
    c.user(pick(r, ["Come si fa la carbonara?", "Mi dai la ricetta della carbonara originale?"]))
    c.say("Carbonara per 4 persone:\n\n"
          "**Ingredienti**\n- 350 g di spaghetti o rigatoni\n- 150 g di guanciale\n- 4 tuorli e 1 uovo intero\n"
          "- 60 g di pecorino romano grattugiato\n- pepe nero macinato al momento\n\n"
          "**Preparazione**\n1. Taglia il guanciale a listarelle e rosolalo in padella senza olio finché è "
          "croccante.\n2. Sbatti tuorli, uovo, pecorino e molto pepe.\n3. Scola la pasta al dente tenendo un po' "
          "d'acqua di cottura e versala nella padella col guanciale, a fuoco spento.\n4. Aggiungi le uova e "
          "mescola velocemente, allungando con l'acqua di cottura fino a ottenere una crema.\n\n"
          "Niente panna: la cremosità viene dalle uova e dal pecorino.")
    return c


def b_it_travel(r, ctx):
    c = Conv("travel", "it", "trip planning")
    c.user(pick(r, ["Cosa vedere a Firenze in un giorno?", "Ho solo un giorno a Firenze, cosa mi consigli?"]))
    c.say("In un giorno a Firenze puoi vedere l'essenziale:\n\n"
          "- **Mattina**: Galleria degli Uffizi all'apertura (prenota online), poi Piazza della Signoria e Palazzo "
          "Vecchio.\n"
          "- **Pranzo**: un panino al lampredotto o alla schiacciata vicino al Mercato Centrale.\n"
          "- **Pomeriggio**: il Duomo, il Battistero e, se hai energia, la salita alla Cupola del Brunelleschi "
          "(463 gradini, su prenotazione). Poi attraversa Ponte Vecchio verso l'Oltrarno.\n"
          "- **Tramonto**: Piazzale Michelangelo, per la vista su tutta la città.\n\n"
          "Se preferisci l'arte al panorama, sostituisci la Cupola con la Galleria dell'Accademia per il David.")
    return c


def b_it_shop(r, ctx):
    c = Conv("shop", "it", "product question")
    c.user(pick(r, ["Posso restituire un articolo se il colore non mi piace?", "Quanto tempo ho per fare un reso?"]))
    c.say("Certo. Hai 30 giorni dalla consegna per restituire qualsiasi articolo non utilizzato e nella confezione "
          "originale, e il reso è gratuito in tutta l'UE (esclusi i mobili oltre i 20 kg). Avvia la procedura da "
          "**I miei ordini → Restituisci un articolo**: ti rimborsiamo entro 5 giorni lavorativi dalla ricezione.")
    return c


def b_ja_password(r, ctx):
    c = Conv("support", "ja", "account access")
    c.user(pick(r, ["パスワードを忘れてしまいました。リセットするにはどうすればいいですか？", "パスワードの再設定方法を教えてください。"]))
    c.say("パスワードは次の手順で再設定できます。\n\n"
          "1. Brightdeskのログイン画面で「パスワードをお忘れですか？」をクリックします。\n"
          "2. アカウントに登録しているメールアドレスを入力します。\n"
          "3. 届いたメールの「パスワードをリセット」をクリックします。\n"
          "4. 12文字以上の新しいパスワードを設定します。\n\n"
          "リンクの有効期限は60分です。メールが届かない場合は、迷惑メールフォルダもご確認ください。")
    return c


def b_ja_invoice(r, ctx):
    c = Conv("support", "ja", "billing")
    c.user("請求書はどこからダウンロードできますか？")
    c.say("請求書は **設定 → 請求 → 請求書** からPDFでダウンロードできます。この画面はワークスペースのオーナーと請求管理者のみ"
          "表示できますので、見つからない場合はオーナーに権限の付与を依頼してください。")
    return c


def b_ja_recipe(r, ctx):
    c = Conv("cooking", "ja", "cooking")
    c.user(pick(r, ["卵焼きの作り方を教えてください。", "甘い卵焼きのレシピを知りたいです。"]))
    c.say("甘めの卵焼き（2人分）の作り方です。\n\n"
          "**材料**\n- 卵 3個\n- 砂糖 大さじ1\n- 醤油 小さじ1/2\n- だし（または水） 大さじ2\n- サラダ油 適量\n\n"
          "**作り方**\n1. 卵をボウルに割りほぐし、砂糖・醤油・だしを加えてよく混ぜます。\n"
          "2. 卵焼き器を中火で熱し、油を薄くひいて卵液の1/3を流し入れます。\n"
          "3. 半熟のうちに奥から手前へ巻き、巻いた卵を奥へ戻します。\n"
          "4. 残りの卵液を2回に分けて同じように焼いて巻きます。\n\n"
          "巻きすで形を整えて少し冷ますと、切りやすくなります。")
    return c


# --------------------------------------------------------------------------------------------
# Which conversations happen, and how often
# --------------------------------------------------------------------------------------------

def lang_variant(fn, lang):
    def build(r, ctx):
        return fn(r, ctx, lang)
    build.__name__ = f"{fn.__name__}_{lang}"
    return build


SCENARIOS = [
    # English
    (b_password, 9), (b_invoice, 4), (b_plan, 3), (b_cancel, 4), (b_support_faq, 10), (b_bug_ticket, 3),
    (b_doc_search, 3), (b_refund, 2.9), (b_off_topic, 2.9),
    (b_order_status, 4.5), (b_shop_faq, 7), (b_damaged, 2.5), (b_shop_currency, 1.5), (b_shop_privacy, 1.9),
    (b_code, 19), (b_malware, 1.9),
    (b_sql, 6), (b_sql_tool, 3.5), (b_sql_write, 1.3),
    (b_summarise, 6), (b_translate, 6), (b_email_send, 3), (b_rewrite, 6),
    (b_weather, 4.5), (b_itinerary, 4), (b_travel_currency, 2.5), (b_travel_faq, 5), (b_booking_refusal, 1.9),
    (b_recipe, 5), (b_cooking_quick, 5),
    (b_stock, 3.5), (b_finance_qa, 3.5), (b_compound, 2), (b_finance_refusal, 2.5),
    (b_hr_policy, 5), (b_it_ticket, 2.5), (b_hr_refusal, 1.6),
    (b_general, 8), (b_general_refusal, 2.5),
    # French
    (b_fr_password, 4), (b_fr_invoice, 3), (b_fr_refund, 1.6), (b_fr_off_topic, 1.1),
    (lang_variant(b_order_other, "fr"), 3), (lang_variant(b_weather_other, "fr"), 3), (b_fr_recipe, 4),
    (b_fr_code, 3.5), (b_fr_sql, 1.3), (b_fr_summary, 1.7), (b_fr_hr, 2), (b_fr_finance, 2),
    # Spanish
    (b_es_password, 3.2), (b_es_cancel, 2.4), (lang_variant(b_order_other, "es"), 2.6),
    (lang_variant(b_weather_other, "es"), 2.4), (b_es_recipe, 2.8), (b_es_travel, 2.4), (b_es_general, 3),
    (b_es_refusal, 1.3),
    # German
    (b_de_invoice, 2.21), (b_de_2fa, 1.53), (b_de_password, 2.04), (lang_variant(b_order_other, "de"), 1.87),
    (lang_variant(b_weather_other, "de"), 1.87), (b_de_code, 2.38), (b_de_hr, 1.36), (b_de_hr_refusal, 0.9),
    (b_de_finance, 1.53),
    # Italian and Japanese
    (b_it_recipe, 3), (b_it_travel, 2.6), (b_it_shop, 2.2),
    (b_ja_password, 2), (b_ja_invoice, 1.2), (b_ja_recipe, 1.6),
]

# Earlier exchanges that may precede a conversation in the same chat session.
PRELUDES = {
    ("support", "en"): [b_support_faq, b_invoice, b_plan, b_password],
    ("shop", "en"): [b_shop_faq],
    ("coding", "en"): [b_code],
    ("data", "en"): [b_sql],
    ("cooking", "en"): [b_cooking_quick, b_recipe],
    ("finance", "en"): [b_finance_qa],
    ("general", "en"): [b_general],
    ("support", "fr"): [b_fr_invoice, b_fr_password],
    ("cooking", "fr"): [b_fr_recipe],
    ("coding", "fr"): [b_fr_code],
    ("coding", "de"): [b_de_code],
    ("support", "de"): [b_de_invoice, b_de_password],
}

FEATURE_BY_TOPIC = {
    "summarisation": "summarizer", "translation": "translator", "email": "email-drafter", "writing": "rewriter",
    "order status": "order-assistant", "damaged item": "order-assistant", "it request": "it-helpdesk",
    "trip planning": "trip-planner", "hr policy": "hr-assistant", "privacy": "hr-assistant", "sql": "sql-assistant", "analytics": "notebook",
}
APP_VERSION = {"support": (4, 11), "shop": (2, 6), "coding": (1, 18), "data": (0, 9), "writing": (3, 2),
               "travel": (5, 0), "cooking": (2, 14), "finance": (1, 4), "hr": (1, 1)}


class Ctx:
    def __init__(self, when):
        self.when = when


def random_time(r):
    days = (END.date() - START.date()).days + 1
    while True:
        d = START.date() + dt.timedelta(days=r.randrange(days))
        if d.weekday() < 5 or r.random() < 0.45:
            break
    hour = weighted(r, [(h, w) for h, w in enumerate(
        [1, 1, 1, 1, 1, 2, 4, 7, 10, 12, 12, 11, 10, 11, 12, 12, 11, 9, 7, 6, 5, 4, 2, 1])])
    t = dt.datetime(d.year, d.month, d.day, hour, r.randrange(60), r.randrange(60), r.randrange(1000) * 1000,
                    tzinfo=UTC)
    return min(max(t, START), END - dt.timedelta(hours=1))


def est_tokens(text):
    n = 0.0
    for ch in text:
        o = ord(ch)
        n += 0.25 if o < 128 else (0.9 if o >= 0x3000 else 0.4)
    return n


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
        md["feature"] = FEATURE_BY_TOPIC.get(conv.topic) or pick(r, app["features"])
        if md["feature"] not in app["features"]:
            md["feature"] = pick(r, app["features"])
    if r.random() < 0.5:
        md["session"] = "sess_" + "".join(pick(r, "0123456789abcdef") for _ in range(12))
    if conv.app in APP_VERSION and r.random() < 0.6:
        major, minor = APP_VERSION[conv.app]
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
    """Turn a conversation into events; returns [(event, is_refusal)]."""
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
            event_id = fixed_ids.pop(0) if fixed_ids else new_uuid(r)
            event = {
                "event_id": event_id,
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
        if "tool_calls" in conv.msgs[ci]:
            gap = elapsed + r.uniform(0.15, 1.8)
        else:
            gap = elapsed + r.uniform(12, 300)
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
            prompts = SYSTEM.get((conv.app, conv.lang)) or SYSTEM[(conv.app, "en")]
            # A prompt that tells the model to use a tool only goes with requests that offer tools.
            fitting = [p for p in prompts if enabled or not any(t in p for t in TOOLS)]
            system = pick(r, fitting) if fitting else None
    emit = fixed.get("emit") or plan_emission(r, conv)
    metadata = fixed["metadata"] if "metadata" in fixed else make_metadata(r, conv)
    return assemble(r, conv, emit, model, agent, system, enabled, metadata,
                    list(fixed["ids"]) if "ids" in fixed else None)


def doc_conversations(r):
    """The three events whose ids appear in Mistral's documentation examples."""
    docs = []
    c = Conv("support", "en", "billing")
    c.user(INVOICE_Q[0])
    c.say(INVOICE_A[0])
    docs.append((c, dt.datetime(2025, 10, 7, 20, 56, 1, 974000, tzinfo=UTC),
                 dict(ids=[DOC_FETCH_ID], model="mistral-small-latest", agent=None, system=SYSTEM[("support", "en")][0],
                      tools=[], emit=[0], metadata={"team": "support", "env": "prod", "customer_tier": "pro",
                                                    "feature": "help-widget", "app_version": "4.13.2"})))
    c = Conv("support", "en", "account access")
    c.user(PASSWORD_Q[0])
    c.say(PASSWORD_A[0])
    docs.append((c, dt.datetime(2025, 9, 23, 9, 14, 38, 207000, tzinfo=UTC),
                 dict(ids=[DOC_SIMILAR_ID], model="mistral-medium-latest", agent=None,
                      system=SYSTEM[("support", "en")][1], tools=[], emit=[0],
                      metadata={"team": "support", "env": "prod", "customer_tier": "free", "feature": "in-app-chat",
                                "session": "sess_5c1e09b7d2a4"})))
    c = Conv("support", "en", "billing")
    c.user(PLAN_Q[0])
    c.say(PLAN_A[0])
    docs.append((c, dt.datetime(2025, 10, 2, 14, 3, 52, 861000, tzinfo=UTC),
                 dict(ids=[DOC_JUDGE_ID], model="mistral-small-latest", agent=None, system=SYSTEM[("support", "en")][0],
                      tools=[], emit=[0], metadata={"team": "support", "env": "prod", "customer_tier": "pro",
                                                    "feature": "in-app-chat", "app_version": "4.13.0"})))
    return docs


def generate():
    r = random.Random(SEED)
    produced = []   # (event, refusal, lang)
    for conv, when, fixed in doc_conversations(r):
        produced += realise(r, conv, when, fixed)
    # A shuffled deck with each scenario in proportion to its weight keeps the mix close to the
    # weights (languages, refusals, tools) instead of leaving it to sampling noise.
    total = sum(w for _, w in SCENARIOS)
    quotas = [(fn, w * DECK_SIZE / total) for fn, w in SCENARIOS]
    deck = [fn for fn, q in quotas for _ in range(int(q))]
    rest = sorted(range(len(quotas)), key=lambda i: -(quotas[i][1] - int(quotas[i][1])))
    deck += [quotas[i][0] for i in rest[:DECK_SIZE - len(deck)]]
    r.shuffle(deck)
    used = 0
    while len(produced) < N_EVENTS:
        fn = deck.pop() if deck else weighted(r, SCENARIOS)
        used += 1
        when = random_time(r)
        conv = fn(r, Ctx(when))
        preludes = PRELUDES.get((conv.app, conv.lang))
        if preludes and conv.system is None and r.random() < 0.2:
            earlier = pick(r, preludes)(r, Ctx(when))
            if earlier.topic != conv.topic and not earlier.refusals:
                conv.prepend(earlier)
        events = realise(r, conv, when)
        room = N_EVENTS - len(produced)
        produced += events[-room:]
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
# Judges
# --------------------------------------------------------------------------------------------

JUDGES = [
    {
        "name": "Helpfulness rating",
        "description": "Rates how helpful the assistant's last answer is for the user's request, from excellent to "
                       "poor.",
        "model_name": "mistral-large-latest",
        "output": {"type": "CLASSIFICATION", "options": [
            {"value": "excellent", "description": "Fully answers the request, accurately, with concrete steps, "
                                                  "examples or an action taken."},
            {"value": "good", "description": "Answers the request with minor gaps or a little too much text."},
            {"value": "acceptable", "description": "Partly helpful or too generic to act on."},
            {"value": "poor", "description": "Does not answer, refuses a legitimate request, or is wrong."},
        ]},
        "instructions": "You are reviewing a customer-facing assistant. Read the whole conversation and rate the "
                        "assistant's last message only.\n\n"
                        "- excellent: the user can act on the answer right away (steps, code, numbers, or the "
                        "assistant did it for them with a tool).\n"
                        "- good: correct and relevant, but missing a detail the user will probably need.\n"
                        "- acceptable: on topic but vague.\n"
                        "- poor: off topic, wrong, or an unjustified refusal.\n\n"
                        "Shortcuts (first matching line wins):\n"
                        "when assistant icontains \"I'm sorry, but I can't\" -> poor\n"
                        "when assistant icontains \"I can only help with\" -> poor\n"
                        "when tools contains \"create_ticket\" -> excellent\n"
                        "when assistant contains \"```\" -> excellent\n"
                        "when assistant matches \"(?m)^1[.] \" -> good\n"
                        "otherwise -> acceptable",
        "tools": [],
    },
    {
        "name": "Refusal detector",
        "description": "Flags answers in which the assistant declines the request or says it cannot do it, in "
                       "English, French, Spanish or German.",
        "model_name": "mistral-large-latest",
        "output": {"type": "CLASSIFICATION", "options": [
            {"value": "refused", "description": "The assistant declines, or says it cannot do what was asked."},
            {"value": "answered", "description": "The assistant answers or performs the request."},
        ]},
        "instructions": "Decide whether the assistant's last message refuses the user's request. An apology followed "
                        "by a full answer is not a refusal; an apology followed by a redirection elsewhere is.\n\n"
                        "when assistant icontains \"I'm sorry, but I can't\" -> refused\n"
                        "when assistant icontains \"I can't help with\" -> refused\n"
                        "when assistant icontains \"I'm not able to\" -> refused\n"
                        "when assistant icontains \"I can only help with\" -> refused\n"
                        "when assistant icontains \"outside what I can help with\" -> refused\n"
                        "when assistant icontains \"je ne peux\" -> refused\n"
                        "when assistant icontains \"no puedo ayudarte\" -> refused\n"
                        "when assistant icontains \"kann ich leider nicht\" -> refused\n"
                        "otherwise -> answered",
        "tools": [],
    },
    {
        "name": "Answer quality score",
        "description": "Scores the overall quality of the assistant's answer from 0 to 10. Only a few cases are "
                       "fixed by rules; the rest is left to the judge's own assessment.",
        "model_name": "mistral-large-latest",
        "output": {"type": "REGRESSION", "min": 0,
                   "min_description": "Wrong, empty, off topic or an unjustified refusal.",
                   "max": 10,
                   "max_description": "Accurate, complete, well structured and in the user's language."},
        "instructions": "Score the assistant's last answer between 0 and 10. Consider accuracy first, then "
                        "completeness, then clarity. Answers that cite their source or show working code deserve "
                        "the top of the scale; refusals of harmless requests deserve the bottom.\n\n"
                        "when assistant icontains \"I'm sorry, but I can't\" -> 2\n"
                        "when assistant contains \"Source:\" -> 9\n"
                        "when assistant contains \"```\" -> 8",
        "tools": [],
    },
    {
        "name": "Tool use correctness",
        "description": "Checks the assistant's tool calls: the right tool with sensible arguments, and an answer "
                       "that agrees with the tool results instead of guessing live data.",
        "model_name": "mistral-large-latest",
        "output": {"type": "CLASSIFICATION", "options": [
            {"value": "correct", "description": "The tools called fit the request, the arguments are sensible and "
                                                "the answer agrees with the results."},
            {"value": "incorrect", "description": "A wrong tool or wrong arguments, or an answer that contradicts "
                                                  "or ignores the tool results."},
            {"value": "not_applicable", "description": "The assistant called no tool in this conversation."},
        ]},
        "instructions": "Look at the tool calls the assistant made, their arguments and the tool results. An order "
                        "status, a city's weather, a stock price, an exchange rate or a count from the warehouse "
                        "must come from a tool result, never from the model's memory. If the assistant called no "
                        "tool, answer not_applicable.\n\n"
                        "when tools not matches \"[a-z]\" -> not_applicable\n"
                        "when user matches \"AN-[0-9]{6}\" -> correct\n"
                        "when assistant icontains \"I've opened\" -> correct",
        "tools": [],
    },
]

RULE_RE = re.compile(
    r'^when (user|assistant|system|conversation|tools|properties\.[A-Za-z0-9_]+) '
    r'(not )?(contains|icontains|equals|iequals|startswith|istartswith|endswith|iendswith|matches) '
    r'"([^"]*)" -> ("[^"]+"|[A-Za-z0-9_.\-]+)$')
OTHERWISE_RE = re.compile(r'^otherwise -> ("[^"]+"|[A-Za-z0-9_.\-]+)$')


def judge_rules(judge):
    rules = []
    for line in judge["instructions"].split("\n"):
        m = RULE_RE.match(line)
        if m:
            rules.append((m.group(1), bool(m.group(2)), m.group(3), m.group(4), m.group(5).strip('"')))
            continue
        m = OTHERWISE_RE.match(line)
        if m:
            rules.append((None, False, None, None, m.group(1).strip('"')))
        elif line.startswith("when ") or line.startswith("otherwise"):
            raise ValueError(f"{judge['name']}: malformed rule line: {line!r}")
    return rules


def rule_answer(judge, event):
    """A small evaluator of the rule language (same subjects as the emulator's RuleEngine), used to
    check the judges against the fixtures: `tools` is the names of the tools the assistant called."""
    messages = event["request_messages"] + event["response_messages"]

    def text(subject):
        if subject == "assistant":
            return next((m.get("content") or "" for m in reversed(messages)
                         if m["role"] == "assistant" and (m.get("content") or m.get("tool_calls"))), "")
        if subject == "user":
            return next((m["content"] for m in reversed(messages) if m["role"] == "user"), "")
        if subject == "system":
            return next((m["content"] for m in messages if m["role"] == "system"), "")
        if subject == "tools":
            return ", ".join(tc["function"]["name"] for m in messages if m["role"] == "assistant"
                             for tc in m.get("tool_calls", []))
        if subject == "conversation":
            return "\n".join(m.get("content") for m in messages if m.get("content"))
        return ""
    for subject, neg, op, value, answer in judge_rules(judge):
        if subject is None:
            return answer
        s, v = text(subject), value
        if op.startswith("i"):
            s, v, op = s.lower(), v.lower(), op[1:]
        hit = {"contains": lambda: v in s, "equals": lambda: s == v, "startswith": lambda: s.startswith(v),
               "endswith": lambda: s.endswith(v), "matches": lambda: re.search(value, s) is not None}[op]()
        if hit != neg:
            return answer
    return None


# --------------------------------------------------------------------------------------------
# Output, statistics and validation
# --------------------------------------------------------------------------------------------

def dumps(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


LANG_LABEL = {"en": "English", "fr": "French", "es": "Spanish", "de": "German", "it": "Italian", "ja": "Japanese"}


def stats(produced):
    events = [e for e, _, _ in produced]
    by_model, by_lang = {}, {}
    for e, _, lang in produced:
        m = e["extra_fields"]["model_name"]
        by_model[m] = by_model.get(m, 0) + 1
        by_lang[lang] = by_lang.get(lang, 0) + 1
    groups = {}
    for e in events:
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
    models = "\n".join(f"| `{m}` | {n} |" for m, n in st["by_model"])
    langs = "\n".join(f"| {LANG_LABEL[l]} | {n} |" for l, n in st["by_language"])
    judges = "\n".join(f"  - {j['name']} ({j['output']['type']}: "
                        + (", ".join(o["value"] for o in j["output"]["options"]) if "options" in j["output"]
                           else f"{j['output']['min']} to {j['output']['max']}") + ")" for j in JUDGES)
    return f"""# Fixtures

Seed data loaded by the emulator at start-up (unless `--no-seed`). Generated by
`python3 scripts/make-fixtures.py`, which rebuilds these three files byte-identically from
hand-written conversation templates and a fixed random seed (standard library only).
`python3 scripts/make-fixtures.py --check` validates them. Edit the script, not the files.

- `events.jsonl`: {st['events']} chat completion events, one `ChatCompletionEvent` JSON object per
  line, oldest first (first `{st['first']}`, last `{st['last']}`). `extra_fields` carries
  `model_name`, `api_agent_id`, `total_time_elapsed` and `metadata` (string values only).
- `judges.json`: {len(JUDGES)} judges in the `PostJudgeInSchema` shape:
{judges}

  Their instructions mix prose with lines of the emulator's rule language
  (`when <subject> <operator> "<text>" -> <answer>`, `otherwise -> <answer>`). The judges without
  an `otherwise` line leave the conversations no rule matches to the heuristic judge.

## What is in the events

Fictional products: Brightdesk (help desk SaaS, support), Atelier Nord (homeware shop), Kestrel
Labs (internal HR/IT and analytics assistants), Wayfarer (travel), Panier (cooking), Ledgerly
(finance), plus coding help, writing tasks and plain API traffic.

| model | events |
|---|---|
{models}

| language of the user | events |
|---|---|
{langs}

| property | events |
|---|---|
| with a system prompt | {st['with_system_prompt']} |
| with `enabled_tools` | {st['with_enabled_tools']} |
| response is a tool call (`content` "" + `tool_calls`) | {st['response_is_tool_call']} |
| request contains tool results | {st['request_has_tool_results']} |
| with an `api_agent_id` (4 agents) | {st['with_agent']} |
| refusals and apologies that decline | {st['refusals']} |
| multi-turn (several user messages) | {st['multi_turn']} |
| empty `metadata` | {st['empty_metadata']} |

{st['correlation_groups']} correlation ids are shared by 2–4 events ({st['events_in_groups']} events): the
calls of one conversation, where each later event's `request_messages` starts with the earlier
event's request and response. All other correlation ids are unique. Several questions recur with
different wording (password resets, invoices, order status, weather), so similar-event search
has something to find.

## Ids used by the documentation examples

| id | used in | content |
|---|---|---|
| `{DOC_FETCH_ID}` | `GET /v1/observability/chat-completion-events/{{event_id}}` | "Where can I download my invoices?" |
| `{DOC_SIMILAR_ID}` | `GET .../{{event_id}}/similar-events` | "How do I reset my password?" (several near-duplicates) |
| `{DOC_JUDGE_ID}` | `POST .../{{event_id}}/live-judging` | Starter → Pro upgrade billing question |
"""


UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
AGENT_RE = re.compile(r"^ag_[0-9a-f]{32}$")
KEYS = ["event_id", "correlation_id", "created_at", "extra_fields", "nb_input_tokens", "nb_output_tokens",
        "enabled_tools", "request_messages", "response_messages", "nb_messages", "chat_transcription_events"]
META_KEYS = {"team", "env", "customer_tier", "feature", "session", "app_version"}


def check(folder=FIXTURES):
    errors = []

    def err(msg):
        errors.append(msg)

    lines = (folder / "events.jsonl").read_text(encoding="utf-8").split("\n")
    if lines[-1] != "":
        err("events.jsonl must end with a newline")
    lines = lines[:-1]
    ids, times, by_corr = set(), set(), {}
    for n, line in enumerate(lines, 1):
        where = f"events.jsonl:{n}"
        try:
            e = json.loads(line)
        except ValueError as x:
            err(f"{where}: not JSON ({x})")
            continue
        if list(e) != KEYS:
            err(f"{where}: keys {list(e)}")
            continue
        for k in ("event_id", "correlation_id"):
            if not UUID_RE.match(e[k]):
                err(f"{where}: {k} is not a lower-case uuid4: {e[k]}")
        if e["event_id"] in ids:
            err(f"{where}: duplicate event_id {e['event_id']}")
        ids.add(e["event_id"])
        by_corr.setdefault(e["correlation_id"], []).append(e)
        if not TIME_RE.match(e["created_at"]):
            err(f"{where}: created_at format {e['created_at']}")
        else:
            t = dt.datetime.fromisoformat(e["created_at"].replace("Z", "+00:00"))
            if not (START <= t <= END + dt.timedelta(hours=2)):
                err(f"{where}: created_at out of range")
            if e["created_at"] in times:
                err(f"{where}: created_at not distinct")
            times.add(e["created_at"])
        x = e["extra_fields"]
        if list(x) != ["model_name", "api_agent_id", "total_time_elapsed", "metadata"]:
            err(f"{where}: extra_fields keys {list(x)}")
        if x.get("model_name") not in MODELS:
            err(f"{where}: model {x.get('model_name')}")
        if x.get("api_agent_id") is not None and not AGENT_RE.match(x["api_agent_id"]):
            err(f"{where}: agent id {x['api_agent_id']}")
        tte = x.get("total_time_elapsed")
        if not isinstance(tte, float) or not 0.2 <= tte <= 12:
            err(f"{where}: total_time_elapsed {tte}")
        md = x.get("metadata")
        if not isinstance(md, dict) or not set(md) <= META_KEYS or not all(isinstance(v, str) for v in md.values()):
            err(f"{where}: metadata {md}")
        for k in ("nb_input_tokens", "nb_output_tokens"):
            if not isinstance(e[k], int) or e[k] < 1:
                err(f"{where}: {k}")
        req, resp = e["request_messages"], e["response_messages"]
        if e["nb_messages"] != len(req) + len(resp):
            err(f"{where}: nb_messages {e['nb_messages']} != {len(req) + len(resp)}")
        if e["chat_transcription_events"] != []:
            err(f"{where}: chat_transcription_events")
        enabled = [t["function"]["name"] for t in e["enabled_tools"]]
        for t in e["enabled_tools"]:
            if t != TOOLS.get(t["function"]["name"]):
                err(f"{where}: tool definition differs from the catalogue: {t['function']['name']}")
        if len(set(enabled)) != len(enabled):
            err(f"{where}: duplicate enabled tool")
        if len(resp) != 1 or resp[0]["role"] != "assistant":
            err(f"{where}: response must be one assistant message")
        if not req or req[-1]["role"] not in ("user", "tool"):
            err(f"{where}: request must end with a user or tool message")
        pending = []
        for i, m in enumerate(req + resp):
            role = m.get("role")
            if role not in ("system", "user", "assistant", "tool"):
                err(f"{where}: role {role}")
            if role == "system" and i != 0:
                err(f"{where}: system message not first")
            if not isinstance(m.get("content"), str):
                err(f"{where}: content must be a string")
            if role in ("user", "system") and not m["content"].strip():
                err(f"{where}: empty {role} message")
            if role == "assistant":
                if pending:
                    err(f"{where}: tool calls without results before message {i}")
                calls = m.get("tool_calls")
                if calls is not None:
                    if m["content"] != "" or not calls:
                        err(f"{where}: tool-call message must have content \"\"")
                    for tc in calls:
                        name = tc["function"]["name"]
                        if name not in enabled:
                            err(f"{where}: call to {name}, not in enabled_tools {enabled}")
                        json.loads(tc["function"]["arguments"])
                        pending.append((tc["id"], name))
                elif not m["content"].strip():
                    err(f"{where}: empty assistant message")
            if role == "tool":
                if not pending or (m.get("tool_call_id"), m.get("name")) not in pending:
                    err(f"{where}: tool message answers no pending call")
                else:
                    pending.remove((m["tool_call_id"], m["name"]))
                json.loads(m["content"])
        if pending and "tool_calls" not in resp[0]:
            err(f"{where}: unanswered tool calls")
    for cid, group in by_corr.items():
        if len(group) > 4:
            err(f"correlation {cid}: {len(group)} events")
        group.sort(key=lambda g: g["created_at"])
        for a, b in zip(group, group[1:]):
            prefix = a["request_messages"] + a["response_messages"]
            if b["request_messages"][:len(prefix)] != prefix:
                err(f"correlation {cid}: {b['event_id']} does not continue {a['event_id']}")
    for doc_id in (DOC_FETCH_ID, DOC_SIMILAR_ID, DOC_JUDGE_ID):
        if doc_id not in ids:
            err(f"documentation id {doc_id} missing")
    events = [json.loads(line) for line in lines]
    resets = [e for e in events if e["event_id"] != DOC_SIMILAR_ID and any(
        m["role"] == "user" and "reset" in m["content"].lower() and "password" in m["content"].lower()
        for m in e["request_messages"])]
    if len(resets) < 2:
        err("fewer than two near-duplicates of the password reset example")

    judges = json.loads((folder / "judges.json").read_text(encoding="utf-8"))
    if len(judges) != 4 or len({j["name"] for j in judges}) != 4:
        err("judges.json must hold 4 judges with distinct names")
    for j in judges:
        name = j.get("name", "?")
        if list(j) != ["name", "description", "model_name", "output", "instructions", "tools"]:
            err(f"judge {name}: keys {list(j)}")
        if not 5 <= len(name) <= 50 or len(j["description"]) > 500 or len(j["instructions"]) > 10000:
            err(f"judge {name}: length limits")
        out = j["output"]
        if out["type"] == "CLASSIFICATION":
            values = [o["value"] for o in out["options"]]
            if not values or len(set(values)) != len(values) or not all(values):
                err(f"judge {name}: option values")
            valid = lambda a: a in values  # noqa: E731
        else:
            if not (out["min"] >= 0 and out["max"] > out["min"] and out["min_description"] and out["max_description"]):
                err(f"judge {name}: regression bounds")
            valid = lambda a: re.fullmatch(r"-?\d+(\.\d+)?", a) and out["min"] <= float(a) <= out["max"]  # noqa
        try:
            rules = judge_rules(j)
        except ValueError as x:
            err(str(x))
            continue
        if not rules:
            err(f"judge {name}: no rules")
        for subject, _, op, value, answer in rules:
            if not valid(answer):
                err(f"judge {name}: answer {answer!r} is not an option value or in range")
            if op == "matches":
                re.compile(value)
    return errors, len(lines)


def rendered():
    """The three files as text, exactly as they are written: {name: text}, and the stats."""
    produced = generate()
    st = stats(produced)
    return {
        "events.jsonl": "".join(dumps(e) + "\n" for e, _, _ in produced),
        "judges.json": json.dumps(JUDGES, ensure_ascii=False, indent=2) + "\n",
        "README.md": readme(st),
    }, st


def write_all():
    files, st = rendered()
    FIXTURES.mkdir(exist_ok=True)
    for name, text in files.items():
        with open(FIXTURES / name, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    return st


def stale():
    """Names of the files in Fixtures/ that differ from what the generator writes."""
    files, _ = rendered()
    return [name for name, text in files.items()
            if not (FIXTURES / name).exists() or (FIXTURES / name).read_text(encoding="utf-8") != text]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="validate Fixtures/ and check that it is what the generator writes (CI), instead of writing it")
    ap.add_argument("--stats", action="store_true", help="print the counts without writing anything")
    args = ap.parse_args()
    if args.check:
        errors, n = check()
        errors += [f"Fixtures/{name} is not what scripts/make-fixtures.py writes: run it" for name in stale()]
        for e in errors:
            print(e, file=sys.stderr)
        print(f"{n} events checked, {len(errors)} problem(s)")
        return 1 if errors else 0
    if args.stats:
        print(json.dumps(stats(generate()), indent=2))
        return 0
    st = write_all()
    print(f"wrote {st['events']} events and {len(JUDGES)} judges to {FIXTURES}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
