"""Misbehaving HTTP servers on 127.0.0.1 for the fault tests: each connection gets a
scripted answer written on the raw socket (a status that echoes the request's headers,
a redirect, silence, a trickle, a close in the middle of the body, bytes that are not
HTTP), and every request is recorded with its headers, so a test can check what
reached which server."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

SECRET_TOKEN = "tok-9f2c-SECRET-bearer"
SECRET_USER, SECRET_PASSWORD = "ann", "pw-5e1d-SECRET-basic"


@dataclass
class Request:
    method: str
    target: str
    headers: dict[str, str]
    head: bytes
    body: bytes = b""


@dataclass
class RawServer:
    """A server on a free 127.0.0.1 port that answers each request with ``handler``."""

    handler: Callable[[socket.socket, Request, RawServer], None]
    read_body: bool = True
    requests: list[Request] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                connection, _ = self.listener.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        connection.settimeout(30)
        try:
            request = self._read(connection)
            if request is not None:
                self.requests.append(request)
                self.handler(connection, request, self)
        except OSError:
            pass  # the client went away: that is what some tests do
        finally:
            connection.close()

    def _read(self, connection: socket.socket) -> Request | None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = connection.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        length = int(headers.get("content-length", 0))
        while self.read_body and len(body) < length:
            chunk = connection.recv(65536)
            if not chunk:
                break
            body += chunk
        return Request(method, target, headers, head, body)

    def close(self) -> None:
        self.stop.set()
        self.listener.close()


def respond(connection: socket.socket, status: str, headers: dict[str, str] | None = None, body: bytes = b"") -> None:
    lines = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", "Connection: close",
             *(f"{k}: {v}" for k, v in (headers or {}).items())]
    connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)


def answer(status: str, body: bytes = b"", **headers: str) -> Callable:
    def handle(connection, request, server) -> None:
        respond(connection, status, {k.replace("_", "-"): v for k, v in headers.items()}, body)
    return handle


def echo_headers(status: str, **headers: str) -> Callable:
    """Answer ``status`` with the request's head as the body, as some stores' error
    pages do (the credential in it, and an escape sequence to colour a terminal)."""
    def handle(connection, request, server) -> None:
        body = b"<html><body><pre>\x1b[31m" + request.head + b"</pre></body></html>"
        respond(connection, status, {"Content-Type": "text/html", **{k.replace("_", "-"): v for k, v in headers.items()}},
                body)
    return handle


def challenge_then(then: Callable, challenge: str = 'Basic realm="kg"') -> Callable:
    """Ask for credentials (401 with a challenge) until they come, then ``then``."""
    def handle(connection, request, server) -> None:
        if "authorization" in request.headers:
            then(connection, request, server)
        else:
            respond(connection, "401 Unauthorized", {"WWW-Authenticate": challenge})
    return handle


def redirect(status: str, to: Callable[[Request], str]) -> Callable:
    def handle(connection, request, server) -> None:
        respond(connection, status, {"Location": to(request)})
    return handle


def silence(connection, request, server) -> None:
    """Take the request and say nothing until the test ends."""
    server.stop.wait(60)


def trickle(prefix: bytes = b"", interval: float = 0.2) -> Callable:
    """Send ``prefix``, then a byte every ``interval`` seconds, forever."""
    def handle(connection, request, server) -> None:
        connection.sendall(prefix)
        while not server.stop.wait(interval):
            connection.sendall(b"x")
    return handle


def close_mid_body(connection, request, server) -> None:
    connection.sendall(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 1000\r\n\r\nthe first bytes")


def not_http(connection, request, server) -> None:
    connection.sendall(b"\x00\xffSSH-2.0-OpenSSH\r\n\r\n")
