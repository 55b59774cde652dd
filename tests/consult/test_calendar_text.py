"""No control character typed anywhere (a bell, a terminal escape, DEL, C1) reaches an .ics."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import icalendar
from sqlalchemy import select

from elearn.extensions import db
from elearn.models import OutboxMessage, WelfareDay
from elearn.models.base import utcnow

ROME = ZoneInfo("Europe/Rome")
# (No NUL: PostgreSQL cannot store it, and the NUL check refuses it at the door.)
CONTROLS = "\x01\x07\x08\x0b\x0c\x1b\x7f\x85\x9b"
# In an .ics only CRLF line ends and TAB may appear among the control characters.
FORBIDDEN = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]|\r(?!\n)")


def _day_form(coops, **fields):
    day = utcnow().astimezone(ROME).date() + timedelta(days=10)
    return {
        "organization": coops.org_a,
        "title": "Bilancio e bonus",
        "day": day.isoformat(),
        "start": "09:30",
        "end": "13:00",
        "place": "Social point Lorenteggio",
        "programme": "9:30 Accoglienza",
        "capacity": "10",
        **fields,
    }


def test_a_programme_with_control_characters_is_refused_with_a_message(app, coops, login):
    manager = app.test_client()
    login(coops.manager, manager)
    response = manager.post(
        "/gestione/welfare-day/nuovo",
        data=_day_form(coops, programme="9:30 \x1b[31mAccoglienza\x07"),
    )
    assert response.status_code == 422
    assert "Togli i caratteri di controllo invisibili." in response.get_data(as_text=True)


def test_no_control_character_reaches_the_ics_even_from_stored_text(app, coops, login):
    """Rows written before the forms checked (or by the CLI) are cleaned on the way out."""
    manager, worker = app.test_client(), app.test_client()
    login(coops.manager, manager)
    login(coops.worker, worker)
    created = manager.post("/gestione/welfare-day/nuovo", data=_day_form(coops))
    event_id = int(created.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        day = db.session.get(WelfareDay, event_id)
        day.title = f"Bilancio{CONTROLS} e bonus"
        day.place = "Social\x1b[2J point\x07 Lorenteggio"
        day.programme = "9:30 Accoglienza\r\n10:00\tBilancio\x07\x1b]0;x\x07\r11:00 Fine\x85"
        db.session.commit()
    worker.post(f"/consulenza/welfare-day/{event_id}/iscrizione", data={})
    with app.app_context():
        ics = db.session.scalar(
            select(OutboxMessage.attachment).where(OutboxMessage.attachment.is_not(None))
        )
    assert ics and not FORBIDDEN.search(ics), FORBIDDEN.search(ics)
    event = next(iter(icalendar.Calendar.from_ical(ics).walk("VEVENT")))
    assert str(event["summary"]) == "Bilancio e bonus"
    assert str(event["location"]) == "Social[2J point Lorenteggio"
    assert str(event["description"]) == "9:30 Accoglienza\n10:00\tBilancio]0;x\n11:00 Fine"


def test_calendar_text_keeps_words_tabs_and_line_breaks() -> None:
    from elearn.consult.mail import calendar_text

    assert calendar_text("a\tb\nc\r\nd\re\u2028f") == "a\tb\nc\nd\ne\nf"
    assert calendar_text("".join(chr(n) for n in range(0x20)) + "\x7f\x80\x9f ok") == "\t\n\n ok"
