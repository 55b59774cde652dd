"""Every route of the app against every role: a route added without a rule here fails."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from elearn.extensions import db
from elearn.models import Organization, SocialPoint
from tests.access import GUEST, PUBLIC, ROLES, all_rules, extra_sample_values

ACCESS = all_rules()


def test_every_route_has_an_access_rule(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - ACCESS.keys())
    assert not missing, f"routes without an access rule in the matrix: {missing}"
    stale = sorted(ACCESS.keys() - endpoints)
    assert not stale, f"rules for routes that no longer exist: {stale}"


@pytest.fixture
def sample_values(app, make_org, make_user):
    org_id = make_org()
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
    return {"values": values, "people": people}


def _requests(app, values):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint not in ACCESS:  # reported by test_every_route_has_an_access_rule
            continue
        url = rule.rule
        for name in rule.arguments:
            url = url.replace(f"<{name}>", str(values[name]))
            url = url.replace(f"<int:{name}>", str(values[name]))
            url = url.replace(f"<path:{name}>", str(values[name]))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(app, role, sample_values, login):
    client = app.test_client()
    if role != "anonymous":
        login(sample_values["people"][role], client)
    problems = []
    for endpoint, method, url in _requests(app, sample_values["values"]):
        rule = ACCESS.get(endpoint)
        if rule is None:  # reported by test_every_route_has_an_access_rule
            continue
        response = client.get(url) if method == "GET" else client.post(url, data={})
        status = response.status_code
        location = response.headers.get("Location", "")
        if status >= 500:
            problems.append(f"{method} {url}: {status}")
        elif rule == PUBLIC:
            if status in (401, 403):
                problems.append(f"{method} {url}: public route answered {status}")
        elif rule == GUEST:
            expected_ok = (
                status not in (401, 403)
                if role == "anonymous"
                else (status == 302 and location == "/")
            )
            if not expected_ok:
                problems.append(f"{method} {url}: guest route gave {status} {location}")
        elif role == "anonymous":
            if not (status == 302 and location.startswith("/login")):
                problems.append(f"{method} {url}: anonymous got {status} {location}")
        elif role in rule:
            if status in (401, 403) or location.startswith("/login"):
                problems.append(f"{method} {url}: {role} refused ({status})")
        elif status != 403:
            problems.append(f"{method} {url}: {role} should get 403, got {status}")
        if role != "anonymous" and endpoint == "auth.logout":
            login(sample_values["people"][role], client)
    assert not problems, "\n".join(problems)
