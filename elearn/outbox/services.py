"""Queue e-mail in the outbox and deliver it through SMTP with retries and backoff."""

from __future__ import annotations

import logging
import smtplib
import uuid
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import Response, after_this_request, current_app
from sqlalchemy import select, update

from elearn.extensions import db
from elearn.models import OutboxMessage
from elearn.models.base import utcnow

log = logging.getLogger(__name__)

# A message stuck in 'sending' this long is assumed abandoned by a crashed sender.
STALE_SENDING = timedelta(minutes=15)


def enqueue(
    recipient: str,
    subject: str,
    body_text: str,
    *,
    attachment: bytes | None = None,
    attachment_name: str | None = None,
    attachment_type: str | None = None,
) -> OutboxMessage:
    """Add a message to the current transaction; it is sent only if the transaction commits."""
    message = OutboxMessage(
        message_id=make_msgid(idstring=uuid.uuid4().hex[:12], domain="welfare3.local"),
        recipient=recipient,
        subject=subject,
        body_text=body_text,
        attachment=attachment,
        attachment_name=attachment_name,
        attachment_type=attachment_type,
    )
    db.session.add(message)
    return message


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    deferred: int = 0


def _backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def _build(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = message.message_id
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


def _claim(message_id: int) -> bool:
    """Mark one message as being sent; False when another sender got it first."""
    now = utcnow()
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            (OutboxMessage.status == "pending")
            | (
                (OutboxMessage.status == "sending")
                & (OutboxMessage.next_attempt_at < now - STALE_SENDING)
            ),
        )
        .values(status="sending", next_attempt_at=now)
    )
    db.session.commit()
    return result.rowcount == 1


def send_pending(limit: int = 100) -> DeliveryReport:
    """Deliver due messages. A failure leaves the message queued for a later attempt."""
    report = DeliveryReport()
    cfg = current_app.config
    now = utcnow()
    due_ids = db.session.scalars(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.next_attempt_at <= now,
            OutboxMessage.status.in_(("pending", "sending")),
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    db.session.commit()
    smtp: smtplib.SMTP | None = None
    try:
        for message_id in due_ids:
            if not _claim(message_id):
                continue
            message = db.session.get(OutboxMessage, message_id)
            assert message is not None
            try:
                email = _build(message, cfg["MAIL_FROM"])
                if cfg["MAIL_BACKEND"] == "console":
                    print(readable(message))
                else:
                    if smtp is None:
                        smtp = _transport()
                    smtp.send_message(email)
            except (OSError, smtplib.SMTPException) as error:
                message.attempts += 1
                message.last_error = f"{type(error).__name__}: {error}"[:500]
                if message.attempts >= cfg["OUTBOX_MAX_ATTEMPTS"]:
                    message.status = "failed"
                    report.failed += 1
                else:
                    message.status = "pending"
                    message.next_attempt_at = utcnow() + _backoff(message.attempts)
                    report.deferred += 1
                db.session.commit()
                log.warning("outbox message %s not delivered: %s", message.id, type(error).__name__)
                if smtp is not None:
                    smtp.close()
                smtp = None
                continue
            message.attempts += 1
            message.status = "sent"
            message.sent_at = utcnow()
            message.last_error = None
            db.session.commit()
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
