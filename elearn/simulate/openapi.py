"""The OpenAPI 3 description of the simulators API, written by hand (it is small and stable)."""

from __future__ import annotations

from typing import Any

from elearn.simulate.forms import PAGES_BY_NAME

_MONEY = {"type": "number", "minimum": 0, "maximum": 1_000_000_000, "description": "euros"}
_POSITIVE = {**_MONEY, "exclusiveMinimum": True, "description": "euros, more than 0"}
_RATE = {"type": "number", "minimum": 0, "maximum": 100, "description": "annual %"}
_MONTHS = {"type": "integer", "minimum": 1, "maximum": 600}
_TEXT_60 = {"type": "string", "minLength": 1, "maxLength": 60, "pattern": "\\S"}


def _obj(properties: dict[str, Any], required: list[str], description: str = "") -> dict[str, Any]:
    # Numbers may also be sent as strings ("1500,50"): the API reads what a form would send.
    # An optional field may be null (or an empty string): it is then "not given".
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            name: value if name in required else {**value, "nullable": True}
            for name, value in properties.items()
        },
        "required": required,
    }
    if description:
        schema["description"] = description
    return schema


_LOAN = _obj(
    {
        "principal": _POSITIVE,
        "annual_rate": _RATE,
        "months": _MONTHS,
        "method": {"type": "string", "enum": ["french", "italian"], "default": "french"},
        "upfront_fees": {**_MONEY, "default": 0},
        "installment_fee": {**_MONEY, "default": 0},
    },
    ["principal", "annual_rate", "months"],
    "upfront_fees must be less than principal.",
)
_TIMING = {"type": "string", "enum": ["end", "start"], "default": "end"}
_FREQUENCY = {
    "type": "string",
    "enum": ["weekly", "monthly", "bimonthly", "quarterly", "half-yearly", "yearly"],
    "default": "monthly",
    "description": "how often the amount is paid; converted to a month (weekly x 52/12, "
    "bimonthly / 2, quarterly / 3, half-yearly / 6, yearly / 12). Italian names are accepted "
    "too (settimanale, mensile, bimestrale, trimestrale, semestrale, annuale).",
}
_SUBITEM = {
    **_TEXT_60,
    "description": "a subitem of the category in the catalogue (e.g. category bollette, subitem "
    "luce or tari); with it, category is a catalogue key such as casa, bollette, spesa, "
    "trasporti, figli, salute, rate, assicurazioni, svago, regali, risparmio, altro.",
}
_LINE_DESCRIPTION = (
    "The old shape {category, amount} (euros a month) still works: the category is matched "
    "against a fixed vocabulary and unknown ones count as wants (listed in unknown_categories)."
)
_LINE = _obj(
    {"category": _TEXT_60, "amount": _MONEY, "subitem": _SUBITEM, "frequency": _FREQUENCY},
    ["category", "amount"],
    _LINE_DESCRIPTION,
)
_EXPENSE_LINE = _obj(
    {
        "category": _TEXT_60,
        "amount": _MONEY,
        "subitem": _SUBITEM,
        "frequency": _FREQUENCY,
        "group": {
            "type": "string",
            "enum": ["need", "want", "debt", "saving", "needs", "wants", "debts", "savings"],
            "description": "the person's choice; without it, the subitem's default or the "
            "category vocabulary decides. Debts count as needs in the 50/30/20 rule and are "
            "also measured against income (debt_service).",
        },
    },
    ["category", "amount"],
    _LINE_DESCRIPTION,
)

