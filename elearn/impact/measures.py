"""Aggregates of the impact measure: score distribution, paired change, literacy shares.

Every figure leaves through elearn.privacy.disclosure: counts of people are 0 or multiples of
5 (1–4 hidden), shares come from the published counts, a mean of the scores is shown only over
at least MIN_PAIRS pairs and in whole points (see MIN_PAIRS). On top of that, a row that adds
several cooperatives together is hidden when one of them has 1–4 people in it, so "all" minus
"the others" cannot single anybody out.

Pairing: a person's baseline is their first answer set; their follow-up is their latest answer
set given within the period, after the baseline and with the same version of the scale. The
paired change is the mean of (follow-up − baseline) with a 95 % confidence interval from the
t distribution with n − 1 degrees of freedom (a paired t interval).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from statistics import fmean, stdev

from sqlalchemy import select

from elearn.extensions import db
from elearn.i18n import local_zone
from elearn.impact import scales
from elearn.models import ImpactResponse, Organization, TargetGroupDeclaration, User
from elearn.models.progress import TARGET_GROUPS
from elearn.privacy import disclosure

SCORE_BANDS = ((0, 39), (40, 49), (50, 59), (60, 69), (70, 100))
# The means of the scores: shown from MIN_PAIRS pairs, in whole points. Two published means
# whose groups differ by one person (two quarters, a quarter and its year, "all" and a target
# group) then place that person's score only within (n1 + n2) × MEAN_UNIT ≥ 21 points: 6 ×
# mean(6) − 5 × mean(5) with means to 0.1 point over 5 pairs gave it to the point. Below 10
# pairs a paired-t interval is too wide to tell the funder anything anyway.
MIN_PAIRS = 10
MEAN_UNIT = 1.0


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) where the cooperatives are (i18n.local_zone),
    as UTC times: both dates included. An answer given at 00:30 in Milan on 1 October
    belongs to the fourth quarter, not the third."""
    zone = local_zone()
    return (
        datetime.combine(start, time.min, tzinfo=zone).astimezone(UTC),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC),
    )


@dataclass
class PairedChange:
    n: int  # true number of pairs: never shown, only through disclosure
    mean_before: float | None = None
    mean_after: float | None = None
    mean_change: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None


def paired_change(before: list[float], after: list[float]) -> PairedChange:
    """Mean change and its 95 % paired-t interval (unrounded; None below 2 pairs)."""
    if len(before) != len(after):
        raise ValueError("paired lists must have the same length")
    n = len(before)
    result = PairedChange(n)
    if n == 0:
        return result
    differences = [b - a for a, b in zip(before, after, strict=True)]
    result.mean_before, result.mean_after = fmean(before), fmean(after)
    result.mean_change = fmean(differences)
    if n >= 2:
        # SciPy takes a second to load: only the aggregate with a confidence interval needs it.
        from scipy.stats import t  # noqa: PLC0415

        half = t.ppf(0.975, n - 1) * stdev(differences) / math.sqrt(n)
        result.ci_low, result.ci_high = result.mean_change - half, result.mean_change + half
    return result


@dataclass
class Person:
    user_id: int
    organization_id: int | None
    baseline: ImpactResponse | None = None
    follow_up: ImpactResponse | None = None
    groups: set[str] = field(default_factory=set)


def people(org_ids: list[int], start: date, end: date) -> list[Person]:
    """Everyone in the organizations with an answer set up to the end of the period."""
    low, high = period_bounds(start, end)
    rows = db.session.execute(
        select(ImpactResponse, User.organization_id)
        .join(User, User.id == ImpactResponse.user_id)
        .where(User.organization_id.in_(org_ids), ImpactResponse.created_at < high)
        .order_by(ImpactResponse.user_id, ImpactResponse.created_at, ImpactResponse.id)
    ).all()
    by_user: dict[int, Person] = {}
    for response, organization_id in rows:
        person = by_user.setdefault(response.user_id, Person(response.user_id, organization_id))
        if person.baseline is None:
            person.baseline = response
        elif (
            low <= response.created_at < high
            and response.scale_version == person.baseline.scale_version
        ):
            person.follow_up = response  # ordered by time: the latest wins
    groups = defaultdict(set)
    for user_id, group in db.session.execute(
        select(TargetGroupDeclaration.user_id, TargetGroupDeclaration.target_group).where(
            TargetGroupDeclaration.user_id.in_(list(by_user) or [-1])
        )
    ):
        groups[user_id].add(group)
    for person in by_user.values():
        person.groups = groups[person.user_id]
    return list(by_user.values())


@dataclass
class ChangeRow:
    key: str
    label: str
    pairs: int | None  # published
    mean_before: int | float | None  # whole points (MEAN_UNIT), None when not shown
    mean_after: int | float | None
    mean_change: int | float | None
    ci_low: int | float | None
    ci_high: int | float | None


