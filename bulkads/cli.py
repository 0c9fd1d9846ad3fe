"""The `bulkads` command line: configuration is built here, once, and passed down.

Every user mistake ends in one line on stderr and an exit code (§1), never a traceback
(`cli_terminal`); the options several commands share are defined in `cli_options`.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import click

from bulkads import __version__
from bulkads.cli_options import (
    CONCURRENCY,
    advertiser_option,
    force_option,
    journal_option,
    json_option,
    results_option,
    run_options,
    sheet_option,
)
from bulkads.cli_terminal import (
    command_line,
    console,
    finish,
    friendly,
    terminated_as_interrupt,
)
from bulkads.concurrency import Setting
from bulkads.config import (
    KEY_ENV,
    LIMITS,
    RunConfig,
    Secret,
    default,
    default_journal_path,
    default_results_path,
)
from bulkads.errors import UsageError
from bulkads.inert import shown
from bulkads.options import api_key_from, build_config
from bulkads.output import print_accounts, print_plan, print_status
from bulkads.plan import Plan
from bulkads.preflight import Preflight
from bulkads.progress import progress_for
from bulkads.report import Report


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
@force_option
@friendly
def template(output: Path | None, fmt: str | None, force: bool) -> None:
    """Write a fill-in template: a column per argument, notes, dropdowns, an example row."""
    from bulkads.destinations import template_destination
    from bulkads.template import write_template

    path, chosen = template_destination(output, fmt, force=force)
    write_template(path, fmt=chosen)
    console().print(
        shown(f"Wrote {path}. Fill one row per campaign, then: bulkads validate {path}")
    )


@main.command()
@click.argument("sheet", type=click.Path(path_type=Path))
@results_option
@sheet_option
@advertiser_option
@json_option
@force_option
@friendly
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
    with terminated_as_interrupt():
        report = validate_sheet(
            sheet,
            results=results,
            sheet_name=sheet_name,
            advertiser_id=advertiser_id,
            command=command_line(),
        )
    finish(report, as_json=as_json, title="Validation")


@main.command()
@click.argument("sheet", type=click.Path(path_type=Path))
@results_option
@run_options
@click.option(
    "--rate",
    type=click.FloatRange(*LIMITS["rate"]),
    default=default("rate"),
    show_default=True,
    help="Requests per second, at most.",
)
@click.option(
    "--concurrency",
    type=CONCURRENCY,
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
@advertiser_option
@sheet_option
@click.option(
    "--dry-run", is_flag=True, help="Validate, ask the free tools, print the plan; spend nothing."
)
@click.option(
    "--retry-rejected", is_flag=True, help="Send rows the API rejected before again, with new keys."
)
@journal_option
@json_option
@force_option
@friendly
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
        command=command_line(),
    )
    report, said = _execute(config, as_json=as_json)
    finish(report, as_json=as_json, title="Dry run" if dry_run else "Run", said=said)


def _execute(config: RunConfig, *, as_json: bool) -> tuple[Report, set[str]]:
    """The run, and the notes already said on the terminal with its plan."""
    from bulkads.runner import run_async

    err = console(stderr=True)
    said: set[str] = set()

    def on_plan(plan: Plan, found: Preflight) -> None:
        print_plan(err, plan, found, dry_run=config.dry_run)
        said.update(found.notes)

    async def go() -> Report:
        shown_on = err if as_json else console()
        return await run_async(
            config,
            progress=lambda total: progress_for(total, console=shown_on, rate=config.rate),
            on_plan=on_plan,
            signals=True,
        )

    return asyncio.run(go()), said


@main.command()
@click.argument("sheet", type=click.Path(path_type=Path))
@results_option
@journal_option
@sheet_option
@advertiser_option
@json_option
@friendly
def status(
    sheet: Path,
    results: Path | None,
    journal: Path | None,
    sheet_name: str | None,
    advertiser_id: str | None,
    as_json: bool,
) -> None:
    """What the journal knows about SHEET: counts, and rows pending or failed. Sends nothing."""
    from bulkads.status import sheet_status

    results = results or default_results_path(sheet)
    journal = journal or default_journal_path(results)
    found = sheet_status(sheet, journal=journal, sheet_name=sheet_name, advertiser_id=advertiser_id)
    print_status(
        found.rows,
        console=console(),
        as_json=as_json,
        title=sheet.name,
        last_run=found.last_run,
        notes=found.notes,
    )


@main.command()
@run_options
@json_option
@friendly
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

    print_accounts(asyncio.run(ask()), console=console(), as_json=as_json)


@main.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=Path("demo-results.xlsx"),
    show_default=True,
    help="Where to write the results workbook.",
)
@force_option
@friendly
def demo(output: Path, force: bool) -> None:
    """Run a sample sheet through the built-in sandbox and write its results workbook.

    Nothing leaves this machine and nothing is spent: the sandbox runs in-process
    with its own test key (ADSPIRER_API_KEY is ignored).
    """
    from bulkads.demo import run_demo
    from bulkads.destinations import results_destination

    output = results_destination(None, output, force=force)
    report = run_demo(output, console=console())
    finish(report, as_json=False, title="Demo")


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
@run_options
@friendly
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
