"""The funder's report: what the project reached and what changed, for a period and a set of
cooperatives. One function computes it; the manager page, the CSV, the PDF and the CLI all
print that same object, so their figures cannot differ.

Every count of people passes through elearn.privacy.disclosure (1–4 hidden, others rounded to
5). Counts of things each listed one by one elsewhere (Welfare days held, labs, written
outcomes) are shown as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext
from sqlalchemy import func, select, union

from elearn.extensions import db
from elearn.i18n import number
from elearn.impact import measures, scales
from elearn.impact.texts import LITERACY_TOPICS
from elearn.labs.services import OUTCOME_LABELS
from elearn.models import (
    ActivityDay,
    ConsultationRequest,
    Course,
    CourseCompletion,
    Lab,
    LabCard,
    LabOrganization,
    LabOutcome,
    LabSupport,
    LabVote,
    ModuleProgress,
    Organization,
    WelfareDay,
    WelfareDayRegistration,
)
from elearn.privacy import disclosure
from elearn.reports.services import Row, Table, counted_workers, group_label

Value = int | float | str | None


@dataclass
class ImpactReport:
    start: date
    end: date
    organizations: list[str]
    tables: list[Table] = field(default_factory=list)

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


def method_paragraph() -> str:
    return gettext(
        "Method. Households reached: registered workers of the cooperatives (the site has no "
        "roster of all employees yet, so the denominator is the workers with an account) who, "
        "in the period, did at least one of: a module, a quiz or a simulator, a consultation "
        "request, a Welfare day they attended, a card, a support or a vote in a lab. Counts of "
        "people are rounded to the nearest 5 and groups of 1 to 4 people are not shown; shares "
        "are computed from the rounded counts. Periods are calendar quarters and years, once "
        "they are over. Means of the scores are shown only for at least %(pairs)d pairs (and "
        "not for a total of several cooperatives when one of them has 1 to 4), in whole "
        "points: the change is the difference of the two rounded means, its interval is "
        "centred on it. "
        "Financial well-being: CFPB Financial Well-Being Scale, 10 items, scored with the CFPB's "
        "published tables by age band and mode (Italian text: a working translation, not a "
        "validated adaptation), answered voluntarily and with separate consent. Change: each "
        "person's latest answers in the period against their first answers (same version of "
        "the scale), mean difference with a 95%% confidence interval (paired t). Literacy: the "
        "three Lusardi-Mitchell questions; the national comparison (Italy, SHIW 2007, as "
        "reported by Lusardi and Mitchell) uses the same questions but is to be verified on the "
        "original paper; the IACOFI 2023 survey of Banca d'Italia uses other (OECD/INFE) items: "
        "knowledge %(knowledge)s points out of 7, overall literacy %(overall)s out of 20."
    ) % {
        "pairs": measures.MIN_PAIRS,
        "knowledge": _decimal(scales.IACOFI_2023["knowledge_score"].value),
        "overall": _decimal(scales.IACOFI_2023["literacy_score"].value),
    }


def _decimal(value: float) -> str:
    return number(value, 1)


def build(org_ids: list[int], start: date, end: date) -> ImpactReport:
    """Every figure of the report, already published (see the module docstring)."""
    low, high = measures.period_bounds(start, end)
    workers = counted_workers(org_ids).subquery()
    in_scope = select(workers.c.id)
    report = ImpactReport(
        start,
        end,
        list(
            db.session.scalars(
                select(Organization.name)
                .where(Organization.id.in_(org_ids))
                .order_by(Organization.name)
            )
        ),
    )
    people_col = gettext("People")

    # --- reach ---------------------------------------------------------------------------------
    total = db.session.scalar(select(func.count()).select_from(workers)) or 0
    active = union(
        select(ActivityDay.user_id.label("uid")).where(
            ActivityDay.day >= start, ActivityDay.day <= end
        ),
        select(ConsultationRequest.worker_id).where(
            ConsultationRequest.created_at >= low, ConsultationRequest.created_at < high
        ),
        select(WelfareDayRegistration.worker_id).where(
            WelfareDayRegistration.checked_in_at >= low, WelfareDayRegistration.checked_in_at < high
        ),
        select(LabCard.author_id).where(LabCard.created_at >= low, LabCard.created_at < high),
        select(LabSupport.user_id).where(
            LabSupport.created_at >= low, LabSupport.created_at < high
        ),
        select(LabVote.user_id).where(LabVote.created_at >= low, LabVote.created_at < high),
    ).subquery()
    reached = (
        db.session.scalar(
            select(func.count(func.distinct(active.c.uid))).where(active.c.uid.in_(in_scope))
        )
        or 0
    )
    shown_total, shown_reached = disclosure.count(total), disclosure.count(reached)
    report.tables.append(
        Table(
            "reach",
            gettext("Households reached"),
            [gettext("Figure"), gettext("Value")],
            [
                Row(gettext("Registered workers"), [shown_total]),
                Row(gettext("Workers who did something in the period"), [shown_reached]),
                Row(
                    gettext("Share reached (%)"),
                    [disclosure.share_of_published(shown_reached, shown_total)],
                ),
            ],
        )
    )

    # --- learning ------------------------------------------------------------------------------
    completions = dict(
        db.session.execute(
            select(CourseCompletion.course_slug, func.count())
            .where(
                CourseCompletion.user_id.in_(in_scope),
                CourseCompletion.completed_at >= low,
                CourseCompletion.completed_at < high,
            )
            .group_by(CourseCompletion.course_slug)
        ).all()
    )
    titles = dict(db.session.execute(select(Course.slug, Course.title)).all())
    learning = Table(
        "learning",
        gettext("Courses and modules completed"),
        [gettext("Course"), gettext("Completed the course")],
    )
    for slug in sorted(completions, key=lambda s: titles.get(s, s)):
        learning.rows.append(Row(titles.get(slug, slug), [disclosure.count(completions[slug])]))
    module_people, module_count = db.session.execute(
        select(func.count(func.distinct(ModuleProgress.user_id)), func.count()).where(
            ModuleProgress.user_id.in_(in_scope),
            ModuleProgress.completed_at >= low,
            ModuleProgress.completed_at < high,
        )
    ).one()
    learning.rows.append(
        Row(gettext("People who completed at least one module"), [disclosure.count(module_people)])
    )
    learning.rows.append(Row(gettext("Modules completed"), [disclosure.count(module_count)]))
    report.tables.append(learning)

    # --- consultations -------------------------------------------------------------------------
    requests = db.session.execute(
        select(
            ConsultationRequest.status,
            ConsultationRequest.cancelled_by_worker,
            ConsultationRequest.outcome,
        ).where(
            ConsultationRequest.organization_id.in_(org_ids),
            ConsultationRequest.created_at >= low,
            ConsultationRequest.created_at < high,
        )
    ).all()
    consultations = Table(
        "consultations",
        gettext("Consultations and their outcomes"),
        [gettext("Requests opened in the period"), people_col],
        [
            Row(gettext("All requests"), [disclosure.count(len(requests))]),
            Row(
                gettext("Met the Welfare Manager (appointment held)"),
                [disclosure.count(sum(r.status in ("done", "closed") for r in requests))],
            ),
            Row(
                gettext("Closed with an outcome written"),
                [disclosure.count(sum(r.status == "closed" and bool(r.outcome) for r in requests))],
            ),
            Row(
                gettext("Withdrawn by the worker"),
                [disclosure.count(sum(bool(r.cancelled_by_worker) for r in requests))],
            ),
            Row(
                gettext("Still open"),
                [
                    disclosure.count(
                        sum(r.status in ("new", "waiting", "scheduled") for r in requests)
                    )
                ],
            ),
        ],
    )
    report.tables.append(consultations)

    # --- Welfare days --------------------------------------------------------------------------
    held = db.session.scalar(
        select(func.count()).where(
            WelfareDay.organization_id.in_(org_ids),
            WelfareDay.starts_at >= low,
            WelfareDay.starts_at < high,
        )
    )
    registered = db.session.scalar(
        select(func.count(func.distinct(WelfareDayRegistration.worker_id)))
        .join(WelfareDay, WelfareDay.id == WelfareDayRegistration.welfare_day_id)
        .where(
            WelfareDay.organization_id.in_(org_ids),
            WelfareDay.starts_at >= low,
            WelfareDay.starts_at < high,
            WelfareDayRegistration.status == "registered",
        )
    )
    attended = db.session.scalar(
        select(func.count(func.distinct(WelfareDayRegistration.worker_id)))
        .join(WelfareDay, WelfareDay.id == WelfareDayRegistration.welfare_day_id)
        .where(
            WelfareDay.organization_id.in_(org_ids),
            WelfareDayRegistration.checked_in_at >= low,
            WelfareDayRegistration.checked_in_at < high,
        )
    )
    report.tables.append(
        Table(
            "welfare_days",
            gettext("Welfare days"),
            [gettext("Figure"), gettext("Value")],
            [
                Row(gettext("Welfare days held (events)"), [held or 0]),
                Row(gettext("Workers registered"), [disclosure.count(registered or 0)]),
                Row(gettext("Workers who attended"), [disclosure.count(attended or 0)]),
            ],
        )
    )

    # --- labs ----------------------------------------------------------------------------------
    lab_ids = select(LabOrganization.lab_id).where(LabOrganization.organization_id.in_(org_ids))
    participants = union(
        select(LabCard.author_id.label("uid")).where(
            LabCard.lab_id.in_(lab_ids), LabCard.created_at >= low, LabCard.created_at < high
        ),
        select(LabSupport.user_id)
        .join(LabCard, LabCard.id == LabSupport.card_id)
        .where(
            LabCard.lab_id.in_(lab_ids),
            LabSupport.created_at >= low,
            LabSupport.created_at < high,
        ),
        select(LabVote.user_id).where(
            LabVote.lab_id.in_(lab_ids), LabVote.created_at >= low, LabVote.created_at < high
        ),
    ).subquery()
    lab_people = db.session.scalar(
        select(func.count(func.distinct(participants.c.uid))).where(
            participants.c.uid.in_(in_scope)
        )
    )
    online_cards, paper_cards = db.session.execute(
        select(
            func.count(LabCard.author_id),
            func.count(LabCard.entered_by_id),
        ).where(
            LabCard.lab_id.in_(lab_ids),
            LabCard.created_at >= low,
            LabCard.created_at < high,
            LabCard.author_id.in_(in_scope) | LabCard.entered_by_id.is_not(None),
        )
    ).one()
    labs_in_period = db.session.scalar(
        select(func.count()).where(
            Lab.id.in_(lab_ids), Lab.collect_from <= end, Lab.outcome_from >= start
        )
    )
    outcomes = dict(
        db.session.execute(
            select(LabOutcome.kind, func.count())
            .join(LabCard, LabCard.id == LabOutcome.card_id)
            .where(
                LabCard.lab_id.in_(lab_ids),
                LabOutcome.updated_at >= low,
                LabOutcome.updated_at < high,
            )
            .group_by(LabOutcome.kind)
        ).all()
    )
    labs = Table(
        "labs",
        gettext("Co-production labs"),
        [gettext("Figure"), gettext("Value")],
        [
            Row(gettext("Labs running in the period"), [labs_in_period or 0]),
            Row(gettext("Workers who took part online"), [disclosure.count(lab_people or 0)]),
            Row(gettext("Cards written online"), [disclosure.count(online_cards or 0)]),
            Row(gettext("Cards collected on paper"), [disclosure.count(paper_cards or 0)]),
        ],
    )
    for kind, label in OUTCOME_LABELS.items():
        labs.rows.append(
            Row(gettext("Outcome: %(kind)s", kind=str(label)), [outcomes.get(kind, 0)])
        )
    report.tables.append(labs)

    # --- well-being and literacy ---------------------------------------------------------------
    labels = {group: group_label(group) for group in measures.TARGET_GROUPS}
    wellbeing = measures.well_being(org_ids, start, end, labels)
    report.tables.append(
        Table(
            "wellbeing_people",
            gettext("Financial well-being: who answered"),
            [gettext("Figure"), people_col],
            [
                Row(gettext("First answers (before)"), [wellbeing.baseline_people]),
                Row(gettext("Answers again in the period (after)"), [wellbeing.follow_up_people]),
            ],
        )
    )
    report.tables.append(
        Table(
            "wellbeing_distribution",
            gettext("Financial well-being score (0-100): distribution"),
            [gettext("Score"), gettext("Before"), gettext("After")],
            [Row(band, [before, after]) for band, before, after in wellbeing.distribution],
        )
    )
    change = Table(
        "wellbeing_change",
        gettext("Financial well-being: change for the same people (paired)"),
        [
            gettext("Group"),
            gettext("People"),
            gettext("Mean before"),
            gettext("Mean after"),
            gettext("Mean change"),
            gettext("95% CI, low"),
            gettext("95% CI, high"),
        ],
    )
    not_shown = gettext("not shown")
    for row in wellbeing.change:
        label = row.label or gettext("All")
        means = [row.mean_before, row.mean_after, row.mean_change, row.ci_low, row.ci_high]
        change.rows.append(Row(label, [row.pairs] + [not_shown if m is None else m for m in means]))
    report.tables.append(change)
    literacy = Table(
        "literacy",
        gettext("Financial literacy: share of right answers"),
        [
            gettext("Question"),
            gettext("Before (%)"),
            gettext("After (%)"),
            gettext("Italy (%)"),
            gettext("Source of the national figure"),
        ],
    )
    for row in wellbeing.literacy:
        literacy.rows.append(
            Row(
                str(LITERACY_TOPICS[row.key]),
                [
                    row.before,
                    row.after,
                    int(row.national) if row.national is not None else None,
                    gettext("SHIW 2007, to be verified")
                    if not row.national_confirmed
                    else gettext("confirmed"),
                ],
            )
        )
    report.tables.append(literacy)
    return report


def to_text_rows(report: ImpactReport) -> list[tuple[str, str, list[Value]]]:
    """(table key, row label, values): what the tests compare between page, CSV and PDF."""
    return [(t.key, row.label, list(row.values)) for t in report.tables for row in t.rows]
