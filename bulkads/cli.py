"""The `bulkads` command line: configuration is built here, once, and passed down.

Every user mistake ends in one line on stderr and an exit code (§1), never a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import shlex
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

from bulkads import __version__
from bulkads.concurrency import Setting
from bulkads.config import (
    BASE_URL_ENV,
    DEFAULT_BASE_URL,
    KEY_ENV,
    LIMITS,
    RunConfig,
    Secret,
    default,
    default_journal_path,
    default_results_path,
)
from bulkads.errors import BulkadsError, Interrupted, UsageError
from bulkads.inert import shown
from bulkads.options import api_key_from, build_config
from bulkads.output import print_accounts, print_plan, print_report, print_status
from bulkads.plan import Plan
from bulkads.preflight import Preflight
from bulkads.progress import progress_for
from bulkads.report import Report

F = TypeVar("F", bound=Callable[..., Any])


def _console(*, stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, emoji=False)


def _friendly(command: F) -> F:
    """Turn a BulkadsError into one line on stderr and its exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except BulkadsError as exc:
            _console(stderr=True).print(shown(f"bulkads: error: {exc}"))
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            _console(stderr=True).print("bulkads: interrupted", markup=False)
            sys.exit(Interrupted.exit_code)

    return wrapper  # type: ignore[return-value]


# Options several commands share, defined once.
_results_option = click.option(
    "-o",
    "--output",
    "results",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Results workbook (default: SHEET.results.xlsx beside the sheet).",
)
_sheet_option = click.option("--sheet", "sheet_name", help="Worksheet name (default: the first).")
_advertiser_option = click.option(
    "--advertiser-id", help="Default advertiser for rows whose advertiser_id is empty."
)
_json_option = click.option(
    "--json", "as_json", is_flag=True, help="A machine-readable summary on stdout."
)
_force_option = click.option(
    "--force", is_flag=True, help="Replace an output file that bulkads did not write."
)
_journal_option = click.option(
    "--journal",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Journal file (default: RESULTS with .journal.sqlite).",
)


