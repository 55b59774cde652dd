"""The signed, per-person stop link of reminder e-mails (no login needed to use it)."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import select

from elearn.extensions import db
from elearn.models import User
from elearn.urls import public_url

SALT = "elearn.nudges.stop"


def _serializer() -> URLSafeSerializer:
    """Signs with SECRET_KEY; also accepts links signed with a key in SECRET_KEY_FALLBACKS
    (itsdangerous takes the keys oldest first and signs with the last one)."""
    fallbacks = [key for key in current_app.config.get("SECRET_KEY_FALLBACKS") or () if key]
    return URLSafeSerializer([*fallbacks, current_app.config["SECRET_KEY"]], salt=SALT)


def _account_stamp(user: User) -> int:
    # The account's creation time: on SQLite an id can be reused after an erasure, and the old
    # person's link must not change the new person's choice.
    return int(user.created_at.timestamp())


def stop_token(user: User) -> str:
    """Without expiry: a link in an old e-mail must still stop the reminders."""
    return str(_serializer().dumps([user.id, _account_stamp(user)]))


def stop_url(user: User) -> str:
    return public_url("nudges.stop", token=stop_token(user))


def user_for_token(token: str) -> User | None:
    """The account a stop link belongs to; None for a tampered, malformed or stale link."""
    try:
        payload = _serializer().loads(token)
    except BadData:  # a bad signature, or a signed value that does not decode
        return None
    if not (
        isinstance(payload, list)
        and len(payload) == 2
        and all(isinstance(part, int) and not isinstance(part, bool) for part in payload)
        and 0 < payload[0] < 2**31  # an account id the database can hold
    ):
        return None
    user_id, stamp = payload
    user = db.session.scalar(select(User).where(User.id == user_id))
    if user is None or _account_stamp(user) != stamp:
        return None
    return user
