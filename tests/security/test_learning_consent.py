"""CLASS test for the learning-privacy rule (DESIGN.md): no page or export a welfare manager or an
admin can open shows the learning state of a worker who did not consent to share progress and
has no open request that shares it; with consent, the learner page does show it.

The worker's learning state carries markers found nowhere else: every timestamp (visits,
completions, quiz answers, activity days) falls in 1987, the time spent is 342,9 hours, the
average best score 87 %, the certificate code and a quiz answer are unique words, and the
pathway's done/to-do marks have their own markup. Module and course titles are not markers:
managers rightly see them (the catalogue, the modules they may assign, the steps as assigned).

Every GET route of the url map is walked, each `<...>` parameter filled with the ids of the
objects made here (a route with a parameter nobody filled in fails the test: add it below).
"""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from elearn.extensions import db
from elearn.models import (
    ActivityDay,
    ConsultationRequest,
    CourseCompletion,
    ModuleProgress,
    PathwayItem,
    QuizAttempt,
    QuizFirstAnswer,
    SocialPoint,
    User,
    WelfareDay,
    WelfareDayRegistration,
)
from elearn.models.base import utcnow
from elearn.privacy.services import record_choice

NAME = "Ottavia Quaglieri"
YEAR = "1987"  # every learning timestamp of the worker
HOURS = "342,9"  # seconds spent, as hours the Italian way (1,234,440 s)
SCORE = "87\u00a0%"  # the average of the best scores 0.83 and 0.91
CODE = "QZX7Q3WK9P"  # the certificate's verification code
ANSWER = "Zafferano"  # the worker's free answer to a quiz
MODULES_DONE = "2 di 2 moduli"  # the course progress line of a case file
MARKERS = (YEAR, HOURS, SCORE, CODE, ANSWER, MODULES_DONE, "pathway-mark", "is-done")

# Random values a page carries (CSRF tokens, CSP nonces) could hold a marker by chance.
RANDOM_VALUES = re.compile(r'(?:value|content|nonce)="[A-Za-z0-9._\-=+/]{20,}"')


def when(day: int, hour: int = 10) -> datetime:
    return datetime(1987, 3, day, hour, 17, tzinfo=UTC)


@pytest.fixture
def scene(app: Flask, make_org, make_user, course: str) -> dict:
    home, other = make_org("Cooperativa Girasole"), make_org("Cooperativa Altrove")
    worker = make_user("worker", org_id=home, name=NAME, consent=False)
    manager = make_user("manager", org_id=home)
    admin = make_user("admin")
    admin_manager = make_user("admin", "manager", org_id=home)
    make_user("worker", org_id=other, consent=True)
    with app.app_context():
        for module_slug, score, seconds, day in (
            ("01-spese", 0.83, 1_000_000, 2),
            ("02-rate", 0.91, 234_440, 3),
        ):
            db.session.add(
                ModuleProgress(
                    user_id=worker,
                    course_slug=course,
                    module_slug=module_slug,
                    first_visit_at=when(day, 9),
                    last_visit_at=when(day, 11),
                    visits=3,
                    read_at=when(day, 10),
                    best_score=score,
                    completed_at=when(day, 11),
                    seconds_spent=seconds,
                    mastered_at=when(day + 7),
                )
            )
        for module_slug, quiz_id in (("01-spese", "spesa-fissa"), ("02-rate", "taeg-spese")):
            db.session.add(
                QuizAttempt(
                    user_id=worker,
                    course_slug=course,
                    module_slug=module_slug,
                    quiz_id=quiz_id,
                    response=f'{{"text": "{ANSWER}"}}',
                    correct=False,
                    created_at=when(4),
                )
            )
            db.session.add(
                QuizFirstAnswer(
                    user_id=worker,
                    course_slug=course,
                    module_slug=module_slug,
                    quiz_id=quiz_id,
                    correct=False,
                    created_at=when(4),
                )
            )
        db.session.add(
            CourseCompletion(
                user_id=worker,
                course_slug=course,
                course_title="Corso di prova",
                completed_at=when(5),
                minutes=20,
                verification_code=CODE,
            )
        )
        db.session.add(ActivityDay(user_id=worker, day=when(5).date(), kind="module", count=4))
        requests = {}
        for key, share, closed in (("open", False, False), ("closed", True, True)):
            consultation = ConsultationRequest(
                worker_id=worker,
                organization_id=home,
                topic="budget",
                description="Vorrei capire le rate.",
                channel="phone",
                share_progress=share,
                status="closed" if closed else "new",
                closed_at=utcnow() if closed else None,
                outcome="Risolto." if closed else None,
            )
            db.session.add(consultation)
            db.session.flush()
            requests[key] = consultation.id
        items = [
            PathwayItem(kind="module", course_slug=course, module_slug="01-spese"),
            PathwayItem(kind="module", course_slug=course, module_slug="02-rate"),
            PathwayItem(kind="action", title="Telefona al CAF", done_at=when(6)),
            PathwayItem(kind="action", title="Porta la busta paga"),
        ]
        for item in items:
            item.worker_id, item.request_id, item.created_by_id = worker, requests["open"], manager
        db.session.add_all(items)
        starts = utcnow().replace(microsecond=0) + timedelta(days=10)
        event = WelfareDay(
            organization_id=home,
            title="Welfare day di primavera",
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            place="Sala grande",
            capacity=20,
            seats_taken=1,
        )
        db.session.add(event)
        db.session.flush()
        db.session.add(
            WelfareDayRegistration(welfare_day_id=event.id, worker_id=worker, status="registered")
        )
        point = db.session.scalar(select(SocialPoint.id).where(SocialPoint.organization_id == home))
        db.session.commit()
        return {
            "worker": worker,
            "manager": manager,
            "admin": admin,
            "admin_manager": admin_manager,
            "home": home,
            "requests": requests,
            "values": {
                "request_id": [requests["open"], requests["closed"]],
                "learner_id": [worker],
                "user_id": [worker],
                "organization_id": [home],
                "point_id": [point],
                "event_id": [event.id],
                # Labs hold no learning data; any id is enough for the walk (a 404 is fine).
                "lab_id": [1],
                "month": ["2026-11"],
                "coop_resource_id": [1],
                "questionnaire_step": ["famiglia"],
                "card_id": [1],
                "scenario_id": [1],
                "slug": [course],
                "module_slug": ["01-spese", "02-rate"],
                "table": ["courses", "hardest", "groups", "modules", "weeks"],
                "simulator": ["loan"],
                "filename": ["immagine.png"],
                "media_name": ["immagine.png"],  # deleting a course image: no learning data
                "plan_id": [1],  # health-fund plans: no learning data (a 404 is fine)
                "entry_id": [1],
                "course_id": [1],
                "token": ["nessuno"],
                # Roster: a preview and an invitation hold no learning data (a 404 is fine).
                "import_token": ["nessuno"],
                "secret": ["nessuno"],
                "claim_token": ["nessuno"],  # the link to prove a roster address: no learning
                # The public certificate check answers only to the code printed on the
                # worker's own certificate; that code appears on no page (a marker above).
                "code": ["ABCDEF1234"],
            },
        }