INPUTS: dict[str, dict[str, Any]] = {
    "loan": _LOAN,
    "savings": _obj(
        {
            "initial": _MONEY,
            "monthly_deposit": _MONEY,
            "annual_rate": _RATE,
            "months": _MONTHS,
            "deposit_timing": _TIMING,
            "tax_rate": {**_RATE, "default": 26},
            "inflation": {"type": "number", "minimum": -20, "maximum": 100, "default": 0},
        },
        ["initial", "monthly_deposit", "annual_rate", "months"],
    ),
    "savings-goal": _obj(
        {
            "target": _POSITIVE,
            "months": _MONTHS,
            "annual_rate": _RATE,
            "initial": {**_MONEY, "default": 0},
            "deposit_timing": _TIMING,
            "tax_rate": {**_RATE, "default": 26},
            "monthly_deposit": {**_MONEY, "description": "optional: months needed with it"},
        },
        ["target", "months", "annual_rate"],
    ),
    "taeg": _obj(
        {
            "cashflows": {
                "type": "array",
                "minItems": 1,
                "maxItems": 1200,
                "items": _obj(
                    {
                        "years": {"type": "number", "minimum": 0, "maximum": 60},
                        "amount": {"type": "number", "minimum": -1e9, "maximum": 1e9},
                    },
                    ["years", "amount"],
                ),
                "description": "borrower's view: received > 0, paid < 0",
            }
        },
        ["cashflows"],
        "At least one amount above 0 and one below 0.",
    ),
    "budget": _obj(
        {
            "incomes": {"type": "array", "maxItems": 50, "items": _LINE},
            "expenses": {"type": "array", "maxItems": 100, "items": _EXPENSE_LINE},
            "savings": _MONEY,
        },
        ["incomes", "expenses"],
    ),
    "debt": _obj(
        {
            "debts": {
                "type": "array",
                "minItems": 1,
                "maxItems": 20,
                "items": _obj(
                    {
                        "name": {**_TEXT_60, "default": "Debito N"},
                        "balance": _POSITIVE,
                        "annual_rate": _RATE,
                        "min_payment": _MONEY,
                    },
                    ["balance", "annual_rate", "min_payment"],
                ),
            },
            "monthly_budget": _POSITIVE,
            "strategy": {"type": "string", "enum": ["avalanche", "snowball"]},
        },
        ["debts", "monthly_budget"],
        "monthly_budget must cover the sum of min_payment, and the plan must end within 600 "
        "months.",
    ),
    "loan-compare": _obj(
        {"offers": {"type": "array", "minItems": 1, "maxItems": 3, "items": _LOAN}}, ["offers"]
    ),
    "loan-early-repayment": _obj(
        {
            **_LOAN["properties"],
            "month": {"type": "integer", "minimum": 1},
            "amount": _POSITIVE,
            "mode": {"type": "string", "enum": ["reduce_installment", "reduce_duration"]},
            "early_repayment_fee_pct": {**_RATE, "default": 0},
        },
        ["principal", "annual_rate", "months", "month", "amount"],
        "month must be before the last one (less than months), amount at most the balance "
        "left after that month; upfront_fees less than principal.",
    ),
}
INPUTS["debt-compare"] = INPUTS["debt"]

# Results: what DESIGN.md "Simulators contract" promises, at least (more keys may follow).
_NUM = {"type": "number"}
_NUM_OR_NULL = {"type": "number", "nullable": True, "description": "null when not defined"}
_INT = {"type": "integer"}
_STR = {"type": "string"}


def _result(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(properties)}


def _rows(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": _result(properties)}


_SCHEDULE = _rows(
    {"n": _INT, "payment": _NUM, "interest": _NUM, "principal": _NUM, "balance": _NUM}
)
_LOAN_RESULT = _result(
    {
        "installment": _NUM,
        "total_interest": _NUM,
        "total_paid": _NUM,
        "taeg": _NUM,
        "schedule": _SCHEDULE,
    }
)
_DEBT_RESULT = _result(
    {
        "months_to_payoff": _INT,
        "total_interest": _NUM,
        "payoff_order": {"type": "array", "items": {"type": "string"}},
        "debts": _rows({"name": {"type": "string"}, "payoff_month": _INT}),
    }
)
_SHARE = _result({"amount": _NUM, "share": _NUM_OR_NULL})
RESULTS: dict[str, dict[str, Any]] = {
    "loan": _LOAN_RESULT,
    "savings": _result(
        {
            "final_balance": _NUM,
            "total_deposits": _NUM,
            "interest_gross": _NUM,
            "tax": _NUM,
            "real_final_balance": _NUM,
            "series": _rows({"month": _INT, "balance": _NUM}),
        }
    ),
    "savings-goal": _result({"monthly_deposit": _NUM}),
    "taeg": _result({"taeg": _NUM}),
    "budget": _result(
        {
            "total_income": _NUM,
            "total_expenses": _NUM,
            "balance": _NUM,
            "savings_rate": _NUM_OR_NULL,
            "income_shares": {"type": "array", "items": _SHARE},
            "expense_shares": {"type": "array", "items": _SHARE},
            "rule_50_30_20": _result({"needs": _SHARE, "wants": _SHARE, "savings": _SHARE}),
            "emergency_fund_months": _NUM_OR_NULL,
            "groups": _result({"needs": _NUM, "wants": _NUM, "debts": _NUM, "savings": _NUM}),
            "categories": _rows(
                {
                    "category": _STR,
                    "label_it": _STR,
                    "label_en": _STR,
                    "amount": _NUM,
                    "share": _NUM,
                }
            ),
            "lines": _rows(
                {
                    "list": _STR,
                    "category": _STR,
                    "amount": _NUM,
                    "frequency": _STR,
                    "monthly_amount": _NUM,
                }
            ),
            "debt_service": {
                **_result(
                    {
                        "amount": _NUM,
                        "share": _NUM_OR_NULL,
                        "level": {
                            "type": "string",
                            "enum": ["none", "ok", "watch", "high", "no_income"],
                        },
                        "watch_share": _NUM,
                        "high_share": _NUM,
                    }
                ),
                "description": "Instalments (group debts, mortgage included) as a % of net "
                "income. watch above 30 % (Banca d'Italia: financially vulnerable households), "
                "high above 35 % (the upper limit banks usually apply to all instalments).",
            },
            "emergency_fund_months_essentials": _NUM_OR_NULL,
            "irregular_monthly": _NUM,
            "advice": {
                "type": "array",
                "description": "What to look at first: no_income, shortfall and debt_high first, "
                "then by impact (euros a month). Codes: no_income, shortfall, debt_high, "
                "debt_watch, needs_over, wants_over, emergency_fund_low, irregular_costs, "
                "save_more, on_track; other keys are the amounts the advice names.",
                "items": {
                    "type": "object",
                    "properties": {"code": _STR, "impact": _NUM},
                    "required": ["code", "impact"],
                },
            },
        }
    ),
    "debt": _DEBT_RESULT,
    "debt-compare": _result({"avalanche": _DEBT_RESULT, "snowball": _DEBT_RESULT}),
    "loan-compare": _result(
        {"offers": {"type": "array", "items": _LOAN_RESULT}, "cheapest_by_total_cost": _INT}
    ),
    "loan-early-repayment": _result(
        {"interest_saved": _NUM, "new_installment": _NUM, "schedule_after": _SCHEDULE}
    ),
}

CHART_SIMULATORS = ("loan", "savings", "budget", "debt", "loan-early-repayment")

_ERRORS = {
    "description": "Invalid input: a message per field, in the language of Accept-Language "
    "(Italian by default). List fields use dotted keys such as debts.1.balance.",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "errors": {"type": "object", "additionalProperties": {"type": "string"}}
                },
                "required": ["errors"],
            }
        }
    },
}


