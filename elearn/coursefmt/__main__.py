"""Command line: `python -m elearn.coursefmt check [PATH] [--lang it]` validates course folders."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from elearn.coursefmt.storage import load_courses


def check(path: str, lang: str = "en", out: TextIO | None = None) -> int:
    """Print every error as `path:line: message` (exit code 1) or one line per course (0)."""
    out = out or sys.stdout
    result = load_courses(path)
    for error in result.errors:
        print(error.format(lang), file=out)
    if result.errors:
        return 1
    if not result.courses:
        print(f"{path}: no course found", file=out)
        return 1
    for course in result.courses:
        print(
            f"{course.slug}: {len(course.modules)} modules, {course.quiz_count} quizzes, OK",
            file=out,
        )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    arguments = argparse.ArgumentParser(prog="python -m elearn.coursefmt")
    commands = arguments.add_subparsers(dest="command", required=True)
    check_command = commands.add_parser("check", help="validate course folders")
    check_command.add_argument("path", nargs="?", default="courses")
    check_command.add_argument("--lang", choices=("en", "it"), default="en")
    options = arguments.parse_args(argv)
    return check(options.path, options.lang)


if __name__ == "__main__":
    sys.exit(main())
