"""`digestbot run` as a child process of a test, as an operator starts it.

The service asks for any free port (`DIGESTBOT_HTTP_PORT=0`: a port picked here could be
taken by another process before the service binds it) and says which in its log.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

#: The log line naming the port the service bound.
BOUND = re.compile(r"health on port (\d+)")


def get(url: str, **headers: str) -> tuple[int, str]:
    """Status and body of a GET (an HTTP error is an answer too)."""
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def start_service(env: dict[str, str], cwd: Path) -> tuple[subprocess.Popen[str], int, Path]:
    """Start `digestbot run` (its output in `cwd/run.log`) and wait until /healthz answers:
    the process, the port it bound and its log. The caller stops the process."""
    log = cwd / "run.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            env=env | {"DIGESTBOT_HTTP_PORT": "0"},
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
    port = 0
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and proc.poll() is None:
        if not port and (found := BOUND.search(log.read_text(errors="replace"))):
            port = int(found.group(1))
        try:
            if port and get(f"http://127.0.0.1:{port}/healthz")[0] == 200:
                break
        except OSError:
            pass
        time.sleep(0.1)
    assert port, f"the service never said which port it bound:\n{log.read_text()}"
    return proc, port, log
