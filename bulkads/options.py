"""The run's options, built into a frozen RunConfig the same way for the CLI and for Python.

Usage::

    config = build_config(Path("launch.xlsx"), env=os.environ, rate=5.0, sheet="Launch")
    option_names()       # ('sheet_name', 'rate', 'concurrency', ...): RunConfig's own fields

The options are RunConfig's fields by the CLI's names (`sheet` for `--sheet` is
`sheet_name`); their defaults and limits are written once, in `bulkads.config`. The
edges hand in the environment (`env`): nothing here reads it.
"""

from __future__ import annotations

import functools
import os
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any, Literal

from bulkads.config import (
    BASE_URL_ENV,
    DEFAULT_BASE_URL,
    KEY_ENV,
    LIMITS,
    RunConfig,
    Secret,
    default_journal_path,
)
from bulkads.errors import OptionError, UsageError
from bulkads.keys import checked_key

if typing.TYPE_CHECKING:
    from bulkads.sheet import Sheet

PathLike = str | os.PathLike[str]

ALIASES = {"sheet": "sheet_name"}  # the CLI's `--sheet NAME`
_GIVEN_APART = frozenset({"sheet", "results", "journal", "api_key", "base_url"})


def option_names() -> tuple[str, ...]:
    """Every option a run takes besides the source, key, base URL and paths."""
    return tuple(f.name for f in fields(RunConfig) if f.name not in _GIVEN_APART)


def build_config(
    sheet: Path | Sheet,
    /,
    *,
    env: Mapping[str, str],
    api_key: Secret | str | None = None,
    base_url: str | None = None,
    results: PathLike | None = None,
    journal: PathLike | None = None,
    force: bool = False,
    key_hint: str = "pass api_key=...",
    **options: object,
) -> RunConfig:
    """A RunConfig with the CLI's defaults: key and base URL from `env`, paths beside the sheet.

    A sheet already read (a DataFrame's) has no folder: its journal must be named, and
    its results are written only where `results` says. The results never replace a file
    bulkads did not write (the sheet above all) unless `force`.
    """
    from bulkads.client import check_base_url  # aiohttp: not needed to build `--help`

    chosen = checked_options(options, option_names(), where="run")
    check_worksheet(sheet, chosen)
    results_path = results_for(sheet, results, force=force)
    journal_path = as_path("journal", journal)
    if journal_path is None:
        if results_path is None or not isinstance(sheet, Path):
            raise UsageError(
                "a DataFrame run needs journal=PATH (e.g. journal='launch.journal.sqlite'): "
                "the journal is what lets the same call again resume without sending twice"
            )
        journal_path = default_journal_path(results_path)
    return RunConfig(
        sheet=sheet,
        results=results_path,
        journal=journal_path,
        api_key=api_key_from(api_key, env, hint=key_hint),
        base_url=check_base_url(base_url or env.get(BASE_URL_ENV) or DEFAULT_BASE_URL),
        **chosen,
    )


def results_for(sheet: Path | Sheet, results: PathLike | None, *, force: bool) -> Path | None:
    """Where the results go: `results`, else beside a sheet file (a DataFrame's: nowhere);
    never onto a file bulkads did not write (the sheet above all) unless `force`."""
    from bulkads.destinations import results_destination

    if not isinstance(force, bool):
        raise OptionError(f"force must be True or False, not {force!r}")
    path = as_path("results", results)
    if path is None and not isinstance(sheet, Path):
        return None
    return results_destination(sheet if isinstance(sheet, Path) else None, path, force=force)


def check_worksheet(sheet: Path | Sheet, chosen: Mapping[str, object]) -> None:
    """A worksheet name goes with a workbook, not with a DataFrame."""
    if not isinstance(sheet, Path) and chosen.get("sheet_name") is not None:
        raise UsageError("a DataFrame is one sheet: drop sheet_name")


