"""Factories for consultation tests: two cooperatives, their people, requests and slots."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from elearn.extensions import db
from elearn.models import AppointmentSlot, ConsultationRequest, SocialPoint, User
from elearn.models.base import utcnow


@dataclass
class Coops:
    org_a: int
    org_b: int
    point_a: int
    point_b: int
    worker: int
    other_worker: int
    worker_b: int
    manager: int
    manager_b: int
    trainer: int


@pytest.fixture
def coops(app: Flask, make_org: Callable[..., Any], make_user: Callable[..., Any]) -> Coops:
    org_a = make_org("Cooperativa A")
    org_b = make_org("Cooperativa B")
    with app.app_context():
        point_a = db.session.scalar(
            select(SocialPoint.id).where(SocialPoint.organization_id == org_a)
        )
        point_b = db.session.scalar(
            select(SocialPoint.id).where(SocialPoint.organization_id == org_b)
        )
    return Coops(
        org_a=org_a,
        org_b=org_b,
        point_a=point_a,
        point_b=point_b,
        worker=make_user("worker", org_id=org_a, email="giulia@example.org", name="Giulia Rossi"),
        other_worker=make_user("worker", org_id=org_a, email="anna@example.org", name="Anna Neri"),
        worker_b=make_user("worker", org_id=org_b, email="bruno@example.org", name="Bruno Verdi"),
        manager=make_user("manager", org_id=org_a, email="sara@example.org", name="Sara Colombo"),
        manager_b=make_user("manager", org_id=org_b, email="luca@example.org", name="Luca Galli"),
        trainer=make_user("trainer", email="marco@example.org"),
    )


@pytest.fixture
def make_request(app: Flask) -> Callable[..., int]:
    def factory(worker_id: int, **fields: Any) -> int:
        with app.app_context():
            worker = db.session.get(User, worker_id)
            consultation = ConsultationRequest(
                worker_id=worker_id,
                organization_id=worker.organization_id,
                topic=fields.pop("topic", "budget"),
                description=fields.pop("description", "Non arrivo a fine mese."),
                channel=fields.pop("channel", "in_person"),
                **fields,
            )
            db.session.add(consultation)
            db.session.commit()
            return consultation.id

    return factory


@pytest.fixture
def make_slot(app: Flask) -> Callable[..., int]:
    def factory(point_id: int, manager_id: int, starts_at: datetime | None = None) -> int:
        starts = starts_at or (utcnow().replace(microsecond=0) + timedelta(days=3))
        with app.app_context():
            slot = AppointmentSlot(
                social_point_id=point_id,
                manager_id=manager_id,
                starts_at=starts,
                ends_at=starts + timedelta(minutes=45),
            )
            db.session.add(slot)
            db.session.commit()
            return slot.id

    return factory


@pytest.fixture
def smtp_app(app: Flask, smtp_server: Any) -> Flask:
    """The app delivering e-mail to the real local SMTP server of the test."""
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port, MAIL_BACKEND="smtp")
    return app


def deliver(app: Flask, at: datetime | None = None) -> None:
    """Send the outbox (`at`: the sender's clock, for reminders that wait for quiet hours)."""
    from elearn.outbox.services import send_pending

    with app.app_context():
        report = send_pending(now=at)
        assert report.deferred == 0 and report.failed == 0
