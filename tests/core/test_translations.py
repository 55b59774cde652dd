"""Every string of the interface has an Italian translation, compiled into the .mo file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "elearn" / "translations" / "it" / "LC_MESSAGES"


def _extract(tmp_path: Path) -> list:
    target = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "lazy_gettext",
            "-k",
            "_l",
            "--no-location",
            "-o",
            str(target),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with target.open("rb") as handle:
        return [message for message in read_po(handle) if message.id]


def test_every_interface_string_is_translated_to_italian(tmp_path):
    with (CATALOGUE / "messages.po").open("rb") as handle:
        catalogue = read_po(handle, locale="it")
    missing = []
    for message in _extract(tmp_path):
        translated = catalogue.get(message.id)
        strings = (
            (translated.string,)
            if translated and isinstance(translated.string, str)
            else (translated.string if translated else ("",))
        )
        if translated is None or not all(strings) or translated.fuzzy:
            missing.append(message.id)
    assert not missing, f"untranslated: {missing[:20]} ({len(missing)} in all)"


def _plain(value):
    return tuple(value) if isinstance(value, list | tuple) else value


def test_compiled_catalogue_matches_the_po_file():
    with (CATALOGUE / "messages.po").open("rb") as handle:
        po = {
            _plain(m.id): _plain(m.string)
            for m in read_po(handle, locale="it")
            if m.id and not m.fuzzy
        }
    with (CATALOGUE / "messages.mo").open("rb") as handle:
        mo = {_plain(m.id): _plain(m.string) for m in read_mo(handle) if m.id}
    assert po == mo, "run pybabel compile -d elearn/translations"


def test_no_string_is_translated_twice():
    # Branches append their entries; a string appended twice keeps only the last translation,
    # so one screen's word silently changes another's ("Need" of the budget vs of a lab card).
    text = (CATALOGUE / "messages.po").read_text(encoding="utf-8")
    seen: dict[tuple[str, str], int] = {}
    duplicates = []
    for entry in text.split("\n\n"):
        lines = [line for line in entry.splitlines() if not line.startswith("#")]
        context = next((line for line in lines if line.startswith("msgctxt ")), "")
        start = next((i for i, line in enumerate(lines) if line.startswith("msgid ")), None)
        if start is None:
            continue
        end = next(
            (i for i, line in enumerate(lines) if line.startswith(("msgstr", "msgid_plural"))),
            len(lines),
        )
        key = (context, "\n".join(lines[start:end]))
        if key == ("", 'msgid ""'):
            continue  # the header
        seen[key] = seen.get(key, 0) + 1
        if seen[key] == 2:
            duplicates.append(key[1])
    assert duplicates == []
