"""Hostile HTTP: request smuggling shapes, oversized input, bad bytes, odd targets, slow and
vanishing clients, pipelined floods. Each case must get the right status (or a closed connection)
and the server must go on serving others. Runs against its own emulator with short timeouts and
a small connection cap, so the slow-client and overload cases finish quickly.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent
BIN = os.environ.get("OBS_EMULATOR_BIN", str(REPO / ".build" / "debug" / "observability-emulator"))
READ_TIMEOUT = 2
MAX_CONNECTIONS = 12


@pytest.fixture(scope="module")
def server():
    proc = subprocess.Popen(
        [BIN, "--port", "0", "--log-level", "error", "--read-timeout", str(READ_TIMEOUT), "--idle-timeout", "5",
         "--max-connections", str(MAX_CONNECTIONS), "--max-body", str(1024 * 1024)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    port = int(re.search(r"127\.0\.0\.1:(\d+)", line).group(1))
    yield port
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=15) == 0


def exchange(port: int, payload: bytes, read_timeout: float = 5.0) -> bytes:
    """Sends raw bytes and reads until the server closes or goes quiet."""
    with socket.create_connection(("127.0.0.1", port), timeout=read_timeout) as s:
        s.sendall(payload)
        chunks = []
        s.settimeout(read_timeout)
        try:
            while True:
                data = s.recv(65536)
                if not data:
                    break
                chunks.append(data)
                joined = b"".join(chunks)
                # Stop once a complete response has arrived and the connection stays open.
                if b"\r\n\r\n" in joined and b"Connection: close" not in joined.split(b"\r\n\r\n")[0]:
                    head, _, body = joined.partition(b"\r\n\r\n")
                    m = re.search(rb"Content-Length: (\d+)", head)
                    if m and len(body) >= int(m.group(1)):
                        break
        except socket.timeout:
            pass
        return b"".join(chunks)


def status_of(response: bytes) -> int | None:
    m = re.match(rb"HTTP/1\.1 (\d{3})", response)
    return int(m.group(1)) if m else None


def healthy(port: int) -> bool:
    r = exchange(port, b"GET /__emulator/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
    return status_of(r) == 200


H = b"Host: localhost\r\nContent-Type: application/json\r\n"
AUTH = b"Authorization: Bearer hostile\r\n"
SEARCH = b'{"search_params":{"filters":null}}'

CASES = [
    ("CL and TE together", b"POST /__emulator/reset HTTP/1.1\r\n" + H + b"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
    ("conflicting Content-Length", b"POST /__emulator/reset HTTP/1.1\r\n" + H + b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}x", 400),
    ("Content-Length list with different values", b"POST /__emulator/reset HTTP/1.1\r\n" + H + b"Content-Length: 2, 3\r\n\r\n{}x", 400),
    ("negative Content-Length", b"POST /__emulator/reset HTTP/1.1\r\n" + H + b"Content-Length: -1\r\n\r\n", 400),
    ("Content-Length with sign", b"POST /__emulator/reset HTTP/1.1\r\n" + H + b"Content-Length: +2\r\n\r\n{}", 400),
    ("obs-fold header", b"GET /__emulator/health HTTP/1.1\r\n" + H + b"X-A: a\r\n  folded\r\n\r\n", 400),
    ("bare LF line endings", b"GET /__emulator/health HTTP/1.1\n" + b"Host: x\n\n", 400),
    ("bare CR in head", b"GET /__emulator/health HTTP/1.1\r\nHost: x\rX: y\r\n\r\n", 400),
    ("space before colon", b"GET /__emulator/health HTTP/1.1\r\n" + H + b"Transfer-Encoding : chunked\r\n\r\n", 400),
    ("TE other than chunked", b"POST /__emulator/reset HTTP/1.1\r\n" + H + b"Transfer-Encoding: gzip\r\n\r\n", 400),
    ("TE gzip, chunked", b"POST /__emulator/reset HTTP/1.1\r\n" + H + b"Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501),
    ("TE in HTTP/1.0", b"POST /__emulator/reset HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
    ("chunk extension accepted", b"POST /__emulator/reset HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n2;name=value\r\n{}\r\n0\r\n\r\n", 204),
    ("chunk extension too long", b"POST /__emulator/reset HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n2;" + b"x" * 2000 + b"\r\n{}\r\n0\r\n\r\n", 400),
    ("oversize chunk size", b"POST /__emulator/reset HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n", 400),
    ("chunk size over body limit", b"POST /__emulator/reset HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n200000\r\n", 413),
    ("non-hex chunk size", b"POST /__emulator/reset HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
    ("chunk data without CRLF", b"POST /__emulator/reset HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n2\r\n{}XX0\r\n\r\n", 400),
    ("50 MB declared body", b"POST /__emulator/events HTTP/1.1\r\n" + H + b"Content-Length: 52428800\r\n\r\n", 413),
    ("request line too long", b"GET /" + b"a" * 10000 + b" HTTP/1.1\r\n" + H + b"\r\n", 414),
    ("header line too long", b"GET /__emulator/health HTTP/1.1\r\n" + H + b"X-Long: " + b"a" * 9000 + b"\r\n\r\n", 431),
    ("too many headers", b"GET /__emulator/health HTTP/1.1\r\n" + H + b"".join(b"X-%d: 1\r\n" % i for i in range(150)) + b"\r\n", 431),
    ("header section too large", b"GET /__emulator/health HTTP/1.1\r\n" + H + b"".join(b"X-%d: %s\r\n" % (i, b"a" * 7000) for i in range(10)) + b"\r\n", 431),
    ("NUL in header value", b"GET /__emulator/health HTTP/1.1\r\n" + H + b"X-A: a\x00b\r\n\r\n", 400),
    ("invalid header name", b"GET /__emulator/health HTTP/1.1\r\n" + H + b"X(A): b\r\n\r\n", 400),
    ("raw UTF-8 in target", "GET /__emulator/health/é HTTP/1.1\r\nHost: localhost\r\n\r\n".encode(), 400),
    ("HTTP/2.0 version", b"GET /__emulator/health HTTP/2.0\r\n" + H + b"\r\n", 505),
    ("HTTP/0.9 style request", b"GET /__emulator/health\r\n\r\n", 400),
    ("garbage version", b"GET /__emulator/health HTTP/1.1x\r\n" + H + b"\r\n", 400),
    ("missing Host in HTTP/1.1", b"GET /__emulator/health HTTP/1.1\r\n\r\n", 400),
    ("two Host headers", b"GET /__emulator/health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
    ("HTTP/1.0 without Host", b"GET /__emulator/health HTTP/1.0\r\n\r\n", 200),
    ("absolute-form target", b"GET http://localhost/__emulator/health HTTP/1.1\r\n" + H + b"\r\n", 200),
    ("asterisk-form with GET", b"GET * HTTP/1.1\r\n" + H + b"\r\n", 400),
    ("path traversal", b"GET /v1/observability/../../etc/passwd HTTP/1.1\r\n" + H + AUTH + b"\r\n", 404),
    ("encoded traversal", b"GET /v1/observability/chat-completion-events/%2e%2e%2f%2e%2e%2fetc%2fpasswd HTTP/1.1\r\n" + H + AUTH + b"\r\n", 422),
    ("encoded NUL in id", b"GET /v1/observability/judges/%00 HTTP/1.1\r\n" + H + AUTH + b"\r\n", 422),
    ("unknown method on known path", b"BREW /__emulator/health HTTP/1.1\r\n" + H + b"\r\n", 405),
    ("invalid method token", b"GE(T /__emulator/health HTTP/1.1\r\n" + H + b"\r\n", 400),
    ("Expect other than 100-continue", b"POST /__emulator/reset HTTP/1.1\r\n" + H + b"Expect: 200-ok\r\nContent-Length: 2\r\n\r\n{}", 417),
    ("invalid UTF-8 JSON body", b"POST /v1/observability/chat-completion-events/search HTTP/1.1\r\n" + H + AUTH + b"Content-Length: 6\r\n\r\n{\"\xff\":1}", 422),
    ("deeply nested JSON", b"POST /v1/observability/chat-completion-events/search HTTP/1.1\r\n" + H + AUTH + b"Content-Length: 20000\r\n\r\n" + b"[" * 10000 + b"]" * 10000, 422),
    ("no bearer", b"POST /v1/observability/chat-completion-events/search HTTP/1.1\r\n" + H + b"Content-Length: %d\r\n\r\n" % len(SEARCH) + SEARCH, 401),
    ("empty bearer", b"POST /v1/observability/chat-completion-events/search HTTP/1.1\r\n" + H + b"Authorization: Bearer \r\nContent-Length: %d\r\n\r\n" % len(SEARCH) + SEARCH, 401),
]


@pytest.mark.parametrize("name,payload,expected", CASES, ids=[c[0] for c in CASES])
def test_hostile_request(server, name, payload, expected):
    response = exchange(server, payload)
    assert status_of(response) == expected, (name, response[:300])
    if expected >= 400 and expected != 401 and expected not in (404, 405, 422):
        # Framing errors close the connection after answering.
        assert b"Connection: close" in response.split(b"\r\n\r\n")[0], response[:300]
    assert healthy(server)


def test_pipelined_flood_answered_in_order(server):
    n = 500
    requests = b"".join(b"GET /__emulator/health?i=%d HTTP/1.1\r\nHost: localhost\r\n\r\n" % i for i in range(n))
    with socket.create_connection(("127.0.0.1", server), timeout=10) as s:
        s.sendall(requests + b"GET /__emulator/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(1 << 16)
            if not chunk:
                break
            data += chunk
    assert data.count(b"HTTP/1.1 200 OK") == n + 1


def test_slowloris_headers_get_408(server):
    with socket.create_connection(("127.0.0.1", server), timeout=10) as s:
        s.sendall(b"GET /__emulator/health HTTP/1.1\r\nHost: localhost\r\n")
        started = time.time()
        data = b""
        while time.time() - started < READ_TIMEOUT + 4:
            try:
                s.sendall(b"X-Drip: 1\r\n")
            except OSError:
                break
            s.settimeout(0.5)
            try:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            except socket.timeout:
                continue
    assert status_of(data) == 408, data
    assert healthy(server)


def test_slow_body_gets_408(server):
    with socket.create_connection(("127.0.0.1", server), timeout=10) as s:
        s.sendall(b"POST /__emulator/reset HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n{")
        s.settimeout(READ_TIMEOUT + 4)
        data = s.recv(4096)
    assert status_of(data) == 408, data
    assert healthy(server)


def test_client_vanishing_mid_response(server):
    body = SEARCH
    for _ in range(20):
        s = socket.create_connection(("127.0.0.1", server), timeout=5)
        s.sendall(b"POST /v1/observability/chat-completion-events/search-ids HTTP/1.1\r\nHost: localhost\r\n" + AUTH
                  + b"Content-Length: %d\r\n\r\n" % len(body) + body)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        s.close()  # RST before reading
    # The vanished connections are reaped as their resets arrive; the server then serves again.
    deadline = time.time() + 5
    while time.time() < deadline and not healthy(server):
        time.sleep(0.05)
    assert healthy(server)


def test_expect_continue(server):
    body = b'{"scope":"workspace"}'
    with socket.create_connection(("127.0.0.1", server), timeout=5) as s:
        s.sendall(b"POST /__emulator/reset HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nAuthorization: Bearer w\r\nExpect: 100-continue\r\nContent-Length: %d\r\n\r\n" % len(body))
        interim = s.recv(4096)
        assert interim.startswith(b"HTTP/1.1 100 Continue"), interim
        s.sendall(body)
        final = s.recv(4096)
    assert status_of(final) == 204, final


def test_connection_cap_refuses_cleanly(server):
    held = []
    try:
        for _ in range(MAX_CONNECTIONS):
            c = socket.create_connection(("127.0.0.1", server), timeout=5)
            c.sendall(b"GET /__emulator/health HTTP/1.1\r\nHost: localhost\r\n\r\n")
            assert status_of(c.recv(4096)) == 200
            held.append(c)
        extra = socket.create_connection(("127.0.0.1", server), timeout=5)
        data = extra.recv(4096)
        extra.close()
        assert status_of(data) == 503, data
    finally:
        for c in held:
            c.close()
    deadline = time.time() + 5
    while time.time() < deadline and not healthy(server):
        time.sleep(0.05)
    assert healthy(server)
