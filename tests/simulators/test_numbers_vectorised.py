"""The vectorised rounding to cents gives exactly the scalar results."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from simulators.loans import LoanInput, compute_loan
from simulators.numbers import cents, cents_many

TIES = [0.005, 0.015, 1.005, 2.675, 1.115, -2.675, -0.005, 1234.565, 0.0, -0.0, 1e-9, -1e-9]


def test_half_cents_round_as_people_read_them() -> None:
    assert cents_many(TIES) == [cents(v) for v in TIES]
    assert cents_many([2.675])[0] == 2.68  # stored as 2.67499999...
    assert str(cents_many([-0.001])[0]) == "0.0"  # never "-0.0"


@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=50))
def test_any_floats_give_the_scalar_results(values: list[float]) -> None:
    expected = [cents(v) for v in values]
    got = cents_many(values)
    assert [repr(x) for x in got] == [repr(x) for x in expected]


@given(
    st.lists(
        st.integers(min_value=-(10**11), max_value=10**11).map(lambda n: n / 1000), max_size=50
    )
)
def test_amounts_typed_to_the_tenth_of_a_cent_give_the_scalar_results(values: list[float]) -> None:
    assert cents_many(values) == [cents(v) for v in values]


def test_a_loan_schedule_is_rounded_like_before() -> None:
    result = compute_loan(LoanInput(200_000, 3.5, 360, upfront_fees=1500))
    schedule = result.schedule
    rows = schedule.rows()
    for k, row in enumerate(rows):
        assert row["n"] == k + 1
        assert row["payment"] == cents(float(schedule.payment[k]))
        assert row["interest"] == cents(float(schedule.interest[k]))
        assert row["principal"] == cents(float(schedule.principal[k]))
        assert row["balance"] == cents(float(schedule.balance[k]))
    assert isinstance(rows[0]["balance"], float) and not isinstance(rows[0]["balance"], np.floating)
