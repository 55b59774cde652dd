"""An account is tied to a roster entry only by proof: the entry's personal invitation (link
or letter code), a confirmation link mailed to the roster address, or an admin's decision.
A typed address proves nothing, at registration or at an import; the personal invitation
wins over an unproven claim; the first roster checks the accounts made before it; an
invitation issued after an erasure works; every way of presenting a code is throttled."""

from __future__ import annotations

import re

from sqlalchemy import select

from elearn.extensions import db
from elearn.models import AuditEntry, RegistrationReview, RosterEntry, User
from tests.conftest import PASSWORD
from tests.roster.conftest import link_token

CLAIM_RE = re.compile(r"http://127\.0\.0\.1:5000(/conferma-indirizzo/[A-Za-z0-9_.\-]+)")
ROSTER = "Nome e cognome;Email;Cellulare;Sede\nMaria Rossi;maria@girasole.it;;Via Padova\n"
BIGGER = ROSTER + "Luca Neri;luca@girasole.it;;Niguarda\n"


def _register(browser, email, name="Chiunque", language="en"):
    return browser.post(
        "/registrazione",
        data={
            "invite_code": "GIRASOLE26",
            "full_name": name,
            "email": email,
            "password": PASSWORD,
            "password_again": PASSWORD,
            "language": language,
        },
    )


def _accept(browser, secret, email, name="Maria Rossi", password=PASSWORD):
    return browser.post(
        f"/invito/{secret}",
        data={
            "full_name": name,
            "email": email,
            "password": password,
            "password_again": password,
            "language": "it",
        },
    )


def _claim_link(outbox, address):
    links = [CLAIM_RE.search(m.body_text) for m in outbox() if m.recipient == address]
    links = [match.group(1) for match in links if match]
    assert links, [m.subject for m in outbox()]
    return links[-1]


def _state(app, email):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        entry = db.session.scalar(select(RosterEntry).where(RosterEntry.email == email))
        return {
            "account": user is not None,
            "tied": entry is not None and user is not None and entry.user_id == user.id,
            "waiting": user is not None and db.session.get(RegistrationReview, user.id) is not None,
        }


def _owner(app, email):
    """A browser logged in to the account that uses `email` (the link is for that account)."""
    browser = app.test_client()
    assert browser.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    browser.post("/consenso", data={"progress_sharing": "no"})
    return browser


def test_only_the_accounts_own_login_can_press_the_button(
    app, client, admin, coop, import_roster, outbox
):
    """The co-worker whose address a stranger typed gets the link. Talked into "confirming the
    address is hers", she cannot: the button works only logged in to the account that uses
    the address, whose password only the stranger knows. The stranger, logged in, has no link."""
    import_roster(ROSTER, coop)
    assert _register(app.test_client(), "maria@girasole.it").status_code == 302
    link = _claim_link(outbox, "maria@girasole.it")
    coworker = app.test_client()
    prompt = coworker.get(link)
    assert prompt.status_code == 200
    assert "Entra per confermare" in prompt.get_data(as_text=True)
    assert 'type="submit">S' not in prompt.get_data(as_text=True)  # no "Sì, ..." button
    assert coworker.post(link, data={}).status_code == 400
    someone_else = _register(app.test_client(), "altro@example.org")
    assert someone_else.status_code == 302
    other = _owner(app, "altro@example.org")
    assert "another account" in other.get(link).get_data(as_text=True)  # registered in English
    assert other.post(link, data={}).status_code == 400
    assert _state(app, "maria@girasole.it") == {"account": True, "tied": False, "waiting": True}
    # The person who made the account, logged in, confirms: mailbox and password together.
    login_page = app.test_client().get(link)
    assert "/login?next=/conferma-indirizzo/" in login_page.get_data(as_text=True)
    assert _owner(app, "maria@girasole.it").post(link, data={}).status_code == 302
    assert _state(app, "maria@girasole.it") == {"account": True, "tied": True, "waiting": False}


def test_the_personal_invitation_wins_over_a_stranger_who_typed_the_address(
    app, client, admin, coop, import_roster, outbox
):
    import_roster(ROSTER, coop)
    assert client.post(f"/admin/personale/{coop}/invita", data={}).status_code == 302
    maria_token = link_token(
        next(m for m in outbox() if m.recipient == "maria@girasole.it").body_text
    )
    stranger = app.test_client()
    assert _register(stranger, "maria@girasole.it").status_code == 302
    stranger_link = _claim_link(outbox, "maria@girasole.it")
    with app.app_context():
        stranger_id = db.session.scalar(select(User.id).where(User.email == "maria@girasole.it"))

    # Maria uses her own invitation with her own (roster) address: it works.
    maria = app.test_client()
    maria_password = "Maria's own long passphrase 2026"
    assert (
        _accept(maria, maria_token, "maria@girasole.it", password=maria_password).status_code == 302
    )
    assert _state(app, "maria@girasole.it") == {"account": True, "tied": True, "waiting": False}
    with app.app_context():
        squatter = db.session.get(User, stranger_id)
        assert not squatter.active and squatter.email != "maria@girasole.it"
        assert db.session.get(RegistrationReview, stranger_id) is None
        assert db.session.scalar(
            select(AuditEntry.id).where(AuditEntry.action == "roster.claim_superseded")
        )
    # The stranger's password opens Maria's account no more, and the link mailed to her
    # address for the stranger's account is dead.
    assert stranger.post(
        "/login", data={"email": "maria@girasole.it", "password": PASSWORD}
    ).status_code in (200, 422)
    assert app.test_client().post(stranger_link, data={}).status_code == 410


def test_the_invitation_used_with_another_address_also_ends_the_unproven_claim(
    app, client, admin, coop, import_roster, outbox
):
    import_roster(ROSTER, coop)
    client.post(f"/admin/personale/{coop}/invita", data={})
    maria_token = link_token(
        next(m for m in outbox() if m.recipient == "maria@girasole.it").body_text
    )
    assert _register(app.test_client(), "maria@girasole.it").status_code == 302
    assert _accept(app.test_client(), maria_token, "maria.casa@example.org").status_code == 302
    with app.app_context():
        entry = db.session.scalar(select(RosterEntry).where(RosterEntry.full_name == "Maria Rossi"))
        assert entry.user.email == "maria.casa@example.org"
        assert db.session.scalar(select(User).where(User.email == "maria@girasole.it")) is None
        assert db.session.scalar(select(RegistrationReview.user_id)) is None


def test_an_account_made_before_the_roster_is_never_erased_by_the_invitation(
    app, client, admin, coop, import_roster, outbox
):
    """Maria registers with the shared code before the cooperative has a roster; the first
    import holds her account; she then uses her personal letter with another address. Her
    old account, with her learning, is hers as likely as not: it stays, waiting for the admin
    (or for her to log in and open the link mailed to her roster address)."""
    assert _register(app.test_client(), "maria@girasole.it").status_code == 302
    import_roster(ROSTER, coop)
    assert _state(app, "maria@girasole.it") == {"account": True, "tied": False, "waiting": True}
    client.post(f"/admin/personale/{coop}/invita", data={})
    invitation = next(
        m for m in outbox() if m.recipient == "maria@girasole.it" and "/invito/" in m.body_text
    )
    assert (
        _accept(
            app.test_client(), link_token(invitation.body_text), "maria.casa@example.org"
        ).status_code
        == 302
    )
    assert _state(app, "maria@girasole.it") == {"account": True, "tied": False, "waiting": True}
    with app.app_context():
        assert not db.session.scalar(
            select(AuditEntry.id).where(AuditEntry.action == "roster.claim_superseded")
        )


def test_a_confirmation_link_cannot_be_forged_or_used_for_another_entry(
    app, client, admin, coop, import_roster, outbox
):
    import_roster(BIGGER, coop)
    assert _register(app.test_client(), "maria@girasole.it").status_code == 302
    link = _claim_link(outbox, "maria@girasole.it")
    visitor = app.test_client()
    assert visitor.get(link[:-3] + "abc").status_code == 410
    assert visitor.get("/conferma-indirizzo/" + "x" * 500).status_code == 410
    # The admin rejects the account before the link is opened: the link is dead.
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == "maria@girasole.it"))
    assert client.post(f"/admin/personale/in-attesa/{user_id}/respingi", data={}).status_code == 302
    assert visitor.post(link, data={}).status_code == 410
    with app.app_context():
        assert (
            db.session.scalar(
                select(RosterEntry.user_id).where(RosterEntry.email == "maria@girasole.it")
            )
            is None
        )


def test_the_confirmation_mail_and_page_are_in_the_persons_language(
    app, client, admin, coop, import_roster, outbox
):
    import_roster(ROSTER, coop)
    assert _register(app.test_client(), "maria@girasole.it", language="it").status_code == 302
    [mail] = [m for m in outbox() if m.recipient == "maria@girasole.it"]
    assert "conferma" in mail.subject.lower() and "Apri questo link" in mail.body_text
    browser = app.test_client()
    browser.post("/login", data={"email": "maria@girasole.it", "password": PASSWORD})
    browser.post("/consenso", data={"progress_sharing": "no"})
    page = browser.get("/in-attesa").get_data(as_text=True)
    assert "elenco" in page and "link" in page


def test_an_import_never_ties_a_waiting_account_by_its_address(
    app, client, admin, coop, import_roster, outbox
):
    """The stranger registers with Luca's address before Luca is on the roster; the import
    that adds Luca sends a link to his address and ties nothing."""
    import_roster(ROSTER, coop)
    assert _register(app.test_client(), "luca@girasole.it").status_code == 302
    assert _state(app, "luca@girasole.it")["waiting"]
    import_roster(BIGGER, coop)
    assert _state(app, "luca@girasole.it") == {"account": True, "tied": False, "waiting": True}
    link = _claim_link(outbox, "luca@girasole.it")
    assert _owner(app, "luca@girasole.it").post(link, data={}).status_code == 302
    assert _state(app, "luca@girasole.it") == {"account": True, "tied": True, "waiting": False}
    # A later import of the same file mails nobody again.
    before = len(outbox())
    import_roster(BIGGER + "Ada Bruni;ada@girasole.it;;Niguarda\n", coop)
    assert len(outbox()) == before


def test_the_first_roster_checks_the_accounts_made_before_it(
    app, client, admin, coop, import_roster, make_user, outbox
):
    early = app.test_client()
    assert _register(early, "presto@example.org").status_code == 302
    assert _register(app.test_client(), "maria@girasole.it", name="Maria Rossi").status_code == 302
    assert not _state(app, "presto@example.org")["waiting"], "no roster yet: the code works"
    early.post("/login", data={"email": "presto@example.org", "password": PASSWORD})
    early.post("/consenso", data={"progress_sharing": "no"})
    assert early.get("/consulenza/").status_code == 200
    manager = make_user("manager", org_id=coop)
    response = client.post(
        client.post(
            "/admin/personale/importa",
            data={
                "organization_id": str(coop),
                "file": (__import__("io").BytesIO(ROSTER.encode()), "r.csv"),
            },
            content_type="multipart/form-data",
        ).headers["Location"]
        + "/conferma",
        data={},
        follow_redirects=True,
    )
    assert "2 accounts made with the shared invite code" in response.get_data(as_text=True)
    assert _state(app, "presto@example.org") == {"account": True, "tied": False, "waiting": True}
    assert early.get("/consulenza/").status_code == 302, "the open session is held too"
    # On the roster: waiting too, with a link to the address that confirms it at once.
    assert _state(app, "maria@girasole.it") == {"account": True, "tied": False, "waiting": True}
    maria = _owner(app, "maria@girasole.it")
    assert maria.post(_claim_link(outbox, "maria@girasole.it"), data={}).status_code == 302
    assert _state(app, "maria@girasole.it")["tied"]
    with app.app_context():
        assert db.session.get(RegistrationReview, manager) is None, "staff are not held"
        presto = db.session.scalar(select(User.id).where(User.email == "presto@example.org"))
    # The admin confirms the early account without an entry; later imports leave it alone.
    assert client.post(f"/admin/personale/in-attesa/{presto}/conferma", data={}).status_code == 302
    import_roster(BIGGER, coop)
    assert not _state(app, "presto@example.org")["waiting"]
    login_page = early.post("/login", data={"email": "presto@example.org", "password": PASSWORD})
    assert login_page.status_code == 302
    early.post("/consenso", data={"progress_sharing": "no"})
    assert early.get("/consulenza/").status_code == 200


