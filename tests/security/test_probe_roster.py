"""The outside attacker against the roster: the shared invite code, personal invitations and
printed letter codes, and what an account waiting for confirmation can reach.

Probes that found a hole are marked xfail(strict=True) with "HOLE:" in the reason: they pass
(as expected failures) while the hole is open, and fail the suite once it is closed, so the
mark is removed with the fix.
"""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from elearn.extensions import db
from elearn.models import RegistrationReview, RosterEntry, User
from tests.conftest import PASSWORD

ROSTER = (
    "Nome e cognome;Email;Cellulare;Sede\n"
    "Anna Verdi;anna.verdi@girasole.it;;Via Padova\n"
    "Luca Neri;luca@girasole.it;;Niguarda\n"
    "Ahmed Benali;;3331234567;Quarto Oggiaro\n"
)
SHARED_CODE = "GIRASOLE26"
LINK_RE = re.compile(r"/invito/([A-Za-z0-9_\-]+)")
LETTER_CODE_RE = re.compile(r"\b([A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5})\b")


@pytest.fixture
def coop(make_org) -> int:
    return make_org(name="Il Girasole", invite_code=SHARED_CODE)


@pytest.fixture
def admin_client(app, make_user, login, coop):
    browser = app.test_client()
    login(make_user("admin"), browser)
    return browser


