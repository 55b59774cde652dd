"""Synthetic demo learners: no shared password (nobody can log in as them), no guessable
certificate codes."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from elearn.extensions import db
from elearn.models import CourseCompletion, User
from tests.learning.access import FIXTURES


@pytest.fixture
def demo(app):
    from elearn.authoring.services import import_courses
    from elearn.demo import seed_demo, seed_demo_learning

    with app.app_context():
        seed_demo()
        import_courses(FIXTURES)
        seed_demo_learning(extra_learners=40)
        learners = db.session.scalars(select(User).where(User.email.like("learner%@demo.it")))
        hashes = {user.email: user.password_hash for user in learners}
        completions = db.session.execute(
            select(CourseCompletion.user_id, CourseCompletion.verification_code)
        ).all()
    return hashes, completions


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


def test_each_synthetic_learner_has_an_own_hash_of_no_known_password(demo) -> None:
    hashes, _ = demo
    assert len(hashes) == 40
    assert len(set(hashes.values())) == 40
    assert not any(check_password_hash(h, "demo-password") for h in hashes.values())


def test_nobody_logs_in_as_a_synthetic_learner_with_the_demo_password(demo, client) -> None:
    response = client.post(
        "/login", data={"email": "learner00001@demo.it", "password": "demo-password"}
    )
    assert response.status_code == 422
    # The demo's own accounts still use the published password.
    assert (
        client.post(
            "/login", data={"email": "lavoratrice@demo.it", "password": "demo-password"}
        ).status_code
        == 302
    )


def test_demo_certificate_codes_are_random_like_real_ones(demo) -> None:
    _, completions = demo
    assert len(completions) >= 3
    codes = [code for _user, code in completions]
    assert len(set(codes)) == len(codes)
    for user_id, code in completions:
        assert re.fullmatch(r"[A-HJ-NP-Z2-9]{10}", code), code
        assert f"{user_id:05d}" not in code
