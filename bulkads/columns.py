"""The header row → columns: which argument or results column each header names.

Usage::

    warnings: list[str] = []
    headers = ["Campaign Name", "Daily Budget", "Notes"]
    columns = columns_for(path, headers, ["A", "B", "C"], warnings)
    columns[1].name     # "budget_daily" (a marketer's words are aliases: `bulkads.arguments`)
    columns[2].role     # "unknown": copied to the results, never sent; `warnings` says so

A header naming a column twice, or no argument at all, is a SheetError; an unknown
header is a warning, with the arguments it resembles.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bulkads.arguments import ALIASES, CREATE, RESULT_KEYS, argument_for, header_key, word_key
from bulkads.errors import SheetError

Role = Literal["argument", "result", "unknown"]

_UNKNOWN_LISTED = 10  # unknown columns warned about one by one; the rest in one line


@dataclass(frozen=True)
class Column:
    """One column of the sheet, as its header names it."""

    index: int  # 0-based position in every row's `cells`
    header: str  # as written in the sheet ("column F" for data under an empty header)
    role: Role
    name: str  # the argument or result column it is; for "unknown", the header itself
    letter: str = ""  # the sheet's own column letter ("A", "AB"), as Excel shows it


def columns_for(
    path: Path, headers: list[object], letters: list[str], warnings: list[str]
) -> tuple[Column, ...]:
    """The columns `headers` name, in order; a warning for each unknown one goes to `warnings`."""
    columns: list[Column] = []
    seen: dict[str, Column] = {}
    unknown: list[tuple[Column, bool]] = []
    for index, (value, letter) in enumerate(zip(headers, letters, strict=True)):
        header = header_text(value) or f"column {letter}"
        key = header_key(header)
        argument = argument_for(header)
        if argument is not None and key not in RESULT_KEYS:
            column = Column(index, header, "argument", argument.name, letter)
        elif key in RESULT_KEYS:
            column = Column(index, header, "result", RESULT_KEYS[key], letter)
        else:
            column = Column(index, header, "unknown", header, letter)
            unknown.append((column, bool(header_text(value))))
        if column.role != "unknown":
            if column.name in seen:
                raise _duplicate(path, seen[column.name], column)
            seen[column.name] = column
        columns.append(column)
    warnings.extend(_unknown_warnings(unknown))
    if not any(column.role == "argument" for column in columns):
        shown = ", ".join(repr(column.header) for column in columns[:4])
        raise SheetError(
            f"{path}: no header row with argument names found (the first non-empty row has"
            f" {shown}); expected columns like campaign_name, ad_text, display_name,"
            " landing_page_url — see `bulkads template`"
        )
    return tuple(columns)


def _unknown_warnings(unknown: list[tuple[Column, bool]]) -> list[str]:
    """One warning per unknown column, the first few; the rest summed up in one line."""
    listed = [_unknown_warning(column, named) for column, named in unknown[:_UNKNOWN_LISTED]]
    rest = unknown[_UNKNOWN_LISTED:]
    if rest:
        names = ", ".join(repr(column.header) for column, _ in rest[:5])
        more = f", … ({len(rest) - 5:,} more)" if len(rest) > 5 else ""
        listed.append(
            f"{len(rest):,} more columns are not arguments of {CREATE} ({names}{more});"
            " they are copied to the results but never sent"
        )
    return listed


def _unknown_warning(column: Column, named: bool) -> str:
    if not named:
        return f"{column.header} has data but no header; it is copied to the results but never sent"
    near = _did_you_mean(column.header)
    advice = f"; did you mean {' or '.join(near)}? (rename the column)" if near else ""
    return (
        f"column {column.header!r} is not an argument of {CREATE}; it is copied to the results "
        f"but never sent{advice}"
    )


# Headers a marketer may mean: every argument name and alias, shown as "name (Alias)".
_HEADER_WORDS: dict[str, str] = {}
for _name, _aliases in ALIASES.items():
    _HEADER_WORDS.setdefault(word_key(_name), _name)
    for _alias in _aliases:
        _HEADER_WORDS.setdefault(word_key(_alias), f"{_name} ({_alias})")


def _did_you_mean(header: str) -> list[str]:
    """The arguments a header resembles most (difflib's similarity), by name."""
    key = word_key(header)
    scored = []
    for candidate, shown in _HEADER_WORDS.items():
        matcher = difflib.SequenceMatcher(None, key, candidate)
        if matcher.real_quick_ratio() >= 0.7 and matcher.quick_ratio() >= 0.7:
            scored.append((matcher.ratio(), shown))
    scored.sort(key=lambda pair: -pair[0])
    found: list[str] = []
    for score, shown in scored:
        name = shown.split(" ")[0]
        close = score >= 0.7 and score >= scored[0][0] - 0.1
        if close and not any(other.split(" ")[0] == name for other in found):
            found.append(shown)
    return found[:3]


def _duplicate(path: Path, first: Column, second: Column) -> SheetError:
    return SheetError(
        f"{path}: columns {first.header!r} ({first.letter}) and {second.header!r}"
        f" ({second.letter}) are both {first.name}; delete or rename one of them"
    )


def header_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters
