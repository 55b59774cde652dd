"""Health fund comparison: plans entered by managers, needs declared by workers, the rankings."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from elearn import audit
from elearn.extensions import db
from elearn.form_errors import FieldError
from elearn.healthfund.compare import (
    Coverage,
    GroupRanking,
    ItemResult,
    PlanSheet,
    compare_for_group,
)
from elearn.i18n import money
from elearn.labs import services as labs
from elearn.models import Organization, User
from elearn.models.base import utcnow
from elearn.models.healthfund import (
    CLAIM_MODES,
    COVERAGE_ITEMS,
    HealthNeed,
    HealthPlan,
    HealthPlanCoverage,
)
from elearn.reports.services import counted_workers

ITEM_LABELS = {
    "dental": _l("Dental care"),
    "orthodontics": _l("Orthodontics for children"),
    "maternity": _l("Maternity (pregnancy check-ups and birth)"),
    "paediatrics": _l("Paediatric visits"),
    "specialist_visits": _l("Specialist visits"),
    "diagnostics": _l("Diagnostics (tests, scans)"),
    "physiotherapy": _l("Physiotherapy"),
    "long_term_care": _l("Long-term care"),
    "caregiver_support": _l("Support for family caregivers"),
    "psychologist": _l("Psychologist"),
    "glasses": _l("Glasses and contact lenses"),
    "ticket_refund": _l("Refund of NHS tickets"),
}
ITEM_EXAMPLES = {
    "dental": _l("e.g. a check-up and two fillings: 600 €"),
    "orthodontics": _l("e.g. a brace for a child: 2.500 €"),
    "maternity": _l("e.g. check-ups and scans in pregnancy: 1.200 €"),
    "paediatrics": _l("e.g. private paediatric visits: 300 €"),
    "specialist_visits": _l("e.g. three visits: 360 €"),
    "diagnostics": _l("e.g. an MRI and blood tests: 400 €"),
    "physiotherapy": _l("e.g. ten sessions: 500 €"),
    "long_term_care": _l("e.g. home care for a parent: 3.000 €"),
    "caregiver_support": _l("e.g. respite care: 800 €"),
    "psychologist": _l("e.g. twelve sessions: 720 €"),
    "glasses": _l("e.g. new lenses: 250 €"),
    "ticket_refund": _l("e.g. NHS tickets: 150 €"),
}
CLAIM_MODE_LABELS = {
    "network": _l("in the network (the fund pays the provider directly)"),
    "refund": _l("refund (you pay and send the receipts)"),
    "both": _l("network or refund"),
}


class HealthFundError(FieldError):
    """A change to plans or needs refused for a reason the user can fix."""


# --- plans -------------------------------------------------------------------------------------


def sheet_of(plan: HealthPlan) -> PlanSheet:
    return PlanSheet(
        plan_id=plan.id,
        name=plan.name,
        is_example=plan.is_example,
        description=plan.description,
        coverages={
            c.item: Coverage(
                item=c.item,
                cap_per_year=c.cap_per_year,
                deductible=c.deductible,
                copay_percent=c.copay_percent,
                waiting_months=c.waiting_months,
                claim_mode=c.claim_mode,
                note=c.note,
            )
            for c in plan.coverages
        },
    )


def plans_of(organization_id: int | None, *, only_active: bool = True) -> list[HealthPlan]:
    if organization_id is None:
        return []
    query = select(HealthPlan).where(HealthPlan.organization_id == organization_id)
    if only_active:
        query = query.where(HealthPlan.active.is_(True))
    return list(db.session.scalars(query.order_by(HealthPlan.name, HealthPlan.id)))


def managed_organizations(manager: User) -> list[Organization]:
    return sorted(manager.managed_organizations, key=lambda o: (o.name, o.id))


def manages(manager: User, organization_id: int | None) -> bool:
    return organization_id is not None and any(
        o.id == organization_id for o in manager.managed_organizations
    )


def plans_for_manager(manager: User) -> list[HealthPlan]:
    ids = [o.id for o in manager.managed_organizations]
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(HealthPlan)
            .where(HealthPlan.organization_id.in_(ids))
            .order_by(HealthPlan.organization_id, HealthPlan.name, HealthPlan.id)
        )
    )


def plan_for_manager(manager: User, plan_id: int) -> HealthPlan | None:
    """The plan when it belongs to a cooperative the manager follows (else None: a 404)."""
    plan = db.session.get(HealthPlan, plan_id)
    return plan if plan is not None and manages(manager, plan.organization_id) else None


@dataclass(frozen=True)
class CoverageInput:
    cap_per_year: int | None
    deductible: int = 0
    copay_percent: int = 0
    waiting_months: int = 0
    claim_mode: str = "refund"
    note: str = ""


def save_plan(
    plan: HealthPlan | None,
    manager: User,
    *,
    organization_id: int,
    name: str,
    description: str,
    is_example: bool,
    active: bool,
    coverages: dict[str, CoverageInput],
    remote_addr: str = "",
) -> HealthPlan:
    """Create or update a plan and its whole sheet; an item left out is not covered."""
    if not manages(manager, organization_id):
        raise HealthFundError(str(_l("Choose one of your cooperatives.")), "organization")
    name = name.strip()
    if not name:
        raise HealthFundError(str(_l("Write the plan’s name.")), "name")
    clash = db.session.scalar(
        select(HealthPlan.id).where(
            HealthPlan.organization_id == organization_id,
            HealthPlan.name == name,
            HealthPlan.id != (plan.id if plan is not None else -1),
        )
    )
    if clash is not None:
        raise HealthFundError(
            str(_l("This cooperative already has a plan with this name.")), "name"
        )
    for item, values in coverages.items():
        if item not in COVERAGE_ITEMS or values.claim_mode not in CLAIM_MODES:
            raise HealthFundError(str(_l("Unknown coverage item.")))
    created = plan is None
    if plan is None:
        plan = HealthPlan(organization_id=organization_id)
        db.session.add(plan)
    plan.organization_id = organization_id
    plan.name = name
    plan.description = description.strip()
    plan.is_example = is_example
    plan.active = active
    plan.updated_at = utcnow()
    plan.updated_by_id = manager.id
    existing = {c.item: c for c in plan.coverages}
    for item in COVERAGE_ITEMS:
        values = coverages.get(item)
        row = existing.get(item)
        if values is None:
            if row is not None:
                plan.coverages.remove(row)
            continue
        if row is None:
            row = HealthPlanCoverage(item=item)
            plan.coverages.append(row)
        row.cap_per_year = values.cap_per_year
        row.deductible = values.deductible
        row.copay_percent = values.copay_percent
        row.waiting_months = values.waiting_months
        row.claim_mode = values.claim_mode
        row.note = values.note.strip()
    db.session.flush()
    audit.record(
        "healthfund.plan_created" if created else "healthfund.plan_saved",
        actor_id=manager.id,
        detail=f"plan={plan.id} organization={organization_id} items={len(coverages)}",
        remote_addr=remote_addr,
    )
    db.session.commit()
    return plan


def delete_plan(plan: HealthPlan, manager: User, *, remote_addr: str = "") -> None:
    audit.record(
        "healthfund.plan_deleted",
        actor_id=manager.id,
        detail=f"plan={plan.id} organization={plan.organization_id}",
        remote_addr=remote_addr,
    )
    db.session.delete(plan)
    db.session.commit()


def why(result: ItemResult) -> list[str]:
    """The lines of "Perché" for one item of one plan, in the reader's language."""
    coverage = result.coverage
    if coverage is None:
        return [gettext("Not covered by this plan: you pay it all.")]
    lines = []
    if result.below_deductible:
        lines.append(
            gettext(
                "%(cost)s is within the deductible of %(deductible)s: nothing is paid back.",
                cost=money(result.cost),
                deductible=money(coverage.deductible),
            )
        )
    else:
        share = 100 - coverage.copay_percent
        computed = max(0.0, result.cost - coverage.deductible) * share / 100
        lines.append(
            gettext(
                "(%(cost)s − deductible %(deductible)s) × %(share)d %% "
                "(co-payment %(copay)d %%) = %(amount)s.",
                cost=money(result.cost),
                deductible=money(coverage.deductible),
                share=share,
                copay=coverage.copay_percent,
                amount=money(computed),
            )
        )
        if result.cap_reached:
            lines.append(
                gettext(
                    "Above the yearly cap: the plan pays at most %(cap)s.",
                    cap=money(coverage.cap_per_year),
                )
            )
        elif coverage.cap_per_year is None:
            lines.append(gettext("No yearly cap."))
        else:
            lines.append(
                gettext("Within the yearly cap of %(cap)s.", cap=money(coverage.cap_per_year))
            )
    if coverage.waiting_months:
        lines.append(
            ngettext(
                "Waiting period: nothing is paid in the first %(num)d month after joining.",
                "Waiting period: nothing is paid in the first %(num)d months after joining.",
                coverage.waiting_months,
            )
        )
    lines.append(gettext("How: %(mode)s.", mode=CLAIM_MODE_LABELS.get(coverage.claim_mode, "")))
    if coverage.note:
        lines.append(coverage.note)
    return lines


