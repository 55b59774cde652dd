"""Access rules for the roster: admins import and invite, managers see reach, the invited
person uses their invitation as a visitor, a waiting worker sees the waiting page."""

from tests.access import GUEST, LOGGED_IN

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
        "roster.waiting": LOGGED_IN,
        "roster.reach_page": ("manager",),
    }
)


def sample_values(app, people, values):
    from elearn.extensions import db
    from elearn.models import RosterEntry, User

    with app.app_context():
        org_id = db.session.get(User, people["worker"]).organization_id
        entry = RosterEntry(
            organization_id=org_id, full_name="Persona Roster", phone="+393331112222"
        )
        db.session.add(entry)
        db.session.commit()
        values.update(entry_id=entry.id)
