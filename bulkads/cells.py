"""Reading one cell as an API value, per `Kind` (CONTRACT §2).

Usage::

    parse_cell(BY_NAME["budget_daily"], "$1,250.50")  # 1250.5
    parse_cell(BY_NAME["audience_ids"], "1; 2\\n3")  # ['1', '2', '3']

A cell comes as a sheet gives it (str, int, float, bool, date/datetime) or as JSON
gives it (str, int, float, bool, list). `parse_cell` raises `CellError` with the rule
the user broke; `rules` turns it into an `Issue`. Call it on non-empty cells only
(`is_empty`). Limits that need the whole row or the clock live in `rules`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from datetime import date, datetime

from bulkads import dates, words
from bulkads.arguments import TARGETING, Argument, Kind
from bulkads.urls import not_public, web_host

Value = str | float | bool | list[str]
# A name search_tiktok_targeting must turn into an ID: (targeting type, name) -> the ID,
# None when that type's catalogue is not known yet, or ValueError saying what to write.
Resolve = Callable[[str, str], str | None]

ID_EXACT_LIMIT = 2**53  # a double holds every whole number below this exactly
FORMAT_AS_TEXT = "format the column as text and type the ID again"

# TikTok counts these characters double: CJK Unified Ideographs (with Extension A, the
# compatibility block and the supplementary ideographic planes), CJK symbols and
# punctuation, Hiragana, Katakana, Hangul (jamo and syllables) and the fullwidth forms.
_DOUBLE_WIDTH = re.compile(
    "[\u1100-\u11ff\u3000-\u303f\u3040-\u309f\u30a0-\u30ff\u3130-\u318f\u3400-\u4dbf"
    "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff01-\uff60\uffe0-\uffe6\U00020000-\U0003ffff]"
)
_LIST_SEPARATORS = re.compile(r"[,;\r\n]")
# URLs may hold commas (image CDNs use them for transforms), so a comma or semicolon
# separates URLs only where the next item starts with a scheme.
_URL_SEPARATORS = re.compile(r"[\r\n]+|[,;]\s*(?=[A-Za-z][A-Za-z0-9+.\-]*://)")
_SPACE = re.compile(r"\s")
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:\.\d*)?[eE][+-]?\d+")
_WHOLE_WITH_ZEROS = re.compile(r"(\d+)\.0+")  # "123.0": a number written out as text
_CURRENCY = re.compile(r"^(?:[$€£¥]|[A-Za-z]{3})\s*|\s*(?:[$€£¥]|[A-Za-z]{3})$")
_AMOUNT = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|-?\.\d+")
_DATETIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?")
_LANGUAGE = re.compile(r"[A-Za-z]{2}")
# A place or an interest by name: letters first, then letters, spaces and the punctuation
# such names hold (`Beauty & Personal Care`, `St. Louis`); no digits (those are IDs).
_NAME = re.compile(r"[^\W\d_](?:[^\W\d_]|[\s&'’.()/+-])*")
_BOOLEANS = {"true": True, "false": False, "yes": True, "no": False, "1": True, "0": False}
_BOOLEANS |= {"1.0": True, "0.0": False}


class CellError(ValueError):
    """A cell that cannot be read; the message is the rule, without the column name."""


def is_empty(value: object) -> bool:
    """True for a cell that means "argument omitted": None, blank text, NaN/NaT, []."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float | datetime):
        return value != value  # NaN, and pandas' NaT, are unequal to themselves
    return isinstance(value, list) and not value


def text_length(text: str) -> int:
    """The length TikTok counts: CJK characters count double."""
    if text.isascii():
        return len(text)
    return len(text) + len(_DOUBLE_WIDTH.findall(text))


def show(value: object) -> str:
    """A cell value as a message quotes it, cut short."""
    shown = f"{value:.7g}" if isinstance(value, float) else repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def parse_cell(argument: Argument, value: object, *, plain: bool = False) -> Value:
    """The API value of a non-empty cell; raise CellError naming the broken rule."""
    return reader(argument, plain=plain)(value)


def reader(
    argument: Argument, *, plain: bool = False, resolve: Resolve | None = None
) -> Callable[[object], Value]:
    """The function that reads `argument`'s cells (build once, call per cell).

    `plain`: only the API's own values, as the API itself reads them (no words, §2a).
    `resolve`: looks names up (interest categories, regions); without it a name that
    needs a lookup is read as a `words.Name`, left for the run to resolve.
    """
    if argument.kind.is_list:
        parse_item = _ITEM[argument.kind] if plain else _word_item(argument, resolve)
        separators = _URL_SEPARATORS if argument.kind is Kind.URLS else _LIST_SEPARATORS
        # `US, United States` names one place: sent once.
        once = not plain and parse_item is not _ITEM[argument.kind]
        return lambda value: _parse_list(argument, parse_item, separators, value, once)
    parse = (
        _SCALAR[argument.kind] if plain else _WORD_SCALAR.get(argument.kind, _SCALAR[argument.kind])
    )

    def read(value: object) -> Value:
        if isinstance(value, list | tuple | dict | set):
            raise CellError(f"expected one value, got {type(value).__name__} {show(value)}")
        return parse(argument, value)

    return read


