"""Limited places booked by many people at the same moment, through gunicorn: never more
bookings than places, every loser told so clearly, no 5xx.

Workers register for a Welfare day with few places (the rest go to the waitlist, in order);
Welfare Managers book the same few appointment slots for their workers' requests (a worker
does not book a slot: the manager does it from the request's case file)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from elearn.extensions import db
from elearn.models import (
    Appointment,
    AppointmentSlot,
    ConsultationRequest,
    OutboxMessage,
    SocialPoint,
    User,
    WelfareDay,
    WelfareDayRegistration,
)
from elearn.models.base import utcnow
from tests.faults.web import SERVER_ENV, Browser, run_together
from tests.servers import gunicorn

WORKERS = 12
CAPACITY = 4
MANAGERS = 6
SLOTS = 3

CONFIRMED = "Il tuo posto è confermato. Ti abbiamo mandato un'e-mail con il file del calendario."
WAITLISTED = "La giornata è al completo: sei in lista d'attesa. Ti scriveremo."
ALREADY = "Sei già iscritto."
BOOKED = "Appuntamento fissato. Il lavoratore riceve un'e-mail."
TAKEN = "Qualcun altro ha appena prenotato questa fascia. Scegline un'altra."
POSITION_RE = re.compile(r"Sei al numero (\d+) della lista d'attesa\.")


def _setup(app, make_user):
    """One cooperative: workers with a request each, managers, a Welfare day, three slots."""
    workers = [make_user("worker") for _ in range(WORKERS)]
    with app.app_context():
        org_id = db.session.get(User, workers[0]).organization_id
        point_id = db.session.scalar(
            select(SocialPoint.id).where(SocialPoint.organization_id == org_id)
        )
    managers = [make_user("manager", org_id=org_id) for _ in range(MANAGERS)]
    with app.app_context():
        start = utcnow().replace(microsecond=0) + timedelta(days=10)
        event = WelfareDay(
            organization_id=org_id,
            title="Bilancio e bonus",
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            place="Social point Lorenteggio",
            capacity=CAPACITY,
        )
        slots = [
            AppointmentSlot(
                social_point_id=point_id,
                manager_id=managers[0],
                starts_at=start + timedelta(days=1, hours=n),
                ends_at=start + timedelta(days=1, hours=n, minutes=45),
            )
            for n in range(SLOTS)
        ]
        requests = [
            ConsultationRequest(
                worker_id=worker,
                organization_id=org_id,
                topic="budget",
                description="Non arrivo a fine mese.",
                channel="in_person",
                social_point_id=point_id,
            )
            for worker in workers[:MANAGERS]
        ]
        db.session.add_all([event, *slots, *requests])
        db.session.commit()
        emails = {
            user.id: user.email
            for user in db.session.scalars(select(User).where(User.id.in_(workers + managers)))
        }
        ids = event.id, [slot.id for slot in slots], [request.id for request in requests]
        db.engine.dispose()  # the server's processes open their own connections
    return workers, managers, emails, *ids


def _register(browser: Browser, event_id: int) -> tuple[int, list[tuple[str, str]]]:
    reply = browser.post(f"/consulenza/welfare-day/{event_id}/iscrizione")
    assert reply.status == 302 and reply.location.endswith("/consulenza/welfare-day"), reply
    page = browser.get("/consulenza/welfare-day")
    assert page.status == 200
    return reply.status, page.flashes()


def _book_first_free(browser: Browser, request_id: int, slot_ids: list[int]) -> list[int]:
    """What a manager does: try the slots one after the other until one is booked."""
    statuses = []
    for slot_id in slot_ids:
        reply = browser.post(
            f"/gestione/richieste/{request_id}/prenota", {"slot": slot_id, "channel": "in_person"}
        )
        statuses.append(reply.status)
        if reply.status == 302:
            assert dict(browser.get(reply.location).flashes()).get("success") == BOOKED
            return statuses
        assert reply.status == 409, (reply.status, reply.plain[:800])
        assert TAKEN in reply.plain  # said next to the slot field, on the case page
    return statuses


def test_places_and_slots_booked_by_everybody_at_once(
    app, backend, database_url, tmp_path, make_user
):
    workers, managers, emails, event_id, slot_ids, request_ids = _setup(app, make_user)

    with gunicorn(database_url, tmp_path, workers=3, env=SERVER_ENV, preload=True) as server:
        people = [(user, Browser(server.base_url)) for user in workers + managers]
        # The first worker presses on two devices at the same moment.
        double = Browser(server.base_url)
        people.append((workers[0], double))
        run_together([lambda u=u, b=b: b.login(emails[u]) for u, b in people])
        # Everybody at once: workers take places, managers book slots (rotated orders).
        tasks = [lambda b=b: _register(b, event_id) for _, b in people[:WORKERS]]
        tasks.append(lambda: _register(double, event_id))
        tasks += [
            lambda b=b, i=i: _book_first_free(b, request_ids[i], slot_ids[i:] + slot_ids[:i])
            for i, (_, b) in enumerate(people[WORKERS : WORKERS + MANAGERS])
        ]
        results = run_together(tasks)
        positions = []
        for _, browser in people[:WORKERS]:
            page = browser.get("/consulenza/welfare-day").plain
            positions += [int(n) for n in POSITION_RE.findall(page)]
        log = server.log_text()

    statuses = Counter(status for _, browser in people for status in browser.statuses)
    assert not [status for status in statuses if status >= 500], (statuses, log[-3000:])
    assert "Traceback" not in log, log[-3000:]

    # What the workers were told: CAPACITY places, the others on the waitlist, in order;
    # the second device of the first worker was told that they are registered already.
    registrations = results[: WORKERS + 1]
    told = Counter(message for _, flashes in registrations for _, message in flashes)
    assert told == {CONFIRMED: CAPACITY, WAITLISTED: WORKERS - CAPACITY, ALREADY: 1}, told
    assert sorted(positions) == list(range(1, WORKERS - CAPACITY + 1))

    # What the managers saw: exactly one booking per slot, a clear 409 for every other try.
    bookings = results[WORKERS + 1 :]
    assert sum(tries.count(302) for tries in bookings) == SLOTS
    failed = sum(tries.count(409) for tries in bookings)
    assert failed >= (MANAGERS - SLOTS) * SLOTS

    with app.app_context():
        event = db.session.get(WelfareDay, event_id)
        by_status = dict(
            db.session.execute(
                select(WelfareDayRegistration.status, func.count()).group_by(
                    WelfareDayRegistration.status
                )
            ).all()
        )
        assert by_status == {"registered": CAPACITY, "waitlisted": WORKERS - CAPACITY}
        assert event.seats_taken == CAPACITY
        booked = db.session.execute(
            select(Appointment.slot_id, Appointment.request_id).where(
                Appointment.status == "booked"
            )
        ).all()
        assert sorted(slot for slot, _ in booked) == sorted(slot_ids)
        assert len({request for _, request in booked}) == SLOTS
        scheduled = select(func.count(ConsultationRequest.id)).where(
            ConsultationRequest.status == "scheduled"
        )
        assert db.session.scalar(scheduled) == SLOTS
        # One e-mail per outcome, none for the attempts that lost.
        mails = Counter(db.session.scalars(select(OutboxMessage.subject)))
        assert mails == {
            "Il tuo posto al Welfare day": CAPACITY,
            "Sei in lista d'attesa": WORKERS - CAPACITY,
            "Il tuo appuntamento con il Welfare Manager": SLOTS,
        }, mails
    print(
        f"\n{backend}: {sum(statuses.values())} requests, {dict(statuses)}; "
        f"{WORKERS + 1} registrations for {CAPACITY} places; "
        f"{SLOTS + failed} booking tries for {SLOTS} slots"
    )
