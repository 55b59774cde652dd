"""Safe YAML reading that keeps line numbers: compose nodes, then read values key by key (with
the checks every file kind shares: unknown keys, required text, lists of text)."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent

from elearn.coursefmt.errors import ErrorList

NULL_TAG = "tag:yaml.org,2002:null"
BOOL_TAG = "tag:yaml.org,2002:bool"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"


class _NoAliasLoader(yaml.SafeLoader):
    """A safe loader that refuses aliases, so `*ref` bombs cannot expand."""

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(problem="__alias__", problem_mark=event.start_mark)
        return super().compose_node(parent, index)


@dataclass
class YamlSource:
    """Where a YAML text sits in its file: the path and the file line of the text's first line."""

    path: str
    first_line: int  # 1-based file line of the YAML text's line 1

    def line_of(self, node: yaml.Node) -> int:
        return self.first_line + node.start_mark.line


def compose(text: str, source: YamlSource, errors: ErrorList) -> tuple[bool, yaml.Node | None]:
    """Parse `text` into a node tree; on a syntax error record it and return (False, None)."""
    try:
        loader = _NoAliasLoader(text)
    except yaml.YAMLError as exc:  # the reader refuses NUL and other unprintable characters
        errors.add(source.path, source.first_line, "yaml_invalid", detail=str(exc).strip())
        return False, None
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # an error at the end of the stream belongs to the last line of the text
        last_line = max(len(text.splitlines()) - 1, 0)
        line = source.first_line + min(mark.line if mark else 0, last_line)
        if exc.problem == "__alias__":
            errors.add(source.path, line, "yaml_alias")
        else:
            detail = (exc.problem or exc.context or "syntax error").strip()
            errors.add(source.path, line, "yaml_invalid", detail=detail)
        return False, None
    except yaml.YAMLError as exc:
        errors.add(source.path, source.first_line, "yaml_invalid", detail=str(exc).strip())
        return False, None
    except RecursionError:
        errors.add(source.path, source.first_line, "yaml_invalid", detail="nested too deeply")
        return False, None
    finally:
        loader.dispose()
    return True, node


def construct(node: yaml.Node) -> object:
    """The plain Python value of a node (safe types only; None for unknown tags)."""
    try:
        return SafeConstructor().construct_object(node, deep=True)
    except (yaml.YAMLError, RecursionError, TypeError, ValueError):
        return None


def is_null(node: yaml.Node | None) -> bool:
    return node is None or (isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG)


@dataclass
class Entry:
    """One `key: value` pair of a mapping with the file line of its key."""

    key: str
    line: int
    value: yaml.Node


def mapping_entries(
    node: yaml.MappingNode, source: YamlSource, errors: ErrorList, context: str = ""
) -> dict[str, Entry]:
    """The entries of a mapping by key; duplicate keys are reported (the first one wins)."""
    entries: dict[str, Entry] = {}
    for key_node, value_node in node.value:
        line = source.line_of(key_node)
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(construct(key_node))
        if key in entries:
            errors.add(source.path, line, "duplicate_key", context, key=key)
            continue
        entries[key] = Entry(str(key), line, value_node)
    return entries


def text_value(node: yaml.Node | None) -> str | None:
    """A scalar as the text the author wrote (`yes` stays 'yes'); None when null or not scalar."""
    if not isinstance(node, yaml.ScalarNode) or is_null(node):
        return None
    return str(node.value).strip()


def number_value(node: yaml.Node | None) -> int | float | None:
    """An int or a finite float; None for anything else (booleans included)."""
    if not isinstance(node, yaml.ScalarNode) or node.tag not in (INT_TAG, FLOAT_TAG):
        return None
    value = construct(node)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def bool_value(node: yaml.Node | None) -> bool | None:
    if not isinstance(node, yaml.ScalarNode) or node.tag != BOOL_TAG:
        return None
    value = construct(node)
    return value if isinstance(value, bool) else None


def allowed_list(keys: Collection[str]) -> str:
    """The words an error message lists as allowed."""
    return ", ".join(keys)


def check_unknown_keys(
    entries: Mapping[str, Entry], allowed: Collection[str], path: str, errors: ErrorList, ctx: str
) -> None:
    for entry in entries.values():
        if entry.key not in allowed:
            errors.add(
                path, entry.line, "unknown_key", ctx, key=entry.key, allowed=allowed_list(allowed)
            )


def required_text(
    entries: Mapping[str, Entry], key: str, path: str, line: int, errors: ErrorList, ctx: str = ""
) -> str:
    entry = entries.get(key)
    if entry is None:
        errors.add(path, line, "missing_key", ctx, key=key)
        return ""
    value = text_value(entry.value)
    if not value:
        errors.add(path, entry.line, "not_text", ctx, key=key)
        return ""
    return value


def text_list(entry: Entry, path: str, errors: ErrorList, ctx: str = "") -> list[str]:
    node = entry.value
    if is_null(node):
        return []
    values = (
        [text_value(item) for item in node.value] if isinstance(node, yaml.SequenceNode) else []
    )
    if not isinstance(node, yaml.SequenceNode) or not all(values):
        errors.add(path, entry.line, "not_text_list", ctx, key=entry.key)
        return []
    return [v for v in values if v]
