"""Each resource as a function of the household and the year's parameters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from elearn.resources.rules.household import Household
from elearn.resources.rules.params import (
    PARAMS_DIR,
    Parameter,
    ParameterMissing,
    YearParameters,
    load_year,
)


@dataclass(frozen=True)
class Reason:
    """One line of "Perché": a code the web layer words in the reader's language, with values."""

    code: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class ResourceEstimate:
    key: str
    # cash: money that adds to the household's; leave: pay while away from work; service.
    kind: str = "cash"
    # True: it applies; False: it does not (the reasons say why); None: cannot say yet.
    applies: bool | None = None
    monthly: float | None = None
    yearly: float | None = None
    one_off: float | None = None
    reasons: list[Reason] = field(default_factory=list)
    used: list[Parameter] = field(default_factory=list)
    rules_missing: bool = False

    @property
    def to_verify(self) -> bool:
        """Some parameter is not confirmed on a primary source, or unknown for the year."""
        return any(not p.verified or not p.known for p in self.used)

    def say(self, code: str, **values: Any) -> None:
        self.reasons.append(Reason(code, values))


@dataclass
class ResourceMap:
    on: date
    year: int
    missing_year: bool
    resources: list[ResourceEstimate]

    @property
    def monthly_total(self) -> float:
        """Money that adds to pay each month (leave replaces pay and one-off bonuses are apart)."""
        return sum(r.monthly or 0 for r in self.resources if r.applies and r.kind == "cash")

    @property
    def yearly_total(self) -> float:
        return sum(r.yearly or 0 for r in self.resources if r.applies and r.kind == "cash")


class _Params:
    """The year's parameters, remembering which ones a resource read."""

    def __init__(self, year: YearParameters, estimate: ResourceEstimate) -> None:
        self._year = year
        self._estimate = estimate

    def param(self, key: str) -> Parameter:
        parameter = self._year[key]
        if parameter not in self._estimate.used:
            self._estimate.used.append(parameter)
        return parameter

    def __call__(self, key: str) -> Any:
        return self.param(key).value


def _cents(amount: float) -> float:
    return round(amount + 0.0, 2)


def isee_band(table: dict[str, Any], isee: float | None) -> dict[str, Any]:
    """The row of the year's table for this ISEE: the first band whose upper bound is not below
    it (the last row, "oltre", has none). No ISEE: the last row, the minimum amounts."""
    columns, rows = table["columns"], table["rows"]
    row = rows[-1]
    if isee is not None:
        row = next((r for r in rows if r[1] is None or isee <= r[1]), rows[-1])
    return dict(zip(columns, row, strict=True))


# --- Assegno unico e universale ------------------------------------------------------------------

DISABILITY_LEVELS = ("media", "grave", "non_self_sufficient")


def _column(band: dict[str, Any], name: str) -> float:
    if name not in band:
        raise ParameterMissing(f"auu.table: {name}")
    return float(band[name] or 0.0)


