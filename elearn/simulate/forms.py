"""The simulator input forms (plain GET forms described as data) and the scenario forms."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import InputRequired, Length

from elearn.forms import no_control_chars
from elearn.models.scenarios import SCENARIO_NAME_MAX

# Field kinds decide the keyboard on a phone and the unit shown after the box.
MONEY, RATE, MONTHS, CHOICE, TEXT = "money", "rate", "months", "choice", "text"


@dataclass(frozen=True)
class InputField:
    """One input of a simulator form; ``name`` is the library's field name."""

    name: str
    label: object
    kind: str
    default: str = ""
    hint: object | None = None
    choices: tuple[tuple[str, object], ...] = ()
    required: bool = True


@dataclass(frozen=True)
class RowGroup:
    """A list input (budget lines, debts) shown as a fixed number of rows ``<name>-<i>-<field>``."""

    name: str
    legend: object
    row_label: object  # e.g. "Expense %(n)d"
    rows: int
    fields: tuple[InputField, ...]
    defaults: tuple[dict[str, str], ...] = ()


@dataclass(frozen=True)
class SimulatorPage:
    """A simulator page: the library simulator it runs, its address and its form."""

    name: str  # the simulators library name, also the API name
    endpoint: str  # blueprint endpoint, e.g. "loan" for simulate.loan
    slug: str  # the Italian address under /simulatori/
    title: object
    summary: object
    fields: tuple[InputField, ...] = ()
    groups: tuple[RowGroup, ...] = ()
    chart: str | None = None  # the simulator whose chart.svg the page shows
    extra: dict[str, str] = field(default_factory=dict)


_METHOD = InputField(
    "method",
    _l("Repayment type"),
    CHOICE,
    "french",
    _l(
        "French: the same instalment every month (the most common). Italian: the same "
        "principal every month, so the instalment goes down."
    ),
    (("french", _l("French (fixed instalment)")), ("italian", _l("Italian (falling instalment)"))),
)
_TIMING = InputField(
    "deposit_timing",
    _l("When you deposit"),
    CHOICE,
    "end",
    None,
    (("end", _l("At the end of the month")), ("start", _l("At the start of the month"))),
)
_TAX = InputField(
    "tax_rate",
    _l("Tax on interest (%)"),
    RATE,
    "26",
    _l("Usually 26: for bank accounts and most investments. For Italian government bonds, 12.5."),
)


def _loan_fields(
    principal: str,
    rate: str,
    months: str,
    principal_label: object = _l("Amount you borrow (€)"),
    principal_hint: object | None = None,
) -> tuple[InputField, ...]:
    return (
        InputField("principal", principal_label, MONEY, principal, principal_hint),
        InputField(
            "annual_rate",
            _l("TAN, the annual interest rate (%)"),
            RATE,
            rate,
            _l("Written in the offer as TAN, for example 7.5."),
        ),
        InputField(
            "months",
            _l("Number of monthly instalments"),
            MONTHS,
            months,
            _l("For example 60 for five years."),
        ),
        _METHOD,
        InputField(
            "upfront_fees",
            _l("Fees paid at the start (€)"),
            MONEY,
            "0",
            _l("Application fees, stamp duty, insurance paid once."),
            required=False,
        ),
        InputField(
            "installment_fee",
            _l("Fee on each instalment (€)"),
            MONEY,
            "0",
            _l("For example a collection fee of 2 € per instalment."),
            required=False,
        ),
    )


