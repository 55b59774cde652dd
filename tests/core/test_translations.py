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
