"""The fenced blocks inside a module: ```quiz (questions, choices, answers) and ```simulator
(a simulator's fields, checked against the finance library's inputs)."""

from __future__ import annotations

import hashlib
import re

import yaml

from elearn.coursefmt.errors import ErrorList
from elearn.coursefmt.markdown import slugify
from elearn.coursefmt.model import QUIZ_TYPES, Choice, Quiz, SimulatorBlock
from elearn.coursefmt.yamlnodes import (
    Entry,
    YamlSource,
    allowed_list,
    bool_value,
    check_unknown_keys,
    compose,
    is_null,
    mapping_entries,
    number_value,
    required_text,
    text_value,
)
from simulators.budget_catalogue import FREQUENCY_ALIASES, GROUP_ALIASES
from simulators.fields import SIMULATOR_FIELDS

QUIZ_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$")
QUIZ_KEYS = ("id", "question", "type", "choices", "shuffle", "answer", "tolerance", "explanation")
CHOICE_KEYS = ("text", "correct")

# Simulator inputs that are not plain numbers; every other field must be a number.
SIMULATOR_CHOICES = {
    "method": ("french", "italian"),
    "deposit_timing": ("end", "start"),
    "strategy": ("avalanche", "snowball"),
}
# A kind ending in "?" is optional; choice kinds list their words (Italian names accepted).
_FREQUENCY = "choice:" + ",".join(FREQUENCY_ALIASES)
_GROUP = "choice:" + ",".join(GROUP_ALIASES)
SIMULATOR_ENTRIES: dict[str, dict[str, str]] = {
    "incomes": {
        "category": "text",
        "amount": "number",
        "subitem": "text?",
        "frequency": _FREQUENCY + "?",
    },
    "expenses": {
        "category": "text",
        "amount": "number",
        "subitem": "text?",
        "frequency": _FREQUENCY + "?",
        "group": _GROUP + "?",
    },
    "debts": {
        "name": "text",
        "balance": "number",
        "annual_rate": "number",
        "min_payment": "number",
    },
}


def default_quiz_id(question: str) -> str:
    """A stable id from the question text: a short slug plus a hash of the whole text.

    Whitespace is normalised first, so re-wrapping a question keeps its id; any other
    change to the text gives a new id (statistics then start afresh, as they should).
    """
    normalised = " ".join(question.split())
    digest = hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:8]
    slug = slugify(normalised, max_length=40)
    return f"{slug}-{digest}" if slug else f"q-{digest}"


# --------------------------------------------------------------------------- quiz blocks


def _parse_choices(
    entry: Entry, source: YamlSource, path: str, errors: ErrorList
) -> list[Choice] | None:
    if not isinstance(entry.value, yaml.SequenceNode):
        errors.add(path, entry.line, "bad_entries", "quiz", key="choices", fields="text, correct")
        return None
    choices: list[Choice] = []
    valid = True
    for item in entry.value.value:
        item_line = source.line_of(item)
        if not isinstance(item, yaml.MappingNode):
            errors.add(path, item_line, "not_mapping", "choice")
            valid = False
            continue
        fields = mapping_entries(item, source, errors, "choice")
        check_unknown_keys(fields, CHOICE_KEYS, path, errors, "choice")
        text = required_text(fields, "text", path, item_line, errors, "choice")
        correct = False
        if "correct" in fields:
            value = bool_value(fields["correct"].value)
            if value is None:
                errors.add(path, fields["correct"].line, "not_bool", "choice", key="correct")
                valid = False
            correct = bool(value)
        valid = valid and bool(text)
        choices.append(
            Choice(text, correct, fields["text"].line if "text" in fields else item_line)
        )
    return choices if valid else None


