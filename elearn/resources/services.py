"""Resources map logic: questionnaire steps, household inputs, wording, sharing, coop resources."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import format_date, get_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from elearn import audit
from elearn.extensions import db

# The resources' clock: forms and views call `services.local_today()` (tests fix the date here).
from elearn.i18n import (
    format_euros,
    local_today,  # noqa: F401
)
from elearn.models import ConsultationRequest, User
from elearn.models.base import utcnow
from elearn.models.resources import CoopResource, RequestResourceMap, ResourceProfile
from elearn.privacy import services as privacy
from elearn.resources.rules import Child, Household, ResourceMap, compute_map
from elearn.resources.rules.engine import Reason, ResourceEstimate

SPECIAL_CONSENT = "resources_special"
# Answers that are special-category data (GDPR art. 9): kept only under SPECIAL_CONSENT.
SPECIAL_KEYS = ("expecting", "expected_birth", "relative_104")
STEPS = ("famiglia", "isee", "lavoro", "consenso", "salute")
MAX_CHILDREN = 6
CLOSED_STATUSES = ("done", "closed")

STEP_TITLES = {
    "famiglia": _l("Your family"),
    "isee": _l("ISEE"),
    "lavoro": _l("Your work"),
    "consenso": _l("Health and care: your consent"),
    "salute": _l("Pregnancy and Law 104"),
}


class ResourcesError(Exception):
    def __init__(self, message: str, field_name: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field_name


def params_dir() -> Path | None:
    configured = current_app.config.get("RESOURCES_PARAMS_DIR")
    return Path(configured) if configured else None


# --- questionnaire -------------------------------------------------------------------------------


def get_profile(user_id: int) -> ResourceProfile | None:
    return db.session.get(ResourceProfile, user_id)


def has_special_consent(user_id: int) -> bool:
    return bool(privacy.current_consent(user_id, SPECIAL_CONSENT))


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
        profile.special_answers = dict(answers)
    else:
        profile.answers = {**(profile.answers or {}), **answers}
    if step not in profile.completed_steps:
        profile.completed_steps = [*profile.completed_steps, step]
    profile.updated_at = utcnow()
    db.session.commit()


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
    for raw in inputs.get("children") or []:
        birth = date_or_none(raw.get("birth_date"))
        age = raw.get("age")
        if birth is not None or isinstance(age, int):
            children.append(Child(birth_date=birth, age=age if birth is None else None))
    part_time = inputs.get("part_time_percent")
    return Household(
        children=tuple(children),
        isee=_float_or_none(inputs.get("isee")) if inputs.get("has_isee") else None,
        expecting=bool(inputs.get("expecting")),
        expected_birth=date_or_none(inputs.get("expected_birth")),
        other_parent=inputs.get("other_parent"),
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
    inputs = dict(profile.answers or {})
    if has_special_consent(user_id):
        inputs.update(profile.special_answers or {})
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


# --- wording -------------------------------------------------------------------------------------

INPS_ONLINE = _l("Online on inps.it (SPID, CIE or CNS), with the INPS app, or through a patronato.")
ASK_SOCIAL_POINT = _l("The Welfare Manager at your Social point can help you prepare it.")


@dataclass(frozen=True)
class ResourceText:
    title: Any
    documents: Any
    where: Any
    deadline: Any


RESOURCE_TEXTS = {
    "auu": ResourceText(
        _l("Assegno unico universale (universal child allowance)"),
        _l(
            "ISEE for minors (DSU), children's tax codes, IBAN; for children aged 18–20, proof of "
            "study, training, work or job seeking."
        ),
        INPS_ONLINE,
        _l(
            "Renew the ISEE from 1 January each year (by the end of February, to avoid the minimum "
            "amount from March; arrears until 30 June). A pending application continues by itself."
        ),
    ),
    "nido": ResourceText(
        _l("Bonus asilo nido (nursery bonus)"),
        _l(
            "ISEE for minors, receipts of the nursery fees paid (or the "
            "certificate for home care of a "
            "child with a serious chronic illness)."
        ),
        INPS_ONLINE,
        _l("Application each year when INPS opens it; attach receipts by the deadline INPS sets."),
    ),
    "newborn": ResourceText(
        _l("Bonus nuovi nati (newborn bonus)"),
        _l("ISEE (without the Assegno unico), the child's birth or adoption details, IBAN."),
        INPS_ONLINE,
        _l("Within the days after the birth or adoption set by INPS (check the current deadline)."),
    ),
    "parental": ResourceText(
        _l("Congedo parentale (parental leave)"),
        _l(
            "The child's birth certificate or tax code; tell your employer in advance (at least 5 "
            "days, as set by the collective agreement)."
        ),
        _l(
            "Online on inps.it or through a patronato, before the leave starts; tell your employer."
        ),
        _l("Ask before each period of leave."),
    ),
    "sick_child": ResourceText(
        _l("Leave for a child's illness"),
        _l(
            "The paediatrician's certificate of illness (sent online) and a "
            "statement that the other "
            "parent is not on leave for the same reason."
        ),
        _l("Ask your employer directly; no INPS application."),
        _l("For each illness, with the certificate."),
    ),
    "l104_permits": ResourceText(
        _l("Law 104 permits (3 days a month)"),
        _l(
            "The Law 104 report with “situazione di gravità” (art. 3 c. 3), the relative's details "
            "and your relationship."
        ),
        _l("Online on inps.it or through a patronato; then agree the days with your employer."),
        _l("Before the first permit; renew if the recognition is temporary."),
    ),
    "l104_leave": ResourceText(
        _l("Congedo straordinario (extraordinary leave, up to 2 years)"),
        _l(
            "The Law 104 report with “situazione di gravità”, proof of living with "
            "the relative, the "
            "order of priority among relatives."
        ),
        _l("Online on inps.it or through a patronato; your employer grants it within 60 days."),
        _l("Before the leave starts."),
    ),
    "tax_children": ResourceText(
        _l("Tax deduction for dependent children"),
        _l(
            "The children's tax codes and their income (dependent up to 4,000 € a year until 24, "
            "2,840.51 € after)."
        ),
        _l(
            "Ask your employer for it in the payslip, or claim it in the 730 tax return with a CAF."
        ),
        _l("Each year in the tax return (730: spring–September)."),
    ),
    "tax_care": ResourceText(
        _l("Tax deduction for care costs (carer for a non-self-sufficient relative)"),
        _l("Receipts and payslips of the carer, a medical certificate of non-self-sufficiency."),
        _l("In the 730 tax return, with a CAF."),
        _l("Each year in the tax return (730: spring–September)."),
    ),
    "ccnl_health": ResourceText(
        _l("Health fund of the collective agreement (CCNL cooperative sociali)"),
        _l("Your payslip (registration is done by the cooperative); invoices for reimbursements."),
        _l("Ask the cooperative's staff office or the fund's website; the Social point can help."),
        _l("Reimbursements within the fund's deadlines."),
    ),
    "ccnl_maternity": ResourceText(
        _l("Maternity top-up of the collective agreement (80 % → 100 %)"),
        _l("The maternity leave application to INPS; your payslips."),
        _l("Paid by the cooperative in the payslip; check with the staff office."),
        _l("During compulsory maternity leave."),
    ),
}

REASONS = {
    "auu.no_isee": _l("Without an ISEE you get the minimum amount (%(amount)s a month per child)."),
    "auu.no_children": _l("No children under 21 in the family."),
    "auu.pregnancy": _l(
        "It can be asked from the 7th month of pregnancy (D.Lgs. 230/2021, art. 2); "
        "about %(amount)s a month per child with your ISEE."
    ),
    "auu.minor": _l(
        "Children under 18: %(count)s, %(amount)s a month each with your ISEE (full amount up "
        "to %(lower)s, minimum from %(upper)s)."
    ),
    "auu.under1": _l("Child under 1 year: +50 %% (%(increase)s a month)."),
    "auu.toddler": _l(
        "At least three children and ISEE up to %(limit)s: +50 %% for a child aged 1–2 "
        "(%(increase)s a month)."
    ),
    "auu.toddler_no": _l(
        "The +50 %% for children aged 1–2 in families with three children needs an ISEE up to "
        "%(limit)s."
    ),
    "auu.adult": _l(
        "Children aged 18–20: %(count)s, %(amount)s a month each (if studying, training, working "
        "with a low income or looking for work)."
    ),
    "auu.third": _l("From the third child on (%(count)s): +%(amount)s a month each."),
    "auu.large_family": _l("Four or more children: +%(amount)s a month for the family."),
    "auu.both_working": _l(
        "Both parents work: +%(amount)s a month for each minor child (%(count)s)."
    ),
    "auu.both_working_unknown": _l(
        "Both parents work: there is an increase for each minor child, but its 2026 amount could "
        "not be confirmed: not added (da verificare)."
    ),
    "nido.no_small_child": _l("No child under 3 and no birth expected."),
    "nido.band1": _l("ISEE up to %(limit)s: up to %(amount)s a year."),
    "nido.band2": _l("ISEE up to %(limit)s: up to %(amount)s a year."),
    "nido.band3": _l("ISEE above 40,000 €: up to %(amount)s a year."),
    "nido.no_isee": _l("Without an ISEE: up to %(amount)s a year."),
    "nido.born_from_2024": _l(
        "Child born from 2024 and ISEE up to 40,000 €: up to %(amount)s a year."
    ),
    "nido.instalments": _l("Paid in %(count)s monthly instalments, never more than the fee paid."),
    "newborn.no_birth": _l("No child born this year and no birth expected."),
    "newborn.needs_isee": _l(
        "%(amount)s once, if the ISEE (without the Assegno unico) is up to %(limit)s: get an ISEE "
        "to know."
    ),
    "newborn.isee_too_high": _l("The ISEE is above %(limit)s."),
    "newborn.yes": _l("A birth or adoption this year and ISEE up to %(limit)s: %(amount)s once."),
    "parental.not_employee": _l("This leave is for employees; other rules apply to you."),
    "parental.needs_contract": _l("Tell us your type of contract to know."),
    "parental.no_child": _l("No child under %(age)s and no birth expected."),
    "parental.months": _l(
        "Until the child is %(age)s: %(total)s months in all for the two "
        "parents. %(m80)s months at "
        "80 %% of pay in total for the couple (used before the child is %(until)s), up to "
        "%(m30)s more at 30 %%; the rest is unpaid."
    ),
    "parental.needs_pay": _l("Tell us your net monthly pay for an estimate in euros."),
    "parental.estimate": _l(
        "About %(rate)s %% of your pay: %(amount)s a month of leave (INPS "
        "computes it on gross pay: "
        "this is a rough estimate on the net %(pay)s)."
    ),
    "sick.no_child": _l("No child under %(age)s."),
    "sick.unlimited": _l(
        "Child under %(age)s: as many days as needed, for each parent alternately."
    ),
    "sick.days": _l(
        "Children aged %(low)s–%(high)s: %(days)s working days a year for each parent."
    ),
    "sick.unpaid": _l("It is unpaid by law (covered by contributions); check your agreement."),
    "l104.none": _l("No relative with Law 104 recognition declared."),
    "l104.not_grave": _l(
        "Permits and extraordinary leave need the “situazione di gravità” (art. 3 c. 3)."
    ),
    "l104.days": _l(
        "%(days)s days a month paid in full (%(full)s days full time; your "
        "time is %(percent)s %%), "
        "or hours if agreed."
    ),
    "l104.value": _l("Value of the paid days kept: about %(amount)s a month."),
    "leave.years": _l("Up to %(years)s years in your working life, also in parts, paid."),
    "leave.cap": _l("Paid like your last pay, up to %(cap)s a year."),
    "leave.cap_unknown": _l(
        "Paid like your last pay up to a yearly cap, whose 2026 amount could not be confirmed "
        "(da verificare)."
    ),
    "leave.estimate": _l("Estimate: about your net pay, %(amount)s a month, within the cap."),
    "tax.children_none": _l(
        "Since the Assegno unico the deduction is only for dependent children "
        "aged %(low)s–%(high)s "
        "(or with disability): none declared."
    ),
    "tax.children_upto": _l(
        "Children aged %(low)s–%(high)s: %(count)s, up to %(amount)s a year each, less as income "
        "rises (zero at 95,000 €)."
    ),
    "tax.care_none": _l("No relative needing care declared."),
    "tax.care_upto": _l(
        "%(rate)s %% of up to %(cap)s a year of carer costs: at most %(amount)s a year, if your "
        "income is up to 40,000 €."
    ),
    "ccnl.health": _l(
        "The cooperative pays the health fund for employees with a permanent or long contract: "
        "reimbursements depend on the fund's plan (the plan comparison is not part of this map)."
    ),
    "ccnl.expired": _l(
        "The collective agreement expired on %(date)s and is waiting for renewal: ask whether "
        "this item still applies."
    ),
    "ccnl.maternity_no": _l("It concerns compulsory maternity leave: no pregnancy declared."),
    "ccnl.maternity": _l(
        "During the %(months)s months of compulsory maternity leave INPS pays 80 %%; the "
        "agreement adds %(rate)s %% to reach 100 %%."
    ),
    "ccnl.maternity_value": _l("About %(amount)s a month for %(months)s months."),
    "rules_missing": _l("The rules of this year are missing for this item (%(parameter)s)."),
}

MONEY_KEYS = {"amount", "lower", "upper", "limit", "increase", "pay", "cap"}


def _format_value(key: str, value: Any, locale: str) -> str:
    if isinstance(value, date):
        return format_date(value, "long")
    if key in MONEY_KEYS and isinstance(value, int | float):
        return format_euros(value, locale)
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", "," if locale == "it" else ".")
    return str(value)


def reason_text(reason: Reason) -> str:
    locale = str(get_locale() or "it")
    template = REASONS.get(reason.code)
    if template is None:
        return reason.code
    values = {key: _format_value(key, value, locale) for key, value in reason.values.items()}
    return str(template) % values if values else str(template).replace("%%", "%")


@dataclass
class SourceView:
    rule: str
    source: str
    date: date | None
    url: str
    verified: bool
    known: bool


@dataclass
class ResourceView:
    key: str
    kind: str
    title: str
    applies: bool | None
    monthly: float | None
    yearly: float | None
    one_off: float | None
    why: list[str]
    documents: str
    where: str
    deadline: str
    sources: list[SourceView] = field(default_factory=list)
    to_verify: bool = False
    rules_missing: bool = False


def present(estimate: ResourceEstimate) -> ResourceView:
    text = RESOURCE_TEXTS[estimate.key]
    sources: list[SourceView] = []
    seen = set()
    for parameter in estimate.used:
        key = (parameter.rule, parameter.source)
        if key in seen:
            continue
        seen.add(key)
        sources.append(
            SourceView(
                parameter.rule,
                parameter.source,
                parameter.date,
                parameter.url,
                parameter.verified,
                parameter.known,
            )
        )
    return ResourceView(
        key=estimate.key,
        kind=estimate.kind,
        title=str(text.title),
        applies=estimate.applies,
        monthly=estimate.monthly,
        yearly=estimate.yearly,
        one_off=estimate.one_off,
        why=[reason_text(reason) for reason in estimate.reasons],
        documents=str(text.documents),
        where=f"{text.where} {ASK_SOCIAL_POINT}",
        deadline=str(text.deadline),
        sources=sources,
        to_verify=estimate.to_verify,
        rules_missing=estimate.rules_missing,
    )


@dataclass
class MapView:
    on: date
    year: int
    missing_year: bool
    items: list[ResourceView]
    monthly_total: float
    yearly_total: float


def build_map(inputs: dict[str, Any], on: date) -> MapView:
    resource_map: ResourceMap = compute_map(household_from_inputs(inputs), on, params_dir())
    return MapView(
        on=on,
        year=resource_map.year,
        missing_year=resource_map.missing_year,
        items=[present(estimate) for estimate in resource_map.resources],
        monthly_total=resource_map.monthly_total,
        yearly_total=resource_map.yearly_total,
    )


@dataclass
class ComparisonRow:
    key: str
    title: str
    before: float | None
    after: float | None
    applies_before: bool
    applies_after: bool


def _headline(item: ResourceView | None) -> float | None:
    if item is None or not item.applies:
        return None
    return item.monthly if item.monthly is not None else item.one_off


def compare(current: MapView, changed: MapView) -> list[ComparisonRow]:
    """The resources whose estimate or applicability the change moves (others stay as they are)."""
    before = {item.key: item for item in current.items}
    rows = []
    for item in changed.items:
        old = before.get(item.key)
        row = ComparisonRow(
            key=item.key,
            title=item.title,
            before=_headline(old),
            after=_headline(item),
            applies_before=bool(old and old.applies),
            applies_after=bool(item.applies),
        )
        moved = row.applies_before != row.applies_after or (
            row.before is not None
            and row.after is not None
            and abs(row.before - row.after) >= 0.005
        )
        if moved:
            rows.append(row)
    return rows


def summary_of_answers(inputs: dict[str, Any], on: date) -> list[tuple[str, str]]:
    """The answers in words, for the top of the map and the manager's view."""
    household = household_from_inputs(inputs)
    locale = str(get_locale() or "it")
    rows: list[tuple[str, str]] = []
    ages = [str(a) for a in (c.age_on(on) for c in household.children) if a is not None]
    rows.append((gettext("Children (age)"), ", ".join(ages) if ages else gettext("none")))
    rows.append(
        (
            gettext("ISEE"),
            format_euros(household.isee, locale)
            if household.isee is not None
            else gettext("not yet"),
        )
    )
    if household.contract:
        rows.append((gettext("Part-time"), f"{household.part_time_percent} %"))
    if household.net_monthly_pay is not None:
        rows.append((gettext("Net monthly pay"), format_euros(household.net_monthly_pay, locale)))
    return rows


