"""Dates and times shown to people: one format per context (elearn/i18n.py `format_when`), never
seconds, never an ISO string, months in lower case in Italian.

The page test takes the populated world (tests/security/world.py), gives every stored time some
seconds (37), opens every GET page each role may open, in Italian and in English, and reads the
text a person sees or hears (text, alt, title, aria-label; not form values, where a date input
must hold an ISO date).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser

import pytest
from sqlalchemy import DateTime, select, update

from elearn.extensions import db
from tests.access import ROLES
from tests.security.world import allowed_roles, fill_url

SECONDS = re.compile(r"\b\d{1,2}[:.]\d{2}[:.]\d{2}\b")
ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\d{2}:\d{2}:\d{2}[.+Z]|T\d{2}:\d{2}")
CAPITAL_MONTH = re.compile(
    r"\d\s+(Gennaio|Febbraio|Marzo|Aprile|Maggio|Giugno|Luglio|Agosto|Settembre|Ottobre"
    r"|Novembre|Dicembre)\b"
)
LIST_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b")
SKIPPED = {"static", "auth.logout", "core.theme_css", "core.health"}


class VisibleText(HTMLParser):
    """What a reader sees or a screen reader says: text, alt, title and aria-label."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._hidden += 1
        for name, value in attrs:
            if name in ("alt", "title", "aria-label") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def date_problems(text: str) -> list[str]:
    found = []
    for pattern, what in ((SECONDS, "seconds"), (ISO, "ISO"), (CAPITAL_MONTH, "capital month")):
        for match in pattern.finditer(text):
            start = max(0, match.start() - 40)
            found.append(f"{what}: …{text[start : match.end() + 20]}…")
    return found


def _give_every_time_seconds() -> None:
    for table in db.Model.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, DateTime)]
        keys = list(table.primary_key.columns)
        if not columns or not keys:
            continue
        for row in db.session.execute(select(*keys, *columns)).all():
            changes = {
                column.name: value.replace(second=37)
                for column, value in zip(columns, row[len(keys) :], strict=True)
                if value is not None
            }
            if changes:
                where = [key == row[i] for i, key in enumerate(keys)]
                db.session.execute(update(table).where(*where).values(**changes))
    db.session.commit()


def test_format_when_has_one_format_per_context(app) -> None:
    from flask_babel import force_locale

    from elearn.i18n import format_when

    moment = datetime(2026, 12, 3, 9, 0, 37, tzinfo=UTC)  # 10:00 in Rome
    with app.test_request_context():
        with force_locale("it"):
            assert format_when(moment, "long") == "giovedì 3 dicembre 2026, 10:00"
            assert format_when(moment) == "03/12/2026, 10:00"
            assert format_when(date(2026, 12, 3)) == "03/12/2026"
            assert format_when(date(2026, 12, 3), "long") == "giovedì 3 dicembre 2026"
        with force_locale("en"):
            assert format_when(moment, "long") == "Thursday, December 3, 2026, 10:00\u202fAM"
            assert format_when(date(2026, 12, 3)) == "12/3/2026"
        with pytest.raises(ValueError):
            format_when(moment, "medium")


def test_the_date_filters_never_show_seconds(app) -> None:
    moment = datetime(2026, 12, 3, 9, 0, 37, tzinfo=UTC)
    with app.test_request_context():
        template = app.jinja_env.from_string(
            "{{ m|dateformat }} {{ m|dateformat('full') }} {{ m|timeformat }} "
            "{{ m|timeformat('medium') }} {{ m|datetimeformat }} {{ m|when('medium') }}"
        )
        shown = template.render(m=moment)
    assert not date_problems(shown), shown
    assert shown.startswith("03/12/2026 giovedì 3 dicembre 2026 10:00 10:00"), shown


@pytest.mark.parametrize("language", ["it", "en"])
def test_no_page_shows_seconds_or_iso_dates(fresh, language) -> None:
    from elearn.models import User

    app, world = fresh
    with app.app_context():
        _give_every_time_seconds()
        db.session.execute(update(User).values(language=language))
        db.session.commit()
    problems: dict[str, list[str]] = {}
    checked = dated = 0
    for role in ROLES:
        client = world.clients[role]
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if "GET" not in rule.methods or rule.endpoint in SKIPPED:
                continue
            if role not in allowed_roles(rule.endpoint):
                continue
            url = fill_url(rule, world.values)
            response = client.get(url, headers={"Accept-Language": language})
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            checked += 1
            text = visible(response.get_data(as_text=True))
            dated += bool(LIST_DATE.search(text))
            found = date_problems(text)
            if found:
                problems[f"{role} {url}"] = found[:3]
    assert checked > 40 and dated > 10, (checked, dated)
    assert not problems, problems
