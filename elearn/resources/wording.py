"""The map's wording: each resource's title, documents, where to apply, deadline, and the
reasons ("Perché") in the worker's language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import format_date, get_locale
from flask_babel import lazy_gettext as _l

from elearn.i18n import format_euros
from elearn.resources.rules.engine import Reason

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
            "Renew the ISEE from 1 January each year, from 2026 the “ISEE per prestazioni "
            "familiari” (by the end of February, to avoid the minimum amount from March; "
            "arrears until 30 June). An application already accepted continues by itself."
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
        _l(
            "From 2026 one application lasts until August of the year the child turns 3: each "
            "year choose the months and upload the receipts by 30 April of the following year."
        ),
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
    "auu.no_children": _l("No children under 21, and no child with a disability, in the family."),
    "auu.band": _l(
        "Your ISEE is in the band from %(band_from)s to %(band_to)s of the INPS table: the "
        "amounts below are that row's."
    ),
    "auu.band_top": _l("Your ISEE is above %(band_to)s: the minimum amounts of the INPS table."),
    "auu.disabled": _l(
        "Children with a disability: %(count)s, %(amount)s a month each with your ISEE, at any age."
    ),
    "auu.disability_media": _l(
        "Child under %(age)s with a medium disability (as for the ISEE): +%(amount)s a month."
    ),
    "auu.disability_grave": _l(
        "Child under %(age)s with a severe disability (as for the ISEE): +%(amount)s a month."
    ),
    "auu.disability_non_self_sufficient": _l(
        "Child under %(age)s who is not self-sufficient (as for the ISEE): +%(amount)s a month."
    ),
    "auu.disabled_adult": _l(
        "Child with a disability aged %(age)s or more: the allowance goes on, without the increase "
        "for the disability."
    ),
    "auu.young_mother": _l("Mother under 21: +%(amount)s a month for each child (%(count)s)."),
    "auu.increase_unknown": _l(
        "An increase applies, but its amount for this year could not be confirmed: not added "
        "(da verificare)."
    ),
    "auu.both_working_none": _l(
        "Both parents work: at this ISEE the increase for the second earner is zero."
    ),
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

MONEY_KEYS = {"amount", "lower", "upper", "limit", "increase", "pay", "cap", "band_from", "band_to"}


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