def _import(admin_client, coop: int, content: str = ROSTER) -> None:
    response = admin_client.post(
        "/admin/personale/importa",
        data={"organization_id": str(coop), "file": (io.BytesIO(content.encode()), "r.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    confirmed = admin_client.post(response.headers["Location"] + "/conferma", data={})
    assert confirmed.status_code == 302


def _mailed_token(app, address: str) -> str:
    from elearn.models import OutboxMessage

    with app.app_context():
        body = db.session.scalars(
            select(OutboxMessage.body_text)
            .where(OutboxMessage.recipient == address)
            .order_by(OutboxMessage.id.desc())
        ).first()
    match = LINK_RE.search(body or "")
    assert match, body
    return match.group(1)


def _register(browser, email: str, name: str = "Anna Verdi", code: str = SHARED_CODE):
    return browser.post(
        "/registrazione",
        data={
            "invite_code": code,
            "full_name": name,
            "email": email,
            "password": PASSWORD,
            "password_again": PASSWORD,
            "language": "it",
        },
    )


def _log_in(browser, email: str) -> None:
    response = browser.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    browser.post("/consenso", data={"progress_sharing": "no"})


# --- the shared code and someone else's e-mail -----------------------------------------------


def test_a_stranger_cannot_claim_a_coworkers_roster_entry_with_the_shared_code(
    app, admin_client, coop
):
    _import(admin_client, coop)
    assert admin_client.post(f"/admin/personale/{coop}/invita", data={}).status_code == 302
    anna_token = _mailed_token(app, "anna.verdi@girasole.it")

    # The attacker knows the cooperative's shared code (it is on the notice board) and guesses
    # a colleague's work address. They never see that mailbox.
    stranger = app.test_client()
    assert _register(stranger, "anna.verdi@girasole.it", name="Chiunque").status_code == 302
    _log_in(stranger, "anna.verdi@girasole.it")
    with app.app_context():
        account = db.session.scalar(select(User).where(User.email == "anna.verdi@girasole.it"))
        entry = db.session.scalar(
            select(RosterEntry).where(RosterEntry.email == "anna.verdi@girasole.it")
        )
        claimed_entry = entry.user_id == account.id
        waiting = db.session.get(RegistrationReview, account.id) is not None
    coop_area = stranger.get("/consulenza/")
    # Anna's own invitation, still in her mailbox.
    anna_link = app.test_client().get(f"/invito/{anna_token}")

    # What must hold: an account whose mailbox was never proven waits like any other
    # shared-code account, and the real person's invitation keeps working.
    seen = {
        "tied to Anna's roster entry": claimed_entry,
        "waiting for confirmation": waiting,
        "consultations page": coop_area.status_code,
        "Anna's invitation link": anna_link.status_code,
    }
    assert seen == {
        "tied to Anna's roster entry": False,
        "waiting for confirmation": True,
        "consultations page": 302,
        "Anna's invitation link": 200,
    }


def test_a_letter_code_typed_on_the_registration_page_counts_as_a_wrong_guess(
    app, admin_client, coop
):
    """The registration page tells a personal code from a wrong one: that answer must cost a
    guess like any other, or it would be an unthrottled oracle for letter codes."""
    _import(admin_client, coop)
    letters = admin_client.post(f"/admin/personale/{coop}/lettere", data={})
    code = LETTER_CODE_RE.search(letters.get_data(as_text=True)).group(1)
    app.config["LOGIN_FAILURES_PER_ADDRESS"] = 3
    guesser = app.test_client()
    for _ in range(3):
        assert _register(guesser, "x@example.org", code="WRONG-CODE1").status_code == 422
    blocked = _register(guesser, "x@example.org", code=code)
    assert blocked.status_code == 429
    assert "personale" not in blocked.get_data(as_text=True).split("invite_code")[-1][:400]


# --- guessing letter codes ---------------------------------------------------------------------


def test_the_code_page_pauses_a_connection_after_too_many_wrong_codes(app, admin_client, coop):
    _import(admin_client, coop)
    app.config["LOGIN_FAILURES_PER_ADDRESS"] = 3
    guesser = app.test_client()
    for guess in ("AAAAA-AAAAA", "BBBBB-BBBBB", "CCCCC-CCCCC"):
        assert guesser.post("/invito", data={"code": guess}).status_code == 422
    assert guesser.post("/invito", data={"code": "DDDDD-DDDDD"}).status_code == 429


def test_guessing_letter_codes_through_the_link_address_is_throttled_too(app, admin_client, coop):
    _import(admin_client, coop)
    letters = admin_client.post(f"/admin/personale/{coop}/lettere", data={})
    real_code = LETTER_CODE_RE.search(letters.get_data(as_text=True)).group(1)
    app.config["LOGIN_FAILURES_PER_ADDRESS"] = 3
    guesser = app.test_client()
    for guess in ("AAAAA-AAAAA", "BBBBB-BBBBB", "CCCCC-CCCCC"):
        assert guesser.post("/invito", data={"code": guess}).status_code == 422
    assert guesser.post("/invito", data={"code": "DDDDD-DDDDD"}).status_code == 429
    # Paused on the code page; the same guesses as link addresses:
    answers = [guesser.get(f"/invito/{g}-23456").status_code for g in ("EEEEE", "FFFFF", "GGGGG")]
    hit = guesser.get(f"/invito/{real_code}")
    assert 429 in answers or hit.status_code == 429, (answers, hit.status_code)


def test_a_letter_code_opens_only_its_own_invitation_and_only_once(app, admin_client, coop):
    """Spacing and case do not matter, a neighbouring code does not work, a used code is spent."""
    _import(admin_client, coop)
    letters = admin_client.post(f"/admin/personale/{coop}/lettere", data={})
    code = LETTER_CODE_RE.search(letters.get_data(as_text=True)).group(1)
    visitor = app.test_client()
    typed = f" {code.lower().replace('-', ' ')} "
    response = visitor.post("/invito", data={"code": typed})
    assert response.status_code == 302 and response.headers["Location"] == f"/invito/{code}"
    neighbour = code[:-1] + ("2" if code[-1] != "2" else "3")
    assert visitor.get(f"/invito/{neighbour}").status_code == 404
    form = {
        "full_name": "Ahmed Benali",
        "email": "ahmed@example.org",
        "password": PASSWORD,
        "password_again": PASSWORD,
        "language": "it",
    }
    assert visitor.post(f"/invito/{code}", data=form).status_code == 302
    again = app.test_client()
    assert again.get(f"/invito/{code}").status_code == 410
    reused = again.post(f"/invito/{code}", data={**form, "email": "other@example.org"})
    assert reused.status_code == 410
    with app.app_context():
        assert db.session.scalar(select(User.id).where(User.email == "other@example.org")) is None


# --- names from the payroll file ---------------------------------------------------------------

PAYLOAD = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


def test_names_and_sites_from_a_payroll_file_are_shown_as_text(
    app, admin_client, coop, make_user, login
):
    """The payroll file is outside input too: a name or a site carrying markup is shown as
    text on every page that lists it (preview, roster, letters, reach, confirmation list)."""
    content = (
        "Nome e cognome;Email;Cellulare;Sede\n"
        f"Anna {PAYLOAD};anna@girasole.it;;Sede {PAYLOAD}\n"
        f"Bruno {PAYLOAD};;3331234567;Sede {PAYLOAD}\n"
    )
    upload = admin_client.post(
        "/admin/personale/importa",
        data={"organization_id": str(coop), "file": (io.BytesIO(content.encode()), "r.csv")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 302
    pages = {"preview": admin_client.get(upload.headers["Location"]).get_data(as_text=True)}
    assert admin_client.post(upload.headers["Location"] + "/conferma", data={}).status_code == 302
    pages["roster"] = admin_client.get(f"/admin/personale/{coop}").get_data(as_text=True)
    pages["letters"] = admin_client.post(f"/admin/personale/{coop}/lettere", data={}).get_data(
        as_text=True
    )
    stranger = app.test_client()
    assert _register(stranger, "nuova@example.org", name=f"Nuova {PAYLOAD}").status_code == 302
    pages["confirmations"] = admin_client.get("/admin/personale/in-attesa").get_data(as_text=True)
    manager = app.test_client()
    login(make_user("manager", org_id=coop), manager)
    pages["reach"] = manager.get("/report/personale").get_data(as_text=True)
    for name, page in pages.items():
        assert "<script>alert(1)" not in page, name
        assert "<img src=x" not in page, name
    assert "&lt;script&gt;" in pages["preview"] and "&lt;script&gt;" in pages["roster"]


def test_an_account_made_before_the_first_roster_is_checked_against_it(app, admin_client, coop):
    early = app.test_client()
    assert _register(early, "early@example.org", name="Chi Arriva Prima").status_code == 302
    _import(admin_client, coop)  # the roster does not list early@example.org
    _log_in(early, "early@example.org")
    with app.app_context():
        account = db.session.scalar(select(User.id).where(User.email == "early@example.org"))
        listed = db.session.get(RegistrationReview, account) is not None
    held = early.get("/consulenza/").headers.get("Location") == "/in-attesa"
    assert listed and held


def test_after_an_erasure_a_new_invitation_lets_the_person_come_back(app, admin_client, coop):
    _import(admin_client, coop)
    letters = admin_client.post(f"/admin/personale/{coop}/lettere", data={})
    code = LETTER_CODE_RE.search(letters.get_data(as_text=True)).group(1)
    form = {
        "full_name": "Ahmed Benali",
        "email": "ahmed@example.org",
        "password": PASSWORD,
        "password_again": PASSWORD,
        "language": "it",
    }
    assert app.test_client().post(f"/invito/{code}", data=form).status_code == 302
    with app.app_context():
        from elearn.privacy.erasure import erase_personal_data

        erase_personal_data(db.session.scalar(select(User).where(User.email == form["email"])))
        db.session.commit()
        entry_id = db.session.scalar(select(RosterEntry.id).where(RosterEntry.phone.is_not(None)))
    assert app.test_client().get(f"/invito/{code}").status_code == 410  # the old one: never
    resent = admin_client.post(f"/admin/personale/persone/{entry_id}/reinvia", data={})
    [new_code] = set(LETTER_CODE_RE.findall(resent.get_data(as_text=True)))
    assert app.test_client().get(f"/invito/{new_code}").status_code == 200
