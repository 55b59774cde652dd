"""An account made with the shared code that waits for an admin's confirmation is nobody's worker
yet: it is not in its cooperative's worker total (the denominator of reach on the managers'
dashboard and in the funder's report) until it is confirmed, and never if it is rejected."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from elearn.extensions import db
from elearn.learning import services
from elearn.models import RegistrationReview, User
from elearn.models.base import utcnow
from elearn.simulate.pages import record_use
from tests.roster.test_shared_code import ROSTER, _log_in, _register

CLAIM_RE = re.compile(r"/conferma-indirizzo/[A-Za-z0-9_.\-]+")
CONFIRMED = 10  # workers already on the cooperative's books; 5 of them started the course
WAITING = 3  # shared-code accounts nobody has confirmed yet, each with some learning


@dataclass
class Cooperative:
    org_id: int
    admin: int
    waiting: list[int]


@pytest.fixture
def cooperative(app, client, admin, coop, import_roster, make_user, course) -> Cooperative:
    import_roster(ROSTER, coop)
    workers = [make_user("worker", org_id=coop) for _ in range(CONFIRMED)]
    client.post("/logout", data={})
    emails = [f"in.attesa{n}@example.org" for n in range(WAITING)]
    for n, email in enumerate(emails):
        assert _register(client, email, name=f"Persona In Attesa{n}").status_code == 302
        client.post("/logout", data={})
    with app.app_context():
        waiting = list(db.session.scalars(select(User.id).where(User.email.in_(emails))))
        assert len(waiting) == WAITING
        assert all(db.session.get(RegistrationReview, user_id) for user_id in waiting)
        # What each has done already: a module (as an import or the demo could write) and a
        # simulator run (open to them while they wait).
        for learner in workers[:5] + waiting:
            services.record_visit(learner, "prova", "01-spese")
        for learner in waiting:
            record_use(learner)
    return Cooperative(coop, admin, waiting)


def _figures(app, org_id: int) -> dict[str, object]:
    """What the manager's dashboard and the funder's report publish for the cooperative."""
    from elearn.impact.report import build
    from elearn.reports.services import dashboard

    today = utcnow().date()
    with app.test_request_context("/"):
        learning = dashboard([org_id])
        report = build([org_id], today - timedelta(days=30), today)
    impact_reach = [row.values[0] for row in report.table("reach").rows]
    return {
        "workers": learning.workers,
        "reached": learning.reach,
        "share": learning.reach_share,
        "started the course": learning.courses.rows[0].values[0],
        "active this week": learning.weeks[-1][1],
        "report: registered": impact_reach[0],
        "report: did something": impact_reach[1],
    }


# 10 workers, 5 of whom started: published as they are (the rounding is to the nearest 5).
WITHOUT_THE_WAITING = {
    "workers": 10,
    "reached": 5,
    "share": 50,
    "started the course": 5,
    "active this week": 5,
    "report: registered": 10,
    "report: did something": 5,
}
# 13 workers, 8 of whom started: 15 and 10.
WITH_THE_WAITING = {
    "workers": 15,
    "reached": 10,
    "share": 67,
    "started the course": 10,
    "active this week": 10,
    "report: registered": 15,
    "report: did something": 10,
}


def test_a_waiting_account_is_not_in_the_worker_total_nor_in_reach(app, cooperative):
    assert _figures(app, cooperative.org_id) == WITHOUT_THE_WAITING


def test_once_confirmed_the_account_counts_with_its_earlier_learning(
    app, client, login, cooperative
):
    assert _figures(app, cooperative.org_id) == WITHOUT_THE_WAITING
    login(cooperative.admin)
    for user_id in cooperative.waiting:
        response = client.post(f"/admin/personale/in-attesa/{user_id}/conferma", data={})
        assert response.status_code == 302
    assert _figures(app, cooperative.org_id) == WITH_THE_WAITING


def test_a_rejected_account_never_counts(app, client, login, cooperative):
    assert _figures(app, cooperative.org_id) == WITHOUT_THE_WAITING
    login(cooperative.admin)
    for user_id in cooperative.waiting:
        response = client.post(f"/admin/personale/in-attesa/{user_id}/respingi", data={})
        assert response.status_code == 302
    assert _figures(app, cooperative.org_id) == WITHOUT_THE_WAITING


def test_a_payroll_file_that_lists_the_waiting_person_makes_them_count(
    app, client, login, cooperative, import_roster, outbox
):
    """An import that finds the e-mail on the roster mails that address a confirmation link
    (the address alone proves nothing); opening it confirms the account, which then counts."""
    assert _figures(app, cooperative.org_id) == WITHOUT_THE_WAITING
    login(cooperative.admin)
    listed = "".join(
        f"Persona In Attesa{n};in.attesa{n}@example.org;Via Padova\n" for n in range(WAITING)
    )
    import_roster(ROSTER + listed, cooperative.org_id)
    assert _figures(app, cooperative.org_id) == WITHOUT_THE_WAITING
    client.post("/logout", data={})
    for n in range(WAITING):
        [mail] = [m for m in outbox() if m.recipient == f"in.attesa{n}@example.org"][-1:]
        link = CLAIM_RE.search(mail.body_text).group(0)
        _log_in(client, f"in.attesa{n}@example.org")  # the link works for its own account
        assert client.post(link, data={}).status_code == 302
        client.post("/logout", data={})
    with app.app_context():
        assert not any(db.session.get(RegistrationReview, u) for u in cooperative.waiting)
    assert _figures(app, cooperative.org_id) == WITH_THE_WAITING
