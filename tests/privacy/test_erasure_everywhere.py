"""Erasure reaches every table that holds a person's data, not only the ones someone remembered.

The walker below starts from every column that can point at a person (a foreign key to the
account, or a person reference without one: audit ids, an e-mail recipient) and follows the
foreign keys the database cascades on (a request's messages, a health profile's needs). After
the erasure it may find the person only in the tables of KEPT, each with the reason and the
columns the erasure must have emptied. A new table with a person reference makes the first
tests fail until someone decides what erasure does with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import JSON, String, Table, Text, delete, select

from elearn.extensions import db
from elearn.models.base import utcnow

# The row is about the person: the walker follows the column.
PERSON = "person"

# Every column that can point at a person. PERSON: the row is theirs. Otherwise the reason it is
# not followed; these columns record what staff did (confirmed, wrote, moderated, imported) and
# workers, the only accounts erasure and the purge are for, never fill them. After an erasure
# they point at the anonymous account row, which names nobody.
PERSON_REFERENCES: dict[tuple[str, str], str] = {
    ("activity_day", "user_id"): PERSON,
    ("appointment", "booked_by_id"): PERSON,
    ("audit_entry", "actor_id"): PERSON,  # no foreign key: the log outlives accounts
    ("audit_entry", "subject_user_id"): PERSON,
    ("consent_record", "user_id"): PERSON,
    ("consultation_request", "worker_id"): PERSON,
    ("course_completion", "user_id"): PERSON,
    ("erasure_request", "user_id"): PERSON,
    ("health_need", "user_id"): PERSON,  # through health_need_profile
    ("health_need_profile", "user_id"): PERSON,
    ("impact_prompt", "user_id"): PERSON,
    ("impact_response", "user_id"): PERSON,
    ("lab_card", "author_id"): PERSON,
    ("lab_support", "user_id"): PERSON,
    ("lab_vote", "user_id"): PERSON,
    ("manager_organization", "user_id"): PERSON,  # staff roles go with the erasure
    ("learner_course_summary", "user_id"): PERSON,
    ("learner_summary", "user_id"): PERSON,
    ("learner_week", "user_id"): PERSON,
    ("module_progress", "user_id"): PERSON,
    ("nudge_sent", "user_id"): PERSON,
    ("outbox_message", "user_id"): PERSON,
    ("outbox_message", "recipient"): PERSON,  # matched against the person's e-mail address
    ("password_reset_token", "user_id"): PERSON,
    ("pathway_item", "worker_id"): PERSON,
    ("quiz_attempt", "user_id"): PERSON,
    ("quiz_first_answer", "user_id"): PERSON,
    ("registration_review", "user_id"): PERSON,
    ("reminder_preference", "user_id"): PERSON,
    ("request_message", "author_id"): PERSON,
    ("request_resource_map", "worker_id"): PERSON,
    ("resource_profile", "user_id"): PERSON,
    ("roster_entry", "user_id"): PERSON,
    ("saved_scenario", "user_id"): PERSON,
    ("target_group_declaration", "user_id"): PERSON,
    ("user_role", "user_id"): PERSON,
    ("user_session", "user_id"): PERSON,
    ("welfare_day_registration", "worker_id"): PERSON,
    # Staff actions.
    ("appointment_slot", "manager_id"): "a Welfare Manager's own availability",
    ("case_note", "author_id"): "the manager who wrote the note (notes go with the request)",
    ("consultation_request", "assigned_manager_id"): "the manager in charge",
    ("erasure_request", "decided_by_id"): "who confirmed an erasure (accountability)",
    ("health_plan", "updated_by_id"): "the admin who edited a health plan",
    ("lab", "created_by_id"): "the manager who opened a lab",
    ("lab_card", "entered_by_id"): "the manager who typed in a paper card",
    ("lab_card", "moderated_by_id"): "the manager who hid or merged a card",
    ("lab_outcome", "written_by_id"): "the manager who wrote an outcome",
    ("module_version", "author_id"): "the trainer who wrote a module",
    ("pathway_item", "created_by_id"): "the manager who planned the step",
    ("roster_import", "actor_id"): "the admin who imported a payroll file",
    ("roster_invitation", "created_by_id"): "who sent an invitation",
    ("welfare_day", "created_by_id"): "the manager who organised a Welfare day",
    # The cooperative's payroll list: its own record of who works there, deleted by the
    # retention rule once the person has left; erasure removes the link to the account
    # (roster_entry.user_id, followed above) and stops the invitations.
    ("roster_entry", "email"): "the cooperative's payroll list (unlinked on erasure)",
    ("roster_entry", "full_name"): "the cooperative's payroll list (unlinked on erasure)",
    ("roster_entry", "phone"): "the cooperative's payroll list (unlinked on erasure)",
}

# A column name that looks like a person reference must be in PERSON_REFERENCES.
_PERSONISH = re.compile(
    r"(^|_)(user|worker|actor|author|manager|person)_id$|_by_id$|^(email|recipient|full_name|phone)$"
)


@dataclass(frozen=True)
class Kept:
    """A table whose rows of an erased person stay, and what in them the erasure empties."""

    why: str
    cleared: dict[str, Any] = field(default_factory=dict)


KEPT: dict[str, Kept] = {
    # The account stays as an anonymous, inactive row (checked on its own below) so counts and
    # funnels do not change; the rows that only count stay with it.
    "user_account": Kept("anonymous row: e-mail erased-…@invalid.local, name '—', inactive"),
    "user_role": Kept("the worker role only, so the anonymous row still counts as a worker"),
    "activity_day": Kept("aggregates: days with activity, per kind"),
    "module_progress": Kept("aggregates: modules started and completed, scores"),
    "course_completion": Kept("aggregates: completions (the certificate shows the name '—')"),
    "quiz_first_answer": Kept("aggregates: right or wrong at the first try"),
    "learner_summary": Kept("derived by the database from the progress rows"),
    "learner_week": Kept("derived by the database from the progress rows"),
    "learner_course_summary": Kept("derived by the database from the progress rows"),
    "quiz_attempt": Kept(
        "counts of right answers; the answer given is emptied", {"response": "{}"}
    ),
    "consultation_request": Kept(
        "counts of requests by topic and status; what the person wrote is emptied",
        {"description": "", "preferred_times": "", "outcome": None, "context_inputs": None},
    ),
    "appointment": Kept("counts of appointments; the place is emptied", {"location": ""}),
    "welfare_day_registration": Kept("the seats taken and the attendance of a Welfare day"),
    "lab_support": Kept("a lab's published counts; no text, the account is anonymous"),
    "lab_vote": Kept("a lab's published counts; no text, the account is anonymous"),
    "erasure_request": Kept("proof that the erasure was asked for and carried out (art. 5(2))"),
    # Append-only (the database refuses updates and deletes): actions, ids and counts, never
    # names (checked below); the remote address of the person's own actions stays.
    "audit_entry": Kept("append-only accountability log: ids and counts, no names"),
}

# Tables whose rows of the person must all be gone after the erasure (deleted, or the link to
# the person removed: lab cards stay on the board, anonymous; the payroll entry stays unlinked).
ERASED = {
    "consent_record",
    "target_group_declaration",
    "saved_scenario",
    "request_scenario",
    "request_message",
    "case_note",
    "request_resource_map",
    "resource_profile",
    "pathway_item",
    "nudge_sent",
    "outbox_message",
    "reminder_preference",
    "health_need_profile",
    "health_need",
    "impact_response",
    "impact_prompt",
    "lab_card",
    "lab_outcome",
    "manager_organization",
    "password_reset_token",
    "user_session",
    "registration_review",
    "roster_entry",
    "roster_invitation",
}

# Text that names the person or that only they wrote. No column of any table may hold it after
# the erasure, except these (their reason is in PERSON_REFERENCES).
NAME = "Giulia Marchetti"
EMAIL = "giulia.marchetti@example.org"
WROTE = "RIGA-PRIVATA"
MARKERS_MAY_STAY = {("roster_entry", "full_name"), ("roster_entry", "email")}


def _tables() -> dict[str, Table]:
    return dict(db.metadata.tables)


def _followed_foreign_keys() -> list[tuple[Table, Any]]:
    """(child table, foreign key) pairs the database cascades on, except from the account (the
    account's own references are decided column by column in PERSON_REFERENCES)."""
    pairs = []
    for table in _tables().values():
        for fk in table.foreign_keys:
            if (fk.ondelete or "").upper() == "CASCADE" and fk.column.table.name != "user_account":
                pairs.append((table, fk))
    return pairs


def reachable_tables() -> set[str]:
    """Every table that can hold a row of a person, from the schema alone."""
    found = {table for (table, _), kind in PERSON_REFERENCES.items() if kind == PERSON}
    found.add("user_account")
    changed = True
    while changed:
        changed = False
        for child, fk in _followed_foreign_keys():
            if fk.column.table.name in found and child.name not in found:
                found.add(child.name)
                changed = True
    return found


def rows_of(person_id: int, email: str) -> dict[str, list[dict[str, Any]]]:
    """Every row in the database that is about the person (see the module docstring)."""
    tables = _tables()
    found: dict[str, dict[tuple[Any, ...], dict[str, Any]]] = {}

    def add(table: Table, condition: Any) -> bool:
        added = False
        for row in db.session.execute(select(table).where(condition)).mappings():
            key = tuple(row[c.name] for c in table.primary_key.columns) or tuple(row.values())
            if key not in found.setdefault(table.name, {}):
                found[table.name][key] = dict(row)
                added = True
        return added

    add(tables["user_account"], tables["user_account"].c.id == person_id)
    for (name, column), kind in PERSON_REFERENCES.items():
        if kind == PERSON:
            value = email if column == "recipient" else person_id
            add(tables[name], tables[name].c[column] == value)
    changed = True
    while changed:
        changed = False
        for child, fk in _followed_foreign_keys():
            parent_rows = found.get(fk.column.table.name)
            if parent_rows:
                values = {row[fk.column.name] for row in parent_rows.values()}
                changed |= add(child, fk.parent.in_(values))
    return {name: list(rows.values()) for name, rows in found.items() if rows}


# --- the schema: every person reference and every table they reach has a decision ----------------


def test_every_person_reference_in_the_schema_is_decided():
    undecided = set()
    for table in _tables().values():
        for column in table.columns:
            to_account = any(fk.column.table.name == "user_account" for fk in column.foreign_keys)
            looks_personal = _PERSONISH.search(column.name) and table.name != "user_account"
            decided = (table.name, column.name) in PERSON_REFERENCES
            if (to_account or looks_personal) and not decided:
                undecided.add(f"{table.name}.{column.name}")
    stale = {
        f"{table}.{column}"
        for table, column in PERSON_REFERENCES
        if table not in _tables() or column not in _tables()[table].c
    }
    assert (undecided, stale) == (set(), set())


def test_every_table_that_can_hold_a_persons_rows_is_erased_or_kept_on_purpose():
    assert not ERASED & set(KEPT)
    assert reachable_tables() == ERASED | set(KEPT)


# --- a person who used everything, erased three ways ----------------------------------------------


def _a_person_who_used_everything(make_user) -> tuple[int, int]:
    """Rows of Giulia in every table that can hold them (with a child's disability, a pregnancy
    and Law 104 in the resources answers and the map shared with her request)."""
    from elearn import audit
    from elearn.models import (
        ActivityDay,
        Appointment,
        CaseNote,
        ConsultationRequest,
        CourseCompletion,
        HealthNeed,
        HealthNeedProfile,
        ImpactPrompt,
        ImpactResponse,
        Lab,
        LabCard,
        LabOutcome,
        LabSupport,
        LabVote,
        ManagerOrganization,
        ModuleProgress,
        NudgeSent,
        OutboxMessage,
        PasswordResetToken,
        PathwayItem,
        QuizAttempt,
        QuizFirstAnswer,
        RegistrationReview,
        ReminderPreference,
        RequestMessage,
        RequestScenario,
        RosterEntry,
        RosterInvitation,
        SavedScenario,
        TargetGroupDeclaration,
        User,
        UserSession,
        WelfareDay,
        WelfareDayRegistration,
    )
    from elearn.models.resources import RequestResourceMap, ResourceProfile
    from elearn.privacy.erasure import request_erasure

    person_id = make_user("worker", name=NAME, email=EMAIL, consent=True)
    manager_id = make_user("manager")
    now = utcnow()
    today = date.today()
    special = {"expecting": True, "relative_104": "grave", "children_disability": ["grave"]}
    person = db.session.get(User, person_id)
    org = person.organization_id
    add = db.session.add
    add(TargetGroupDeclaration(user_id=person_id, target_group="legge104"))
    # She had also been a Welfare Manager of her cooperative (the role is gone, the link too).
    add(ManagerOrganization(user_id=person_id, organization_id=org))
    add(ActivityDay(user_id=person_id, day=today, kind="module", count=1))
    add(ModuleProgress(user_id=person_id, course_slug="prova", module_slug="01-spese"))
    add(
        CourseCompletion(
            user_id=person_id,
            course_slug="prova",
            course_title="Prova",
            completed_at=now,
            minutes=10,
            verification_code="ABCD2345",
        )
    )
    quiz = {"course_slug": "prova", "module_slug": "01-spese", "quiz_id": "q1", "correct": True}
    add(QuizAttempt(user_id=person_id, response=f'{{"text": "{WROTE}"}}', **quiz))
    add(QuizFirstAnswer(user_id=person_id, **quiz))
    scenario = SavedScenario(
        user_id=person_id, simulator="budget", name=WROTE, inputs={"income": 1234}
    )
    consultation = ConsultationRequest(
        worker_id=person_id,
        organization_id=org,
        topic="care104",
        description=f"{WROTE}: mia madre ha la 104",
        channel="phone",
        preferred_times=WROTE,
        outcome=WROTE,
        context_simulator="budget",
        context_inputs={"income": 1234, "note": WROTE},
    )
    add(scenario)
    add(consultation)
    db.session.flush()
    add(RequestScenario(request_id=consultation.id, scenario_id=scenario.id))
    add(
        Appointment(
            request_id=consultation.id,
            channel="in_person",
            starts_at=now,
            ends_at=now + timedelta(hours=1),
            location=WROTE,
            booked_by_id=person_id,
        )
    )
    add(CaseNote(request_id=consultation.id, author_id=manager_id, body=WROTE))
    add(RequestMessage(request_id=consultation.id, author_id=person_id, body=WROTE))
    add(
        RequestResourceMap(
            request_id=consultation.id, worker_id=person_id, computed_on=today, inputs=special
        )
    )
    add(ResourceProfile(user_id=person_id, answers={"has_isee": True}, special_answers=special))
    step = PathwayItem(
        worker_id=person_id,
        request_id=consultation.id,
        kind="action",
        title=f"Congedo di maternità {WROTE}",
        created_by_id=manager_id,
    )
    mail = OutboxMessage(
        message_id="<erasure-test@example.org>",
        recipient=EMAIL,
        subject="Promemoria",
        body_text=f"Ciao {NAME}",
        user_id=person_id,
        kind="nudge",
    )
    add(step)
    add(mail)
    add(
        OutboxMessage(
            message_id="<erasure-test-2@example.org>",
            recipient=EMAIL,
            subject="Reimposta la password",
            body_text=f"Ciao {NAME}",
        )
    )
    db.session.flush()
    add(
        NudgeSent(
            user_id=person_id,
            kind="pathway_due",
            sequence=1,
            pathway_item_id=step.id,
            outbox_message_id=mail.id,
        )
    )
    add(ReminderPreference(user_id=person_id, stopped=True, changed_via="profile"))
    add(HealthNeedProfile(user_id=person_id, consent_version="test"))
    db.session.flush()
    add(HealthNeed(user_id=person_id, item="maternity", yearly_cost=1200))
    add(
        ImpactResponse(
            user_id=person_id,
            organization_id=org,
            scale_version="cfpb-fwb-10",
            language="it",
            wording_version="test",
            mode="self",
            age_band="18-61",
            occasion="first_use",
            item_values=[2] * 10,
            raw_total=20,
            score=50,
            literacy_answers={},
            interest_correct=True,
            inflation_correct=True,
            diversification_correct=True,
        )
    )
    add(ImpactPrompt(user_id=person_id, snoozed_until=now))
    lab = Lab(
        title="Conciliazione",
        question="Che cosa manca?",
        collect_from=today,
        merge_from=today,
        vote_from=today,
        outcome_from=today,
    )
    add(lab)
    db.session.flush()
    # Lab cards stay on the board, anonymous (the labs' design): no marker in the text.
    card = LabCard(
        lab_id=lab.id, kind="need", topic="care", text="Nido aperto il sabato", author_id=person_id
    )
    add(card)
    db.session.flush()
    add(LabOutcome(card_id=card.id, kind="new_service", text="Nido il sabato"))
    add(LabSupport(card_id=card.id, user_id=person_id))
    add(LabVote(lab_id=lab.id, card_id=card.id, user_id=person_id, dots=1))
    welfare_day = WelfareDay(
        organization_id=org,
        title="Giornata del welfare",
        starts_at=now,
        ends_at=now + timedelta(hours=2),
        place="Sala",
        capacity=10,
        seats_taken=1,
    )
    add(welfare_day)
    db.session.flush()
    add(
        WelfareDayRegistration(
            welfare_day_id=welfare_day.id, worker_id=person_id, status="registered"
        )
    )
    add(RegistrationReview(user_id=person_id, organization_id=org))
    entry = RosterEntry(organization_id=org, full_name=NAME, email=EMAIL, user_id=person_id)
    add(entry)
    db.session.flush()
    add(
        RosterInvitation(
            roster_entry_id=entry.id,
            organization_id=org,
            secret_hash="x" * 64,
            channel="email",
            expires_at=now + timedelta(days=7),
        )
    )
    add(PasswordResetToken(user_id=person_id, token_hash="r" * 64, expires_at=now))
    add(UserSession(user_id=person_id, token_hash="s" * 64))
    audit.record("resources.map_viewed", actor_id=manager_id, subject_user_id=person_id)
    db.session.commit()
    request_erasure(person)  # an audit entry by the person, and the pending request
    return person_id, manager_id


def _confirmed_request(person_id: int, manager_id: int) -> None:
    from elearn.models import ErasureRequest, User
    from elearn.privacy.erasure import erase_user

    row = db.session.scalar(select(ErasureRequest).where(ErasureRequest.user_id == person_id))
    erase_user(row, db.session.get(User, manager_id))


def _retention_purge(person_id: int, manager_id: int) -> None:
    from elearn.privacy.retention import PurgePlan, apply_purge

    apply_purge(PurgePlan(closed_cases=[], inactive_accounts=[person_id]))


def _rejected_account(person_id: int, manager_id: int) -> None:
    from elearn.models import OutboxMessage, RegistrationReview
    from elearn.roster.confirmations import reject

    reject(db.session.get(RegistrationReview, person_id), actor_id=manager_id)
    db.session.commit()
    # The rejection then tells the person, at their address, where to ask (meant to go out;
    # the outbox retention deletes it once sent): the only row the walker may find there.
    told = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == EMAIL))
    subjects = [mail.subject for mail in told]
    assert subjects == ["WELFARE³: non abbiamo potuto confermare il tuo account"]
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.recipient == EMAIL))


