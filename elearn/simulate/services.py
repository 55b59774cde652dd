"""The simulators on the web: form values to library input, results for the pages, charts,
CSV schedules and saved scenarios. No request objects here: views pass plain mappings."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from babel.dates import format_date
from flask import current_app, url_for
from flask_babel import get_locale, gettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from elearn.csvexport import number_cell
from elearn.database import write_transaction
from elearn.extensions import db
from elearn.i18n import money, number, percent
from elearn.learning.services import record_activity
from elearn.models.scenarios import SCENARIO_NAME_MAX, SavedScenario
from elearn.simulate.budget_form import build_planner, stored_inputs
from elearn.simulate.forms import PAGES_BY_NAME, RowGroup, SimulatorPage
from simulators import InvalidInput, UnknownSimulator
from simulators.charts import CHARTS, Chart, render_chart
from simulators.errors import NON_FIELD
from simulators.loans import EARLY_FEE_CAP_PCT, EARLY_FEE_CAP_SHORT_PCT
from simulators.registry import get

MAX_SCENARIOS = 50
MAX_JSON_BYTES = 256 * 1024
_ROW_KEY = re.compile(r"^([a-z_]+)\.(\d+)\.([a-z_]+)$")
_DECIMAL = re.compile(r"^-?\d+\.\d+$")


def language(locale: object) -> str:
    """'en' or 'it' from a Babel locale (or its string)."""
    return "en" if str(locale or "it").startswith("en") else "it"


# -- form values ----------------------------------------------------------------------------------


def _display(value: object, lang: str) -> str:
    """A default or stored value as the user would type it: 7.5 reads 7,5 in Italian."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if lang == "it" and _DECIMAL.match(text):
        return text.replace(".", ",")
    return text


def row_key(group: str, index: int, name: str) -> str:
    return f"{group}-{index}-{name}"


@dataclass
class FormState:
    """What the form shows (``values``, by input name) and the library input it makes."""

    page: SimulatorPage
    values: dict[str, str]
    mapping: dict[str, Any]
    # For each list input: the form row of each list item (empty rows are skipped).
    row_index: dict[str, list[int]] = field(default_factory=dict)


def _group_given(group: RowGroup, args: Mapping[str, str]) -> bool:
    prefix = group.name + "-"
    return any(key.startswith(prefix) for key in args)


def form_state(
    page: SimulatorPage, args: Mapping[str, str], lang: str = "it", *, defaults: bool = True
) -> FormState:
    """Read the page's inputs from ``args`` (query or form), falling back to the defaults
    for fields not given (so a course can link with only some values)."""
    values: dict[str, str] = {}
    mapping: dict[str, Any] = {}
    for spec in page.fields:
        if spec.name in args:
            values[spec.name] = str(args[spec.name])[:200]
        else:
            values[spec.name] = _display(spec.default, lang) if defaults else ""
        mapping[spec.name] = values[spec.name]
    row_index: dict[str, list[int]] = {}
    for group in page.groups:
        from_args = _group_given(group, args) or not defaults
        items: list[dict[str, str]] = []
        row_index[group.name] = []
        for index in range(group.rows):
            row: dict[str, str] = {}
            for spec in group.fields:
                key = row_key(group.name, index, spec.name)
                if from_args:
                    row[spec.name] = str(args.get(key, ""))[:200]
                elif index < len(group.defaults):
                    row[spec.name] = _display(str(group.defaults[index].get(spec.name, "")), lang)
                else:
                    row[spec.name] = ""
                values[key] = row[spec.name]
            if any(value.strip() for value in row.values()):
                items.append(row)
                row_index[group.name].append(index)
        mapping[group.name] = items
    return FormState(page, values, mapping, row_index)


def form_errors(exc: InvalidInput, state: FormState, lang: str) -> dict[str, str]:
    """Library errors (``debts.1.balance``) keyed by form input name (``debts-3-balance``)."""
    errors: dict[str, str] = {}
    for key, message in exc.messages(lang).items():
        match = _ROW_KEY.match(key)
        if match and match.group(1) in state.row_index:
            group, item, name = match.group(1), int(match.group(2)), match.group(3)
            rows = state.row_index[group]
            row = rows[item] if item < len(rows) else item
            errors[row_key(group, row, name)] = message
        elif key.split(".")[0] in state.row_index:
            errors.setdefault(key.split(".")[0], message)
        else:
            errors[key if key != NON_FIELD else "__all__"] = message
    return errors


