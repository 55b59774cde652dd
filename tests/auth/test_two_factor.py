"""Admins and welfare managers need a one-time code from an authenticator app to log in."""

from __future__ import annotations

import re

import pyotp
from sqlalchemy import select

from elearn.extensions import db
from elearn.models import User
from tests.conftest import PASSWORD, TOTP_SECRET, totp_code


def _password_step(client, email):
    return client.post("/login", data={"email": email, "password": PASSWORD})


def test_manager_needs_the_code_after_the_password(app, client, make_user):
    make_user("manager", email="m@example.org")
    response = _password_step(client, "m@example.org")
    assert response.headers["Location"] == "/login/codice"
    assert client.get("/profilo").status_code == 302  # not logged in yet
    wrong = client.post("/login/codice", data={"code": "000000"})
    assert wrong.status_code == 422 and "Questo codice non è giusto" in wrong.get_data(as_text=True)
    right = client.post("/login/codice", data={"code": totp_code()})
    assert right.status_code == 302
    assert client.get("/profilo").status_code == 200


def test_a_code_cannot_be_used_twice(app, client, make_user):
    make_user("admin", email="a@example.org")
    code = totp_code()
    _password_step(client, "a@example.org")
    assert client.post("/login/codice", data={"code": code}).status_code == 302
    client.post("/logout", data={})
    _password_step(client, "a@example.org")
    assert client.post("/login/codice", data={"code": code}).status_code == 422


def test_first_login_enrols_the_authenticator(app, client, make_user):
    user_id = make_user("manager", email="new@example.org")
    with app.app_context():
        db.session.get(User, user_id).totp_secret = None
        db.session.commit()
    _password_step(client, "new@example.org")
    page = client.get("/login/codice").get_data(as_text=True)
    assert 'src="data:image/png;base64,' in page
    secret = re.search(r'<code class="big-code">([A-Z2-7]+)</code>', page).group(1)
    assert client.post("/login/codice", data={"code": pyotp.TOTP(secret).now()}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User.totp_secret).where(User.id == user_id)) == secret


def test_workers_and_trainers_log_in_with_the_password_only(client, make_user):
    make_user("worker", email="w@example.org")
    assert _password_step(client, "w@example.org").headers["Location"] == "/"


def test_the_code_page_without_a_password_step_sends_back_to_login(client):
    assert client.get("/login/codice").headers["Location"] == "/login"
    assert client.post("/login/codice", data={"code": "123456"}).headers["Location"] == "/login"


def test_secret_is_never_shown_after_enrolment(client, make_user):
    make_user("manager", email="m@example.org")
    _password_step(client, "m@example.org")
    assert TOTP_SECRET not in client.get("/login/codice").get_data(as_text=True)