def assegno_unico(h: Household, on: date, p: _Params, r: ResourceEstimate) -> None:
    table = p("auu.table")
    band = isee_band(table, h.isee)
    rows = table["rows"]
    lower, upper = rows[0][1], rows[-1][0] - 0.01
    # Who counts (D.Lgs. 230/2021 art. 4 c. 1-2): minors, children aged 18-20, and children with
    # a disability at any age (the amount of c. 1, "senza limiti di età").
    counted: list[tuple[int, str | None]] = []
    for child in h.children:
        age = child.age_on(on)
        if age is None:
            continue
        level = child.disability if child.disability in DISABILITY_LEVELS else None
        if level is not None or age < 21:
            counted.append((age, level))
    if h.isee is None:
        r.say("auu.no_isee", amount=_column(band, "minor"))
    if not counted:
        if h.expecting:
            r.applies = True
            # Asked from the 7th month, paid from the birth: no monthly amount yet.
            r.say("auu.pregnancy", amount=_column(band, "minor"))
            return
        r.applies = False
        r.say("auu.no_children")
        return
    r.applies = True
    if h.isee is not None and band["isee_to"] is None:
        r.say("auu.band_top", band_to=upper)
    elif h.isee is not None:
        r.say("auu.band", band_from=band["isee_from"], band_to=band["isee_to"])
    total = 0.0
    under1 = p("auu.under1_increase")
    toddler = p("auu.toddler_large_family_increase")
    toddler_limit = p("auu.toddler_isee_limit")
    minors = [age for age, disability in counted if age < 18 and disability is None]
    adults = [age for age, disability in counted if age >= 18 and disability is None]
    disabled = [(age, level) for age, level in counted if level is not None]
    for age, disability in sorted(counted, key=lambda pair: pair[0]):
        if disability is not None:
            base = _column(band, "disabled")
        elif age < 18:
            base = _column(band, "minor")
        else:
            base = _column(band, "adult")
        amount = base
        if age < 1 and under1:
            amount += _cents(base * under1)
            r.say("auu.under1", increase=_cents(base * under1))
        elif 1 <= age < 3 and len(counted) >= 3 and toddler:
            if h.isee is not None and h.isee <= toddler_limit:
                amount += _cents(base * toddler)
                r.say("auu.toddler", increase=_cents(base * toddler), limit=toddler_limit)
            else:
                r.say("auu.toddler_no", limit=toddler_limit)
        total += amount
    if minors:
        minor = _column(band, "minor")
        r.say("auu.minor", count=len(minors), amount=minor, lower=lower, upper=upper)
    if adults:
        r.say("auu.adult", count=len(adults), amount=_column(band, "adult"))
    if disabled:
        total += _disability(disabled, band, p, r)
    if h.mother_under_21:
        young = p("auu.young_mother_increase")
        if young is None:
            r.say("auu.increase_unknown")
        else:
            total += young * len(counted)
            r.say("auu.young_mother", amount=young, count=len(counted))
    if len(counted) >= 3:
        extra = _column(band, "further")
        total += extra * (len(counted) - 2)
        r.say("auu.third", count=len(counted) - 2, amount=extra)
    if len(counted) >= 4:
        flat = p("auu.large_family_flat")
        total += flat
        r.say("auu.large_family", amount=flat)
    under18 = [age for age, _ in counted if age < 18]
    if under18 and h.other_parent == "working" and h.is_employee:
        per_child = _column(band, "second_earner")
        if per_child:
            total += per_child * len(under18)
            r.say("auu.both_working", amount=per_child, count=len(under18))
        else:
            r.say("auu.both_working_none")
    r.monthly = _cents(total)
    r.yearly = _cents(total * 12)


def _disability(
    disabled: list[tuple[int, str]], band: dict[str, Any], p: _Params, r: ResourceEstimate
) -> float:
    """Children with a disability: the amount of c. 1 at any age, and up to 21 an increase by
    the condition declared for the ISEE (media, grave, non autosufficienza)."""
    until = p("auu.disability_increase_until_age")
    amount = _column(band, "disabled")
    r.say("auu.disabled", count=len(disabled), amount=amount)
    total = 0.0
    for age, level in disabled:
        if age >= until:
            r.say("auu.disabled_adult", age=until)
            continue
        increase = p(f"auu.disability_increase_{level}")
        if increase is None:
            r.say("auu.increase_unknown")
            continue
        total += increase
        r.say(f"auu.disability_{level}", amount=increase, age=until)
    return total


# --- Bonus asilo nido ----------------------------------------------------------------------------


def bonus_nido(h: Household, on: date, p: _Params, r: ResourceEstimate) -> None:
    small = [c for c in h.children if (c.age_on(on) or 0) < 3 and c.age_on(on) is not None]
    if not small and not h.expecting:
        r.applies = False
        r.say("nido.no_small_child")
        return
    r.applies = True
    if h.isee is not None and h.isee <= p("nido.band1_isee"):
        amount = p("nido.band1_amount")
        r.say("nido.band1", amount=amount, limit=p("nido.band1_isee"))
    elif h.isee is not None and h.isee <= p("nido.band2_isee"):
        amount = p("nido.band2_amount")
        r.say("nido.band2", amount=amount, limit=p("nido.band2_isee"))
    else:
        amount = p("nido.band3_amount")
        r.say("nido.band3" if h.isee is not None else "nido.no_isee", amount=amount)
    born_recently = any(c.born_in_or_after(2024, on) for c in small) or h.expecting
    if born_recently and h.isee is not None and h.isee <= p("nido.band2_isee"):
        amount = max(amount, p("nido.born_from_2024_amount"))
        r.say("nido.born_from_2024", amount=amount)
    instalments = p("nido.instalments")
    r.yearly = amount
    r.monthly = amount / instalments
    r.say("nido.instalments", count=instalments)


