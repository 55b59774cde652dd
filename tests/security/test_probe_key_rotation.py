"""The attacker who holds the leaked SECRET_KEY while the operator keeps it in
SECRET_KEY_FALLBACKS (docs/operator.md 5.3): what a cookie signed with it still opens."""

from __future__ import annotations

import hashlib
import time

import pyotp
import pytest
from flask.json.tag import TaggedJSONSerializer
from itsdangerous import URLSafeTimedSerializer

from elearn.extensions import db
from elearn.models import User

LEAKED = "the key that leaked"


def _cookie(payload: dict, key: str) -> str:
    """A session cookie as Flask signs it (SecureCookieSessionInterface's defaults)."""
    return URLSafeTimedSerializer(
        key,
        salt="cookie-session",
        serializer=TaggedJSONSerializer(),
        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1},
    ).dumps(payload)


@pytest.fixture
def rotated(app):
    app.config["SECRET_KEY_FALLBACKS"] = [LEAKED]
    app.secret_key = app.config["SECRET_KEY"] = "the new key after the rotation"
    return app


def _manager_to_enrol(app, make_user) -> tuple[int, int]:
    """A Welfare Manager created by an admin, or whose lost phone was reset: no authenticator
    yet, so the next login enrols one after the password."""
    manager = make_user("manager")
    with app.app_context():
        user = db.session.get(User, manager)
        user.totp_secret = None
        db.session.commit()
        return manager, user.session_generation


def test_a_cookie_signed_with_the_leaked_key_does_not_replace_the_password(rotated, make_user):
    app = rotated
    manager, generation = _manager_to_enrol(app, make_user)
    attacker = app.test_client()
    forged = {
        "pending_user": manager,
        "pending_generation": generation,
        "pending_since": int(time.time()),
        "pending_next": "/gestione/",
    }
    attacker.set_cookie(app.config["SESSION_COOKIE_NAME"], _cookie(forged, LEAKED))
    page = attacker.get("/login/codice")
    logged_in = False
    if page.status_code == 200:
        with attacker.session_transaction() as session:
            secret = session.get("pending_secret")
        if secret:
            done = attacker.post("/login/codice", data={"code": pyotp.TOTP(secret).now()})
            logged_in = done.status_code == 302 and attacker.get("/gestione/").status_code == 200
    assert not logged_in


def test_a_cookie_signed_with_a_dropped_key_opens_nothing(rotated, make_user):
    app = rotated
    manager, generation = _manager_to_enrol(app, make_user)
    app.config["SECRET_KEY_FALLBACKS"] = []
    attacker = app.test_client()
    forged = {
        "pending_user": manager,
        "pending_generation": generation,
        "pending_since": int(time.time()),
    }
    attacker.set_cookie(app.config["SESSION_COOKIE_NAME"], _cookie(forged, LEAKED))
    response = attacker.get("/login/codice")
    assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_a_forged_logged_in_cookie_needs_a_server_side_session(rotated, make_user):
    """With the leaked key, a cookie saying 'logged in as the admin' is not enough: the session
    token it must carry is checked against the user_session table."""
    app = rotated
    admin = make_user("admin")
    with app.app_context():
        generation = db.session.get(User, admin).session_generation
    attacker = app.test_client()
    forged = {"_user_id": f"{admin}:{generation}", "_fresh": True, "sid": "guessed-token"}
    attacker.set_cookie(app.config["SESSION_COOKIE_NAME"], _cookie(forged, LEAKED))
    response = attacker.get("/admin/personale")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_after_the_rotation_a_logged_in_person_stays_logged_in(
    rotated, app, client, make_user, login
):
    """What the fallback is for: the people logged in before the rotation are not thrown out;
    their cookie keeps the login (checked against the database) and the language."""
    worker = make_user("worker")
    app.config["SECRET_KEY_FALLBACKS"] = []
    app.secret_key = app.config["SECRET_KEY"] = LEAKED  # before the rotation
    login(worker, client)
    client.post("/consenso", data={"progress_sharing": "yes"})
    client.post("/lingua", data={"language": "en", "next": "/"})
    app.config["SECRET_KEY_FALLBACKS"] = [LEAKED]
    app.secret_key = app.config["SECRET_KEY"] = "the new key after the rotation"
    page = client.get("/")
    assert page.status_code == 200
    assert "Log out" in page.get_data(as_text=True)  # still logged in, still in English


def test_notes_a_login_keeps_come_only_from_the_current_key(rotated, app, make_user):
    """A waiting shared-code account (or one that has not made its privacy choice) cannot
    skip the check with a note signed by the old key."""
    worker = make_user("worker")
    with app.app_context():
        generation = db.session.get(User, worker).session_generation
    forged = {
        "_user_id": f"{worker}:{generation}",
        "sid": "guessed",
        "progress_choice_made": worker,
        "pending_user": worker,
    }
    attacker = app.test_client()
    attacker.set_cookie(app.config["SESSION_COOKIE_NAME"], _cookie(forged, LEAKED))
    attacker.get("/login/codice")
    with attacker.session_transaction() as session:
        assert "progress_choice_made" not in session and "pending_user" not in session
