"""Helpers for the impact tests: answer sets written directly, and the form a worker sends."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from flask import Flask

from elearn.extensions import db
from elearn.impact import scales
from elearn.models import ConsentRecord, ImpactResponse, User

BEST = {item.key: ("completely" if item.part == 1 else "always") for item in scales.FWB_ITEMS}
for _item in scales.FWB_ITEMS:
    if not _item.positive:
        BEST[_item.key] = "not_at_all" if _item.part == 1 else "never"


def form_data(
    choices: dict[str, str] | None = None,
    age_band: str = "18-61",
    mode: str = "self",
    literacy: dict[str, str] | None = None,
) -> dict[str, str]:
    """What the questionnaire page posts: every item answered (the best answers by default)."""
    data = {f"fwb-{key}": value for key, value in (choices or BEST).items()}
    data.update(age_band=age_band, mode=mode)
    literacy = literacy or {"interest": "more", "inflation": "less", "diversification": "false"}
    data.update({f"lit-{key}": value for key, value in literacy.items()})
    return data


@pytest.fixture
def add_response(app: Flask) -> Callable[..., int]:
    """An answer set with a given score at a given time (consent recorded too)."""

    def factory(
        user_id: int,
        score: int,
        at: datetime,
        *,
        literacy: tuple[bool, bool, bool] = (True, True, True),
        consent: bool = True,
    ) -> int:
        with app.app_context():
            user = db.session.get(User, user_id)
            if (
                consent
                and not db.session.query(ConsentRecord)
                .filter_by(user_id=user_id, kind="impact_measure")
                .count()
            ):
                db.session.add(
                    ConsentRecord(
                        user_id=user_id, kind="impact_measure", granted=True, text_version="t"
                    )
                )
            row = ImpactResponse(
                user_id=user_id,
                organization_id=user.organization_id,
                scale_version=scales.SCALE_VERSION,
                language="it",
                wording_version=scales.WORDING_VERSION,
                mode="self",
                age_band="18-61",
                occasion="first_use",
                item_values=[2] * 10,
                raw_total=20,
                score=score,
                literacy_answers={},
                interest_correct=literacy[0],
                inflation_correct=literacy[1],
                diversification_correct=literacy[2],
                created_at=at,
            )
            db.session.add(row)
            db.session.commit()
            return row.id

    return factory


def count_responses(app: Flask, user_id: int | None = None) -> int:
    with app.app_context():
        query = db.session.query(ImpactResponse)
        if user_id is not None:
            query = query.filter_by(user_id=user_id)
        return query.count()


def stored(app: Flask, user_id: int) -> list[Any]:
    with app.app_context():
        return [
            (r.scale_version, r.mode, r.age_band, r.raw_total, r.score, r.wording_version)
            for r in db.session.query(ImpactResponse).filter_by(user_id=user_id)
        ]