# --- a cooperative's aggregate -----------------------------------------------------------------


def declared_needs_of_workers(organization_id: int) -> list[dict[str, int]]:
    """The needs declared by the people who count in the cooperative's figures (one dict each;
    the one rule of reports.services.counted_workers: active workers, not waiting)."""
    rows = db.session.execute(
        select(HealthNeed.user_id, HealthNeed.item, HealthNeed.yearly_cost).where(
            HealthNeed.user_id.in_(counted_workers([organization_id]))
        )
    )
    by_worker: dict[int, dict[str, int]] = {}
    for user_id, item, cost in rows:
        by_worker.setdefault(user_id, {})[item] = cost
    return list(by_worker.values())


def group_ranking(organization_id: int) -> GroupRanking:
    plans = [sheet_of(p) for p in plans_of(organization_id)]
    return compare_for_group(plans, declared_needs_of_workers(organization_id), COVERAGE_ITEMS)


@dataclass(frozen=True)
class LabWeight:
    lab_id: int
    lab_title: str
    card_text: str
    people: int | None  # published
    dots: int | None  # published
    outcome_kind: str | None
    outcome_text: str


def health_lab_weights(manager: User, organization_id: int) -> list[LabWeight]:
    """Cards on health, or with a "health fund" outcome, from the closed votes of the labs the
    manager facilitates with this cooperative; figures as the labs publish them (read-only)."""
    weights = []
    for lab in labs.labs_for_manager(manager):
        if organization_id not in {o.id for o in lab.organizations}:
            continue
        results = labs.results(lab)
        if results is None:
            continue
        for ranked in results.ranking:
            outcome_kind = ranked.outcome.kind if ranked.outcome is not None else None
            if ranked.card.topic != "health" and outcome_kind != "health_fund":
                continue
            weights.append(
                LabWeight(
                    lab_id=lab.id,
                    lab_title=lab.title,
                    card_text=ranked.card.text,
                    people=ranked.people,
                    dots=ranked.dots,
                    outcome_kind=outcome_kind,
                    outcome_text=ranked.outcome.text if ranked.outcome is not None else "",
                )
            )
    return weights