def _published_change(
    key: str, label: str, group: list[Person], *, hide_means: bool = False
) -> ChangeRow:
    pairs = [p for p in group if p.baseline is not None and p.follow_up is not None]
    change = paired_change(
        [float(p.baseline.score) for p in pairs],  # type: ignore[union-attr]
        [float(p.follow_up.score) for p in pairs],  # type: ignore[union-attr]
    )
    row = ChangeRow(key, label, disclosure.count(change.n), None, None, None, None, None)
    if hide_means or change.n < MIN_PAIRS:
        return row
    before = disclosure.average(change.mean_before, change.n, unit=MEAN_UNIT)
    after = disclosure.average(change.mean_after, change.n, unit=MEAN_UNIT)
    half = disclosure.average(
        (change.ci_high or 0.0) - (change.mean_change or 0.0), change.n, unit=MEAN_UNIT
    )
    if before is None or after is None or half is None:
        return row
    # The change is the difference of the two published means and its interval is centred on
    # it: a separately rounded mean change would be a third equation to combine with them.
    row.mean_before, row.mean_after = _shown(before), _shown(after)
    row.mean_change = _shown(after - before)
    row.ci_low, row.ci_high = _shown(after - before - half), _shown(after - before + half)
    return row


def _shown(value: float) -> int | float:
    """A mean as it is printed: whole points as an int (no ",0"), else rounded to the unit."""
    value = round(value, 6)
    return int(value) if MEAN_UNIT >= 1 and value.is_integer() else value


@dataclass
class LiteracyRow:
    key: str
    before: int | None  # published share, whole percent
    after: int | None
    national: float | None
    national_confirmed: bool


@dataclass
class WellBeing:
    baseline_people: int | None
    follow_up_people: int | None
    distribution: list[tuple[str, int | None, int | None]]  # band, before, after (published)
    change: list[ChangeRow]
    literacy: list[LiteracyRow]


def _correct(response: ImpactResponse, key: str) -> bool:
    if key == "all_three":
        return (
            response.interest_correct
            and response.inflation_correct
            and response.diversification_correct
        )
    return bool(getattr(response, f"{key}_correct"))


def well_being(
    org_ids: list[int], start: date, end: date, group_label: dict[str, str]
) -> WellBeing:
    """Published figures of the measure for the organizations and the period."""
    everyone = people(org_ids, start, end)
    baselines = [p.baseline for p in everyone if p.baseline is not None]
    follow_ups = [p.follow_up for p in everyone if p.follow_up is not None]

    distribution = []
    for low, high in SCORE_BANDS:
        label = f"{low}–{high}" if high < 100 else f"≥ {low}"
        distribution.append(
            (
                label,
                disclosure.count(sum(low <= r.score <= high for r in baselines)),
                disclosure.count(sum(low <= r.score <= high for r in follow_ups)),
            )
        )

    organizations = {
        org.id: org.name
        for org in db.session.scalars(select(Organization).where(Organization.id.in_(org_ids)))
    }
    by_org: dict[int, list[Person]] = defaultdict(list)
    for person in everyone:
        by_org[person.organization_id or 0].append(person)

    def mixes_a_small_group(members: list[Person]) -> bool:
        """A row adding several cooperatives, one of which has 1-4 pairs in it: its mean,
        minus the mean of the others (another scope's row), would single those people out."""
        if len(org_ids) < 2:
            return False
        per_org: dict[int, int] = defaultdict(int)
        for p in members:
            if p.baseline is not None and p.follow_up is not None:
                per_org[p.organization_id or 0] += 1
        return any(0 < n < disclosure.MIN_GROUP for n in per_org.values())

    change = [_published_change("all", "", everyone, hide_means=mixes_a_small_group(everyone))]
    if len(org_ids) > 1:
        for org_id in sorted(org_ids, key=lambda i: organizations.get(i, "")):
            change.append(
                _published_change(f"org-{org_id}", organizations.get(org_id, ""), by_org[org_id])
            )
    for group in TARGET_GROUPS:
        members = [p for p in everyone if group in p.groups]
        change.append(
            _published_change(
                f"group-{group}",
                group_label[group],
                members,
                hide_means=mixes_a_small_group(members),
            )
        )

    literacy = []
    shown_before = disclosure.count(len(baselines))
    shown_after = disclosure.count(len(follow_ups))
    for key in ("interest", "inflation", "diversification", "all_three"):
        national = scales.BIG_THREE_ITALY[key]
        literacy.append(
            LiteracyRow(
                key,
                disclosure.share_of_published(
                    disclosure.count(sum(_correct(r, key) for r in baselines)), shown_before
                ),
                disclosure.share_of_published(
                    disclosure.count(sum(_correct(r, key) for r in follow_ups)), shown_after
                ),
                national.value,
                national.confirmed,
            )
        )
    return WellBeing(shown_before, shown_after, distribution, change, literacy)
