"""`python -m elearn.coursefmt check PATH`: errors and exit 1, or one summary line per course."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from elearn.coursefmt.__main__ import main

from .conftest import BAD_ROOT, GOOD_ROOT


def test_check_prints_a_summary_per_good_course(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(GOOD_ROOT)]) == 0
    assert capsys.readouterr().out == "budget-familiare: 2 modules, 3 quizzes, OK\n"


def test_check_prints_errors_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(BAD_ROOT / "quizzes")]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "courses/quizzes/01-scelte.md:8: quiz: 'single' question needs exactly one correct "
        "choice (found 2)"
    )


def test_check_speaks_italian_on_request(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(BAD_ROOT / "no-modules"), "--lang", "it"]) == 1
    assert capsys.readouterr().out == "courses/no-modules/course.yml:1: il corso non ha moduli\n"


def test_check_of_an_empty_folder_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path)]) == 1
    assert "no course found" in capsys.readouterr().out


def test_module_entry_point_runs() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "elearn.coursefmt", "check", str(GOOD_ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == "budget-familiare: 2 modules, 3 quizzes, OK\n"
