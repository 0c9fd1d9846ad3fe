"""Where the commands write, and what they never overwrite (CONTRACT §1, Files).

Usage::

    path, fmt = template_destination(Path("mine.csv"), None, force=False)   # csv, by extension
    results = results_destination(Path("launch.xlsx"), None, force=False)  # launch.results.xlsx

No command replaces a file that is not its own output without `--force`; an output's
extension decides its format, and a mismatch is refused.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from bulkads.config import default_results_path
from bulkads.errors import ForeignFile, UsageError
from bulkads.results import RESULTS_SHEET, SUMMARY_SHEET
from bulkads.template import default_template_path

_TEMPLATE_FORMATS = {".xlsx": "xlsx", ".csv": "csv"}
_WORKBOOK_XML = "xl/workbook.xml"
_MOST_WORKBOOK_XML = 1 << 20  # a workbook.xml listing sheets is a few kB


def template_destination(output: Path | None, fmt: str | None, *, force: bool) -> tuple[Path, str]:
    """The template's path and format: the extension decides; `--format` must agree."""
    if output is None:
        chosen = fmt or "xlsx"
        path = default_template_path(chosen)
    else:
        path = output
        by_name = _TEMPLATE_FORMATS.get(path.suffix.lower())
        if by_name is None:
            raise UsageError(
                f"-o {path}: a template is an .xlsx or .csv file; name it {path.stem}.xlsx "
                f"or {path.stem}.csv"
            )
        if fmt is not None and fmt != by_name:
            raise UsageError(
                f"-o {path} names a .{by_name} file but --format is {fmt}; drop --format "
                f"(the extension decides) or name it {path.stem}.{fmt}"
            )
        chosen = by_name
    if path.exists() and not force:
        raise UsageError(
            f"{path} already exists (a sheet you filled in?); choose another name with -o, "
            "or pass --force to replace it"
        )
    return path, chosen


def results_destination(sheet: Path | None, results: Path | None, *, force: bool) -> Path:
    """The results workbook's path: `.xlsx`, and never a file that bulkads did not write
    (the input sheet above all) unless `force`."""
    if results is None:
        if sheet is None:
            raise UsageError("no results path given")
        results = default_results_path(sheet)
    if results.suffix.lower() != ".xlsx":
        raise UsageError(
            f"-o {results}: the results are an .xlsx workbook; name it {results.stem}.xlsx"
        )
    if force or not results.exists() or is_results_workbook(results):
        return results
    if sheet is not None and _same_file(sheet, results):
        raise ForeignFile(
            f"-o {results} names the input sheet: its rows would be replaced by the results; "
            "choose another name with -o (or pass --force to replace it)",
            results,
        )
    raise ForeignFile(
        f"{results} exists and is not a bulkads results workbook; choose another name with -o "
        "(or pass --force to replace it)",
        results,
    )


def is_results_workbook(path: Path) -> bool:
    """True for a workbook bulkads wrote: it has the Results and Summary sheets."""
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo(_WORKBOOK_XML)
            if info.file_size > _MOST_WORKBOOK_XML:
                return False
            xml = archive.read(info).decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return False
    names = set(re.findall(r'<sheet\b[^>]*\bname="([^"]*)"', xml))
    return {RESULTS_SHEET, SUMMARY_SHEET} <= names


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return a.resolve() == b.resolve()
