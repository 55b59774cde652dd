"""Nudges that bring people back: what was sent to whom, and who asked for no more reminders."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from elearn.extensions import db
from elearn.models.base import UTCDateTime, utcnow

NUDGE_KINDS = ("course_idle", "pathway_due")
PREFERENCE_SOURCES = ("link", "profile")


class ReminderPreference(db.Model):
    """A person's choice about reminder e-mails (nudges, Welfare-day reminders).

    No row means reminders are on. Account e-mails (password reset, booking confirmations)
    are not reminders and are always sent.
    """

    __tablename__ = "reminder_preference"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    stopped: Mapped[bool] = mapped_column(Boolean, default=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Where the last change was made: the stop link in an e-mail, or the profile page.
    changed_via: Mapped[str] = mapped_column(String(8))

    __table_args__ = (
        CheckConstraint("changed_via IN ('link', 'profile')", name="changed_via_known"),
    )


class NudgeSent(db.Model):
    """One nudge queued for a person. The unique keys make a second copy impossible, even when
    two `elearn nudges queue` run at once: at most two per course (sequence 1 after 7 idle
    days, 2 after 21) and one per pathway step."""

    __tablename__ = "nudge_sent"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(12))
    course_slug: Mapped[str | None] = mapped_column(String(80))
    sequence: Mapped[int] = mapped_column(Integer, default=1)
    pathway_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("pathway_item.id", ondelete="CASCADE"), unique=True
    )
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        UniqueConstraint("user_id", "course_slug", "sequence"),
        CheckConstraint(
            "(kind = 'course_idle' AND course_slug IS NOT NULL AND pathway_item_id IS NULL"
            " AND sequence IN (1, 2))"
            " OR (kind = 'pathway_due' AND pathway_item_id IS NOT NULL AND course_slug IS NULL"
            " AND sequence = 1)",
            name="kind_fields",
        ),
    )
