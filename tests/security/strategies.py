"""Hypothesis strategies for bad input: odd text, wrong types, odd dates, uploads, raw bodies."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from tests.learning.access import FIXTURES

# Text a person or a script might send: every script, direction marks, invisible characters,
# control characters and NUL, injections of every kind, numbers in every form.
ODD_TEXT = [
    "",
    " ",
    "   \t  ",
    "Zoë Ñandú àèìòù ÀÉÎÕÜ ß",
    "😀",
    "👩‍👩‍👧‍👦🇮🇹",
    "مرحبا بالعالم",
    "שלום",
    "\u202eevil\u202c",
    "\u200b\u200d\ufeff",
    "𝕳𝖊𝖑𝖑𝖔",
    "\U0010ffff\ufffe",
    "\x00",
    "a\x00b",
    "\x01\x02\x1b[31m",
    "\r\n\r\n",
    "\t",
    "\x7f\x85\x9f",
    "\u2028\u2029",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{7*7}}",
    "${7*7}",
    "{% raw %}",
    "'; DROP TABLE user_account; --",
    "' OR '1'='1",
    "%00",
    "%s%s%n",
    "../../etc/passwd",
    "C:\\Windows\\win.ini",
    "//evil.example/x",
    "http://evil.example/",
    "javascript:alert(1)",
    '=HYPERLINK("http://evil.example")',
]
ODD_NUMBERS = [
    "0",
    "-0",
    "-1",
    "-999999999999",
    "1e309",
    "-1e309",
    "1e-400",
    "NaN",
    "nan",
    "inf",
    "-Infinity",
    "9" * 30,
    "9" * 5000,
    "²",
    "١٢٣",
    "１２",
    "0x1F",
    "1_000",
    "3.14",
    "1,5",
    "1.234,56",
    "true",
    "null",
    "[]",
    "{}",
    "[object Object]",
]
ODD_DATES = [
    "2024-02-30",
    "30/02/2024",
    "2024-13-45",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "+275760-09-13",
    "2024-1-1",
    "20240101",
    "2024-01-01T25:61",
    "2024-W05",
    "25:61",
    "24:00",
    "23:59:60",
    "-01:00",
    "12.30",
    "1:2",
    "9:00 PM",
]
# What a query parameter holding an id, a page number or a week may meet.
EDGE_QUERY = ["9" * 30, "²", "-1", "0", "", "9999-12-31", "0001-01-01", "1e309", "NaN", "all"]
LONG_TEXT = ["x" * 121, "x" * 256, "é" * 1001, "😀" * 2001, "a" * 200_001]

_characters = st.characters(exclude_categories=("Cs",))
JUNK_TEXT = st.one_of(
    st.sampled_from(ODD_TEXT),
    st.sampled_from(ODD_NUMBERS),
    st.sampled_from(ODD_DATES),
    st.sampled_from(LONG_TEXT),
    st.text(_characters, max_size=40),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats().map(repr),
)


def _tomorrow() -> str:
    return (date.today() + timedelta(days=1)).isoformat()


def hints(name: str, kind: str, invite_code: str) -> list[str]:
    """Values that pass a field's validation, so the other fields' junk gets deep."""
    from tests.conftest import PASSWORD
    from tests.security.world import STRONG_PASSWORD

    base = name.rsplit("-", 1)[-1]
    if base == "current_password":
        return [PASSWORD]
    if kind == "password":
        return [STRONG_PASSWORD]
    if kind == "email" or base == "email":
        return ["new.person@example.org", "worker@example.org"]
    if kind == "date" or base in ("day", "due_date"):
        return [_tomorrow(), (date.today() + timedelta(days=30)).isoformat()]
    if kind == "time" or base in ("start", "end"):
        return ["09:00", "12:30"] if base != "end" else ["11:00", "18:00"]
    if base == "invite_code":
        return [invite_code]
    if base == "slug":
        return ["nuovo-corso", "99-extra"]
    if base == "code":
        from tests.conftest import totp_code

        return [totp_code()]
    if base in ("minutes",):
        return ["30", "45"]
    if base in ("weeks",):
        return ["1", "2"]
    if base in ("capacity",):
        return ["10"]
    return ["Testo di prova", "Zoë 😀 à"]


# --- uploads --------------------------------------------------------------------------------

PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _course_zip() -> bytes:
    root = Path(FIXTURES) / "prova"
    return _zip({f"prova/{p.name}": p.read_bytes() for p in sorted(root.iterdir())})


FILE_BODIES = [
    b"",
    PNG_1X1,
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
    b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
    b"\xff\xd8\xff\xe0" + b"junk" * 10,
    b"RIFF\x10\x00\x00\x00WEBPVP8 ",
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>',
    b"<html><script>alert(1)</script></html>",
    b"PK\x03\x04" + b"\x00" * 40,
    _course_zip(),
    _zip({"../../evil.md": b"x", "prova/course.yml": b"title: x\n"}),
    _zip({"a/course.yml": b"title: [unclosed\n", "b/course.yml": b"{}"}),
    _zip({"bomba/course.yml": b"title: Bomba\n", "bomba/01-x.md": b"0" * 5_000_000}),
]
FILE_NAMES = [
    "immagine.png",
    "foto.jpg",
    "corso.zip",
    "../../etc/passwd",
    "x.svg",
    "",
    "😀 foto.png",
    "a" * 300 + ".png",
    "con.png",
    "a\r\nb.png",
    ".htaccess",
    "img.PNG.exe",
]
UPLOADS = st.tuples(
    st.one_of(st.sampled_from(FILE_BODIES), st.binary(max_size=3000)),
    st.one_of(st.sampled_from(FILE_NAMES), st.text(_characters, max_size=30)),
    st.sampled_from(["image/png", "application/zip", "text/html", "application/octet-stream"]),
)


# --- whole bodies that are not the form at all ----------------------------------------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(_characters, max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(_characters, max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
MALFORMED_JSON = [
    b"",
    b"{",
    b'{"principal": 1000,',
    b"{'principal': 1000}",
    b"[1, 2,]",
    b"NaN",
    b'{"principal": NaN, "annual_rate": Infinity, "months": -Infinity}',
    b'{"principal": 1e999, "annual_rate": 1e999, "months": 1e999}',
    b'{"principal": ' + b"9" * 5000 + b"}",
    b'{"principal": 1000, "principal": "mille"}',
    b"\xef\xbb\xbf{}",
    '{"a": "é"}'.encode("utf-16"),
    b'{"a": "\xff\xfe"}',
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a":' * 5000 + b"1" + b"}" * 5000,
    b'"just a string"',
    b"null",
    b"a=1&b=2",
    b"\x00\x01\x02",
    b'{"principal": "\\ud800"}',
]
CONTENT_TYPES = [
    "application/json",
    "application/json; charset=latin-1",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "multipart/form-data; boundary=nothing",
    "application/xml",
    "",
]
RAW_FORM_BODIES = [
    b"%ff%fe=%c3%28",
    b"a=%zz&b=%",
    b"&&&===",
    b"csrf_token",
    b"\x00\x00",
    b"a=" + b"b" * 100_000,
    b'--nothing\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n',
]


def raw_bodies() -> st.SearchStrategy[tuple[bytes, str]]:
    return st.tuples(
        st.one_of(
            st.sampled_from(MALFORMED_JSON),
            st.sampled_from(RAW_FORM_BODIES),
            JSON_VALUES.map(lambda v: json.dumps(v).encode()),
            st.binary(max_size=300),
        ),
        st.sampled_from(CONTENT_TYPES),
    )


def extra_fields() -> st.SearchStrategy[dict[str, Any]]:
    names = st.one_of(
        st.sampled_from(
            ["id", "user_id", "role", "roles", "admin", "is_admin", "__proto__", "action", "next"]
        ),
        st.text(_characters, min_size=1, max_size=12),
    )
    return st.dictionaries(names, st.lists(JUNK_TEXT, min_size=1, max_size=2), max_size=3)