def flat_inputs(state: FormState) -> dict[str, str]:
    """The non-empty inputs as query parameters (links, CSV, chart, save form)."""
    return {key: value for key, value in state.values.items() if value.strip()}


# -- results for the pages ------------------------------------------------------------------------


@dataclass
class ChartLink:
    url: str
    title: str
    alt: str


@dataclass
class PageOutcome:
    """Everything a simulator page shows: the form, its errors or the results."""

    state: FormState
    errors: dict[str, str] = field(default_factory=dict)
    result: dict[str, Any] | None = None
    explain: dict[str, Any] = field(default_factory=dict)
    chart: ChartLink | None = None
    inputs: dict[str, str] = field(default_factory=dict)  # validated, as query parameters

    @property
    def ok(self) -> bool:
        return self.result is not None


def chart_link(
    name: str, mapping: Mapping[str, Any], lang: str, query: dict[str, str]
) -> ChartLink:
    chart: Chart = render_chart(name, mapping, lang)
    url = url_for("simulate.api.chart", simulator=name, lang=lang, **query)
    return ChartLink(url, chart.title, chart.alt)


def run_page(page: SimulatorPage, args: Mapping[str, str], lang: str) -> PageOutcome:
    """Validate and compute a page; invalid input gives ``errors`` in ``lang``, never raises."""
    state = form_state(page, args, lang)
    outcome = PageOutcome(state)
    simulator = get(page.name)
    try:
        parsed = simulator.parse(state.mapping)
        result = simulator.compute(parsed)
    except InvalidInput as exc:
        outcome.errors = form_errors(exc, state, lang)
        return outcome
    outcome.result = result.to_dict()
    outcome.inputs = flat_inputs(state)
    explain = EXPLAINERS.get(page.name)
    if explain is not None:
        outcome.explain = explain(parsed, outcome.result)
    try:
        if page.name == "savings-goal":
            query = _goal_chart_query(state, outcome.result)
            outcome.chart = chart_link("savings", query, lang, query)
        elif page.chart:
            outcome.chart = chart_link(page.chart, state.mapping, lang, outcome.inputs)
    except InvalidInput:
        # The chart only illustrates results already shown: a page without it beats an error.
        current_app.logger.warning("simulator %s: chart inputs refused", page.name)
        outcome.chart = None
    return outcome


def _share(part: float, whole: float) -> float:
    return part / whole * 100 if whole else 0.0


def _explain_loan(parsed: Any, result: dict[str, Any]) -> dict[str, Any]:
    rows = result["schedule"]
    years = []
    for start in range(0, len(rows), 12):
        chunk = rows[start : start + 12]
        years.append(
            {
                "year": start // 12 + 1,
                "first": chunk[0]["n"],
                "last": chunk[-1]["n"],
                "rows": chunk,
                "paid": sum(row["payment"] for row in chunk),
                "interest": sum(row["interest"] for row in chunk),
                "balance": chunk[-1]["balance"],
            }
        )
    return {
        "interest_share": _share(result["total_interest"], result["total_paid"]),
        "cost_share": _share(result["total_cost"], result["total_paid"]),
        "taeg_gap": result["taeg"] - result["annual_rate"],
        "has_fees": result["total_fees"] > 0,
        "years": years,
        "short": len(rows) <= 24,
        "first_interest": rows[0]["interest"],
        "last_interest": rows[-1]["interest"],
    }


def _explain_savings(parsed: Any, result: dict[str, Any]) -> dict[str, Any]:
    series = result["series"]
    yearly = [point for point in series if point["month"] % 12 == 0 and point["month"]]
    if series[-1]["month"] % 12:
        yearly.append(series[-1])
    return {
        "interest_share": _share(result["interest_gross"], result["final_balance"] + result["tax"]),
        "months": parsed.months,
        "inflation": parsed.inflation,
        "tax_rate": parsed.tax_rate,
        "yearly": yearly,
        "lost_to_inflation": result["final_balance"] - result["real_final_balance"],
    }


def _explain_goal(parsed: Any, result: dict[str, Any]) -> dict[str, Any]:
    return {
        "target": parsed.target,
        "months": parsed.months,
        "initial": parsed.initial,
        "interest_help": max(parsed.target - result["total_deposits"], 0.0),
        "offered_deposit": parsed.monthly_deposit,
    }


