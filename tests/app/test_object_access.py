"""Object-level access: changing an id in a URL never reaches someone else's data.

The objects of the access matrix (tests/<domain>/access.py) belong to a worker and a Welfare
Manager of cooperative A. Here other people with the *same role* try every URL that names one
of those objects: another worker of the same cooperative, a worker and a manager of
cooperative B. They must get 404 (the object does not exist for them), and nothing changes.
A new route with an id in its URL fails the first test until it is classified here.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from werkzeug.routing import IntegerConverter, UnicodeConverter

from elearn.extensions import db
from elearn.models import (
    AuditEntry,
    ConsultationRequest,
    LabCard,
    LabSupport,
    LabVote,
    PathwayItem,
    RequestMessage,
    SavedScenario,
    SocialPoint,
    WelfareDayRegistration,
)
from tests.access import ROLES, extra_sample_values

OTHER_WORKERS = ("worker_same_coop", "worker_other_coop")
OTHER_COOP = ("worker_other_coop",)
OTHER_MANAGER = ("manager_other_coop",)

# endpoint -> the people who must not reach the object named in the URL.
OBJECT_ROUTES = {
    # a worker's own things
    "consult.request_detail": OTHER_WORKERS,
    "consult.cancel_request": OTHER_WORKERS,
    "consult.set_sharing": OTHER_WORKERS,
    "consult.add_message": OTHER_WORKERS,
    "consult.ask_reschedule": OTHER_WORKERS,
    "consult.tick_action": OTHER_WORKERS,
    "simulate.open_scenario": OTHER_WORKERS,
    "simulate.delete_scenario": OTHER_WORKERS,
    # a cooperative's Welfare day: its workers may register, others may not see it
    "consult.register": OTHER_COOP,
    "consult.cancel_registration": OTHER_COOP,
    # a cooperative's cases, calendar, events and learners: its managers only
    "manage.case": OTHER_MANAGER,
    "manage.cancel_appointment": OTHER_MANAGER,
    "manage.appointment_held": OTHER_MANAGER,
    "manage.assign": OTHER_MANAGER,
    "manage.close": OTHER_MANAGER,
    "manage.add_message": OTHER_MANAGER,
    "manage.add_note": OTHER_MANAGER,
    "manage.add_pathway_item": OTHER_MANAGER,
    "manage.delete_pathway_item": OTHER_MANAGER,
    "manage.book": OTHER_MANAGER,
    "manage.reopen": OTHER_MANAGER,
    "manage.delete_slot": OTHER_MANAGER,
    "manage.welfare_day": OTHER_MANAGER,
    "manage.edit_welfare_day": OTHER_MANAGER,
    "manage.check_in": OTHER_MANAGER,
    "reports.learner": OTHER_MANAGER,
    "privacy.confirm_erasure": OTHER_MANAGER,
    # a cooperative's co-production lab: its workers take part, its managers facilitate
    "labs.lab": OTHER_COOP + OTHER_MANAGER,
    "labs.check_text": OTHER_COOP + OTHER_MANAGER,
    "labs.outcome": OTHER_COOP + OTHER_MANAGER,
    "labs.add_card": OTHER_COOP,
    "labs.support": OTHER_COOP,
    "labs.vote": OTHER_COOP,
    "labs.facilitate": OTHER_MANAGER,
    "labs.advance": OTHER_MANAGER,
    "labs.add_paper_card": OTHER_MANAGER,
    "labs.merge": OTHER_MANAGER,
    "labs.hide": OTHER_MANAGER,
    "labs.set_outcome": OTHER_MANAGER,
    "resources.manager_map": OTHER_MANAGER,
    "resources.manager_pathway": OTHER_MANAGER,
    # a cooperative's health-fund plans and the aggregate of its workers' needs
    "healthfund.edit_plan": OTHER_MANAGER,
    "healthfund.delete_plan": OTHER_MANAGER,
    "healthfund.cooperative": OTHER_MANAGER,
}

# Routes with an id that name no one's private object (role checks cover them: access matrix).
NOT_OWNED = {
    "admin.organization": "admins manage every organization",
    "admin.rotate_invite_code": "admins manage every organization",
    "admin.new_social_point": "admins manage every organization",
    "admin.social_point": "admins manage every Social point",
    "admin.delete_social_point": "admins manage every Social point",
    "admin.user": "admins manage every account",
    "admin.reset_second_factor": "admins manage every account",
    "authoring.restore": "course texts are shared by all trainers",
    "learning.verify": "a certificate code is public proof, shown on the PDF",
    "learning.certificate": "the certificate is always the logged-in learner's own",
    "learning.media": "course images are public course content",
    "auth.reset_password": "the token is the secret itself (256 bits, single use)",
    "reports.export": "names a kind of report; figures are always for the manager's own coops",
    "simulate.api.chart": "names a simulator, stores nothing",
    "simulate.open_budget_month": "a month of the logged-in worker's own budgets only",
    "simulate.api.compute": "names a simulator, stores nothing",
    "resources.step": "names a questionnaire step; the answers are always the worker's own",
    "resources.admin_edit": "admins manage every cooperative's resources",
    "resources.admin_delete": "admins manage every cooperative's resources",
    "nudges.resume": "names a published course open to every worker; reads only their own progress",
    "roster.preview": "admins manage every cooperative's roster",
    "roster.confirm_import": "admins manage every cooperative's roster",
    "roster.cooperative": "admins manage every cooperative's roster",
    "roster.invite": "admins manage every cooperative's roster",
    "roster.letters": "admins manage every cooperative's roster",
    "roster.resend": "admins manage every cooperative's roster",
    "roster.shared_code": "admins manage every cooperative's roster",
    "roster.confirm_account": "admins manage every cooperative's roster",
    "roster.reject_account": "admins manage every cooperative's roster",
    "roster.accept": "the invitation secret is the authority (keyed hash, single use, expiring)",
    "roster.claim": "the signed link mailed to the roster address is the authority (it proves "
    "the mailbox; checked against the account and the entry, expiring)",
    "nudges.stop": "the signed token is the authority (per person, checked by itsdangerous)",
}


def _object_rules(app):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if any(
            isinstance(conv, IntegerConverter | UnicodeConverter)  # the app's own int included
            and name not in ("slug", "module_slug", "quiz_id", "lang", "filename")
            for name, conv in rule._converters.items()  # noqa: SLF001
        )
    ]


def test_every_route_with_an_id_is_classified(app):
    endpoints = {rule.endpoint for rule in _object_rules(app)}
    unclassified = sorted(endpoints - OBJECT_ROUTES.keys() - NOT_OWNED.keys())
    assert not unclassified, f"routes with an id, not in OBJECT_ROUTES or NOT_OWNED: {unclassified}"


@pytest.fixture
def world(app, make_org, make_user):
    """Cooperative A with the access matrix's objects, plus strangers of the same roles."""
    org_a = make_org()
    org_b = make_org()
    with app.app_context():
        point_a = db.session.scalar(
            select(SocialPoint.id).where(SocialPoint.organization_id == org_a)
        )
    people = {role: make_user(role, org_id=org_a, consent=True) for role in ROLES[1:]}
    values = {"organization_id": org_a, "point_id": point_a, "user_id": people["worker"]}
    extra_sample_values(app, people, values)
    strangers = {
        "worker_same_coop": make_user("worker", org_id=org_a),
        "worker_other_coop": make_user("worker", org_id=org_b),
        "manager_other_coop": make_user("manager", org_id=org_b),
    }
    return values, strangers, people


