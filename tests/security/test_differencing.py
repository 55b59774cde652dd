"""The differencing attacker: no combination of downloaded aggregates isolates 1–4 people.

An outside probe subtracted the per-cooperative CSV exports from the all-cooperatives export and
learned that 3 workers of one cooperative care for a relative under Law 104. This test replays that
attack, and more, against a database with several cooperatives and small groups: for each role that
sees aggregates it downloads every combination of filters the pages offer (each organization and
"all of mine", each course, the weekly table, every CSV export, the HTML pages, the trainers' and
the request statistics), reads every count of people out of them, and searches sums and differences
of up to three figures about the same measure for a value from 1 to 4.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from itertools import combinations, product
from typing import Any

import pytest
from sqlalchemy import select

from elearn.extensions import db
from elearn.models import (
    ActivityDay,
    ConsentRecord,
    ConsultationRequest,
    CourseCompletion,
    ModuleProgress,
    QuizFirstAnswer,
    ReportSnapshot,
    TargetGroupDeclaration,
)
from elearn.models.base import utcnow

MAX_TERMS = 3
HIDDEN = "meno di 5"


# --- the world: three cooperatives with small groups ------------------------------------------


@dataclass
class AttackWorld:
    orgs: dict[str, int]
    managers: dict[str, int]  # who → user id: "A" (one coop), "AB" (two), "ABC" (all three)
    trainer: int
    admin: int


@pytest.fixture
def attack_world(app, make_org, make_user, course) -> AttackWorld:
    orgs = {name: make_org(f"Cooperativa {name}") for name in "ABC"}
    headcount = {"A": 9, "B": 12, "C": 8}
    workers = {
        name: [make_user("worker", org_id=orgs[name]) for _ in range(n)]
        for name, n in headcount.items()
    }
    monday = utcnow().date() - timedelta(days=utcnow().date().weekday())
    with app.app_context():

        def declare(people: list[int], group: str) -> None:
            for person in people:
                db.session.add(
                    ConsentRecord(
                        user_id=person, kind="target_groups", granted=True, text_version="t"
                    )
                )
                db.session.add(TargetGroupDeclaration(user_id=person, target_group=group))

        # Law 104 caregivers: 3 in A (the secret), 6 in B, 5 in C.
        declare(workers["A"][:3], "legge104")
        declare(workers["B"][:6], "legge104")
        declare(workers["C"][:5], "legge104")
        # Active learners per week: 3 and 4 in A, 6 and 7 in B, 5 and 5 in C.
        for name, this_week, last_week in (("A", 3, 4), ("B", 6, 7), ("C", 5, 5)):
            for person in workers[name][:this_week]:
                db.session.add(ActivityDay(user_id=person, day=monday, kind="module"))
            for person in workers[name][:last_week]:
                db.session.add(
                    ActivityDay(user_id=person, day=monday - timedelta(days=7), kind="module")
                )
        # The course: 7 learners of B started the first module and 6 completed it (and the
        # course); every one of them got the first question wrong at the first try.
        for index, person in enumerate(workers["B"][:7]):
            done = utcnow() if index < 6 else None
            db.session.add(
                ModuleProgress(
                    user_id=person,
                    course_slug=course,
                    module_slug="01-spese",
                    best_score=0.5,
                    completed_at=done,
                )
            )
            if done:
                db.session.add(
                    CourseCompletion(
                        user_id=person,
                        course_slug=course,
                        course_title="Corso di prova",
                        verification_code=f"CODE{index:04d}",
                    )
                )
            db.session.add(
                QuizFirstAnswer(
                    user_id=person,
                    course_slug=course,
                    module_slug="01-spese",
                    quiz_id="spesa-fissa",
                    correct=False,
                )
            )
        # 5 learners of A started the second module; 4 of them missed the number question.
        for index, person in enumerate(workers["A"][:5]):
            db.session.add(
                ModuleProgress(
                    user_id=person, course_slug=course, module_slug="02-rate", best_score=0.9
                )
            )
            db.session.add(
                QuizFirstAnswer(
                    user_id=person,
                    course_slug=course,
                    module_slug="01-spese",
                    quiz_id="rata-anno",
                    correct=index == 0,
                )
            )
        # Consultation requests: 6 about the budget and 2 about debts in A, 5 about savings in B.
        for name, topic, n in (("A", "budget", 6), ("A", "debts", 2), ("B", "savings", 5)):
            for person in workers[name][:n]:
                db.session.add(
                    ConsultationRequest(
                        worker_id=person,
                        organization_id=orgs[name],
                        topic=topic,
                        description="Vorrei un consiglio.",
                        channel="phone",
                    )
                )
        db.session.commit()
    managers = {
        "A": make_user("manager", org_id=orgs["A"]),
        "AB": make_user("manager", org_id=orgs["A"], managed=[orgs["A"], orgs["B"]]),
        "ABC": make_user("manager", org_id=orgs["A"], managed=list(orgs.values())),
    }
    return AttackWorld(orgs, managers, make_user("trainer"), make_user("admin"))


# --- reading figures out of pages and CSV files ---------------------------------------------


@dataclass(frozen=True)
class Figure:
    family: str  # the measure family: weeks, courses, modules, questions, groups, reach, requests
    population: str  # whose figure: organization names, or "everyone" for trainers
    row: str
    column: str
    value: int
    source: str  # role and URL it was read from

    def __str__(self) -> str:
        return f"{self.value} ({self.family} · {self.population} · {self.row} · {self.column})"


@dataclass
class HtmlTable:
    caption: str = ""
    csv_key: str = ""
    section: str = ""
    headers: list[str] | None = None
    rows: list[list[str]] | None = None


class TableReader(HTMLParser):
    """Every <table> of a page: its caption, the CSV it links to, headers and rows as text."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[HtmlTable] = []
        self.section = ""
        self._in_h2 = False
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._in_caption = False
        self._in_link = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "h2":
            self._in_h2, self.section = True, ""
        elif tag == "table":
            self.tables.append(HtmlTable(section=self.section, headers=[], rows=[]))
        elif tag == "caption":
            self._in_caption = True
        elif tag == "a":
            self._in_link = True
            found = re.search(r"/report/(\w+)\.csv", attributes.get("href") or "")
            if self._in_caption and found:
                self.tables[-1].csv_key = found.group(1)
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._in_h2 = False
        elif tag == "caption":
            self._in_caption = False
        elif tag == "a":
            self._in_link = False
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self.tables:
            table = self.tables[-1]
            if table.headers == [] and not table.rows:
                table.headers = self._row
            else:
                table.rows.append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._in_h2:
            self.section += data.strip()
        if self._in_caption and not self._in_link and self.tables:
            self.tables[-1].caption += data.strip()
        if self._cell is not None:
            self._cell.append(data)