# --- Bonus nuovi nati ----------------------------------------------------------------------------


def bonus_nuovi_nati(h: Household, on: date, p: _Params, r: ResourceEstimate) -> None:
    newborn = any(c.born_in_or_after(on.year, on) for c in h.children)
    if not newborn and not h.expecting:
        r.applies = False
        r.say("newborn.no_birth")
        return
    limit = p("newborn.isee_limit")
    amount = p("newborn.amount")
    if h.isee is None:
        r.applies = None
        r.say("newborn.needs_isee", limit=limit, amount=amount)
        return
    if h.isee > limit:
        r.applies = False
        r.say("newborn.isee_too_high", limit=limit)
        return
    r.applies = True
    r.one_off = amount
    r.yearly = amount
    r.say("newborn.yes", amount=amount, limit=limit)


# --- Congedo parentale ---------------------------------------------------------------------------


def congedo_parentale(h: Household, on: date, p: _Params, r: ResourceEstimate) -> None:
    max_age = p("parental.max_child_age")
    ages = [a for a in (c.age_on(on) for c in h.children) if a is not None and a < max_age]
    if not h.is_employee:
        r.applies = None if h.contract is None else False
        r.say("parental.not_employee" if h.contract else "parental.needs_contract")
        return
    if not ages and not h.expecting:
        r.applies = False
        r.say("parental.no_child", age=max_age)
        return
    r.applies = True
    months_80, until = p("parental.months_80"), p("parental.rate_80_until_age")
    months_30, total = p("parental.months_30"), p("parental.total_months")
    young = h.expecting or any(a < until for a in ages)
    rate = 0.8 if young else 0.3
    r.say("parental.months", m80=months_80, until=until, m30=months_30, total=total, age=max_age)
    if h.net_monthly_pay is None:
        r.say("parental.needs_pay")
        return
    r.monthly = h.net_monthly_pay * rate
    r.say("parental.estimate", rate=rate * 100, pay=h.net_monthly_pay, amount=r.monthly)


# --- Malattia del figlio -------------------------------------------------------------------------


def malattia_figlio(h: Household, on: date, p: _Params, r: ResourceEstimate) -> None:
    max_age, unlimited = p("sick_child.max_age"), p("sick_child.unlimited_under")
    days = p("sick_child.days_per_year")
    ages = [a for a in (c.age_on(on) for c in h.children) if a is not None and a < max_age]
    if not ages:
        r.applies = False
        r.say("sick.no_child", age=max_age)
        return
    r.applies = True
    r.monthly = 0.0
    r.yearly = 0.0
    if any(a < unlimited for a in ages):
        r.say("sick.unlimited", age=unlimited)
    if any(a >= unlimited for a in ages):
        r.say("sick.days", days=days, low=unlimited, high=max_age)
    r.say("sick.unpaid")


# --- Legge 104 -----------------------------------------------------------------------------------


def permessi_104(h: Household, on: date, p: _Params, r: ResourceEstimate) -> None:
    days = p("l104.days_per_month")
    if h.relative_104 is None:
        r.applies = False
        r.say("l104.none")
        return
    if h.relative_104 != "grave":
        r.applies = False
        r.say("l104.not_grave")
        return
    if not h.is_employee:
        r.applies = None if h.contract is None else False
        r.say("parental.not_employee" if h.contract else "parental.needs_contract")
        return
    r.applies = True
    share = max(1, min(h.part_time_percent, 100)) / 100
    month_days = days * share
    r.say("l104.days", days=month_days, full=days, percent=h.part_time_percent)
    if h.net_monthly_pay is not None:
        # Paid days: the pay of those days is kept (about 26 working days a month).
        r.monthly = h.net_monthly_pay * month_days / (26 * share)
        r.yearly = r.monthly * 12
        r.say("l104.value", amount=r.monthly)


def congedo_straordinario(h: Household, on: date, p: _Params, r: ResourceEstimate) -> None:
    years = p("l104.extraordinary_leave_years")
    cap = p("l104.extraordinary_leave_cap")
    if h.relative_104 != "grave":
        r.applies = False
        r.say("l104.not_grave" if h.relative_104 else "l104.none")
        return
    if not h.is_employee:
        r.applies = None if h.contract is None else False
        r.say("parental.not_employee" if h.contract else "parental.needs_contract")
        return
    r.applies = True
    r.say("leave.years", years=years)
    if cap is None:
        r.say("leave.cap_unknown")
    else:
        r.say("leave.cap", cap=cap)
    if h.net_monthly_pay is not None:
        r.monthly = h.net_monthly_pay
        r.say("leave.estimate", amount=h.net_monthly_pay)


