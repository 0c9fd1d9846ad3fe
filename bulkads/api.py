"""bulkads from Python: the CLI's jobs, with the CLI's defaults, for scripts and notebooks.

Usage::

    report = bulkads.run("launch.xlsx", rate=5)        # key: ADSPIRER_API_KEY, as the CLI
    report = bulkads.run(frame, journal="launch.journal.sqlite")
    report = await bulkads.run_async(frame, journal="launch.journal.sqlite")  # in a notebook
    report = bulkads.validate(frame)                   # sends nothing
    report.exit_code, report.to_pandas()

`source` is a path (`str` or `Path`) or a pandas DataFrame (its columns are the
header, its first row is row 2, as in a sheet); a full `RunConfig` also goes, alone.
The options are the CLI's, by the same names (`rate`, `concurrency`, `max_calls`,
`sheet`, `dry_run`, …). This module is an edge: it reads the environment, as the CLI does.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from bulkads import runner, status
from bulkads.config import RunConfig, Secret
from bulkads.errors import OptionError, UsageError
from bulkads.options import (
    PathLike,
    build_config,
    check_worksheet,
    checked_options,
    results_for,
)

if TYPE_CHECKING:
    import pandas as pd

    from bulkads.report import Report
    from bulkads.sheet import Sheet

    Source: TypeAlias = PathLike | pd.DataFrame | RunConfig

PYTHON_RUN = "bulkads.run (Python)"  # the Summary sheet's command
_VALIDATE_OPTIONS = ("sheet_name", "advertiser_id")


def run(
    source: Source,
    *,
    api_key: Secret | str | None = None,
    base_url: str | None = None,
    results: PathLike | None = None,
    journal: PathLike | None = None,
    **options: Any,
) -> Report:
    """Validate, check quota and accounts, send, write the results; the same call resumes.

    Blocks until the run ends or halts (`report.exit_code` 0, 1, 2 or 3, as the CLI's).
    Inside a running event loop (a notebook) use `await bulkads.run_async(...)`.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        raise UsageError(
            "bulkads.run() cannot wait inside a running event loop (a notebook, an async "
            "app): use `await bulkads.run_async(...)` there, with the same arguments"
        )
    config = _config(source, api_key, base_url, results, journal, options)
    return asyncio.run(runner.run_async(config))


async def run_async(
    source: Source,
    *,
    api_key: Secret | str | None = None,
    base_url: str | None = None,
    results: PathLike | None = None,
    journal: PathLike | None = None,
    **options: Any,
) -> Report:
    """`run`, awaited inside a running event loop. Cancelling it stops the run and propagates."""
    config = _config(source, api_key, base_url, results, journal, options)
    return await runner.run_async(config)


def validate(
    source: PathLike | pd.DataFrame,
    *,
    results: PathLike | None = None,
    force: bool = False,
    **options: Any,
) -> Report:
    """Check every row and send nothing. A path's results go beside it (`results=` to move
    them); a DataFrame's only where `results=` says. Options: `sheet`, `advertiser_id`."""
    sheet = _sheet(source)
    chosen = checked_options(options, _VALIDATE_OPTIONS, where="validate")
    check_worksheet(sheet, chosen)
    results_path = results_for(sheet, results, force=force)
    return status.validate(
        sheet, results=results_path, command="bulkads.validate (Python)", **chosen
    )


def _config(
    source: Source,
    api_key: Secret | str | None,
    base_url: str | None,
    results: PathLike | None,
    journal: PathLike | None,
    options: dict[str, Any],
) -> RunConfig:
    if isinstance(source, RunConfig):
        given = [
            name
            for name, value in (
                ("api_key", api_key),
                ("base_url", base_url),
                ("results", results),
                ("journal", journal),
            )
            if value is not None
        ]
        if given or options:
            raise OptionError(
                "a RunConfig holds every option: pass it alone, or pass a path or DataFrame "
                f"with the options (got {', '.join([*given, *options])} too)"
            )
        return source
    options.setdefault("command", PYTHON_RUN)
    return build_config(
        _sheet(source),
        env=os.environ,
        api_key=api_key,
        base_url=base_url,
        results=results,
        journal=journal,
        **options,
    )


def _sheet(source: object) -> Path | Sheet:
    """A path as a Path; a DataFrame read into a sheet (pandas is imported only if it is one)."""
    if isinstance(source, str | os.PathLike):
        return Path(source)
    pandas = sys.modules.get("pandas")  # a DataFrame exists only once pandas is imported
    if pandas is not None and isinstance(source, pandas.DataFrame):
        from bulkads.frame import sheet_from_frame

        return sheet_from_frame(source)
    raise OptionError(
        f"source must be a path (str or Path) or a pandas DataFrame, not {type(source).__name__}"
    )
