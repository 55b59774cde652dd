"""The production password hasher, unpatched.

Tests hash passwords with a small scrypt work factor (tests/conftest.py), so this file checks
what production really stores: werkzeug's scrypt at its full cost, for new passwords and for
the stand-in hash checked when an e-mail is unknown, and that such a password logs in.
"""

from __future__ import annotations

from sqlalchemy import update
from werkzeug.security import check_password_hash

from elearn.auth import services
from elearn.extensions import db
from tests.conftest import PASSWORD

PRODUCTION_SCRYPT = "scrypt:32768:8:1$"


def _production(monkeypatch) -> None:
    patched = services.generate_password_hash
    monkeypatch.setattr(services, "generate_password_hash", getattr(patched, "_real", patched))
    real_dummy = getattr(patched, "_real_dummy", None)
    if real_dummy is not None:
        monkeypatch.setattr(services, "_DUMMY_HASH", real_dummy)


def test_production_stores_full_cost_scrypt_hashes(monkeypatch):
    _production(monkeypatch)
    stored = services.hash_password("una frase lunga e sicura")
    assert stored.startswith(PRODUCTION_SCRYPT)
    assert check_password_hash(stored, "una frase lunga e sicura")
    assert not check_password_hash(stored, "una frase lunga e sicurA")
    assert services._DUMMY_HASH.startswith(PRODUCTION_SCRYPT)


def test_a_password_hashed_for_production_logs_in(monkeypatch, app, client, make_user):
    _production(monkeypatch)
    user_id = make_user("worker")
    with app.app_context():
        db.session.execute(
            update(services.User)
            .where(services.User.id == user_id)
            .values(password_hash=services.hash_password(PASSWORD))
        )
        db.session.commit()
        email = db.session.get(services.User, user_id).email
    wrong = client.post("/login", data={"email": email, "password": PASSWORD + "x"})
    assert wrong.status_code == 422  # the form again, with its message
    right = client.post("/login", data={"email": email, "password": PASSWORD})
    assert right.status_code == 302
    assert not right.headers["Location"].startswith("/login")
