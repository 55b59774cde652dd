"""The input fields of each simulator, shared by the course format and the web layer."""

SIMULATOR_FIELDS: dict[str, frozenset[str]] = {
    "loan": frozenset(
        {"principal", "annual_rate", "months", "method", "upfront_fees", "installment_fee"}
    ),
    "savings": frozenset(
        {
            "initial",
            "monthly_deposit",
            "annual_rate",
            "months",
            "deposit_timing",
            "tax_rate",
            "inflation",
        }
    ),
    "savings-goal": frozenset(
        {"target", "months", "annual_rate", "initial", "deposit_timing", "tax_rate"}
    ),
    "budget": frozenset({"incomes", "expenses", "savings"}),
    "debt": frozenset({"debts", "monthly_budget", "strategy"}),
}
