"""The differencing attacker against the funder's report: every scope a manager may pick, several
periods, the page and the CSV; no sum or difference of up to three counts comes to 1–4 people,
and no mean stands on a group of 1–4 people (alone or inside a sum of cooperatives)."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from elearn.extensions import db
from elearn.impact import scales
from elearn.models import ConsentRecord, ImpactResponse
from tests.impact.test_report import END, Tables, on
from tests.security.test_differencing import (  # noqa: F401 - the fixture is used by name
    HIDDEN,
    Figure,
    attack_world,
    isolating_combinations,
)

# Rows that count things listed one by one elsewhere (events, labs, outcomes), not people.
NOT_PEOPLE = re.compile(r"eventi|Laboratori attivi|^Esito|Quota", re.IGNORECASE)
# Columns that are means or shares, not counts.
COUNT_COLUMNS = {"Valore", "Persone", "Prima", "Dopo", "Hanno completato il corso"}


def _answer(person: int, score: int, days_ago: int) -> ImpactResponse:
    return ImpactResponse(
        user_id=person,
        organization_id=None,
        scale_version=scales.SCALE_VERSION,
        language="it",
        wording_version=scales.WORDING_VERSION,
        mode="self",
        age_band="18-61",
        occasion="first_use",
        item_values=[2] * 10,
        raw_total=20,
        score=score,
        literacy_answers={},
        interest_correct=score % 2 == 0,
        inflation_correct=True,
        diversification_correct=False,
        # counted back from the last day of the last quarter that is over (the report's
        # default period): the report covers only quarters and years that are over
        created_at=on(END) - timedelta(days=days_ago),
    )


def test_no_combination_of_impact_report_downloads_isolates_fewer_than_five_people(
    app,
    login,
    attack_world,  # noqa: F811 - the fixture imported above
):
    from elearn.models import User

    with app.app_context():
        people = {
            name: [
                u.id
                for u in db.session.query(User).filter_by(organization_id=org_id).order_by(User.id)
                if u.has_role("worker")
            ]
            for name, org_id in attack_world.orgs.items()
        }
        # Pairs of answers: 3 in A (the secret), 10 in B, 5 in C; follow-ups spread in time.
        for name, n in (("A", 3), ("B", 10), ("C", 5)):
            for index, person in enumerate(people[name][:n]):
                db.session.add(
                    ConsentRecord(
                        user_id=person, kind="impact_measure", granted=True, text_version="t"
                    )
                )
                db.session.add(_answer(person, 40 + index, 300))
                db.session.add(_answer(person, 45 + 2 * index, 20 + 30 * (index % 3)))
        db.session.commit()

    periods: list[str] = []  # the first three quarters and the first year the page offers
    figures: list[Figure] = []
    means_read = 0
    pages = 0
    for role, manager in attack_world.managers.items():
        client = app.test_client()
        login(manager, client)
        first = client.get("/impatto").get_data(as_text=True)
        if not periods:
            offered = re.findall(r'<option value="(\d{4}(?:-Q[1-4])?)"', first)
            periods = [k for k in offered if "-Q" in k][:3] + [k for k in offered if "-Q" not in k][
                :1
            ]
        scope_select = re.search(r'<select id="org".*?</select>', first, flags=re.S)
        options = dict(
            re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', scope_select.group(0))
            if scope_select
            else []
        )
        scopes = {"all": "+".join(sorted(options.values())) or "Cooperativa A", **options}
        for org, population in scopes.items():
            for period in periods:
                query = f"org={org}&periodo={period}"
                response = client.get(f"/impatto?{query}")
                assert response.status_code == 200
                pages += 1
                reader = Tables()
                reader.feed(response.get_data(as_text=True))
                download = client.get(f"/impatto/rapporto.csv?{query}").get_data(as_text=True)
                # the site's dialect pads every row to one grid: drop the empty tail
                padded = csv.reader(io.StringIO(download.lstrip("\ufeff")), delimiter=";")
                rows = [r[: max((i + 1 for i, c in enumerate(r) if c), default=0)] for r in padded]
                for key, table in reader.tables.items():
                    header, *body = table
                    start_row = rows.index([reader.captions[key]]) + 1
                    assert rows[start_row : start_row + len(table)] == table  # page == CSV
                    for row in body:
                        for column, cell in zip(header[1:], row[1:], strict=True):
                            if key == "wellbeing_change" and column != "Persone":
                                means_read += cell not in (HIDDEN, "non mostrata")
                                continue
                            if column not in COUNT_COLUMNS or NOT_PEOPLE.search(row[0]):
                                continue
                            if re.fullmatch(r"\d+", cell):
                                figures.append(
                                    Figure(
                                        key,
                                        population,
                                        f"{row[0]} [{period}]",
                                        column,
                                        int(cell),
                                        f"{role} {query}",
                                    )
                                )
    families = {figure.family for figure in figures}
    assert families >= {"reach", "learning", "consultations", "wellbeing_people"}
    assert len(periods) == 4 and pages >= 30
    assert means_read > 0  # B has 10 pairs: some means are shown
    leaks = isolating_combinations(figures)
    assert not leaks, f"{len(leaks)} combinations single out 1-4 people, e.g.:\n" + "\n".join(
        leaks[:25]
    )


def test_a_mean_of_a_sum_of_cooperatives_hides_when_one_of_them_is_small(
    app,
    login,
    attack_world,  # noqa: F811 - the fixture imported above
):
    with app.app_context():
        from elearn.models import User

        workers = {
            name: [
                u.id
                for u in db.session.query(User).filter_by(organization_id=org_id).order_by(User.id)
                if u.has_role("worker")
            ]
            for name, org_id in attack_world.orgs.items()
        }
        for name, n in (("A", 2), ("B", 10)):
            for person in workers[name][:n]:
                db.session.add(_answer(person, 50, 300))
                db.session.add(_answer(person, 55, 10))
        db.session.commit()
    client = app.test_client()
    login(attack_world.managers["AB"], client)
    reader = Tables()
    reader.feed(client.get("/impatto?org=all").get_data(as_text=True))
    rows = {row[0]: row[1:] for row in reader.tables["wellbeing_change"][1:]}
    assert rows["Cooperativa B"][3] == "5"
    # All = A + B: shown, it would give A's two people away (all × 12 − B × 10).
    assert rows["Tutti"][0] == "10" and set(rows["Tutti"][1:]) == {"non mostrata"}
