"""XSS payloads through every text field people fill, checked on every page that shows them.

For each payload, one world (tests/security/world.py) is filled through the real forms: the
worker's name, consultation request, messages and reschedule reason, saved scenario and its
budget lines; the manager's messages, private note, pathway action, case outcome, Social point
slots and Welfare day; the trainer's course, module title and module text; the admin's
organization, Social point and new account. Then every GET page each role may open is parsed
with html.parser: no element, attribute, event handler, script or javascript: URL may come from
a payload and no template expression may be evaluated. Each value must also *show*, exactly, to
its author and to the other roles who see it (the manager sees the worker's request, the admin
sees the names...): emoji, accents and right-to-left text survive the round trip.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from elearn.extensions import db
from tests.access import ROLES
from tests.security.world import SOURCE_QUERY_NAMES, World, allowed_roles, fill_url
from tests.security.xss import PAYLOADS, VECTORS, inert_problems, shows

SKIPPED_PAGES = {"static", "auth.logout", "core.theme_css"}


def carried(payload: str, tag: str, limit: int) -> str:
    """The payload cut to fit the field, ending with a tag naming the field."""
    suffix = f" #{tag}"
    return payload[: limit - len(suffix)].rstrip() + suffix


@dataclass
class Filled:
    """What was written where, and on which pages (role, path) it must show."""

    expected: list[tuple[str, str, str]] = field(default_factory=list)  # (role, path, value)
    ids: dict[str, Any] = field(default_factory=dict)

    def show(self, value: str, *places: tuple[str, str]) -> None:
        self.expected.extend((role, path, value) for role, path in places)


def _post(world: World, role: str, path: str, data: dict[str, Any], csrf: str = "csrf_token"):
    data = {**data, csrf: world.csrf[role]}
    response = world.clients[role].post(path, data=data, csrf=False)
    assert response.status_code in (200, 302, 303), (
        f"{role} POST {path}: {response.status_code}\n{response.get_data(as_text=True)[:600]}"
    )
    if response.status_code == 200:
        assert path.startswith("/editor/"), f"{role} POST {path} answered 200, not a redirect"
    return response


def fill_every_field(app: Flask, world: World, payload: str) -> Filled:
    from elearn.models import (
        ConsultationRequest,
        SavedScenario,
        SocialPoint,
        User,
        WelfareDay,
    )

    filled = Filled()
    v = world.values
    org, request_id = v["organization_id"], v["request_id"]

    # --- admin: the organization everyone belongs to, a Social point, an account ----------
    name = carried(payload, "org", 120)
    _post(
        world,
        "admin",
        f"/admin/organizzazioni/{org}",
        {"name": name, "slug": "sole", "accent_color": "#1f6f5c"},
    )
    filled.show(name, ("admin", "/admin/organizzazioni"), ("admin", f"/admin/organizzazioni/{org}"))
    point = {
        "name": carried(payload, "pt", 120),
        "address": carried(payload, "addr", 255),
        "opening_hours": carried(payload, "hours", 2000),
        "active": "y",
    }
    _post(world, "admin", f"/admin/organizzazioni/{org}/social-point/nuovo", point)
    with app.app_context():
        point_id = db.session.scalar(
            select(SocialPoint.id).where(SocialPoint.name == point["name"])
        )
    assert point_id, "the Social point was not saved"
    filled.show(
        point["name"], ("admin", f"/admin/organizzazioni/{org}"), ("worker", "/consulenza/nuova")
    )
    filled.show(point["address"], ("worker", "/consulenza/nuova"))
    filled.show(point["opening_hours"], ("admin", f"/admin/social-point/{point_id}"))
    person = carried(payload, "acct", 120)
    _post(
        world,
        "admin",
        "/admin/utenti/nuovo",
        {
            "full_name": person,
            "email": "nuova@example.org",
            "roles": "worker",
            "organization_id": str(org),
            "active": "y",
        },
    )
    filled.show(person, ("admin", "/admin/utenti"))

    # --- trainer: a course, a module with a payload title and a payload text, published ----
    course = {
        "slug": "corso-xss",
        "title": carried(payload, "ct", 200),
        "summary": carried(payload, "cs", 500),
        "language": "it",
    }
    _post(world, "trainer", "/editor/nuovo", course)
    module_title = carried(payload, "mt", 200)
    _post(world, "trainer", "/editor/corso-xss/moduli", {"slug": "02-xss", "title": module_title})
    quiz = json.dumps(payload, ensure_ascii=False)
    source = (
        f"---\ntitle: {json.dumps(module_title, ensure_ascii=False)}\nminutes: 5\n---\n\n"
        f"{payload}\n\n```quiz\nid: q\nquestion: {quiz}\ntype: single\nchoices:\n"
        f"  - text: {quiz}\n    correct: true\n  - text: altro\nexplanation: {quiz}\n```\n"
    )
    _post(world, "trainer", "/editor/corso-xss/02-xss", {"source": source, "action": "preview"})
    _post(world, "trainer", "/editor/corso-xss/02-xss", {"source": source, "action": "save"})
    _post(world, "trainer", "/editor/corso-xss/pubblica", {})
    filled.show(
        course["title"], ("trainer", "/editor/"), ("worker", "/corsi/"), ("anonymous", "/corsi/")
    )
    filled.show(course["summary"], ("worker", "/corsi/corso-xss/"), ("anonymous", "/corsi/"))
    filled.show(
        module_title,
        ("trainer", "/editor/corso-xss/"),
        ("worker", "/corsi/corso-xss/"),
        ("worker", "/corsi/corso-xss/02-xss"),
    )
    filled.ids["course_pages"] = [
        "/corsi/corso-xss/",
        "/corsi/corso-xss/02-xss",
        "/corsi/corso-xss/01-introduzione",
        "/editor/corso-xss/",
        "/editor/corso-xss/02-xss",
        "/editor/corso-xss/02-xss/versioni",
        "/editor/corso-xss/statistiche",
    ]

    # --- worker: name, a scenario with budget lines, a request, a message, a new time --------
    worker_name = carried(payload, "wn", 120)
    _post(
        world,
        "worker",
        "/profilo",
        {"profile-full_name": worker_name, "profile-language": "it"},
        csrf="profile-csrf_token",
    )
    filled.show(
        worker_name,
        ("worker", "/profilo"),
        ("manager", "/gestione/"),
        ("manager", f"/gestione/richieste/{request_id}"),
        ("admin", "/admin/utenti"),
        ("admin", f"/admin/utenti/{world.people['worker']}"),
        ("manager", "/report/persone"),
        ("manager", f"/report/persone/{world.people['worker']}"),
        ("manager", f"/gestione/welfare-day/{v['event_id']}"),
    )
    scenario = carried(payload, "sc", 80)
    category = carried(payload, "cat", 60)
    _post(
        world,
        "worker",
        "/simulatori/scenari",
        {
            "simulator": "budget",
            "name": scenario,
            "in-incomes-0-category": category,
            "in-incomes-0-amount": "1400",
            "in-expenses-0-category": "Affitto",
            "in-expenses-0-amount": "600",
        },
    )
    with app.app_context():
        scenario_id = db.session.scalar(
            select(SavedScenario.id).where(SavedScenario.name == scenario)
        )
    assert scenario_id, "the scenario was not saved (name changed on the way?)"
    filled.show(scenario, ("worker", "/simulatori/scenari"), ("worker", "/consulenza/nuova"))
    ask = {
        "topic": "budget",
        "description": carried(payload, "desc", 1000),
        "channel": "in_person",
        "social_point": str(point_id),
        "preferred_times": carried(payload, "times", 200),
        "scenarios": str(scenario_id),
        "share_progress": "y",
    }
    _post(world, "worker", "/consulenza/nuova", ask)
    with app.app_context():
        new_id = db.session.scalar(
            select(ConsultationRequest.id).where(
                ConsultationRequest.description == ask["description"]
            )
        )
    assert new_id, "the request was not saved"
    filled.ids["new_request"] = new_id
    for value in (ask["description"], ask["preferred_times"]):
        filled.show(
            value,
            ("worker", f"/consulenza/richieste/{new_id}"),
            ("manager", f"/gestione/richieste/{new_id}"),
        )
    filled.show(
        scenario,
        ("manager", f"/gestione/richieste/{new_id}"),
        ("worker", f"/consulenza/richieste/{new_id}"),
    )
    message = carried(payload, "wmsg", 2000)
    _post(world, "worker", f"/consulenza/richieste/{request_id}/messaggi", {"body": message})
    reason = carried(payload, "move", 2000)
    _post(world, "worker", f"/consulenza/richieste/{request_id}/sposta", {"reason": reason})
    for value in (message, reason):
        filled.show(
            value,
            ("worker", f"/consulenza/richieste/{request_id}"),
            ("manager", f"/gestione/richieste/{request_id}"),
        )

    # --- manager: message, private note, pathway action, slots, booking, Welfare day, close --
    answer = carried(payload, "mmsg", 2000)
    _post(
        world,
        "manager",
        f"/gestione/richieste/{request_id}/messaggi",
        {"body": answer, "wait_for_worker": "y"},
    )
    note = carried(payload, "note", 4000)
    _post(world, "manager", f"/gestione/richieste/{request_id}/note", {"note": note})
    action = carried(payload, "todo", 200)
    _post(
        world,
        "manager",
        f"/gestione/richieste/{request_id}/percorso",
        {"module": "", "title": action, "due_date": ""},
    )
    filled.show(
        answer,
        ("worker", f"/consulenza/richieste/{request_id}"),
        ("manager", f"/gestione/richieste/{request_id}"),
    )
    filled.show(note, ("manager", f"/gestione/richieste/{request_id}"))
    filled.ids["note"] = note
    filled.show(
        action,
        ("worker", "/consulenza/"),
        ("worker", "/il-mio-percorso"),
        ("manager", f"/gestione/richieste/{request_id}"),
    )
    day = (date.today() + timedelta(days=9)).isoformat()
    _post(
        world,
        "manager",
        "/gestione/calendario/fasce",
        {
            "point": str(point_id),
            "day": day,
            "start": "10:00",
            "end": "11:00",
            "minutes": "45",
            "weeks": "1",
        },
    )
    filled.show(
        point["name"],
        ("manager", f"/gestione/calendario?week={day}"),
        ("manager", f"/gestione/richieste/{new_id}"),
    )
    with app.app_context():
        from elearn.models import AppointmentSlot

        slot_id = db.session.scalar(
            select(AppointmentSlot.id).where(AppointmentSlot.social_point_id == point_id)
        )
    _post(
        world,
        "manager",
        f"/gestione/richieste/{new_id}/prenota",
        {"slot": str(slot_id), "channel": "in_person"},
    )
    event = {
        "organization": str(org),
        "title": carried(payload, "wd", 160),
        "day": day,
        "start": "09:00",
        "end": "12:00",
        "place": carried(payload, "place", 255),
        "programme": carried(payload, "prog", 4000),
        "capacity": "10",
    }
    _post(world, "manager", "/gestione/welfare-day/nuovo", event)
    with app.app_context():
        event_id = db.session.scalar(
            select(WelfareDay.id).where(WelfareDay.title == event["title"])
        )
    assert event_id, "the Welfare day was not saved"
    filled.ids["event"] = event
    for value in (event["title"], event["place"]):
        filled.show(
            value,
            ("manager", f"/gestione/welfare-day/{event_id}"),
            ("worker", "/consulenza/welfare-day"),
        )
    filled.show(event["title"], ("manager", "/gestione/welfare-day"))
    filled.show(
        event["programme"],
        ("worker", "/consulenza/welfare-day"),
        ("manager", f"/gestione/welfare-day/{event_id}"),
    )
    _post(world, "worker", f"/consulenza/welfare-day/{event_id}/iscrizione", {})
    outcome = carried(payload, "end", 2000)
    _post(world, "manager", f"/gestione/richieste/{request_id}/chiudi", {"outcome": outcome})
    filled.show(
        outcome,
        ("worker", f"/consulenza/richieste/{request_id}"),
        ("manager", f"/gestione/richieste/{request_id}"),
    )
    with app.app_context():
        assert db.session.get(User, world.people["worker"]).full_name == worker_name
    return filled


def every_page(app: Flask, world: World, filled: Filled) -> list[tuple[str, str]]:
    pages = []
    for role in ROLES:
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if "GET" not in rule.methods or rule.endpoint in SKIPPED_PAGES:
                continue
            if role in allowed_roles(rule.endpoint):
                pages.append((role, fill_url(rule, world.values)))
        new = filled.ids["new_request"]
        if role == "worker":
            pages.append((role, f"/consulenza/richieste/{new}"))
        if role == "manager":
            pages.append((role, f"/gestione/richieste/{new}"))
        if role in ("worker", "trainer", "anonymous"):
            pages.extend((role, path) for path in filled.ids["course_pages"])
    return pages + [(role, path) for role, path, _value in filled.expected]


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_payloads_in_every_text_field_stay_inert_and_show_exactly(fresh, name: str) -> None:
    app, world = fresh
    payload = PAYLOADS[name]
    filled = fill_every_field(app, world, payload)
    pages: dict[tuple[str, str], str] = {}
    problems = []
    for role, path in dict.fromkeys(every_page(app, world, filled)):
        response = world.clients[role].get(path)
        assert response.status_code < 500, f"{role} GET {path}: {response.status_code}"
        if response.mimetype != "text/html":
            continue
        page = response.get_data(as_text=True)
        pages[role, path] = page
        problems.extend(f"{role} {path}: {p}" for p in inert_problems(page))
    assert not problems, "\n".join(problems)
    missing = [
        f"{role} {path}: {value!r} not shown"
        for role, path, value in filled.expected
        if not shows(pages.get((role, path), ""), value)
    ]
    assert not missing, "\n".join(missing)
    # the private note is for managers only, never for the worker
    note = filled.ids["note"]
    assert not any(
        shows(page, note) for (role, _path), page in pages.items() if role != "manager"
    ), "a case note reached someone who is not a manager"


REFLECTED = list(PAYLOADS.values())


def test_query_strings_are_never_reflected_as_markup(fresh) -> None:
    """Every GET page, every query parameter the app reads or its forms send, set to payloads
    (search boxes, filters, simulator inputs, `next`, ...)."""
    app, world = fresh
    problems = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint in SKIPPED_PAGES:
            continue
        roles = allowed_roles(rule.endpoint)
        if not roles:
            continue
        role = roles[1] if roles[0] == "anonymous" and len(roles) > 1 else roles[0]
        names = sorted(world.query_args.get(rule.endpoint, set()) | SOURCE_QUERY_NAMES)
        path = fill_url(rule, world.values)
        for payload in REFLECTED:
            response = world.clients[role].get(path, query_string={n: payload for n in names})
            assert response.status_code < 500, f"{role} GET {path}: {response.status_code}"
            if response.mimetype == "text/html":
                page = response.get_data(as_text=True)
                problems.extend(f"{role} {path}: {p}" for p in inert_problems(page))
    assert not problems, "\n".join(problems)


def test_glossary_definitions_from_files_are_inert_for_everyone(fresh, tmp_path) -> None:
    """The glossary comes from files (import or CLI); its page shows definitions to all."""
    from elearn.authoring.services import import_courses

    app, world = fresh
    definition = " ".join(PAYLOADS.values()).replace("\n", " ")
    (tmp_path / "glossary.yml").write_text(
        f"XSS: {json.dumps(definition, ensure_ascii=False)}\n"
        f"Zoë 😀: {json.dumps(VECTORS['unicode'], ensure_ascii=False)}\n",
        encoding="utf-8",
    )
    with app.app_context():
        report = import_courses(tmp_path)
        assert report.ok, report.errors
    for role in ROLES:
        page = world.clients[role].get("/glossario").get_data(as_text=True)
        assert not inert_problems(page), (role, inert_problems(page))
        assert shows(page, "Zoë 😀") and shows(page, "مرحبا"), role


def test_glossary_definitions_written_in_the_web_editor_are_inert_for_everyone(fresh) -> None:
    """The trainer's glossary editor saves what is typed; every page showing it stays inert."""
    from elearn.models import GlossaryFile

    app, world = fresh
    definition = " ".join(PAYLOADS.values()).replace("\n", " ")
    with app.app_context():
        current = db.session.get(GlossaryFile, 1).raw
    source = current.rstrip("\n") + f"\nXSS: {json.dumps(definition, ensure_ascii=False)}\n"
    response = world.clients["trainer"].post(
        "/editor/glossario",
        data={"source": source, "csrf_token": world.csrf["trainer"]},
        csrf=False,
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:600]
    for role, path in [(role, "/glossario") for role in ROLES] + [("trainer", "/editor/glossario")]:
        page = world.clients[role].get(path).get_data(as_text=True)
        assert not inert_problems(page), (role, path, inert_problems(page))
    editor = world.clients["trainer"].get("/editor/glossario").get_data(as_text=True)
    assert shows(editor, source.rstrip("\n").splitlines()[-1])
