"""CONTRACT §1-§2, §7 under floods and abrupt ends: thousands of unknown columns, a SIGTERM
in the middle of writing the results, a full disk. One clear outcome each, nothing left behind."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from runs import campaign_row, write_csv
from test_commands import bulkads, no_traceback


def test_thousands_of_unknown_columns_are_summed_up_in_one_warning(tmp_path: Path) -> None:
    extra = {f"note {i}": "x" for i in range(5000)}
    write_csv(tmp_path / "launch.csv", [campaign_row(n, **extra) for n in (1, 2)])
    result = bulkads("validate", "launch.csv", cwd=tmp_path)
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    said = " ".join((result.stdout + result.stderr).split())
    assert said.count("is not an argument of") == 10
    assert "4,990 more columns are not arguments" in said
    assert len((result.stdout + result.stderr).splitlines()) < 60


def test_sigterm_while_validate_writes_leaves_no_temporary_file_or_folder(
    tmp_path: Path,
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(1, 30_001)])
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADSPIRER_")}
    env["TMPDIR"] = str(scratch)
    process = subprocess.Popen(
        [sys.executable, "-m", "bulkads", "validate", "launch.csv", "-o", "out.xlsx"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".out.xlsx.*.tmp")) and process.poll() is None:
        assert time.monotonic() < deadline, "the results were never written"
        time.sleep(0.005)
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    assert "Traceback" not in out + err
    assert process.returncode == 3, err
    assert "stopped by SIGTERM" in " ".join(err.split())
    assert not (tmp_path / "out.xlsx").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["launch.csv", "tmp"]
    assert list(scratch.iterdir()) == []


def test_a_full_disk_is_one_clear_error_and_nothing_else(tmp_path: Path) -> None:
    unshare = shutil.which("unshare")
    probe = [unshare or "unshare", "-rm", "true"]
    if unshare is None or subprocess.run(probe, capture_output=True).returncode != 0:
        pytest.skip("needs unshare and user namespaces, to mount a small tmpfs without root")
    write_csv(tmp_path / "launch.csv", [campaign_row(n) for n in range(1, 3000)])
    small = tmp_path / "small"
    small.mkdir()
    script = (
        f"mount -t tmpfs -o size=64k tmpfs {small} && "
        f"{sys.executable} -m bulkads validate launch.csv -o {small}/out.xlsx; "
        f"echo exit=$?; ls -A {small}"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADSPIRER_")}
    result = subprocess.run(
        [unshare, "-rm", "sh", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    said = " ".join(result.stderr.split())
    assert "exit=2" in result.stdout
    assert result.stdout.strip().endswith("exit=2")  # and nothing left in the folder
    assert "the disk is full" in said
    assert "Exception ignored" not in result.stderr and "Traceback" not in result.stderr
    assert said.count("bulkads: error:") == 1
