"""A populated app for the security tests, and the forms each role can see on its pages.

`build_world` fills an app with one person per role (logged in, managers and admins through
TOTP), the sample objects of the access matrix (tests/<domain>/access.py) and a few more that
some forms only show with (a second free slot, an erasure request, a password-reset token, a
half-finished two-factor login). `crawl_forms` opens every GET page each role may open and
reads every <form> on it, so the fuzzer posts the fields the pages really offer.

On SQLite the world is built once and copied for each test (`snapshot` / `restore`): the
database file and the session cookies together keep everyone logged in.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

from flask import Flask
from sqlalchemy import select, text
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from elearn import create_app
from elearn.extensions import db
from tests.access import GUEST, PUBLIC, ROLES, all_rules, extra_sample_values
from tests.conftest import BASE_CONFIG, CSRF_RE, PASSWORD, TOTP_SECRET, CsrfClient, totp_code

ACCESS = all_rules()
STRONG_PASSWORD = "a long and quite unusual passphrase 42"


# --- forms found on pages -------------------------------------------------------------------


@dataclass
class FieldInfo:
    """One named control of a form; inputs sharing a name (radios, checkboxes) are merged."""

    name: str
    kind: str  # text, textarea, hidden, select, radio, checkbox, file, number, date, time, ...
    values: list[str] = field(default_factory=list)  # options, or the value shown
    multiple: bool = False


@dataclass
class Form:
    method: str
    action: str  # path and query the form sends to
    endpoint: str
    page: str  # the page the form was found on
    fields: dict[str, FieldInfo] = field(default_factory=dict)

    def merge(self, other: Form) -> None:
        for name, info in other.fields.items():
            mine = self.fields.setdefault(name, FieldInfo(name, info.kind, [], info.multiple))
            mine.values.extend(v for v in info.values if v not in mine.values)


class _FormParser(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[tuple[str, str, dict[str, FieldInfo]]] = []
        self._current: dict[str, FieldInfo] | None = None
        self._select: FieldInfo | None = None
        self._textarea: FieldInfo | None = None

    def _add(self, name: str, kind: str, value: str | None, multiple: bool = False) -> None:
        if self._current is None or not name:
            return
        info = self._current.setdefault(name, FieldInfo(name, kind, [], multiple))
        if kind == "checkbox" and info.kind == "checkbox" and info.values:
            info.multiple = True
        if value is not None and value not in info.values:
            info.values.append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            action = urljoin(self.page_url, a.get("action") or self.page_url)
            self.forms.append((a.get("method", "get").lower(), action, {}))
            self._current = self.forms[-1][2]
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "reset", "image") and "name" not in a:
                return
            self._add(a.get("name", ""), kind, a.get("value", "" if kind != "file" else None))
        elif tag == "button" and a.get("name"):
            self._add(a["name"], "submit", a.get("value", ""))
        elif tag == "textarea" and self._current is not None and a.get("name"):
            self._add(a["name"], "textarea", None)
            self._textarea = self._current[a["name"]]
            self._textarea.values.append("")
        elif tag == "select" and self._current is not None and a.get("name"):
            self._add(a["name"], "select", None, multiple="multiple" in a)
            self._select = self._current[a["name"]]
        elif tag == "option" and self._select is not None:
            value = a.get("value")
            if value is not None and value not in self._select.values:
                self._select.values.append(value)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.values[-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            # a browser drops the newline right after <textarea>
            value = self._textarea.values.pop()
            value = value.removeprefix("\r\n").removeprefix("\n")
            if value not in self._textarea.values:
                self._textarea.values.append(value)
            self._textarea = None
        elif tag == "form":
            self._current = None
        elif tag == "select":
            self._select = None


def forms_on_page(app: Flask, page_url: str, html: str) -> list[Form]:
    parser = _FormParser("http://localhost" + page_url)
    parser.feed(html)
    found = []
    adapter = app.url_map.bind("localhost")
    for method, action, fields in parser.forms:
        parts = urlsplit(action)
        if parts.netloc not in ("", "localhost"):
            continue
        try:
            endpoint, _args = adapter.match(parts.path, method=method.upper())
        except (NotFound, MethodNotAllowed, RequestRedirect):
            continue
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        found.append(Form(method, target, endpoint, page_url, fields))
    return found


# --- routes and roles -----------------------------------------------------------------------


def allowed_roles(endpoint: str) -> tuple[str, ...]:
    """The roles the access matrix lets use an endpoint (anonymous first for public ones);
    none for a route without a rule (test_access_matrix.py reports it)."""
    rule = ACCESS.get(endpoint)
    if rule is None:
        return ()
    if rule == GUEST:
        return ("anonymous",)
    if rule == PUBLIC:
        return ROLES
    return tuple(rule)  # type: ignore[arg-type]


def fill_url(rule: Any, values: dict[str, Any]) -> str:
    url = rule.rule
    for name in rule.arguments:
        for pattern in (f"<{name}>", f"<int:{name}>", f"<path:{name}>"):
            url = url.replace(pattern, str(values[name]))
    return url


def routes(app: Flask, method: str) -> list[tuple[str, str]]:
    """(endpoint, rule) for every route answering `method`, sorted; the url map is the truth."""
    return sorted(
        (rule.endpoint, rule.rule)
        for rule in app.url_map.iter_rules()
        if method in (rule.methods or ())
    )


_QUERY_NAME = re.compile(r"""(?:request\.args|args)(?:\.get|\[)\(?\s*["']([\w-]+)["']""")


def source_query_names(path: Path) -> set[str]:
    """Query parameter names a module reads (request.args.get("x") and friends)."""
    return set(_QUERY_NAME.findall(path.read_text(encoding="utf-8")))


SOURCE_QUERY_NAMES: set[str] = set().union(
    *(source_query_names(p) for p in (Path(__file__).resolve().parents[2] / "elearn").rglob("*.py"))
)


def url_map_app() -> Flask:
    """An app only for reading its url map (at collection time, no database touched)."""
    return create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


# --- the world ------------------------------------------------------------------------------


@dataclass
class World:
    values: dict[str, Any]
    people: dict[str, int]
    emails: dict[str, str]
    invite_code: str
    clients: dict[str, CsrfClient] = field(default_factory=dict)
    csrf: dict[str, str] = field(default_factory=dict)
    forms: dict[tuple[str, str], Form] = field(default_factory=dict)  # (role, endpoint)
    query_args: dict[str, set[str]] = field(default_factory=dict)  # GET endpoint -> names
    cookies: dict[str, str | None] = field(default_factory=dict)  # role -> session cookie

    def url(self, app: Flask, endpoint: str, method: str = "POST") -> str:
        rule = next(
            r for r in app.url_map.iter_rules() if r.endpoint == endpoint and method in r.methods
        )
        return fill_url(rule, self.values)


def _new_user(app: Flask, role: str, org_id: int, email: str, name: str, **extra: Any) -> int:
    from elearn.auth.services import hash_password
    from elearn.models import ConsentRecord, Organization, User

    with app.app_context():
        user = User(
            email=email,
            full_name=name,
            password_hash=hash_password(PASSWORD),
            language="it",
            organization_id=org_id if role == "worker" else None,
        )
        user.set_roles({role})
        if role in ("manager", "admin"):
            user.totp_secret = TOTP_SECRET
        if role == "manager":
            user.managed_organizations = [db.session.get(Organization, org_id)]
        db.session.add(user)
        db.session.flush()
        if role == "worker":
            user.shares_progress = extra.get("consent", True)
            db.session.add(
                ConsentRecord(
                    user_id=user.id,
                    kind="progress_sharing",
                    granted=user.shares_progress,
                    text_version="test",
                )
            )
        db.session.commit()
        return user.id


def login(client: CsrfClient, email: str, password: str = PASSWORD) -> None:
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    if response.headers["Location"] == "/login/codice":
        for offset in (0, 30, -30, 60):
            response = client.post("/login/codice", data={"code": totp_code(offset=offset)})
            if response.status_code == 302:
                break
        assert response.status_code == 302, response.get_data(as_text=True)[:300]


def csrf_of(client: CsrfClient) -> str:
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    match = CSRF_RE.search(page)
    assert match, "no CSRF token on the home page"
    return match.group(1)


def build_world(app: Flask, *, crawl: bool = True) -> World:
    """Everything the fuzzer and the XSS tests need, in `app`'s database."""
    from elearn.models import AppointmentSlot, Organization, SocialPoint
    from elearn.models.base import utcnow
    from elearn.privacy.erasure import request_erasure

    app.test_client_class = CsrfClient
    with app.app_context():
        org = Organization(name="Cooperativa Sole", slug="sole", invite_code="SOLE2026")
        org.social_points = [SocialPoint(name="Punto Centro", address="Via Roma 1, Milano")]
        db.session.add(org)
        db.session.commit()
        org_id, point_id = org.id, org.social_points[0].id
    emails = {role: f"{role}@example.org" for role in ROLES[1:]}
    people = {
        role: _new_user(app, role, org_id, emails[role], f"Persona {role.title()}")
        for role in ROLES[1:]
    }
    # Someone whose erasure request waits in the queue, someone whose reset link is valid.
    people["leaving"] = _new_user(app, "worker", org_id, "leaving@example.org", "Chi Parte")
    people["resetting"] = _new_user(app, "worker", org_id, "reset@example.org", "Chi Dimentica")
    values: dict[str, Any] = {
        "organization_id": org_id,
        "point_id": point_id,
        "user_id": people["worker"],
        "token": "not-a-real-token",
        "filename": "css/app.css",
    }
    extra_sample_values(app, {role: people[role] for role in ROLES[1:]}, values)
    with app.app_context():
        from elearn.models import ErasureRequest, User

        starts = utcnow().replace(microsecond=0) + timedelta(days=4)
        free = AppointmentSlot(
            social_point_id=point_id,
            manager_id=people["manager"],
            starts_at=starts,
            ends_at=starts + timedelta(minutes=45),
        )
        db.session.add(free)
        db.session.commit()
        values["free_slot_id"] = free.id
        request_erasure(db.session.get(User, people["leaving"]), remote_addr="127.0.0.1")
        db.session.commit()
        values["erasure_id"] = db.session.scalar(
            select(ErasureRequest.id).where(ErasureRequest.user_id == people["leaving"])
        )
    values["token"] = reset_token(app, "reset@example.org")
    world = World(values, people, emails, "SOLE2026")
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            login(client, emails[role])  # type: ignore[arg-type]
        world.clients[role] = client  # type: ignore[assignment]
    # A second anonymous visitor stopped half-way through a two-factor login.
    pending = app.test_client()
    response = pending.post("/login", data={"email": emails["manager"], "password": PASSWORD})
    assert response.headers.get("Location") == "/login/codice"
    world.clients["pending"] = pending  # type: ignore[assignment]
    for role, client in world.clients.items():
        world.csrf[role] = csrf_of(client)
    if crawl:
        crawl_forms(app, world)
    return world


def reset_token(app: Flask, email: str) -> str:
    """A valid password-reset token (the one the e-mail carries)."""
    from elearn.auth.services import request_password_reset
    from elearn.models import OutboxMessage

    with app.app_context():
        request_password_reset(email, valid_hours=24)
        body = db.session.scalars(
            select(OutboxMessage.body_text)
            .where(OutboxMessage.recipient == email)
            .order_by(OutboxMessage.id.desc())
        ).first()
    match = re.search(r"/password/nuova/([A-Za-z0-9_-]+)", body or "")
    assert match, "no reset link in the e-mail"
    return match.group(1)


def crawl_forms(app: Flask, world: World) -> None:
    """Open every GET page each role may open; remember every form by (role, endpoint)."""
    for endpoint, _rule in routes(app, "GET"):
        world.query_args.setdefault(endpoint, set())
    for role in (*ROLES, "pending"):
        client = world.clients[role]
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if "GET" not in rule.methods or rule.endpoint in ("static", "auth.logout"):
                continue
            if role == "pending" and rule.endpoint != "auth.two_factor":
                continue
            if role != "pending" and role not in allowed_roles(rule.endpoint):
                continue
            url = fill_url(rule, world.values)
            response = client.get(url)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            for form in forms_on_page(app, url, response.get_data(as_text=True)):
                key = (role, form.endpoint)
                if form.method == "get":
                    world.query_args.setdefault(form.endpoint, set()).update(form.fields)
                    world.query_args[form.endpoint].update(
                        name for name, _ in parse_qsl(urlsplit(form.action).query)
                    )
                elif key in world.forms:
                    world.forms[key].merge(form)
                else:
                    world.forms[key] = form


# --- copies of a world on SQLite ------------------------------------------------------------


@dataclass
class Snapshot:
    database: Path
    world: World


def snapshot(app: Flask, world: World, target: Path) -> Snapshot:
    for role, client in world.clients.items():
        cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
        world.cookies[role] = cookie.value if cookie is not None else None
    with app.app_context():
        db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.session.remove()
        db.engine.dispose()
    source = Path(app.config["SQLALCHEMY_DATABASE_URI"][len("sqlite:///") :])
    shutil.copyfile(source, target)
    world.clients = {}
    return Snapshot(target, world)


def restore(shot: Snapshot, directory: Path) -> tuple[Flask, World]:
    """A fresh app on a copy of the snapshot's database, with its people logged in again."""
    target = directory / "world.sqlite3"
    shutil.copyfile(shot.database, target)
    app = create_app(
        {
            **BASE_CONFIG,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{target}",
            "INSTANCE_PATH": str(directory),
        }
    )
    app.test_client_class = CsrfClient
    source = shot.world
    world = World(
        dict(source.values),
        dict(source.people),
        dict(source.emails),
        source.invite_code,
        csrf=dict(source.csrf),
        forms=source.forms,
        query_args=source.query_args,
        cookies=dict(source.cookies),
    )
    for role, value in source.cookies.items():
        client = app.test_client()
        if value is not None:
            client.set_cookie(app.config["SESSION_COOKIE_NAME"], value)
        world.clients[role] = client  # type: ignore[assignment]
    return app, world


def dispose(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
