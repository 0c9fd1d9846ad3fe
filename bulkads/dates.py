"""Reading the date and time a marketer writes (CONTRACT §2): sent as YYYY-MM-DD HH:MM:SS.

Usage::

    read_moment("2027-12-31")            # datetime(2027, 12, 31, 23, 59, 59): a date alone
    read_moment("12/31/2027 6:00 PM")    # datetime(2027, 12, 31, 18, 0)
    read_moment("03/04/2027")            # DateError: 2027-03-04 or 2027-04-03?
    example(now)                         # '2027-01-05 18:00', a valid end in the future

A date alone means the end of that day. Day and month are never guessed: a numeric
date whose two first numbers could be swapped is an error showing both readings.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

END_OF_DAY = time(23, 59, 59)


class DateError(ValueError):
    """A text that names no moment; the message says what to write."""


def _show(text: str) -> str:
    shown = repr(text)
    return shown if len(shown) <= 60 else shown[:57] + "..."


_TIME = r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?)?"
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME, re.IGNORECASE)
_NUMERIC = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})" + _TIME, re.IGNORECASE)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")),
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = r"([a-z]+)\.?"
_DAY_MONTH = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(\d{4})" + _TIME, re.I)
_MONTH_DAY = re.compile(_MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})" + _TIME, re.I)


def read_moment(text: str) -> datetime:
    """The moment `text` names; raise DateError saying what to write."""
    text = text.strip()
    if match := _ISO.fullmatch(text):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
        return _moment(text, year, month, day, match.groups()[3:])
    if match := _NUMERIC.fullmatch(text):
        return _numeric(text, match)
    for pattern, order in ((_DAY_MONTH, (1, 2)), (_MONTH_DAY, (2, 1))):
        if match := pattern.fullmatch(text):
            named = _MONTHS.get(match[order[1]].lower())
            if named is not None:
                return _moment(text, int(match[3]), named, int(match[order[0]]), match.groups()[3:])
    raise DateError(f"{_show(text)} is not a date and time; write it as YYYY-MM-DD HH:MM")


def from_cell(value: date) -> datetime:
    """A date or date/time cell as a moment: a date alone is the end of its day."""
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, END_OF_DAY)


def example(now: datetime) -> str:
    """An end time a row could use: a month from `now`, at 18:00."""
    return f"{(now + timedelta(days=30)):%Y-%m-%d} 18:00"


def _numeric(text: str, match: re.Match[str]) -> datetime:
    first, second, year = int(match[1]), int(match[2]), int(match[3])
    clock = match.groups()[3:]
    if first > 12:  # 31/12/2027
        return _moment(text, year, second, first, clock)
    if second > 12 or first == second:  # 12/31/2027, 05/05/2027
        return _moment(text, year, first, second, clock)
    readings = []
    for month, day in ((first, second), (second, first)):
        try:
            readings.append(f"{date(year, month, day):%Y-%m-%d (%B %-d)}")
        except ValueError:
            continue
    raise DateError(
        f"{_show(text)} could be {' or '.join(readings)}: day and month can be swapped; "
        "write it as YYYY-MM-DD"
    )


def _moment(text: str, year: int, month: int, day: int, clock: tuple[str | None, ...]) -> datetime:
    hour_text, minute_text, second_text, half = clock
    try:
        if hour_text is None:
            return datetime.combine(date(year, month, day), END_OF_DAY)
        hour = int(hour_text)
        if half is not None:
            if not 1 <= hour <= 12:
                raise ValueError(hour)
            hour = hour % 12 + (12 if half.lower().startswith("p") else 0)
        return datetime(year, month, day, hour, int(minute_text or 0), int(second_text or 0))
    except ValueError:
        raise DateError(f"{_show(text)} is not a real date and time") from None
