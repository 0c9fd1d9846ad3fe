"""Validation (CONTRACT §3): every rule of create_tiktok_campaign, before any call.

Usage::

    checked = check_sheet(sheet, now=datetime.now(), default_advertiser_id=None)
    arguments, issues = check_arguments({"campaign_name": "x", ...}, now=now)

Pure functions over plain data: no I/O. Row problems are `Issue` values. Cells are
read by `bulkads.cells`; the limits of one value and the rules across values are here.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

from bulkads import dates
from bulkads.arguments import (
    ARGUMENTS,
    CREATE,
    CREATIVE_COLUMNS,
    TARGETING,
    Argument,
    Kind,
    word_key,
)
from bulkads.cells import (
    CellError,
    Resolve,
    Value,
    format_datetime,
    is_empty,
    reader,
    text_length,
)
from bulkads.words import Name, names_in

if TYPE_CHECKING:
    from bulkads.sheet import Sheet

Severity = Literal["error", "warning"]

DEFAULT_OBJECTIVE = "TRAFFIC"
REQUIRED = tuple(argument.name for argument in ARGUMENTS if argument.required)
_CANONICAL_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
_Readers = dict[str, tuple[Argument, Callable[[object], Value]]]


def _readers(*, plain: bool = False, resolve: Resolve | None = None) -> _Readers:
    return {
        argument.name: (argument, reader(argument, plain=plain, resolve=resolve))
        for argument in ARGUMENTS
    }


_READERS = _readers()  # the sheet's words (§2a)
_PLAIN_READERS = _readers(plain=True)  # the API's own values, as the API reads them
# Columns whose words are shown in the results as the values sent (`US` → 6252001).
_SHOWN = frozenset(
    argument.name
    for argument in ARGUMENTS
    if argument.kind in (Kind.ENUM, Kind.ENUMS, Kind.LANGUAGES, Kind.DATETIME)
    or argument.name in TARGETING
)


@dataclass(frozen=True)
class Issue:
    """One problem of one row: the column (argument name) it is about and the rule broken."""

    column: str
    message: str  # names the column and the rule, e.g. "ad_text: at most 100 characters (has 112)"
    severity: Severity = "error"
    also: tuple[str, ...] = ()  # other columns the issue is about (highlighted too)


@dataclass(frozen=True)
class CheckedRow:
    """A sheet row after validation."""

    number: int  # the sheet's own row number
    arguments: dict[str, Any]  # JSON-ready values, including the multi-step columns
    issues: tuple[Issue, ...]
    fingerprint: str  # of the normalized arguments; identical rows share it
    sent_as: tuple[str, ...] = ()  # words read as other values: "target_locations: 6252001"

    @property
    def valid(self) -> bool:
        return not any(issue.severity == "error" for issue in self.issues)

    @property
    def names(self) -> list[Name]:
        """Names still to look up with search_tiktok_targeting before the row can be sent."""
        return names_in(self.arguments)


def check_arguments(
    raw: Mapping[str, object], *, now: datetime, plain: bool = False
) -> tuple[dict[str, Any], list[Issue]]:
    """Parse and check one row's raw cells; return the JSON-ready arguments and every issue.

    Arguments hold every value that could be read, even one that breaks a limit
    (too long, in the past); a value that could not be read is left out. `plain`: the
    API's own values only, no words (how the API itself, and so the sandbox, reads them).
    """
    readers = _PLAIN_READERS if plain else _READERS
    arguments, issues, _, _ = _check(raw, now, {}, readers)
    return arguments, issues


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while the rows are checked.

    Every row made here lives until the end, so each full collection walks all of them
    again for nothing: with collections, 20,000 rows take 11-32% longer to check
    (benchmarks/gc_check.py, RESULTS.md). The switch is process-wide, so it is held for
    the loop only and restored as it was, even on an error.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def fingerprint(arguments: Mapping[str, Any]) -> str:
    """A stable hash of normalized arguments: sha256 of canonical JSON."""
    text = _CANONICAL_JSON.encode(arguments)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def check_sheet(
    sheet: Sheet,
    *,
    now: datetime,
    default_advertiser_id: str | None = None,
    resolve: Resolve | None = None,
) -> list[CheckedRow]:
    """Check every row, fill the default advertiser, flag duplicates ("duplicate of row N").

    `resolve` looks names up (interest categories, regions: §2a); without it they stay
    `Name`s in the arguments (see `CheckedRow.names`).
    """
    readers = _READERS if resolve is None else _readers(resolve=resolve)
    checked: list[CheckedRow] = []
    first_row: dict[str, int] = {}  # fingerprint -> the first row that has it
    memo: _Memo = {}
    example = _example_arguments(now)
    with _collector_paused():
        for row in sheet.rows:
            raw = sheet.arguments(row)
            if default_advertiser_id is not None and is_empty(raw.get("advertiser_id")):
                raw = {**raw, "advertiser_id": default_advertiser_id}
            arguments, issues, all_read, sent_as = _check(raw, now, memo, readers)
            key = fingerprint(arguments)
            if _is_example(arguments, example):
                issues.append(Issue("row", f"row: {EXAMPLE_ROW_MESSAGE}"))
            # A row with an unreadable cell lost that cell: its arguments say too little
            # to call it a duplicate of anything.
            if all_read and key in first_row:
                issues.append(Issue("row", f"row: duplicate of row {first_row[key]}"))
            elif all_read:
                first_row[key] = row.number
            checked.append(CheckedRow(row.number, arguments, tuple(issues), key, sent_as))
    return checked


EXAMPLE_ROW_MESSAGE = "the template's example row: delete it"


def _example_arguments(now: datetime) -> dict[str, Any]:
    """The template's example row (the table's examples), read as a sheet row would be."""
    raw = {argument.name: argument.example for argument in ARGUMENTS if argument.example}
    arguments, _, _, _ = _check(raw, now, {}, _READERS)
    return arguments


def _is_example(arguments: dict[str, Any], example: dict[str, Any]) -> bool:
    """Whether a row is the example row left as it is (an advertiser filled in or not)."""
    if arguments.get("campaign_name") != example.get("campaign_name"):
        return False  # the usual case, decided at once
    return {k: v for k, v in arguments.items() if k != "advertiser_id"} == example


# A cell's outcome: its value (_UNREADABLE if it could not be read), its own issues, and
# what its words were sent as ('' when the cell held the API's value); None when empty.
_Cell = tuple[object, tuple[Issue, ...], str]
_UNREADABLE = object()
# Sheets repeat most values down a column (objective, targeting, URLs), so one call of
# check_sheet (one `now`) remembers each (column, type, value) outcome, up to a bound.
_Memo = dict[tuple[str, type, object], _Cell | None]
_MEMO_LIMIT = 200_000
_MEMO_TYPES = frozenset({str, int, float, bool, datetime, date})


def _check(
    raw: Mapping[str, object], now: datetime, memo: _Memo, readers: _Readers
) -> tuple[dict[str, Any], list[Issue], bool, tuple[str, ...]]:
    """Arguments, issues, whether every given cell could be read, and the words' values."""
    arguments: dict[str, Any] = {}
    issues: list[Issue] = []
    given: set[str] = set()
    sent_as: list[str] = []
    for name, value in raw.items():
        if name not in readers:
            issues.append(Issue(name, f"{name}: not an argument of {CREATE}"))
            continue
        cell = _cell(name, value, now, memo, readers)
        if cell is None:
            continue
        given.add(name)
        parsed, cell_issues, shown = cell
        issues.extend(cell_issues)
        if shown:
            sent_as.append(shown)
        if parsed is not _UNREADABLE:
            # Lists are shared through the memo: each row gets its own copy.
            arguments[name] = list(parsed) if parsed.__class__ is list else parsed
    for rule in _ROW_RULES:
        rule(arguments, given, issues)
    return arguments, issues, len(arguments) == len(given), tuple(sent_as)