def _chart_parameters(name: str) -> list[dict[str, Any]]:
    """The chart's inputs: the simulator page's fields, list rows as <list>-<index>-<field>."""
    page = PAGES_BY_NAME[name]
    if name == "budget":  # the planner's rows, as course links and saved budgets write them
        names = ["savings"] + [
            f"{kind}-{index}-{field}"
            for kind in ("incomes", "expenses")
            for index in range(3)
            for field in ("category", "subitem", "amount", "frequency", "group")
            if not (kind == "incomes" and field == "group")
        ]
        text = {"type": "string", "maxLength": 200}
        return [{"name": n, "in": "query", "schema": text} for n in names]
    names = [field.name for field in page.fields] + [
        f"{group.name}-{index}-{field.name}"
        for group in page.groups
        for index in range(group.rows)
        for field in group.fields
    ]
    text = {"type": "string", "maxLength": 200}
    return [{"name": n, "in": "query", "schema": text} for n in names]


def openapi_document(server_url: str | None = None) -> dict[str, Any]:
    """The document; `server_url` (the site's PUBLIC_BASE_URL, never the request's host) goes
    into `servers` so that clients reading it call the real site."""
    paths: dict[str, Any] = {}
    for name, schema in INPUTS.items():
        paths[f"/api/v1/simulators/{name}"] = {
            "post": {
                "operationId": f"simulate_{name.replace('-', '_')}",
                "summary": f"Compute the {name} simulator",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": schema}},
                },
                "responses": {
                    "200": {
                        "description": "The result (see DESIGN.md, Simulators contract).",
                        "content": {"application/json": {"schema": RESULTS[name]}},
                    },
                    "400": _ERRORS | {"description": "The body is not JSON."},
                    "422": _ERRORS,
                },
            }
        }
    for name in CHART_SIMULATORS:
        paths[f"/api/v1/simulators/{name}/chart.svg"] = {
            "get": {
                "operationId": f"chart_{name.replace('-', '_')}",
                "summary": f"SVG chart of the {name} simulator",
                "description": "Inputs as query parameters with the same names as the JSON "
                "fields; list items as <list>-<index>-<field>, for example "
                "expenses-0-category=Affitto&expenses-0-amount=600 or "
                "debts-1-balance=1500. lang=it|en chooses the language of the labels.",
                "parameters": [
                    {
                        "name": "lang",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["it", "en"]},
                    },
                    *_chart_parameters(name),
                ],
                "responses": {
                    "200": {
                        "description": "An SVG document with <title> and <desc>.",
                        "content": {"image/svg+xml": {"schema": {"type": "string"}}},
                    },
                    "400": {"description": "A NUL character in the query string."},
                    "404": {"description": "No chart for this simulator."},
                    "422": _ERRORS,
                },
            }
        }
    document: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {
            "title": "WELFARE³ simulators API",
            "version": "1",
            "description": "Rates are annual percentages (7.5 means 7.5 %), amounts are euros. "
            'Numbers may be JSON numbers or strings such as "1500,50". Unknown keys are '
            "ignored. Invalid input gives 422 with a message per field; never a 500.",
        },
        "paths": paths,
    }
    if server_url:
        document["servers"] = [{"url": server_url}]
    return document
