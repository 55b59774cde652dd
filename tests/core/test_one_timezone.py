"""The TIMEZONE setting is the one source of the cooperatives' time: every domain reads it."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from elearn.consult.rules import local_zone as consult_zone
from elearn.labs.rules import today as lab_today
from elearn.outbox.quiet_hours import is_quiet
from elearn.resources.answers import local_today as resources_today


def test_every_domain_follows_the_timezone_setting(app):
    # Kiritimati is UTC+14: its date differs from Rome's for most of the day, and 20:00 UTC
    # is 10:00 there (a working hour) while Rome is already in quiet hours.
    zone = ZoneInfo("Pacific/Kiritimati")
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Pacific/Kiritimati"
    with app.app_context():
        assert consult_zone() == zone
        assert lab_today() == resources_today() == datetime.now(zone).date()
        tuesday_evening = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)  # Wed 10:00 in Kiritimati
        assert not is_quiet(tuesday_evening)
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Europe/Rome"
    with app.app_context():
        assert is_quiet(datetime(2026, 12, 1, 20, 0, tzinfo=UTC))  # 21:00 in Rome
