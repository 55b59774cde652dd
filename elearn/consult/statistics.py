"""Request statistics for managers: topics and times to answer, through the privacy guard."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from elearn.extensions import db
from elearn.models import ConsultationRequest, Organization, User
from elearn.privacy import disclosure


@dataclass
class OrganizationStats:
    """Published figures only (elearn.privacy.disclosure); None reads "fewer than 5"."""

    organization: Organization
    total: int | None
    by_topic: dict[str, int | None]
    hours_to_first_answer: float | None  # median, whole hours
    days_to_appointment: float | None  # median, whole days


def statistics(manager: User) -> list[OrganizationStats]:
    """Requests by organization and topic, median time to first answer and to the first
    appointment, each through the privacy guard (counts rounded to 5, 1–4 hidden, medians only
    over at least 5 requests)."""
    result = []
    for organization in manager.managed_organizations:
        rows = db.session.execute(
            select(
                ConsultationRequest.topic,
                ConsultationRequest.created_at,
                ConsultationRequest.first_answer_at,
                ConsultationRequest.first_appointment_at,
            ).where(ConsultationRequest.organization_id == organization.id)
        ).all()
        by_topic: dict[str, int] = defaultdict(int)
        answers: list[float] = []
        appointments: list[float] = []
        for topic, created, answered, booked in rows:
            by_topic[topic] += 1
            if answered is not None:
                answers.append((answered - created).total_seconds() / 3600)
            if booked is not None:
                appointments.append((booked - created).total_seconds() / 86400)
        result.append(
            OrganizationStats(
                organization,
                disclosure.count(len(rows)),
                {topic: disclosure.count(n) for topic, n in sorted(by_topic.items())},
                disclosure.median(answers, unit=1),
                disclosure.median(appointments, unit=1),
            )
        )
    return result