def _number(text: str) -> float | None:
    text = text.replace("\xa0", " ").replace("%", "").strip().replace(",", ".")
    return float(text) if re.fullmatch(r"\d+(\.\d+)?", text) else None


def table_figures(
    family: str, population: str, headers: list[str], rows: list[list[str]], source: str
) -> list[Figure]:
    """Counts of people in a table (not percentages, averages or medians), plus the number of
    people a published share implies (share × learners), which an attacker would work out too."""
    figures = []
    learners_col = next((i for i, h in enumerate(headers) if h in ("Persone", "Learners")), None)
    share_col = next(
        (i for i, h in enumerate(headers) if h.startswith(("Sbagliate", "Wrong"))), None
    )
    for row in rows:
        label = row[0]
        for index, (header, cell) in enumerate(zip(headers, row, strict=False)):
            if index == 0 or "%" in header or "%" in cell or index == share_col:
                continue
            value = _number(cell)
            if value is not None and value == int(value):
                figures.append(Figure(family, population, label, header, int(value), source))
        if learners_col is not None and share_col is not None and share_col < len(row):
            learners, share = _number(row[learners_col]), _number(row[share_col])
            if learners is not None and share is not None:
                implied = round(share * learners / 100)
                figures.append(Figure(family, population, label, "implied wrong", implied, source))
    return figures