PAGES: tuple[SimulatorPage, ...] = (
    SimulatorPage(
        name="loan",
        endpoint="loan",
        slug="prestito",
        title=_l("Loan"),
        summary=_l("How much you pay each month, what the loan really costs and its TAEG."),
        fields=_loan_fields("10000", "7.5", "60"),
        chart="loan",
    ),
    SimulatorPage(
        name="savings",
        endpoint="savings",
        slug="risparmio",
        title=_l("Savings"),
        summary=_l("How a sum grows if you put some money aside every month."),
        fields=(
            InputField("initial", _l("Money you start with (€)"), MONEY, "1000"),
            InputField("monthly_deposit", _l("Money you add each month (€)"), MONEY, "100"),
            InputField("annual_rate", _l("Annual interest rate (%)"), RATE, "3"),
            InputField("months", _l("For how many months"), MONTHS, "60"),
            _TIMING,
            _TAX,
            InputField(
                "inflation",
                _l("Inflation per year (%)"),
                RATE,
                "2",
                _l(
                    "How fast prices rise. It shows what your money will be worth in today's euros."
                ),
                required=False,
            ),
        ),
        chart="savings",
    ),
    SimulatorPage(
        name="savings-goal",
        endpoint="goal",
        slug="obiettivo",
        title=_l("Savings goal"),
        summary=_l("How much to put aside each month to reach a sum by a date."),
        fields=(
            InputField("target", _l("The sum you want to reach (€)"), MONEY, "5000"),
            InputField("months", _l("In how many months"), MONTHS, "36"),
            InputField("annual_rate", _l("Annual interest rate (%)"), RATE, "2"),
            InputField("initial", _l("Money you already have (€)"), MONEY, "0", required=False),
            _TIMING,
            _TAX,
            InputField(
                "monthly_deposit",
                _l("How much you can put aside each month (€, optional)"),
                MONEY,
                "",
                _l("We tell you how many months it takes with this amount."),
                required=False,
            ),
        ),
        chart="savings",
    ),
    SimulatorPage(
        name="budget",
        endpoint="budget",
        slug="bilancio",
        title=_l("Household budget"),
        summary=_l("Where your money goes each month, and how much is left."),
        fields=(
            InputField(
                "savings",
                _l("Savings you already have (€, optional)"),
                MONEY,
                "2000",
                _l("We tell you for how many months they would cover your expenses."),
                required=False,
            ),
        ),
        groups=(
            RowGroup(
                "incomes",
                _l("Money coming in each month"),
                _l("Income %(n)d"),
                3,
                (
                    InputField("category", _l("What"), TEXT),
                    InputField("amount", _l("Euros a month"), MONEY),
                ),
                ({"category": _l("Salary"), "amount": "1400"},),
            ),
            RowGroup(
                "expenses",
                _l("Money going out each month"),
                _l("Expense %(n)d"),
                8,
                (
                    InputField("category", _l("What"), TEXT),
                    InputField("amount", _l("Euros a month"), MONEY),
                ),
                (
                    {"category": _l("Rent"), "amount": "600"},
                    {"category": _l("Groceries"), "amount": "350"},
                    {"category": _l("Bills"), "amount": "120"},
                    {"category": _l("Transport"), "amount": "60"},
                    {"category": _l("Leisure"), "amount": "80"},
                ),
            ),
        ),
        chart="budget",
    ),
    SimulatorPage(
        name="debt",
        endpoint="debt",
        slug="debiti",
        title=_l("Paying off debts"),
        summary=_l("A plan to pay off several debts, and which one to pay first."),
        fields=(
            InputField(
                "monthly_budget",
                _l("Money you can use for debts each month (€)"),
                MONEY,
                "400",
                _l("At least the sum of the minimum payments."),
            ),
            InputField(
                "strategy",
                _l("Which debt to pay first"),
                CHOICE,
                "avalanche",
                _l(
                    "Avalanche saves the most interest. Snowball closes small debts sooner, "
                    "which helps you keep going."
                ),
                (
                    ("avalanche", _l("Avalanche: highest rate first")),
                    ("snowball", _l("Snowball: smallest debt first")),
                ),
            ),
        ),
        groups=(
            RowGroup(
                "debts",
                _l("Your debts"),
                _l("Debt %(n)d"),
                4,
                (
                    InputField("name", _l("Name"), TEXT, required=False),
                    InputField("balance", _l("Amount still owed (€)"), MONEY),
                    InputField("annual_rate", _l("Annual rate (%)"), RATE),
                    InputField("min_payment", _l("Minimum monthly payment (€)"), MONEY),
                ),
                (
                    {
                        "name": _l("Credit card"),
                        "balance": "1500",
                        "annual_rate": "18",
                        "min_payment": "60",
                    },
                    {
                        "name": _l("Car loan"),
                        "balance": "6000",
                        "annual_rate": "7.5",
                        "min_payment": "200",
                    },
                ),
            ),
        ),
        chart="debt",
    ),
    SimulatorPage(
        name="loan-compare",
        endpoint="compare",
        slug="confronta-prestiti",
        title=_l("Compare loan offers"),
        summary=_l("Put up to three offers side by side and see which one costs less."),
        groups=(
            RowGroup(
                "offers",
                _l("Offers"),
                _l("Offer %(n)d"),
                3,
                (
                    InputField("principal", _l("Amount (€)"), MONEY),
                    InputField("annual_rate", _l("TAN (%)"), RATE),
                    InputField("months", _l("Instalments"), MONTHS),
                    InputField("upfront_fees", _l("Fees at the start (€)"), MONEY, required=False),
                    InputField(
                        "installment_fee", _l("Fee on each instalment (€)"), MONEY, required=False
                    ),
                ),
                (
                    {
                        "principal": "10000",
                        "annual_rate": "6.9",
                        "months": "60",
                        "upfront_fees": "300",
                        "installment_fee": "2",
                    },
                    {
                        "principal": "10000",
                        "annual_rate": "7.9",
                        "months": "60",
                        "upfront_fees": "0",
                        "installment_fee": "0",
                    },
                ),
            ),
        ),
    ),
    SimulatorPage(
        name="loan-early-repayment",
        endpoint="early_repayment",
        slug="estinzione-anticipata",
        title=_l("Repay part of a loan early"),
        summary=_l(
            "If you pay back part of your loan before the end: how much interest you save, and "
            "your new instalment or your new end date."
        ),
        fields=(
            *_loan_fields(
                "10000",
                "7.5",
                "60",
                _l("Amount you borrowed (€)"),
                _l("The amount in the contract, not what you still owe."),
            ),
            InputField(
                "month",
                _l("After which instalment you repay"),
                MONTHS,
                "24",
                _l("For example 24 if you have already paid 24 instalments (two years)."),
            ),
            InputField(
                "amount",
                _l("Amount you repay early (€)"),
                MONEY,
                "3000",
                _l("The extra sum you pay, on top of the normal instalment."),
            ),
            InputField(
                "mode",
                _l("What you want to change"),
                CHOICE,
                "reduce_installment",
                _l(
                    "Lower instalment: the loan ends on the same date and you have more money "
                    "each month. Shorter loan: the same instalment, it ends sooner and saves more "
                    "interest."
                ),
                (
                    ("reduce_installment", _l("Lower instalment")),
                    ("reduce_duration", _l("Shorter loan")),
                ),
            ),
            InputField(
                "early_repayment_fee_pct",
                _l("Early repayment fee in your contract (%)"),
                RATE,
                "1",
                _l(
                    "Called “indennizzo” in the contract. By law (2026) at most 1 % of the "
                    "amount, 0.5 % with a year or less left. For a mortgage to buy or renovate a "
                    "home: write 0."
                ),
                required=False,
            ),
        ),
        chart="loan-early-repayment",
    ),
)

PAGES_BY_NAME: dict[str, SimulatorPage] = {page.name: page for page in PAGES}
PAGES_BY_ENDPOINT: dict[str, SimulatorPage] = {page.endpoint: page for page in PAGES}


class SaveScenarioForm(FlaskForm):
    """Save the inputs shown on a result page; the inputs travel as hidden fields."""

    simulator = HiddenField()
    name = StringField(
        _l("Name for this scenario"),
        validators=[
            InputRequired(_l("Give the scenario a name.")),
            Length(max=SCENARIO_NAME_MAX, message=_l("Use at most %(max)d characters.")),
            no_control_chars,
        ],
        description=_l("For example: car loan from the bank."),
    )


class DeleteScenarioForm(FlaskForm):
    """Only the CSRF token: deleting needs a POST from our own page."""


class SaveMonthForm(FlaskForm):
    """Save the planner's numbers as the budget of a month; the inputs travel as hidden fields."""

    month = StringField(
        _l("Month"),
        validators=[InputRequired(_l("Choose the month."))],
        description=_l("Year and month, for example 2026-12."),
    )
