"""A learner who started the test course, a controllable clock, and delivery helpers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import select

from elearn.extensions import db
from elearn.models import ModuleProgress, OutboxMessage

ROME = ZoneInfo("Europe/Rome")
# A Wednesday at 10:00 in Milan: the learner's last visit. Every time in these tests is
# counted from it, never from the real clock.
LAST_VISIT = datetime(2026, 11, 4, 10, 0, tzinfo=ROME).astimezone(UTC)


def days_later(days: float, hour: int | None = None) -> datetime:
    moment = LAST_VISIT + timedelta(days=days)
    if hour is not None:
        local = moment.astimezone(ROME)
        moment = local.replace(hour=hour, minute=0).astimezone(UTC)
    return moment


@pytest.fixture
def start_course(app: Flask, course: str) -> Callable[..., None]:
    """The worker finished the first module of `prova` and left; the second is next."""

    def factory(user_id: int, when: datetime = LAST_VISIT, module: str = "01-spese") -> None:
        with app.app_context():
            row = db.session.scalar(
                select(ModuleProgress).where(
                    ModuleProgress.user_id == user_id, ModuleProgress.module_slug == module
                )
            )
            if row is None:
                row = ModuleProgress(
                    user_id=user_id,
                    course_slug=course,
                    module_slug=module,
                    first_visit_at=when,
                    read_at=when,
                    completed_at=when if module == "01-spese" else None,
                )
                db.session.add(row)
            row.last_visit_at = when
            db.session.commit()

    return factory


@pytest.fixture
def learner(make_user: Callable[..., Any], start_course: Callable[..., None]) -> int:
    user_id = make_user("worker", email="giulia@example.org", name="Giulia Rossi")
    start_course(user_id)
    return user_id


def queued(app: Flask, kind: str = "nudge") -> list[OutboxMessage]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
            )
        )


@pytest.fixture
def smtp_app(app: Flask, smtp_server: Any) -> Flask:
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port, MAIL_BACKEND="smtp")
    return app
