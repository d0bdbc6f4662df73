"""A small client for the Chrome DevTools Protocol: starts Debian's headless Chromium, opens one
page and drives it (navigate, evaluate, type, click, key presses, screenshots), recording every
JavaScript exception, console message and browser log entry the page produces.

Only websocket-client is needed (pinned in requirements.txt); no WebDriver, no browser download.
"""
from __future__ import annotations

import base64
import itertools
import json
import os
import queue
import re
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.request

import websocket

DEVTOOLS_LINE = re.compile(r"DevTools listening on (ws://\S+)")


def chromium_binary() -> str:
    for name in (os.environ.get("CHROMIUM_BIN"), "chromium", "chromium-browser", "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    raise RuntimeError("no Chromium found: apt-get install -y chromium (Tests/Console/run.sh does it)")


class CDPError(RuntimeError):
    pass


class Browser:
    """One headless Chromium process and one page target, driven over its WebSocket."""

    def __init__(self, width: int = 1280, height: int = 800):
        self.profile = tempfile.mkdtemp(prefix="console-chromium-")
        args = [
            chromium_binary(), "--headless=new", "--remote-debugging-port=0", f"--user-data-dir={self.profile}",
            "--no-first-run", "--no-default-browser-check", "--disable-gpu", "--disable-extensions", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--mute-audio",
            "--hide-scrollbars", f"--window-size={width},{height}", "--force-device-scale-factor=1",
            "--lang=en-US", "--font-render-hinting=none", "about:blank",
        ]
        if os.geteuid() == 0:
            args.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            self._connect(width, height)
        except BaseException:
            self.proc.kill()
            self.proc.wait()
            shutil.rmtree(self.profile, ignore_errors=True)
            raise

    def _connect(self, width: int, height: int) -> None:
        browser_ws = self._read_devtools_url()
        port = int(re.search(r":(\d+)/", browser_ws).group(1))
        self.http = f"http://127.0.0.1:{port}"
        targets = json.load(urllib.request.urlopen(f"{self.http}/json/list", timeout=10))
        page = next(t for t in targets if t.get("type") == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30, suppress_origin=True)
        self.ids = itertools.count(1)
        self.replies: dict[int, dict] = {}
        self.events: "queue.Queue[dict]" = queue.Queue()
        self.lock = threading.Condition()
        self.closed = False
        # What the page reported: JS exceptions, console.* calls, browser log entries.
        self.exceptions: list[str] = []
        self.console: list[tuple[str, str]] = []
        self.log: list[dict] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        # Headless windows never have the OS focus: emulate it, so Tab and :focus-visible behave.
        self.send("Emulation.setFocusEmulationEnabled", {"enabled": True})
        self.resize(width, height)

    def _read_devtools_url(self) -> str:
        deadline = time.monotonic() + 30
        seen = []
        while time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            if not line:
                if self.proc.poll() is not None:
                    break
                continue
            seen.append(line)
            match = DEVTOOLS_LINE.search(line)
            if match:
                threading.Thread(target=lambda: [None for _ in self.proc.stderr], daemon=True).start()
                return match.group(1)
        self.proc.kill()
        raise RuntimeError("Chromium did not start: " + "".join(seen)[-2000:])

    def _read(self) -> None:
        while True:
            try:
                message = json.loads(self.ws.recv())
            except Exception:  # the socket closed
                with self.lock:
                    self.closed = True
                    self.lock.notify_all()
                return
            if "id" in message:
                with self.lock:
                    self.replies[message["id"]] = message
                    self.lock.notify_all()
                continue
            method, params = message.get("method"), message.get("params", {})
            if method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                text = details.get("exception", {}).get("description") or details.get("text")
                self.exceptions.append(f"{text} at {details.get('url', '')}:{details.get('lineNumber')}")
            elif method == "Runtime.consoleAPICalled":
                text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
                self.console.append((params["type"], text))
            elif method == "Log.entryAdded":
                self.log.append(params["entry"])
            elif method == "Fetch.requestPaused":
                self._answer_mocked(params)
                continue
            self.events.put(message)

    def send(self, method: str, params: dict | None = None, timeout: float = 30) -> dict:
        ident = next(self.ids)
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params or {}}))
        deadline = time.monotonic() + timeout
        with self.lock:
            while ident not in self.replies:
                if self.closed:
                    raise CDPError(f"{method}: the browser closed the connection")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise CDPError(f"{method}: no answer in {timeout} s")
                self.lock.wait(left)
            reply = self.replies.pop(ident)
        if "error" in reply:
            raise CDPError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    # Mocked routes: answers for APIs this emulator build may not serve yet

    def mock(self, routes) -> None:
        """Answers requests whose URL matches a key of `routes` (a regular expression) with
        `handler(method, url, body) -> (status, json)`, through the Fetch domain; others go on."""
        self.mocks = [(re.compile(pattern), handler) for pattern, handler in routes.items()]
        self.send("Fetch.enable", {"patterns": [{"urlPattern": "*/v1/observability/*", "requestStage": "Request"},
                                                {"urlPattern": "*/__emulator/openapi.yaml", "requestStage": "Request"}]})

    def unmock(self) -> None:
        self.mocks = []
        self.send("Fetch.disable")

    def _answer_mocked(self, params: dict) -> None:
        # Runs on the reader thread: it sends without waiting for the reply, which this thread reads.
        request = params["request"]
        for pattern, handler in getattr(self, "mocks", []):
            if pattern.search(request["url"]):
                body = request.get("postData")
                status, value = handler(request["method"], request["url"], json.loads(body) if body else None)
                text, kind = (value, "application/yaml") if isinstance(value, str) else (json.dumps(value), "application/json")
                payload = base64.b64encode(text.encode()).decode()
                self.ws.send(json.dumps({"id": next(self.ids), "method": "Fetch.fulfillRequest", "params": {
                    "requestId": params["requestId"], "responseCode": status, "body": payload,
                    "responseHeaders": [{"name": "Content-Type", "value": kind}]}}))
                return
        self.ws.send(json.dumps({"id": next(self.ids), "method": "Fetch.continueRequest", "params": {"requestId": params["requestId"]}}))

    # Page helpers

    def resize(self, width: int, height: int, mobile: bool = False) -> None:
        self.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})

    def goto(self, url: str, timeout: float = 20) -> None:
        """Navigates and waits for the load event (hash changes within a page wait for nothing)."""
        while not self.events.empty():
            self.events.get_nowait()
        self.send("Page.navigate", {"url": url})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                event = self.events.get(timeout=0.2)
            except queue.Empty:
                continue
            if event.get("method") == "Page.loadEventFired":
                return
        raise CDPError(f"{url} did not load in {timeout} s")

    def eval(self, expression: str, timeout: float = 20):
        """Evaluates an expression (awaiting a promise) and returns its JSON value."""
        result = self.send("Runtime.evaluate", {"expression": expression, "awaitPromise": True, "returnByValue": True,
                                                "userGesture": True}, timeout=timeout)
        if "exceptionDetails" in result:
            raise CDPError(f"evaluating {expression[:120]!r}: {result['exceptionDetails'].get('exception', {}).get('description')}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 15, what: str | None = None):
        """Polls until the expression is truthy; returns its value."""
        deadline = time.monotonic() + timeout
        value = None
        while time.monotonic() < deadline:
            value = self.eval(expression)
            # A DOM node comes back as {}: present, so it counts as true here.
            if value is not None and value is not False and value != "" and value != 0 and value != []:
                return value
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what or expression} (last value {value!r})")

    def text(self, selector: str) -> str:
        return self.eval(f"(document.querySelector({json.dumps(selector)}) || {{}}).innerText || ''")

    def click(self, selector: str) -> None:
        """Clicks like a person: scrolls the element into view and sends mouse events at the centre of
        its first box."""
        box = self.wait_for(f"""(() => {{ const el = document.querySelector({json.dumps(selector)});
            if (!el) return null; el.scrollIntoView({{block: 'center'}});
            // The first box: a link that wraps has a hole in the middle of its bounding box.
            const r = el.getClientRects()[0] || el.getBoundingClientRect();
            return r.width && r.height ? {{x: r.x + r.width / 2, y: r.y + r.height / 2}} : null; }})()""", what=f"{selector} to be visible")
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", {"type": kind, "x": box["x"], "y": box["y"], "button": "left", "clickCount": 1})

    def type_into(self, selector: str, text: str, clear: bool = True) -> None:
        """Focuses a field, optionally empties it, and types the text as key input."""
        self.eval(f"""(() => {{ const el = document.querySelector({json.dumps(selector)}); el.focus();
            {"el.select && el.select(); if (el.value !== undefined) { el.value = ''; el.dispatchEvent(new Event('input', {bubbles: true})); }" if clear else ""} }})()""")
        self.send("Input.insertText", {"text": text})

    def press(self, key: str, code: str | None = None, key_code: int | None = None, modifiers: int = 0) -> None:
        """Presses one key (Tab, Enter, ...)."""
        codes = {"Tab": 9, "Enter": 13, "Escape": 27, " ": 32}
        params = {"key": key, "code": code or key, "windowsVirtualKeyCode": key_code or codes.get(key, 0), "modifiers": modifiers}
        if key == "Enter":
            params["text"] = "\r"
        self.send("Input.dispatchKeyEvent", {"type": "keyDown", **params})
        self.send("Input.dispatchKeyEvent", {"type": "keyUp", **params})

    def screenshot(self, path: str, full_page: bool = False) -> str:
        params = {"format": "png"}
        if full_page:
            params["captureBeyondViewport"] = True
            metrics = self.send("Page.getLayoutMetrics")
            size = metrics["cssContentSize"]
            params["clip"] = {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 4000), "scale": 1}
        data = self.send("Page.captureScreenshot", params)["data"]
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
        return path

    def errors(self, allowed_network=()) -> list[str]:
        """Everything the page reported as an error: exceptions, console.error/assert, and browser
        log entries at level error, except failed network requests to URLs matching one of
        `allowed_network` (regular expressions: the answers a test provoked on purpose)."""
        found = list(self.exceptions)
        found += [f"console.{kind}: {text}" for kind, text in self.console if kind in ("error", "assert")]
        for entry in self.log:
            if entry.get("level") != "error":
                continue
            if entry.get("source") == "network" and any(re.search(p, entry.get("url", "")) for p in allowed_network):
                continue
            found.append(f"log[{entry.get('source')}]: {entry.get('text')} {entry.get('url', '')}")
        return found

    def clear_reports(self) -> None:
        self.exceptions.clear()
        self.console.clear()
        self.log.clear()

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.ws.close()
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)
