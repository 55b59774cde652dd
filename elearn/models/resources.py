"""The resources map: questionnaire answers, maps shared with a request, coop resources."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.extensions import db
from elearn.models.base import UTCDateTime, utcnow
from elearn.models.users import Organization

COOP_TITLE_MAX = 160
COOP_TEXT_MAX = 2000
COOP_AMOUNT_MAX = 200


class ResourceProfile(db.Model):
    """The worker's answers, saved at every step so the questionnaire can be resumed.

    Pregnancy and Law 104 answers (special-category data, GDPR art. 9) live apart in
    `special_answers` and are kept only under a standing `resources_special` consent.
    """

    __tablename__ = "resource_profile"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    special_answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    completed_steps: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RequestResourceMap(db.Model):
    """A map the worker attached to their request: the inputs and the date of the estimate,
    so it is recomputed with the rules of that date, whatever year it is read in."""

    __tablename__ = "request_resource_map"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_request.id", ondelete="CASCADE"), unique=True
    )
    worker_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    computed_on: Mapped[date] = mapped_column(Date)
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CoopResource(db.Model):
    """A welfare resource of one cooperative, entered by an administrator."""

    __tablename__ = "coop_resource"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(COOP_TITLE_MAX))
    who_qualifies: Mapped[str] = mapped_column(Text, default="")
    amount: Mapped[str] = mapped_column(String(COOP_AMOUNT_MAX), default="")
    how_to_ask: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organization: Mapped[Organization] = relationship()

    __table_args__ = (
        CheckConstraint(f"length(title) BETWEEN 1 AND {COOP_TITLE_MAX}", name="title_length"),
        CheckConstraint(f"length(who_qualifies) <= {COOP_TEXT_MAX}", name="who_length"),
        CheckConstraint(f"length(how_to_ask) <= {COOP_TEXT_MAX}", name="how_length"),
    )