class _Commands(click.Group):
    """The commands; `sandbox` (aiohttp's server side) is imported only when it is asked for,
    so `bulkads run` does not pay for it at start-up."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), "sandbox"})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name == "sandbox":
            from bulkads.sandbox.command import sandbox_command

            return sandbox_command
        return super().get_command(ctx, cmd_name)


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


_CONCURRENCY = _ConcurrencyType()


@click.group(
    cls=_Commands,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="bulkads")
def main() -> None:
    """Launch TikTok ad campaigns in bulk from a spreadsheet, through the Adspirer API.

    \b
    Start here:
      bulkads demo                      try everything against the built-in sandbox
      bulkads template                  a sheet to fill in, with notes and dropdowns
      bulkads validate launch.xlsx      check every row; sends nothing
      bulkads run launch.xlsx           send; rerun the same command to resume
    """


@main.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write it; .xlsx or .csv (the extension decides the format).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["xlsx", "csv"]), help="Without -o: xlsx (default) or csv."
)
@_force_option
@_friendly
def template(output: Path | None, fmt: str | None, force: bool) -> None:
    """Write a fill-in template: a column per argument, notes, dropdowns, an example row."""
    from bulkads.destinations import template_destination
    from bulkads.template import write_template

    path, chosen = template_destination(output, fmt, force=force)
    write_template(path, fmt=chosen)
    _console().print(
        shown(f"Wrote {path}. Fill one row per campaign, then: bulkads validate {path}")
    )


@main.command()
@click.argument("sheet", type=click.Path(path_type=Path))
@_results_option
@_sheet_option
@_advertiser_option
@_json_option
@_force_option
@_friendly
def validate(
    sheet: Path,
    results: Path | None,
    sheet_name: str | None,
    advertiser_id: str | None,
    as_json: bool,
    force: bool,
) -> None:
    """Check every row of SHEET against every rule; sends nothing.

    Writes the results workbook with each row `valid` or `invalid`, the offending
    cells highlighted. Exit 0 when every row is valid, 1 when some are not.
    """
    from bulkads.destinations import results_destination
    from bulkads.status import validate as validate_sheet

    results = results_destination(sheet, results, force=force)
    with _terminated_as_interrupt():
        report = validate_sheet(
            sheet,
            results=results,
            sheet_name=sheet_name,
            advertiser_id=advertiser_id,
            command=_command_line(),
        )
    _finish(report, as_json=as_json, title="Validation")


@contextlib.contextmanager
def _terminated_as_interrupt() -> Iterator[None]:
    """SIGTERM or SIGHUP raise Interrupted where the work is, so a half-written results
    file and its temporary folder are cleaned up on the way out (the default kills)."""

    def stop(signum: int, frame: object) -> None:
        raise Interrupted(
            f"stopped by {signal.Signals(signum).name}; run the command again to finish"
        )

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _run_options(command: F) -> F:
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


@main.command()
@click.argument("sheet", type=click.Path(path_type=Path))
@_results_option
@_run_options
@click.option(
    "--rate",
    type=click.FloatRange(*LIMITS["rate"]),
    default=default("rate"),
    show_default=True,
    help="Requests per second, at most.",
)
@click.option(
    "--concurrency",
    type=_CONCURRENCY,
    default=default("concurrency"),
    show_default=True,
    help="Requests in flight: auto sizes them from the rate and the answers' latency, "
    "and backs off when the API pushes back; a number pins them.",
)
@click.option(
    "--max-concurrency",
    type=click.IntRange(*LIMITS["max_concurrency"]),
    default=default("max_concurrency"),
    show_default=True,
    help="The most requests in flight --concurrency auto may reach.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(*LIMITS["timeout"]),
    default=default("timeout"),
    show_default=True,
    help="Seconds to wait for one answer (calls take 15-30 s).",
)
@click.option(
    "--max-calls",
    type=click.IntRange(*LIMITS["max_calls"]),
    help="Spend at most N billable calls this run.",
)
@_advertiser_option
@_sheet_option
@click.option(
    "--dry-run", is_flag=True, help="Validate, ask the free tools, print the plan; spend nothing."
)
@click.option(
    "--retry-rejected", is_flag=True, help="Send rows the API rejected before again, with new keys."
)
@_journal_option
@_json_option
@_force_option
@_friendly
def run(
    sheet: Path,
    results: Path | None,
    base_url: str,
    api_key_file: Path | None,
    rate: float,
    concurrency: Setting,
    max_concurrency: int,
    timeout: float,
    max_calls: int | None,
    advertiser_id: str | None,
    sheet_name: str | None,
    dry_run: bool,
    retry_rejected: bool,
    journal: Path | None,
    as_json: bool,
    force: bool,
) -> None:
    """Validate SHEET, check quota and accounts (free), and create its campaigns.

    Every call carries an idempotency key kept in the journal, so rerunning the same
    command resumes exactly where a crash, a halt or Ctrl-C stopped, and never
    creates a campaign twice. Campaigns are created paused.

    Exit codes: 0 all rows created; 1 some invalid or rejected; 2 usage or
    configuration error; 3 halted with rows pending (rerun to resume).
    """
    config = build_config(
        sheet,
        env=os.environ,
        api_key=_file_key(api_key_file),
        force=force,
        base_url=base_url,
        results=results,
        journal=journal,
        key_hint=_KEY_HINT,
        sheet_name=sheet_name,
        rate=rate,
        concurrency=concurrency,
        max_concurrency=max_concurrency,
        timeout=timeout,
        max_calls=max_calls,
        advertiser_id=advertiser_id,
        dry_run=dry_run,
        retry_rejected=retry_rejected,
        command=_command_line(),
    )
    report = _execute(config, as_json=as_json)
    _finish(report, as_json=as_json, title="Dry run" if dry_run else "Run")


def _execute(config: RunConfig, *, as_json: bool) -> Report:
    from bulkads.runner import run_async

    err = _console(stderr=True)

    def on_plan(plan: Plan, found: Preflight) -> None:
        print_plan(err, plan, found, dry_run=config.dry_run)

    async def go() -> Report:
        console = err if as_json else _console()
        return await run_async(
            config,
            progress=lambda total: progress_for(total, console=console, rate=config.rate),
            on_plan=on_plan,
            signals=True,
        )

    return asyncio.run(go())


@main.command()
@click.argument("sheet", type=click.Path(path_type=Path))
@_results_option
@_journal_option
@_sheet_option
@_advertiser_option
@_json_option
@_friendly
def status(
    sheet: Path,
    results: Path | None,
    journal: Path | None,
    sheet_name: str | None,
    advertiser_id: str | None,
    as_json: bool,
) -> None:
    """What the journal knows about SHEET: counts, and rows pending or failed. Sends nothing."""
    from bulkads.status import last_run, sheet_status

    results = results or default_results_path(sheet)
    journal = journal or default_journal_path(results)
    rows = sheet_status(sheet, journal=journal, sheet_name=sheet_name, advertiser_id=advertiser_id)
    last = last_run(journal)
    print_status(rows, console=_console(), as_json=as_json, title=sheet.name, last_run=last)


@main.command()
@_run_options
@_json_option
@_friendly
def accounts(base_url: str, api_key_file: Path | None, as_json: bool) -> None:
    """The connected TikTok advertiser accounts and the quota left (free calls)."""
    from bulkads.client import Client, check_base_url
    from bulkads.pacing import Pacer
    from bulkads.preflight import preflight

    base_url = check_base_url(base_url)
    key = api_key_from(_file_key(api_key_file), os.environ, hint=_KEY_HINT)

    async def ask() -> Preflight:
        async with Client(base_url=base_url, api_key=key, timeout=60, concurrency=1) as client:
            return await preflight(client, Pacer(2.0))

    print_accounts(asyncio.run(ask()), console=_console(), as_json=as_json)


@main.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=Path("demo-results.xlsx"),
    show_default=True,
    help="Where to write the results workbook.",
)
@_force_option
@_friendly
def demo(output: Path, force: bool) -> None:
    """Run a sample sheet through the built-in sandbox and write its results workbook.

    Nothing leaves this machine and nothing is spent: the sandbox runs in-process
    with its own test key (ADSPIRER_API_KEY is ignored).
    """
    from bulkads.demo import run_demo
    from bulkads.destinations import results_destination

    output = results_destination(None, output, force=force)
    console = _console()
    report = run_demo(output, console=console)
    _finish(report, as_json=False, title="Demo")


@main.command()
@click.option(
    "--port",
    type=click.IntRange(min=0, max=65535),
    default=8760,
    show_default=True,
    help="Port on 127.0.0.1 (0: any free port).",
)
@click.option("--no-browser", is_flag=True, help="Print the page's address; open no browser.")
@click.option(
    "--workdir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("."),
    show_default=True,
    help="Where dropped sheets, their journals and results are kept.",
)
@_run_options
@_friendly
def ui(
    port: int, no_browser: bool, workdir: Path, base_url: str, api_key_file: Path | None
) -> None:
    """A page in the browser: drop a sheet, see every bad cell, rehearse, launch, watch.

    Served on 127.0.0.1 only; the printed address carries a one-time token. Sheets
    dropped on the page are kept in the work folder with their journals and results,
    so `bulkads run SHEET` there resumes a launch made from the page, and the other way.
    """
    from bulkads.client import check_base_url
    from bulkads.ui.app import UiSettings
    from bulkads.ui.command import run_ui

    if not workdir.is_dir():
        raise UsageError(f"--workdir {workdir}: no such folder; create it or pick another")
    has_key = api_key_file is not None or os.environ.get(KEY_ENV, "").strip()
    settings = UiSettings(
        folder=workdir,
        live_url=check_base_url(base_url),
        api_key=api_key_from(_file_key(api_key_file), os.environ, hint=_KEY_HINT)
        if has_key
        else None,
    )
    run_ui(settings, port=port, browser=not no_browser, say=click.echo)


_KEY_HINT = "pass --api-key-file PATH"


def _file_key(path: Path | None) -> Secret | None:
    """The key in `--api-key-file`, if given (else the builder reads ADSPIRER_API_KEY)."""
    from bulkads.keys import key_from_file

    return None if path is None else key_from_file(path)


def _command_line() -> str:
    """The command as typed; the key is never an argument, so this holds no secret."""
    return shlex.join(["bulkads", *sys.argv[1:]])


def _finish(report: Report, *, as_json: bool, title: str) -> None:
    console = _console()
    with contextlib.suppress(OSError):  # the terminal is gone: the results hold the record
        print_report(
            report, console=console, err=_console(stderr=True), as_json=as_json, title=title
        )
    sys.exit(report.exit_code)
