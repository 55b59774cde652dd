"""Every route against a shared-code account waiting for confirmation: outside the pages open
to everybody (courses list, simulators, glossary, its own account and privacy rights), every
GET and POST is held on the waiting page, whatever ids the address carries."""

from __future__ import annotations

import io

from sqlalchemy import select

from elearn.extensions import db
from elearn.models import Organization, RegistrationReview, SocialPoint, User
from elearn.roster.views import open_while_waiting
from tests.access import ROLES, all_rules, extra_sample_values
from tests.conftest import PASSWORD

ACCESS = all_rules()
ROSTER = "Nome e cognome;Email;Sede\nMaria Rossi;maria@girasole.it;Via Padova\n"


def _urls(app, values):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint not in ACCESS or rule.endpoint == "static":
            continue
        url = rule.rule
        for name in rule.arguments:
            for pattern in (f"<{name}>", f"<int:{name}>", f"<path:{name}>"):
                url = url.replace(pattern, str(values[name]))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


def test_a_waiting_account_reaches_nothing_of_the_cooperative(app, make_org, make_user, login):
    org_id = make_org(name="Il Girasole", invite_code="GIRASOLE26")
    with app.app_context():
        point_id = db.session.scalar(
            select(SocialPoint.id).where(SocialPoint.organization_id == org_id)
        )
        assert db.session.get(Organization, org_id)
    people = {role: make_user(role, org_id=org_id) for role in ROLES[1:]}
    values = {
        "organization_id": org_id,
        "point_id": point_id,
        "user_id": people["worker"],
        "token": "not-a-real-token",
        "filename": "css/app.css",
    }
    extra_sample_values(app, people, values)
    admin = app.test_client()
    login(people["admin"], admin)
    upload = admin.post(
        "/admin/personale/importa",
        data={"organization_id": str(org_id), "file": (io.BytesIO(ROSTER.encode()), "r.csv")},
        content_type="multipart/form-data",
    )
    assert admin.post(upload.headers["Location"] + "/conferma", data={}).status_code == 302

    waiting = app.test_client()
    registered = waiting.post(
        "/registrazione",
        data={
            "invite_code": "GIRASOLE26",
            "full_name": "Sara Sconosciuta",
            "email": "sara@example.org",
            "password": PASSWORD,
            "password_again": PASSWORD,
            "language": "it",
        },
    )
    assert registered.status_code == 302
    with app.app_context():
        sara = db.session.scalar(select(User.id).where(User.email == "sara@example.org"))
        assert db.session.get(RegistrationReview, sara) is not None
    assert waiting.post("/login", data={"email": "sara@example.org", "password": PASSWORD})
    waiting.post("/consenso", data={"progress_sharing": "yes"})
    assert waiting.get("/").headers.get("Location") == "/in-attesa"

    leaks, errors, checked = [], [], 0
    for endpoint, method, url in _urls(app, values):
        if endpoint in ("auth.logout", "privacy.erasure"):
            continue  # would end the session or the account under test
        response = waiting.get(url) if method == "GET" else waiting.post(url, data={})
        status, location = response.status_code, response.headers.get("Location", "")
        if status >= 500:
            errors.append(f"{method} {url}: {status}")
        elif not open_while_waiting(endpoint):
            checked += 1
            if not (status == 302 and location == "/in-attesa") and status not in (400, 403, 404):
                leaks.append(f"{method} {url} ({endpoint}): {status} {location}")
    assert checked > 100
    assert not errors, errors
    assert not leaks, "\n".join(leaks)