@pytest.mark.parametrize(
    "erase",
    [_confirmed_request, _retention_purge, _rejected_account],
    ids=["confirmed request", "retention purge", "rejected account"],
)
def test_erasure_leaves_the_person_only_where_kept_on_purpose(app, make_user, erase):
    with app.app_context():
        person_id, manager_id = _a_person_who_used_everything(make_user)
        before = rows_of(person_id, EMAIL)
        assert reachable_tables() - set(before) == set(), "seed a row of these tables above"

        erase(person_id, manager_id)
        db.session.expire_all()
        after = rows_of(person_id, EMAIL)

        assert set(after) - set(KEPT) == set()
        not_emptied = {
            f"{name}.{column}"
            for name, rows in after.items()
            for row in rows
            for column, value in KEPT[name].cleared.items()
            if row[column] != value
        }
        assert not_emptied == set()
        account = after["user_account"][0]
        assert (account["full_name"], account["active"], account["totp_secret"]) == (
            "—",
            False,
            None,
        )
        assert account["email"].endswith("@invalid.local")
        assert {row["role"] for row in after["user_role"]} == {"worker"}

        # Nothing anywhere still names the person or holds what only they wrote.
        named = set()
        for table in _tables().values():
            columns = [
                c for c in table.columns if isinstance(c.type, String | Text | JSON)
            ]  # String covers Text
            for row in db.session.execute(select(*columns)).mappings() if columns else []:
                for column in columns:
                    text = str(row[column.name])
                    marked = any(marker in text for marker in (NAME, EMAIL, WROTE))
                    if marked and (table.name, column.name) not in MARKERS_MAY_STAY:
                        named.add(f"{table.name}.{column.name}")
        assert named == set()


