"""The worker's home page says where to start and what is coming up."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from elearn.extensions import db
from elearn.models.base import utcnow


def visible_text(page: str) -> str:
    body = page.split("<main", 1)[-1]
    body = re.sub(r"<(script|style)\b.*?</\1>", "", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


@pytest.fixture
def real_courses(app):
    from elearn.authoring.services import import_courses
    from elearn.paths import resource_dir

    with app.app_context():
        import_courses(resource_dir("courses"))


@pytest.mark.parametrize(
    ("language", "slug", "title", "button"),
    [
        ("it", "bilancio-familiare", "Il bilancio familiare", "Comincia da qui"),
        ("en", "household-budget", "Your household budget", "Start here"),
    ],
)
def test_a_new_worker_is_pointed_to_the_household_budget_course_in_their_language(
    app, client, make_user, login, real_courses, language, slug, title, button
):
    worker = make_user("worker", language=language)
    login(worker)
    page = client.get("/").get_data(as_text=True)
    assert title in visible_text(page)
    assert re.search(rf'<a role="button" href="/corsi/{slug}/">{button}', page)


def test_a_worker_who_has_started_is_not_told_to_start_again(
    app, client, make_user, login, real_courses
):
    worker = make_user("worker")
    login(worker)
    client.get("/corsi/bilancio-familiare/")
    module = client.get("/corsi/bilancio-familiare/").get_data(as_text=True)
    first = re.search(r'href="(/corsi/bilancio-familiare/[^"/]+)"', module).group(1)
    client.get(first)
    text = visible_text(client.get("/").get_data(as_text=True))
    assert "Comincia da qui" not in text
    assert "Riprendi da dove eri rimasto" in text


def test_the_home_shows_the_workers_next_appointment_and_welfare_day(
    app, client, coops, login, make_request
):
    from elearn.models import Appointment, WelfareDay

    request_id = make_request(coops.worker)
    starts = utcnow().replace(microsecond=0) + timedelta(days=3)
    with app.app_context():
        db.session.add(
            Appointment(
                request_id=request_id,
                channel="in_person",
                starts_at=starts,
                ends_at=starts + timedelta(minutes=45),
                location="Via Dante 7, Milano",
            )
        )
        db.session.add(
            WelfareDay(
                organization_id=coops.org_a,
                title="Festa del welfare",
                starts_at=starts + timedelta(days=7),
                ends_at=starts + timedelta(days=7, hours=3),
                place="Cascina Cuccagna",
                capacity=30,
            )
        )
        db.session.add(
            WelfareDay(
                organization_id=coops.org_b,
                title="Giornata di un'altra cooperativa",
                starts_at=starts + timedelta(days=1),
                ends_at=starts + timedelta(days=1, hours=3),
                place="Altrove",
                capacity=30,
            )
        )
        db.session.commit()
    login(coops.worker)
    text = visible_text(client.get("/").get_data(as_text=True))
    assert "Incontro con il Welfare Manager" in text
    assert "Via Dante 7, Milano" in text
    assert "Festa del welfare" in text and "Cascina Cuccagna" in text
    assert "un'altra cooperativa" not in text


def test_a_cancelled_or_past_appointment_is_not_announced(app, client, coops, login, make_request):
    from elearn.models import Appointment

    request_id = make_request(coops.worker)
    with app.app_context():
        future = utcnow() + timedelta(days=2)
        past = utcnow() - timedelta(days=2)
        db.session.add_all(
            [
                Appointment(
                    request_id=request_id,
                    channel="in_person",
                    starts_at=future,
                    ends_at=future + timedelta(minutes=45),
                    location="Annullato",
                    status="cancelled",
                ),
                Appointment(
                    request_id=request_id,
                    channel="in_person",
                    starts_at=past,
                    ends_at=past + timedelta(minutes=45),
                    location="Passato",
                    status="booked",
                ),
            ]
        )
        db.session.commit()
    login(coops.worker)
    text = visible_text(client.get("/").get_data(as_text=True))
    assert "Incontro con il Welfare Manager" not in text
