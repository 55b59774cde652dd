"""Roster imports: preview what a payroll file would change, apply exactly that preview."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import asdict, dataclass, field

from flask_babel import lazy_gettext
from sqlalchemy import delete, func, select, update

from elearn import audit
from elearn.extensions import db
from elearn.models import (
    Organization,
    RegistrationReview,
    RosterEntry,
    RosterImport,
    RosterInvitation,
    User,
    UserRole,
)
from elearn.models.base import utcnow
from elearn.roster.payroll_file import (
    decode,
    loose_key,
    normalise_email,
    normalise_phone,
    read_rows,
)

REASONS = {
    "missing_name": lazy_gettext("missing name"),
    "name_too_long": lazy_gettext("name too long (at most 120 characters)"),
    "site_too_long": lazy_gettext("site too long (at most 120 characters)"),
    "missing_contact": lazy_gettext("neither e-mail nor mobile number"),
    "bad_email": lazy_gettext("e-mail address not valid"),
    "bad_phone": lazy_gettext("mobile number not valid"),
    "duplicate": lazy_gettext("duplicate in the file (same e-mail or mobile as line %(line)s)"),
    "unknown_cooperative": lazy_gettext("unknown cooperative “%(name)s”"),
    "other_cooperative": lazy_gettext(
        "belongs to %(name)s: import that cooperative's file separately"
    ),
    "contact_taken": lazy_gettext(
        "the e-mail or mobile number is already on the roster for another person"
    ),
}

CHANGE_LABELS = {
    "name": lazy_gettext("name"),
    "email": lazy_gettext("e-mail"),
    "phone": lazy_gettext("mobile"),
    "site": lazy_gettext("site"),
    "cooperative": lazy_gettext("moves from another cooperative"),
    "back": lazy_gettext("back on the roster"),
    "language": lazy_gettext("language"),
}


@dataclass
class PlannedRow:
    line: int
    action: str  # add, update, unchanged
    full_name: str
    email: str | None
    phone: str | None
    site: str
    language: str
    entry_id: int | None = None
    changes: list[str] = field(default_factory=list)


@dataclass
class SkippedRow:
    line: int
    full_name: str
    reason: str
    detail: dict[str, str] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return str(REASONS[self.reason]) % self.detail if self.detail else str(REASONS[self.reason])


@dataclass
class Plan:
    rows: list[PlannedRow] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    leaving: list[dict[str, object]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    # Set by apply_import: accounts held for confirmation, confirmation links sent.
    held: int = 0
    asked: int = 0

    def of(self, action: str) -> list[PlannedRow]:
        return [row for row in self.rows if row.action == action]

    def to_json(self) -> str:
        return json.dumps(
            {
                "rows": [asdict(row) for row in self.rows],
                "skipped": [asdict(row) for row in self.skipped],
                "leaving": self.leaving,
                "ignored_columns": self.ignored_columns,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> Plan:
        data = json.loads(text)
        return cls(
            rows=[PlannedRow(**row) for row in data["rows"]],
            skipped=[SkippedRow(**row) for row in data["skipped"]],
            leaving=data["leaving"],
            ignored_columns=data["ignored_columns"],
        )


def _language(value: str) -> str:
    return "en" if loose_key(value) in {"en", "english", "inglese", "eng"} else "it"


def _cooperative_of(
    value: str, chosen: Organization, others: list[Organization]
) -> Organization | None:
    if not value.strip():
        return chosen
    key = loose_key(value)
    for org in [chosen, *others]:
        if key in {loose_key(org.name), loose_key(org.slug)}:
            return org
    return None


def current_count(organization_id: int) -> int:
    """People on the cooperative's roster now (not those who left)."""
    return (
        db.session.scalar(
            select(func.count(RosterEntry.id)).where(
                RosterEntry.organization_id == organization_id, RosterEntry.left_at.is_(None)
            )
        )
        or 0
    )


