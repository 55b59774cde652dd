"""Saved scenarios: a simulator's validated inputs stored under a name, and their summaries
(headline results, the inputs under the form's labels) that consultations show. No request
objects here: views pass plain mappings. The pages themselves: `pages`; monthly budgets:
`monthly_budgets`."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from flask import url_for
from flask_babel import get_locale, gettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from elearn.extensions import db
from elearn.i18n import money, number, percent
from elearn.models.scenarios import SCENARIO_NAME_MAX, SavedScenario
from elearn.simulate.budget_form import build_planner, stored_inputs
from elearn.simulate.form_values import display_value, form_errors, form_state, row_key
from elearn.simulate.forms import PAGES_BY_NAME
from simulators import InvalidInput, UnknownSimulator
from simulators.registry import get

MAX_SCENARIOS = 50


def language(locale: object) -> str:
    """'en' or 'it' from a Babel locale (or its string)."""
    return "en" if str(locale or "it").startswith("en") else "it"


# -- saved scenarios ------------------------------------------------------------------------------


class ScenarioError(Exception):
    """A scenario cannot be saved; ``message`` is for the user, already translated."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            key: _jsonable(item)
            for key, item in dataclasses.asdict(value).items()
            if item is not None
        }
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items() if item is not None}
    return value


def validated_inputs(name: str, args: Mapping[str, str], lang: str) -> dict[str, Any]:
    """The library's validated input for the form values in ``args``, as JSON-ready data.
    Raises InvalidInput (messages for the page) or UnknownSimulator."""
    page = PAGES_BY_NAME.get(name)
    if page is None:
        raise UnknownSimulator(name)
    if name == "budget":
        planner = build_planner(args, lang, example=False)
        if planner.parsed is None:
            raise InvalidInput(planner.problems)
        return stored_inputs(planner.parsed)
    state = form_state(page, args, lang, defaults=False)
    try:
        parsed = get(name).parse(state.mapping)
    except InvalidInput as exc:
        raise InvalidInput(form_errors(exc, state, lang)) from None
    stored = _jsonable(parsed)
    if name == "loan-compare":
        stored = {"offers": stored["offers"]}
    elif name == "loan-early-repayment":
        # The library nests the loan; its parser (and the page) read the loan fields flat.
        stored = {**stored.pop("loan"), **stored}
    return stored


def scenarios_for(user_id: int) -> list[SavedScenario]:
    """A user's saved scenarios, newest first."""
    return list(
        db.session.scalars(
            select(SavedScenario)
            .where(SavedScenario.user_id == user_id)
            .order_by(SavedScenario.created_at.desc(), SavedScenario.id.desc())
        )
    )


def get_scenario(user_id: int, scenario_id: int) -> SavedScenario | None:
    """The scenario only if it belongs to ``user_id`` (the object-level access check)."""
    return db.session.scalar(
        select(SavedScenario).where(
            SavedScenario.id == scenario_id, SavedScenario.user_id == user_id
        )
    )


def save_scenario(
    user_id: int, simulator: str, name: str, args: Mapping[str, str], lang: str
) -> SavedScenario:
    """Validate the inputs and store them; raises ScenarioError or InvalidInput."""
    name = " ".join(name.split())[:SCENARIO_NAME_MAX]
    if not name:
        raise ScenarioError(gettext("Give the scenario a name."))
    if simulator not in PAGES_BY_NAME:
        raise ScenarioError(gettext("This simulator does not exist."))
    inputs = validated_inputs(simulator, args, lang)
    count = db.session.scalar(
        select(func.count(SavedScenario.id)).where(SavedScenario.user_id == user_id)
    )
    if (count or 0) >= MAX_SCENARIOS:
        raise ScenarioError(
            gettext(
                "You already have %(max)d saved scenarios. Delete one you no longer need, "
                "then save again.",
                max=MAX_SCENARIOS,
            )
        )
    taken = db.session.scalar(
        select(SavedScenario.id).where(SavedScenario.user_id == user_id, SavedScenario.name == name)
    )
    if taken is not None:
        raise ScenarioError(gettext("You already have a scenario with this name. Choose another."))
    scenario = SavedScenario(user_id=user_id, simulator=simulator, name=name, inputs=inputs)
    add_scenario(scenario, gettext("You already have a scenario with this name. Choose another."))
    return scenario


