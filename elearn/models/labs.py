"""Co-production labs: needs and resources written by workers, supports, dot votes, outcomes.

Kept apart from the learning tables on purpose: nothing here joins courses or progress.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.extensions import db
from elearn.models.base import UTCDateTime, utcnow
from elearn.models.users import Organization, User

CARD_KINDS = ("need", "resource")
CARD_TOPICS = ("childcare", "care", "health", "money", "time", "transport", "other")
CARD_STATUSES = ("visible", "hidden", "merged")
OUTCOME_KINDS = ("new_service", "health_fund", "work_life", "not_possible")
CARD_TEXT_MAX = 500
# At most this many dots on one card: a strong priority shows, yet with the default five
# dots nobody can put everything on a single card.
MAX_DOTS_PER_CARD = 3


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class LabOrganization(db.Model):
    """A cooperative whose workers take part in a lab."""

    __tablename__ = "lab_organization"

    lab_id: Mapped[int] = mapped_column(ForeignKey("lab.id", ondelete="CASCADE"), primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Lab(db.Model):
    """A co-production workshop: phases follow the dates (the facilitator may bring one forward)."""

    __tablename__ = "lab"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(160))
    question: Mapped[str] = mapped_column(Text)
    collect_from: Mapped[date] = mapped_column(Date)
    merge_from: Mapped[date] = mapped_column(Date)
    vote_from: Mapped[date] = mapped_column(Date)
    outcome_from: Mapped[date] = mapped_column(Date, index=True)
    dots_per_person: Mapped[int] = mapped_column(Integer, default=5)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organizations: Mapped[list[Organization]] = relationship(
        secondary="lab_organization", lazy="selectin", order_by="Organization.name"
    )

    __table_args__ = (
        CheckConstraint(
            "collect_from <= merge_from AND merge_from <= vote_from AND vote_from <= outcome_from",
            name="phases_in_order",
        ),
        CheckConstraint("dots_per_person BETWEEN 1 AND 10", name="dots_per_person_range"),
    )


class LabCard(db.Model):
    """A need ("what is hard") or a resource ("what could help, what I can offer")."""

    __tablename__ = "lab_card"

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_id: Mapped[int] = mapped_column(ForeignKey("lab.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    topic: Mapped[str] = mapped_column(String(12))
    text: Mapped[str] = mapped_column(Text)
    # The worker who wrote it; NULL for paper cards and after the author's erasure.
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    # Only when the author chose it: then others see their first name.
    signed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Supporters without a linked account: people who wrote it on paper, erased authors.
    anonymous_supporters: Mapped[int] = mapped_column(Integer, default=0)
    # The facilitator who typed in a paper card.
    entered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(8), default="visible")
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    moderated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("lab_card.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    lab: Mapped[Lab] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    merged_into: Mapped[LabCard | None] = relationship(remote_side=[id])

    __table_args__ = (
        CheckConstraint(_in("kind", CARD_KINDS), name="kind_known"),
        CheckConstraint(_in("topic", CARD_TOPICS), name="topic_known"),
        CheckConstraint(_in("status", CARD_STATUSES), name="status_known"),
        CheckConstraint("anonymous_supporters >= 0", name="anonymous_supporters_positive"),
        CheckConstraint(
            "status != 'hidden' OR hidden_reason IS NOT NULL", name="hidden_has_reason"
        ),
        CheckConstraint(
            "(status = 'merged') = (merged_into_id IS NOT NULL)", name="merged_has_target"
        ),
        CheckConstraint("NOT signed OR author_id IS NOT NULL", name="signed_has_author"),
    )


class LabSupport(db.Model):
    """A "+1": someone else has the same need or resource."""

    __tablename__ = "lab_support"

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("lab_card.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (UniqueConstraint("card_id", "user_id"),)


class LabVote(db.Model):
    """The dots one person put on one card."""

    __tablename__ = "lab_vote"

    id: Mapped[int] = mapped_column(primary_key=True)
    lab_id: Mapped[int] = mapped_column(ForeignKey("lab.id", ondelete="CASCADE"), index=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("lab_card.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    dots: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        UniqueConstraint("card_id", "user_id"),
        CheckConstraint(f"dots BETWEEN 1 AND {MAX_DOTS_PER_CARD}", name="dots_range"),
    )


class LabOutcome(db.Model):
    """What will be done with a card that came out on top."""

    __tablename__ = "lab_outcome"

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("lab_card.id", ondelete="CASCADE"), unique=True)
    kind: Mapped[str] = mapped_column(String(12))
    text: Mapped[str] = mapped_column(Text)
    written_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    card: Mapped[LabCard] = relationship()

    __table_args__ = (CheckConstraint(_in("kind", OUTCOME_KINDS), name="kind_known"),)
