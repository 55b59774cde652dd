"""Shared fixtures: the app on SQLite or PostgreSQL, clients, users, a real SMTP server."""

from __future__ import annotations

import os
import re
import shutil
import socket
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from elearn import create_app
from elearn.extensions import db

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# --- test-only speed-ups (no behaviour changes; see each docstring) ----------------------------

# Password hashes made during tests: the production algorithm (werkzeug's scrypt) with a small
# work factor. Production's 32768 costs ~0.2-0.5 s per hash and per login check; the suite makes
# thousands. tests/security/test_password_hasher.py checks the production parameters unpatched.
TEST_PASSWORD_HASH_METHOD = "scrypt:256:8:1"


def _cheap_password_hashing() -> None:
    import functools

    from elearn.auth import services

    real = services.generate_password_hash
    if getattr(real, "_test_cheap", False):
        return
    cheap = functools.partial(real, method=TEST_PASSWORD_HASH_METHOD)
    cheap._test_cheap = True  # type: ignore[attr-defined]
    cheap._real = real  # type: ignore[attr-defined]
    cheap._real_dummy = getattr(services, "_DUMMY_HASH", None)  # type: ignore[attr-defined]
    services.generate_password_hash = cheap
    if hasattr(services, "_DUMMY_HASH"):  # checked when the e-mail is unknown
        services._DUMMY_HASH = cheap("not-a-real-password-at-all")


def _memoise_url_builders() -> None:
    """Every create_app compiles ~350 URL-builder functions from Python ASTs (werkzeug
    Rule._compile_builder), most of an app factory's cost. The code depends only on the rule
    (its trace, defaults and converter types), not on the app: compile each once per process
    and hand the same function to every app's identical rule."""
    from werkzeug.routing.rules import Rule

    original = Rule._compile_builder
    if getattr(original, "_test_memo", False):
        return
    cache: dict[Any, Any] = {}

    def compile_builder(self: Any, append_unknown: bool = True) -> Any:
        try:
            key = (
                self.rule,
                append_unknown,
                tuple(self._trace),
                tuple(sorted((str(k), repr(v)) for k, v in (self.defaults or {}).items())),
                tuple(sorted((k, type(c).__qualname__) for k, c in self._converters.items())),
            )
            hash(key)
        except Exception:  # noqa: BLE001 - anything unusual: compile as werkzeug does
            return original(self, append_unknown)
        if key not in cache:
            cache[key] = original(self, append_unknown)
        return cache[key]

    compile_builder._test_memo = True  # type: ignore[attr-defined]
    Rule._compile_builder = compile_builder  # type: ignore[method-assign]


def _share_template_bytecode() -> None:
    """Each app has its own Jinja environment, so each test's app parsed and compiled every
    template again. One in-memory bytecode cache for all of them (keyed by template name and a
    checksum of its source, so an edited template is compiled again)."""
    import flask
    from jinja2 import BytecodeCache

    class MemoryBytecodeCache(BytecodeCache):
        def __init__(self) -> None:
            self.store: dict[str, bytes] = {}

        def load_bytecode(self, bucket: Any) -> None:
            if bucket.key in self.store:
                bucket.bytecode_from_string(self.store[bucket.key])

        def dump_bytecode(self, bucket: Any) -> None:
            self.store[bucket.key] = bucket.bytecode_to_string()

    original = flask.Flask.create_jinja_environment
    if getattr(original, "_test_shared", False):
        return
    shared = MemoryBytecodeCache()

    def create_jinja_environment(self: Any) -> Any:
        environment = original(self)
        if environment.bytecode_cache is None:
            environment.bytecode_cache = shared
        return environment

    create_jinja_environment._test_shared = True  # type: ignore[attr-defined]
    flask.Flask.create_jinja_environment = create_jinja_environment  # type: ignore[method-assign]


_cheap_password_hashing()
_memoise_url_builders()
_share_template_bytecode()
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
PASSWORD = "correct horse battery staple"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret: str = TOTP_SECRET, offset: int = 0) -> str:
    import time

    import pyotp

    return pyotp.TOTP(secret).at(time.time() + offset)


def skip_or_fail(reason: str) -> None:
    """Skip locally when a tool is missing; under CI a missing tool is a failure."""
    if IN_CI:
        pytest.fail(f"required under CI: {reason}")
    pytest.skip(reason)


CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


class CsrfClient(FlaskClient):
    """A test client that adds a valid CSRF token to form posts, like a browser would."""

    def csrf_token(self) -> str:
        page = super().get("/", follow_redirects=True).get_data(as_text=True)
        match = CSRF_RE.search(page)
        assert match, "no CSRF token on the home page"
        return match.group(1)

    def post(self, *args: Any, csrf: bool = True, **kwargs: Any) -> Any:
        data = kwargs.get("data")
        if csrf and isinstance(data, dict) and "csrf_token" not in data and "json" not in kwargs:
            kwargs["data"] = {**data, "csrf_token": self.csrf_token()}
        return super().post(*args, **kwargs)


BASE_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
    "RATELIMIT_ENABLED": False,
    "SESSION_COOKIE_SECURE": False,
    "REPORT_CACHE_SECONDS": 0,
    "SERVER_NAME": None,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
}


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One schema built once; each test gets a copy of the file (fast and isolated)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return path


