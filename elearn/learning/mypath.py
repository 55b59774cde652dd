"""The learner's own overview, "Il mio percorso": courses, completions, mastery, activity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from elearn.extensions import db
from elearn.learning.catalogue import ContinueItem, CourseCard, catalogue, continue_learning
from elearn.models import (
    ActivityDay,
    CourseCompletion,
    ModuleProgress,
)
from elearn.models.base import utcnow

# --- "Il mio percorso" ------------------------------------------------------------------------


@dataclass
class MyPath:
    in_progress: list[CourseCard]
    completed: list[CourseCard]
    completions: dict[str, Any]
    resume: ContinueItem | None
    seconds_spent: int
    mastery: dict[str, int]
    weeks: list[tuple[str, int]]


def weekly_activity(user_id: int, weeks: int = 12) -> list[tuple[datetime, int]]:
    """Actions per week (Monday first) over the last `weeks` weeks, oldest first."""
    today = utcnow().date()
    start = today - timedelta(days=today.weekday() + 7 * (weeks - 1))
    counts: dict[Any, int] = {}
    for day, count in db.session.execute(
        select(ActivityDay.day, ActivityDay.count).where(
            ActivityDay.user_id == user_id, ActivityDay.day >= start
        )
    ):
        monday = day - timedelta(days=day.weekday())
        counts[monday] = counts.get(monday, 0) + count
    return [
        (start + timedelta(weeks=index), counts.get(start + timedelta(weeks=index), 0))
        for index in range(weeks)
    ]


def my_path(user_id: int, preferred_language: str) -> MyPath:
    cards = catalogue(user_id, preferred_language=preferred_language)
    completions = {
        row.course_slug: row
        for row in db.session.scalars(
            select(CourseCompletion).where(CourseCompletion.user_id == user_id)
        )
    }
    rows = db.session.execute(
        select(
            ModuleProgress.completed_at,
            ModuleProgress.mastered_at,
            ModuleProgress.best_score,
            ModuleProgress.seconds_spent,
        ).where(ModuleProgress.user_id == user_id)
    ).all()
    mastery = {"started": 0, "practised": 0, "passed": 0, "mastered": 0}
    for completed_at, mastered_at, best_score, _seconds in rows:
        if mastered_at is not None:
            mastery["mastered"] += 1
        elif completed_at is not None:
            mastery["passed"] += 1
        elif best_score is not None:
            mastery["practised"] += 1
        else:
            mastery["started"] += 1
    return MyPath(
        in_progress=[c for c in cards if c.started and not c.completed],
        completed=[c for c in cards if c.completed],
        completions=completions,
        resume=continue_learning(user_id),
        seconds_spent=sum(row[3] for row in rows),
        mastery=mastery,
        weeks=weekly_activity(user_id),
    )