# --- sharing with a request ----------------------------------------------------------------------


def open_requests_of(worker_id: int) -> list[ConsultationRequest]:
    return list(
        db.session.scalars(
            select(ConsultationRequest)
            .where(
                ConsultationRequest.worker_id == worker_id,
                ConsultationRequest.status.not_in(CLOSED_STATUSES),
            )
            .order_by(ConsultationRequest.created_at.desc())
        )
    )


def attach_map(worker: User, request_id: int, on: date) -> RequestResourceMap:
    """Share the current answers (and the date) with one of the worker's own open requests."""
    consultation = db.session.scalar(
        select(ConsultationRequest).where(
            ConsultationRequest.id == request_id,
            ConsultationRequest.worker_id == worker.id,
            ConsultationRequest.status.not_in(CLOSED_STATUSES),
        )
    )
    if consultation is None:
        raise ResourcesError(gettext("Choose one of your open requests."), "request")
    inputs = inputs_of(worker.id)
    if not inputs:
        raise ResourcesError(gettext("Answer the questions first."), "request")
    shared = db.session.scalar(
        select(RequestResourceMap).where(RequestResourceMap.request_id == consultation.id)
    )
    if shared is None:
        shared = RequestResourceMap(request_id=consultation.id, worker_id=worker.id)
        db.session.add(shared)
    shared.inputs = inputs
    shared.computed_on = on
    shared.created_at = utcnow()
    consultation.updated_at = utcnow()
    db.session.commit()
    return shared


