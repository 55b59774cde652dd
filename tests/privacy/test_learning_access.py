"""The one rule for a manager's view of a worker's learning: who answers yes, and who no."""

from __future__ import annotations

from elearn.extensions import db
from elearn.models import ConsultationRequest, Organization, User
from elearn.models.base import utcnow
from elearn.privacy.learning_access import learning_visible_ids, learning_visible_to


def _request(worker: int, *, share: bool, closed: bool = False, org: int | None = None) -> int:
    owner = db.session.get(User, worker)
    consultation = ConsultationRequest(
        worker_id=worker,
        organization_id=org or owner.organization_id,
        topic="budget",
        description="Non arrivo a fine mese.",
        channel="phone",
        share_progress=share,
        status="closed" if closed else "new",
        closed_at=utcnow() if closed else None,
    )
    db.session.add(consultation)
    db.session.commit()
    return consultation.id


def _visible(manager: int, worker: int) -> tuple[bool, bool]:
    """The answer of the function and of the query variant: they must always agree."""
    person = db.session.get(User, manager)
    one = learning_visible_to(person, worker)
    listed = worker in set(db.session.scalars(learning_visible_ids(person)))
    return one, listed


def test_consent_opens_a_workers_learning_to_managers_of_their_organization_only(
    app, make_org, make_user
):
    home, other = make_org(), make_org()
    worker = make_user("worker", org_id=home, consent=True)
    manager = make_user("manager", org_id=home)
    stranger = make_user("manager", org_id=other)
    with app.app_context():
        assert _visible(manager, worker) == (True, True)
        assert _visible(stranger, worker) == (False, False)


def test_without_consent_only_an_open_request_that_shares_progress_opens_it(
    app, make_org, make_user
):
    home = make_org()
    worker = make_user("worker", org_id=home, consent=False)
    manager = make_user("manager", org_id=home)
    with app.app_context():
        assert _visible(manager, worker) == (False, False)
        _request(worker, share=False)
        assert _visible(manager, worker) == (False, False)
        _request(worker, share=True, closed=True)
        assert _visible(manager, worker) == (False, False)
        sharing = _request(worker, share=True)
        assert _visible(manager, worker) == (True, True)
        consultation = db.session.get(ConsultationRequest, sharing)
        consultation.status, consultation.closed_at = "closed", utcnow()
        db.session.commit()
        assert _visible(manager, worker) == (False, False)


def test_a_sharing_request_in_an_organization_the_manager_does_not_follow_opens_nothing(
    app, make_org, make_user
):
    home, other = make_org(), make_org()
    worker = make_user("worker", org_id=home, consent=False)
    manager_other = make_user("manager", org_id=other)
    with app.app_context():
        # A request left behind in the worker's former cooperative.
        _request(worker, share=True, org=other)
        assert _visible(manager_other, worker) == (False, False)


def test_the_rule_needs_the_manager_role_and_an_active_worker(app, make_org, make_user):
    home = make_org()
    worker = make_user("worker", org_id=home, consent=True)
    manager = make_user("manager", org_id=home)
    admin = make_user("admin")
    with app.app_context():
        admin_user = db.session.get(User, admin)
        # Even an admin who somehow follows the organization is not a welfare manager.
        admin_user.managed_organizations = [db.session.get(Organization, home)]
        db.session.commit()
        assert _visible(admin, worker) == (False, False)
        db.session.get(User, worker).active = False
        db.session.commit()
        assert _visible(manager, worker) == (False, False)


def test_a_request_of_another_worker_never_opens_a_workers_learning(app, make_org, make_user):
    home = make_org()
    worker = make_user("worker", org_id=home, consent=True)
    other = make_user("worker", org_id=home, consent=False)
    manager = make_user("manager", org_id=home)
    with app.app_context():
        foreign = db.session.get(ConsultationRequest, _request(other, share=True))
        person = db.session.get(User, manager)
        assert learning_visible_to(person, worker) is True
        assert learning_visible_to(person, worker, via_request=foreign) is False


def test_the_list_variant_narrows_to_the_chosen_organizations(app, make_org, make_user):
    first, second = make_org(), make_org()
    in_first = make_user("worker", org_id=first, consent=True)
    in_second = make_user("worker", org_id=second, consent=True)
    manager = make_user("manager", org_id=first, managed=[first, second])
    with app.app_context():
        person = db.session.get(User, manager)
        assert set(db.session.scalars(learning_visible_ids(person))) == {in_first, in_second}
        assert set(db.session.scalars(learning_visible_ids(person, [second]))) == {in_second}
