"""The funder's report: the page, the CSV, the PDF and the CLI print the same figures, which
equal the learning dashboard's where they measure the same thing; small groups are hidden."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
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


def last_closed_quarter(today: date) -> tuple[date, date, str]:
    """(first day, last day, key) of the last calendar quarter that is over: worked out here,
    not with elearn.impact.periods, so the tests check the calendar too."""
    this_quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = this_quarter - timedelta(days=1)
    start = date(end.year, 3 * ((end.month - 1) // 3) + 1, 1)
    return start, end, f"{start.year}-Q{(start.month - 1) // 3 + 1}"


START, END, PERIOD = last_closed_quarter(TODAY)


def on(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


BEFORE_A = [40 + i for i in range(9)] + [50]
AFTER_A = [38] + [44 + i for i in range(1, 10)]


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
    long_ago = on(START - timedelta(days=200))
    recent = on(START + timedelta(days=50))
    # Well-being: 10 pairs in A (before 40+i, the last 50; after 44+i, the first 38), 3 in B.
    for index, person in enumerate(workers_a[:10]):
        add_response(person, BEFORE_A[index], long_ago, literacy=(False, True, False))
        add_response(person, AFTER_A[index], recent, literacy=(True, True, False))
    for person in workers_b[:3]:
        add_response(person, 50, long_ago)
        add_response(person, 60, recent)
    with app.app_context():
        for index, person in enumerate(workers_a[:9]):
            db.session.add(
                ActivityDay(user_id=person, day=START + timedelta(days=55), kind="module")
            )
            db.session.add(
                ModuleProgress(
                    user_id=person,
                    course_slug=course,
                    module_slug="01-spese",
                    best_score=0.8,
                    completed_at=on(START + timedelta(days=55)),
                )
            )
            if index < 7:
                db.session.add(
                    CourseCompletion(
                        user_id=person,
                        course_slug=course,
                        course_title="Corso di prova",
                        verification_code=f"IMP{index:05d}",
                        completed_at=on(START + timedelta(days=56)),
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
                    created_at=on(START + timedelta(days=40)),
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
    query = f"org=all&periodo={PERIOD}"
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
            "reports", "impact", "--period", PERIOD, "--format", "csv",
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
            "reports", "impact", "--period", PERIOD, "--org", world.slug_a,
            "--output", str(target),
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"%PDF")


def test_the_cli_refuses_a_wrong_period_or_cooperative(runner, world):
    for wrong in ("2026-01-01", "31/01/2026", f"{TODAY.year}", "1999-Q4"):
        refused = runner.invoke(args=["reports", "impact", "--period", wrong])
        assert refused.exit_code == 2 and "--period" in refused.output, (wrong, refused.output)
    days = runner.invoke(args=["reports", "impact", "--from", "2026-01-01", "--to", "2026-02-01"])
    assert days.exit_code == 2  # the free days of the old command are gone
    unknown = runner.invoke(args=["reports", "impact", "--period", PERIOD, "--org", "nope"])
    assert unknown.exit_code == 1 and "unknown cooperatives: nope" in unknown.output


def test_reach_and_completions_equal_the_learning_dashboard(app, client, login, world):
    from elearn.reports.services import dashboard

    login(world.manager_a)
    tables = page_tables(client, f"org={world.org_a}&periodo={PERIOD}")
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
    tables = page_tables(client, f"org={world.org_a}&periodo={PERIOD}")
    before, after = [float(v) for v in BEFORE_A], [float(v) for v in AFTER_A]
    interval = stats.ttest_rel(after, before).confidence_interval(0.95)
    row = tables["wellbeing_change"][1]  # "Tutti": cooperative A only
    assert row[:2] == ["Tutti", "10"]  # 10 pairs
    # Whole points: means 44.6 and 47.9; the change is their difference as shown (48 - 45),
    # the interval keeps its half width around it.
    half = round((interval.high - interval.low) / 2)
    assert row[2:] == ["45", "48", "3", str(3 - half), str(3 + half)]
    literacy = {r[0]: r[1:3] for r in tables["literacy"][1:]}
    assert literacy["Interessi"] == ["0", "100"]
    assert literacy["Inflazione"] == ["100", "100"]


def test_a_mean_needs_ten_pairs(app, client, login, world):
    login(world.manager_a)
    tables = page_tables(client, f"org={world.org_a}&periodo={PERIOD}")
    assert tables["wellbeing_change"][1][2] == "45"
    with app.app_context():
        from elearn.models import ImpactResponse

        # One person's follow-up gone: 9 pairs, still published as "10", means not shown.
        db.session.query(ImpactResponse).filter_by(user_id=world.workers_a[0]).delete()
        db.session.commit()
    row = page_tables(client, f"org={world.org_a}&periodo={PERIOD}")["wellbeing_change"][1]
    assert row[1] == "10" and set(row[2:]) == {"non mostrata"}


def test_groups_under_five_are_hidden_and_do_not_leak_through_the_total(app, client, login, world):
    login(world.manager_ab)
    tables = page_tables(client, f"org=all&periodo={PERIOD}")
    change = {row[0]: row[1:] for row in tables["wellbeing_change"][1:]}
    # Beta: 3 pairs, hidden; Alfa: 10 pairs, shown.
    assert change["Cooperativa Beta"][0] == "meno di 5"
    assert set(change["Cooperativa Beta"][1:]) == {"non mostrata"}
    assert change["Cooperativa Alfa"][1:4] == ["45", "48", "3"]
    # "All" = Alfa + Beta: its mean minus Alfa's would give Beta's 3 people away.
    assert change["Tutti"][0] == "15"
    assert set(change["Tutti"][1:]) == {"non mostrata"}
    consultations = {row[0]: row[1] for row in tables["consultations"][1:]}
    assert consultations["Ritirate dal lavoratore"] == "0"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        # the free days of the old form: one-day steps gave one person's answers away
        ("from=2026-01-01&to=2026-03-31", "non giorni scelti"),
        ("to=9999-12-31", "non giorni scelti"),
        ("periodo=2026-Q5", "Scegli un trimestre o un anno dall&#39;elenco"),
        ("periodo=1999-Q4", "Scegli un trimestre o un anno dall&#39;elenco"),
        ("periodo=" + "9" * 5000, "Scegli un trimestre o un anno dall&#39;elenco"),
        ("periodo=2026-01-01", "Scegli un trimestre o un anno dall&#39;elenco"),
        # the quarter and the year that are still running grow every day: not yet
        (f"periodo={last_closed_quarter(TODAY + timedelta(days=92))[2]}", "non è ancora concluso"),
        (f"periodo={TODAY.year}", "non è ancora concluso"),
    ],
)
def test_a_wrong_period_gets_a_clear_message(client, login, world, query, message):
    login(world.manager_a)
    response = client.get(f"/impatto?{query}")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert f'<option value="{PERIOD}">' in page  # the list to choose from is there
    assert client.get(f"/impatto/rapporto.csv?{query}").status_code == 400
    assert client.get(f"/impatto/rapporto.pdf?{query}").status_code == 400


def test_the_page_offers_the_quarters_and_years_that_are_over(client, login, world):
    login(world.manager_a)
    page = client.get("/impatto").get_data(as_text=True)
    offered = re.findall(r'<option value="(\d{4}(?:-Q[1-4])?)"( selected)?>', page)
    keys = [key for key, _selected in offered]
    assert (PERIOD, " selected") in offered  # the last quarter that is over, by default
    assert (
        len([k for k in keys if "-Q" in k]) == 20 and len([k for k in keys if "-Q" not in k]) == 5
    )
    assert str(TODAY.year) not in keys and str(TODAY.year - 1) in keys
    assert all(last_closed_quarter(TODAY + timedelta(days=92))[2] != k for k in keys)
    csv_link = re.search(r'href="(/impatto/rapporto\.csv[^"]*)"', page).group(1)
    assert f"periodo={PERIOD}" in csv_link


def test_a_manager_sees_only_the_cooperatives_they_follow(client, login, world):
    login(world.manager_a)
    page = client.get(f"/impatto?org={world.org_b}").get_data(as_text=True)
    assert "Cooperativa Beta" not in page
    assert "Cooperativa Alfa" in page  # the requested other cooperative falls back to theirs
