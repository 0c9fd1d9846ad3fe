"""CONTRACT §1/§8: `bulkads sandbox` started as a user starts it, in a real process."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import urllib.request

from sandbox_fixtures import free_port, read_until

from bulkads.sandbox import AGENCY_KEY, SOLO_KEY


def test_the_command_prints_url_and_keys_at_once_answers_and_stops_on_ctrl_c() -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bulkads", "sandbox", "--port", str(port), "--max-in-flight", "5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        banner = read_until(process, "bulkads run sheet.xlsx")
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/tools/get_usage_status/execute",
            data=b'{"arguments": {}}',
            headers={"Authorization": f"Bearer {SOLO_KEY}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = json.load(response)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=20)
    finally:
        process.kill()
    assert f"http://127.0.0.1:{port}" in banner
    assert SOLO_KEY in banner and AGENCY_KEY in banner and "7100000000000000003" in banner
    assert f"ADSPIRER_BASE_URL=http://127.0.0.1:{port} ADSPIRER_API_KEY=" in banner
    assert body["success"] is True
    assert "Limits per key: 5 in flight." in banner
    assert process.returncode == 0 and "Traceback" not in stderr


def test_the_command_on_a_busy_port_says_so_in_one_line_and_exits_2() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "bulkads", "sandbox", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert done.returncode == 2
    assert str(port) in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr
