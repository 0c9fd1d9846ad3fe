"""Reading the API key from a file or the environment, checked, never echoed.

Usage::

    key = key_from_file(Path("~/.adspirer-key").expanduser())   # Secret, or UsageError
    key = key_from_env(os.environ.get("ADSPIRER_API_KEY"))

A key is one token of visible ASCII (`sk_live_…`): a line break inside it would break
the Authorization header, a non-ASCII character cannot travel in one, and a UTF-8 BOM
(Notepad's) is not part of it. No message ever quotes the key, nor a --api-key-file
value that names no file (it may be the key itself, typed in the wrong place).
"""

from __future__ import annotations

import re
from pathlib import Path

from bulkads.config import Secret
from bulkads.errors import UsageError

_KEY = re.compile(r"[\x21-\x7e]+")
_FIX = "copy the key again from adspirer.ai/keys"
_MISSING = (
    "no API key: set ADSPIRER_API_KEY or pass --api-key-file PATH "
    "(keys: adspirer.ai/keys; test keys: `bulkads sandbox`)"
)


def key_from_file(path: Path) -> Secret:
    """The key held in the file at `path` (surrounding white space and a BOM dropped)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(
            "--api-key-file names no file (the value is not shown: it may be the key itself);"
            " put the key in a file and pass its path, or set ADSPIRER_API_KEY"
        ) from None
    except OSError as exc:
        raise UsageError(f"cannot read --api-key-file {path}: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(
            f"--api-key-file {path} is not UTF-8 text (saved as UTF-16 or another encoding?);"
            f" save it as plain text holding only the key, or {_FIX}"
        ) from None
    if not text.strip():
        raise UsageError(f"--api-key-file {path} is empty")
    return checked_key(text, source=f"--api-key-file {path}")


def key_from_env(value: str | None) -> Secret:
    """The key from ADSPIRER_API_KEY's value; UsageError when unset or malformed."""
    if not value or not value.strip():
        raise UsageError(_MISSING)
    return checked_key(value, source="ADSPIRER_API_KEY")


def checked_key(value: str, *, source: str) -> Secret:
    """`value` stripped of surrounding white space and a BOM, if it is one clean token."""
    key = value.strip().lstrip("\ufeff").strip()
    if not key:
        raise UsageError(f"{source} holds no key; {_FIX}")
    if not _KEY.fullmatch(key):
        raise UsageError(f"{source}: {_flaw(key)}, so it cannot be the API key; {_FIX}")
    return Secret(key)


def _flaw(key: str) -> str:
    """What is wrong with a key, without quoting any of it."""
    if "\n" in key or "\r" in key:
        return "the key holds a line break (more than one line?)"
    if any(char.isspace() for char in key):
        return "the key holds a space"
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in key):
        return "the key holds a control character"
    return "the key holds a character that is not plain ASCII"