def test_a_new_invitation_after_an_erasure_works_and_the_old_one_stays_dead(
    app, client, admin, coop, import_roster, outbox
):
    from elearn.privacy.erasure import erase_personal_data

    import_roster(ROSTER, coop)
    client.post(f"/admin/personale/{coop}/invita", data={})
    old = link_token(next(m for m in outbox() if m.recipient == "maria@girasole.it").body_text)
    assert _accept(app.test_client(), old, "maria.uno@example.org").status_code == 302
    with app.app_context():
        erase_personal_data(
            db.session.scalar(select(User).where(User.email == "maria.uno@example.org"))
        )
        db.session.commit()
        entry_id = db.session.scalar(select(RosterEntry.id))
    assert client.post(f"/admin/personale/persone/{entry_id}/reinvia", data={}).status_code == 302
    new = link_token([m for m in outbox() if m.recipient == "maria@girasole.it"][-1].body_text)
    assert new != old
    assert app.test_client().get(f"/invito/{old}").status_code == 410
    assert _accept(app.test_client(), new, "maria.due@example.org").status_code == 302
    with app.app_context():
        entry = db.session.get(RosterEntry, entry_id)
        assert entry.user.email == "maria.due@example.org" and entry.erased_at is None
    assert app.test_client().get(f"/invito/{old}").status_code == 410


def test_wrong_codes_in_link_addresses_pause_the_code_page_too(app, client, admin, coop):
    app.config["LOGIN_FAILURES_PER_ADDRESS"] = 3
    guesser = app.test_client()
    for guess in ("AAAAA-AAAAA", "BBBBB-BBBBB", "CCCCC-CCCCC"):
        assert guesser.get(f"/invito/{guess}").status_code == 404
    paused = guesser.get("/invito/DDDDD-DDDDD")
    assert paused.status_code == 429 and paused.headers["Retry-After"]
    assert "Troppi codici sbagliati" in paused.get_data(as_text=True)
    assert guesser.post("/invito", data={"code": "EEEEE-EEEEE"}).status_code == 429


def test_a_valid_link_opened_many_times_is_not_a_wrong_guess(
    app, client, admin, coop, import_roster, outbox
):
    import_roster(ROSTER, coop)
    client.post(f"/admin/personale/{coop}/invita", data={})
    token = link_token(next(m for m in outbox() if m.recipient == "maria@girasole.it").body_text)
    app.config["LOGIN_FAILURES_PER_ADDRESS"] = 3
    visitor = app.test_client()
    assert [visitor.get(f"/invito/{token}").status_code for _ in range(5)] == [200] * 5


def test_the_admin_is_warned_before_tying_an_account_that_typed_a_roster_address(
    app, client, admin, coop, import_roster
):
    """The confirmation list does not offer the roster entry of an address the account only
    typed as the default choice, and says the mailed link is the proof."""
    import_roster(ROSTER, coop)
    assert _register(app.test_client(), "maria@girasole.it", name="Maria Rossi").status_code == 302
    page = client.get("/admin/personale/in-attesa").get_data(as_text=True)
    assert "Anyone can type an address" in page
    entry_radio = re.search(r'<input type="radio" name="entry_id" value="\d+"[^>]*>', page)
    assert entry_radio and "checked" not in entry_radio.group(0)
    assert re.search(r'<input type="radio" name="entry_id" value="" checked>', page)


def test_a_signed_but_impossible_claim_link_is_refused_not_an_error(app, client) -> None:
    """Only with the site's key: a link whose value does not decode, or names an id no
    database row can have, gets the refusal page (410), not a 500."""
    from elearn.roster.invitations import _claim_serializer

    with app.test_request_context("/"):
        serializer = _claim_serializer()
        tokens = [
            serializer.dumps({"u": 10**30, "e": 1, "m": "a@b.it"}),
            serializer.dumps(["not", "a", "dict"]),
            serializer.dumps({"u": "x", "e": 1, "m": "a@b.it"}),
        ]
        undecodable = serializer.make_signer(serializer.salt).sign(b"not-base64-json!").decode()
    for token in [*tokens, undecodable]:
        assert client.get(f"/conferma-indirizzo/{token}").status_code == 410
