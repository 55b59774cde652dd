"""Every absolute URL that leaves the site comes from PUBLIC_BASE_URL, never from the request.

The threat (security finding, HIGH): whoever chooses the host of a link the site sends to
someone else receives what the link carries. `POST /password/dimenticata` with `Host: evil.example`
(or, behind ProxyFix, `X-Forwarded-Host: evil.example`) mailed
`https://evil.example/password/nuova/<token>` to the victim: one click and the stranger holds
the token. The same class: any mailed link (a manager clicking a look-alike site and typing
the password there), calendar files, the certificate's QR code, the API document's servers.

Two layers, each attacked on its own:

1. Links. The host check is switched off (as if bypassed or misconfigured) and every flow
   that sends something runs with a forged `Host`, and again with a forged
   `X-Forwarded-Host` behind `PROXY_FIX_HOPS=1`. Afterwards the whole outbox is read, every
   MIME part decoded as it goes over SMTP (quoted-printable, base64, the .ics attachments
   unfolded), and every URL in it must start with PUBLIC_BASE_URL. The outbox is scanned
   whole, not message by message, so an e-mail added later is covered without a new test.
2. Hosts. With PUBLIC_BASE_URL set, a request for another host is refused with 400 before
   any of the app runs (no session, no e-mail).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import func, select

from elearn import create_app
from elearn.extensions import db
from elearn.models import (
    AppointmentSlot,
    ConsultationRequest,
    CourseCompletion,
    OutboxMessage,
    SocialPoint,
    User,
)
from elearn.models.base import utcnow
from tests.conftest import BASE_CONFIG, CsrfClient

BASE = "https://welfare3.example.org"
EVIL = "evil.example"
URL_RE = re.compile(r"https?://[^\s\"'<>()\[\]{}\\]+", re.IGNORECASE)
# A link without a host on a line of its own: what the e-mails carried with PUBLIC_BASE_URL empty.
BARE_PATH_RE = re.compile(r"(?m)^[ \t]*/[\w-]+/\S*$")
ROME = ZoneInfo("Europe/Rome")

# (settings, headers every request of the attacker's client carries): operator.md's setup
ATTACKS = [
    pytest.param({"PUBLIC_BASE_URL": BASE, "PROXY_FIX_HOPS": 0}, {"Host": EVIL}, id="Host"),
    pytest.param(
        {"PUBLIC_BASE_URL": BASE, "PROXY_FIX_HOPS": 1},
        {"X-Forwarded-Host": EVIL},
        id="X-Forwarded-Host",
    ),
]


class ForgedClient(CsrfClient):
    """A client whose every request carries the forged headers (login and CSRF page included).

    With a forged Host the cookies follow that host, as they would for a browser or curl
    talking to the site under the other name."""

    forged: dict[str, str] = {}

    def open(self, *args: Any, **kwargs: Any) -> Any:
        if not args or isinstance(args[0], str):  # not a redirect being followed
            kwargs["headers"] = {**self.forged, **dict(kwargs.get("headers") or {})}
        return super().open(*args, **kwargs)


@pytest.fixture
def backend() -> str:
    return "sqlite"  # host handling does not touch the database


@pytest.fixture
def settings() -> dict[str, Any]:
    """Overridden with @pytest.mark.parametrize("settings", ...)."""
    return {}


@pytest.fixture
def host_check() -> bool:
    """False: TRUSTED_HOSTS off, so forged requests reach the code that builds links."""
    return True


@pytest.fixture
def app(
    database_url: str, tmp_path: Path, settings: dict[str, Any], host_check: bool
) -> Iterator[Flask]:
    application = create_app(
        {
            **BASE_CONFIG,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "INSTANCE_PATH": str(tmp_path),
            "EXTRA_TRUSTED_HOSTS": "",
            **settings,
        }
    )
    if not host_check:
        application.config["TRUSTED_HOSTS"] = None
    application.test_client_class = CsrfClient
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


# --- reading what left the site ---------------------------------------------------------------


def _decoded_parts(message: OutboxMessage) -> list[str]:
    """Each MIME part of the message as sent over SMTP, decoded; .ics lines unfolded."""
    from elearn.outbox.services import _build

    wire = _build(message, "WELFARE³ <noreply@example.org>").as_bytes()
    parsed = message_from_bytes(wire, policy=policy.default)
    texts = [message.subject]
    for part in parsed.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True) or b""
        text = payload.decode(part.get_content_charset() or "utf-8", errors="replace")
        if part.get_content_type() == "text/calendar":
            text = re.sub(r"\r?\n[ \t]", "", text)  # RFC 5545 folds lines at 75 octets
        texts.append(text)
    return texts


def outbox_texts(app: Flask) -> list[tuple[str, str]]:
    """(recipient, decoded text) for every part of every message in the outbox."""
    with app.app_context():
        messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        return [(m.recipient, text) for m in messages for text in _decoded_parts(m)]


def assert_every_url_is_public(texts: list[tuple[str, str]], base: str = BASE) -> int:
    """Every URL starts with the public base; no host-less link; the forged host nowhere."""
    found = 0
    for recipient, text in texts:
        assert EVIL not in text, f"the forged host reached the e-mail to {recipient}:\n{text}"
        for url in URL_RE.findall(text):
            found += 1
            assert url.startswith(base + "/"), f"{url} in the e-mail to {recipient}"
        if text.startswith("BEGIN:VCALENDAR"):  # the attachment is read, not skipped
            assert re.search(rf"(?m)^URL:{re.escape(base)}/", text), text
        bare = BARE_PATH_RE.search(text)
        assert bare is None, f"a link without a host ({bare.group()}) to {recipient}"
    return found


# --- people and things the flows act on --------------------------------------------------------


@dataclass
class Site:
    app: Flask
    forged: dict[str, str]
    login: Callable[..., Any]
    org: int
    point: int
    worker: int
    other_worker: int
    manager: int
    admin: int

    def client(self, user_id: int | None = None) -> ForgedClient:
        client = ForgedClient(self.app, self.app.response_class, use_cookies=True)
        client.forged = self.forged
        if user_id is not None:
            self.login(user_id, client)
        return client

    def email(self, user_id: int) -> str:
        with self.app.app_context():
            return db.session.get(User, user_id).email

    def request(self, worker: int | None = None, **fields: Any) -> int:
        with self.app.app_context():
            consultation = ConsultationRequest(
                worker_id=worker or self.worker,
                organization_id=self.org,
                topic="budget",
                description="Non arrivo a fine mese.",
                channel="in_person",
                **fields,
            )
            db.session.add(consultation)
            db.session.commit()
            return consultation.id

    def slot(self, starts_in: timedelta = timedelta(days=3)) -> int:
        starts = utcnow().replace(microsecond=0) + starts_in
        with self.app.app_context():
            slot = AppointmentSlot(
                social_point_id=self.point,
                manager_id=self.manager,
                starts_at=starts,
                ends_at=starts + timedelta(minutes=45),
            )
            db.session.add(slot)
            db.session.commit()
            return slot.id

    def welfare_day(self, client: ForgedClient, capacity: int = 10, days_ahead: int = 10) -> int:
        day = utcnow().astimezone(ROME).date() + timedelta(days=days_ahead)
        response = client.post(
            "/gestione/welfare-day/nuovo",
            data={
                "organization": self.org,
                "title": "Bilancio e bonus",
                "day": day.isoformat(),
                "start": "09:30",
                "end": "13:00",
                "place": "Social point Lorenteggio, Via Lorenteggio 181",
                "programme": "9:30 Accoglienza",
                "capacity": str(capacity),
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return int(response.headers["Location"].rsplit("/", 1)[1])


@pytest.fixture
def site(app: Flask, make_org, make_user, login) -> Callable[[dict[str, str]], Site]:
    def build(forged: dict[str, str]) -> Site:
        org = make_org("Cooperativa A")
        with app.app_context():
            point = db.session.scalar(
                select(SocialPoint.id).where(SocialPoint.organization_id == org)
            )
        return Site(
            app=app,
            forged=forged,
            login=login,
            org=org,
            point=point,
            worker=make_user("worker", org_id=org, email="giulia@example.org"),
            other_worker=make_user("worker", org_id=org, email="anna@example.org"),
            manager=make_user("manager", org_id=org, email="sara@example.org"),
            admin=make_user("admin", email="admin@example.org"),
        )

    return build


def expect(response: Any, status: int = 302) -> Any:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response


# --- the flows that send a link (each: what an attacker with forged headers can trigger) -------


def password_forgot(site: Site) -> None:
    expect(site.client().post("/password/dimenticata", data={"email": "giulia@example.org"}), 200)


def someone_registers(site: Site) -> None:
    """A new account, and an address that already has one (whose owner may be told by mail)."""
    data = {
        "invite_code": "INVITE0001",
        "full_name": "Marta Neri",
        "email": "marta@example.org",
        "password": "una frase lunga e sicura",
        "password_again": "una frase lunga e sicura",
        "language": "it",
    }
    expect(site.client().post("/registrazione", data=data))
    again = site.client().post("/registrazione", data={**data, "email": "giulia@example.org"})
    assert again.status_code in (302, 422), again.status_code


def admin_creates_an_account(site: Site) -> None:
    admin = site.client(site.admin)
    data = {
        "full_name": "Laura Neri",
        "email": "laura@example.org",
        "roles": ["worker"],
        "organization_id": str(site.org),
        "managed_organization_ids": [],
        "active": "y",
    }
    expect(admin.post("/admin/utenti/nuovo", data=data))


def admin_changes_roles_and_active(site: Site) -> None:
    admin = site.client(site.admin)
    data = {
        "full_name": "Anna Bianchi",
        "email": "anna@example.org",
        "roles": ["worker", "trainer"],
        "organization_id": str(site.org),
        "managed_organization_ids": [],
    }  # "active" left out: the account is switched off
    expect(admin.post(f"/admin/utenti/{site.other_worker}", data=data))


def worker_asks_for_a_consultation(site: Site) -> None:
    worker = site.client(site.worker)
    data = {
        "topic": "credit",
        "description": "Devo cambiare l'auto.",
        "channel": "phone",
        "preferred_times": "Martedì mattina",
    }
    expect(worker.post("/consulenza/nuova", data=data))


def worker_writes_then_cancels(site: Site) -> None:
    request_id = site.request(assigned_manager_id=site.manager)
    worker = site.client(site.worker)
    expect(worker.post(f"/consulenza/richieste/{request_id}/messaggi", data={"body": "Grazie"}))
    expect(worker.post(f"/consulenza/richieste/{request_id}/annulla", data={}))


def manager_writes_to_the_worker(site: Site) -> None:
    request_id = site.request(assigned_manager_id=site.manager)
    manager = site.client(site.manager)
    data = {"body": "Ci vediamo martedì?", "wait_for_worker": "y"}
    expect(manager.post(f"/gestione/richieste/{request_id}/messaggi", data=data))


def appointment_booked_moved_and_cancelled(site: Site) -> None:
    request_id = site.request()
    manager, worker = site.client(site.manager), site.client(site.worker)
    data = {"slot": str(site.slot()), "channel": "in_person"}
    expect(manager.post(f"/gestione/richieste/{request_id}/prenota", data=data))
    reason = {"reason": "Ho un turno"}
    expect(worker.post(f"/consulenza/richieste/{request_id}/sposta", data=reason))
    with site.app.app_context():
        from elearn.consult.appointments import current_appointment

        appointment_id = current_appointment(request_id).id
    path = f"/gestione/richieste/{request_id}/appuntamenti/{appointment_id}/annulla"
    expect(manager.post(path, data={}))


def welfare_day_place_waitlist_and_promotion(site: Site) -> None:
    event_id = site.welfare_day(site.client(site.manager), capacity=1)
    giulia, anna = site.client(site.worker), site.client(site.other_worker)
    expect(giulia.post(f"/consulenza/welfare-day/{event_id}/iscrizione", data={}))
    expect(anna.post(f"/consulenza/welfare-day/{event_id}/iscrizione", data={}))
    expect(giulia.post(f"/consulenza/welfare-day/{event_id}/rinuncia", data={}))


def reminders_from_cron(site: Site) -> None:
    """The reminders are built by the CLI, with no request at all."""
    request_id = site.request()
    manager, worker = site.client(site.manager), site.client(site.worker)
    data = {"slot": str(site.slot(timedelta(hours=20))), "channel": "in_person"}
    expect(manager.post(f"/gestione/richieste/{request_id}/prenota", data=data))
    event_id = site.welfare_day(manager, days_ahead=1)
    expect(worker.post(f"/consulenza/welfare-day/{event_id}/iscrizione", data={}))
    result = site.app.test_cli_runner().invoke(args=["consult", "remind"])
    assert result.exit_code == 0, result.output
    assert "1 appointments" in result.output, result.output


FLOWS = [
    password_forgot,
    someone_registers,
    admin_creates_an_account,
    admin_changes_roles_and_active,
    worker_asks_for_a_consultation,
    worker_writes_then_cancels,
    manager_writes_to_the_worker,
    appointment_booked_moved_and_cancelled,
    welfare_day_place_waitlist_and_promotion,
    reminders_from_cron,
]
# Flows that must send at least one e-mail. Registering and changing an account send none
# today; when they do, the scan of the whole outbox covers those e-mails too.
SENDS_MAIL = {f.__name__ for f in FLOWS} - {"someone_registers", "admin_changes_roles_and_active"}
SENDS_CALENDAR = {
    "appointment_booked_moved_and_cancelled",
    "welfare_day_place_waitlist_and_promotion",
    "reminders_from_cron",
}


# --- layer 1: links come from PUBLIC_BASE_URL ---------------------------------------------------


@pytest.mark.parametrize("host_check", [False])
@pytest.mark.parametrize("flow", FLOWS, ids=lambda f: f.__name__)
@pytest.mark.parametrize(("settings", "forged"), ATTACKS)
def test_every_mailed_url_starts_with_public_base_url_whatever_the_host(
    site, settings, forged, flow, host_check
) -> None:
    the_site = site(forged)
    flow(the_site)
    texts = outbox_texts(the_site.app)
    urls = assert_every_url_is_public(texts)
    if flow.__name__ in SENDS_MAIL:
        assert texts and urls, f"{flow.__name__} sent no link: the check would prove nothing"
    if flow.__name__ in SENDS_CALENDAR:
        assert any(text.startswith("BEGIN:VCALENDAR") for _, text in texts), "no .ics read"


@pytest.mark.parametrize("host_check", [False])
@pytest.mark.parametrize("settings", [{"PUBLIC_BASE_URL": BASE, "PROXY_FIX_HOPS": 0}], ids=["Host"])
def test_the_reset_link_of_a_forged_host_request_points_to_the_site(site, settings, host_check):
    """The original finding, reproduced as reported, with the host check out of the way."""
    the_site = site({"Host": EVIL})
    password_forgot(the_site)
    [(recipient, body)] = [(r, t) for r, t in outbox_texts(the_site.app) if "/password/" in t]
    assert recipient == "giulia@example.org"
    [link] = URL_RE.findall(body)
    assert link.startswith(f"{BASE}/password/nuova/"), link


@pytest.mark.parametrize("host_check", [False])
@pytest.mark.parametrize(("settings", "forged"), ATTACKS)
def test_the_certificate_qr_code_and_printed_address_point_to_the_site(
    site, settings, forged, host_check, monkeypatch
) -> None:
    import qrcode

    the_site = site(forged)
    with the_site.app.app_context():
        db.session.add(
            CourseCompletion(
                user_id=the_site.worker,
                course_slug="prova",
                course_title="Corso di prova",
                minutes=15,
                verification_code="QRCODE2026",
            )
        )
        db.session.commit()
    encoded: list[str] = []
    real_make = qrcode.make

    def spy(data: Any, *args: Any, **kwargs: Any) -> Any:
        encoded.append(str(data))
        return real_make(data, *args, **kwargs)

    monkeypatch.setattr(qrcode, "make", spy)
    pdf = expect(the_site.client(the_site.worker).get("/certificati/prova.pdf"), 200).data
    assert encoded == [f"{BASE}/verifica/QRCODE2026"]
    printed = URL_RE.findall(pdf.decode("latin-1"))
    assert f"{BASE}/verifica/QRCODE2026" in printed
    assert EVIL.encode() not in pdf


@pytest.mark.parametrize("host_check", [False])
@pytest.mark.parametrize(("settings", "forged"), ATTACKS)
def test_the_openapi_document_names_the_site_as_its_server(
    site, settings, forged, host_check
) -> None:
    client = site(forged).client()
    document = expect(client.get("/api/v1/openapi.json"), 200).get_json()
    assert document["servers"] == [{"url": BASE}]
    text = json.dumps(document)
    assert EVIL not in text
    assert all(url.startswith(BASE) for url in URL_RE.findall(text))


def test_manager_notifications_carry_an_absolute_link(site, app) -> None:
    """Without PUBLIC_BASE_URL (a developer's machine) the link is still absolute: the fixed
    local address, not a bare path and never the request's host."""
    from elearn.urls import DEFAULT_PUBLIC_BASE_URL

    assert app.config["PUBLIC_BASE_URL"] == ""
    the_site = site({})
    worker_asks_for_a_consultation(the_site)
    with app.app_context():
        request_id = db.session.scalar(select(func.max(ConsultationRequest.id)))
    texts = [t for r, t in outbox_texts(app) if r == "sara@example.org"]
    assert texts
    assert f"{DEFAULT_PUBLIC_BASE_URL}/gestione/richieste/{request_id}" in "\n".join(texts)
    assert_every_url_is_public([("sara@example.org", t) for t in texts], DEFAULT_PUBLIC_BASE_URL)


@pytest.mark.parametrize(
    "settings", [{"PUBLIC_BASE_URL": "https://coop.example.org/welfare3/"}], ids=["prefix"]
)
def test_public_url_works_without_a_request_and_keeps_a_path_prefix(app, settings) -> None:
    from elearn.urls import public_url

    with app.app_context():
        assert public_url("auth.reset_password", token="abc") == (
            "https://coop.example.org/welfare3/password/nuova/abc"
        )
        assert public_url("consult.welfare_days", _anchor="giorno 2") == (
            "https://coop.example.org/welfare3/consulenza/welfare-day#giorno%202"
        )
    with app.test_request_context("/", headers={"Host": EVIL}, base_url=f"http://{EVIL}"):
        assert public_url("learning.verify", code="X1", _external=True).startswith(
            "https://coop.example.org/welfare3/verifica/X1"
        )


@pytest.mark.parametrize(
    "value",
    ["welfare3.example.org", "ftp://welfare3.example.org", "https://x.org/?a=1", "https://"],
)
def test_a_malformed_public_base_url_stops_the_start(tmp_path, value) -> None:
    from elearn.urls import PublicBaseUrlError

    with pytest.raises(PublicBaseUrlError, match="PUBLIC_BASE_URL"):
        create_app({**BASE_CONFIG, "INSTANCE_PATH": str(tmp_path), "PUBLIC_BASE_URL": value})


ROOT = Path(__file__).resolve().parents[2]
# Ways to build an address from the request. security.py reads request.host only to decide
# on HSTS (nothing leaves the site with it).
REQUEST_ADDRESS_RE = re.compile(
    r"_external|url_root|host_url|request\.host\b|request\.url\b|request\.base_url|_scheme="
)


def test_no_code_builds_an_address_from_the_request() -> None:
    offenders = []
    files = [*ROOT.joinpath("elearn").rglob("*.py"), *ROOT.joinpath("templates").rglob("*.html")]
    for path in files:
        if path.name == "urls.py" and path.parent.name == "elearn":
            continue  # the one helper, which removes _external and _scheme from its arguments
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if REQUEST_ADDRESS_RE.search(line):
                where = f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
                if where.startswith("elearn/security.py") and "_is_local(request.host)" in line:
                    continue
                offenders.append(where)
    assert not offenders, "build absolute links with elearn.urls.public_url:\n" + "\n".join(
        offenders
    )


# --- layer 2: other hosts are refused -------------------------------------------------------------


@pytest.mark.parametrize(("settings", "forged"), ATTACKS)
def test_a_forged_host_is_refused_with_400_and_no_mail_leaves(site, settings, forged) -> None:
    the_site = site(forged)
    attacker = the_site.client()
    form = {"email": "giulia@example.org", "csrf_token": "x"}
    responses = {
        "/password/dimenticata": attacker.post("/password/dimenticata", data=form, csrf=False),
        **{
            path: attacker.get(path)
            for path in ("/", "/login", "/api/v1/openapi.json", "/verifica/X1", "/healthz")
        },
    }
    for path, response in responses.items():
        assert response.status_code == 400, (path, response.status_code)
        assert "Set-Cookie" not in response.headers, path
    assert outbox_texts(the_site.app) == []


@pytest.mark.parametrize(
    ("settings", "forged"),
    [
        pytest.param(
            {"PUBLIC_BASE_URL": BASE, "PROXY_FIX_HOPS": 1},
            {"X-Forwarded-Host": EVIL},
            id="X-Forwarded-Host",
        )
    ],
)
def test_the_reported_reset_attack_behind_a_proxy_is_refused(site, settings, forged) -> None:
    """The finding as reported: operator.md's setup (PROXY_FIX_HOPS=1, PUBLIC_BASE_URL set)."""
    the_site = site(forged)
    response = the_site.client().post(
        "/password/dimenticata", data={"email": "giulia@example.org", "csrf_token": "x"}, csrf=False
    )
    assert response.status_code == 400
    assert "Questo sito non risponde a questo indirizzo." in response.get_data(as_text=True)
    assert outbox_texts(the_site.app) == []


@pytest.mark.parametrize(
    "settings", [{"PUBLIC_BASE_URL": BASE, "PROXY_FIX_HOPS": 1}], ids=["proxied"]
)
def test_the_site_answers_its_own_host_and_says_where_it_is_to_others(app, settings) -> None:
    client = app.test_client()
    assert client.get("/", base_url=BASE).status_code == 200
    assert client.get("/", headers={"X-Forwarded-Host": "welfare3.example.org"}).status_code == 200
    refused = client.get("/", headers={"X-Forwarded-Host": EVIL, "Accept-Language": "en"})
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "This site does not answer at this address." in page
    assert f'href="{BASE}/"' in page and EVIL not in page
    assert refused.headers["Content-Security-Policy"].startswith("default-src 'none'")
    api = client.get("/api/v1/openapi.json", headers={"X-Forwarded-Host": EVIL})
    assert api.status_code == 400 and "error" in api.get_json()
    # A forged Host behind the proxy without X-Forwarded-Host is refused as well.
    assert client.get("/", base_url=f"http://{EVIL}").status_code == 400


@pytest.mark.parametrize(
    "settings",
    [{"PUBLIC_BASE_URL": BASE, "EXTRA_TRUSTED_HOSTS": "welfare3.internal, .coop.example"}],
    ids=["extra"],
)
def test_trusted_hosts_adds_names_and_subdomains(app, settings) -> None:
    client = app.test_client()
    for host in ("welfare3.internal", "a.coop.example", "welfare3.example.org:8443"):
        assert client.get("/healthz", base_url=f"http://{host}").status_code == 200, host
    for host in ("welfare3.internal.evil.example", "coop.example.evil", "localhost"):
        assert client.get("/healthz", base_url=f"http://{host}").status_code == 400, host


def test_without_public_base_url_only_local_names_are_served(app) -> None:
    """A production site that forgot PUBLIC_BASE_URL fails closed: it answers nobody outside."""
    client = app.test_client()
    assert client.get("/healthz").status_code == 200  # the test client's "localhost"
    assert client.get("/healthz", base_url="http://127.0.0.1:8000").status_code == 200
    refused = client.get("/healthz", base_url="http://welfare3.example.org")
    assert refused.status_code == 400
    assert "PUBLIC_BASE_URL" in client.get("/", base_url=f"http://{EVIL}").get_data(as_text=True)


def test_the_demo_links_to_its_own_address_and_answers_any_name_on_all_interfaces(app) -> None:
    from elearn.cli import configure_demo_hosts

    configure_demo_hosts(app, "127.0.0.1", 5050)
    assert app.config["PUBLIC_BASE_URL"] == "http://127.0.0.1:5050"
    assert app.config["TRUSTED_HOSTS"] == ["127.0.0.1", "localhost"]
    assert app.test_client().get("/healthz", base_url=f"http://{EVIL}").status_code == 400
    app.config["PUBLIC_BASE_URL"] = ""
    configure_demo_hosts(app, "0.0.0.0", 5000)
    assert app.config["PUBLIC_BASE_URL"] == "http://127.0.0.1:5000"
    assert app.config["TRUSTED_HOSTS"] is None
    assert app.test_client().get("/healthz", base_url="http://192.168.1.20:5000").status_code == 200
    with app.app_context():
        from elearn.urls import public_url

        assert public_url("core.home") == "http://127.0.0.1:5000/"


@pytest.mark.parametrize("settings", [{"PUBLIC_BASE_URL": BASE}], ids=["public"])
def test_the_demo_keeps_a_public_base_url_that_is_set(app, settings) -> None:
    from elearn.cli import configure_demo_hosts

    configure_demo_hosts(app, "0.0.0.0", 5000)
    assert app.config["PUBLIC_BASE_URL"] == BASE
    assert app.config["TRUSTED_HOSTS"] == ["welfare3.example.org"]
