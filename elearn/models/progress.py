"""Consent choices, target-group declarations, activity days and course completions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from elearn.coursefmt.model import TARGET_GROUPS
from elearn.extensions import db
from elearn.models.base import UTCDateTime, utcnow

CONSENT_KINDS = ("progress_sharing", "target_groups", "resources_special", "impact_measure")
ACTIVITY_KINDS = ("module", "quiz", "simulator", "welfare_day")


class ConsentRecord(db.Model):
    """One choice a worker made, with the version of the text they were shown (append-only)."""

    __tablename__ = "consent_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    granted: Mapped[bool] = mapped_column(Boolean)
    text_version: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        CheckConstraint(
            "kind IN ('progress_sharing', 'target_groups', 'resources_special', 'impact_measure')",
            name="kind_known",
        ),
    )


class TargetGroupDeclaration(db.Model):
    """A worker's optional self-declaration (special-category data: consent-gated)."""

    __tablename__ = "target_group_declaration"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    target_group: Mapped[str] = mapped_column(String(20), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        CheckConstraint(
            f"target_group IN ({', '.join(repr(group) for group in TARGET_GROUPS)})",
            name="group_known",
        ),
    )


class ActivityDay(db.Model):
    """A day on which a learner did something of a kind (for activity charts and reach)."""

    __tablename__ = "activity_day"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(12))
    count: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (
        UniqueConstraint("user_id", "day", "kind"),
        Index("ix_activity_day_day", "day"),
        CheckConstraint(
            "kind IN ('module', 'quiz', 'simulator', 'welfare_day')", name="kind_known"
        ),
    )


class CourseCompletion(db.Model):
    """A completed course and the code that verifies its certificate."""

    __tablename__ = "course_completion"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    course_slug: Mapped[str] = mapped_column(String(80))
    course_title: Mapped[str] = mapped_column(String(200))
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    minutes: Mapped[int] = mapped_column(Integer, default=0)
    verification_code: Mapped[str] = mapped_column(String(16), unique=True)

    __table_args__ = (
        UniqueConstraint("user_id", "course_slug"),
        Index("ix_course_completion_course", "course_slug"),
    )


class ReportSnapshot(db.Model):
    """A computed dashboard kept for a few minutes, so managers' pages stay fast at scale."""

    __tablename__ = "report_snapshot"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    payload: Mapped[str] = mapped_column(db.Text)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