def _cell(name: str, value: object, now: datetime, memo: _Memo, readers: _Readers) -> _Cell | None:
    cacheable = value.__class__ in _MEMO_TYPES
    key = (name, value.__class__, value)
    if cacheable and key in memo:
        return memo[key]
    argument, read = readers[name]
    cell: _Cell | None
    if is_empty(value):
        cell = None
    else:
        try:
            parsed = read(value)
        except CellError as error:
            cell = (_UNREADABLE, (Issue(name, f"{name}: {error}{_example(argument, now)}"),), "")
        else:
            issues: list[Issue] = []
            _check_value(argument, parsed, now, issues)
            cell = (parsed, tuple(issues), _shown(argument, value, parsed))
    if cacheable and len(memo) < _MEMO_LIMIT:
        memo[key] = cell
    return cell


def _example(argument: Argument, now: datetime) -> str:
    """A valid value to copy, for the kinds whose rules depend on today."""
    return f" (e.g. {dates.example(now)})" if argument.kind is Kind.DATETIME else ""


def _shown(argument: Argument, raw: object, parsed: object) -> str:
    """`target_locations: 6252001, 2635167` when the cell's words were read as other values."""
    if argument.name not in _SHOWN:
        return ""
    sent = ", ".join(parsed) if isinstance(parsed, list) else str(parsed)
    written = str(raw) if not isinstance(raw, list) else ", ".join(map(str, raw))
    if word_key(sent) == word_key(written) or names_in({"": parsed}):
        return ""
    return f"{argument.name}: {sent}"


