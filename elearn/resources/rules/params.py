"""Dated, referenced parameters, one YAML file per year: a new year's values are a data change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

PARAMS_DIR = Path(__file__).parent / "params"


class ParameterMissing(KeyError):
    """A rule needs a parameter the year's file does not define."""


@dataclass(frozen=True)
class Parameter:
    key: str
    value: Any
    unit: str
    rule: str
    source: str
    date: date | None
    url: str
    verified: bool

    @property
    def known(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class YearParameters:
    year: int
    checked_on: date | None
    parameters: dict[str, Parameter]

    def __getitem__(self, key: str) -> Parameter:
        try:
            return self.parameters[key]
        except KeyError:
            raise ParameterMissing(key) from None


def _as_date(raw: Any) -> date | None:
    if raw is None or isinstance(raw, date):
        return raw
    return date.fromisoformat(str(raw))


def parse_year(text: str) -> YearParameters:
    data = yaml.safe_load(text) or {}
    parameters = {}
    for key, entry in (data.get("parameters") or {}).items():
        parameters[key] = Parameter(
            key=key,
            value=entry.get("value"),
            unit=str(entry.get("unit", "")),
            rule=str(entry.get("rule", "")),
            source=str(entry.get("source", "")),
            date=_as_date(entry.get("date")),
            url=str(entry.get("url", "")),
            verified=bool(entry.get("verified", False)),
        )
    return YearParameters(
        year=int(data["year"]), checked_on=_as_date(data.get("checked_on")), parameters=parameters
    )


@lru_cache(maxsize=16)
def _load(path: Path) -> YearParameters | None:
    if not path.is_file():
        return None
    return parse_year(path.read_text(encoding="utf-8"))


def load_year(year: int, directory: Path | None = None) -> YearParameters | None:
    """The parameters of `year`, or None when that year has no file: never last year's."""
    return _load((directory or PARAMS_DIR) / f"{int(year)}.yaml")


def available_years(directory: Path | None = None) -> list[int]:
    return sorted(
        int(path.stem) for path in (directory or PARAMS_DIR).glob("*.yaml") if path.stem.isdigit()
    )
