"""The shared invite code: tied to the roster when the e-mail is on it, otherwise the account
waits for an admin's confirmation; the admin can turn the code off."""

from __future__ import annotations

import re

from sqlalchemy import select

from elearn.extensions import db
from elearn.models import AuditEntry, RegistrationReview, RosterEntry, User
from tests.conftest import PASSWORD

CLAIM_RE = re.compile(r"http://127\.0\.0\.1:5000(/conferma-indirizzo/[A-Za-z0-9_.\-]+)")
ROSTER = (
    "Nome e cognome;Email;Sede\n"
    "Maria Rossi;maria@girasole.it;Via Padova\n"
    "Luca Neri;luca@girasole.it;Niguarda\n"
)


def _register(client, email, code="GIRASOLE26", name="Maria Rossi"):
    return client.post(
        "/registrazione",
        data={
            "invite_code": code,
            "full_name": name,
            "email": email,
            "password": PASSWORD,
            "password_again": PASSWORD,
            "language": "en",
        },
    )


def _log_in(client, email):
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302
    client.post("/consenso", data={"progress_sharing": "no"})


def test_a_shared_code_account_with_a_roster_email_waits_until_the_address_is_confirmed(
    app, client, admin, coop, import_roster, outbox
):
    """Typing a roster address proves nothing: the account waits, and a link goes to that
    address; opening it (and pressing the button) ties the account to the entry."""
    import_roster(ROSTER, coop)
    client.post("/logout", data={})
    assert _register(client, "Maria@Girasole.it").status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "maria@girasole.it"))
        entry_id = db.session.scalar(
            select(RosterEntry.id).where(RosterEntry.email == "maria@girasole.it")
        )
        assert db.session.get(RosterEntry, entry_id).user_id is None
        assert db.session.get(RegistrationReview, user.id) is not None
        user_id = user.id
    [mail] = [m for m in outbox() if m.recipient == "maria@girasole.it"]
    assert "confirm" in mail.subject.lower()
    link = CLAIM_RE.search(mail.body_text).group(1)
    _log_in(client, "maria@girasole.it")
    assert client.get("/il-mio-percorso").headers.get("Location") == "/in-attesa"
    assert "open the link we sent" in client.get("/in-attesa").get_data(as_text=True)
    page = client.get(link)
    assert page.status_code == 200 and "maria@girasole.it" in page.get_data(as_text=True)
    assert client.post(link, data={}).status_code == 302
    with app.app_context():
        assert db.session.get(RosterEntry, entry_id).user_id == user_id
        assert db.session.get(RegistrationReview, user_id) is None
    assert client.get("/il-mio-percorso").status_code == 200
    assert client.get(link).status_code == 410, "the link works once"


def test_a_shared_code_account_not_on_the_roster_waits_for_confirmation(
    app, client, admin, coop, import_roster, make_user, login
):
    import_roster(ROSTER, coop)
    client.post("/logout", data={})
    assert _register(client, "sconosciuta@example.org", name="Sara Sconosciuta").status_code == 302
    _log_in(client, "sconosciuta@example.org")
    home = client.get("/")
    assert home.status_code == 302 and home.headers["Location"] == "/in-attesa"
    waiting = client.get("/in-attesa").get_data(as_text=True)
    assert "Il Girasole" in waiting
    # The cooperative's pages wait; what is open to everybody stays open.
    assert client.get("/consulenza/").headers.get("Location") == "/in-attesa"
    assert client.get("/il-mio-percorso").headers.get("Location") == "/in-attesa"
    assert client.get("/corsi/").status_code == 200
    assert client.get("/simulatori").status_code == 200

    client.post("/logout", data={})
    login(admin)
    listing = client.get("/admin/personale/in-attesa").get_data(as_text=True)
    assert "Sara Sconosciuta" in listing
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == "sconosciuta@example.org"))
    assert client.post(f"/admin/personale/in-attesa/{user_id}/conferma", data={}).status_code == 302
    with app.app_context():
        assert db.session.get(RegistrationReview, user_id) is None
        assert db.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "roster.account_confirmed")
        )
    client.post("/logout", data={})
    _log_in(client, "sconosciuta@example.org")
    assert client.get("/").status_code == 200


