"""An invitation used twice at the same moment (two phones, a double tap): one account only,
the other person told clearly. On SQLite and PostgreSQL."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from elearn.auth import services as auth_services
from elearn.auth.services import AccountError
from elearn.extensions import db
from elearn.models import RosterEntry, User
from elearn.roster import invitations
from tests.conftest import PASSWORD


def test_an_invitation_used_twice_at_once_makes_one_account(app, make_org, monkeypatch):
    org_id = make_org(name="Il Girasole")
    with app.app_context():
        entry = RosterEntry(organization_id=org_id, full_name="Maria Rossi", phone="+393331234567")
        db.session.add(entry)
        db.session.commit()
        [letter] = invitations.make_letters([entry], actor_id=None)
        code = letter.code

    both_checked = threading.Barrier(2, timeout=20)
    hash_password = auth_services.hash_password

    # Both requests have found the invitation valid before either consumes it: the window a
    # check-then-write would lose (the password is hashed between the check and the write).
    def hash_then_wait(password: str) -> str:
        hashed = hash_password(password)
        both_checked.wait()
        return hashed

    monkeypatch.setattr(auth_services, "hash_password", hash_then_wait)
    outcomes: list[object] = []

    def use(email: str) -> None:
        with app.test_request_context():
            try:
                invitations.accept(
                    code, full_name="Maria Rossi", email=email, password=PASSWORD, language="it"
                )
                outcomes.append("account")
            except (invitations.InvitationError, AccountError) as error:
                outcomes.append(getattr(error, "reason", "account-error"))
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=use, args=(email,))
        for email in ("maria@example.org", "maria.bis@example.org")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert sorted(outcomes) == ["account", "used"], outcomes
    with app.app_context():
        accounts = db.session.scalar(
            select(func.count(User.id)).where(User.email.like("maria%@example.org"))
        )
        assert accounts == 1
        assert db.session.scalar(select(RosterEntry.user_id)) is not None