def queries(endpoint: str, home: int) -> list[str]:
    """Query strings that change what a page shows (filters, sorting, scope)."""
    return {
        "reports.learners": [
            "",
            "?q=ottavia",
            "?ordine=activity",
            "?ordine=modules",
            f"?org={home}",
        ],
        "reports.dashboard": ["", "?corso=prova", f"?org={home}"],
        "reports.export": ["", "?corso=prova"],
        "manage.queue": ["", "?status=all", "?status=closed"],
        "admin.users": ["", "?q=ottavia", "?role=worker"],
        "admin.audit_log": ["", "?azione=progress.read", "?azione=pathway.add"],
    }.get(endpoint, [""])


def urls(app: Flask, values: dict, home: int) -> list[tuple[str, str]]:
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        missing = [name for name in rule.arguments if name not in values]
        assert not missing, f"{rule.rule}: give the walk values for {missing}"
        names = sorted(rule.arguments)
        for combination in itertools.product(*(values[name] for name in names)):
            path = rule.rule
            for name, value in zip(names, combination, strict=True):
                path = re.sub(rf"<(?:\w+:)?{name}>", str(value), path)
            found.extend((rule.endpoint, path + query) for query in queries(rule.endpoint, home))
    return found


def walk(app: Flask, login, person: int, scene: dict) -> dict[str, list[tuple[str, int]]]:
    """Every page `person` can GET, the markers each shows, and the status of each endpoint."""
    browser = app.test_client()
    login(person, browser)
    leaks: dict[str, list[str]] = {}
    statuses: dict[str, list[tuple[str, int]]] = {}
    for endpoint, url in urls(app, scene["values"], scene["home"]):
        response = browser.get(url)
        assert response.status_code < 500, url
        statuses.setdefault(endpoint, []).append((url, response.status_code))
        body = RANDOM_VALUES.sub("", response.get_data().decode("utf-8", "replace"))
        shown = [marker for marker in MARKERS if marker in body]
        if endpoint.startswith("reports.") and NAME in body:
            shown.append(NAME)  # being listed among the people who share is itself a read
        if shown:
            leaks[url] = shown
    assert not leaks, f"learning state of a worker who did not consent: {leaks}"
    return statuses


def test_no_manager_or_admin_page_shows_learning_of_a_worker_who_did_not_consent(app, login, scene):
    seen = walk(app, login, scene["manager"], scene)
    open_case = f"/gestione/richieste/{scene['requests']['open']}"
    # The walk really opened the pages that matter, as the manager of the worker's cooperative.
    for endpoint in ("manage.case", "reports.learners", "reports.dashboard", "reports.export"):
        assert any(status == 200 for _url, status in seen[endpoint]), seen[endpoint]
    assert (open_case, 200) in seen["manage.case"]
    assert (f"/report/persone/{scene['worker']}", 404) in seen["reports.learner"]

    for person in ("admin", "admin_manager"):
        seen = walk(app, login, scene[person], scene)
        for endpoint in ("admin.user", "admin.users", "admin.audit_log"):
            assert any(status == 200 for _url, status in seen[endpoint]), seen[endpoint]
    assert (open_case, 200) in seen["manage.case"]  # the admin who is also a manager

    # The same markers do show once the worker chooses to share: the walk can see a leak.
    with app.app_context():
        record_choice(db.session.get(User, scene["worker"]), "progress_sharing", True)
    browser = app.test_client()
    login(scene["manager"], browser)
    learner = browser.get(f"/report/persone/{scene['worker']}")
    assert learner.status_code == 200
    assert YEAR in learner.get_data(as_text=True) and HOURS in learner.get_data(as_text=True)
    listed = browser.get("/report/persone").get_data(as_text=True)
    assert NAME in listed and SCORE in listed
    case = browser.get(open_case).get_data(as_text=True)
    assert "pathway-mark" in case and "is-done" in case and MODULES_DONE in case