def _check_value(argument: Argument, value: Any, now: datetime, issues: list[Issue]) -> None:
    """The limits of one value: lengths, counts, amounts, the future."""
    name, kind = argument.name, argument.kind
    if kind is Kind.TEXT:
        _check_length(argument, value, issues)
    elif type(value) is list:
        _check_count(argument, value, issues)
    elif kind is Kind.MONEY and value < 1:
        issues.append(Issue(name, f"{name}: at least 1, has {value:g}"))
    elif kind is Kind.MONEY and argument.advised_minimum and value < argument.advised_minimum:
        floor = f"{argument.advised_minimum:g}"
        message = (
            f"{name}: {value:g} is under {floor}, TikTok's usual floor for a campaign budget "
            "in USD; TikTok may reject it"
        )
        issues.append(Issue(name, message, "warning"))
    elif kind is Kind.DATETIME and value <= format_datetime(now):
        message = f"{name}: must be in the future, is {value}{_example(argument, now)}"
        issues.append(Issue(name, message))


def _check_length(argument: Argument, text: str, issues: list[Issue]) -> None:
    name, length = argument.name, text_length(text)
    cjk = "" if length == len(text) else " (CJK characters count double)"
    if argument.max_length is not None and length > argument.max_length:
        message = f"{name}: at most {argument.max_length} characters, has {length}{cjk}"
        issues.append(Issue(name, message))
    elif argument.min_length is not None and length < argument.min_length:
        issues.append(Issue(name, f"{name}: at least {argument.min_length} characters"))
    elif argument.advised_max_length is not None and length > argument.advised_max_length:
        advised = argument.advised_max_length
        message = f"{name}: over {advised} characters may be truncated, has {length}{cjk}"
        issues.append(Issue(name, message, "warning"))


def _check_count(argument: Argument, items: list[str], issues: list[Issue]) -> None:
    name, count = argument.name, len(items)
    if argument.min_items is not None and count < argument.min_items:
        issues.append(Issue(name, f"{name}: at least {argument.min_items} items, has {count}"))
    elif argument.max_items is not None and count > argument.max_items:
        issues.append(Issue(name, f"{name}: at most {argument.max_items} items, has {count}"))


# Row rules see `arguments` (the values read) and `given` (every non-empty column, read
# or not): "X needs Y" asks whether Y was given, so an unreadable Y is reported once,
# as unreadable, and not again as missing.
Rule = Callable[[dict[str, Any], set[str], list[Issue]], None]


def _required(arguments: dict[str, Any], given: set[str], issues: list[Issue]) -> None:
    for name in REQUIRED:
        if name not in given:
            issues.append(Issue(name, f"{name}: required"))


def _objective(arguments: dict[str, Any], given: set[str]) -> str | None:
    """The row's objective; None when it was given but could not be read."""
    if "objective" not in given:
        return DEFAULT_OBJECTIVE
    return arguments.get("objective")