def api_key_from(value: Secret | str | None, env: Mapping[str, str], *, hint: str) -> Secret:
    """The key as given (a plain str is wrapped at once), or else `ADSPIRER_API_KEY`."""
    if isinstance(value, Secret):
        return value
    if value is not None and not isinstance(value, str):
        raise OptionError(
            f"api_key must be a str (or a bulkads.Secret), not {type(value).__name__}"
        )
    text = (value if value is not None else env.get(KEY_ENV, "")).strip()
    if not text:
        raise UsageError(
            f"no API key: set {KEY_ENV} or {hint} "
            "(keys: adspirer.ai/keys; test keys: `bulkads sandbox`)"
        )
    return checked_key(text, source="api_key" if value is not None else KEY_ENV)


def as_path(name: str, value: PathLike | None) -> Path | None:
    """A `str` or `Path` option as a Path; None stays None."""
    if value is None:
        return None
    if not isinstance(value, str | os.PathLike):
        raise OptionError(f"{name} must be a path (str or Path), not {type(value).__name__}")
    return Path(value)


def checked_options(
    given: Mapping[str, object], allowed: Iterable[str], *, where: str
) -> dict[str, Any]:
    """`given` by RunConfig's field names, each value of its field's type and within its limits;
    an unknown name is an OptionError that lists the valid ones."""
    allowed = tuple(allowed)
    chosen: dict[str, Any] = {}
    for name, value in given.items():
        field_name = ALIASES.get(name, name)
        if field_name not in allowed:
            raise _unknown(name, allowed, where)
        if field_name in chosen:
            raise OptionError(f"{where}() got both {name!r} and {field_name!r}: pass one of them")
        chosen[field_name] = _checked(name, value, _hints()[field_name])
    return chosen


def _unknown(name: str, allowed: tuple[str, ...], where: str) -> OptionError:
    import difflib  # only for a mistake: not on every start-up

    names = sorted({*allowed, *(alias for alias, field in ALIASES.items() if field in allowed)})
    close = difflib.get_close_matches(name, names, n=1)
    guess = f" (did you mean {close[0]!r}?)" if close else ""
    return OptionError(
        f"{where}() got an unknown option {name!r}{guess}; the options are: {', '.join(names)}"
    )


@functools.cache
def _hints() -> dict[str, Any]:
    from bulkads.sheet import Sheet

    return typing.get_type_hints(RunConfig, localns={"Sheet": Sheet})


def _checked(name: str, value: object, hint: Any) -> object:
    """`value` if it is of `hint`'s type (an int where a float goes is one) and within limits."""
    union = typing.get_origin(hint) in (typing.Union, types.UnionType)
    kinds = typing.get_args(hint) if union else (hint,)
    for kind in kinds:
        if _fits(value, kind):
            if kind is float:
                value = float(value)  # type: ignore[arg-type]
            if isinstance(value, int | float) and not isinstance(value, bool):
                _check_limits(name, value)
            return value
    wanted = " or ".join(_describe(kind) for kind in kinds)
    raise OptionError(f"{name} must be {wanted}, not {value!r}")


def _fits(value: object, kind: Any) -> bool:
    if typing.get_origin(kind) is Literal:
        return value in typing.get_args(kind)
    if kind is type(None):
        return value is None
    if kind is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(kind, type) and isinstance(value, kind)


def _describe(kind: Any) -> str:
    if typing.get_origin(kind) is Literal:
        return " or ".join(repr(choice) for choice in typing.get_args(kind))
    if kind is type(None):
        return "None"
    return {float: "a number", int: "a whole number", bool: "True or False", str: "a str"}.get(
        kind, getattr(kind, "__name__", str(kind))
    )


def _check_limits(name: str, value: float) -> None:
    least, most = LIMITS.get(ALIASES.get(name, name), (None, None))
    if least is not None and value < least:
        raise UsageError(f"{name} must be at least {least:g}, not {value:g}")
    if most is not None and value > most:
        raise UsageError(f"{name} must be at most {most:g}, not {value:g}")
