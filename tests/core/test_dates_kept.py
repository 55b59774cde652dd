"""Dates are formatted once per value, context, language and time zone (elearn.i18n.format_when
keeps the text): a kept text never shows in another language or zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask_babel import force_locale

from elearn import create_app
from elearn.i18n import format_when

MOMENT = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)  # 10:00 in Milan


def _in(app, locale: str, value, context: str = "long") -> str:
    with app.test_request_context("/"), force_locale(locale):
        return format_when(value, context)


def test_the_same_moment_in_each_language_zone_and_context(app) -> None:
    for _ in range(2):  # the second round reads the kept texts
        assert _in(app, "it", MOMENT) == "giovedì 3 dicembre 2026, 10:00"
        assert _in(app, "en", MOMENT).startswith("Thursday, December 3, 2026")
        assert _in(app, "it", MOMENT, "list") == "03/12/2026, 10:00"
        assert _in(app, "it", date(2026, 12, 3), "list") == "03/12/2026"
    elsewhere = create_app({**app.config, "BABEL_DEFAULT_TIMEZONE": "America/New_York"})
    assert _in(elsewhere, "it", MOMENT) == "giovedì 3 dicembre 2026, 04:00"
    assert _in(app, "it", MOMENT) == "giovedì 3 dicembre 2026, 10:00"
