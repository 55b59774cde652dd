"""Reading a payroll roster file: decode the CSV, find its columns, normalise contacts."""

from __future__ import annotations

import csv
import io
import re
import unicodedata

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000

# Header names as payroll offices write them, in Italian or English (compared after `loose_key`).
HEADERS = {
    "name": ("nome e cognome", "nominativo", "cognome e nome", "name", "full name", "nome"),
    "first_name": ("first name", "given name"),
    "last_name": ("cognome", "last name", "surname", "family name"),
    "email": (
        "email",
        "e mail",
        "mail",
        "email aziendale",
        "e mail aziendale",
        "posta elettronica",
        "work email",
        "work e mail",
        "indirizzo email",
    ),
    "phone": (
        "cellulare",
        "telefono",
        "cell",
        "numero di cellulare",
        "telefono cellulare",
        "mobile",
        "mobile number",
        "phone",
        "mobile phone",
    ),
    "cooperative": (
        "cooperativa",
        "cooperative",
        "coop",
        "organizzazione",
        "organization",
        "organisation",
        "azienda",
        "company",
    ),
    "site": ("sede", "site", "luogo di lavoro", "servizio", "workplace", "location", "unita"),
    "language": ("lingua", "language"),
}
# Columns that must never reach us (DESIGN.md: nothing about health or family): the whole
# file is refused, so payroll learns to leave them out rather than us quietly storing them.
FORBIDDEN_WORDS = (
    "salute",
    "malattia",
    "invalid",
    "disabil",
    "104",
    "maternit",
    "paternit",
    "gravid",
    "figli",
    "famil",
    "health",
    "sick",
    "disab",
    "pregnan",
    "child",
    "famil",
)


class RosterFileError(Exception):
    """The file as a whole cannot be read; the message says why, in the admin's language."""


def loose_key(text: str) -> str:
    """A header or cooperative name compared loosely: no accents, case, punctuation."""
    text = unicodedata.normalize("NFKD", text.replace("\ufeff", ""))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def decode(raw: bytes) -> str:
    """The file's text: UTF-8 with or without BOM, else a clear RosterFileError."""
    if not raw.strip():
        raise RosterFileError(gettext("The file is empty."))
    if len(raw) > MAX_FILE_BYTES:
        raise RosterFileError(
            gettext(
                "The file is too large (at most %(size)d MB). Export only the columns needed.",
                size=MAX_FILE_BYTES // (1024 * 1024),
            )
        )
    if raw.startswith(b"PK\x03\x04") or raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise RosterFileError(
            gettext(
                "This is a spreadsheet file, not CSV. In the spreadsheet choose "
                "“Save as” → “CSV UTF-8”, then upload that file."
            )
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RosterFileError(
            gettext(
                "The file is not UTF-8 text. In the spreadsheet choose “Save as” → "
                "“CSV UTF-8” and upload it again."
            )
        ) from error
    if "\x00" in text:
        raise RosterFileError(gettext("The file is not a CSV text file."))
    return text


def _columns(header: list[str]) -> tuple[dict[str, int], list[str]]:
    aliases = {alias: name for name, names in HEADERS.items() for alias in names}
    found: dict[str, int] = {}
    ignored: list[str] = []
    for index, title in enumerate(header):
        key = loose_key(title)
        if not key:
            continue
        if any(word in key.replace(" ", "") for word in FORBIDDEN_WORDS):
            raise RosterFileError(
                gettext(
                    "The file has a column we must not receive: “%(column)s”. Export only "
                    "name, work e-mail or mobile number, cooperative and site, then upload "
                    "it again. Nothing was read or kept.",
                    column=title.strip()[:60],
                )
            )
        name = aliases.get(key)
        if name is None or name in found:
            ignored.append(title.strip()[:60])
        else:
            found[name] = index
    if "name" in found and "last_name" in found:
        # "Nome" next to "Cognome" is the first name.
        found["first_name"] = found.pop("name")
    has_name = "name" in found or ("first_name" in found and "last_name" in found)
    if not has_name or not ({"email", "phone"} & found.keys()):
        raise RosterFileError(
            gettext(
                "The first line must name the columns: at least a name (“Nome e cognome” or "
                "“Nome” and “Cognome”) and an e-mail (“Email”) or a mobile number "
                "(“Cellulare”); also “Cooperativa” and “Sede”. Separate them with ; or ,."
            )
        )
    return found, ignored


def read_rows(text: str) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """(line number, values by column name) for each data line, and the ignored columns."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        header = next(reader, [])
        columns, ignored = _columns(header)
        rows: list[tuple[int, dict[str, str]]] = []
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise RosterFileError(
                    gettext("The file has more than %(n)d people: split it.", n=MAX_ROWS)
                )
            cells = {
                name: (values[index].strip() if index < len(values) else "")
                for name, index in columns.items()
            }
            rows.append((reader.line_num, cells))
    except csv.Error as error:
        raise RosterFileError(
            gettext("The file is not valid CSV (line %(line)d).", line=reader.line_num)
        ) from error
    return rows, ignored


def normalise_phone(value: str) -> str | None:
    """An Italian or international mobile number as +<digits>, or None if it cannot be one."""
    digits = re.sub(r"[\s.\-/()]", "", value)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if not re.fullmatch(r"\+?\d+", digits):
        return None
    if not digits.startswith("+"):
        # A number without prefix is Italian: mobiles start with 3 and have 9–10 digits.
        if not re.fullmatch(r"3\d{8,9}", digits):
            return None
        return "+39" + digits
    if digits.startswith("+39"):
        return digits if re.fullmatch(r"\+393\d{8,9}", digits) else None
    return digits if 9 <= len(digits) <= 16 else None


def normalise_email(value: str) -> str | None:
    try:
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None
