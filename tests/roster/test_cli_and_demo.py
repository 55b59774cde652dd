"""`elearn roster import` and the demo's roster."""

from __future__ import annotations

from sqlalchemy import func, select

from elearn.extensions import db
from elearn.models import AuditEntry, RegistrationReview, RosterEntry, RosterInvitation


def test_cli_import_is_a_dry_run_until_apply(app, runner, make_org, tmp_path):
    make_org(name="Il Girasole")
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "Nome e cognome;Email;Cellulare\nMaria Rossi;maria@girasole.it;\nSenza Contatti;;\n",
        encoding="utf-8-sig",
    )
    result = runner.invoke(args=["roster", "import", str(roster), "--org", "coop-1"])
    assert result.exit_code == 0, result.output
    assert "1 to add" in result.output and "line 3" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(RosterEntry.id))) == 0
    result = runner.invoke(args=["roster", "import", str(roster), "--org", "coop-1", "--apply"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(RosterEntry.email)) == "maria@girasole.it"
        assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "roster.import"))


def test_cli_import_refuses_an_unknown_cooperative_or_a_bad_file(app, runner, make_org, tmp_path):
    make_org()
    bad = tmp_path / "roster.csv"
    bad.write_bytes("Nome;Email\nRenée;r@x.it\n".encode("latin-1"))
    result = runner.invoke(args=["roster", "import", str(bad), "--org", "nessuna"])
    assert result.exit_code != 0 and "no cooperative" in result.output
    result = runner.invoke(args=["roster", "import", str(bad), "--org", "coop-1"])
    assert result.exit_code != 0 and "UTF-8" in result.output


def test_the_demo_roster_fills_the_roster_pages_once(app):
    from elearn.demo import seed_demo
    from elearn.roster.demo import seed_demo_roster

    with app.test_request_context():
        seed_demo()
        added = seed_demo_roster()
        assert added > 10
        assert seed_demo_roster() == 0, "a second run adds nothing"
        assert db.session.scalar(select(func.count(RosterInvitation.id))) > 0
        assert db.session.scalar(select(func.count(RegistrationReview.user_id))) == 1
        assert db.session.scalar(
            select(RosterEntry.user_id).where(RosterEntry.email == "lavoratrice@demo.it")
        )


def test_a_file_that_would_mark_many_as_left_shows_a_warning(
    app, client, admin, coop, import_roster, upload
):
    people = "".join(f"Persona {n};p{n}@girasole.it\n" for n in range(8))
    import_roster("Nome e cognome;Email\n" + people, coop)
    response = upload("Nome e cognome;Email\nPersona 0;p0@girasole.it\n", coop)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "7 of the 8 people now on the roster are not in this file" in page
    response = upload("Nome e cognome;Email\n" + people, coop)
    assert "Careful" not in client.get(response.headers["Location"]).get_data(as_text=True)
