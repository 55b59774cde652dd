"""A throwaway PostgreSQL cluster in a temporary directory, which a test may stop and start.

The shared server on port 5432 serves other tests and people; a restart test needs its own.
As root the server runs as the `postgres` user (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.conftest import free_port


def find_bindir() -> Path | None:
    """The newest installed PostgreSQL's bin directory (Debian layout), else pg_config's."""
    found = []
    for initdb in Path("/usr/lib/postgresql").glob("*/bin/initdb"):
        version = initdb.parent.parent.name
        if re.fullmatch(r"\d+(\.\d+)?", version) and (initdb.parent / "pg_ctl").exists():
            found.append((float(version), initdb.parent))
    if found:
        return max(found)[1]
    pg_config = shutil.which("pg_config")
    if pg_config:
        bindir = subprocess.run(  # noqa: S603
            [pg_config, "--bindir"], capture_output=True, text=True, check=False
        ).stdout.strip()
        if bindir and (Path(bindir) / "initdb").exists() and (Path(bindir) / "pg_ctl").exists():
            return Path(bindir)
    return None


class PrivatePostgres:
    """initdb + pg_ctl on a free port, listening on 127.0.0.1 only, trust authentication."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="elearn-pg-"))
        self.data = self.directory / "data"
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run(
            "initdb",
            *("-D", str(self.data), "-U", "postgres", "-A", "trust"),
            *("-E", "UTF8", "--locale=C", "--no-sync"),
        )

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, tool: str, *args: str) -> str:
        command = [str(self.bindir / tool), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(  # noqa: S603
            command, capture_output=True, text=True, cwd=self.directory, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed: {result.stdout}{result.stderr}")
        return result.stdout

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off"  # a test cluster: speed over durability
        )
        log = str(self.directory / "server.log")
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", log, "-o", options, "-w", "-t", "60", "start"
        )

    @property
    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def stop(self) -> None:
        """Fast shutdown: open transactions are rolled back, connections are cut."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def destroy(self) -> None:
        try:
            if self.running:
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)
