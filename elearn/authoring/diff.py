"""What changed between two texts of a module: a line diff with the changed words marked."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

CONTEXT_LINES = 3
# Pair a removed line with an added one (and mark the changed words) only when they are
# this similar; otherwise they read better as one line gone and another new.
_PAIRING_RATIO = 0.5
# Beyond these sizes the word marking is skipped (SequenceMatcher is quadratic).
_MAX_WORD_DIFF_CHARS = 2000
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


@dataclass
class Piece:
    """Part of a line: `same`, or the words that changed (`removed` / `added`)."""

    kind: str
    text: str


@dataclass
class Row:
    """One line of the diff: `same`, `removed` or `added`, with its numbers in each text."""

    kind: str
    old_number: int | None
    new_number: int | None
    pieces: list[Piece]


@dataclass
class Hunk:
    """A run of changed lines with a few unchanged ones around them."""

    rows: list[Row]
    # Unchanged lines left out before this hunk (shown as "n lines unchanged").
    skipped_before: int = 0


@dataclass
class TextDiff:
    hunks: list[Hunk] = field(default_factory=list)
    added: int = 0
    removed: int = 0
    skipped_after: int = 0

    @property
    def identical(self) -> bool:
        return not self.added and not self.removed


def _word_pieces(old: str, new: str) -> tuple[list[Piece], list[Piece]] | None:
    if len(old) + len(new) > _MAX_WORD_DIFF_CHARS:
        return None
    old_tokens, new_tokens = _TOKENS.findall(old), _TOKENS.findall(new)
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    if matcher.ratio() < _PAIRING_RATIO:
        return None
    old_pieces: list[Piece] = []
    new_pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            old_pieces.append(Piece("same", "".join(old_tokens[i1:i2])))
            new_pieces.append(Piece("same", "".join(new_tokens[j1:j2])))
            continue
        if i2 > i1:
            old_pieces.append(Piece("removed", "".join(old_tokens[i1:i2])))
        if j2 > j1:
            new_pieces.append(Piece("added", "".join(new_tokens[j1:j2])))
    return old_pieces, new_pieces


def _changed_rows(
    old_lines: list[str], new_lines: list[str], i1: int, i2: int, j1: int, j2: int
) -> list[Row]:
    """The removed lines, then the added ones; similar pairs get their changed words marked."""
    removed = [Row("removed", i + 1, None, [Piece("same", old_lines[i])]) for i in range(i1, i2)]
    added = [Row("added", None, j + 1, [Piece("same", new_lines[j])]) for j in range(j1, j2)]
    for offset in range(min(len(removed), len(added))):
        pieces = _word_pieces(old_lines[i1 + offset], new_lines[j1 + offset])
        if pieces is not None:
            removed[offset].pieces, added[offset].pieces = pieces
    return removed + added


def diff_texts(old: str, new: str, context: int = CONTEXT_LINES) -> TextDiff:
    """A unified diff of two texts, in hunks with `context` unchanged lines around changes."""
    old_lines, new_lines = old.split("\n"), new.split("\n")
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    result = TextDiff()
    shown_until = 0  # old-text line index up to which lines are already shown
    for group in matcher.get_grouped_opcodes(context):
        hunk = Hunk(rows=[], skipped_before=group[0][1] - shown_until)
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                hunk.rows.extend(
                    Row("same", i1 + k + 1, j1 + k + 1, [Piece("same", old_lines[i1 + k])])
                    for k in range(i2 - i1)
                )
            else:
                hunk.rows.extend(_changed_rows(old_lines, new_lines, i1, i2, j1, j2))
                result.removed += i2 - i1
                result.added += j2 - j1
        shown_until = group[-1][2]
        result.hunks.append(hunk)
    if result.hunks:
        result.skipped_after = len(old_lines) - shown_until
    return result