class Attacker:
    def __init__(self, app: Any, login: Any) -> None:
        self.app = app
        self.login = login
        self.figures: list[Figure] = []
        self.pages = 0

    def client_for(self, user_id: int) -> Any:
        client = self.app.test_client()
        self.login(user_id, client)
        return client

    def get(self, client: Any, url: str) -> str:
        response = client.get(url)
        assert response.status_code == 200, url
        self.pages += 1
        return response.get_data(as_text=True)

    def read_dashboards(self, role: str, client: Any, own: str) -> None:
        """Every organization the scope menu offers (or the manager's `own` when it offers
        none), "all of mine", every course of the module-by-module menu, pages and CSVs."""
        first = self.get(client, "/report/")
        options = dict(re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', first))
        names = sorted(options.values()) or [own]
        scopes = {"all": "+".join(names), **{value: name for value, name in options.items()}}
        courses = re.findall(r'<select id="corso" name="corso">(.*?)</select>', first, re.S)
        slugs = [""] + re.findall(r'<option value="([^"]+)"', courses[0] if courses else "")
        for org, population in scopes.items():
            for slug in slugs:
                url = f"/report/?org={org}&corso={slug}"
                page = self.get(client, url)
                source = f"{role} {url}"
                reach = re.search(r"(\d+) su (\d+) lavoratori", page)
                if reach:
                    for column, value in zip(("started", "workers"), reach.groups(), strict=True):
                        self.figures.append(
                            Figure("reach", population, "reach", column, int(value), source)
                        )
                reader = TableReader()
                reader.feed(page)
                for table in reader.tables:
                    if table.csv_key:
                        family = "questions" if table.csv_key == "hardest" else table.csv_key
                        self.figures += table_figures(
                            family, population, table.headers, table.rows, source
                        )
                for key in ("weeks", "courses", "hardest", "groups", "modules"):
                    if key == "modules" and not slug:
                        continue
                    url = f"/report/{key}.csv?org={org}&corso={slug}"
                    text = self.get(client, url).lstrip("\ufeff")
                    header, *rows = list(csv.reader(io.StringIO(text), delimiter=";"))
                    family = "questions" if key == "hardest" else key
                    self.figures += table_figures(family, population, header, rows, f"{role} {url}")

    def read_request_statistics(self, role: str, client: Any) -> None:
        page = self.get(client, "/gestione/statistiche")
        reader = TableReader()
        reader.feed(page)
        for table in reader.tables:
            if not table.headers:  # the waiting times: medians, not counts
                continue
            self.figures += table_figures(
                "requests", table.section, table.headers, table.rows, f"{role} statistics"
            )

    def read_course_statistics(self, role: str, client: Any) -> None:
        index = self.get(client, "/editor/")
        for slug in sorted(set(re.findall(r'href="/editor/([\w-]+)/"', index))):
            url = f"/editor/{slug}/statistiche"
            reader = TableReader()
            reader.feed(self.get(client, url))
            for family, table in zip(("modules", "questions"), reader.tables, strict=False):
                self.figures += table_figures(
                    family, "everyone", table.headers, table.rows, f"{role} {url}"
                )


def isolating_combinations(figures: list[Figure], max_terms: int = MAX_TERMS) -> list[str]:
    """Sums and differences of up to `max_terms` figures about one measure that come to 1–4.

    Figures describe the same measure when they share the family and either the row (started
    against completed, one cooperative against all) or the column (a week against another,
    a topic against all topics). A single published figure of 1–4 counts too. The most telling
    come first: the same cell of different scopes or roles, then one scope's cells."""
    distinct = {(f.family, f.population, f.row, f.column, f.value): f for f in figures}
    everyone = {"(not a worker)"}.union(
        *(f.population.split("+") for f in figures if f.population != "everyone")
    )
    buckets: dict[tuple[str, str, str], list[Figure]] = defaultdict(list)
    for figure in distinct.values():
        buckets[(figure.family, "row", figure.row)].append(figure)
        buckets[(figure.family, "column", figure.column)].append(figure)
    found: dict[str, tuple[int, int]] = {}
    for bucket in buckets.values():
        for terms in range(1, max_terms + 1):
            for chosen in combinations(bucket, terms):
                if terms > 1 and any(figure.value == 0 for figure in chosen):
                    continue  # adding or taking away 0 finds nothing new
                for signs in product((1, -1), repeat=terms - 1):
                    signed = list(zip((1, *signs), chosen, strict=True))
                    total = sum(sign * figure.value for sign, figure in signed)
                    if not 1 <= abs(total) <= 4:
                        continue
                    text = f"{abs(total)} = " + " ".join(
                        ("" if index == 0 else "+ " if sign > 0 else "- ") + str(figure)
                        for index, (sign, figure) in enumerate(signed)
                    )
                    same_cell = len({(f.row, f.column) for f in chosen}) == 1
                    same_scope = len({f.population for f in chosen}) == 1
                    rank = 3 if not same_cell and not same_scope else 2 if same_scope else 1
                    if same_cell and _one_group(signed, everyone):
                        rank = 0
                    found[text] = (rank, terms)
    return sorted(found, key=lambda text: (*found[text], text))


def _organizations(population: str, everyone: set[str]) -> set[str]:
    return everyone if population == "everyone" else set(population.split("+"))


def _one_group(signed: list[tuple[int, Figure]], everyone: set[str]) -> bool:
    """True when the signed populations add up to one group of people (each organization
    counted once or not at all): all cooperatives minus one of them, A plus B, and so on."""
    weights: dict[str, int] = defaultdict(int)
    for sign, figure in signed:
        for organization in _organizations(figure.population, everyone):
            weights[organization] += sign
    return all(weight in (0, 1) for weight in weights.values())


# --- the attack -------------------------------------------------------------------------------


def test_no_combination_of_downloads_isolates_fewer_than_five_people(app, login, attack_world):
    attacker = Attacker(app, login)
    for role, manager in attack_world.managers.items():
        client = attacker.client_for(manager)
        attacker.read_dashboards(f"manager {role}", client, own="Cooperativa A")
        attacker.read_request_statistics(f"manager {role}", client)
    attacker.read_course_statistics("trainer", attacker.client_for(attack_world.trainer))
    attacker.read_course_statistics("admin", attacker.client_for(attack_world.admin))

    # The attacker really read the small groups' tables (not an empty page that cannot fail).
    families = {figure.family for figure in attacker.figures}
    assert families >= {"reach", "weeks", "courses", "modules", "questions", "groups", "requests"}
    populations = {figure.population for figure in attacker.figures if figure.family == "groups"}
    assert {"Cooperativa A", "Cooperativa B", "Cooperativa A+Cooperativa B"} <= populations
    assert attacker.pages > 50

    leaks = isolating_combinations(attacker.figures)
    assert not leaks, f"{len(leaks)} combinations single out 1-4 people, e.g.:\n" + "\n".join(
        leaks[:25]
    )


def test_the_attacker_finds_the_leaks_of_a_report_without_the_guard():
    """The search itself works: the figures the old reports published are caught."""
    old = [
        Figure("groups", "A+B", "Law 104", "Declared", 9, "AB all"),
        Figure("groups", "B", "Law 104", "Declared", 6, "AB B"),
        Figure("modules", "everyone", "Le spese", "Started", 7, "trainer"),
        Figure("modules", "everyone", "Le spese", "Completed", 6, "trainer"),
        Figure("requests", "A", "All topics", "Requests", 8, "A"),
        Figure("requests", "A", "Budget", "Requests", 6, "A"),
    ]
    assert {leak.split(" = ")[0] for leak in isolating_combinations(old)} == {"1", "2", "3"}
    guarded = [Figure(f.family, f.population, f.row, f.column, 5, f.source) for f in old]
    assert isolating_combinations(guarded) == []


def test_dashboard_snapshots_store_only_guarded_figures(app, runner, attack_world):
    import json

    legacy_key = f"{attack_world.orgs['A']}||it"  # written before the guard: exact counts
    with app.app_context():
        db.session.add(
            ReportSnapshot(key=legacy_key, payload='{"workers": 9}', computed_at=utcnow())
        )
        db.session.commit()
    result = runner.invoke(args=["reports", "refresh"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.get(ReportSnapshot, legacy_key) is None
        payloads = [json.loads(row) for row in db.session.scalars(select(ReportSnapshot.payload))]
    assert payloads
    percent_columns = {"courses": 2, "hardest": 1}  # averages and shares, in whole percent
    hidden = 0
    for payload in payloads:
        counts = [payload["workers"], payload["reach"]]
        counts += [count for _week, count in payload["weeks"]]
        for key in ("courses", "hardest", "groups", "modules"):
            table = payload[key]
            for _label, values in table["rows"] if table else []:
                counts += [v for i, v in enumerate(values) if i != percent_columns.get(key)]
        assert all(value is None or value % 5 == 0 for value in counts), payload
        hidden += counts.count(None)
    assert hidden  # the 3 caregivers of A, for one, are stored as hidden
