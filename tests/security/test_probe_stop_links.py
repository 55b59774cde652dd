"""The attacker against the reminder stop links: one person's link never changes another
person's choice, and no value signed elsewhere with the same key passes for a stop link."""

from __future__ import annotations

import pytest
from itsdangerous import URLSafeSerializer, URLSafeTimedSerializer

from elearn.extensions import db
from elearn.models import User
from elearn.nudges.services import reminders_on
from elearn.nudges.tokens import SALT, stop_token


def _token(app, user_id: int) -> str:
    with app.app_context():
        return stop_token(db.session.get(User, user_id))


def _stamp(app, user_id: int) -> int:
    with app.app_context():
        return int(db.session.get(User, user_id).created_at.timestamp())


def _on(app, user_id: int) -> bool:
    with app.app_context():
        return reminders_on(user_id)


def test_a_persons_link_stops_only_their_own_reminders(app, make_user):
    mine, yours = make_user("worker"), make_user("worker")
    visitor = app.test_client()
    assert visitor.post(f"/promemoria/stop/{_token(app, mine)}", data={}).status_code == 200
    assert not _on(app, mine) and _on(app, yours)
    # Resuming through a link is that person's own choice too.
    assert visitor.post(f"/promemoria/stop/{_token(app, yours)}", data={}).status_code == 200
    resumed = visitor.post(f"/promemoria/stop/{_token(app, mine)}", data={"action": "resume"})
    assert resumed.status_code == 200
    assert _on(app, mine) and not _on(app, yours)


@pytest.mark.parametrize(
    "signer",
    [
        "other salt",
        "no salt given",
        "session cookie",
        "guessed key",
    ],
)
def test_values_signed_elsewhere_with_the_site_key_are_not_stop_links(app, make_user, signer):
    victim = make_user("worker")
    payload = [victim, _stamp(app, victim)]
    key = app.config["SECRET_KEY"]
    forged = {
        "other salt": lambda: URLSafeSerializer(key, salt="elearn.nudges.resume").dumps(payload),
        "no salt given": lambda: URLSafeSerializer(key).dumps(payload),
        "session cookie": lambda: URLSafeTimedSerializer(
            key, salt="cookie-session", signer_kwargs={"key_derivation": "hmac"}
        ).dumps(payload),
        "guessed key": lambda: URLSafeSerializer("dev", salt=SALT).dumps(payload),
    }[signer]()
    response = app.test_client().post(f"/promemoria/stop/{forged}", data={"action": "stop"})
    assert response.status_code == 400
    assert _on(app, victim)


def test_a_signed_but_undecodable_token_is_refused_not_an_error(app, make_user):
    victim = make_user("worker")
    timed = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=SALT)
    token = timed.dumps([victim, _stamp(app, victim)])
    response = app.test_client().post(f"/promemoria/stop/{token}", data={"action": "stop"})
    assert response.status_code == 400
    assert _on(app, victim)


def test_a_link_with_extra_or_odd_payload_is_refused(app, make_user):
    victim = make_user("worker")
    key = app.config["SECRET_KEY"]
    serializer = URLSafeSerializer(key, salt=SALT)
    stamp = _stamp(app, victim)
    for payload in (
        [victim],
        [victim, stamp, 1],
        [str(victim), stamp],
        [True, stamp],
        {"id": victim, "stamp": stamp},
        [victim, stamp + 1],
        [victim, float(stamp)],
    ):
        response = app.test_client().post(
            f"/promemoria/stop/{serializer.dumps(payload)}", data={"action": "stop"}
        )
        assert response.status_code == 400, payload
    assert _on(app, victim)


def test_after_the_rotation_a_link_from_the_leaked_key_stops_nothing(app, make_user):
    """SECRET_KEY leaked: the operator rotates it and drops the old one. Links the attacker
    signs with the leaked key (for anyone) are refused; links in the mail still work while the
    old key is a fallback, which is the documented trade-off."""
    victim = make_user("worker")
    leaked = app.config["SECRET_KEY"]
    forged = URLSafeSerializer(leaked, salt=SALT).dumps([victim, _stamp(app, victim)])
    app.config["SECRET_KEY"] = "the-new-key-after-the-leak"
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert app.test_client().post(f"/promemoria/stop/{forged}", data={}).status_code == 400
    assert _on(app, victim)
