"""The page's pure parts: what it shows of a sheet, a run's speed, the names it keeps."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from runs import campaign_row, write_csv

from bulkads.errors import SheetError, UsageError
from bulkads.journal import Journal
from bulkads.sheet import read_sheet
from bulkads.status import validate
from bulkads.ui import views
from bulkads.ui.watch import Watch
from bulkads.ui.workfolder import WorkFolder, safe_name


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_each_bad_cell_carries_the_results_workbooks_messages(tmp_path: Path) -> None:
    rows = [campaign_row(1), campaign_row(2, landing_page_url="http://x.example", ad_text="")]
    sheet_path = write_csv(tmp_path / "launch.csv", rows)
    report = validate(sheet_path, results=None)
    view = views.check_view(read_sheet(sheet_path), report.rows, notes=report.notes)
    headers = [c["header"] for c in view["columns"]]
    bad = view["rows"][1]
    url_note = bad["notes"][str(headers.index("landing_page_url"))]
    expected = [i.message for i in report.rows[1].issues if i.column == "landing_page_url"]
    assert view["counts"] == {"valid": 1, "invalid": 1}
    assert url_note == {"level": "error", "messages": expected}
    assert bad["message"] == report.rows[1].message
    assert view["rows"][0]["notes"] == {}


def test_a_long_sheet_sends_the_rows_that_need_the_user_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "MOST_ROWS", 5)
    rows = [campaign_row(n) for n in range(1, 10)] + [campaign_row(10, ad_text="")]
    sheet_path = write_csv(tmp_path / "launch.csv", rows)
    report = validate(sheet_path, results=None)
    view = views.check_view(read_sheet(sheet_path), report.rows, notes=report.notes)
    assert view["total"] == 10
    assert [r["number"] for r in view["rows"]] == [2, 3, 4, 5, 11]


@pytest.mark.parametrize(
    ("value", "shown"),
    [(None, ""), (50.0, "50"), (50.5, "50.5"), (True, "TRUE"), ("x", "x"),
     (datetime(2027, 12, 31, 23, 59, 59), "2027-12-31 23:59:59")],
)  # fmt: skip
def test_cells_are_shown_as_a_person_reads_them(value: object, shown: str) -> None:
    assert views.display(value) == shown


def test_speed_and_time_left_come_from_the_rows_finished_lately() -> None:
    clock = Clock()
    changes: list[int] = []
    watch = Watch(
        total=10, rate=2.0, calls_per_row=2.0, changed=lambda: changes.append(1), clock=clock
    )
    assert watch.snapshot()["rows_per_s"] is None and watch.snapshot()["eta_s"] is None
    for _ in range(4):
        clock.now += 2.0
        watch.row_finished(1, "created", "ok")
    watch.calls_in_flight(3)
    snap = watch.snapshot()
    assert snap["done"] == 4 and snap["rows_per_s"] == pytest.approx(0.5)
    assert snap["eta_s"] == pytest.approx(12.0)  # 6 rows left at 0.5 a second
    assert snap["most_rows_per_s"] == pytest.approx(1.0)  # 2 calls/s, 2 calls a row
    assert snap["in_flight"] == 3 and len(changes) == 5


def test_only_the_last_half_minute_counts_toward_the_speed() -> None:
    clock = Clock()
    watch = Watch(total=100, rate=10.0, calls_per_row=1.0, changed=lambda: None, clock=clock)
    for _ in range(10):
        watch.row_finished(1, "created", "ok")  # a burst at the start
    clock.now += 60.0
    for _ in range(3):
        clock.now += 1.0
        watch.row_finished(2, "rejected", "no")
    snap = watch.snapshot()
    assert snap["rows_per_s"] == pytest.approx(3 / 30)
    assert snap["statuses"] == {"created": 10, "rejected": 3}
    assert [r["status"] for r in snap["recent"]] == ["rejected"] * 3


@pytest.mark.parametrize(
    ("name", "kept"),
    [("launch.xlsx", "launch.xlsx"), ("../../etc/launch.csv", "launch.csv"),
     ("C:\\\\Users\\\\me\\\\launch.CSV", "launch.csv"), (".hidden.csv", "hidden.csv"),
     ("a<b>|c?.tsv", "a_b_c_.tsv"), ("x" * 300 + ".ods", "x" * 116 + ".ods")],
)  # fmt: skip
def test_a_dropped_file_keeps_a_safe_name_in_the_work_folder(name: str, kept: str) -> None:
    assert safe_name(name) == kept


@pytest.mark.parametrize("name", ["run.sh", "launch", "launch.xlsx.exe", ""])
def test_only_spreadsheets_are_kept(name: str) -> None:
    with pytest.raises(SheetError):
        safe_name(name)


def test_a_rehearsal_keeps_results_and_journal_apart_from_the_live_ones(tmp_path: Path) -> None:
    write_csv(tmp_path / "launch.csv", [campaign_row(1)])
    folder = WorkFolder(tmp_path)
    live, rehearsal = (
        folder.paths("launch.csv", rehearsal=False),
        folder.paths("launch.csv", rehearsal=True),
    )
    assert (live.results.name, live.journal.name) == (
        "launch.results.xlsx",
        "launch.results.journal.sqlite",
    )
    assert (rehearsal.results.name, rehearsal.journal.name) == (
        "launch.results.rehearsal.xlsx",
        "launch.results.rehearsal.journal.sqlite",
    )
    rehearsal.results.write_bytes(b"x")
    assert folder.sheets() == ["launch.csv"]  # a rehearsal's results are not offered as sheets
    with pytest.raises(UsageError, match="no sheet"):
        folder.sheet("../launch.csv")


def test_a_fresh_rehearsal_forgets_only_the_files_bulkads_wrote(tmp_path: Path) -> None:
    """A new sandbox makes an older rehearsal's files meaningless, but a file of the same
    name that bulkads did not write is the user's: it is left byte for byte."""
    write_csv(tmp_path / "launch.csv", [campaign_row(1)])
    folder = WorkFolder(tmp_path)
    paths = folder.paths("launch.csv", rehearsal=True)
    paths.results.write_bytes(b"the user's own notes")
    paths.journal.write_bytes(b"SQLite format 3\x00" + bytes(84))  # another program's database
    folder.forget(paths)
    assert paths.results.read_bytes() == b"the user's own notes"
    assert paths.journal.read_bytes() == b"SQLite format 3\x00" + bytes(84)

    paths.results.unlink()
    paths.journal.unlink()
    validate(tmp_path / "launch.csv", results=paths.results)  # a workbook bulkads wrote
    with Journal.open(paths.journal):
        pass
    folder.forget(paths)
    assert not paths.results.exists() and not paths.journal.exists()


def test_rows_left_pending_are_not_done_and_abandoned_calls_not_in_flight() -> None:
    watch = Watch(total=3, rate=2.0, calls_per_row=1.0, changed=lambda: None, clock=Clock())
    watch.row_finished(2, "created", "ok")
    watch.row_finished(3, "pending", "not sent: stopped")
    watch.stopping("stopped (SIGTERM)", 2, abandoned=True)
    snap = watch.snapshot()
    assert snap["done"] == 1 and snap["statuses"] == {"created": 1, "pending": 1}
    assert snap["in_flight"] == 0 and snap["stopping"] == "stopped (SIGTERM)"