# --- Detrazioni ----------------------------------------------------------------------------------


def detrazioni_figli(h: Household, on: date, p: _Params, r: ResourceEstimate) -> None:
    low, high = p("tax.child_deduction_min_age"), p("tax.child_deduction_max_age")
    amount = p("tax.child_deduction")
    ages = [a for a in (c.age_on(on) for c in h.children) if a is not None]
    eligible = [a for a in ages if low <= a <= high]
    if not eligible:
        r.applies = False
        r.say("tax.children_none", low=low, high=high)
        return
    r.applies = True
    r.yearly = amount * len(eligible)
    r.monthly = r.yearly / 12
    r.say("tax.children_upto", count=len(eligible), amount=amount, low=low, high=high)


def detrazioni_assistenza(h: Household, on: date, p: _Params, r: ResourceEstimate) -> None:
    rate, cap = p("tax.care_rate"), p("tax.care_cap")
    if h.relative_104 is None:
        r.applies = False
        r.say("tax.care_none")
        return
    r.applies = True
    r.yearly = rate * cap
    r.monthly = r.yearly / 12
    r.say("tax.care_upto", rate=rate * 100, cap=cap, amount=r.yearly)


# --- CCNL cooperative sociali ------------------------------------------------------------------


def ccnl_sanita(h: Household, on: date, p: _Params, r: ResourceEstimate) -> None:
    expired = p("ccnl.expired_on")
    r.applies = h.is_employee if h.contract else None
    r.say("ccnl.health")
    r.say("ccnl.expired", date=expired)


def ccnl_maternita(h: Household, on: date, p: _Params, r: ResourceEstimate) -> None:
    expired = p("ccnl.expired_on")
    rate, months = p("ccnl.maternity_topup_rate"), p("ccnl.maternity_months")
    if not h.expecting:
        r.applies = False
        r.say("ccnl.maternity_no")
        r.say("ccnl.expired", date=expired)
        return
    r.applies = True
    r.say("ccnl.maternity", rate=rate * 100, months=months)
    if h.net_monthly_pay is not None:
        r.monthly = h.net_monthly_pay * rate
        r.yearly = r.monthly * months
        r.say("ccnl.maternity_value", amount=r.monthly, months=months)
    r.say("ccnl.expired", date=expired)


Rule = Callable[[Household, date, _Params, ResourceEstimate], None]

RULES: dict[str, tuple[str, Rule]] = {
    "auu": ("cash", assegno_unico),
    "nido": ("cash", bonus_nido),
    "newborn": ("cash", bonus_nuovi_nati),
    "parental": ("leave", congedo_parentale),
    "sick_child": ("leave", malattia_figlio),
    "l104_permits": ("leave", permessi_104),
    "l104_leave": ("leave", congedo_straordinario),
    "tax_children": ("cash", detrazioni_figli),
    "tax_care": ("cash", detrazioni_assistenza),
    "ccnl_health": ("service", ccnl_sanita),
    "ccnl_maternity": ("cash", ccnl_maternita),
}
RESOURCE_KEYS = tuple(RULES)


def compute_map(household: Household, on: date, params_dir: Any = None) -> ResourceMap:
    """The map with the rules of `on`'s year; without that year's file, says so and stops."""
    year = load_year(on.year, params_dir or PARAMS_DIR)
    if year is None:
        return ResourceMap(on=on, year=on.year, missing_year=True, resources=[])
    resources = []
    for key, (kind, rule) in RULES.items():
        estimate = ResourceEstimate(key=key, kind=kind)
        try:
            rule(household, on, _Params(year, estimate), estimate)
        except ParameterMissing as missing:
            estimate = ResourceEstimate(key=key, kind=kind, applies=None, rules_missing=True)
            estimate.say("rules_missing", parameter=str(missing.args[0]))
        resources.append(estimate)
    # Applicable first, then the ones to check, then the ones that do not apply.
    order = {True: 0, None: 1, False: 2}
    resources.sort(key=lambda e: order[e.applies])
    return ResourceMap(on=on, year=on.year, missing_year=False, resources=resources)
