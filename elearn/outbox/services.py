"""Queue e-mail in the outbox and deliver it through SMTP with retries and backoff."""

from __future__ import annotations

import logging
import smtplib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import Response, after_this_request, current_app
from flask_babel import force_locale, gettext
from sqlalchemy import or_, select, update

from elearn.extensions import db
from elearn.i18n import supported_language
from elearn.models import OutboxMessage, ReminderPreference, User
from elearn.models.base import utcnow
from elearn.nudges.tokens import stop_url
from elearn.outbox.quiet_hours import is_quiet, next_allowed

log = logging.getLogger(__name__)

# A message stuck in 'sending' this long is assumed abandoned by a crashed sender.
STALE_SENDING = timedelta(minutes=15)
# Kinds that wait for the end of quiet hours and that a person can stop.
REMINDER_KINDS = ("reminder", "nudge")


def reminders_stopped(user_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(ReminderPreference.stopped).where(ReminderPreference.user_id == user_id)
        )
    )


def enqueue(
    recipient: str,
    subject: str,
    body_text: str,
    *,
    attachment: bytes | None = None,
    attachment_name: str | None = None,
    attachment_type: str | None = None,
    kind: str = "transactional",
    user: User | None = None,
    now: datetime | None = None,
) -> OutboxMessage | None:
    """Add a message to the current transaction; it is sent only if the transaction commits.

    A reminder or nudge (`kind`) is for a `user`: nothing is queued when they stopped
    reminders; otherwise it waits for the end of quiet hours and carries their stop link
    (at the end of the text and as a List-Unsubscribe header).
    """
    unsubscribe_url = None
    not_before = now or utcnow()
    if kind in REMINDER_KINDS:
        if user is None:
            raise ValueError("a reminder needs the person it is for")
        if not user.active or reminders_stopped(user.id):
            return None
        unsubscribe_url = stop_url(user)
        with force_locale(supported_language(user.language)):
            body_text = (
                body_text.rstrip("\n")
                + "\n\n-- \n"
                + gettext(
                    "You receive this reminder from WELFARE³, your cooperative's financial "
                    "education site. To receive no more reminders, open this link:\n%(link)s\n",
                    link=unsubscribe_url,
                )
            )
        not_before = next_allowed(not_before)
    message = OutboxMessage(
        message_id=make_msgid(idstring=uuid.uuid4().hex[:12], domain="welfare3.local"),
        recipient=recipient,
        subject=subject,
        body_text=body_text,
        attachment=attachment,
        attachment_name=attachment_name,
        attachment_type=attachment_type,
        kind=kind,
        user_id=user.id if user is not None else None,
        unsubscribe_url=unsubscribe_url,
        next_attempt_at=not_before,
    )
    db.session.add(message)
    return message


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    deferred: int = 0
    # Reminders whose person stopped reminders (or left) after they were queued.
    cancelled: int = 0


def _backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def _build(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = message.message_id
    if message.unsubscribe_url:
        # RFC 2369 and RFC 8058: the mail program's own "unsubscribe" button posts to the link
        # (a scanner that only opens it changes nothing: the page asks to confirm).
        email["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body_text)
    if message.attachment is not None and message.attachment_type:
        maintype, _, subtype = message.attachment_type.partition("/")
        email.add_attachment(
            message.attachment,
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=message.attachment_name or "allegato",
        )
    return email


def readable(message: OutboxMessage) -> str:
    """A message as a person reads it in a terminal (the demo without SMTP): decoded, links whole.

    The MIME form wraps long lines and encodes non-ASCII text in base64, which made reset links
    unusable when printed.
    """
    lines = [
        f"--- e-mail to {message.recipient} ---",
        f"Subject: {message.subject}",
        "",
        message.body_text.rstrip("\n"),
    ]
    if message.attachment is not None:
        size = len(message.attachment)
        lines += ["", f"[attachment: {message.attachment_name or 'allegato'}, {size} bytes]"]
    lines.append("---")
    return "\n".join(lines)


def _transport() -> smtplib.SMTP:
    cfg = current_app.config
    timeout = cfg["SMTP_TIMEOUT"]
    if cfg["SMTP_SSL"]:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=timeout)
    else:
        smtp = smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=timeout)
        if cfg["SMTP_STARTTLS"]:
            smtp.starttls()
    if cfg["SMTP_USER"]:
        smtp.login(cfg["SMTP_USER"], cfg["SMTP_PASSWORD"])
    return smtp


def _due(now: datetime) -> object:
    """What a sender may take now: queued and due, or abandoned by a crashed sender; during
    quiet hours, no reminder or nudge."""
    condition = or_(
        (OutboxMessage.status == "pending") & (OutboxMessage.next_attempt_at <= now),
        (OutboxMessage.status == "sending") & (OutboxMessage.next_attempt_at < now - STALE_SENDING),
    )
    if is_quiet(now):
        condition = condition & OutboxMessage.kind.not_in(REMINDER_KINDS)
    return condition