def _explain_budget(parsed: Any, result: dict[str, Any]) -> dict[str, Any]:
    return {
        "has_income": result["total_income"] > 0,
        "spending_more": result["balance"] < 0,
        "shortfall": -result["balance"],
    }


def _explain_debt(parsed: Any, result: dict[str, Any]) -> dict[str, Any]:
    both = get("debt-compare").compute(parsed).to_dict()
    other = "snowball" if result["strategy"] == "avalanche" else "avalanche"
    by_month = sorted(result["debts"], key=lambda d: (d["payoff_month"], d["position"]))
    return {
        "other": other,
        "other_interest": both[other]["total_interest"],
        "other_months": both[other]["months_to_payoff"],
        "interest_difference": both[other]["total_interest"] - result["total_interest"],
        "payoffs": by_month,
    }


def _explain_compare(parsed: Any, result: dict[str, Any]) -> dict[str, Any]:
    offers = result["offers"]
    cheapest = offers[result["cheapest_by_total_cost"]]
    dearest = max(offers, key=lambda offer: offer["total_cost"])
    return {
        "count": len(offers),
        "saving": dearest["total_cost"] - cheapest["total_cost"],
        "same_amount": len({offer["principal"] for offer in offers}) == 1,
    }


def _explain_early_repayment(parsed: Any, result: dict[str, Any]) -> dict[str, Any]:
    # Unrounded sums, so that "before" minus "after" is exactly the interest saved shown.
    computed = get("loan-early-repayment").compute(parsed)
    interest_after = float(computed.schedule_after.interest.sum())
    legal_cap = (
        EARLY_FEE_CAP_SHORT_PCT if result["original_months_left"] <= 12 else EARLY_FEE_CAP_PCT
    )
    other_mode = "reduce_duration" if parsed.mode == "reduce_installment" else "reduce_installment"
    other = get("loan-early-repayment").compute(dataclasses.replace(parsed, mode=other_mode))
    closes = result["new_months_left"] == 0
    return {
        "mode": parsed.mode,
        "other_interest_saved": other.interest_saved,
        "closes": closes,
        "months_earlier": result["original_months_left"] - result["new_months_left"],
        "installment_drop": result["original_installment"] - result["new_installment"],
        "balance_after": max(result["balance_before"] - result["amount"], 0.0),
        "interest_before": computed.interest_saved + interest_after,
        "interest_after": interest_after,
        "end_before": parsed.loan.months,
        "end_after": result["new_total_months"],
        "asked_pct": parsed.early_repayment_fee_pct,
        "asked_fee": parsed.amount * parsed.early_repayment_fee_pct / 100,
        "legal_cap": legal_cap,
        # Below the percentage cap: the other limit, the interest still due, applied.
        "capped_by_interest": result["fee_capped_by_law"]
        and result["fee_pct_applied"] < legal_cap - 1e-9,
        "upfront_fees": parsed.loan.upfront_fees,
        "has_installment_fee": parsed.loan.installment_fee > 0,
        # Repaying the whole debt of 10,000 € or less: no fee is due by law (consumer credit).
        "small_closing": closes and result["balance_before"] <= 10000 and result["fee"] > 0,
        "nothing_to_save": computed.interest_saved + computed.installment_fees_saved < 0.005,
        "worth_it": result["net_saving"] > 0,
    }


EXPLAINERS = {
    "loan": _explain_loan,
    "savings": _explain_savings,
    "savings-goal": _explain_goal,
    "budget": _explain_budget,
    "debt": _explain_debt,
    "loan-compare": _explain_compare,
    "loan-early-repayment": _explain_early_repayment,
}


def _goal_chart_query(state: FormState, result: dict[str, Any]) -> dict[str, str]:
    """The savings plan that reaches the goal, as savings chart inputs."""
    keys = ("initial", "annual_rate", "months", "deposit_timing", "tax_rate")
    query = {key: state.values[key] for key in keys if state.values.get(key, "").strip()}
    # The goal's initial sum defaults to 0 when left empty; the savings chart requires one.
    query.setdefault("initial", "0")
    query["monthly_deposit"] = f"{result['monthly_deposit']:.2f}"
    return query


# -- CSV ------------------------------------------------------------------------------------------