# --- the data export (art. 15) covers the same tables ---------------------------------------------

# Where each table that can hold the person's rows appears in the export, or why it does not.
EXPORTED_AS: dict[str, str] = {
    "user_account": "profile",
    "user_role": "profile",
    "consent_record": "consents",
    "target_group_declaration": "target_groups",
    "module_progress": "module_progress",
    "quiz_attempt": "quiz_answers",
    "course_completion": "course_completions",
    "activity_day": "activity_days",
    "saved_scenario": "saved_scenarios",
    "consultation_request": "consultation_requests",
    "request_message": "messages",
    "appointment": "appointments",
    "case_note": "case_notes_count",
    "pathway_item": "pathway",
    "welfare_day_registration": "welfare_days",
    "resource_profile": "resources_map",
    "request_resource_map": "resources_map",
    "health_need_profile": "health_fund_needs",
    "health_need": "health_fund_needs",
    "impact_response": "impact_measure",
    "audit_entry": "audit_entries",
    "reminder_preference": "reminder_choice",
    "nudge_sent": "nudges_sent",
    "lab_card": "lab_cards",
    "lab_support": "lab_supports",
    "lab_vote": "lab_votes",
    "roster_entry": "payroll_entry",
    "outbox_message": "emails",
    "erasure_request": "erasure_requests",
    "registration_review": "account_confirmation",
    "impact_prompt": "impact_not_now",
    "user_session": "logins",
}
NOT_EXPORTED: dict[str, str] = {
    "learner_summary": "a copy the database derives from module_progress (exported)",
    "learner_week": "a copy the database derives from module_progress (exported)",
    "learner_course_summary": "a copy the database derives from module_progress (exported)",
    "quiz_first_answer": "a copy of the first quiz_attempt (exported)",
    "request_scenario": "which exported scenario is attached to which exported request",
    "lab_outcome": "what the cooperative decided about a card, written by a manager",
    "manager_organization": "a staff assignment (the export is a worker's page)",
    "password_reset_token": "a secret's hash (the export leaves hashes out)",
    "roster_invitation": "a secret's hash (the export leaves hashes out)",
}
EXPORT_GAPS: set[str] = set()  # every table is exported or left out with its reason


