"""Importing a cooperative's roster from payroll: preview first, then exactly what was shown."""

from __future__ import annotations

from sqlalchemy import func, select

from elearn.extensions import db
from elearn.models import AuditEntry, RosterEntry, RosterImport

GOOD = (
    "\ufeffNome e cognome;Email;Cellulare;Cooperativa;Sede\n"
    "Maria Rossi;Maria.Rossi@Girasole.it;;Il Girasole;Via Padova\n"
    "Ahmed Benali;;333 123 4567;il girasole;Quarto Oggiaro\n"
    "Lucia Bianchi;lucia@girasole.it;+39 347 765 4321;;Via Padova\n"
)


def _entries(app):
    with app.app_context():
        return {
            entry.full_name: (entry.email, entry.phone, entry.site, entry.left_at is not None)
            for entry in db.session.scalars(select(RosterEntry))
        }


def test_a_good_file_is_previewed_and_changes_nothing_until_confirmed(
    app, client, admin, coop, upload
):
    response = upload(GOOD, coop)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Maria Rossi" in page and "Ahmed Benali" in page and "Lucia Bianchi" in page
    assert _entries(app) == {}, "the preview must not change the roster"

    client.post(response.headers["Location"] + "/conferma", data={})
    assert _entries(app) == {
        "Maria Rossi": ("maria.rossi@girasole.it", None, "Via Padova", False),
        "Ahmed Benali": (None, "+393331234567", "Quarto Oggiaro", False),
        "Lucia Bianchi": ("lucia@girasole.it", "+393477654321", "Via Padova", False),
    }
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "roster.import"))
        assert entry is not None and "added=3" in entry.detail and entry.actor_id == admin
        # Once applied, the stored preview (names, contacts) is gone.
        assert db.session.scalar(select(RosterImport.plan)) == ""


def test_english_headers_and_comma_delimiter_are_read(app, client, admin, coop, import_roster):
    import_roster(
        "Full name,Work e-mail,Mobile number,Cooperative,Site\n"
        "John Smith,john@girasole.it,,Il Girasole,Office\n",
        coop,
    )
    assert _entries(app) == {"John Smith": ("john@girasole.it", None, "Office", False)}


def test_first_and_last_name_columns_are_joined(app, client, admin, coop, import_roster):
    import_roster("Nome;Cognome;Email\nAnna;Verdi;anna@girasole.it\n", coop)
    assert "Anna Verdi" in _entries(app)


def test_every_kind_of_bad_row_is_left_out_with_its_reason(
    app, client, admin, coop, make_org, upload
):
    make_org(name="Ponte Verde")
    bad = (
        "Nome e cognome;Email;Cellulare;Cooperativa;Sede\n"
        "Buona Persona;buona@girasole.it;;Il Girasole;Sede\n"
        ";nessuno@girasole.it;;Il Girasole;Sede\n"
        "Mail Sbagliata;non-una-mail;;Il Girasole;Sede\n"
        "Telefono Sbagliato;;12345;Il Girasole;Sede\n"
        "Senza Contatti;;;Il Girasole;Sede\n"
        "Doppia Persona;buona@girasole.it;;Il Girasole;Sede\n"
        "Coop Ignota;ignota@girasole.it;;Cooperativa Fantasma;Sede\n"
        "Altra Coop;altra@ponteverde.it;;Ponte Verde;Sede\n"
    )
    response = upload(bad, coop)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    for line, reason in (
        (3, "missing name"),
        (4, "e-mail address not valid"),
        (5, "mobile number not valid"),
        (6, "neither e-mail nor mobile number"),
        (7, "duplicate in the file (same e-mail or mobile as line 2)"),
        (8, "unknown cooperative “Cooperativa Fantasma”"),
        (9, "belongs to Ponte Verde"),
    ):
        assert f"line {line}" in page
        assert reason in page, reason
    client.post(response.headers["Location"] + "/conferma", data={})
    assert list(_entries(app)) == ["Buona Persona"]


def test_reimport_updates_people_and_marks_those_missing_as_left(
    app, client, admin, coop, import_roster
):
    import_roster(GOOD, coop)
    next_month = (
        "Nome e cognome;Email;Cellulare;Cooperativa;Sede\n"
        "Maria Rossi;maria.rossi@girasole.it;;Il Girasole;Niguarda\n"
        "Ahmed Benali;;3331234567;Il Girasole;Quarto Oggiaro\n"
        "Nuovo Arrivo;nuovo@girasole.it;;Il Girasole;Niguarda\n"
    )
    page = import_roster(next_month, coop)
    assert "Lucia Bianchi" in page  # shown among those to mark as left
    entries = _entries(app)
    assert entries["Maria Rossi"] == ("maria.rossi@girasole.it", None, "Niguarda", False)
    assert entries["Ahmed Benali"][3] is False
    assert entries["Nuovo Arrivo"][3] is False
    assert entries["Lucia Bianchi"][3] is True, "people who left are marked, not deleted"
    with app.app_context():
        assert db.session.scalar(select(func.count(RosterEntry.id))) == 4

    # Back in a later file: no longer marked as left.
    import_roster(GOOD, coop)
    assert _entries(app)["Lucia Bianchi"][3] is False


def test_a_preview_applies_once_and_not_after_the_roster_changed(app, client, admin, coop, upload):
    first = upload(GOOD, coop).headers["Location"]
    second = upload(GOOD.replace("Via Padova", "Niguarda"), coop).headers["Location"]
    client.post(first + "/conferma", data={})
    # The second preview was made on the empty roster: applying it now would not be what was shown.
    response = client.post(second + "/conferma", data={}, follow_redirects=True)
    assert "The roster changed since this preview" in response.get_data(as_text=True)
    assert _entries(app)["Maria Rossi"][2] == "Via Padova"
    again = client.post(first + "/conferma", data={}, follow_redirects=True)
    assert "The roster changed since this preview" in again.get_data(as_text=True)
    assert client.get(first).status_code == 410


def test_unreadable_files_get_a_clear_message_not_an_error(app, client, admin, coop, upload):
    cases = [
        (b"", "The file is empty."),
        ("Nome;Email\nRenée;renee@x.it\n".encode("latin-1"), "not UTF-8"),
        (b"PK\x03\x04rest-of-a-zip", "spreadsheet file"),
        (b"colonna1;colonna2\na;b\n", "The first line must name the columns"),
        (b"Nome;Email;Figli a carico\nA;a@b.it;2\n", "column we must not receive"),
        (b"x" * (2 * 1024 * 1024 + 10), "too large"),
    ]
    for raw, message in cases:
        response = upload(raw, coop)
        assert response.status_code == 422, message
        assert message in response.get_data(as_text=True), message
    with app.app_context():
        assert db.session.scalar(select(func.count(RosterImport.id))) == 0


def test_the_import_messages_are_in_italian_for_an_italian_admin(
    app, client, make_user, login, coop, upload
):
    login(make_user("admin", language="it"))
    response = upload(b"", coop)
    assert response.status_code == 422
    assert "Il file è vuoto." in response.get_data(as_text=True)