def _as_text(value: object) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        whole = value.is_integer() and abs(value) < ID_EXACT_LIMIT
        return str(int(value)) if whole else repr(value)
    raise CellError(f"expected text, got {_describe(value)}")


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).upper()}"
    if isinstance(value, datetime | date):
        return f"the date {value.isoformat()}"
    return f"{type(value).__name__} {show(value)}"


def _text(argument: Argument, value: object) -> str:
    # A name typed as 2026-05-01 becomes a date cell; read it back as it was typed.
    if isinstance(value, datetime):
        return value.isoformat(" ") if value.time() != datetime.min.time() else str(value.date())
    if isinstance(value, date):
        return value.isoformat()
    return _as_text(value)


def _url(argument: Argument, value: object) -> str:
    return _url_and_host(value)[0]


def _url_and_host(value: object) -> tuple[str, str]:
    text = _as_text(value)
    try:
        return text, web_host(text)
    except ValueError as exc:
        raise CellError(f"{show(text)} {exc}") from None


def _public_url(argument: Argument, value: object) -> str:
    text, host = _url_and_host(value)
    if not_public(host):
        raise CellError(f"{show(text)} is not a public URL: TikTok cannot fetch it")
    return text


def _id(argument: Argument, value: object) -> str:
    if isinstance(value, str) and value.isascii() and value.strip().isdigit():
        return value.strip()  # the common case, before the slower checks
    text = _id_text(value)
    if _SPACE.search(text):
        raise CellError(f"{show(text)} is not an ID: it contains a space")
    if argument.digits_only and not (text.isascii() and text.isdigit()):
        raise CellError(f"{show(text)} is not an ID of digits only")
    return text


