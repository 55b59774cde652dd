"""The funder's report: the page, the CSV, the PDF and the CLI print the same figures, which
equal the learning dashboard's where they measure the same thing; small groups are hidden."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser

import pytest

from elearn.extensions import db
from elearn.models import (
    ActivityDay,
    ConsultationRequest,
    CourseCompletion,
    ModuleProgress,
    Organization,
)
from elearn.models.base import utcnow

TODAY = utcnow().date()
START = TODAY - timedelta(days=60)


@dataclass
class World:
    org_a: int
    org_b: int
    slug_a: str
    workers_a: list[int]
    workers_b: list[int]
    manager_ab: int
    manager_a: int


@pytest.fixture
def world(app, make_org, make_user, add_response, course) -> World:
    org_a, org_b = make_org("Cooperativa Alfa"), make_org("Cooperativa Beta")
    workers_a = [make_user("worker", org_id=org_a) for _ in range(12)]
    workers_b = [make_user("worker", org_id=org_b) for _ in range(4)]
    long_ago = utcnow() - timedelta(days=200)
    recent = utcnow() - timedelta(days=10)
    # Well-being: 8 pairs in A (before 40+i, after 44+i with one -2), 3 pairs in B.
    for index, person in enumerate(workers_a[:8]):
        add_response(person, 40 + index, long_ago, literacy=(False, True, False))
        add_response(person, 44 + index if index else 38, recent, literacy=(True, True, False))
    for person in workers_b[:3]:
        add_response(person, 50, long_ago)
        add_response(person, 60, recent)
    with app.app_context():
        for index, person in enumerate(workers_a[:9]):
            db.session.add(
                ActivityDay(user_id=person, day=TODAY - timedelta(days=5), kind="module")
            )
            db.session.add(
                ModuleProgress(
                    user_id=person,
                    course_slug=course,
                    module_slug="01-spese",
                    best_score=0.8,
                    completed_at=utcnow() - timedelta(days=5),
                )
            )
            if index < 7:
                db.session.add(
                    CourseCompletion(
                        user_id=person,
                        course_slug=course,
                        course_title="Corso di prova",
                        verification_code=f"IMP{index:05d}",
                        completed_at=utcnow() - timedelta(days=4),
                    )
                )
        for person in workers_a[:6]:
            db.session.add(
                ConsultationRequest(
                    worker_id=person,
                    organization_id=org_a,
                    topic="budget",
                    description="Vorrei un consiglio.",
                    channel="phone",
                    status="closed",
                    outcome="Piano di rientro concordato.",
                    created_at=utcnow() - timedelta(days=20),
                )
            )
        db.session.commit()
        slug_a = db.session.get(Organization, org_a).slug
    return World(
        org_a,
        org_b,
        slug_a,
        workers_a,
        workers_b,
        make_user("manager", org_id=org_a, managed=[org_a, org_b]),
        make_user("manager", org_id=org_a),
    )


class Tables(HTMLParser):
    """The report page's tables by their data-key: rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.captions: dict[str, str] = {}
        self._caption: list[str] | None = None
        self._key: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "table" and "data-key" in attributes:
            self._key = attributes["data-key"]
            self.tables[self._key] = []
        elif tag == "caption" and self._key:
            self._caption = []
        elif tag == "tr" and self._key:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self._key = None
        elif tag == "caption" and self._caption is not None:
            self.captions[self._key] = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._key:
            self.tables[self._key].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._caption is not None:
            self._caption.append(data)
        if self._cell is not None:
            self._cell.append(data)


def page_reader(client, query: str) -> Tables:
    response = client.get(f"/impatto?{query}")
    assert response.status_code == 200
    reader = Tables()
    reader.feed(response.get_data(as_text=True))
    return reader


def page_tables(client, query: str) -> dict[str, list[list[str]]]:
    return page_reader(client, query).tables