def _claim_next(now: datetime) -> tuple[int, str] | None:
    """Take one due message for this sender: (id, claim token), or None when none is left.

    One statement marks the row 'sending' with a fresh token, so two senders running at once
    never take the same message. PostgreSQL: the row is chosen FOR UPDATE SKIP LOCKED, so a
    second sender takes the next row instead of waiting; the WHERE is checked again on the
    locked row. SQLite: the UPDATE holds the database's write lock from its first read
    (elearn.database), so the chosen row cannot change underneath.
    """
    token = uuid.uuid4().hex
    due = _due(now)
    candidate = select(OutboxMessage.id).where(due).order_by(OutboxMessage.id).limit(1)
    if db.session.get_bind().dialect.name == "postgresql":
        candidate = candidate.with_for_update(skip_locked=True)
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == candidate.scalar_subquery(), due)
        .values(status="sending", next_attempt_at=now, claim_token=token)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).scalar()
    db.session.commit()
    return None if claimed is None else (claimed, token)


def _finish(message_id: int, token: str, **values: object) -> bool:
    """Record the outcome, only if this sender still holds the claim."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.claim_token == token)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if result.rowcount != 1:
        log.warning("outbox message %s was taken over by another sender", message_id)
        return False
    return True


def _still_wanted(message: OutboxMessage) -> bool:
    """A reminder is dropped when its person stopped reminders after it was queued, was
    deactivated or erased."""
    if message.kind not in REMINDER_KINDS:
        return True
    if message.user_id is None:
        return False
    user = db.session.get(User, message.user_id)
    return user is not None and user.active and not reminders_stopped(user.id)


def send_pending(limit: int = 100, now: datetime | None = None) -> DeliveryReport:
    """Deliver due messages. A failure leaves the message queued for a later attempt.

    Any number of senders may run at once (cron overlapping itself, several servers): each
    message is claimed by exactly one of them. `now` is for tests (quiet hours).
    """
    report = DeliveryReport()
    cfg = current_app.config
    clock_given = now is not None
    smtp: smtplib.SMTP | None = None
    try:
        for _ in range(limit):
            moment = now if clock_given else utcnow()
            assert moment is not None
            claim = _claim_next(moment)
            if claim is None:
                break
            message_id, token = claim
            message = db.session.get(OutboxMessage, message_id, populate_existing=True)
            assert message is not None
            if not _still_wanted(message):
                _finish(message_id, token, status="cancelled", claim_token=None)
                report.cancelled += 1
                continue
            try:
                email = _build(message, cfg["MAIL_FROM"])
                if cfg["MAIL_BACKEND"] == "console":
                    print(readable(message))
                else:
                    if smtp is None:
                        smtp = _transport()
                    smtp.send_message(email)
            except (OSError, smtplib.SMTPException) as error:
                attempts = message.attempts + 1
                failed = attempts >= cfg["OUTBOX_MAX_ATTEMPTS"]
                retry_at = (now if clock_given else utcnow()) + _backoff(attempts)  # type: ignore[operator]
                _finish(
                    message_id,
                    token,
                    attempts=attempts,
                    last_error=f"{type(error).__name__}: {error}"[:500],
                    status="failed" if failed else "pending",
                    next_attempt_at=message.next_attempt_at if failed else retry_at,
                    claim_token=None,
                )
                if failed:
                    report.failed += 1
                else:
                    report.deferred += 1
                log.warning("outbox message %s not delivered: %s", message_id, type(error).__name__)
                if smtp is not None:
                    smtp.close()
                smtp = None
                continue
            if _finish(
                message_id,
                token,
                attempts=message.attempts + 1,
                status="sent",
                sent_at=utcnow(),
                last_error=None,
                claim_token=None,
            ):
                report.sent += 1
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()
    return report


def deliver_inline_if_configured() -> None:
    if current_app.config["OUTBOX_SEND_INLINE"]:
        send_pending()


def deliver_after_response() -> None:
    """Like `deliver_inline_if_configured`, but once the answer has gone out to the browser.

    For the forms that must not reveal whether an address has an account (registration,
    password reset): only a known address queues an e-mail, and waiting for SMTP inside the
    request would make its answer measurably slower.
    """
    if not current_app.config["OUTBOX_SEND_INLINE"]:
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def send() -> None:
        with app.app_context():
            try:
                send_pending()
            except Exception:  # the queue keeps the messages; `elearn outbox send` retries
                log.exception("sending the outbox after a response failed")

    @after_this_request
    def _send_when_closed(response: Response) -> Response:
        response.call_on_close(send)
        return response