def _id_text(value: object) -> str:
    if isinstance(value, str):
        text = value.strip()
        if _SCIENTIFIC.fullmatch(text):
            raise CellError(
                f"{text} is a number in scientific notation, which has lost the ID's digits; "
                + FORMAT_AS_TEXT
            )
        whole = _WHOLE_WITH_ZEROS.fullmatch(text)
        return _whole_id(int(whole[1]), text) if whole else text
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CellError(f"expected an ID, got {_describe(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise CellError(f"{show(value)} is not an ID")
    if isinstance(value, float) and not value.is_integer():
        raise CellError(f"{show(value)} is not a whole number, so not an ID; {FORMAT_AS_TEXT}")
    return _whole_id(int(value), show(value))


def _whole_id(number: int, shown: str) -> str:
    if abs(number) >= ID_EXACT_LIMIT:
        raise CellError(f"{shown} is a number too large to hold the ID exactly; {FORMAT_AS_TEXT}")
    return str(number)


def _enum(argument: Argument, value: object) -> str:
    text = _as_text(value).upper()
    if text not in argument.choices:
        raise CellError(f"{show(text)} is not one of {', '.join(argument.choices)}")
    return text


def _enum_word(argument: Argument, value: object) -> str | list[str]:
    text = _as_text(value)
    upper = text.upper()
    if upper in argument.choices:
        return upper
    found = words.enum_word(argument, text)
    if found is not None:
        return found
    if argument.name == "target_age_groups":
        groups = words.age_groups(text)
        if groups is not None:
            return groups
        hint = words.enum_hint(argument, text)
        hint = f"{hint} {words.AGE_HINT}" if hint else words.AGE_HINT
        raise CellError(f"{show(text)} is not one of {', '.join(argument.choices)}; {hint}")
    hint = words.enum_hint(argument, text)
    raise CellError(
        f"{show(text)} is not one of {', '.join(argument.choices)}" + (f"; {hint}" if hint else "")
    )


def _one(found: str | list[str]) -> str:
    if isinstance(found, list):
        raise CellError(f"names several values ({', '.join(found)}); this column takes one")
    return found


def _language_word(argument: Argument, value: object) -> str:
    text = _as_text(value)
    code = words.language(text)
    if code is None:
        raise CellError(f"{show(text)} is not a language: {words.language_hint(text)}")
    return code


def _word_item(argument: Argument, resolve: Resolve | None) -> Callable[[Argument, object], Item]:
    """How one list item is read when words are allowed."""
    if argument.kind is Kind.ENUMS:
        return _enum_word
    if argument.kind is Kind.LANGUAGES:
        return _language_word
    targeting = TARGETING.get(argument.name)
    if targeting is None:
        return _ITEM[argument.kind]

    def read(argument: Argument, value: object) -> Item:
        if isinstance(value, str) and value.isascii() and value.strip().isdigit():
            return value.strip()
        if isinstance(value, str) and _NAME.fullmatch(value.strip()):
            return _named(targeting, value.strip(), resolve)
        return _id(argument, value)  # digits stay IDs, with the ID's errors

    return read


def _named(targeting: str, text: str, resolve: Resolve | None) -> str:
    """The ID a name stands for: a country or US state offline, else search_tiktok_targeting."""
    if targeting == "regions":
        found = words.places(text)
        if len(found) == 1:
            return found[0].id
        if len(found) > 1:
            listed = " or ".join(place.describe() for place in found)
            raise CellError(f"{show(text)} could be {listed}; write the one you mean by its ID")
        if len(text) <= 3 and text.isalpha():  # a code, but not a country's
            raise CellError(f"{show(text)} is not a country code; {words.place_hint(text)}")
    try:
        resolved = resolve(targeting, text) if resolve is not None else None
    except ValueError as error:
        raise CellError(str(error)) from None
    return words.Name.of(targeting, text) if resolved is None else resolved


def _language(argument: Argument, value: object) -> str:
    text = _as_text(value)
    if not _LANGUAGE.fullmatch(text):
        raise CellError(f"{show(text)} is not a two-letter language code such as en")
    return text.lower()


def _bool(argument: Argument, value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return value == 1
    if isinstance(value, str) and value.strip().lower() in _BOOLEANS:
        return _BOOLEANS[value.strip().lower()]
    raise CellError(f"{show(value)} is not a boolean; use true/false, yes/no or 1/0")


def _money(argument: Argument, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise CellError(f"expected an amount, got {_describe(value)}")
    if isinstance(value, str):
        amount = _CURRENCY.sub("", value.strip())
        if not _AMOUNT.fullmatch(amount):
            raise CellError(f"{show(value)} is not an amount; write it like 1250.50")
        value = amount.replace(",", "")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise CellError(f"{show(value)} is not a finite amount")
    return number


def _datetime_word(argument: Argument, value: object) -> str:
    """Sent as YYYY-MM-DD HH:MM:SS; a date alone means the end of that day."""
    if isinstance(value, datetime | date):
        return format_datetime(dates.from_cell(value))
    try:
        return format_datetime(dates.read_moment(_as_text(value)))
    except dates.DateError as error:
        raise CellError(str(error)) from None


def _datetime(argument: Argument, value: object) -> str:
    """The API's own form, YYYY-MM-DD HH:MM[:SS]; a date alone means its midnight."""
    if isinstance(value, datetime | date):
        moment = (
            value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
        )
        return format_datetime(moment)
    text = _as_text(value)
    match = _DATETIME.fullmatch(text)
    if not match:
        raise CellError(f"{show(text)} is not a date and time like 2026-05-01 18:00")
    try:
        year, month, day, hour, minute, second = (int(part) for part in match.groups("0"))
        moment = datetime(year, month, day, hour, minute, second)
    except ValueError:
        raise CellError(f"{show(text)} is not a real date and time") from None
    return format_datetime(moment)


def format_datetime(moment: datetime) -> str:
    """YYYY-MM-DD HH:MM:SS; strings in this form sort as the times they name."""
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d} "
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
    )


Item = str | list[str]  # a word may stand for several values (`18+`: five age groups)


def _parse_list(
    argument: Argument,
    parse_item: Callable[[Argument, object], Item],
    separators: re.Pattern[str],
    value: object,
    once: bool = False,
) -> list[str]:
    """The items of a list cell; `once`: a value is kept once (words may repeat it)."""
    items: list[str] = []
    problems = []
    for item in _split(value, separators):
        if is_empty(item):
            continue
        try:
            if isinstance(item, list | tuple | dict | set):
                raise CellError(f"expected one value per item, got {type(item).__name__}")
            parsed = parse_item(argument, item)
        except CellError as error:
            problems.append(str(error))
            continue
        if isinstance(parsed, list):  # `18+, 25-34`: each group once, in order
            items.extend(value for value in parsed if value not in items)
        elif not (once and parsed in items):
            items.append(parsed)
    if problems:
        more = f"; and {len(problems) - 3} more" if len(problems) > 3 else ""
        raise CellError("; ".join(problems[:3]) + more)
    return items


def _split(value: object, separators: re.Pattern[str]) -> list[object]:
    if isinstance(value, list | tuple):
        return list(value)
    if not isinstance(value, str):
        return [value]
    text = value.strip()
    if text.startswith("["):
        try:
            items = json.loads(text)
        except (ValueError, RecursionError):
            raise CellError(f"{show(text)} starts with [ but is not a JSON array") from None
        if not isinstance(items, list):
            raise CellError(f"{show(text)} starts with [ but is not a JSON array")
        return items
    return list(separators.split(text))


_SCALAR: dict[Kind, Callable[[Argument, object], Value]] = {
    Kind.TEXT: _text,
    Kind.URL: _url,
    Kind.ID: _id,
    Kind.ENUM: _enum,
    Kind.BOOL: _bool,
    Kind.MONEY: _money,
    Kind.DATETIME: _datetime,
}
_WORD_SCALAR: dict[Kind, Callable[[Argument, object], Value]] = {
    Kind.ENUM: lambda argument, value: _one(_enum_word(argument, value)),
    Kind.DATETIME: _datetime_word,
}
_ITEM: dict[Kind, Callable[[Argument, object], Item]] = {
    Kind.IDS: _id,
    Kind.URLS: _public_url,
    Kind.ENUMS: _enum,
    Kind.LANGUAGES: _language,
}