def csv_rows(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")
    # the site's dialect pads every row to the widest table: the trailing cells are empty
    return [row[: max((i + 1 for i, cell in enumerate(row) if cell), default=0)] for row in rows]


def _plain(cell: str) -> str:
    # The page groups thousands ("1.234"); the CSV leaves them plain. Nothing else differs.
    return re.sub(r"(?<=\d)\.(?=\d{3})", "", cell.replace("\xa0", " "))


def test_page_csv_and_cli_show_the_same_figures(app, client, login, runner, world):
    login(world.manager_ab)
    query = f"org=all&from={START.isoformat()}&to={TODAY.isoformat()}"
    reader = page_reader(client, query)
    download = client.get(f"/impatto/rapporto.csv?{query}")
    assert download.headers["Content-Type"].startswith("text/csv")
    rows = csv_rows(download.get_data(as_text=True))
    compared = 0
    for key, table in reader.tables.items():
        start = rows.index([reader.captions[key]]) + 1
        assert rows[start] == table[0], key
        for offset, page_row in enumerate(table[1:], start=1):
            assert [_plain(c) for c in page_row] == rows[start + offset], key
            compared += 1
    assert compared > 30

    result = runner.invoke(
        args=[
            "reports", "impact", "--from", START.isoformat(), "--to", TODAY.isoformat(),
            "--format", "csv",
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == download.data

    pdf = client.get(f"/impatto/rapporto.pdf?{query}")
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.data.startswith(b"%PDF") and len(pdf.data) > 2000


def test_cli_writes_a_pdf_for_one_cooperative(app, runner, world, tmp_path):
    target = tmp_path / "report.pdf"
    result = runner.invoke(
        args=[
            "reports", "impact", "--from", START.isoformat(), "--to", TODAY.isoformat(),
            "--org", world.slug_a, "--output", str(target),
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"%PDF")


def test_the_cli_refuses_a_wrong_date_or_cooperative(runner, world):
    bad_date = runner.invoke(args=["reports", "impact", "--from", "31/01/2026", "--to", "x"])
    assert bad_date.exit_code == 2 and "is not a date" in bad_date.output
    unknown = runner.invoke(
        args=["reports", "impact", "--from", "2026-01-01", "--to", "2026-02-01", "--org", "nope"]
    )
    assert unknown.exit_code == 1 and "unknown cooperatives: nope" in unknown.output


def test_reach_and_completions_equal_the_learning_dashboard(app, client, login, world):
    from elearn.reports.services import dashboard

    login(world.manager_a)
    since_always = f"org={world.org_a}&from={TODAY.year - 4}-01-01&to={TODAY.isoformat()}"
    tables = page_tables(client, since_always)
    with app.test_request_context("/"):
        learning = dashboard([world.org_a])
    reach = {row[0]: row[1] for row in tables["reach"][1:]}
    assert reach["Lavoratori iscritti"] == str(learning.workers) == "10"
    completed = {row.label: row.values[1] for row in learning.courses.rows}
    for label, value in ((row[0], row[1]) for row in tables["learning"][1:]):
        if label in completed:
            assert value == str(completed[label])
    assert completed["Corso di prova"] == 5  # 7 completions, published as 5


def test_paired_change_on_the_page_is_the_paired_t_interval(app, client, login, world):
    from scipy import stats

    login(world.manager_a)
    tables = page_tables(
        client, f"org={world.org_a}&from={START.isoformat()}&to={TODAY.isoformat()}"
    )
    before = [40.0 + i for i in range(8)]
    after = [38.0] + [44.0 + i for i in range(1, 8)]
    interval = stats.ttest_rel(after, before).confidence_interval(0.95)
    mean = sum(a - b for a, b in zip(after, before, strict=True)) / 8
    row = tables["wellbeing_change"][1]  # "Tutti": cooperative A only
    assert row[:2] == ["Tutti", "10"]  # 8 pairs, published as 10
    expected = [f"{value:.1f}".replace(".", ",") for value in (mean, interval.low, interval.high)]
    assert [row[4], row[5], row[6]] == expected
    literacy = {r[0]: r[1:3] for r in tables["literacy"][1:]}
    assert literacy["Interessi"] == ["0", "100"]
    assert literacy["Inflazione"] == ["100", "100"]


def test_groups_under_five_are_hidden_and_do_not_leak_through_the_total(app, client, login, world):
    login(world.manager_ab)
    tables = page_tables(client, f"org=all&from={START.isoformat()}&to={TODAY.isoformat()}")
    change = {row[0]: row[1:] for row in tables["wellbeing_change"][1:]}
    # Beta: 3 pairs, hidden; Alfa: 8 pairs, shown.
    assert change["Cooperativa Beta"][0] == "meno di 5"
    assert set(change["Cooperativa Beta"][1:]) == {"meno di 5"}
    assert change["Cooperativa Alfa"][3] not in ("meno di 5", "")
    # "All" = Alfa + Beta: its mean minus Alfa's would give Beta's 3 people away.
    assert change["Tutti"][0] == "10"
    assert set(change["Tutti"][1:]) == {"meno di 5"}
    consultations = {row[0]: row[1] for row in tables["consultations"][1:]}
    assert consultations["Ritirate dal lavoratore"] == "0"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=31-01-2026", "Scrivi le date come AAAA-MM-GG"),
        ("from=2026-03-01&to=2026-01-01", "L&#39;inizio del periodo viene dopo la fine"),
        ("from=2000-01-01&to=2026-01-01", "al massimo cinque anni"),
        # found by fuzzing: the day after 9999-12-31 overflowed (a 500)
        ("to=9999-12-31", "Scegli date tra il 2000 e il 2099"),
    ],
)
def test_a_wrong_period_gets_a_clear_message(client, login, world, query, message):
    login(world.manager_a)
    response = client.get(f"/impatto?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert client.get(f"/impatto/rapporto.csv?{query}").status_code == 400


def test_a_manager_sees_only_the_cooperatives_they_follow(client, login, world):
    login(world.manager_a)
    page = client.get(f"/impatto?org={world.org_b}").get_data(as_text=True)
    assert "Cooperativa Beta" not in page
    assert "Cooperativa Alfa" in page  # the requested other cooperative falls back to theirs
