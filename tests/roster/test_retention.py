"""Retention of the payroll roster: entries of people who left the cooperative are deleted,
with their invitations, RETENTION_ROSTER_LEFT_DAYS after they left (`elearn privacy purge`)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from elearn.extensions import db
from elearn.models import AuditEntry, RosterEntry, RosterInvitation, User
from elearn.models.base import utcnow
from tests.conftest import PASSWORD
from tests.roster.conftest import link_token
from tests.roster.test_reach import _cells, _roster

ROSTER = (
    "Nome e cognome;Email;Cellulare;Cooperativa;Sede;Lingua\n"
    "Maria Rossi;maria@girasole.it;;Il Girasole;Via Padova;\n"
    "John Smith;john@girasole.it;;Il Girasole;Via Padova;English\n"
    "Ahmed Benali;;3331234567;Il Girasole;Quarto Oggiaro;\n"
    "Luca Verdi;luca@girasole.it;;Il Girasole;Via Padova;\n"
)
ONLY_JOHN = "Nome e cognome;Email\nJohn Smith;john@girasole.it\n"


def _left_days_ago(app, name, days):
    with app.app_context():
        db.session.execute(
            update(RosterEntry)
            .where(RosterEntry.full_name == name)
            .values(left_at=utcnow() - timedelta(days=days))
        )
        db.session.commit()


def _names(app):
    with app.app_context():
        return sorted(db.session.scalars(select(RosterEntry.full_name)))


def _invitations_of(app):
    with app.app_context():
        return db.session.scalar(select(func.count(RosterInvitation.id)))


def _left_a_year_ago(app, client, coop, import_roster, outbox):
    """Four people invited (three by e-mail, Ahmed by letter), Maria made an account; then a
    file lists John only: Maria and Ahmed left 400 days ago, Luca 30 days ago."""
    import_roster(ROSTER, coop)
    assert client.post(f"/admin/personale/{coop}/invita", data={}).status_code == 302
    assert client.post(f"/admin/personale/{coop}/lettere", data={}).status_code == 200
    token = link_token(next(m for m in outbox() if m.recipient == "maria@girasole.it").body_text)
    from elearn.roster.invitations import accept

    with app.app_context():
        maria = accept(
            token,
            full_name="Maria Rossi",
            email="maria.personale@example.org",
            password=PASSWORD,
            language="it",
        ).id
    import_roster(ONLY_JOHN, coop)
    _left_days_ago(app, "Maria Rossi", 400)
    _left_days_ago(app, "Ahmed Benali", 400)
    _left_days_ago(app, "Luca Verdi", 30)
    return maria


def test_people_who_left_over_a_year_ago_are_deleted_with_their_invitations(
    app, client, admin, coop, import_roster, outbox, runner
):
    maria = _left_a_year_ago(app, client, coop, import_roster, outbox)
    assert _invitations_of(app) == 4

    dry = runner.invoke(args=["privacy", "purge"])
    assert "roster entries of people who left over 365 days ago: 2 (invitations 2)" in dry.output
    assert _names(app) == ["Ahmed Benali", "John Smith", "Luca Verdi", "Maria Rossi"]

    applied = runner.invoke(args=["privacy", "purge", "--apply"])
    assert "purged" in applied.output, applied.output
    assert _names(app) == ["John Smith", "Luca Verdi"], "who left recently is kept"
    assert _invitations_of(app) == 2
    with app.app_context():
        account = db.session.get(User, maria)
        assert account.active and account.email == "maria.personale@example.org", (
            "the account follows its own retention rule"
        )
        detail = db.session.scalar(
            select(AuditEntry.detail)
            .where(AuditEntry.action == "privacy.purge")
            .order_by(AuditEntry.id.desc())
        )
    assert "roster_left=2 roster_invitations=2" in detail
    assert "Maria" not in detail and "Ahmed" not in detail, "counts only"


def test_the_period_is_a_setting(app, client, admin, coop, import_roster, outbox, runner):
    _left_a_year_ago(app, client, coop, import_roster, outbox)
    app.config["RETENTION_ROSTER_LEFT_DAYS"] = 20
    runner.invoke(args=["privacy", "purge", "--apply"])
    assert _names(app) == ["John Smith"]


def test_a_preview_made_before_the_purge_is_refused_as_stale_not_an_error(
    app, client, admin, coop, import_roster, upload, outbox, runner
):
    _left_a_year_ago(app, client, coop, import_roster, outbox)
    # Ahmed comes back in this file: the preview refers to his entry, which the purge deletes.

    back = (
        "Nome e cognome;Email;Cellulare\nJohn Smith;john@girasole.it;\nAhmed Benali;;3331234567\n"
    )
    response = upload(back, coop)
    assert response.status_code == 302
    runner.invoke(args=["privacy", "purge", "--apply"])
    confirmed = client.post(
        response.headers["Location"] + "/conferma", data={}, follow_redirects=True
    )
    assert confirmed.status_code == 200
    assert "The roster changed since this preview" in confirmed.get_data(as_text=True)
    assert _names(app) == ["John Smith", "Luca Verdi"]


def test_the_reach_report_is_unchanged_by_the_purge(
    app, client, make_org, make_user, login, runner
):
    coop = make_org(name="Il Girasole")
    _roster(app, coop, "Via Padova", 12, accounts=8, invited=12, active=6, make_user=make_user)
    _roster(app, coop, "Niguarda", 7, accounts=6, invited=7, make_user=make_user)
    with app.app_context():
        db.session.execute(
            update(RosterEntry)
            .where(RosterEntry.site == "Niguarda")
            .values(left_at=utcnow() - timedelta(days=400))
        )
        db.session.commit()
    manager = make_user("manager", org_id=coop, language="en")
    login(manager)
    before = client.get("/report/personale").get_data(as_text=True)
    runner.invoke(args=["privacy", "purge", "--apply"])
    after = client.get("/report/personale")
    assert after.status_code == 200
    html = after.get_data(as_text=True)
    assert _cells(html, "Via Padova") == _cells(before, "Via Padova")
    assert _cells(html, "Total") == _cells(before, "Total") and _cells(html, "Total")[0] == "10"
    assert "Niguarda" not in html


def test_previews_never_confirmed_are_deleted_after_a_week(
    app, client, admin, coop, upload, runner
):
    from elearn.models import RosterImport

    stale = upload(ROSTER, coop)
    fresh = upload(ONLY_JOHN, coop)
    assert stale.status_code == fresh.status_code == 302
    with app.app_context():
        first = db.session.scalar(select(RosterImport).order_by(RosterImport.id))
        first.created_at = utcnow() - timedelta(days=8)
        db.session.commit()
    dry = runner.invoke(args=["privacy", "purge"])
    assert "roster_previews 1" in dry.output, dry.output
    runner.invoke(args=["privacy", "purge", "--apply"])
    with app.app_context():
        plans = db.session.scalars(select(RosterImport.plan)).all()
    assert len(plans) == 1 and "Maria Rossi" not in plans[0] and "John Smith" in plans[0]
    assert client.get(stale.headers["Location"]).status_code == 404
    assert client.get(fresh.headers["Location"]).status_code == 200