def fingerprint() -> str:
    """The roster's current state; a preview made on another state must not be applied."""
    digest = hashlib.sha256()
    for row in db.session.execute(
        select(
            RosterEntry.id,
            RosterEntry.organization_id,
            RosterEntry.updated_at,
            RosterEntry.left_at,
        ).order_by(RosterEntry.id)
    ):
        digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def build_plan(organization: Organization, text: str) -> Plan:
    """What importing `text` as the roster of `organization` would do (nothing is changed)."""
    rows, ignored = read_rows(text)
    plan = Plan(ignored_columns=ignored)
    others = list(
        db.session.scalars(select(Organization).where(Organization.id != organization.id))
    )
    by_email = {
        entry.email: entry
        for entry in db.session.scalars(select(RosterEntry).where(RosterEntry.email.is_not(None)))
    }
    by_phone = {
        entry.phone: entry
        for entry in db.session.scalars(select(RosterEntry).where(RosterEntry.phone.is_not(None)))
    }
    seen: dict[str, int] = {}
    matched: set[int] = set()
    for line, cells in rows:
        full_name = " ".join(
            (
                cells.get("name") or f"{cells.get('first_name', '')} {cells.get('last_name', '')}"
            ).split()
        )
        skipped = _check_row(line, full_name, cells, organization, others, seen)
        if isinstance(skipped, SkippedRow):
            plan.skipped.append(skipped)
            continue
        email, phone = skipped
        entry = by_email.get(email) if email else None
        if entry is None and phone:
            entry = by_phone.get(phone)
        other_email = by_email.get(email) if email else None
        other_phone = by_phone.get(phone) if phone else None
        if (other_email is not None and other_email is not entry) or (
            other_phone is not None and other_phone is not entry
        ):
            plan.skipped.append(SkippedRow(line, full_name, "contact_taken"))
            continue
        for contact in (email, phone):
            if contact:
                seen[contact] = line
        site = cells.get("site", "")
        language = _language(cells.get("language", ""))
        if entry is None:
            plan.rows.append(PlannedRow(line, "add", full_name, email, phone, site, language))
            continue
        matched.add(entry.id)
        changes = [
            name
            for name, old, new in (
                ("name", entry.full_name, full_name),
                ("email", entry.email, email),
                ("phone", entry.phone, phone),
                ("site", entry.site, site),
                ("cooperative", entry.organization_id, organization.id),
                ("back", entry.left_at is None, True),
            )
            if old != new
        ]
        if "language" in cells and entry.language != language:
            changes.append("language")
        plan.rows.append(
            PlannedRow(
                line,
                "update" if changes else "unchanged",
                full_name,
                email,
                phone,
                site,
                language,
                entry_id=entry.id,
                changes=changes,
            )
        )
    for entry in db.session.scalars(
        select(RosterEntry)
        .where(RosterEntry.organization_id == organization.id, RosterEntry.left_at.is_(None))
        .order_by(RosterEntry.full_name)
    ):
        if entry.id not in matched:
            plan.leaving.append({"entry_id": entry.id, "full_name": entry.full_name})
    return plan


def _check_row(
    line: int,
    full_name: str,
    cells: dict[str, str],
    organization: Organization,
    others: list[Organization],
    seen: dict[str, int],
) -> SkippedRow | tuple[str | None, str | None]:
    if not full_name:
        return SkippedRow(line, "", "missing_name")
    if len(full_name) > 120:
        return SkippedRow(line, full_name[:120], "name_too_long")
    if len(cells.get("site", "")) > 120:
        return SkippedRow(line, full_name, "site_too_long")
    raw_email, raw_phone = cells.get("email", ""), cells.get("phone", "")
    if not raw_email and not raw_phone:
        return SkippedRow(line, full_name, "missing_contact")
    email = normalise_email(raw_email) if raw_email else None
    if raw_email and email is None:
        return SkippedRow(line, full_name, "bad_email")
    phone = normalise_phone(raw_phone) if raw_phone else None
    if raw_phone and phone is None:
        return SkippedRow(line, full_name, "bad_phone")
    cooperative = _cooperative_of(cells.get("cooperative", ""), organization, others)
    if cooperative is None:
        return SkippedRow(
            line,
            full_name,
            "unknown_cooperative",
            {"name": cells.get("cooperative", "")[:80]},
        )
    if cooperative.id != organization.id:
        return SkippedRow(line, full_name, "other_cooperative", {"name": cooperative.name})
    for contact in (email, phone):
        if contact and contact in seen:
            return SkippedRow(line, full_name, "duplicate", {"line": str(seen[contact])})
    return email, phone


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def preview_import(
    organization: Organization, raw: bytes, *, file_name: str, actor_id: int
) -> tuple[RosterImport, str, Plan]:
    """Read the file and keep its plan server-side; returns the import, the preview token and
    the plan. Raises RosterFileError for a file that cannot be read."""
    text = decode(raw)
    plan = build_plan(organization, text)
    token = secrets.token_urlsafe(24)
    row = RosterImport(
        organization_id=organization.id,
        actor_id=actor_id,
        token_hash=_token_hash(token),
        file_sha256=hashlib.sha256(raw).hexdigest(),
        file_name=file_name[:200],
        roster_fingerprint=fingerprint(),
        plan=plan.to_json(),
        added=len(plan.of("add")),
        updated=len(plan.of("update")),
        left=len(plan.leaving),
        skipped=len(plan.skipped),
    )
    db.session.add(row)
    db.session.commit()
    return row, token, plan


def find_import(token: str) -> RosterImport | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        select(RosterImport).where(RosterImport.token_hash == _token_hash(token))
    )


class StalePreview(Exception):
    """The roster changed since the preview (or it was applied already)."""


