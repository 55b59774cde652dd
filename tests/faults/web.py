"""A minimal browser over real HTTP (urllib, own cookie jar) for the gunicorn-backed proofs.

Each `Browser` is one person's device: it logs in through the real forms, keeps its session
cookie, sends the CSRF token the page gave it and records every status code it received.
Redirects are not followed, so a test sees exactly what the server answered to each request.
"""

from __future__ import annotations

import html
import http.cookiejar
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.conftest import CSRF_RE, PASSWORD, totp_code

FLASH_RE = re.compile(r'<div class="notice notice-(\w+)" role="status">(.*?)</div>', re.S)

# Login attempts from one address are limited per minute; these tests log a dozen people in
# from 127.0.0.1 at once, which is not what the limit is about.
SERVER_ENV = {"LOGIN_RATE_LIMIT": "1000 per minute"}


class _KeepEverything(urllib.request.HTTPErrorProcessor):
    """Hand every response back as it is: no redirect following, no exception for 4xx/5xx."""

    def http_response(self, request: Any, response: Any) -> Any:
        return response

    https_response = http_response


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def location(self) -> str:
        return self.headers.get("location", "")

    def flashes(self) -> list[tuple[str, str]]:
        return [(kind, html.unescape(text).strip()) for kind, text in FLASH_RE.findall(self.text)]

    @property
    def plain(self) -> str:
        return html.unescape(self.text)


@dataclass
class Browser:
    base_url: str
    statuses: list[int] = field(default_factory=list)
    csrf: str = ""

    def __post_init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _KeepEverything()
        )
        self._lock = threading.Lock()

    def request(
        self, method: str, path: str, data: dict[str, Any] | None = None, timeout: float = 60
    ) -> Reply:
        body = None
        headers = {"Accept-Language": "it"}
        if data is not None:
            fields = {"csrf_token": self.csrf, **data} if method == "POST" else data
            body = urllib.parse.urlencode(fields, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(  # noqa: S310 (always http://127.0.0.1)
            self.base_url + path, data=body, method=method, headers=headers
        )
        with self.opener.open(request, timeout=timeout) as response:
            reply = Reply(
                response.status,
                {key.lower(): value for key, value in response.headers.items()},
                response.read().decode("utf-8", errors="replace"),
            )
        with self._lock:
            self.statuses.append(reply.status)
        match = CSRF_RE.search(reply.text)
        if match:
            self.csrf = match.group(1)
        return reply

    def get(self, path: str, timeout: float = 60) -> Reply:
        return self.request("GET", path, timeout=timeout)

    def post(self, path: str, data: dict[str, Any] | None = None, timeout: float = 60) -> Reply:
        return self.request("POST", path, data or {}, timeout=timeout)

    def login(self, email: str, *, totp_offset: int = 0) -> None:
        """Log in through the real forms (with the second step for managers)."""
        self.get("/login")
        reply = self.post("/login", {"email": email, "password": PASSWORD})
        assert reply.status == 302, (email, reply.status, reply.plain[:800])
        if reply.location.endswith("/login/codice"):
            self.get("/login/codice")
            reply = self.post("/login/codice", {"code": totp_code(offset=totp_offset)})
            assert reply.status == 302, (email, reply.status, reply.plain[:800])
        self.get("/")  # a fresh CSRF token for the new session


def start_together(tasks: list[Any]) -> Callable[[float], list[Any]]:
    """Start the callables in threads released at the same moment; returns `join(timeout)`,
    which waits for them, re-raises the first error and returns their results in order."""
    barrier = threading.Barrier(len(tasks))
    results: list[Any] = [None] * len(tasks)
    errors: list[BaseException] = []

    def runner(index: int, task: Any) -> None:
        try:
            barrier.wait()
            results[index] = task()
        except BaseException as error:  # reported by join()
            errors.append(error)

    threads = [threading.Thread(target=runner, args=pair, daemon=True) for pair in enumerate(tasks)]
    for thread in threads:
        thread.start()

    def join(timeout: float = 120) -> list[Any]:
        deadline = time.monotonic() + timeout
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        assert not any(thread.is_alive() for thread in threads), "a client hung"
        if errors:
            raise errors[0]
        return results

    return join


def run_together(tasks: list[Any], timeout: float = 120) -> list[Any]:
    """Run the callables in threads released at the same moment; re-raise the first error."""
    return start_together(tasks)(timeout)


def emails_of(app: Any, *user_ids: int) -> list[str]:
    from elearn.extensions import db
    from elearn.models import User

    with app.app_context():
        return [db.session.get(User, user_id).email for user_id in user_ids]


def urlerror_types() -> tuple[type[BaseException], ...]:
    return (urllib.error.URLError, ConnectionError, TimeoutError)
