"""The answers to the resources questionnaire: steps (resumable), consent, "what if"."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from elearn.extensions import db
from elearn.form_errors import FieldError

# The resources' clock: forms and views call `answers.local_today()` (tests fix it here).
from elearn.i18n import local_today  # noqa: F401
from elearn.models import User
from elearn.models.base import utcnow
from elearn.models.resources import RequestResourceMap, ResourceProfile
from elearn.privacy import services as privacy
from elearn.resources.rules import Child, Household
from elearn.resources.rules.household import CHILD_DISABILITY

SPECIAL_CONSENT = "resources_special"
# Answers that are special-category data (GDPR art. 9): kept only under SPECIAL_CONSENT.
SPECIAL_KEYS = ("expecting", "expected_birth", "relative_104", "children_disability")
# What the consent text covers. A child's disability was added in December 2026: a consent given
# to the earlier text (pregnancy and Law 104 only) does not cover it, so it is asked and used only
# after the worker answers the consent step again (the scope is kept with the answers).
SPECIAL_SCOPE = "2026-12-children-disability"
CHILD_DISABILITY_KEY = "children_disability"
STEPS = ("famiglia", "isee", "lavoro", "consenso", "salute")
MAX_CHILDREN = 6

STEP_TITLES = {
    "famiglia": _l("Your family"),
    "isee": _l("ISEE"),
    "lavoro": _l("Your work"),
    "consenso": _l("Health and care: your consent"),
    "salute": _l("Pregnancy, disability and Law 104"),
}


class ResourcesError(FieldError):
    """An answer the worker can fix, shown under its question."""


# --- questionnaire -------------------------------------------------------------------------------


def get_profile(user_id: int) -> ResourceProfile | None:
    return db.session.get(ResourceProfile, user_id)


def has_special_consent(user_id: int) -> bool:
    return bool(privacy.current_consent(user_id, SPECIAL_CONSENT))


def consent_covers_disability(user_id: int) -> bool:
    """The standing consent was given to the text that mentions a child's disability."""
    profile = get_profile(user_id)
    scope = (profile.answers or {}).get("special_scope") if profile else None
    return scope == SPECIAL_SCOPE and has_special_consent(user_id)


def steps_for(user_id: int) -> list[str]:
    """The steps the worker goes through: the special questions only after consent."""
    if has_special_consent(user_id):
        return list(STEPS)
    return [step for step in STEPS if step != "salute"]


def next_step(user_id: int) -> str | None:
    """The first step not answered yet (resuming where the worker stopped), or None."""
    profile = get_profile(user_id)
    done = set(profile.completed_steps if profile else [])
    for step in steps_for(user_id):
        if step not in done:
            return step
    return None


def step_after(user_id: int, step: str) -> str | None:
    steps = steps_for(user_id)
    if step not in steps:
        return None
    index = steps.index(step)
    return steps[index + 1] if index + 1 < len(steps) else None


def save_step(user: User, step: str, answers: dict[str, Any], *, remote_addr: str = "") -> None:
    """Store one step's answers at once, so the questionnaire can be resumed at any time."""
    profile = get_profile(user.id)
    if profile is None:
        profile = ResourceProfile(
            user_id=user.id, answers={}, special_answers={}, completed_steps=[]
        )
        db.session.add(profile)
    if step == "consenso":
        granted = bool(answers.get("consent"))
        privacy.record_choice(user, SPECIAL_CONSENT, granted, remote_addr=remote_addr)
        stored = {k: v for k, v in (profile.answers or {}).items() if k != "special_scope"}
        profile.answers = {**stored, "special_scope": SPECIAL_SCOPE} if granted else stored
        if not granted:
            # Without consent the special-category answers must not be kept, not even in the
            # maps already shared with a request.
            profile.special_answers = {}
            profile.completed_steps = [s for s in profile.completed_steps if s != "salute"]
            for shared in db.session.scalars(
                select(RequestResourceMap).where(RequestResourceMap.worker_id == user.id)
            ):
                shared.inputs = {
                    key: value for key, value in shared.inputs.items() if key not in SPECIAL_KEYS
                }
    elif step == "salute":
        if not has_special_consent(user.id):
            raise ResourcesError(gettext("First give your consent to these questions."))
        given = dict(answers)
        if not consent_covers_disability(user.id):
            given.pop(CHILD_DISABILITY_KEY, None)
        profile.special_answers = given
    else:
        before = (profile.answers or {}).get("children")
        profile.answers = {**(profile.answers or {}), **answers}
        if step == "famiglia" and before != answers.get("children"):
            _forget_disability(profile)
    if step not in profile.completed_steps:
        profile.completed_steps = [*profile.completed_steps, step]
    profile.updated_at = utcnow()
    db.session.commit()


