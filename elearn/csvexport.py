"""The one CSV dialect of the site: what an Italian spreadsheet opens as it is, safely.

Every CSV download goes through `csv_response` (a test enumerates the CSV routes and checks):

- `;` between cells, CRLF between rows, UTF-8 with a BOM (Excel reads the file as UTF-8 only then);
- numbers as numbers: decimal comma, no thousands separator, no currency sign, no quotes
  (``1234,5``), so that the spreadsheet can add them up; the unit goes in the column header;
- dates as ``dd/mm/yyyy`` (times ``dd/mm/yyyy hh:mm``), what an Italian-locale Excel or
  LibreOffice turns into a date, and the format the site's own lists show;
- text that a spreadsheet would run as a formula (it starts with = + - @, a tab or a carriage
  return: OWASP "CSV injection") gets a leading apostrophe; numbers are never touched.

The dialect does not change with the reader's language: a file forwarded from one colleague to
another opens the same way, and Italian spreadsheets are the ones the cooperatives use.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import Response

DELIMITER = ";"
BOM = "\ufeff"
MIMETYPE = "text/csv"
DATE_FORMAT = "%d/%m/%Y"
DATETIME_FORMAT = "%d/%m/%Y %H:%M"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?\d+(,\d+)?")
_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def number_cell(value: int | float | Decimal, places: int | None = None) -> str:
    """A number a spreadsheet reads as a number: ``1234,5``; ``places`` fixes the decimals."""
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int):
        return str(value) if places is None else number_cell(Decimal(value), places)
    amount = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    if not amount.is_finite() or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    text = f"{amount:.{places}f}" if places is not None else format(amount.normalize(), "f")
    if text.startswith("-") and not text.strip("-0."):
        text = text[1:]  # "-0,00" reads as a formula-like oddity, and it is zero
    return text.replace(".", ",")


def text_cell(value: str) -> str:
    """Text that reads back exactly, and never runs as a formula."""
    if value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def cell(value: Any) -> str:
    """One cell in the site's dialect, by the value's type (None is an empty cell)."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal):
        return number_cell(value)
    if isinstance(value, datetime):
        return value.strftime(DATETIME_FORMAT)
    if isinstance(value, date):
        return value.strftime(DATE_FORMAT)
    return text_cell(str(value))


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """The whole file, BOM included. A cell already formatted by `number_cell` (fixed decimals)
    goes through `text_cell` unchanged: it matches the number pattern."""
    buffer = io.StringIO()
    # QUOTE_MINIMAL: a number never holds ; or a quote, so it is never quoted.
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow([text_cell(str(title)) for title in header])
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return BOM + buffer.getvalue()


def csv_sheet_text(rows: Iterable[Sequence[Any]]) -> str:
    """A file of several small tables one under the other (a report): the same dialect, every
    row padded to the widest one with empty cells, so a spreadsheet sees one grid."""
    cells = [[cell(value) for value in row] for row in rows]
    width = max((len(row) for row in cells), default=1)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n")
    for row in cells:
        writer.writerow(row + [""] * (width - len(row)))
    return BOM + buffer.getvalue()


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    """A download of `rows` under `filename` (reduced to safe characters)."""
    return csv_download(filename, csv_text(header, rows))


def csv_download(filename: str, text: str) -> Response:
    """A download of a file made by `csv_text` or `csv_sheet_text`."""
    safe_name = _FILENAME.sub("-", filename).strip("-") or "export.csv"
    response = Response(text, mimetype=MIMETYPE)
    response.charset = "utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    return response