def add_scenario(scenario: SavedScenario, taken_meanwhile: str) -> None:
    """Store a new scenario. The checks before were read without a lock: when the same name
    (or month) is saved twice at the same moment, the database's unique constraint refuses the
    second, and the person reads ``taken_meanwhile`` (a ScenarioError)."""
    db.session.add(scenario)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ScenarioError(taken_meanwhile) from None


def delete_scenario(scenario: SavedScenario) -> None:
    db.session.delete(scenario)
    db.session.commit()


def scenario_query(scenario: SavedScenario, lang: str = "it") -> dict[str, str]:
    """The stored inputs as the page's query parameters."""
    page = PAGES_BY_NAME[scenario.simulator]
    group_names = {group.name for group in page.groups}
    query: dict[str, str] = {}
    for key, value in (scenario.inputs or {}).items():
        if key in group_names and isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    for name, cell in item.items():
                        query[row_key(key, index, name)] = display_value(cell, lang)
        elif not isinstance(value, list | dict):
            query[key] = display_value(value, lang)
    return query


def scenario_url(scenario: SavedScenario, lang: str = "it") -> str:
    if scenario.month is not None:
        return url_for("simulate.open_budget_month", month=scenario.month)
    page = PAGES_BY_NAME[scenario.simulator]
    return url_for(f"simulate.{page.endpoint}", **scenario_query(scenario, lang))


def scenario_summary(scenario: SavedScenario) -> dict[str, Any]:
    """A JSON-ready description of a scenario with its main results (for consultations)."""
    return {
        "id": scenario.id,
        "name": scenario.name,
        "month": scenario.month,
        "created_at": scenario.created_at.isoformat(),
        **numbers_summary(scenario.simulator, scenario.inputs),
    }


