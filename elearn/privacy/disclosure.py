"""The one privacy guard every aggregate figure passes through before anyone sees or exports it.

The rule (DESIGN.md, "One guard for every aggregate"; the small-number policy of statistical
agencies such as ONS and NHS Digital):

1. A count of people (or of requests, which stand for people) from 1 to 4 is never published: it
   reads "fewer than 5" (`None` here). 0 is published as 0.
2. Every other count is rounded to the nearest multiple of 5 (5, 6, 7 → 5; 8 … 12 → 10).
3. A share is computed from the two *published* counts, never from the true ones (6 of 7 people
   would read 86 % and give the 7 away), and is shown in whole percent.
4. An average or a median is shown only when the true group behind it has at least 5 people, and
   rounded to a sensible unit (whole percent, whole hours, whole days).

Why this holds whatever filters are combined: every published count is 0 or a multiple of 5, so any
sum or difference of published counts – one cooperative against all of them, a week against the
next, "started" against "completed", one topic against the total – is again a multiple of 5 and can
never single out a group of 1 to 4 people. No report needs to reason about which other cells could
be subtracted from it (complementary suppression), and new filters keep the property for free.
Rounding is monotonic, so "completed" never exceeds "started" and a share never exceeds 100 %.

Counts of rows a reader already sees one by one (the request queue, a list of consenting learners,
the people registered for a Welfare day) are not statistics and do not go through here.

No Flask request objects: callers hand in plain numbers and get plain numbers back.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from statistics import median as _median
from typing import TypeVar

Key = TypeVar("Key", bound=Hashable)

MIN_GROUP = 5
ROUNDING_BASE = 5

# A published count: 0, a multiple of ROUNDING_BASE, or None ("fewer than 5").
Published = int | None


def count(true_count: int) -> Published:
    """A count of people as it may be published: None for 1–4, else rounded to the nearest 5."""
    true_count = int(true_count)
    if true_count < 0:
        raise ValueError("a count of people cannot be negative")
    if true_count == 0:
        return 0
    if true_count < MIN_GROUP:
        return None
    # Integers never fall on a half (x.5 × 5), so plain "nearest" needs no tie rule.
    return ROUNDING_BASE * ((true_count + ROUNDING_BASE // 2) // ROUNDING_BASE)


def share_of_published(numerator: Published, denominator: Published) -> int | None:
    """Whole percent of two counts that are already published; None when either is hidden or 0."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return round(100 * numerator / denominator)


def share(true_numerator: int, true_denominator: int) -> int | None:
    """Whole percent of `true_numerator` in `true_denominator`, worked out from published counts."""
    return share_of_published(count(true_numerator), count(true_denominator))


def ranked_shares(
    items: Iterable[tuple[Key, int, int]],
) -> list[tuple[Key, Published, int | None]]:
    """(key, true group size, true count with the property) → (key, published group size,
    published share in %), highest share first; ties by published group size, then by key.

    Ordering is a derived figure too: it uses only published values, so two rows with the same
    published share are not told apart by their true counts. Example: the hardest questions,
    (question, learners who answered, learners whose first answer was wrong) – 100 % when every
    learner missed the question."""
    published = [
        (key, count(group_size), share(with_property, group_size))
        for key, group_size, with_property in items
    ]
    # A hidden share (1–4 people have the property) sorts between the shown ones and 0 %.
    return sorted(
        published,
        key=lambda item: (
            -(item[2] if item[2] is not None else 0.5),
            -(item[1] or 0),
            item[0],
        ),
    )


def average(mean: float | None, true_group_size: int, *, unit: float = 1.0) -> float | None:
    """`mean` rounded to `unit`, or None when fewer than MIN_GROUP people stand behind it."""
    if mean is None or true_group_size < MIN_GROUP:
        return None
    return _round_to(float(mean), unit)


def average_percent(mean_fraction: float | None, true_group_size: int) -> int | None:
    """A mean between 0 and 1 (a quiz score) as whole percent, under the same rule as `average`."""
    shown = average(None if mean_fraction is None else 100 * float(mean_fraction), true_group_size)
    return None if shown is None else int(shown)


def median(values: Iterable[float], *, unit: float = 1.0) -> float | None:
    """The median rounded to `unit`, or None when there are fewer than MIN_GROUP values."""
    values = list(values)
    if len(values) < MIN_GROUP:
        return None
    return _round_to(float(_median(values)), unit)


def _round_to(value: float, unit: float) -> float:
    rounded = round(value / unit) * unit
    return float(round(rounded, 6))
