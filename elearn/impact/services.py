"""The worker's side of the impact measure: consent, invitation, answers, own results.

Optional and separately consented (consent kind ``impact_measure`` in consent_record, revocable
at any time: withdrawing deletes the answers). Offered on first use and again after a completed
course or consultation, never more often than once every three months.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask_babel import gettext
from sqlalchemy import Select, and_, bindparam, delete, exists, func, select

from elearn.database import dialect_insert
from elearn.extensions import db
from elearn.i18n import supported_language
from elearn.impact import scales
from elearn.models import (
    ConsentRecord,
    ConsultationRequest,
    CourseCompletion,
    ImpactPrompt,
    ImpactResponse,
    User,
)
from elearn.models.base import utcnow
from elearn.privacy import services as privacy

CONSENT_KIND = "impact_measure"
# At most one answer set every three months (91 days covers any three calendar months).
MIN_INTERVAL = timedelta(days=91)
SNOOZE = timedelta(days=30)


class ImpactError(Exception):
    """A refusal the person can understand; ``message`` is already translated."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def consent_of(user_id: int) -> bool | None:
    return privacy.current_consent(user_id, CONSENT_KIND)


def set_consent(user: User, granted: bool, *, remote_addr: str = "") -> None:
    """Record the choice; withdrawing deletes every answer set (nothing is kept without it)."""
    privacy.record_choice(user, CONSENT_KIND, granted, remote_addr=remote_addr)
    if not granted:
        db.session.execute(delete(ImpactResponse).where(ImpactResponse.user_id == user.id))
        db.session.commit()


def responses_of(user_id: int) -> list[ImpactResponse]:
    return list(
        db.session.scalars(
            select(ImpactResponse)
            .where(ImpactResponse.user_id == user_id)
            .order_by(ImpactResponse.created_at, ImpactResponse.id)
        )
    )


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes from aggregate functions: they are UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


@dataclass
class Offer:
    occasion: str  # first_use, course, consultation


@functools.cache
def _offer_statement() -> Select:
    """The offer's one select, built once per process (building it cost more than running it)."""
    user_id = bindparam("user_id")
    last = (
        select(func.max(ImpactResponse.created_at))
        .where(ImpactResponse.user_id == user_id)
        .scalar_subquery()
    )
    return select(
        select(ConsentRecord.granted)
        .where(ConsentRecord.user_id == user_id, ConsentRecord.kind == CONSENT_KIND)
        .order_by(ConsentRecord.id.desc())
        .limit(1)
        .scalar_subquery(),
        last,
        select(ImpactPrompt.snoozed_until).where(ImpactPrompt.user_id == user_id).scalar_subquery(),
        exists().where(CourseCompletion.user_id == user_id, CourseCompletion.completed_at > last),
        exists().where(
            and_(
                ConsultationRequest.worker_id == user_id,
                ConsultationRequest.status.in_(("done", "closed")),
                ConsultationRequest.cancelled_by_worker.is_(False),
                ConsultationRequest.updated_at > last,
            )
        ),
    )


def offer_for(user: User, now: datetime | None = None) -> Offer | None:
    """Whether to invite the worker now, in one statement (it runs on the home page)."""
    if not user.has_role("worker"):
        return None
    now = now or utcnow()
    row = db.session.execute(_offer_statement(), {"user_id": user.id}).one()
    consent, last_at, snoozed_until, course_since, consultation_since = row
    last_at, snoozed_until = _aware(last_at), _aware(snoozed_until)
    if consent is False or (snoozed_until is not None and snoozed_until > now):
        return None
    if last_at is None:
        return Offer("first_use")
    if consent is not True or now - last_at < MIN_INTERVAL:
        return None
    if course_since:
        return Offer("course")
    if consultation_since:
        return Offer("consultation")
    return None


def snooze(user: User) -> None:
    """ "Not now": the invitation comes back in a month at the earliest."""
    until = utcnow() + SNOOZE
    statement = dialect_insert(ImpactPrompt).values(user_id=user.id, snoozed_until=until)
    db.session.execute(
        statement.on_conflict_do_update(index_elements=["user_id"], set_={"snoozed_until": until})
    )
    db.session.commit()


def next_allowed_at(user_id: int) -> datetime | None:
    """When the next answer set may be given (None: now)."""
    last = _aware(
        db.session.scalar(
            select(func.max(ImpactResponse.created_at)).where(ImpactResponse.user_id == user_id)
        )
    )
    if last is None or utcnow() - last >= MIN_INTERVAL:
        return None
    return last + MIN_INTERVAL


def check_may_answer(user: User) -> None:
    if consent_of(user.id) is not True:
        raise ImpactError(
            gettext("First say yes to the questionnaire: nothing is stored without your consent.")
        )
    if next_allowed_at(user.id) is not None:
        raise ImpactError(
            gettext(
                "You answered less than three months ago. The questionnaire is asked again at "
                "most every three months."
            )
        )


def save_answers(
    user: User,
    *,
    choices: dict[str, str],
    age_band: str,
    mode: str,
    literacy: dict[str, str],
    language: str,
) -> ImpactResponse:
    """Score and store one answer set (only under a standing consent, at most every 3 months)."""
    check_may_answer(user)
    if age_band not in scales.AGE_BANDS or mode not in scales.MODES:
        raise ImpactError(gettext("Answer every question, please."), 422)
    try:
        values = [scales.item_value(item, choices[item.key]) for item in scales.FWB_ITEMS]
    except (KeyError, ValueError):
        raise ImpactError(gettext("Answer every question, please."), 422) from None
    for key, (options, _right) in scales.LITERACY_QUESTIONS.items():
        if literacy.get(key) not in options:
            raise ImpactError(gettext("Answer every question, please."), 422)
    offer = offer_for(user)
    occasion = offer.occasion if offer else ("again" if responses_of(user.id) else "first_use")
    raw_total = sum(values)
    right = scales.literacy_correct(literacy)
    row = ImpactResponse(
        user_id=user.id,
        organization_id=user.organization_id,
        scale_version=scales.SCALE_VERSION,
        language=supported_language(language),
        wording_version=scales.WORDING_VERSION,
        mode=mode,
        age_band=age_band,
        occasion=occasion,
        item_values=values,
        raw_total=raw_total,
        score=scales.fwb_score(raw_total, age_band, mode),
        literacy_answers={key: literacy[key] for key in scales.LITERACY_QUESTIONS},
        interest_correct=right["interest"],
        inflation_correct=right["inflation"],
        diversification_correct=right["diversification"],
    )
    db.session.add(row)
    db.session.execute(delete(ImpactPrompt).where(ImpactPrompt.user_id == user.id))
    db.session.commit()
    return row


def export_rows(user_id: int) -> list[dict[str, object]]:
    """The person's answer sets for the GDPR export."""
    return [
        {
            "created_at": row.created_at.isoformat(),
            "scale_version": row.scale_version,
            "wording_version": row.wording_version,
            "language": row.language,
            "mode": row.mode,
            "age_band": row.age_band,
            "occasion": row.occasion,
            "item_values": row.item_values,
            "raw_total": row.raw_total,
            "score": row.score,
            "literacy_answers": row.literacy_answers,
        }
        for row in responses_of(user_id)
    ]
