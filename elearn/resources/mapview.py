"""The resources map as shown: estimates with their wording and sources, the "what if"
comparison and the answers in words."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import get_locale, gettext

from elearn.i18n import format_euros
from elearn.resources.answers import household_from_inputs
from elearn.resources.rules import ResourceMap, compute_map
from elearn.resources.rules.engine import ResourceEstimate
from elearn.resources.wording import ASK_SOCIAL_POINT, RESOURCE_TEXTS, reason_text


def params_dir() -> Path | None:
    configured = current_app.config.get("RESOURCES_PARAMS_DIR")
    return Path(configured) if configured else None


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
    disabled = sum(1 for c in household.children if c.disability)
    if disabled:
        rows.append((gettext("Children with a disability"), str(disabled)))
    if household.mother_under_21:
        rows.append((gettext("The children's mother is under 21"), gettext("yes")))
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
