"""The options several `bulkads` commands share, defined once, and the `auto|N` type.

Usage::

    @main.command()
    @results_option
    @run_options          # --base-url and --api-key-file
    def run(results: Path | None, base_url: str, api_key_file: Path | None) -> None: ...

Defaults and limits come from `bulkads.config`, where RunConfig's are written.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from bulkads.concurrency import Setting
from bulkads.config import BASE_URL_ENV, DEFAULT_BASE_URL

F = TypeVar("F", bound=Callable[..., Any])

results_option = click.option(
    "-o",
    "--output",
    "results",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Results workbook (default: SHEET.results.xlsx beside the sheet).",
)
sheet_option = click.option("--sheet", "sheet_name", help="Worksheet name (default: the first).")
advertiser_option = click.option(
    "--advertiser-id", help="Default advertiser for rows whose advertiser_id is empty."
)
json_option = click.option(
    "--json", "as_json", is_flag=True, help="A machine-readable summary on stdout."
)
force_option = click.option(
    "--force", is_flag=True, help="Replace an output file that bulkads did not write."
)
journal_option = click.option(
    "--journal",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Journal file (default: RESULTS with .journal.sqlite).",
)


def run_options(command: F) -> F:
    """Where the API is and the key to it: `--base-url` and `--api-key-file`."""
    options = [
        click.option(
            "--base-url",
            envvar=BASE_URL_ENV,
            default=DEFAULT_BASE_URL,
            show_default=True,
            help="API base URL [env ADSPIRER_BASE_URL]. Plain "
            "http:// only for 127.0.0.1/localhost (the sandbox).",
        ),
        click.option(
            "--api-key-file",
            type=click.Path(path_type=Path),
            help="Read the API key from this file (default: env ADSPIRER_API_KEY).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


class _ConcurrencyType(click.ParamType[Setting, Any]):
    """`auto` or a whole number of requests in flight (at least 1)."""

    name = "auto|N"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Setting:
        if isinstance(value, int) or str(value).strip().isdigit():
            number = int(value)
            if number >= 1:
                return number
        elif str(value).strip().lower() == "auto":
            return "auto"
        self.fail(f"{value!r} is neither auto nor a whole number from 1, e.g. 8", param, ctx)


CONCURRENCY = _ConcurrencyType()
