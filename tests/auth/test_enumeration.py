"""Registration and password reset do the same work for a known and an unknown address.

What is compared is the work itself (calls to the hashing, token, message and commit steps),
not the time: a timing assertion would be flaky, an equal count of the costly steps is not.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from flask import has_request_context
from sqlalchemy import select

from elearn.auth import services
from elearn.extensions import db
from elearn.models import OutboxMessage, User


@pytest.fixture
def work(monkeypatch) -> Counter:
    """Counts of the costly steps of registration and password reset."""
    counts: Counter = Counter()

    def counting(name: str, function: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            counts[name] += 1
            return function(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(services, "hash_password", counting("hash", services.hash_password))
    monkeypatch.setattr(services, "_token_hash", counting("token hash", services._token_hash))
    monkeypatch.setattr(
        services.secrets, "token_urlsafe", counting("token", services.secrets.token_urlsafe)
    )
    monkeypatch.setattr(services, "force_locale", counting("message", services.force_locale))
    monkeypatch.setattr(db.session, "commit", counting("commit", db.session.commit))
    return counts


def _register(client, email: str) -> Any:
    password = "una frase lunga e sicura"
    return client.post(
        "/registrazione",
        data={
            "invite_code": "INVITE0001",
            "full_name": "Giulia Rossi",
            "email": email,
            "password": password,
            "password_again": password,
            "language": "it",
        },
    )


def test_registration_does_the_same_work_for_a_new_and_a_known_email(
    client, make_org, make_user, app, work
) -> None:
    org = make_org(invite_code="INVITE0001")
    make_user("worker", email="anna@example.org", org_id=org)
    client.csrf_token()  # fetch the token before counting
    work.clear()
    _register(client, "anna@example.org")
    known = dict(work)
    work.clear()
    _register(client, "nuova@example.org")
    new = dict(work)
    assert known == new
    assert known["hash"] == 1 and known["message"] == 1
    with app.app_context():
        recipients = db.session.scalars(select(OutboxMessage.recipient)).all()
        assert sorted(recipients) == ["anna@example.org", "nuova@example.org"]
        assert db.session.scalar(select(User.id).where(User.email == "nuova@example.org"))


def test_a_reset_request_does_the_same_work_for_known_unknown_and_inactive_addresses(
    client, make_user, app, work
) -> None:
    make_user("worker", email="anna@example.org")
    gone = make_user("worker", email="spento@example.org")
    with app.app_context():
        db.session.get(User, gone).active = False
        db.session.commit()
    client.csrf_token()
    done = {}
    for email in ("anna@example.org", "nessuno@example.org", "spento@example.org"):
        work.clear()
        response = client.post("/password/dimenticata", data={"email": email})
        assert response.status_code == 200
        done[email] = dict(work)
    assert done["anna@example.org"] == done["nessuno@example.org"] == done["spento@example.org"]
    assert done["anna@example.org"]["token"] == 1
    assert done["anna@example.org"]["token hash"] == 1
    assert done["anna@example.org"]["message"] == 1
    with app.app_context():
        assert db.session.scalars(select(OutboxMessage.recipient)).all() == ["anna@example.org"]


def test_with_inline_sending_the_reset_email_leaves_after_the_answer(
    client, make_user, app, monkeypatch
) -> None:
    """With OUTBOX_SEND_INLINE the known address's e-mail is still sent at once, but not while
    the browser waits: the answer takes as long as for an unknown address."""
    from elearn.outbox import services as outbox

    make_user("worker", email="anna@example.org")
    app.config["OUTBOX_SEND_INLINE"] = True
    sent_during_request = []
    monkeypatch.setattr(
        outbox, "send_pending", lambda: sent_during_request.append(has_request_context())
    )
    client.csrf_token()
    for email in ("anna@example.org", "nessuno@example.org"):
        # A WSGI server closes the answer once it is sent (the test client: leaving `with`).
        with client.post("/password/dimenticata", data={"email": email}) as response:
            assert response.status_code == 200
    # Sent then, outside the request: never while the browser waits.
    assert sent_during_request == [False, False]
