"""Start the real application under gunicorn (several worker processes) for end-to-end tests.

Used by the tests that must prove something holds across processes: throttling, concurrent
writes, faults. The database must already have its schema (the `app` fixture builds it).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from tests.conftest import free_port

GUNICORN = Path(sys.executable).with_name("gunicorn")


class Server:
    """A running gunicorn: its base URL, its process and its log file."""

    def __init__(self, base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
        self.base_url = base_url
        self.process = process
        self.log = log

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def worker_pids(self) -> list[int]:
        """The pids of gunicorn's worker processes (children of the arbiter)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def wait_for_workers(
        self, count: int, seconds: float = 30, replacing: Iterable[int] = ()
    ) -> list[int]:
        """Poll until the arbiter has `count` live workers (after a start or a crash), none of
        them in `replacing` (a killed process may still be listed for a moment)."""
        deadline = time.monotonic() + seconds
        gone = set(replacing)
        while time.monotonic() < deadline:
            pids = [pid for pid in self.worker_pids() if _alive(pid) and pid not in gone]
            if len(pids) == count:
                return pids
            time.sleep(0.05)  # polling the arbiter, not timing anything
        raise AssertionError(f"expected {count} workers, have {self.worker_pids()}")


def _alive(pid: int) -> bool:
    """Running and not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _has_setting(name: str) -> bool:
    from gunicorn.config import KNOWN_SETTINGS

    return any(setting.name == name for setting in KNOWN_SETTINGS)


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)  # polling for the server to start, not timing anything
    raise RuntimeError(f"gunicorn did not start: {log.read_text(errors='replace')[-3000:]}")


@contextmanager
def gunicorn(
    database_url: str,
    tmp_path: Path,
    *,
    workers: int = 3,
    threads: int = 1,
    env: dict[str, str] | None = None,
    extra_args: list[str] | None = None,
    preload: bool = False,
) -> Iterator[Server]:
    """Serve `elearn:create_app()` on a free port with `workers` processes.

    `preload` builds the app once in the arbiter and forks the workers from it (gunicorn
    `--preload`): the same code, but a start in one import time instead of `workers` imports
    competing for the CPU. Leave it off where a new worker must start the way production does.
    """
    port = free_port()
    log = tmp_path / f"gunicorn-{port}.log"
    instance = tmp_path / f"gunicorn-{port}"  # working directory: instance/ lands here
    instance.mkdir()
    environment: dict[str, Any] = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key",
        "MAIL_BACKEND": "console",
        "REPORT_CACHE_SECONDS": "0",
        **(env or {}),
    }
    command = [
        str(GUNICORN),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--graceful-timeout",
        "5",
        *(["--preload"] if preload else []),
        # Recent gunicorn versions open a control socket at one fixed path per user; servers
        # started by tests running side by side would fight over it.
        *(["--no-control-socket"] if _has_setting("control_socket_disable") else []),
        *(extra_args or []),
        "elearn:create_app()",
    ]
    with log.open("wb") as handle:
        process = subprocess.Popen(  # noqa: S603
            command, stdout=handle, stderr=subprocess.STDOUT, env=environment, cwd=instance
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base_url, process, log, 30)
        yield Server(base_url, process, log)
    finally:
        if process.poll() is None:
            # The test is over: stop listening, then end the workers at once instead of
            # waiting for each interpreter to tidy up (seconds on a busy machine).
            workers = Server(base_url, process, log).worker_pids()
            process.send_signal(signal.SIGTERM)
            for pid in workers:
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
