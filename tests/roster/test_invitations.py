"""Personal invitations: e-mailed links and printed codes, single use, expiry, wrong
cooperative, people who left, and no second life after the account's erasure."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, update

from elearn.extensions import db
from elearn.models import RosterEntry, RosterInvitation, User
from tests.conftest import PASSWORD
from tests.roster.conftest import link_token

ROSTER = (
    "Nome e cognome;Email;Cellulare;Cooperativa;Sede;Lingua\n"
    "Maria Rossi;maria@girasole.it;;Il Girasole;Via Padova;\n"
    "John Smith;john@girasole.it;;Il Girasole;Via Padova;English\n"
    "Ahmed Benali;;3331234567;Il Girasole;Quarto Oggiaro;\n"
)


def _accept(client, token, email="maria.personale@example.org", name="Maria Rossi"):
    return client.post(
        f"/invito/{token}",
        data={
            "full_name": name,
            "email": email,
            "password": PASSWORD,
            "password_again": PASSWORD,
            "language": "it",
        },
    )


def _invite_everyone(client, coop):
    response = client.post(f"/admin/personale/{coop}/invita", data={})
    assert response.status_code == 302


def _token_for(outbox, address):
    message = next(m for m in outbox() if m.recipient == address)
    return link_token(message.body_text), message


def test_invitation_email_is_in_the_persons_language_and_makes_a_tied_account(
    app, client, admin, coop, import_roster, outbox
):
    import_roster(ROSTER, coop)
    _invite_everyone(client, coop)
    token, message = _token_for(outbox, "maria@girasole.it")
    assert "invito personale" in message.subject  # Italian by default
    english_token, english = _token_for(outbox, "john@girasole.it")
    assert "personal invitation" in english.subject
    assert not any(m.recipient is None for m in outbox())
    with app.app_context():
        stored = db.session.scalars(select(RosterInvitation.secret_hash)).all()
        assert token not in "".join(stored), "only a hash of the token is stored"

    client.post("/logout", data={})
    page = client.get(f"/invito/{token}")
    assert page.status_code == 200
    assert 'value="Maria Rossi"' in page.get_data(as_text=True)
    response = _accept(client, token)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "maria.personale@example.org"))
        entry = db.session.scalar(select(RosterEntry).where(RosterEntry.full_name == "Maria Rossi"))
        assert user.organization_id == coop and user.roles == {"worker"}
        assert entry.user_id == user.id


def test_an_invitation_works_only_once(app, client, admin, coop, import_roster, outbox):
    import_roster(ROSTER, coop)
    _invite_everyone(client, coop)
    token, _ = _token_for(outbox, "maria@girasole.it")
    client.post("/logout", data={})
    assert _accept(client, token).status_code == 302
    again = _accept(client, token, email="other@example.org")
    assert again.status_code == 410
    assert "already been used" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "other@example.org")) is None


def test_an_expired_invitation_is_refused(app, client, admin, coop, import_roster, outbox):
    import_roster(ROSTER, coop)
    _invite_everyone(client, coop)
    token, _ = _token_for(outbox, "maria@girasole.it")
    with app.app_context():
        from elearn.models.base import utcnow

        db.session.execute(
            update(RosterInvitation).values(expires_at=utcnow() - timedelta(minutes=1))
        )
        db.session.commit()
    client.post("/logout", data={})
    page = client.get(f"/invito/{token}")
    assert page.status_code == 410
    assert "expired" in page.get_data(as_text=True)
    assert _accept(client, token).status_code == 410


def test_an_invitation_for_another_cooperative_is_refused(
    app, client, admin, coop, make_org, import_roster, outbox
):
    other = make_org(name="Ponte Verde")
    import_roster(ROSTER, coop)
    _invite_everyone(client, coop)
    token, _ = _token_for(outbox, "maria@girasole.it")
    # Next month Maria is on Ponte Verde's payroll: the Girasole invitation no longer fits.
    import_roster(
        "Nome e cognome;Email;Cooperativa\nMaria Rossi;maria@girasole.it;Ponte Verde\n", other
    )
    client.post("/logout", data={})
    page = client.get(f"/invito/{token}")
    assert page.status_code == 410
    assert "made for Il Girasole" in page.get_data(as_text=True)
    assert "Ponte Verde" in page.get_data(as_text=True)
    assert _accept(client, token).status_code == 410


def test_people_who_left_cannot_use_their_invitation(
    app, client, admin, coop, import_roster, outbox
):
    import_roster(ROSTER, coop)
    _invite_everyone(client, coop)
    token, _ = _token_for(outbox, "maria@girasole.it")
    import_roster("Nome e cognome;Email\nJohn Smith;john@girasole.it\n", coop)
    client.post("/logout", data={})
    page = client.get(f"/invito/{token}")
    assert page.status_code == 410
    assert "no longer lists you" in page.get_data(as_text=True)


def test_a_resent_invitation_replaces_the_old_one(app, client, admin, coop, import_roster, outbox):
    import_roster(ROSTER, coop)
    _invite_everyone(client, coop)
    old, _ = _token_for(outbox, "maria@girasole.it")
    with app.app_context():
        entry_id = db.session.scalar(
            select(RosterEntry.id).where(RosterEntry.full_name == "Maria Rossi")
        )
    assert client.post(f"/admin/personale/persone/{entry_id}/reinvia", data={}).status_code == 302
    new = link_token([m for m in outbox() if m.recipient == "maria@girasole.it"][-1].body_text)
    assert new != old
    client.post("/logout", data={})
    refused = client.get(f"/invito/{old}")
    assert refused.status_code == 410 and "newer invitation" in refused.get_data(as_text=True)
    assert client.get(f"/invito/{new}").status_code == 200


def test_no_reuse_after_the_account_was_erased(app, client, admin, coop, import_roster, outbox):
    from elearn.privacy import erasure as privacy

    import_roster(ROSTER, coop)
    _invite_everyone(client, coop)
    token, _ = _token_for(outbox, "maria@girasole.it")
    client.post("/logout", data={})
    assert _accept(client, token).status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "maria.personale@example.org"))
        request_row = privacy.request_erasure(user)
        privacy.erase_user(request_row, db.session.get(User, admin))
        entry = db.session.scalar(select(RosterEntry).where(RosterEntry.full_name == "Maria Rossi"))
        assert entry.user_id is None, "the roster no longer says which account was hers"
    page = client.get(f"/invito/{token}")
    assert page.status_code == 410
    assert "was erased" in page.get_data(as_text=True)
    assert _accept(client, token, email="maria.di.nuovo@example.org").status_code == 410


def test_letters_carry_a_short_code_and_qr_that_the_registration_page_accepts(
    app, client, admin, coop, import_roster
):
    import_roster(ROSTER, coop)
    page = client.post(f"/admin/personale/{coop}/lettere", data={})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Ahmed Benali" in html and "Maria Rossi" not in html  # only people without e-mail
    assert 'src="data:image/png;base64,' in html
    code = re.search(r'class="letter-code">([A-Z0-9]{5}-[A-Z0-9]{5})<', html).group(1)
    assert "http://127.0.0.1:5000/invito" in html

    client.post("/logout", data={})
    typed = client.post("/invito", data={"code": code.lower().replace("-", " ")})
    assert typed.status_code == 302
    target = typed.headers["Location"]
    form = client.get(target)
    assert form.status_code == 200 and 'value="Ahmed Benali"' in form.get_data(as_text=True)
    created = client.post(
        target,
        data={
            "full_name": "Ahmed Benali",
            "email": "ahmed@example.org",
            "password": PASSWORD,
            "password_again": PASSWORD,
            "language": "it",
        },
    )
    assert created.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "ahmed@example.org"))
        assert user.organization_id == coop


def test_a_wrong_code_is_refused_with_a_message(app, client, coop):
    response = client.post("/invito", data={"code": "AAAAA-BBBBB"})
    assert response.status_code == 422
    assert "Questo invito non è valido." in response.get_data(as_text=True)
    assert client.get("/invito/not-a-real-token").status_code == 404
