"""An HTTP client for a triple store's endpoint that keeps its credentials to the
endpoint's origin and every wait within a deadline.

- **Credentials stay with their origin** (RFC 6454 §4: scheme, host, port): the
  bearer token, and the Basic (RFC 7617) or Digest (RFC 7616) answer, go only on
  requests to the endpoint's origin. A redirect elsewhere is followed without them
  (curl without ``--location-trusted`` and requests do the same), and a challenge
  from another origin is not answered.
- **Nothing a server says shows a credential**: :func:`redact` takes out the secrets
  (and their Base64 and percent-encoded forms), ``Authorization`` header lines and
  ``Bearer``/``Basic``/``Digest`` values from any text a server chose.
- **Every wait ends by a deadline**: name resolution, connecting, sending and each
  read get the time left as their timeout, and a watchdog shuts the socket down when
  the deadline passes, so a server that trickles a byte every few seconds is cut off
  too. Answers are read up to a bounded size.

Redirects (RFC 9110 §15.4): HEAD and GET follow any redirect; PUT follows 307 and 308
(which keep the method and body), at most :data:`MAX_REDIRECTS`. Proxies from the
environment (``HTTP_PROXY``) are not used: kg connects to the endpoint directly.
"""

from __future__ import annotations

import base64
import http.client
import re
import socket
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

MAX_REDIRECTS = 5
ANSWER_LIMIT = 64 * 1024
"""Bytes of an answer kept (a Graph Store answers a PUT with a status and a few words)."""
SEND_CHUNK = 1 << 20
REDACTED = "[redacted]"


class Credentials(BaseModel):
    """What the environment gives to authenticate with: a bearer token, or a user and
    password for the server's Basic or Digest challenge."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    token: str | None = None
    user: str | None = None
    password: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Credentials:
        return cls(token=env.get("KG_STORE_TOKEN") or None, user=env.get("KG_STORE_USER") or None,
                   password=env.get("KG_STORE_PASSWORD") or None)

    def secrets(self) -> list[str]:
        """Every form in which a credential could come back in a server's text."""
        found = [self.token, self.password]
        if self.user and self.password:
            pair = f"{self.user}:{self.password}".encode()
            encoded = base64.b64encode(pair).decode("ascii")
            found += [pair.decode(), encoded, encoded.rstrip("="), base64.urlsafe_b64encode(pair).decode("ascii")]
        found += [urllib.parse.quote(s, safe="") for s in list(found) if s]
        return sorted({s for s in found if s}, key=len, reverse=True)


def redact(text: str, secrets: list[str]) -> str:
    """``text`` (from a server) without anything that could be a credential."""
    text = re.sub(r"(?i)(proxy-)?authorization\b[^\r\n]*", "Authorization: " + REDACTED, text)
    text = re.sub(r"(?i)\b(bearer|basic|digest)\s+[^\r\n]*", r"\1 " + REDACTED, text)
    for secret in secrets:  # in any case: a server may echo a header upper-cased
        text = re.sub(re.escape(secret), REDACTED, text, flags=re.IGNORECASE)
    return text


@dataclass(frozen=True)
class Deadline:
    """A moment (``time.monotonic``) by which a wait must end, and the option that set it."""

    at: float
    seconds: float
    option: str

    @classmethod
    def after(cls, seconds: float, option: str) -> Deadline:
        return cls(time.monotonic() + seconds, seconds, option)

    def remaining(self) -> float:
        return self.at - time.monotonic()


def earliest(*deadlines: Deadline) -> Deadline:
    return min(deadlines, key=lambda d: d.at)


class RequestFailed(Exception):
    """A request that got no usable answer: why, in words, whether another try may
    succeed, and the deadline that ran out, if one did."""

    def __init__(self, reason: str, transient: bool = False, deadline: Deadline | None = None):
        super().__init__(reason)
        self.reason, self.transient, self.deadline = reason, transient, deadline


@dataclass(frozen=True)
class Answer:
    """A server's answer: status, reason phrase, headers, the start of the body, the URL
    that gave it and whether that URL is of the endpoint's origin."""

    status: int
    reason: str
    headers: http.client.HTTPMessage
    body: bytes
    url: str
    same_origin: bool


def origin(url: str) -> tuple[str, str, int]:
    """The origin of an http(s) URL (RFC 6454 §4): scheme, host, port."""
    parts = urllib.parse.urlsplit(url)
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port or (443 if parts.scheme == "https" else 80)


Sent = Callable[[int], None]
"""Told how many bytes of a request's body have been sent so far."""