def drop_database(admin: Any, name: str) -> None:
    """Drop a throwaway test database. An autovacuum worker (run as superuser) may hold it for
    a moment and cannot be terminated by our role: retry briefly, then leave it behind."""
    import time

    from sqlalchemy.exc import DBAPIError

    for attempt in range(10):
        try:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except DBAPIError:
            time.sleep(0.5 * (attempt + 1))  # waiting for autovacuum to finish, not timing a test


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    if not TEST_DATABASE_URL:
        skip_or_fail("TEST_DATABASE_URL is not set (PostgreSQL tests)")
    name = f"elearn_test_{uuid.uuid4().hex[:8]}"
    admin = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = TEST_DATABASE_URL.rsplit("/", 1)[0] + "/" + name
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    yield url
    drop_database(admin, name)
    admin.dispose()


def _truncate_all(app: Flask) -> None:
    """Empty every table and restart every id sequence, as TRUNCATE ... RESTART IDENTITY
    CASCADE of all tables would. That TRUNCATE costs about a second (it rewrites all ~60
    tables); a test fills only a few, so find those in one query, DELETE their rows children
    first, and set every sequence back to 1: a few milliseconds."""
    from sqlalchemy.exc import DBAPIError

    with app.app_context():
        tables = list(db.metadata.sorted_tables)
        probe = " UNION ALL ".join(
            f'SELECT {i} WHERE EXISTS (SELECT 1 FROM "{t.name}")' for i, t in enumerate(tables)
        )
        used = {row[0] for row in db.session.execute(text(probe))}
        try:
            for i in sorted(used, reverse=True):
                db.session.execute(tables[i].delete())
            db.session.execute(
                text("SELECT setval(c.oid, 1, false) FROM pg_class c WHERE c.relkind = 'S'")
            )
            db.session.commit()
        except DBAPIError:  # a cycle of foreign keys among the rows: the slow, sure way
            db.session.rollback()
            names = ", ".join(f'"{t.name}"' for t in tables)
            db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            db.session.commit()


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if backend == "postgres":
        return request.getfixturevalue("postgres_url")
    template = request.getfixturevalue("sqlite_template")
    target = tmp_path / "test.sqlite3"
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def app(database_url: str, tmp_path: Path, backend: str) -> Iterator[Flask]:
    application = create_app(
        {**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_PATH": str(tmp_path)}
    )
    application.test_client_class = CsrfClient
    yield application
    with application.app_context():
        db.session.remove()
        if backend == "postgres":
            _truncate_all(application)
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> CsrfClient:
    return app.test_client()  # type: ignore[return-value]


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def make_org(app: Flask) -> Callable[..., Any]:
    from elearn.models import Organization, SocialPoint

    counter = {"n": 0}

    def factory(name: str | None = None, invite_code: str | None = None) -> Any:
        counter["n"] += 1
        n = counter["n"]
        with app.app_context():
            org = Organization(
                name=name or f"Cooperativa {n}",
                slug=f"coop-{n}",
                invite_code=invite_code or f"INVITE{n:04d}",
            )
            org.social_points = [SocialPoint(name=f"Punto {n}", address=f"Via Roma {n}, Milano")]
            db.session.add(org)
            db.session.commit()
            return org.id

    return factory


@pytest.fixture
def make_user(app: Flask, make_org: Callable[..., Any]) -> Callable[..., Any]:
    from elearn.auth.services import hash_password
    from elearn.models import Organization, User

    counter = {"n": 0}
    default_org: dict[str, int] = {}
    password_hash = hash_password(PASSWORD)

    def factory(
        *roles: str,
        email: str | None = None,
        org_id: int | None = None,
        managed: list[int] | None = None,
        language: str = "it",
        name: str | None = None,
        consent: bool | None = False,
    ) -> Any:
        """A user; workers have already made their first privacy choice unless consent=None."""
        counter["n"] += 1
        roles = roles or ("worker",)
        if org_id is None and ("worker" in roles or "manager" in roles):
            if "id" not in default_org:
                default_org["id"] = make_org()
            org_id = default_org["id"]
        with app.app_context():
            user = User(
                email=email or f"user{counter['n']}@example.org",
                full_name=name or f"Persona Prova{counter['n']}",
                password_hash=password_hash,
                language=language,
                organization_id=org_id if "worker" in roles else None,
            )
            user.set_roles(set(roles))
            if "manager" in roles or "admin" in roles:
                user.totp_secret = TOTP_SECRET
            if "manager" in roles:
                ids = managed or [org_id]
                user.managed_organizations = [db.session.get(Organization, i) for i in ids]
            db.session.add(user)
            db.session.flush()
            if "worker" in roles and consent is not None:
                from elearn.models import ConsentRecord

                user.shares_progress = consent
                db.session.add(
                    ConsentRecord(
                        user_id=user.id,
                        kind="progress_sharing",
                        granted=consent,
                        text_version="test",
                    )
                )
            db.session.commit()
            return user.id

    return factory


@pytest.fixture
def login(client: CsrfClient, app: Flask) -> Callable[[int], Any]:
    from elearn.models import User

    def do_login(user_id: int, target: CsrfClient | None = None) -> Any:
        with app.app_context():
            email = db.session.get(User, user_id).email
        browser = target or client
        response = browser.post("/login", data={"email": email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        if response.headers["Location"] == "/login/codice":
            # A code works once: take a neighbouring time step if this one was used already.
            for offset in (0, 30, -30):
                response = browser.post("/login/codice", data={"code": totp_code(offset=offset)})
                if response.status_code == 302:
                    break
            assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    return do_login


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpSink:
    """A real SMTP server on localhost that keeps what it receives."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[Any] = []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


@pytest.fixture
def smtp_server() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def course(app: Flask) -> str:
    """The small published test course `prova` (tests/learning/fixtures)."""
    from elearn.authoring.services import import_courses
    from tests.learning.access import FIXTURES

    with app.app_context():
        report = import_courses(FIXTURES)
        assert report.ok, report.errors
    return "prova"
