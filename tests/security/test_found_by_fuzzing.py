"""Bugs the fuzzers of this package found, pinned by plain examples: fast, and they name the bug."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from elearn.extensions import db

BLANK = " \t \r\n "

# (role, path, the form without the blank field, the blank field): each used to be accepted
# (a nameless organization, an empty message...) or, for messages and notes, to give a 500
# (the database refuses an empty body after the service strips it).
BLANK_FIELDS = [
    ("worker", "/consulenza/richieste/1/messaggi", {}, "body"),
    ("manager", "/gestione/richieste/1/messaggi", {"wait_for_worker": "y"}, "body"),
    ("manager", "/gestione/richieste/1/note", {}, "note"),
    ("manager", "/gestione/richieste/1/chiudi", {}, "outcome"),
    (
        "worker",
        "/consulenza/nuova",
        {"topic": "budget", "channel": "phone", "social_point": "1"},
        "description",
    ),
    ("admin", "/admin/organizzazioni/1", {"slug": "sole", "accent_color": "#1f6f5c"}, "name"),
    ("admin", "/admin/social-point/1", {"address": "Via Roma 1", "active": "y"}, "name"),
    ("admin", "/admin/social-point/1", {"name": "Punto", "active": "y"}, "address"),
    ("admin", "/admin/utenti/1", {"email": "worker@example.org", "roles": "worker"}, "full_name"),
    (
        "trainer",
        "/editor/nuovo",
        {"slug": "vuoto", "summary": "Due frasi.", "language": "it"},
        "title",
    ),  # noqa: E501
    ("trainer", "/editor/nuovo", {"slug": "vuoto", "title": "Titolo", "language": "it"}, "summary"),
    (
        "manager",
        "/gestione/welfare-day/nuovo",
        {
            "organization": "1",
            "title": "Festa",
            "day": "2099-01-10",
            "start": "09:00",
            "end": "12:00",
            "capacity": "5",
        },  # noqa: E501
        "place",
    ),
]


@pytest.mark.parametrize(("role", "path", "form", "blank"), BLANK_FIELDS)
def test_a_field_of_only_spaces_is_refused_like_an_empty_one(fresh, role, path, form, blank):
    app, world = fresh
    data = {**form, blank: BLANK, "csrf_token": world.csrf[role]}
    response = world.clients[role].post(path, data=data, csrf=False)
    assert response.status_code == 422, response.get_data(as_text=True)[:400]
    assert 'class="field-error"' in response.get_data(as_text=True)


def test_a_profile_name_of_only_spaces_is_refused(fresh):
    from elearn.models import User

    app, world = fresh
    data = {"profile-full_name": BLANK, "profile-language": "it"}
    data["profile-csrf_token"] = world.csrf["worker"]
    response = world.clients["worker"].post("/profilo", data=data, csrf=False)
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(User, world.people["worker"]).full_name == "Persona Worker"


@pytest.mark.parametrize("choice", ["²", "٣", "9" * 5000, "-1", "1.0", "00000000001"])
def test_an_unreadable_quiz_choice_is_a_message_not_a_500(fresh, choice):
    app, world = fresh
    response = world.clients["worker"].post(
        "/corsi/prova/01-spese/quiz/spesa-fissa",
        data={"choice": choice, "csrf_token": world.csrf["worker"]},
        csrf=False,
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'class="quiz-error"' in page, "no message about the unreadable answer"


@pytest.mark.parametrize(
    "title", ["Budget: le basi", "Spese #1 e #2", '"Citazione" finale', "- elenco", "{{7*7}}"]
)
def test_a_new_module_keeps_the_title_typed_in_the_editor(fresh, title):
    """The title went into the YAML front matter unquoted: "Budget: le basi" broke the new
    module at once, "Spese #1 e #2" silently became "Spese"."""
    from elearn.authoring.services import get_course, validate_working_copy

    app, world = fresh
    response = world.clients["trainer"].post(
        "/editor/prova/moduli",
        data={"slug": "03-nuovo", "title": title, "csrf_token": world.csrf["trainer"]},
        csrf=False,
    )
    assert response.status_code == 302
    with app.app_context():
        course = get_course("prova")
        parsed, errors = validate_working_copy(course)
        assert not errors, [str(e) for e in errors]
        assert next(m for m in parsed.modules if m.slug == "03-nuovo").title == title


def test_a_new_course_keeps_title_and_summary_with_odd_characters(fresh):
    from elearn.authoring.services import get_course, validate_working_copy

    app, world = fresh
    title, summary = "Soldi: istruzioni #1 😀", '"Tutto" quello che serve: sì'
    data = {"slug": "strano", "title": title, "summary": summary, "language": "it"}
    invisible = world.clients["trainer"].post(
        "/editor/nuovo",
        data={**data, "title": "Soldi \x7f", "csrf_token": world.csrf["trainer"]},
        csrf=False,
    )
    assert invisible.status_code == 422  # DEL is an invisible control character
    response = world.clients["trainer"].post(
        "/editor/nuovo", data={**data, "csrf_token": world.csrf["trainer"]}, csrf=False
    )
    assert response.status_code == 302
    with app.app_context():
        parsed, errors = validate_working_copy(get_course("strano"))
        assert not errors, [str(e) for e in errors]
        assert (parsed.title, parsed.summary) == (title, summary)


def test_an_empty_course_yml_says_why_it_was_not_saved(fresh):
    app, world = fresh
    response = world.clients["trainer"].post(
        "/editor/prova/", data={"source": "", "csrf_token": world.csrf["trainer"]}, csrf=False
    )
    assert response.status_code == 422
    assert 'class="field-error"' in response.get_data(as_text=True)


def test_closing_a_case_closed_meanwhile_says_so(fresh):
    from elearn.models import ConsultationRequest

    app, world = fresh
    manager = world.clients["manager"]
    for outcome in ("Risolto.", ""):
        response = manager.post(
            "/gestione/richieste/1/chiudi",
            data={"outcome": outcome, "csrf_token": world.csrf["manager"]},
            csrf=False,
        )
        assert response.status_code == 302
    page = manager.get(response.headers["Location"]).get_data(as_text=True)
    assert "notice-error" in page, "no message that the case was closed already"
    with app.app_context():
        assert db.session.get(ConsultationRequest, 1).outcome == "Risolto."
        assert db.session.scalar(select(func.count()).select_from(ConsultationRequest)) == 1


BIG = "9" * 30  # a number, but not an id: over the range of an INTEGER column
ODD_ADDRESSES = [
    ("worker", f"/consulenza/nuova?scenario={BIG}"),
    ("worker", "/consulenza/nuova?scenario=²"),  # "²".isdigit() is true, int("²") fails
    ("manager", "/gestione/?organization=²"),
    ("manager", f"/gestione/calendario?point={BIG}"),
    ("manager", "/gestione/calendario?week=9999-12-31"),  # no week after it
    ("manager", "/gestione/calendario?week=0001-01-01"),  # no week before it
    ("manager", "/report/?org=²"),
]


@pytest.mark.parametrize(("role", "path"), ODD_ADDRESSES)
def test_odd_ids_and_dates_in_the_address_show_the_page(fresh, role, path):
    app, world = fresh
    assert world.clients[role].get(path).status_code == 200


ODD_FORMS = [
    ("manager", "/gestione/richieste/1/prenota", {"slot": BIG, "channel": "phone"}, 409),
    ("worker", "/consulenza/percorso/1", {"share": "1", "request_id": BIG}, 302),
    (
        "worker",
        "/consulenza/nuova",
        {
            "topic": "budget",
            "description": "x",
            "channel": "phone",
            "social_point": "1",
            "scenarios": BIG,
        },  # noqa: E501
        422,
    ),
    (
        "manager",
        "/gestione/calendario/fasce",
        {
            "point": "1",
            "day": "9999-12-31",
            "start": "09:00",
            "end": "10:00",
            "minutes": "45",
            "weeks": "12",
        },  # noqa: E501
        422,
    ),
]


@pytest.mark.parametrize(("role", "path", "form", "status"), ODD_FORMS)
def test_odd_ids_and_dates_in_forms_are_refused_with_a_message(fresh, role, path, form, status):
    app, world = fresh
    data = {**form, "csrf_token": world.csrf[role]}
    response = world.clients[role].post(path, data=data, csrf=False)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    if status >= 400:
        assert 'class="field-error"' in response.get_data(as_text=True)


def test_a_loan_whose_fees_dwarf_the_sum_received_is_invalid_input(client):
    """The TAEG solver finds no sign change when 5e-324 € meet 1e9 € of fees (schemathesis)."""
    body = {"principal": 5e-324, "annual_rate": 0, "months": 1, "installment_fee": 999999999}
    response = client.post("/api/v1/simulators/loan", json=body)
    assert response.status_code == 422
    assert "upfront_fees" in response.get_json()["errors"]


def test_the_certificate_draws_the_letters_of_the_name(fresh):
    """Helvetica has no Ł, Ș or Arabic letters: reportlab drew black boxes in their place."""
    from elearn.models import CourseCompletion, User

    app, world = fresh
    name = "Łukasz Ștefan Zoë مريم"
    with app.app_context():
        db.session.get(User, world.people["worker"]).full_name = name
        db.session.add(
            CourseCompletion(
                user_id=world.people["worker"],
                course_slug="prova",
                course_title="Corso: Ăîâșț",
                minutes=15,
                verification_code="CODE123456",
            )
        )
        db.session.commit()
    response = world.clients["worker"].get("/certificati/prova.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert b"ZapfDingbats" not in response.data, "missing letters were drawn as black boxes"
    for letter in "ŁȘëمĂș":
        assert f"<{ord(letter):04X}>".encode() in response.data, f"{letter} not in the PDF font"
    assert b"CODE123456" in response.data


def test_a_form_field_whose_name_cannot_be_read_is_a_400_not_a_500(fresh):
    """A line break in a multipart field name left the part without a name: the CSRF check and
    the NUL guard crashed on it (found by the form fuzzer)."""
    app, world = fresh
    boundary = "xyzzy"
    body = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="choi\rce"\r\n\r\n'
        "0\r\n"
        f"--{boundary}--\r\n"
    )
    response = world.clients["worker"].post(
        "/corsi/prova/01-spese/letto",
        data=body.encode(),
        content_type=f"multipart/form-data; boundary={boundary}",
        csrf=False,
    )
    assert response.status_code == 400
