"""Rotating SECRET_KEY: invitations sent under the old key keep working while the old key is in
SECRET_KEY_FALLBACKS, stop working once it is dropped, and new ones use the new key."""

from __future__ import annotations

import re

from sqlalchemy import select

from elearn.extensions import db
from elearn.models import RosterEntry, RosterInvitation, User
from elearn.roster.invitations import secret_hash
from tests.conftest import PASSWORD
from tests.roster.conftest import link_token

ROSTER = (
    "Nome e cognome;Email;Cellulare;Cooperativa;Sede;Lingua\n"
    "Maria Rossi;maria@girasole.it;;Il Girasole;Via Padova;\n"
    "Ahmed Benali;;3331234567;Il Girasole;Quarto Oggiaro;\n"
)
NEW_KEY = "a-new-key-after-the-leak"


def _rotate(app, *, keep_old: bool) -> str:
    old = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = NEW_KEY
    app.config["SECRET_KEY_FALLBACKS"] = [old] if keep_old else []
    return old


def _accept(client, path, email):
    return client.post(
        path,
        data={
            "full_name": "Maria Rossi",
            "email": email,
            "password": PASSWORD,
            "password_again": PASSWORD,
            "language": "it",
        },
    )


def _invited(client, coop, import_roster, outbox):
    import_roster(ROSTER, coop)
    assert client.post(f"/admin/personale/{coop}/invita", data={}).status_code == 302
    token = link_token(next(m for m in outbox() if m.recipient == "maria@girasole.it").body_text)
    page = client.post(f"/admin/personale/{coop}/lettere", data={})
    code = re.search(r'class="letter-code">([A-Z0-9]{5}-[A-Z0-9]{5})<', page.get_data(as_text=True))
    client.post("/logout", data={})
    return token, code.group(1)


def test_an_old_invitation_works_while_the_old_key_is_a_fallback(
    app, client, admin, coop, import_roster, outbox
):
    token, code = _invited(client, coop, import_roster, outbox)
    _rotate(app, keep_old=True)
    fresh = app.test_client()
    assert fresh.get(f"/invito/{token}").status_code == 200
    typed = fresh.post("/invito", data={"code": code})
    assert typed.status_code == 302 and "/invito/" in typed.headers["Location"]
    assert _accept(fresh, f"/invito/{token}", "maria.nuova@example.org").status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "maria.nuova@example.org"))
        entry = db.session.scalar(select(RosterEntry).where(RosterEntry.full_name == "Maria Rossi"))
        assert entry.user_id == user.id and user.organization_id == coop


def test_an_old_invitation_is_refused_once_the_old_key_is_dropped(
    app, client, admin, coop, import_roster, outbox
):
    token, code = _invited(client, coop, import_roster, outbox)
    _rotate(app, keep_old=False)
    fresh = app.test_client()
    assert fresh.get(f"/invito/{token}").status_code == 404
    refused = fresh.post("/invito", data={"code": code})
    assert refused.status_code == 422
    assert "Questo invito non è valido." in refused.get_data(as_text=True)
    assert _accept(fresh, f"/invito/{token}", "maria.nuova@example.org").status_code == 404
    with app.app_context():
        assert (
            db.session.scalar(select(User).where(User.email == "maria.nuova@example.org")) is None
        )


def test_invitations_made_after_the_rotation_use_the_new_key(
    app, client, admin, coop, import_roster, outbox
):
    import_roster(ROSTER, coop)
    old = _rotate(app, keep_old=True)
    assert client.post(f"/admin/personale/{coop}/invita", data={}).status_code == 302
    token = link_token(next(m for m in outbox() if m.recipient == "maria@girasole.it").body_text)
    with app.app_context():
        stored = db.session.scalar(select(RosterInvitation.secret_hash))
        assert stored == secret_hash(token)
        assert stored != secret_hash(token, old)
    app.config["SECRET_KEY_FALLBACKS"] = []
    client.post("/logout", data={})
    assert app.test_client().get(f"/invito/{token}").status_code == 200


def test_operators_set_the_fallback_keys_in_the_environment(monkeypatch, tmp_path):
    from elearn.config import settings_from_env

    monkeypatch.setenv("SECRET_KEY_FALLBACKS", " old-key-2 , old-key-1,,")
    assert settings_from_env(tmp_path)["SECRET_KEY_FALLBACKS"] == ["old-key-2", "old-key-1"]
    monkeypatch.delenv("SECRET_KEY_FALLBACKS")
    assert settings_from_env(tmp_path)["SECRET_KEY_FALLBACKS"] == []
