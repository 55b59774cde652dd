"""Two `elearn outbox send` at once (cron overlapping itself, two servers): each message once."""

from __future__ import annotations

import contextlib
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select

import elearn.outbox.services as outbox
from elearn.extensions import db
from elearn.models import OutboxMessage

MESSAGES = 12
NOON = datetime(2026, 11, 11, 11, 0, tzinfo=UTC)  # a Wednesday, outside quiet hours


def _queue(app: Flask) -> None:
    with app.app_context():
        for n in range(MESSAGES):
            outbox.enqueue(f"person{n}@example.org", f"Messaggio {n}", "Testo", now=NOON)
        db.session.commit()


def _two_senders(app: Flask, monkeypatch: Any, now: datetime = NOON) -> list[Any]:
    """Run two senders in threads, each with its own session and connection. Each holds its
    first message at a meeting point until the other holds one too, so they really overlap."""
    meeting = threading.Barrier(2)
    build = outbox._build
    seen: set[int] = set()

    def held_build(message: OutboxMessage, sender: str) -> Any:
        thread = threading.get_ident()
        if thread not in seen:
            seen.add(thread)
            # Broken when the other sender found nothing left: nothing to overlap with.
            with contextlib.suppress(threading.BrokenBarrierError):
                meeting.wait(timeout=20)
        return build(message, sender)

    monkeypatch.setattr(outbox, "_build", held_build)
    reports: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with app.app_context():
                reports.append(outbox.send_pending(now=now))
        except BaseException as error:  # reported by the test
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return reports


def test_two_senders_at_once_send_every_message_exactly_once(app, smtp_server, monkeypatch) -> None:
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port, MAIL_BACKEND="smtp")
    _queue(app)
    reports = _two_senders(app, monkeypatch)
    received = Counter(mail["Message-ID"] for mail in smtp_server.messages)
    assert len(received) == MESSAGES
    assert set(received.values()) == {1}
    assert sum(report.sent for report in reports) == MESSAGES
    with app.app_context():
        rows = db.session.execute(select(OutboxMessage.status, OutboxMessage.attempts)).all()
    assert set(rows) == {("sent", 1)}


def test_a_crashed_senders_message_is_taken_again_only_when_stale(app, smtp_server) -> None:
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port, MAIL_BACKEND="smtp")
    with app.app_context():
        outbox.enqueue("giulia@example.org", "Oggetto", "Testo", now=NOON)
        db.session.commit()
        claim = outbox._claim_next(NOON)  # a sender claims it, then dies
        assert claim is not None
        assert outbox.send_pending(now=NOON + timedelta(minutes=5)).sent == 0
        assert outbox.send_pending(now=NOON + timedelta(minutes=16)).sent == 1
        # The dead sender, had it woken up, could not mark the message as its own.
        assert outbox._finish(claim[0], claim[1], status="pending") is False
    assert len(smtp_server.messages) == 1