def _app_promotion(arguments: dict[str, Any], given: set[str], issues: list[Issue]) -> None:
    objective = _objective(arguments, given)
    if objective == "APP_PROMOTION" and "app_id" not in given:
        issues.append(Issue("app_id", "app_id: required when objective is APP_PROMOTION"))
    if "app_promotion_type" in given and objective not in (None, "APP_PROMOTION"):
        message = f"app_promotion_type: only with objective APP_PROMOTION, not {objective}"
        issues.append(Issue("app_promotion_type", message))


def _conversions(arguments: dict[str, Any], given: set[str], issues: list[Issue]) -> None:
    if _objective(arguments, given) == "CONVERSIONS" and "pixel_id" not in given:
        issues.append(Issue("pixel_id", "pixel_id: required when objective is CONVERSIONS"))
    if "optimization_event" in given and "pixel_id" not in given:
        issues.append(Issue("optimization_event", "optimization_event: only with pixel_id"))


def _budget(arguments: dict[str, Any], given: set[str], issues: list[Issue]) -> None:
    daily, lifetime = "budget_daily" in given, "budget_lifetime" in given
    if daily and lifetime:
        message = "budget_lifetime: not with budget_daily; give one of the two"
        issues.append(Issue("budget_lifetime", message))
    elif not daily and not lifetime:
        message = "budget_daily: no budget_daily or budget_lifetime; TikTok's default applies"
        issues.append(Issue("budget_daily", message, "warning"))
    if lifetime and "schedule_end_time" not in given:
        message = "schedule_end_time: required with budget_lifetime"
        issues.append(Issue("schedule_end_time", message))


def _creative(arguments: dict[str, Any], given: set[str], issues: list[Issue]) -> None:
    creatives = [name for name in CREATIVE_COLUMNS if name in given]
    if not creatives:
        message = (
            f"image_urls: no creative; fill exactly one of {', '.join(_CREATIVE_ADVICE)} "
            "(image_urls is the usual one)"
        )
        issues.append(Issue("image_urls", message, also=_CREATIVE_ADVICE[1:]))
    elif len(creatives) > 1:
        message = f"give exactly one creative, this row has {', '.join(creatives)}"
        issues.append(Issue(creatives[0], f"{creatives[0]}: {message}"))


# The creative columns, the ones a marketer fills most first.
_CREATIVE_ADVICE = (
    "image_urls",
    "tiktok_item_id",
    "existing_image_ids",
    "carousel_image_urls",
    "carousel_image_ids",
    "card_id",
    "asset_bundle_id",
)


def _card(arguments: dict[str, Any], given: set[str], issues: list[Issue]) -> None:
    if "card_id" in given and "card_type" not in given:
        issues.append(Issue("card_type", "card_type: required with card_id"))
    if "card_type" in given and "card_id" not in given:
        issues.append(Issue("card_type", "card_type: only with card_id"))


def _placements(arguments: dict[str, Any], given: set[str], issues: list[Issue]) -> None:
    if "placement_type" in given and "placement_type" not in arguments:
        return  # unreadable: already reported, and whether placements belong is unknown
    manual = arguments.get("placement_type") == "PLACEMENT_TYPE_NORMAL"
    if manual and "placements" not in given:
        message = "placements: required with placement_type PLACEMENT_TYPE_NORMAL"
        issues.append(Issue("placements", message))
    elif not manual and "placements" in given:
        message = "placements: only with placement_type PLACEMENT_TYPE_NORMAL"
        issues.append(Issue("placements", message))


def _audiences(arguments: dict[str, Any], given: set[str], issues: list[Issue]) -> None:
    included = set(arguments.get("audience_ids", ()))
    both = [item for item in arguments.get("excluded_audience_ids", ()) if item in included]
    if both:
        message = (
            f"excluded_audience_ids: {', '.join(both[:5])} also in audience_ids; "
            "an audience is included or excluded, not both"
        )
        issues.append(Issue("excluded_audience_ids", message))


_ROW_RULES: tuple[Rule, ...] = (
    _required,
    _app_promotion,
    _conversions,
    _budget,
    _creative,
    _card,
    _placements,
    _audiences,
)