def apply_import(row: RosterImport, *, actor_id: int, remote_addr: str = "") -> Plan:
    """Apply exactly the previewed plan, once; StalePreview when the roster moved meanwhile."""
    if row.applied_at is not None or not row.plan:
        raise StalePreview
    claimed = db.session.execute(
        update(RosterImport)
        .where(RosterImport.id == row.id, RosterImport.applied_at.is_(None))
        .values(applied_at=utcnow())
    )
    if claimed.rowcount != 1 or fingerprint() != row.roster_fingerprint:
        db.session.rollback()
        raise StalePreview
    plan = Plan.from_json(row.plan)
    now = utcnow()
    first_roster = (
        db.session.scalar(
            select(RosterEntry.id)
            .where(RosterEntry.organization_id == row.organization_id)
            .limit(1)
        )
        is None
    )
    touched: list[RosterEntry] = []
    for planned in plan.rows:
        if planned.action == "unchanged":
            continue
        entry = (
            db.session.get(RosterEntry, planned.entry_id)
            if planned.entry_id
            else RosterEntry(organization_id=row.organization_id, created_at=now)
        )
        assert entry is not None
        entry.organization_id = row.organization_id
        entry.full_name = planned.full_name
        entry.email = planned.email
        entry.phone = planned.phone
        entry.site = planned.site
        entry.language = planned.language
        entry.left_at = None
        entry.updated_at = now
        db.session.add(entry)
        if planned.action == "add" or {"email", "cooperative", "back"} & set(planned.changes):
            touched.append(entry)
    for leaving in plan.leaving:
        entry = db.session.get(RosterEntry, leaving["entry_id"])
        if entry is None:
            continue
        entry.left_at = now
        entry.updated_at = now
        db.session.execute(
            update(RosterInvitation)
            .where(
                RosterInvitation.roster_entry_id == entry.id,
                RosterInvitation.used_at.is_(None),
                RosterInvitation.revoked_at.is_(None),
            )
            .values(revoked_at=now, revoked_reason="left")
        )
    db.session.flush()
    plan.held, plan.asked = check_existing_accounts(
        row.organization_id, [entry.id for entry in touched], first_roster=first_roster
    )
    # The file's people stay in the roster table only; the plan (names, contacts) goes.
    row.plan = ""
    audit.record(
        "roster.import",
        actor_id=actor_id,
        detail=(
            f"import={row.id} organization={row.organization_id} file_sha256={row.file_sha256} "
            f"added={row.added} updated={row.updated} left={row.left} skipped={row.skipped} "
            f"held={plan.held} asked={plan.asked}"
        ),
        remote_addr=remote_addr,
    )
    db.session.commit()
    return plan


def check_existing_accounts(
    organization_id: int, entry_ids: list[int], *, first_roster: bool
) -> tuple[int, int]:
    """Check the cooperative's accounts against the roster just imported (no commit); returns
    (accounts now waiting for confirmation, confirmation links sent).

    An e-mail typed at registration proves nothing, so a matching address never ties an
    account to an entry by itself. At the cooperative's first import, the workers who
    registered with the shared code while there was no roster start waiting for confirmation
    like any shared-code account made after it (the admin is told how many). Then every
    account whose e-mail is on an entry this import added, moved or changed is sent a link to
    that address (elearn.roster.invitations.claim): opening it ties the account to the entry.
    """
    from elearn.roster import invitations  # noqa: PLC0415  (invitations builds on services)

    tied = select(RosterEntry.user_id).where(RosterEntry.user_id.is_not(None))
    held = 0
    if first_roster:
        other_roles = select(UserRole.user_id).where(
            UserRole.role.in_(("trainer", "manager", "admin"))
        )
        workers = select(UserRole.user_id).where(UserRole.role == "worker")
        for user in db.session.scalars(
            select(User).where(
                User.organization_id == organization_id,
                User.active.is_(True),
                User.id.in_(workers),
                User.id.not_in(other_roles),
                User.id.not_in(tied),
                User.id.not_in(select(RegistrationReview.user_id)),
            )
        ).all():
            db.session.add(RegistrationReview(user_id=user.id, organization_id=organization_id))
            # A session remembers that its person was confirmed (roster.views): log them out,
            # so the next login finds the account waiting.
            user.end_all_sessions()
            held += 1
        db.session.flush()
    if not entry_ids:
        return held, 0
    rows = db.session.execute(
        select(RosterEntry, User, RegistrationReview.user_id)
        .join(User, User.email == RosterEntry.email)
        .outerjoin(RegistrationReview, RegistrationReview.user_id == User.id)
        .where(
            RosterEntry.id.in_(entry_ids),
            RosterEntry.user_id.is_(None),
            RosterEntry.left_at.is_(None),
            User.organization_id == organization_id,
            User.active.is_(True),
            User.id.not_in(tied),
        )
    ).all()
    for entry, user, review in rows:
        invitations.send_claim_link(user, entry, waiting=review is not None)
    return held, len(rows)


def forget_account(user_id: int) -> None:
    """On a person's erasure: the roster no longer says which account was theirs, and the
    invitations the entry has now never work again; one the admin issues later does (the
    person came back). No commit."""
    now = utcnow()
    db.session.execute(delete(RegistrationReview).where(RegistrationReview.user_id == user_id))
    entry_ids = list(
        db.session.scalars(select(RosterEntry.id).where(RosterEntry.user_id == user_id))
    )
    if not entry_ids:
        return
    db.session.execute(
        update(RosterEntry)
        .where(RosterEntry.id.in_(entry_ids))
        .values(user_id=None, erased_at=now, updated_at=now)
    )
    db.session.execute(
        update(RosterInvitation)
        .where(RosterInvitation.roster_entry_id.in_(entry_ids))
        .values(revoked_at=now, revoked_reason="erased")
    )
