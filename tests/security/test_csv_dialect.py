"""Every CSV the site offers is written in one dialect, the one an Italian spreadsheet opens:
`;` between cells, UTF-8 with a BOM, numbers as numbers with a decimal comma (no thousands
separator, no quotes, no € sign), dates as dd/mm/yyyy, formulas neutralised (elearn/csvexport.py).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from elearn.csvexport import cell, csv_text
from tests.security.world import fill_url, url_map_app

ELEARN = Path(__file__).resolve().parents[2] / "elearn"
# Every CSV route, with the role that may download it and the queries that fill it.
CSV_ROUTES = {
    "reports.export": (
        "manager",
        [{"table": table} for table in ("courses", "hardest", "groups", "weeks")]
        + [{"table": "modules", "corso": "{slug}"}],
    ),
    # the funder's report: small tables one under the other, the period and the method on top
    "impact.report_csv": ("manager", [{"org": "all"}]),
    "simulate.loan_csv": (
        "worker",
        [
            {"principal": "123456,78", "annual_rate": "7,5", "months": "24", "upfront_fees": "99"},
            {"principal": "2500", "annual_rate": "8.24", "months": "12", "lang": "en"},
        ],
    ),
}
NUMBER = re.compile(r"-?\d+(,\d+)?")
LOOKS_NUMERIC = re.compile(r"[-+]?[\d.,\s€%]*\d[\d.,\s€%]*")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _csv_routes() -> set[str]:
    app = url_map_app()
    return {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.rule.endswith((".csv", "csv>")) or "csv" in rule.endpoint
    }


def test_every_csv_route_is_checked_here() -> None:
    assert _csv_routes() == set(CSV_ROUTES), "a CSV download is missing from CSV_ROUTES"


def test_no_module_but_csvexport_writes_csv() -> None:
    """A second dialect starts with a second `csv.writer` or a hand-made text/csv response."""
    writers = []
    for path in ELEARN.rglob("*.py"):
        if path.name == "csvexport.py":
            continue
        source = path.read_text(encoding="utf-8")
        # Reading a CSV (the payroll roster import) is not a dialect; writing one is.
        if re.search(r"csv\.(Dict)?[Ww]riter|mimetype=\"text/csv", source):
            writers.append(str(path.relative_to(ELEARN)))
    assert writers == []


def assert_dialect(raw: bytes) -> list[list[str]]:
    assert raw.startswith("\ufeff".encode()), "no UTF-8 BOM: Excel would read it as ANSI"
    text = raw.decode("utf-8")[1:]
    lines = text.split("\r\n")
    assert lines[-1] == "" and all(lines[:-1]), "rows end with CRLF"
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    width = len(rows[0])
    assert width > 1 and all(len(row) == width for row in rows), "not split on ;"
    for line in lines[1:-1]:
        for raw_cell in line.split(";"):
            # a number is never quoted, so that the spreadsheet reads it as a number
            assert not re.fullmatch(r'"-?[\d,.]+"', raw_cell), raw_cell
    for row in rows[1:]:
        for value in row:
            assert not ISO_DATE.search(value), f"{value!r}: dates are dd/mm/yyyy"
            if LOOKS_NUMERIC.fullmatch(value) and not re.fullmatch(r"\d{2}/\d{2}/\d{4}", value):
                assert NUMBER.fullmatch(value), f"{value!r} is not a plain number (1234,5)"
    return rows


@pytest.mark.parametrize("endpoint", sorted(CSV_ROUTES))
def test_every_csv_download_is_in_the_site_dialect(fresh, endpoint) -> None:
    app, world = fresh
    role, queries = CSV_ROUTES[endpoint]
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    numbers = 0
    for query in queries:
        values = {**world.values, **{k: v for k, v in query.items() if k in rule.arguments}}
        url = fill_url(rule, values)
        args = {k: v.format(**values) for k, v in query.items() if k not in rule.arguments}
        response = world.clients[role].get(url, query_string=args)
        assert response.status_code == 200, url
        assert response.mimetype == "text/csv"
        assert "attachment" in response.headers["Content-Disposition"]
        rows = assert_dialect(response.get_data())
        numbers += sum(bool(NUMBER.fullmatch(v)) for row in rows[1:] for v in row)
    assert numbers, f"{endpoint}: no number checked"


def test_loan_schedule_amounts_are_numbers_with_a_decimal_comma(client) -> None:
    response = client.get(
        "/simulatori/prestito/piano.csv",
        query_string={"principal": "123456,78", "annual_rate": "5", "months": "12"},
    )
    rows = assert_dialect(response.get_data())
    assert len(rows) == 13
    assert rows[1][0] == "1"
    assert re.fullmatch(r"\d{5},\d{2}", rows[1][1]), rows[1]  # 10.568,39 € written 10568,39


def test_cells_follow_the_dialect() -> None:
    assert cell(1234.5) == "1234,5"
    assert cell(Decimal("1234567.10")) == "1234567,1"
    assert cell(0.1 + 0.2) == "0,30000000000000004"
    assert cell(-0.0) == "0"
    assert cell(float("nan")) == ""
    assert cell(12) == "12"
    assert cell(None) == ""
    assert cell(date(2026, 12, 3)) == "03/12/2026"
    assert cell(datetime(2026, 12, 3, 10, 5, 59)) == "03/12/2026 10:05"
    assert cell("=1+1") == "'=1+1"
    assert cell("-12,5") == "-12,5"
    assert cell("Zoë 😀") == "Zoë 😀"
    text = csv_text(["Nome", "Importo (€)"], [["Rossi; Anna", 1234.5], ['"virgolette"', 2]])
    assert text == '\ufeffNome;Importo (€)\r\n"Rossi; Anna";1234,5\r\n"""virgolette""";2\r\n'
