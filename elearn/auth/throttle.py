"""Throttling of password and code guessing, per account and per client address.

ASVS 2.2.1: after a few failed attempts an account is paused for a while (a soft lockout that
ends by itself, and a password reset still works), and one address cannot try many accounts.
The counts live in the database (table `auth_attempt`), so they hold across gunicorn workers
and app servers; memory counters would give each worker its own budget.

An attempt is written *before* the password is checked and counted after its commit: the
k-th attempt to commit sees at least k rows, so concurrent requests cannot slip past the limit.
A successful attempt removes its rows (it was not a failure), and a success on the account
clears the account's count.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, request
from sqlalchemy import and_, delete, func, or_, select

from elearn.extensions import db
from elearn.models import AuthAttempt
from elearn.models.base import utcnow

log = logging.getLogger(__name__)

# Scopes: what a row counts.
ACCOUNT = "account"  # failed logins (by e-mail) and failed codes (by account)
ADDRESS = "address"  # failed logins, codes and invite codes from one client address
RESET = "reset"  # password-reset e-mails asked for one address (anti mail-bombing)
RESET_ADDRESS = "reset-address"  # password-reset requests from one client address


@dataclass(frozen=True)
class Blocked:
    """Why a request is refused and for how long (whole minutes, at least 1)."""

    scope: str
    minutes: int


def _key(scope: str, value: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode("utf-8")
    return hmac.new(secret, f"{scope}\x00{value}".encode(), hashlib.sha256).hexdigest()


def client_address() -> str:
    """The client's address (behind trusted proxies, ProxyFix has already rewritten it)."""
    return request.remote_addr or "unknown"


def _limit(scope: str) -> int:
    config = current_app.config
    return {
        ACCOUNT: config["LOGIN_FAILURES_PER_ACCOUNT"],
        ADDRESS: config["LOGIN_FAILURES_PER_ADDRESS"],
        RESET: config["PASSWORD_RESETS_PER_ACCOUNT"],
        RESET_ADDRESS: config["PASSWORD_RESETS_PER_ADDRESS"],
    }[scope]


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["LOGIN_THROTTLE_MINUTES"])


def _blocked(scope: str, key: str, *, allowed: int) -> Blocked | None:
    """Blocked when more than `allowed` rows of this key fall inside the window."""
    since = utcnow() - _window()
    rows = db.session.execute(
        select(func.count(AuthAttempt.id), func.min(AuthAttempt.created_at)).where(
            AuthAttempt.scope == scope, AuthAttempt.key == key, AuthAttempt.created_at > since
        )
    ).one()
    count, oldest = rows
    if count <= allowed:
        return None
    remaining = (oldest + _window() - utcnow()).total_seconds()
    # A security event worth a log line (ASVS 7.2.1): the key is a keyed hash, not the account.
    log.warning("attempts paused: scope=%s key=%s failures=%d", scope, key[:12], count)
    return Blocked(scope, max(1, math.ceil(remaining / 60)))


class Attempt:
    """One guarded attempt: `check()` before the secret is verified, then `succeeded()` or
    `failed()`.

    `subjects` maps scopes to the values they count (e.g. {ACCOUNT: email, ADDRESS: ip}).
    """

    def __init__(self, subjects: dict[str, str]) -> None:
        self.keys = {scope: _key(scope, value) for scope, value in subjects.items()}
        self.row_ids: list[int] = []

    def check(self) -> Blocked | None:
        """Refuse if a limit is already reached; else write this attempt and count again."""
        for scope, key in self.keys.items():
            blocked = _blocked(scope, key, allowed=_limit(scope) - 1)
            if blocked:
                db.session.rollback()
                return blocked
        now = utcnow()
        rows = [
            AuthAttempt(scope=scope, key=key, created_at=now) for scope, key in self.keys.items()
        ]
        db.session.add_all(rows)
        # Old rows are of no use: keep the table small while we are here.
        db.session.execute(
            delete(AuthAttempt).where(AuthAttempt.created_at < now - timedelta(days=1))
        )
        db.session.commit()
        self.row_ids = [row.id for row in rows]
        for scope, key in self.keys.items():
            blocked = _blocked(scope, key, allowed=_limit(scope))
            if blocked:
                return blocked
        return None

    def failed(self) -> None:
        """The secret was wrong: the rows written by `check()` stay and count."""

    def succeeded(self, *, clear: tuple[str, ...] = (ACCOUNT,)) -> None:
        """The secret was right: this attempt was no failure, and the account starts afresh."""
        gone = or_(
            AuthAttempt.id.in_(self.row_ids),
            *[
                and_(AuthAttempt.scope == scope, AuthAttempt.key == self.keys[scope])
                for scope in clear
                if scope in self.keys
            ],
        )
        # Lock the rows in one order (by id) before deleting them. Two logins to one account at
        # the same moment (the start of a shift, on two devices) each deleted their own rows
        # first and then the account's: each held rows the other wanted, and PostgreSQL broke
        # the deadlock by failing one login with "site busy". SQLite locks the whole file.
        ids = db.session.scalars(
            select(AuthAttempt.id).where(gone).order_by(AuthAttempt.id).with_for_update()
        ).all()
        if ids:
            db.session.execute(delete(AuthAttempt).where(AuthAttempt.id.in_(ids)))
        db.session.commit()


def clear_account(value: str) -> None:
    """Forget the failed attempts on an account (after a password reset)."""
    db.session.execute(
        delete(AuthAttempt).where(
            AuthAttempt.scope == ACCOUNT, AuthAttempt.key == _key(ACCOUNT, value)
        )
    )