def test_confirming_can_tie_the_account_to_the_roster_entry_with_the_same_name(
    app, client, admin, coop, import_roster, login
):
    import_roster(ROSTER, coop)
    client.post("/logout", data={})
    _register(client, "luca.personale@example.org", name="Luca Neri")
    login(admin)
    page = client.get("/admin/personale/in-attesa").get_data(as_text=True)
    assert "luca@girasole.it" in page  # offered as the matching roster entry
    with app.app_context():
        user_id = db.session.scalar(
            select(User.id).where(User.email == "luca.personale@example.org")
        )
        entry_id = db.session.scalar(
            select(RosterEntry.id).where(RosterEntry.full_name == "Luca Neri")
        )
    client.post(f"/admin/personale/in-attesa/{user_id}/conferma", data={"entry_id": str(entry_id)})
    with app.app_context():
        assert db.session.get(RosterEntry, entry_id).user_id == user_id


def test_rejecting_removes_the_account_and_tells_its_owner(
    app, client, admin, coop, import_roster, login, outbox
):
    import_roster(ROSTER, coop)
    client.post("/logout", data={})
    _register(client, "estraneo@example.org", name="Estraneo")
    login(admin)
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == "estraneo@example.org"))
    client.post(f"/admin/personale/in-attesa/{user_id}/respingi", data={})
    with app.app_context():
        user = db.session.get(User, user_id)
        assert not user.active and user.email != "estraneo@example.org"
    assert any(
        m.recipient == "estraneo@example.org" and "could not confirm" in m.subject for m in outbox()
    )
    client.post("/logout", data={})
    assert (
        client.post(
            "/login", data={"email": "estraneo@example.org", "password": PASSWORD}
        ).status_code
        == 422
    )


def test_the_admin_can_turn_the_shared_code_off(app, client, admin, coop):
    response = client.post(f"/admin/personale/{coop}/codice-comune", data={"enabled": "0"})
    assert response.status_code == 302
    client.post("/logout", data={})
    refused = _register(client, "qualcuno@example.org")
    assert refused.status_code == 422
    assert "invites each worker personally" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "qualcuno@example.org")) is None


def test_a_personal_code_typed_as_shared_code_points_to_the_letter_page(
    app, client, admin, coop, import_roster
):
    import re

    import_roster("Nome e cognome;Cellulare\nAhmed Benali;3331234567\n", coop)
    html = client.post(f"/admin/personale/{coop}/lettere", data={}).get_data(as_text=True)
    code = re.search(r'class="letter-code">([A-Z0-9\-]{11})<', html).group(1)
    client.post("/logout", data={})
    response = _register(client, "ahmed@example.org", code=code)
    assert response.status_code == 422
    assert "personal invitation code" in response.get_data(as_text=True)


def test_without_a_roster_the_shared_code_works_as_before(app, client, coop):
    assert _register(client, "prima@example.org").status_code == 302
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == "prima@example.org"))
        assert db.session.get(RegistrationReview, user_id) is None


def test_an_erased_waiting_account_leaves_the_confirmation_list(
    app, client, admin, coop, import_roster, login
):
    from elearn.privacy import erasure as privacy

    import_roster(ROSTER, coop)
    client.post("/logout", data={})
    _register(client, "ripensamento@example.org", name="Chi Ci Ripensa")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "ripensamento@example.org"))
        privacy.erase_user(privacy.request_erasure(user), db.session.get(User, admin))
        assert db.session.get(RegistrationReview, user.id) is None
    login(admin)
    assert "Chi Ci Ripensa" not in client.get("/admin/personale/in-attesa").get_data(as_text=True)