def _forget_disability(profile: ResourceProfile) -> None:
    """The children changed: the disabilities given row by row may no longer match, so they are
    deleted and the special step is asked again."""
    special = dict(profile.special_answers or {})
    if special.pop(CHILD_DISABILITY_KEY, None) is not None:
        profile.special_answers = special
        profile.completed_steps = [s for s in profile.completed_steps if s != "salute"]


def parse_amount(raw: str) -> float:
    """An amount typed the Italian way ("18.500", "1.350,50") or the English way ("1350.50").

    A dot followed by exactly three digits is a thousands separator: "18.500" is 18,500 €,
    never 18.5 €. ValueError when it is not a number.
    """
    text = (raw or "").strip().replace("€", "").replace(" ", "").replace("\u00a0", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif text.count(".") > 1 or (text.count(".") == 1 and len(text.split(".")[1]) == 3):
        text = text.replace(".", "")
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(raw)
    return value


def date_or_none(raw: Any) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        return None


def _float_or_none(raw: Any) -> float | None:
    try:
        return None if raw in (None, "") else float(raw)
    except (TypeError, ValueError):
        return None


def household_from_inputs(inputs: dict[str, Any]) -> Household:
    """A household from stored answers (JSON-ready values), ignoring anything malformed."""
    children = []
    disabilities = inputs.get(CHILD_DISABILITY_KEY) or []
    for index, raw in enumerate(inputs.get("children") or []):
        birth = date_or_none(raw.get("birth_date"))
        age = raw.get("age")
        level = disabilities[index] if index < len(disabilities) else None
        if birth is not None or isinstance(age, int):
            children.append(
                Child(
                    birth_date=birth,
                    age=age if birth is None else None,
                    disability=level if level in CHILD_DISABILITY else None,
                )
            )
    part_time = inputs.get("part_time_percent")
    return Household(
        children=tuple(children),
        isee=_float_or_none(inputs.get("isee")) if inputs.get("has_isee") else None,
        expecting=bool(inputs.get("expecting")),
        expected_birth=date_or_none(inputs.get("expected_birth")),
        other_parent=inputs.get("other_parent"),
        mother_under_21=bool(inputs.get("mother_under_21")),
        relative_104=inputs.get("relative_104") or None,
        contract=inputs.get("contract"),
        part_time_percent=part_time if isinstance(part_time, int) else 100,
        net_monthly_pay=_float_or_none(inputs.get("net_monthly_pay")),
    )


def inputs_of(user_id: int) -> dict[str, Any]:
    """The answers the map uses: the special ones only under a standing consent."""
    profile = get_profile(user_id)
    if profile is None:
        return {}
    inputs = {k: v for k, v in (profile.answers or {}).items() if k != "special_scope"}
    if has_special_consent(user_id):
        inputs.update(profile.special_answers or {})
        if not consent_covers_disability(user_id):
            inputs.pop(CHILD_DISABILITY_KEY, None)
    return inputs


# --- "what if" -----------------------------------------------------------------------------------

WHAT_IF = {
    "nascita": _l("A birth in the family"),
    "part_time": _l("Part-time work (percentage of full time)"),
    "isee": _l("A new ISEE value (euros)"),
}


def what_if_inputs(inputs: dict[str, Any], change: str, raw_value: str, on: date) -> dict[str, Any]:
    """The same answers with one input changed; ResourcesError when the value is not usable."""
    changed = dict(inputs)
    if change == "nascita":
        changed["children"] = [*(inputs.get("children") or []), {"birth_date": on.isoformat()}]
        changed["expecting"] = False
        return changed
    try:
        number = parse_amount(raw_value)
    except ValueError:
        raise ResourcesError(gettext("Write a number."), "valore") from None
    if change == "part_time":
        if not 1 <= number <= 100:
            raise ResourcesError(gettext("Write a percentage between 1 and 100."), "valore")
        changed["part_time_percent"] = int(number)
        if inputs.get("net_monthly_pay") and inputs.get("part_time_percent"):
            old = inputs["part_time_percent"] or 100
            changed["net_monthly_pay"] = float(inputs["net_monthly_pay"]) * number / old
        return changed
    if change == "isee":
        if not 0 <= number <= 10_000_000:
            raise ResourcesError(gettext("Write an ISEE between 0 and 10,000,000 euros."), "valore")
        changed["has_isee"] = True
        changed["isee"] = number
        return changed
    raise ResourcesError(gettext("Choose what to change."), "se")


def export_for(user_id: int) -> dict[str, Any]:
    """The worker's questionnaire answers and the maps they shared (privacy export)."""
    profile = get_profile(user_id)
    shared = db.session.scalars(
        select(RequestResourceMap).where(RequestResourceMap.worker_id == user_id)
    )
    return {
        "answers": profile.answers if profile else {},
        "special_answers": profile.special_answers if profile else {},
        "completed_steps": profile.completed_steps if profile else [],
        "shared_maps": [
            {
                "request_id": row.request_id,
                "computed_on": row.computed_on.isoformat(),
                "inputs": row.inputs,
            }
            for row in shared
        ],
    }
