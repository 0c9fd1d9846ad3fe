"""Text from elsewhere (the API's answers, the sheet's cells, file names) shown inert.

Usage::

    console.print(shown(f"row 3: rejected — {answer_text}"))   # a rich Text: no markup, no emoji
    inert("\\x1b]0;pwned\\x07Acme")                                # '\\\\x1b]0;pwned\\\\x07Acme'

A terminal obeys escape sequences (set the window title, clear the screen, hide
text), rich obeys `[markup]` and `:emoji:` codes in a `str`. Every such text goes
through `shown`: control characters other than newline and tab, C1 controls, and
the bidirectional overrides that can make a line read differently than it is are
written out as `\\x1b`, `\\u202e`; and a `Text` is never parsed for markup or emoji.
"""

from __future__ import annotations

import re

from rich.text import Text

_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def inert(text: str) -> str:
    """`text` with every character a terminal would act on written out visibly."""
    return _UNSAFE.sub(_escape, text)


def json_inert(text: str) -> str:
    """JSON text with the characters `json.dumps` leaves raw (C1 controls, bidi overrides)
    written as `\\uXXXX` escapes: the same JSON value, inert on a terminal."""
    return _UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def shown(text: str, style: str = "") -> Text:
    """`text` made inert, as a rich Text (printed as is: no markup, no emoji codes)."""
    return Text(inert(text), style=style)
