"""Quiet hours: no reminder between 20:00 and 08:00 (Rome), on Sundays or public holidays."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from elearn.nudges.services import queue_nudges
from elearn.outbox.quiet_hours import next_allowed
from elearn.outbox.services import enqueue, send_pending
from tests.nudges.conftest import ROME, days_later, queued


def rome(*args: int) -> datetime:
    return datetime(*args, tzinfo=ROME)


@pytest.mark.parametrize(
    ("computed", "goes_out"),
    [
        (rome(2026, 11, 11, 10, 0), rome(2026, 11, 11, 10, 0)),  # Wednesday morning: at once
        (rome(2026, 11, 11, 19, 59), rome(2026, 11, 11, 19, 59)),
        (rome(2026, 11, 11, 20, 0), rome(2026, 11, 12, 8, 0)),  # evening: next morning
        (rome(2026, 11, 11, 21, 0), rome(2026, 11, 12, 8, 0)),
        (rome(2026, 11, 12, 7, 59), rome(2026, 11, 12, 8, 0)),  # early morning: at 08:00
        (rome(2026, 11, 14, 21, 0), rome(2026, 11, 16, 8, 0)),  # Saturday night: Monday
        (rome(2026, 11, 15, 12, 0), rome(2026, 11, 16, 8, 0)),  # Sunday noon: Monday
        # Sunday 6 December: Monday is Sant'Ambrogio (Milan), Tuesday the Immaculate Conception.
        (rome(2026, 12, 6, 12, 0), rome(2026, 12, 9, 8, 0)),
        (rome(2026, 12, 24, 21, 0), rome(2026, 12, 28, 8, 0)),  # Christmas, St Stephen, Sunday
        (rome(2026, 3, 28, 21, 0), rome(2026, 3, 30, 8, 0)),  # the night clocks go forward
    ],
)
def test_next_allowed_time(computed, goes_out):
    assert next_allowed(computed.astimezone(UTC)) == goes_out.astimezone(UTC)


def test_a_nudge_computed_at_21_goes_out_at_8_next_morning(app, smtp_app, smtp_server, learner):
    with app.app_context():
        assert queue_nudges(now=days_later(7, hour=21)).first == 1
        [message] = queued(app)
        assert message.next_attempt_at == rome(2026, 11, 12, 8, 0).astimezone(UTC)
        assert send_pending(now=days_later(7, hour=22)).sent == 0
        assert send_pending(now=rome(2026, 11, 12, 7, 59).astimezone(UTC)).sent == 0
        assert send_pending(now=rome(2026, 11, 12, 8, 0).astimezone(UTC)).sent == 1
    assert len(smtp_server.messages) == 1


def test_a_nudge_computed_on_sunday_goes_out_on_monday(
    app, smtp_app, smtp_server, learner, start_course
):
    # Last visit Sunday 1 November (All Saints, a holiday too), nudge due Sunday 8 November.
    start_course(learner, when=rome(2026, 11, 1, 10, 0).astimezone(UTC))
    sunday = rome(2026, 11, 8, 10, 0).astimezone(UTC)
    with app.app_context():
        assert queue_nudges(now=sunday).first == 1
        assert send_pending(now=sunday).sent == 0
        assert send_pending(now=rome(2026, 11, 9, 8, 0).astimezone(UTC)).sent == 1


def test_a_message_stuck_until_night_waits_again(app, smtp_app, smtp_server, learner):
    """A nudge queued in the afternoon but not sent before 20:00 (a sender down, a backlog)
    still waits for the morning."""
    with app.app_context():
        assert queue_nudges(now=days_later(7, hour=15)).first == 1
        assert send_pending(now=days_later(7, hour=23)).sent == 0
        assert send_pending(now=days_later(8, hour=8)).sent == 1


def test_account_emails_are_not_held_by_quiet_hours(app, smtp_app, smtp_server):
    night = rome(2026, 11, 15, 23, 0).astimezone(UTC)  # Sunday night
    with app.app_context():
        enqueue("someone@example.org", "Reset", "Your link", now=night)
        from elearn.extensions import db

        db.session.commit()
        assert send_pending(now=night).sent == 1
