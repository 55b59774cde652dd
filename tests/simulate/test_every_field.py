"""Every field of every simulator page, sent empty or with garbage: the page answers, never a 500.

An empty field means "not given" (the default, or "required" beside the field); garbage gives a
422 with the message beside the field. The chart and the CSV links of each page follow the same
rule, since they read the same query.
"""

from __future__ import annotations

import html as html_lib
import re

import pytest

from elearn.simulate.form_values import row_key
from elearn.simulate.forms import PAGES

IT = {"Accept-Language": "it-IT,it;q=0.9"}
ODD_VALUES = (
    "",
    "   ",
    "abc",
    "1e999",
    "nan",
    "-inf",
    "-1",
    "0",
    "99999999999999999999999",
    "1.000",
    "1,2,3",
    "٣",  # an Arabic-Indic digit
    "x" * 300,
)
CHART = re.compile(r'src="(/api/v1/simulators/[^"]+/chart\.svg\?[^"]*)"')
CSV = re.compile(r'href="(/simulatori/prestito/piano\.csv\?[^"]*)"')


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    """The pages compute without the database: SQLite is enough."""
    return request.param


def page_fields() -> list[tuple[str, str]]:
    """(page address, input name): every plain field and every field of a list's first row."""
    found = []
    for page in PAGES:
        path = f"/simulatori/{page.slug}"
        found += [(path, spec.name) for spec in page.fields]
        for group in page.groups:
            found += [(path, row_key(group.name, 0, spec.name)) for spec in group.fields]
    return found


def test_every_simulator_page_has_fields_to_check() -> None:
    assert {path for path, _ in page_fields()} == {f"/simulatori/{p.slug}" for p in PAGES}


@pytest.mark.parametrize(("path", "name"), page_fields())
def test_an_empty_or_odd_value_in_any_field_is_answered_not_a_server_error(
    client, path: str, name: str
) -> None:
    for value in ODD_VALUES:
        response = client.get(path, query_string={name: value}, headers=IT)
        what = f"GET {path}?{name}={value[:20]!r}"
        assert response.status_code in (200, 422), f"{what}: {response.status_code}"
        page = response.get_data(as_text=True)
        if response.status_code == 422:
            assert 'aria-invalid="true"' in page or 'role="alert"' in page, f"{what}: no error"
            continue
        for link in CHART.findall(page) + CSV.findall(page):
            followed = client.get(html_lib.unescape(link), headers=IT)
            assert followed.status_code == 200, f"{what}, then {link}: {followed.status_code}"