class StoreClient:
    """Requests to one endpoint, authenticated only towards its origin."""

    def __init__(self, endpoint: str, credentials: Credentials, user_agent: str):
        self.endpoint, self.credentials, self.user_agent = endpoint, credentials, user_agent
        self.origin = origin(endpoint)
        self.secrets = credentials.secrets()
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        scheme, host, port = self.origin
        passwords.add_password(None, f"{scheme}://{host}:{port}/", credentials.user, credentials.password)
        self._digest = urllib.request.HTTPDigestAuthHandler(passwords)  # computes Digest answers
        self._scheme: str | None = None  # "basic" or "digest", once the server asked
        self._challenge: dict[str, str] = {}

    def request(self, method: str, url: str, deadline: Deadline, body: bytes | None = None,
                headers: Mapping[str, str] | None = None, sent: Sent | None = None,
                limit: int = ANSWER_LIMIT) -> Answer:
        """Send a request, answering the origin's challenge once and following redirects;
        the final answer whatever its status (its body up to ``limit`` bytes), or RequestFailed."""
        answered_challenge = False
        for _ in range(MAX_REDIRECTS + 1):
            same_origin = origin(url) == self.origin
            answer = _exchange(method, url, deadline, body, self._headers(method, url, body, headers, same_origin),
                               sent, same_origin, limit)
            if answer.status == 401 and same_origin and not answered_challenge and self._take_challenge(answer):
                answered_challenge = True
                continue
            target = answer.headers.get("Location")
            if not target or not _follows(method, answer.status):
                return answer
            url = self._redirect_target(url, target)
        raise RequestFailed(f"more than {MAX_REDIRECTS} redirects")

    def _redirect_target(self, url: str, target: str) -> str:
        """The absolute http(s) URL a ``Location`` names (RFC 9110 §10.2.2)."""
        try:
            resolved = urllib.parse.urljoin(url, target)
            usable = urllib.parse.urlsplit(resolved).scheme in ("http", "https") and origin(resolved)[1]
        except ValueError:  # a bracketed host that does not close, a port that is not a number
            usable = False
        if not usable:
            raise RequestFailed(f"redirected to {redact(target, self.secrets)!r}, which is not an http(s) URL kg can use")
        return resolved

    def _headers(self, method: str, url: str, body: bytes | None, extra: Mapping[str, str] | None,
                 same_origin: bool) -> dict[str, str]:
        headers = {"User-Agent": self.user_agent, **(extra or {})}
        if body is not None:
            headers["Content-Length"] = str(len(body))
        authorization = self._authorization(method, url, body) if same_origin else None
        if authorization:
            headers["Authorization"] = authorization
        return headers

    def _authorization(self, method: str, url: str, body: bytes | None) -> str | None:
        user, password = self.credentials.user, self.credentials.password
        if self.credentials.token:
            return f"Bearer {self.credentials.token}"
        if not (user and password):
            return None
        if self._scheme == "basic":
            return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        if self._scheme == "digest":
            try:
                answer = self._digest.get_authorization(urllib.request.Request(url, data=body, method=method),
                                                        self._challenge)
            except (urllib.error.URLError, ValueError):  # a qop other than auth, an unknown algorithm
                return None
            return f"Digest {answer}" if answer else None
        return None

    def _take_challenge(self, answer: Answer) -> bool:
        """Whether to ask again, with credentials, after this 401 (RFC 9110 §11.6.1):
        a user and password, and a Basic or Digest challenge (a 401 without one, as
        some stores send, gets Basic); not a second time unless only the nonce went stale."""
        if self.credentials.token or not (self.credentials.user and self.credentials.password):
            return False
        challenge = answer.headers.get("WWW-Authenticate") or "Basic"
        scheme, _, params = challenge.partition(" ")
        try:
            fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(params)) if params else {}
        except ValueError:  # a parameter without a value: no Digest answer can be made
            fields = {}
        stale = fields.get("stale", "").lower() == "true"
        if scheme.lower() not in ("basic", "digest") or (self._scheme is not None and not stale):
            return False
        self._scheme, self._challenge = scheme.lower(), fields
        return True


def _follows(method: str, status: int) -> bool:
    if method in ("HEAD", "GET"):
        return status in (301, 302, 303, 307, 308)
    return status in (307, 308)


class _Watchdog:
    """Shuts a connection's socket down when the deadline passes, so that a read or a
    write blocked on it returns at once."""

    def __init__(self, deadline: Deadline):
        self.fired = False
        self._socket: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(deadline.remaining(), 0.0), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._socket = sock
            if self.fired:
                self._shut()

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            self._shut()

    def _shut(self) -> None:
        if self._socket is not None:
            try:  # the plain socket's shutdown, also under TLS: it ends a blocked read
                socket.socket.shutdown(self._socket, socket.SHUT_RDWR)
            except OSError:
                pass  # already closed

    def cancel(self) -> None:
        self._timer.cancel()


