"""The rules of the resources map, without Flask: worked examples, properties, dated parameters."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from elearn.resources.rules import Child, Household, available_years, compute_map, load_year
from elearn.resources.rules.params import PARAMS_DIR

ON_2026 = date(2026, 12, 3)


def _item(resource_map, key):
    return next(item for item in resource_map.resources if item.key == key)


def auu(household: Household, on: date = ON_2026):
    return _item(compute_map(household, on), "auu")


# --- worked examples -----------------------------------------------------------------------------


def test_decree_2022_table_rebuilt_in_steps_of_100_euros():
    # D.Lgs. 230/2021, art. 4 c. 1 (2022): 175 € up to ISEE 15,000, 50 € from 40,000, reduced
    # "gradualmente secondo gli importi indicati nella tabella 1" (the table was not read: 2022.yaml
    # rebuilds it in steps of 100 € of ISEE, 0.50 € each; verified: false). ISEE 27,500 is the top
    # of the 125th band: 175 - 125 x 0.50 = 112.50; one euro more is the next band: 112.00.
    result = auu(Household(children=(Child(age=5),), isee=27_500), date(2022, 6, 1))
    assert result.monthly == pytest.approx(112.50)
    assert result.yearly == pytest.approx(1350.00)
    next_band = auu(Household(children=(Child(age=5),), isee=27_501), date(2022, 6, 1))
    assert next_band.monthly == pytest.approx(112.00)
    assert result.to_verify


def test_decree_2022_third_child_and_both_parents_working():
    # D.Lgs. 230/2021, art. 4 c. 1, 3 and 8 (2022): three minors at ISEE 15,000 get 3 x 175,
    # +85 for the third child, +30 for each minor child when both parents work = 700 €.
    household = Household(
        children=(Child(age=5), Child(age=8), Child(age=10)),
        isee=15_000,
        other_parent="working",
        contract="permanent",
    )
    assert auu(household, date(2022, 6, 1)).monthly == pytest.approx(700.00)


def test_2026_two_children_low_isee_get_the_full_amount_each():
    # INPS circ. 7/2026, Allegato n. 1, first row (checked on the circular's text, so no longer
    # "da verificare"): ISEE up to 17,468.51 -> 203.80 € per minor child; two children: 407.60 €.
    result = auu(Household(children=(Child(age=5), Child(age=8)), isee=15_000))
    assert result.monthly == pytest.approx(407.60)
    assert not result.to_verify


def test_2026_child_under_one_gets_fifty_percent_more():
    # D.Lgs. 230/2021 art. 4 c. 1 as changed by L. 197/2022: +50 % under 1 year.
    result = auu(Household(children=(Child(birth_date=date(2026, 6, 1)),), isee=10_000))
    assert result.monthly == pytest.approx(305.70)
    assert any(reason.code == "auu.under1" for reason in result.reasons)


def test_2026_without_isee_the_minimum_amount():
    # D.Lgs. 230/2021 art. 4 c. 9: without an ISEE the minimum (2026: 58.30 €).
    result = auu(Household(children=(Child(age=4),), isee=None))
    assert result.monthly == pytest.approx(58.30)
    assert result.reasons[0].code == "auu.no_isee"


def test_2026_toddler_increase_in_large_families_stops_above_the_isee_limit():
    # L. 197/2022: +50 % for children aged 1-2 with three children, ISEE up to 40,000 revalued.
    children = (Child(age=2), Child(age=5), Child(age=8))
    below = auu(Household(children=children, isee=20_000))
    above = auu(Household(children=children, isee=50_000))
    assert any(r.code == "auu.toddler" for r in below.reasons)
    assert not any(r.code == "auu.toddler" for r in above.reasons)
    # Above the upper threshold: 3 x 58.30 + 17.40 for the third child.
    assert above.monthly == pytest.approx(192.30)


def test_an_unknown_amount_is_said_and_not_added(tmp_path: Path):
    # A year whose file does not know the increase for a mother under 21 (value: null): the map
    # says so, adds nothing and marks the estimate "da verificare".
    text = (PARAMS_DIR / "2026.yaml").read_text(encoding="utf-8")
    assert "value: 23.30" in text
    (tmp_path / "2026.yaml").write_text(text.replace("value: 23.30", "value: null"), "utf-8")
    children = (Child(age=1),)
    older = Household(children=children, isee=15_000)
    young = Household(children=children, isee=15_000, mother_under_21=True)
    older_auu = _item(compute_map(older, ON_2026, tmp_path), "auu")
    young_auu = _item(compute_map(young, ON_2026, tmp_path), "auu")
    assert young_auu.monthly == older_auu.monthly == pytest.approx(203.80)
    assert any(r.code == "auu.increase_unknown" for r in young_auu.reasons)
    assert young_auu.to_verify and not older_auu.to_verify


def test_parental_leave_until_fourteen_from_2026():
    # D.Lgs. 151/2001 art. 32 as changed by L. 199/2025: parental leave until the child is 14.
    household = Household(children=(Child(age=13),), contract="permanent", net_monthly_pay=1000)
    result = _item(compute_map(household, ON_2026), "parental")
    assert result.applies is True
    # Over 6: only the 30 % months remain.
    assert result.monthly == pytest.approx(300.0)
    too_old = Household(children=(Child(age=14),), contract="permanent")
    assert _item(compute_map(too_old, ON_2026), "parental").applies is False


def test_sick_child_leave_is_unpaid_with_days_by_age_band():
    household = Household(children=(Child(age=2), Child(age=10)), contract="permanent")
    result = _item(compute_map(household, ON_2026), "sick_child")
    codes = [r.code for r in result.reasons]
    assert result.monthly == 0 and "sick.unpaid" in codes
    assert "sick.unlimited" in codes
    assert next(r for r in result.reasons if r.code == "sick.days").values["days"] == 10


def test_law_104_permits_need_the_serious_situation_and_shrink_with_part_time():
    grave = Household(relative_104="grave", contract="permanent", part_time_percent=50)
    permits = _item(compute_map(grave, ON_2026), "l104_permits")
    assert permits.applies is True
    assert next(r for r in permits.reasons if r.code == "l104.days").values["days"] == 1.5
    not_grave = Household(relative_104="not_grave", contract="permanent")
    assert _item(compute_map(not_grave, ON_2026), "l104_permits").applies is False
    assert _item(compute_map(not_grave, ON_2026), "l104_leave").applies is False


def test_child_deduction_only_for_children_aged_21_to_29():
    young = _item(compute_map(Household(children=(Child(age=12),)), ON_2026), "tax_children")
    older = _item(compute_map(Household(children=(Child(age=23),)), ON_2026), "tax_children")
    assert young.applies is False
    assert older.applies is True and older.yearly == pytest.approx(950.0)


def test_newborn_bonus_needs_isee_up_to_the_limit():
    born = (Child(birth_date=date(2026, 3, 1)),)
    assert (
        _item(compute_map(Household(children=born, isee=30_000), ON_2026), "newborn").one_off
        == 1000
    )
    assert (
        _item(compute_map(Household(children=born, isee=45_000), ON_2026), "newborn").applies
        is False
    )
    assert _item(compute_map(Household(children=born), ON_2026), "newborn").applies is None


def test_collective_agreement_items_say_it_expired():
    result = compute_map(
        Household(expecting=True, contract="permanent", net_monthly_pay=1200), ON_2026
    )
    maternity = _item(result, "ccnl_maternity")
    assert maternity.monthly == pytest.approx(240.0)
    assert any(
        r.code == "ccnl.expired" and r.values["date"] == date(2025, 12, 31)
        for r in maternity.reasons
    )


# --- years ---------------------------------------------------------------------------------------


def test_a_missing_year_is_said_and_last_years_values_are_not_used():
    result = compute_map(Household(children=(Child(age=5),), isee=10_000), date(2031, 1, 2))
    assert result.missing_year is True
    assert result.resources == []


def test_a_past_estimate_is_recomputed_with_the_rules_of_its_date():
    household = Household(children=(Child(age=5),), isee=10_000)
    assert auu(household, date(2022, 6, 1)).monthly == pytest.approx(175.00)
    assert auu(household, ON_2026).monthly == pytest.approx(203.80)
    # Rules not described for 2022 say so instead of borrowing 2026's.
    nido = _item(compute_map(Household(children=(Child(age=1),)), date(2022, 6, 1)), "nido")
    assert nido.rules_missing


def test_a_new_year_is_a_data_change(tmp_path: Path):
    text = (PARAMS_DIR / "2026.yaml").read_text(encoding="utf-8")
    first_row = "- [0.00, 17468.51, 203.8, 99.1, 203.8, 99.1, 34.9]"
    assert first_row in text
    (tmp_path / "2027.yaml").write_text(
        text.replace("year: 2026", "year: 2027").replace(
            first_row, "- [0.00, 17468.51, 210.0, 99.1, 210.0, 99.1, 34.9]"
        ),
        encoding="utf-8",
    )
    result = compute_map(
        Household(children=(Child(age=5),), isee=10_000), date(2027, 2, 1), tmp_path
    )
    assert _item(result, "auu").monthly == pytest.approx(210.00)


@pytest.mark.parametrize("year", available_years())
def test_every_parameter_is_dated_and_referenced(year):
    params = load_year(year)
    assert params is not None and params.year == year
    for parameter in params.parameters.values():
        assert parameter.rule and parameter.source and parameter.date, parameter.key
        assert parameter.url.startswith("https://www."), parameter.key
        assert any(host in parameter.url for host in ("inps.it", "normattiva.it", "cnel.it")), (
            parameter.key
        )


@pytest.mark.parametrize("year", available_years())
def test_the_isee_bands_of_each_year_follow_each_other_and_amounts_only_fall(year):
    # Each band starts one cent above the previous one; the first is "fino a", the last "oltre";
    # no amount rises with the ISEE (D.Lgs. 230/2021 art. 4: "si riduce gradualmente").
    table = load_year(year)["auu.table"].value
    columns, rows = table["columns"], table["rows"]
    assert columns[:2] == ["isee_from", "isee_to"]
    assert rows[0][0] == 0 and rows[-1][1] is None
    for before, after in zip(rows, rows[1:], strict=False):
        assert len(before) == len(columns)
        assert round(after[0] - before[1], 2) == 0.01, after
        assert all(b >= a for b, a in zip(before[2:], after[2:], strict=True)), after
    assert rows[-1][0] == round(rows[-2][1] + 0.01, 2)


# --- properties ----------------------------------------------------------------------------------

children_strategy = st.lists(
    st.builds(
        Child,
        age=st.integers(min_value=0, max_value=30),
        disability=st.sampled_from([None, None, "media", "grave", "non_self_sufficient"]),
    ),
    max_size=6,
).map(tuple)
isee_strategy = st.floats(min_value=0, max_value=200_000, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(
    children=children_strategy,
    low=isee_strategy,
    high=isee_strategy,
    other_parent=st.sampled_from([None, "working", "not_working", "none"]),
    young_mother=st.booleans(),
)
def test_assegno_unico_never_rises_when_the_isee_rises(
    children, low, high, other_parent, young_mother
):
    low, high = sorted((low, high))
    common = {
        "children": children,
        "other_parent": other_parent,
        "contract": "permanent",
        "mother_under_21": young_mother,
    }
    at_low = auu(Household(isee=low, **common)).monthly or 0
    at_high = auu(Household(isee=high, **common)).monthly or 0
    assert at_high <= at_low + 1e-9


@settings(max_examples=150, deadline=None)
@given(
    children=children_strategy,
    isee=st.none() | isee_strategy,
    expecting=st.booleans(),
    relative=st.sampled_from([None, "grave", "not_grave"]),
    contract=st.sampled_from([None, "permanent", "fixed_term", "other"]),
    part_time=st.integers(min_value=1, max_value=100),
    pay=st.none() | st.floats(min_value=0, max_value=10_000, allow_nan=False),
)
def test_no_amount_is_ever_negative(children, isee, expecting, relative, contract, part_time, pay):
    household = Household(
        children=children,
        isee=isee,
        expecting=expecting,
        relative_104=relative,
        contract=contract,
        part_time_percent=part_time,
        net_monthly_pay=pay,
    )
    for item in compute_map(household, ON_2026).resources:
        for amount in (item.monthly, item.yearly, item.one_off):
            assert amount is None or amount >= 0, item.key


@pytest.mark.parametrize(
    ("typed", "euros"),
    [
        ("18.500", 18500.0),
        ("18500", 18500.0),
        ("1.350,50", 1350.5),
        ("1350.50", 1350.5),
        ("1.234.567", 1234567.0),
        ("12 000 €", 12000.0),
        ("0", 0.0),
    ],
)
def test_amounts_typed_the_italian_way_are_read_right(typed, euros):
    from elearn.resources.answers import parse_amount

    assert parse_amount(typed) == euros


@pytest.mark.parametrize("typed", ["molto", "", "1,2,3", "nan", "inf"])
def test_amounts_that_are_not_numbers_are_refused(typed):
    from elearn.resources.answers import parse_amount

    with pytest.raises(ValueError):
        parse_amount(typed)


def test_the_rules_package_imports_no_flask_and_nothing_else_of_the_app():
    import ast

    package = PARAMS_DIR.parent
    for source in package.glob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert not name.startswith(("flask", "sqlalchemy", "werkzeug")), (source, name)
                if name.startswith("elearn"):
                    assert name.startswith("elearn.resources.rules"), (source, name)


def test_a_year_without_the_disability_rules_says_so_instead_of_guessing():
    # 2022 had its own rules for children with a disability (D.L. 73/2022), not described in
    # 2022.yaml: the Assegno unico of such a household says its rules are missing.
    disabled = Household(children=(Child(age=25, disability="grave"),), isee=10_000)
    result = auu(disabled, date(2022, 6, 1))
    assert result.rules_missing and result.monthly is None
    assert auu(disabled).monthly == pytest.approx(203.80)  # 2026: the column "con disabilità"