def parse_quiz(content: str, fence_line: int, path: str, errors: ErrorList) -> Quiz | None:
    """Parse one ```quiz block whose fence is on `fence_line`; None when it is unusable."""
    source = YamlSource(path, fence_line + 1)
    count_before = len(errors)
    ok, node = compose(content, source, errors)
    if not ok:
        return None
    if not isinstance(node, yaml.MappingNode):
        errors.add(path, fence_line, "not_mapping", "quiz")
        return None
    entries = mapping_entries(node, source, errors, "quiz")
    check_unknown_keys(entries, QUIZ_KEYS, path, errors, "quiz")
    question = required_text(entries, "question", path, fence_line, errors, "quiz")

    quiz_type = "single"
    if "type" in entries:
        value = text_value(entries["type"].value) or ""
        if value not in QUIZ_TYPES:
            errors.add(
                path,
                entries["type"].line,
                "not_choice",
                "quiz",
                key="type",
                allowed=allowed_list(QUIZ_TYPES),
                value=value,
            )
            quiz_type = ""
        else:
            quiz_type = value

    shuffle = True
    if "shuffle" in entries:
        value_bool = bool_value(entries["shuffle"].value)
        if value_bool is None:
            errors.add(path, entries["shuffle"].line, "not_bool", "quiz", key="shuffle")
        shuffle = value_bool is not False

    explanation = ""
    if "explanation" in entries:
        explanation = text_value(entries["explanation"].value) or ""
        if not explanation:
            errors.add(path, entries["explanation"].line, "not_text", "quiz", key="explanation")

    quiz_id, explicit = "", False
    if "id" in entries:
        quiz_id = text_value(entries["id"].value) or ""
        explicit = True
        if not QUIZ_ID_RE.match(quiz_id):
            errors.add(path, entries["id"].line, "bad_quiz_id", "quiz")
    elif question:
        quiz_id = default_quiz_id(question)

    choices: list[Choice] | None = []
    if "choices" in entries:
        choices = _parse_choices(entries["choices"], source, path, errors)

    answer: int | float | None = None
    tolerance: int | float = 0
    if quiz_type in ("single", "multiple"):
        for key in ("answer", "tolerance"):
            if key in entries:
                errors.add(
                    path, entries[key].line, "key_not_for_type", "quiz", key=key, type=quiz_type
                )
        if choices is not None:
            choices_line = entries["choices"].line if "choices" in entries else fence_line
            correct = sum(c.correct for c in choices)
            if len(choices) < 2:
                errors.add(
                    path,
                    choices_line,
                    "choices_required",
                    "quiz",
                    type=quiz_type,
                    count=len(choices),
                )
            elif quiz_type == "single" and correct != 1:
                errors.add(path, choices_line, "single_correct", "quiz", count=correct)
            elif quiz_type == "multiple" and correct < 1:
                errors.add(path, choices_line, "multiple_correct", "quiz")
    elif quiz_type == "number":
        if "choices" in entries:
            errors.add(
                path,
                entries["choices"].line,
                "key_not_for_type",
                "quiz",
                key="choices",
                type="number",
            )
        if "answer" not in entries:
            errors.add(path, fence_line, "number_answer", "quiz")
        else:
            answer = number_value(entries["answer"].value)
            if answer is None:
                errors.add(path, entries["answer"].line, "number_answer", "quiz")
        if "tolerance" in entries:
            value_num = number_value(entries["tolerance"].value)
            if value_num is None or value_num < 0:
                errors.add(path, entries["tolerance"].line, "bad_tolerance", "quiz")
            else:
                tolerance = value_num

    if len(errors) > count_before:
        return None
    return Quiz(
        id=quiz_id,
        question=question,
        type=quiz_type,
        choices=choices or [],
        shuffle=shuffle,
        answer=answer,
        tolerance=tolerance,
        explanation=explanation,
        line=fence_line,
        explicit_id=explicit,
        id_line=entries["id"].line if explicit else entries["question"].line,
        question_line=entries["question"].line,
        explanation_line=entries["explanation"].line if explanation else 0,
    )


# --------------------------------------------------------------------------- simulator blocks


def _entries_value(
    entry: Entry, spec: dict[str, str], path: str, errors: ErrorList
) -> list[dict[str, object]] | None:
    """A list of `{field: value}` entries (budget lines, debts) checked against `spec`."""
    node = entry.value
    entries: list[dict[str, object]] | None = []
    required = {key for key, kind in spec.items() if not kind.endswith("?")}
    for item in node.value if isinstance(node, yaml.SequenceNode) else [None]:
        pairs = item.value if isinstance(item, yaml.MappingNode) else []
        values: dict[str, object] = {}
        for key_node, value_node in pairs:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key in spec and key not in values:
                kind = spec[key].rstrip("?")
                if kind == "number":
                    values[key] = number_value(value_node)
                else:
                    text = text_value(value_node)
                    words = kind.split(":", 1)[1].split(",") if kind.startswith("choice:") else None
                    values[key] = text if words is None or (text or "").lower() in words else None
        if len(pairs) != len(values) or not required <= set(values) or None in values.values():
            entries = None
        elif entries is not None:
            entries.append(values)
    if entries is None:
        fields = ", ".join(
            f"{k} ({t.split(':')[0].rstrip('?')}{', optional' if t.endswith('?') else ''})"
            for k, t in spec.items()
        )
        errors.add(path, entry.line, "bad_entries", "simulator", key=entry.key, fields=fields)
    return entries


def parse_simulator(
    info: str, content: str, fence_line: int, path: str, errors: ErrorList
) -> SimulatorBlock | None:
    """Parse one ```simulator NAME block; None when it is unusable."""
    available = allowed_list(sorted(SIMULATOR_FIELDS))
    words = info.split()
    if len(words) < 2:
        errors.add(path, fence_line, "simulator_name_missing", "simulator", allowed=available)
        return None
    name = words[1]
    if name not in SIMULATOR_FIELDS:
        errors.add(path, fence_line, "unknown_simulator", "simulator", name=name, allowed=available)
        return None
    source = YamlSource(path, fence_line + 1)
    count_before = len(errors)
    ok, node = compose(content, source, errors)
    if not ok:
        return None
    if is_null(node):
        return SimulatorBlock(name, {}, fence_line)
    if not isinstance(node, yaml.MappingNode):
        errors.add(path, fence_line, "not_mapping", "simulator")
        return None
    fields = SIMULATOR_FIELDS[name]
    values: dict[str, object] = {}
    for entry in mapping_entries(node, source, errors, "simulator").values():
        if entry.key not in fields:
            errors.add(
                path,
                entry.line,
                "unknown_field",
                "simulator",
                key=entry.key,
                name=name,
                allowed=allowed_list(sorted(fields)),
            )
        elif entry.key in SIMULATOR_CHOICES:
            value = text_value(entry.value) or ""
            if value not in SIMULATOR_CHOICES[entry.key]:
                errors.add(
                    path,
                    entry.line,
                    "not_choice",
                    "simulator",
                    key=entry.key,
                    allowed=allowed_list(SIMULATOR_CHOICES[entry.key]),
                    value=value,
                )
            values[entry.key] = value
        elif entry.key in SIMULATOR_ENTRIES:
            values[entry.key] = _entries_value(entry, SIMULATOR_ENTRIES[entry.key], path, errors)
        else:
            number = number_value(entry.value)
            if number is None:
                errors.add(path, entry.line, "not_number", "simulator", key=entry.key)
            values[entry.key] = number
    if len(errors) > count_before:
        return None
    return SimulatorBlock(name, values, fence_line)
