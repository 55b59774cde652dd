"""A worker's yearly health needs: kept only under their consent, withdrawn at once, exported,
and the cooperative's plans ranked for them."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from elearn import audit
from elearn.extensions import db
from elearn.healthfund.compare import PlanResult, compare_for_household
from elearn.healthfund.services import HealthFundError, plans_of, sheet_of
from elearn.models import User
from elearn.models.base import utcnow
from elearn.models.healthfund import AMOUNT_MAX, COVERAGE_ITEMS, HealthNeed, HealthNeedProfile

# The text of the consent asked before needs are kept; a new wording gets a new version.
CONSENT_VERSION = "2026-12-03"


def need_profile(user_id: int) -> HealthNeedProfile | None:
    return db.session.get(HealthNeedProfile, user_id)


def needs_of(user_id: int) -> dict[str, int]:
    profile = need_profile(user_id)
    return {n.item: n.yearly_cost for n in profile.needs} if profile else {}


def save_needs(
    worker: User, needs: dict[str, int], *, consent: bool, remote_addr: str = ""
) -> None:
    """Keep the worker's yearly needs; they say something about health, so only under consent."""
    profile = need_profile(worker.id)
    needs = {item: int(cost) for item, cost in needs.items() if cost}
    for item, cost in needs.items():
        if item not in COVERAGE_ITEMS or not 0 < cost <= AMOUNT_MAX:
            raise HealthFundError(str(_l("Unknown coverage item.")))
    if profile is None and not needs:
        raise HealthFundError(str(_l("Write at least one yearly amount to compare the plans.")))
    if profile is None:
        if not consent:
            raise HealthFundError(
                str(_l("To keep these amounts we need your consent: tick the box.")), "consent"
            )
        profile = HealthNeedProfile(user_id=worker.id, consent_version=CONSENT_VERSION)
        db.session.add(profile)
        audit.record(
            "healthfund.consent_given",
            actor_id=worker.id,
            subject_user_id=worker.id,
            detail=f"version={CONSENT_VERSION}",
            remote_addr=remote_addr,
        )
    existing = {n.item: n for n in profile.needs}
    for item in COVERAGE_ITEMS:
        row = existing.get(item)
        if item not in needs:
            if row is not None:
                profile.needs.remove(row)
        elif row is None:
            profile.needs.append(HealthNeed(item=item, yearly_cost=needs[item]))
        else:
            row.yearly_cost = needs[item]
    profile.updated_at = utcnow()
    # The amounts are not written to the audit log: they are health data.
    audit.record(
        "healthfund.needs_saved",
        actor_id=worker.id,
        subject_user_id=worker.id,
        detail=f"items={len(needs)}",
        remote_addr=remote_addr,
    )
    db.session.commit()


def forget_needs(worker: User, *, remote_addr: str = "") -> bool:
    """Withdraw the consent: the needs are deleted at once. False when there was nothing."""
    profile = need_profile(worker.id)
    if profile is None:
        return False
    db.session.delete(profile)
    audit.record(
        "healthfund.consent_withdrawn",
        actor_id=worker.id,
        subject_user_id=worker.id,
        remote_addr=remote_addr,
    )
    db.session.commit()
    return True


def household_comparison(worker: User, needs: dict[str, int] | None = None) -> list[PlanResult]:
    """The plans of the worker's cooperative ranked by what they reimburse for the needs."""
    plans = [sheet_of(p) for p in plans_of(worker.organization_id)]
    return compare_for_household(
        plans, needs if needs is not None else needs_of(worker.id), COVERAGE_ITEMS
    )


def export_for(user_id: int) -> dict[str, Any]:
    """The worker's declared needs and consent (privacy export)."""
    profile = need_profile(user_id)
    if profile is None:
        return {}
    return {
        "consent_version": profile.consent_version,
        "consented_at": profile.consented_at.isoformat(),
        "yearly_needs": {n.item: n.yearly_cost for n in profile.needs},
    }
