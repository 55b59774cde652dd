"""PostgreSQL: a confirmation and a change of roles of the same account in two transactions at
once leave `counted` as the rule says (active, worker, not waiting), whichever commits first.

Each trigger works `counted` out again from the account's roles and whether it waits. Under READ
COMMITTED, two that run side by side would each miss the other's change; the confirmation's
trigger locks the account's row so that the role's trigger waits for it (and the other way
round). The first transaction is held open until the second is seen waiting, so the worst
interleaving happens every time."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from elearn.extensions import db
from elearn.models import RegistrationReview, User
from tests.faults.pg import wait_for_lock_waiters

pytestmark = pytest.mark.postgres

CONFIRM = "DELETE FROM registration_review WHERE user_id = :user"
MAKE_WORKER = "INSERT INTO user_role (user_id, role) VALUES (:user, 'worker')"


@pytest.fixture
def backend() -> str:
    return "postgres"  # row locks and READ COMMITTED; SQLite runs one writer at a time


@pytest.mark.parametrize(
    ("first", "second"), [(CONFIRM, MAKE_WORKER), (MAKE_WORKER, CONFIRM)], ids=["confirm", "role"]
)
def test_confirmed_and_made_a_worker_at_once_the_account_counts(
    app, database_url, make_user, make_org, first, second
):
    coop = make_org()
    # A shared-code account that waits, and is not (yet) a worker: it does not count.
    person = make_user("trainer")
    with app.app_context():
        db.session.get(User, person).organization_id = coop
        db.session.add(RegistrationReview(user_id=person, organization_id=coop))
        db.session.commit()
        db.engine.dispose()
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as holder:
            holder.execute(text(first), {"user": person})
            errors: list[BaseException] = []

            def run_second() -> None:
                try:
                    with engine.begin() as other:
                        other.execute(text(second), {"user": person})
                except BaseException as error:  # reported below
                    errors.append(error)

            thread = threading.Thread(target=run_second, daemon=True)
            thread.start()
            wait_for_lock_waiters(database_url, 1)
            holder.commit()
            thread.join(60)
            assert not thread.is_alive() and not errors, errors
        with engine.connect() as conn:
            counted = conn.execute(
                text("SELECT counted FROM learner_summary WHERE user_id = :user"), {"user": person}
            ).scalar_one()
    finally:
        engine.dispose()
    assert counted is True