def numbers_summary(simulator: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """A simulator's stored inputs with its main results, saved as a scenario or not (numbers
    carried into a consultation request); `scenario_headline` and `scenario_inputs` read it."""
    try:
        result = get(simulator).run(inputs)
    except InvalidInput:
        result = {}
    headline_keys = {
        "loan": ("installment", "taeg", "total_interest", "total_paid"),
        "savings": ("final_balance", "total_deposits", "real_final_balance"),
        "savings-goal": ("monthly_deposit", "total_deposits"),
        "budget": ("total_income", "total_expenses", "balance", "savings_rate", "debt_share"),
        "debt": ("months_to_payoff", "total_interest", "payoff_order"),
        "loan-compare": ("cheapest_by_total_cost", "cheapest_by_taeg"),
        "loan-early-repayment": (
            "interest_saved",
            "fee",
            "net_saving",
            "new_installment",
            "new_months_left",
        ),
    }.get(simulator, ())
    if simulator == "budget" and "debt_service" in result:
        result["debt_share"] = result["debt_service"]["share"]
    return {
        "simulator": simulator,
        "title": str(PAGES_BY_NAME[simulator].title),
        "inputs": inputs,
        "results": {key: result[key] for key in headline_keys if key in result},
    }


def _headline_labels() -> dict[str, tuple[str, str]]:
    """Result key -> (label for people, kind of value)."""
    return {
        "installment": (gettext("Monthly instalment"), "money"),
        "taeg": (gettext("APR (TAEG)"), "percent"),
        "total_interest": (gettext("Total interest"), "money"),
        "total_paid": (gettext("Total paid"), "money"),
        "final_balance": (gettext("Saved at the end"), "money"),
        "total_deposits": (gettext("Total put aside"), "money"),
        "real_final_balance": (gettext("Saved at the end, in today's money"), "money"),
        "monthly_deposit": (gettext("To put aside each month"), "money"),
        "total_income": (gettext("Income"), "money"),
        "total_expenses": (gettext("Expenses"), "money"),
        "balance": (gettext("What is left"), "money"),
        "savings_rate": (gettext("Share of income saved"), "percent"),
        "debt_share": (gettext("Share of income for instalments"), "percent"),
        "months_to_payoff": (gettext("Months to pay off the debts"), "count"),
        "payoff_order": (gettext("Order of payment"), "names"),
        "cheapest_by_total_cost": (gettext("Cheapest in total"), "offer"),
        "cheapest_by_taeg": (gettext("Lowest APR (TAEG)"), "offer"),
        "interest_saved": (gettext("Interest you save"), "money"),
        "fee": (gettext("Early repayment fee"), "money"),
        "net_saving": (gettext("Net saving"), "money"),
        "new_installment": (gettext("New instalment"), "money"),
        "new_months_left": (gettext("Instalments left"), "count"),
    }


def scenario_headline(summary: dict[str, Any]) -> list[tuple[str, str]]:
    """The main results of a scenario as (label, formatted value), for the case page."""
    labels = _headline_labels()
    offers = summary.get("inputs", {}).get("offers") or []
    rows = []
    for key, value in summary.get("results", {}).items():
        label, kind = labels.get(key, (key, "text"))
        if value is None:
            text = "–"
        elif kind == "money":
            text = money(value)
        elif kind == "percent":
            text = percent(value)
        elif kind == "count":
            text = number(value, 0)
        elif kind == "names":
            text = " → ".join(str(item) for item in value)
        elif kind == "offer" and isinstance(value, int):
            name = offers[value].get("name") if value < len(offers) else None
            text = name or gettext("Offer %(n)d", n=value + 1)
        else:
            text = str(value)
        rows.append((label, text))
    return rows


def simulator_title(name: str | None) -> str:
    """A simulator's title for people ("Prestito"), never its library name ("loan")."""
    page = PAGES_BY_NAME.get(name or "")
    return str(page.title) if page else gettext("a simulator")


def _input_text(item: Any, value: object, lang: str) -> str:
    """An amount with its thousands separator (10.000); anything else as the person typed it."""
    if item.kind == "money" and isinstance(value, int | float) and not isinstance(value, bool):
        return number(value, 0 if float(value).is_integer() else 2)
    return display_value(value, lang)


def scenario_inputs(summary: dict[str, Any]) -> list[tuple[str, str]]:
    """The numbers a worker typed into a shared scenario, under the form's own labels.

    Rows of a list (offers, debts, budget lines) are named like on the form ("Offerta 1: TAN");
    a key the form does not know is left out rather than shown raw."""
    page = PAGES_BY_NAME.get(summary.get("simulator") or "")
    if page is None:
        return []
    lang = language(get_locale())
    inputs = summary.get("inputs") or {}
    rows: list[tuple[str, str]] = []
    for item in page.fields:
        value = inputs.get(item.name)
        if value is None or isinstance(value, list | dict) or value == "":
            continue
        choices = {key: str(label) for key, label in item.choices}
        rows.append((str(item.label), choices.get(str(value), _input_text(item, value, lang))))
    for group in page.groups:
        entries = inputs.get(group.name)
        if not isinstance(entries, list):
            continue
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                continue
            row_name = str(group.row_label) % {"n": index + 1}
            for item in group.fields:
                value = entry.get(item.name)
                if value is None or isinstance(value, list | dict) or value == "":
                    continue
                rows.append((f"{row_name}: {item.label}", _input_text(item, value, lang)))
    return rows


def summary_url(summary: dict[str, Any], lang: str = "it") -> str | None:
    """The simulator page filled with a scenario's numbers (the page itself is public)."""
    if summary.get("simulator") not in PAGES_BY_NAME:
        return None
    transient = SavedScenario(simulator=summary["simulator"], inputs=summary.get("inputs") or {})
    return scenario_url(transient, lang)
