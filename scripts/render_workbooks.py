"""Render the template and results workbooks as LibreOffice prints them, to PNG, for a look.

Usage::

    python scripts/render_workbooks.py                 # into build/render/
    python scripts/render_workbooks.py --out /tmp/r --dpi 110

Writes the xlsx template, the results of `validate` on sample_sheets/common_mistakes.xlsx
(invalid cells highlighted) and the results of `bulkads demo` (created rows, through the
in-process sandbox), converts each with `soffice --headless --convert-to pdf` (every
sheet, with its print settings) and each PDF page with `pdftoppm -png`. Needs Debian's
libreoffice and poppler-utils; not part of the test suite (tests/test_template.py and
tests/test_results.py check the same settings by reading the files back).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from rich.console import Console

from bulkads.demo import run_demo
from bulkads.status import validate
from bulkads.template import write_template

ROOT = Path(__file__).resolve().parent.parent
MISTAKES = ROOT / "sample_sheets" / "common_mistakes.xlsx"


def workbooks(folder: Path) -> list[Path]:
    """Write the three workbooks to look at; return their paths."""
    template = folder / "template.xlsx"
    write_template(template)
    mistakes = folder / "common_mistakes.results.xlsx"
    validate(MISTAKES, results=mistakes)
    demo = folder / "demo-results.xlsx"
    run_demo(demo, console=Console(quiet=True))
    return [template, mistakes, demo]


def render(workbook: Path, out: Path, *, dpi: int) -> list[Path]:
    """PDF through LibreOffice (its own profile, so parallel runs do not clash), then PNGs."""
    soffice, pdftoppm = shutil.which("soffice"), shutil.which("pdftoppm")
    if soffice is None or pdftoppm is None:
        raise SystemExit("needs soffice (libreoffice) and pdftoppm (poppler-utils) on PATH")
    with tempfile.TemporaryDirectory(prefix="bulkads-lo-") as profile:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                str(workbook),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    pdf = out / f"{workbook.stem}.pdf"
    prefix = out / workbook.stem
    subprocess.run([pdftoppm, "-png", "-r", str(dpi), str(pdf), str(prefix)], check=True)
    return sorted(out.glob(f"{workbook.stem}-*.png"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "render")
    parser.add_argument("--dpi", type=int, default=100)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for workbook in workbooks(args.out):
        for page in render(workbook, args.out, dpi=args.dpi):
            print(page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
