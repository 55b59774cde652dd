"""What the questionnaire tells the rules about a household (plain values, no personal names)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

CONTRACTS = ("permanent", "fixed_term", "other")
OTHER_PARENT = ("working", "not_working", "none")
RELATIVE_104 = ("grave", "not_grave")
# A child's disability as the DSU (ISEE) records it: special-category data, asked under consent.
CHILD_DISABILITY = ("media", "grave", "non_self_sufficient")


@dataclass(frozen=True)
class Child:
    """A child by birth date, or by age in whole years when the date was not given."""

    birth_date: date | None = None
    age: int | None = None
    disability: str | None = None  # media, grave, non_self_sufficient (as for the ISEE), None

    def age_on(self, on: date) -> int | None:
        if self.birth_date is not None:
            years = on.year - self.birth_date.year
            if (on.month, on.day) < (self.birth_date.month, self.birth_date.day):
                years -= 1
            return max(years, 0)
        return self.age

    def born_in_or_after(self, year: int, on: date) -> bool:
        if self.birth_date is not None:
            return self.birth_date.year >= year
        age = self.age_on(on)
        return age == 0 and on.year >= year


@dataclass(frozen=True)
class Household:
    children: tuple[Child, ...] = ()
    # From the DSU attestation (ISEE minorenni when there are children); None: not yet.
    isee: float | None = None
    expecting: bool = False
    expected_birth: date | None = None
    other_parent: str | None = None  # working, not_working, none (the worker is alone)
    mother_under_21: bool = False  # the children's mother is under 21
    relative_104: str | None = None  # grave (art. 3 c. 3), not_grave, None
    contract: str | None = None  # permanent, fixed_term, other (not an employee)
    part_time_percent: int = 100
    net_monthly_pay: float | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def with_birth(self, on: date) -> Household:
        """The same household with one more child born on `on` (for the "what if")."""
        return replace(self, children=(*self.children, Child(birth_date=on)), expecting=False)

    @property
    def is_employee(self) -> bool:
        return self.contract in ("permanent", "fixed_term")