def _exchange(method: str, url: str, deadline: Deadline, body: bytes | None, headers: dict[str, str],
              sent: Sent | None, same_origin: bool, limit: int = ANSWER_LIMIT) -> Answer:
    """One request and its answer on a fresh connection, within the deadline."""
    if deadline.remaining() <= 0:
        raise RequestFailed("deadline", deadline=deadline)
    watchdog = _Watchdog(deadline)
    connection = None
    try:
        connection = _connect(url, deadline, watchdog)
        parts = urllib.parse.urlsplit(url)
        connection.putrequest(method, urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, "")),
                              skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        try:
            connection.endheaders()
            for offset in range(0, len(body or b""), SEND_CHUNK):
                connection.send(body[offset:offset + SEND_CHUNK])  # type: ignore[index]
                if sent:
                    sent(min(offset + SEND_CHUNK, len(body)))  # type: ignore[arg-type]
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may have answered before taking the whole body: read it
        response = connection.getresponse()
        data = _read_limited(response, limit)
        watchdog.cancel()
        if watchdog.fired:  # the socket was cut: what was read may end anywhere
            raise RequestFailed("deadline", deadline=deadline)
        return Answer(response.status, response.reason, response.headers, data, url, same_origin)
    except Exception as exc:  # noqa: BLE001 - every failure of the exchange becomes one RequestFailed
        failure = _failure(exc, watchdog, deadline)
        if failure is None:  # a bug of kg's, not a fault of the server's
            raise
        raise failure from None
    finally:
        watchdog.cancel()
        if connection is not None:
            connection.close()


def _read_limited(response: http.client.HTTPResponse, limit: int = ANSWER_LIMIT) -> bytes:
    """The body, up to ``limit`` bytes; IncompleteRead if the connection ends before the
    length the server announced (``read(amt)`` only says so by a short read)."""
    chunks, size = [], 0
    while size < limit:
        chunk = response.read(limit - size)
        if not chunk:
            if response.length:  # bytes announced and never sent
                raise http.client.IncompleteRead(b"".join(chunks), response.length)
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _connect(url: str, deadline: Deadline, watchdog: _Watchdog) -> http.client.HTTPConnection:
    parts = urllib.parse.urlsplit(url)
    host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
    sock = _open_socket(_resolve(host, port, deadline), deadline, watchdog)
    if parts.scheme == "https":
        sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
        watchdog.watch(sock)
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(host, port)
    else:
        connection = http.client.HTTPConnection(host, port)
    connection.sock = sock
    return connection


def _open_socket(addresses: list[tuple], deadline: Deadline, watchdog: _Watchdog) -> socket.socket:
    """A socket connected to the first address that takes the connection."""
    error: OSError = OSError("no address")
    for family, kind, proto, _, address in addresses:
        sock = socket.socket(family, kind, proto)
        watchdog.watch(sock)
        sock.settimeout(max(deadline.remaining(), 0.001))
        try:
            sock.connect(address)
            return sock
        except OSError as exc:
            sock.close()
            error = exc
            if watchdog.fired:
                break
    raise error


def _resolve(host: str, port: int, deadline: Deadline) -> list[tuple]:
    """The host's addresses; a resolver that does not answer in time is left behind."""
    found: dict[str, object] = {}

    def resolve() -> None:
        try:
            found["addresses"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            found["error"] = exc
    worker = threading.Thread(target=resolve, daemon=True)
    worker.start()
    worker.join(max(deadline.remaining(), 0.0))
    if "error" in found:
        raise found["error"]  # type: ignore[misc]
    if "addresses" not in found:
        raise TimeoutError("name resolution")
    return found["addresses"]  # type: ignore[return-value]


def _failure(exc: BaseException, watchdog: _Watchdog, deadline: Deadline) -> RequestFailed | None:
    """What went wrong, in words; the deadline when it ran out first; None for an
    exception no server or network explains."""
    if isinstance(exc, RequestFailed):
        return exc
    if isinstance(exc, http.client.InvalidURL):
        return RequestFailed(f"cannot be asked for this URL ({' '.join(str(exc).split())})")
    if watchdog.fired or isinstance(exc, TimeoutError) or deadline.remaining() <= 0:
        return RequestFailed("deadline", deadline=deadline)
    if isinstance(exc, ConnectionRefusedError):
        return RequestFailed("connection refused")
    if isinstance(exc, http.client.RemoteDisconnected):
        return RequestFailed("closed the connection without answering", transient=True)
    if isinstance(exc, http.client.IncompleteRead):
        return RequestFailed("closed the connection in the middle of its answer", transient=True)
    if isinstance(exc, (ConnectionResetError, ConnectionAbortedError, BrokenPipeError)):
        return RequestFailed("the connection was reset", transient=True)
    if isinstance(exc, socket.gaierror):
        return RequestFailed(f"cannot resolve the host name ({exc.strerror})")
    if isinstance(exc, ssl.SSLError):
        return RequestFailed(f"TLS failed: {' '.join(str(exc).split())}")
    if isinstance(exc, http.client.HTTPException):
        return RequestFailed(f"did not answer in HTTP ({type(exc).__name__})")
    if isinstance(exc, OSError):
        return RequestFailed(' '.join((exc.strerror or str(exc)).split()) or type(exc).__name__)
    if isinstance(exc, (ValueError, UnicodeError)):  # its message may quote a header: not shown
        return RequestFailed(f"the request could not be made ({type(exc).__name__})")
    return None
