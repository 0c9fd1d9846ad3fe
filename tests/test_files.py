"""CONTRACT §1, Files: no command overwrites a file that is not its own output without
`--force`; an output's extension decides its format, or a mismatch is refused."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from runs import campaign_row, write_csv

from bulkads.cli import main
from bulkads.sandbox import SOLO_KEY


@dataclass(frozen=True)
class Said:
    exit_code: int
    output: str  # what was printed, rich's line wrapping undone


def bulkads(*args: str) -> Said:
    env = {"ADSPIRER_API_KEY": SOLO_KEY, "ADSPIRER_BASE_URL": "http://127.0.0.1:9"}
    result = CliRunner().invoke(main, list(args), env=env)
    return Said(result.exit_code, " ".join(result.output.split()))


def test_template_onto_an_existing_file_is_refused_without_force(tmp_path: Path) -> None:
    mine = tmp_path / "mine.xlsx"
    assert bulkads("template", "-o", str(mine)).exit_code == 0
    mine.write_bytes(b"my filled-in rows")
    refused = bulkads("template", "-o", str(mine))
    assert refused.exit_code == 2
    assert "already exists" in refused.output and "--force" in refused.output
    assert mine.read_bytes() == b"my filled-in rows"
    assert bulkads("template", "-o", str(mine), "--force").exit_code == 0
    assert mine.read_bytes().startswith(b"PK")  # an xlsx again


def test_the_template_extension_decides_its_format(tmp_path: Path) -> None:
    made = bulkads("template", "-o", str(tmp_path / "x.csv"))
    assert made.exit_code == 0, made.output
    assert (tmp_path / "x.csv").read_text(encoding="utf-8-sig").startswith("campaign_name")


@pytest.mark.parametrize(
    ("name", "options", "said"),
    [
        ("x.xlsx", ("--format", "csv"), "--format is csv"),
        ("x.txt", (), ".xlsx or .csv"),
    ],
)
def test_a_template_name_that_does_not_match_its_format_is_refused(
    tmp_path: Path, name: str, options: tuple[str, ...], said: str
) -> None:
    refused = bulkads("template", "-o", str(tmp_path / name), *options)
    assert refused.exit_code == 2 and said in refused.output
    assert not (tmp_path / name).exists()


@pytest.mark.parametrize("command", ["validate", "run"])
def test_results_naming_the_input_sheet_are_refused(tmp_path: Path, command: str) -> None:
    sheet = tmp_path / "mine.xlsx"
    assert bulkads("template", "-o", str(sheet)).exit_code == 0
    before = sheet.read_bytes()
    refused = bulkads(command, str(sheet), "-o", str(sheet))
    assert refused.exit_code == 2
    assert "names the input sheet" in refused.output
    assert sheet.read_bytes() == before
    assert "Traceback" not in refused.output


def test_results_onto_a_file_bulkads_did_not_write_are_refused_unless_forced(
    tmp_path: Path,
) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [campaign_row(1)])
    other = tmp_path / "budget.xlsx"
    assert bulkads("template", "-o", str(other)).exit_code == 0
    refused = bulkads("validate", str(sheet), "-o", str(other))
    assert refused.exit_code == 2 and "not a bulkads results workbook" in refused.output
    assert bulkads("validate", str(sheet), "-o", str(other), "--force").exit_code == 0
    again = bulkads("validate", str(sheet), "-o", str(other))  # now bulkads' own output
    assert again.exit_code == 0, again.output


def test_results_named_as_csv_are_refused(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [campaign_row(1)])
    refused = bulkads("validate", str(sheet), "-o", str(tmp_path / "out.csv"))
    assert refused.exit_code == 2 and "out.xlsx" in refused.output
    assert not (tmp_path / "out.csv").exists()


def test_a_results_workbook_fed_back_is_its_own_output(tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "launch.csv", [campaign_row(1), campaign_row(2, ad_text="")])
    assert bulkads("validate", str(sheet)).exit_code == 1
    fed_back = tmp_path / "launch.results.xlsx"
    again = bulkads("validate", str(fed_back))
    assert again.exit_code == 1 and "names the input" not in again.output


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder `bulkads` cannot write to: chmod for a user; root ignores modes, so for root
    the folder is made immutable (chattr +i) or, where the file system cannot, the journal's
    lock path is taken by a folder (the same failure: the lock cannot be created)."""
    folder = tmp_path / "shared"
    folder.mkdir()
    write_csv(folder / "launch.csv", [campaign_row(1)])
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    immutable = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False)
    if immutable.returncode != 0:
        (folder / "launch.results.journal.sqlite.lock").mkdir()
    yield folder
    if immutable.returncode == 0:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_a_run_in_a_read_only_folder_says_to_write_elsewhere(read_only_folder: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
        "ADSPIRER_API_KEY": SOLO_KEY,
        "ADSPIRER_BASE_URL": "http://127.0.0.1:9",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bulkads", "run", "launch.csv"],
        cwd=read_only_folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    said = " ".join(result.stderr.split())
    assert result.returncode == 2, said
    assert "Traceback" not in said
    assert "pass -o PATH" in said and "--journal PATH" in said and "writable folder" in said
