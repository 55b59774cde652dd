"""Simulator form values: what a page's inputs hold, the library input they make, and the
library's errors keyed by input name."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from elearn.simulate.forms import RowGroup, SimulatorPage
from simulators import InvalidInput
from simulators.errors import NON_FIELD

_ROW_KEY = re.compile(r"^([a-z_]+)\.(\d+)\.([a-z_]+)$")
_DECIMAL = re.compile(r"^-?\d+\.\d+$")


def display_value(value: object, lang: str) -> str:
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
            values[spec.name] = display_value(spec.default, lang) if defaults else ""
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
                    row[spec.name] = display_value(
                        str(group.defaults[index].get(spec.name, "")), lang
                    )
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
