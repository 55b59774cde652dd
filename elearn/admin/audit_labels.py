"""The audit log as an administrator reads it: people by name and e-mail, actions and details in
words. The stored entries keep their stable keys (`progress.read`, `request=12 manager=3`); only
the page translates them, so the log stays greppable and the words can change."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext, lazy_gettext
from sqlalchemy import select

from elearn.extensions import db
from elearn.models import AuditEntry, Organization, User
from elearn.privacy.services import CONSENT_KINDS

ACTION_LABELS = {
    "course.glossary_edited": lazy_gettext("Edited a course glossary"),
    "course.image_deleted": lazy_gettext("Deleted a course image"),
    "course.module_archived": lazy_gettext("Deleted (archived) a course module"),
    "course.module_deleted": lazy_gettext("Deleted a course module never published"),
    "course.module_restored": lazy_gettext("Restored a deleted course module"),
    "healthfund.consent_given": lazy_gettext("Agreed to keep their health-fund needs"),
    "healthfund.consent_withdrawn": lazy_gettext("Withdrew their health-fund needs"),
    "healthfund.needs_saved": lazy_gettext("Saved their health-fund needs"),
    "healthfund.plan_created": lazy_gettext("Added a health-fund plan"),
    "healthfund.plan_saved": lazy_gettext("Changed a health-fund plan"),
    "healthfund.plan_deleted": lazy_gettext("Deleted a health-fund plan"),
    "report.impact_export": lazy_gettext("Downloaded the impact report"),
    "roster.account_confirmed": lazy_gettext("Confirmed an account waiting for the roster"),
    "roster.account_rejected": lazy_gettext("Rejected an account not on the roster"),
    "roster.address_confirmed": lazy_gettext("Confirmed their roster e-mail with the link"),
    "roster.claim_superseded": lazy_gettext(
        "Removed an unconfirmed account: the personal invitation of its roster e-mail was used"
    ),
    "roster.import": lazy_gettext("Imported a payroll roster"),
    "roster.invitation_used": lazy_gettext("Joined with a personal invitation"),
    "roster.invite": lazy_gettext("Sent personal invitations"),
    "roster.shared_code_on": lazy_gettext("Turned a cooperative's shared code on"),
    "roster.shared_code_off": lazy_gettext("Turned a cooperative's shared code off"),
    "case_notes.read": lazy_gettext("Read the private notes of a case"),
    "case_notes.write": lazy_gettext("Wrote a private note on a case"),
    "consultation.assign": lazy_gettext("Assigned a request to a Welfare Manager"),
    "consultation.close": lazy_gettext("Closed a request"),
    "consultation.reopen": lazy_gettext("Reopened a request"),
    "labs.created": lazy_gettext("Created a co-production lab"),
    "labs.hide": lazy_gettext("Hid a lab card"),
    "labs.merge": lazy_gettext("Merged two lab cards"),
    "labs.outcome": lazy_gettext("Recorded the outcome of a lab card"),
    "labs.paper_card": lazy_gettext("Added a paper card to a lab"),
    "labs.phase": lazy_gettext("Moved a lab to its next phase"),
    "organization.create": lazy_gettext("Created an organization"),
    "organization.rotate_invite": lazy_gettext("Changed an organization's invitation code"),
    "organization.update": lazy_gettext("Changed an organization"),
    "pathway.add": lazy_gettext("Added a step to a worker's pathway"),
    "pathway.delete": lazy_gettext("Removed a step from a worker's pathway"),
    "privacy.erasure": lazy_gettext("Erased an account"),
    "privacy.erasure_requested": lazy_gettext("Asked for the erasure of their data"),
    "privacy.export": lazy_gettext("Downloaded their data"),
    "privacy.purge": lazy_gettext("Deleted old data (retention)"),
    "progress.read": lazy_gettext("Looked at a worker's learning progress"),
    "report.export": lazy_gettext("Downloaded a report (CSV)"),
    "resources.coop_resource_deleted": lazy_gettext("Deleted a cooperative resource"),
    "resources.coop_resource_saved": lazy_gettext("Saved a cooperative resource"),
    "resources.map_viewed": lazy_gettext("Looked at a worker's resources map"),
    "user.roles": lazy_gettext("Changed an account's roles"),
    "user.second_factor_enrolled": lazy_gettext("Set up the second factor"),
    "user.second_factor_reset": lazy_gettext("Reset an account's second factor"),
}
DETAIL_KEYS = {
    "request": lazy_gettext("request"),
    "manager": lazy_gettext("Welfare Manager"),
    "organization": lazy_gettext("organization"),
    "org": lazy_gettext("organization"),
    "notes": lazy_gettext("notes"),
    "cases": lazy_gettext("cases"),
    "accounts": lazy_gettext("accounts"),
    "coop_resource": lazy_gettext("resource"),
    "item": lazy_gettext("step"),
    "module": lazy_gettext("module"),
}
ROLE_WORDS = {
    "worker": lazy_gettext("Worker"),
    "trainer": lazy_gettext("Trainer"),
    "manager": lazy_gettext("Welfare manager"),
    "admin": lazy_gettext("Administrator"),
}
_PAIR = re.compile(r"\b([a-z_]+)=(\S+)")
_ROLES = re.compile(r"^roles (\[[^\]]*\]) -> (\[[^\]]*\])$")


@dataclass(frozen=True)
class Person:
    """An account as the log names it: name and e-mail, or a note that it is gone."""

    id: int
    name: str
    email: str

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.email else self.name


@dataclass(frozen=True)
class AuditRow:
    created_at: datetime
    action: str  # the stored key, for the search filter
    label: str
    actor: Person | None
    subject: Person | None
    detail: str
    remote_addr: str


def action_label(action: str) -> str:
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    parts = action.split(".")
    if len(parts) == 3 and parts[0] == "consent" and parts[1] in CONSENT_KINDS:
        kind = CONSENT_KINDS[parts[1]]
        if parts[2] == "granted":
            return gettext("Gave consent: %(what)s", what=kind)
        return gettext("Withdrew consent: %(what)s", what=kind)
    # An action added without a label still reads as words, never as a dotted key.
    return action.replace(".", ": ").replace("_", " ").capitalize()


def _people(ids: Iterable[int]) -> dict[int, Person]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = db.session.execute(
        select(User.id, User.full_name, User.email).where(User.id.in_(wanted))
    ).all()
    found = {row.id: Person(row.id, row.full_name or row.email, row.email) for row in rows}
    for missing in wanted - found.keys():
        found[missing] = Person(missing, gettext("deleted account #%(id)d", id=missing), "")
    return found


def _roles(text: str) -> str:
    names = re.findall(r"'(\w+)'", text)
    return ", ".join(str(ROLE_WORDS.get(name, name)) for name in names) or gettext("none")


def detail_text(detail: str, people: dict[int, Person], organizations: dict[int, str]) -> str:
    """`request=12 manager=None` as "request 12 · Welfare Manager: none"."""
    roles = _ROLES.match(detail)
    if roles:
        return gettext(
            "roles: %(before)s → %(after)s", before=_roles(roles[1]), after=_roles(roles[2])
        )

    def word(match: re.Match[str]) -> str:
        key, value = match[1], match[2]
        label = str(DETAIL_KEYS.get(key, key.replace("_", " ")))
        if value in ("None", ""):
            return f"{label}: {gettext('none')}"
        if key == "manager" and value.isdigit() and int(value) in people:
            return f"{label}: {people[int(value)]}"
        if key in ("organization", "org") and value.isdigit() and int(value) in organizations:
            return f"{label}: {organizations[int(value)]}"
        if key in ("organization", "org") and value == "all":
            return f"{label}: {gettext('all')}"
        return f"{label} {value}"

    marked = _PAIR.sub(lambda match: "\x00" + word(match) + "\x00", detail)
    return " · ".join(piece.strip() for piece in marked.split("\x00") if piece.strip())


def audit_rows(entries: list[AuditEntry]) -> list[AuditRow]:
    """The page's rows: one query for the people and one for the organizations named."""
    ids: set[int] = set()
    org_ids: set[int] = set()
    for entry in entries:
        ids.update(i for i in (entry.actor_id, entry.subject_user_id) if i is not None)
        for key, value in _PAIR.findall(entry.detail or ""):
            if key == "manager" and value.isdigit():
                ids.add(int(value))
            if key in ("organization", "org") and value.isdigit():
                org_ids.add(int(value))
    people = _people(ids)
    organizations = (
        dict(
            db.session.execute(
                select(Organization.id, Organization.name).where(Organization.id.in_(org_ids))
            ).all()
        )
        if org_ids
        else {}
    )
    return [
        AuditRow(
            created_at=entry.created_at,
            action=entry.action,
            label=action_label(entry.action),
            actor=people.get(entry.actor_id) if entry.actor_id is not None else None,
            subject=people.get(entry.subject_user_id)
            if entry.subject_user_id is not None
            else None,
            detail=detail_text(entry.detail or "", people, organizations),
            remote_addr=entry.remote_addr or "",
        )
        for entry in entries
    ]


def action_choices() -> list[tuple[str, str]]:
    """The search filter: every labelled action, by label."""
    choices = [(key, str(label)) for key, label in ACTION_LABELS.items()]
    choices.append(("consent.", gettext("Consents given or withdrawn")))
    return sorted(choices, key=lambda pair: pair[1].casefold())
