"""E-mail waiting to be delivered: written in the same transaction as the change causing it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from elearn.extensions import db
from elearn.models.base import UTCDateTime, utcnow

# transactional: account and booking e-mail, sent at once and always. reminder and nudge: sent
# only outside quiet hours and never to someone who stopped reminders (elearn.outbox.quiet_hours).
MESSAGE_KINDS = ("transactional", "reminder", "nudge")
STATUSES = ("pending", "sending", "sent", "failed", "cancelled")


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stable Message-ID: a retry after an uncertain delivery can be recognised downstream.
    message_id: Mapped[str] = mapped_column(String(120), unique=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(255))
    body_text: Mapped[str] = mapped_column(Text)
    attachment_name: Mapped[str | None] = mapped_column(String(120))
    attachment_type: Mapped[str | None] = mapped_column(String(120))
    attachment: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Not before this time: the retry backoff, or the end of quiet hours for reminders.
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    kind: Mapped[str] = mapped_column(
        String(13), default="transactional", server_default="transactional"
    )
    # The person a reminder or nudge is for: their stop preference is checked at sending time.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    # The person's stop link (List-Unsubscribe header); reminders and nudges only.
    unsubscribe_url: Mapped[str | None] = mapped_column(String(500))
    # Set by the sender that claimed the message; only that sender may mark it sent.
    claim_token: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'failed', 'cancelled')", name="status_known"
        ),
        CheckConstraint("kind IN ('transactional', 'reminder', 'nudge')", name="kind_known"),
    )