def _url(rule, values):
    url = rule.rule
    for name in rule.arguments:
        for pattern in (f"<{name}>", f"<int:{name}>", f"<path:{name}>"):
            url = url.replace(pattern, str(values[name]))
    return url


def _snapshot(app):
    """What a refused request must leave unchanged."""
    with app.app_context():
        count = {
            model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (
                ConsultationRequest,
                RequestMessage,
                PathwayItem,
                SavedScenario,
                WelfareDayRegistration,
                LabCard,
                LabSupport,
                LabVote,
            )
        }
        count["requests_open"] = db.session.scalar(
            select(func.count(ConsultationRequest.id)).where(
                ConsultationRequest.closed_at.is_(None)
            )
        )
        count["lab_cards_visible"] = db.session.scalar(
            select(func.count(LabCard.id)).where(LabCard.status == "visible")
        )
        count["audit"] = db.session.scalar(select(func.count(AuditEntry.id)))
        return count


@pytest.mark.parametrize(
    "stranger", ["worker_same_coop", "worker_other_coop", "manager_other_coop"]
)
def test_strangers_get_404_for_every_object_url(app, world, stranger, login):
    values, strangers, _people = world
    client = app.test_client()
    login(strangers[stranger], client)
    before = _snapshot(app)
    problems, tried = [], 0
    for rule in sorted(_object_rules(app), key=lambda r: r.rule):
        if stranger not in OBJECT_ROUTES.get(rule.endpoint, ()):
            continue
        url = _url(rule, values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            tried += 1
            response = client.get(url) if method == "GET" else client.post(url, data={})
            if response.status_code != 404:
                problems.append(f"{method} {url}: {response.status_code}")
    expected = sum(
        len(rule.methods - {"HEAD", "OPTIONS"})
        for rule in _object_rules(app)
        if stranger in OBJECT_ROUTES.get(rule.endpoint, ())
    )
    assert tried == expected >= 2
    assert not problems, "\n".join(problems)
    after = _snapshot(app)
    # Nothing changed, except audit lines about the refused attempts, if any were written.
    assert {k: v for k, v in after.items() if k != "audit"} == {
        k: v for k, v in before.items() if k != "audit"
    }


@pytest.mark.parametrize("owner", ["worker", "manager"])
def test_the_owners_reach_the_same_urls(app, world, owner, login):
    """The control: the ids above are real, so the 404s come from the checks, not from typos."""
    values, _strangers, people = world
    client = app.test_client()
    login(people[owner], client)
    strangers = OTHER_WORKERS if owner == "worker" else OTHER_MANAGER
    pages = [
        rule
        for rule in _object_rules(app)
        if OBJECT_ROUTES.get(rule.endpoint) == strangers and "GET" in rule.methods
    ]
    assert pages
    for rule in pages:
        response = client.get(_url(rule, values))
        # A saved scenario opens by redirecting to its simulator, filled in.
        location = response.headers.get("Location", "")
        ok = response.status_code == 200 or (
            response.status_code == 302 and location.startswith("/simulatori/")
        )
        assert ok, f"{rule.rule}: {response.status_code} {location}"