def loan_schedule_rows(args: Mapping[str, str], lang: str) -> tuple[list[str], list[list[Any]]]:
    """The amortisation schedule as a header and rows for `elearn.csvexport` (amounts to the
    cent, as numbers). Raises InvalidInput."""
    state = form_state(PAGES_BY_NAME["loan"], args, lang)
    result = get("loan").run(state.mapping)
    header = [
        gettext("Instalment"),
        gettext("Payment (€)"),
        gettext("Interest (€)"),
        gettext("Principal (€)"),
        gettext("Balance left (€)"),
    ]
    rows: list[list[Any]] = [
        [row["n"]]
        + [number_cell(row[key], 2) for key in ("payment", "interest", "principal", "balance")]
        for row in result["schedule"]
    ]
    return header, rows


# -- API ------------------------------------------------------------------------------------------


class BadRequestBody(Exception):
    """The body is not JSON at all (HTTP 400)."""


def parse_json_body(raw: bytes) -> Any:
    """Decode a JSON request body; raise BadRequestBody for anything that is not JSON."""
    if len(raw) > MAX_JSON_BYTES:
        raise BadRequestBody("too large")
    try:
        return json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise BadRequestBody("not json") from None


def run_api(name: str, body: Any) -> dict[str, Any]:
    """Validate and compute for the JSON API. Raises InvalidInput or UnknownSimulator."""
    return get(name).run(body)


def chart_svg(name: str, args: Mapping[str, str], lang: str) -> str:
    """The SVG chart for query parameters named like the page's inputs. Raises InvalidInput
    or UnknownSimulator (no chart for that simulator)."""
    page = PAGES_BY_NAME.get(name)
    if page is None or name not in CHARTS:
        raise UnknownSimulator(name)
    if name == "budget":
        planner = build_planner(args, lang, example=False)
        if planner.parsed is None:
            raise InvalidInput(planner.problems)
        return render_chart(name, planner.mapping, lang).svg
    state = form_state(page, args, lang, defaults=False)
    try:
        return render_chart(name, state.mapping, lang).svg
    except InvalidInput as exc:
        raise InvalidInput(form_errors(exc, state, lang)) from None


# -- consultation ---------------------------------------------------------------------------------


def consult_link(simulator: str, user: Any = None, scenario_id: int | None = None) -> str | None:
    """Where to ask the Welfare Manager about a result, if the consult domain is installed.

    Consultations are for workers: visitors see the link (it leads to the login), other
    logged-in roles do not.
    """
    if "consult.new_request" not in current_app.view_functions:
        return None
    if user is not None and user.is_authenticated and not user.has_role("worker"):
        return None
    params: dict[str, Any] = {"simulator": simulator}
    if scenario_id is not None:
        params["scenario"] = scenario_id
    return url_for("consult.new_request", **params)


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
    db.session.add(scenario)
    try:
        db.session.commit()
    except IntegrityError:  # the same name saved twice at the same moment
        db.session.rollback()
        raise ScenarioError(
            gettext("You already have a scenario with this name. Choose another.")
        ) from None
    return scenario


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
                        query[row_key(key, index, name)] = _display(cell, lang)
        elif not isinstance(value, list | dict):
            query[key] = _display(value, lang)
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
    return _display(value, lang)


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


def record_use(user_id: int) -> None:
    """Count a simulator run as learning activity in the worker's progress."""
    write_transaction()
    record_activity(user_id, "simulator")
    db.session.commit()


# -- monthly budgets ------------------------------------------------------------------------------

MAX_MONTHLY_BUDGETS = 120  # ten years of months; not counted among the named scenarios
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> str | None:
    """'2026-12' for a month written that way (years 2000-2100), else None."""
    match = _MONTH.match(text.strip())
    if not match or not 2000 <= int(match.group(1)) <= 2100 or not 1 <= int(match.group(2)) <= 12:
        return None
    return match.group(0)


def current_month() -> str:
    return datetime.now(UTC).strftime("%Y-%m")


def month_label(month: str, lang: str = "it") -> str:
    """'dicembre 2026' / 'December 2026'."""
    year, number = (int(part) for part in month.split("-"))
    return format_date(date(year, number, 1), "LLLL y", locale=lang)


def budget_months(user_id: int) -> list[SavedScenario]:
    """A user's monthly budgets, oldest month first."""
    return list(
        db.session.scalars(
            select(SavedScenario)
            .where(SavedScenario.user_id == user_id, SavedScenario.month.is_not(None))
            .order_by(SavedScenario.month)
        )
    )


def budget_month(user_id: int, month: str) -> SavedScenario | None:
    return db.session.scalar(
        select(SavedScenario).where(SavedScenario.user_id == user_id, SavedScenario.month == month)
    )


