"""Access rules for the roster: admins import and invite, managers see reach, the invited
person uses their invitation as a visitor, a waiting worker sees the waiting page."""

from tests.access import GUEST, LOGGED_IN, PUBLIC

RULES: dict[str, object] = {
    endpoint: ("admin",)
    for endpoint in (
        "roster.overview",
        "roster.import_file",
        "roster.preview",
        "roster.confirm_import",
        "roster.cooperative",
        "roster.invite",
        "roster.letters",
        "roster.resend",
        "roster.shared_code",
        "roster.reviews",
        "roster.confirm_account",
        "roster.reject_account",
    )
}
RULES.update(
    {
        "roster.code_entry": GUEST,
        "roster.accept": GUEST,
        "roster.claim": PUBLIC,
        "roster.waiting": LOGGED_IN,
        "roster.reach_page": ("manager",),
    }
)


def sample_values(app, people, values):
    """Objects whose pages show every roster form: a previewed import, a person whose
    invitation is worth sending again, a fresh letter code, an account waiting for review."""
    import re
    from datetime import timedelta

    from sqlalchemy import select, update

    from elearn.auth.services import hash_password
    from elearn.extensions import db
    from elearn.models import (
        Organization,
        OutboxMessage,
        RegistrationReview,
        RosterEntry,
        RosterInvitation,
        User,
    )
    from elearn.models.base import utcnow
    from elearn.roster import invitations, services

    with app.test_request_context():
        org = db.session.get(Organization, db.session.get(User, people["worker"]).organization_id)
        stale = RosterEntry(
            organization_id=org.id, full_name="Persona Roster", phone="+393331112222"
        )
        fresh = RosterEntry(
            organization_id=org.id, full_name="Persona Lettera", phone="+393331113333"
        )
        db.session.add_all([stale, fresh])
        db.session.commit()
        invitations.make_letters([stale], actor_id=people["admin"])
        db.session.execute(
            update(RosterInvitation)
            .where(RosterInvitation.roster_entry_id == stale.id)
            .values(created_at=utcnow() - timedelta(days=8))
        )
        [letter] = invitations.make_letters([fresh], actor_id=people["admin"])
        _row, import_token, _plan = services.preview_import(
            org,
            b"Nome e cognome;Cellulare\nPersona Roster;3331112222\nNuova Persona;3331114444\n",
            file_name="roster.csv",
            actor_id=people["admin"],
        )
        waiting = User(
            email="in.attesa@example.org",
            full_name="Persona In Attesa",
            password_hash=hash_password("not the password of anyone"),
            organization_id=org.id,
        )
        waiting.set_roles({"worker"})
        db.session.add(waiting)
        db.session.flush()
        db.session.add(RegistrationReview(user_id=waiting.id, organization_id=org.id))
        on_roster = RosterEntry(
            organization_id=org.id, full_name="Persona In Attesa", email="in.attesa@example.org"
        )
        db.session.add(on_roster)
        db.session.flush()
        invitations.send_claim_link(waiting, on_roster, waiting=True)
        db.session.commit()
        [claim_token] = re.findall(
            r"/conferma-indirizzo/([A-Za-z0-9_.\-]+)",
            db.session.scalars(select(OutboxMessage.body_text)).all()[-1],
        )
        values.update(
            entry_id=stale.id,
            import_token=import_token,
            secret=letter.code,
            claim_token=claim_token,
        )
