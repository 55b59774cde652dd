"""The OpenAPI 3 description of the simulators API, written by hand (it is small and stable)."""

from __future__ import annotations

from typing import Any

_NUMBER = {"type": "number"}
_MONEY = {"type": "number", "minimum": 0, "maximum": 1_000_000_000, "description": "euros"}
_RATE = {"type": "number", "minimum": 0, "maximum": 100, "description": "annual %"}
_MONTHS = {"type": "integer", "minimum": 1, "maximum": 600}


def _obj(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    # Numbers may also be sent as strings ("1500,50"): the API reads what a form would send.
    return {"type": "object", "properties": properties, "required": required}


_LOAN = _obj(
    {
        "principal": _MONEY,
        "annual_rate": _RATE,
        "months": _MONTHS,
        "method": {"type": "string", "enum": ["french", "italian"], "default": "french"},
        "upfront_fees": {**_MONEY, "default": 0},
        "installment_fee": {**_MONEY, "default": 0},
    },
    ["principal", "annual_rate", "months"],
)
_TIMING = {"type": "string", "enum": ["end", "start"], "default": "end"}
_LINE = _obj(
    {"category": {"type": "string", "maxLength": 60}, "amount": _MONEY}, ["category", "amount"]
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
            "target": _MONEY,
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
                "items": _obj({"years": _NUMBER, "amount": _NUMBER}, ["years", "amount"]),
                "description": "borrower's view: received > 0, paid < 0",
            }
        },
        ["cashflows"],
    ),
    "budget": _obj(
        {
            "incomes": {"type": "array", "maxItems": 50, "items": _LINE},
            "expenses": {"type": "array", "maxItems": 50, "items": _LINE},
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
                        "name": {"type": "string", "maxLength": 60},
                        "balance": _MONEY,
                        "annual_rate": _RATE,
                        "min_payment": _MONEY,
                    },
                    ["balance", "annual_rate", "min_payment"],
                ),
            },
            "monthly_budget": _MONEY,
            "strategy": {"type": "string", "enum": ["avalanche", "snowball"]},
        },
        ["debts", "monthly_budget"],
    ),
    "loan-compare": _obj(
        {"offers": {"type": "array", "minItems": 1, "maxItems": 3, "items": _LOAN}}, ["offers"]
    ),
    "loan-early-repayment": _obj(
        {
            **_LOAN["properties"],
            "month": {"type": "integer", "minimum": 1},
            "amount": _MONEY,
            "mode": {"type": "string", "enum": ["reduce_installment", "reduce_duration"]},
            "early_repayment_fee_pct": _RATE,
        },
        ["principal", "annual_rate", "months", "month", "amount"],
    ),
}
INPUTS["debt-compare"] = INPUTS["debt"]

CHART_SIMULATORS = ("loan", "savings", "budget", "debt")

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


def openapi_document() -> dict[str, Any]:
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
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    "400": _ERRORS | {"description": "The body is not JSON."},
                    "422": _ERRORS,
                },
            }
        }
    for name in CHART_SIMULATORS:
        paths[f"/api/v1/simulators/{name}/chart.svg"] = {
            "get": {
                "operationId": f"chart_{name}",
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
                    }
                ],
                "responses": {
                    "200": {
                        "description": "An SVG document with <title> and <desc>.",
                        "content": {"image/svg+xml": {"schema": {"type": "string"}}},
                    },
                    "404": {"description": "No chart for this simulator."},
                    "422": _ERRORS,
                },
            }
        }
    return {
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