def save_budget_month(
    user_id: int, month_text: str, args: Mapping[str, str], lang: str
) -> tuple[SavedScenario, bool]:
    """Store the budget in ``args`` as the budget of a month, replacing the one saved before
    for that month. Returns (scenario, replaced). Raises ScenarioError or InvalidInput."""
    month = parse_month(month_text)
    if month is None:
        raise ScenarioError(gettext("Choose the month as year and month, for example 2026-12."))
    planner = build_planner(args, lang, example=False)
    if planner.parsed is None:
        raise InvalidInput(planner.problems)
    inputs = stored_inputs(planner.parsed)
    existing = budget_month(user_id, month)
    if existing is not None:
        existing.inputs = inputs
        db.session.commit()
        return existing, True
    count = db.session.scalar(
        select(func.count(SavedScenario.id)).where(
            SavedScenario.user_id == user_id, SavedScenario.month.is_not(None)
        )
    )
    if (count or 0) >= MAX_MONTHLY_BUDGETS:
        raise ScenarioError(
            gettext(
                "You already have %(max)d monthly budgets. Delete an old one, then save again.",
                max=MAX_MONTHLY_BUDGETS,
            )
        )
    name = gettext("Budget %(month)s", month=month)
    taken = db.session.scalar(
        select(SavedScenario.id).where(SavedScenario.user_id == user_id, SavedScenario.name == name)
    )
    if taken is not None:
        name = f"{name} ({month_label(month, lang)})"[:SCENARIO_NAME_MAX]
    scenario = SavedScenario(
        user_id=user_id, simulator="budget", name=name, inputs=inputs, month=month
    )
    db.session.add(scenario)
    try:
        db.session.commit()
    except IntegrityError:  # the same month saved twice at the same moment
        db.session.rollback()
        raise ScenarioError(
            gettext("This month was saved at the same moment elsewhere. Try again.")
        ) from None
    return scenario, False


@dataclass
class MonthRow:
    """One saved month with its totals and the change since the month saved before it."""

    scenario: SavedScenario
    label: str
    income: float
    expenses: float
    balance: float
    savings_rate: float | None
    debt_share: float | None
    change_expenses: float | None = None
    change_balance: float | None = None


def month_rows(user_id: int, lang: str = "it") -> list[MonthRow]:
    """The monthly budgets with their totals, oldest first, each compared with the one before."""
    rows: list[MonthRow] = []
    for scenario in budget_months(user_id):
        try:
            result = get("budget").run(scenario.inputs)
        except InvalidInput:
            continue
        row = MonthRow(
            scenario=scenario,
            label=month_label(scenario.month or "2000-01", lang),
            income=result["total_income"],
            expenses=result["total_expenses"],
            balance=result["balance"],
            savings_rate=result["savings_rate"],
            debt_share=result["debt_service"]["share"],
        )
        if rows:
            row.change_expenses = row.expenses - rows[-1].expenses
            row.change_balance = row.balance - rows[-1].balance
        rows.append(row)
    return rows


def _short_month(month: str, lang: str) -> str:
    year, number = (int(part) for part in month.split("-"))
    return format_date(date(year, number, 1), "MMM yy", locale=lang)


@dataclass
class MonthChart:
    """Bars for an inline SVG (attributes only: the page's CSP allows no inline styles)."""

    width: int
    height: int
    baseline: float
    bars: list[dict[str, Any]]
    labels: list[dict[str, Any]]


def month_chart(rows: list[MonthRow], lang: str = "it") -> MonthChart | None:
    """Income and expense bars per month, the last twelve months saved."""
    shown = rows[-12:]
    if not shown:
        return None
    top = max([max(row.income, row.expenses) for row in shown] + [1.0])
    slot, bar, height, base = 60, 24, 160, 170.0
    bars, labels = [], []
    for position, row in enumerate(shown):
        x = 8 + position * slot
        for offset, (kind, value) in enumerate(
            (("income", row.income), ("expenses", row.expenses))
        ):
            tall = value / top * height
            bars.append(
                {"x": x + offset * (bar + 2), "y": base - tall, "w": bar, "h": tall, "kind": kind}
            )
        labels.append({"x": x + bar + 1, "text": _short_month(row.scenario.month or "", lang)})
    # At least six slots wide, so that two months do not look like a wall of colour.
    return MonthChart(16 + slot * max(len(shown), 6), 200, base, bars, labels)