def shared_map(consultation: ConsultationRequest) -> RequestResourceMap | None:
    return db.session.scalar(
        select(RequestResourceMap).where(
            RequestResourceMap.request_id == consultation.id,
            # Belt and braces: only the requester's own map is ever shown.
            RequestResourceMap.worker_id == consultation.worker_id,
        )
    )


def read_shared_map(
    consultation: ConsultationRequest, manager: User, remote_addr: str = ""
) -> RequestResourceMap | None:
    """The shared map for a manager; each reading is audited (it may hold special data)."""
    shared = shared_map(consultation)
    if shared is not None:
        audit.record(
            "resources.map_viewed",
            actor_id=manager.id,
            subject_user_id=consultation.worker_id,
            detail=f"request={consultation.id}",
            remote_addr=remote_addr,
        )
        db.session.commit()
    return shared


def pathway_title(item: ResourceView) -> str:
    return f"{item.title}: {item.where}"[:200]


# --- cooperatives' own resources -----------------------------------------------------------------


def coop_resources_for(
    organization_id: int | None, *, only_active: bool = True
) -> list[CoopResource]:
    if organization_id is None:
        return []
    query = select(CoopResource).where(CoopResource.organization_id == organization_id)
    if only_active:
        query = query.where(CoopResource.active.is_(True))
    return list(db.session.scalars(query.order_by(CoopResource.title)))


def all_coop_resources() -> list[CoopResource]:
    return list(
        db.session.scalars(
            select(CoopResource).order_by(CoopResource.organization_id, CoopResource.title)
        )
    )


def save_coop_resource(resource: CoopResource | None, admin: User, **values: Any) -> CoopResource:
    if resource is None:
        resource = CoopResource()
        db.session.add(resource)
    for key, value in values.items():
        setattr(resource, key, value.strip() if isinstance(value, str) else value)
    db.session.flush()
    audit.record(
        "resources.coop_resource_saved", actor_id=admin.id, detail=f"coop_resource={resource.id}"
    )
    db.session.commit()
    return resource


def delete_coop_resource(resource: CoopResource, admin: User) -> None:
    audit.record(
        "resources.coop_resource_deleted", actor_id=admin.id, detail=f"coop_resource={resource.id}"
    )
    db.session.delete(resource)
    db.session.commit()


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
