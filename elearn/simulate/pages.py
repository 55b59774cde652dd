"""The simulator pages: results and explanations, chart links, the loan schedule as CSV, the
JSON API and chart SVGs, the link to a consultation, and counting a run as learning activity."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from flask import Response, current_app, url_for
from flask_babel import gettext

from elearn.csvexport import number_cell
from elearn.database import write_transaction
from elearn.extensions import db
from elearn.learning.services import record_activity
from elearn.simulate.budget_form import build_planner
from elearn.simulate.form_values import FormState, flat_inputs, form_errors, form_state
from elearn.simulate.forms import PAGES_BY_NAME, SimulatorPage
from simulators import InvalidInput, UnknownSimulator
from simulators.charts import CHARTS, Chart, render_chart
from simulators.loans import EARLY_FEE_CAP_PCT, EARLY_FEE_CAP_SHORT_PCT
from simulators.registry import get

MAX_JSON_BYTES = 256 * 1024


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


def record_use(user_id: int) -> None:
    """Count a simulator run as learning activity in the worker's progress."""
    write_transaction()
    record_activity(user_id, "simulator")
    db.session.commit()


# The loan's schedule, written with orjson. The JSON provider writes a 360-month schedule's 1,440
# floats one ``repr`` at a time, a third of the API's CPU; orjson takes a tenth of that time and
# writes the same text for every float of magnitude 1e-4 or more, and for 0 (checked over random
# bit patterns and cent amounts, tests/simulate/test_api_loan_fast_path.py). It differs below 1e-4
# (0.00001 for repr's 1e-05, 1e-7 for 1e-07), writes NaN and infinity as null, non-ASCII text as
# UTF-8 and refuses integers beyond 64 bits: a schedule that might hold any of these goes to the
# provider. The rows are ``simulators.loans.Schedule.rows``: amounts rounded to the cent.
_SCHEDULE_KEYS = ("n", "payment", "interest", "principal", "balance")
_SCHEDULE_TYPES = (int, float, float, float, float)
_SCHEDULE_MARK = "\x00schedule\x00"
_SCHEDULE_MARK_JSON = json.dumps(_SCHEDULE_MARK).encode()
# Bytes that never occur in a schedule of cents and mark the numbers orjson may spell otherwise:
# u, only in "null" (no key has one); + and -, in exponents (and negative amounts, never in a
# schedule); a backslash, an escape in a string. 0.0000 starts orjson's plain spelling of a float
# in [1e-5, 1e-4) (repr writes 1e-05), and never a cent amount: repr drops trailing zeros.
_NOT_PLAIN = (b"u", b"+", b"-", b"\\")
_TINY = b"0.0000"


def _schedule_json(schedule: Any) -> bytes | None:
    """The schedule as the JSON provider writes it (sorted keys, compact, ASCII), or None when it
    is not a list of schedule rows whose every number orjson spells as ``repr`` does."""
    if not isinstance(schedule, list) or not schedule:
        return None
    first = schedule[0]
    if (
        not isinstance(first, dict)
        or tuple(first) != _SCHEDULE_KEYS
        or tuple(map(type, first.values())) != _SCHEDULE_TYPES
    ):
        return None
    try:
        text = orjson.dumps(schedule, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:
        return None
    # rfind: a single-byte test is a memchr; for _TINY, rfind is twice as fast as `in` here.
    if not text.isascii() or any(mark in text for mark in _NOT_PLAIN) or text.rfind(_TINY) >= 0:
        return None
    return text


def api_response(result: dict[str, Any]) -> Response:
    """``current_app.json.response(result)``, byte for byte, with the schedule written fast."""
    provider = current_app.json
    pretty = provider.compact is False or (provider.compact is None and current_app.debug)
    fast = None
    if (
        not pretty
        and getattr(provider, "sort_keys", False)
        and getattr(provider, "ensure_ascii", False)
    ):
        fast = _schedule_json(result.get("schedule"))
    if fast is None:
        return provider.response(result)
    outer = provider.dumps({**result, "schedule": _SCHEDULE_MARK}, separators=(",", ":"))
    body = outer.encode().replace(_SCHEDULE_MARK_JSON, fast, 1)
    return current_app.response_class(body + b"\n", mimetype=provider.mimetype)