def test_every_table_that_can_hold_a_persons_rows_is_exported_or_left_out_on_purpose():
    decided = set(EXPORTED_AS) | set(NOT_EXPORTED) | EXPORT_GAPS
    assert reachable_tables() == decided


def test_the_export_holds_the_persons_rows_of_every_exported_table(app, make_user):
    from elearn.models import User
    from elearn.privacy.export import export_user_data

    with app.app_context():
        person_id, _ = _a_person_who_used_everything(make_user)
        data = export_user_data(db.session.get(User, person_id))
    empty = {table for table, key in EXPORTED_AS.items() if not data.get(key)}
    shared = data["resources_map"]
    assert (empty, shared["special_answers"]["relative_104"], len(shared["shared_maps"])) == (
        set(),
        "grave",
        1,
    )


def test_the_export_holds_the_payroll_entry_and_the_mails(app, make_user):
    import json

    from elearn.models import RosterEntry, User
    from elearn.privacy.export import export_user_data

    with app.app_context():
        person_id, _ = _a_person_who_used_everything(make_user)
        entry = db.session.scalar(select(RosterEntry).where(RosterEntry.user_id == person_id))
        entry.site = "Sede di Lambrate"
        db.session.commit()
        text = json.dumps(export_user_data(db.session.get(User, person_id)), default=str)
    assert ("Sede di Lambrate" in text, "Promemoria" in text) == (True, True)
