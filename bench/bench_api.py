"""Requests per second of the loan API, with and without the SVG chart, against gunicorn.

Usage: .venv/bin/python bench/bench_api.py [seconds-per-row] [client-threads]
Starts `gunicorn -w 2 'elearn:create_app()'` on a free port with a throwaway SQLite database,
drives it with a threaded http.client loop and prints a markdown table.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOAN = {"principal": 200000, "annual_rate": 3.5, "months": 360}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, folder: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
        "SECRET_KEY": "bench",
        "RATELIMIT_ENABLED": "false",
    }
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    server = subprocess.Popen(
        [gunicorn, "-w", "2", "-b", f"127.0.0.1:{port}", "elearn:create_app()"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/openapi.json")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


Request = Callable[[http.client.HTTPConnection, int], int]


def loan_json(conn: http.client.HTTPConnection, n: int) -> int:
    conn.request(
        "POST",
        "/api/v1/simulators/loan",
        body=json.dumps(LOAN),
        headers={"Content-Type": "application/json"},
    )
    response = conn.getresponse()
    response.read()
    return response.status


def chart(distinct: bool) -> Request:
    def request(conn: http.client.HTTPConnection, n: int) -> int:
        # Distinct inputs defeat the per-worker chart cache: every request draws a new chart.
        principal = 200000 + (n if distinct else 0)
        conn.request(
            "GET",
            f"/api/v1/simulators/loan/chart.svg?lang=it&principal={principal}"
            "&annual_rate=3.5&months=360",
        )
        response = conn.getresponse()
        response.read()
        return response.status

    return request


def measure(port: int, request: Request, seconds: float, threads: int) -> tuple[float, float]:
    """(requests per second, median latency in ms)."""
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    counter = iter(range(10**9))

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.monotonic() < stop:
            with lock:
                n = next(counter)
            start = time.perf_counter()
            status = request(conn, n)
            mine.append(time.perf_counter() - start)
            if status != 200:
                errors.append(status)
        with lock:
            latencies.extend(mine)

    started = time.monotonic()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.monotonic() - started
    assert not errors, f"non-200 answers: {errors[:5]}"
    return len(latencies) / elapsed, statistics.median(latencies) * 1000


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 5.0
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        server = start_server(port, Path(folder))
        try:
            rows = [
                ("POST /api/v1/simulators/loan (360 months, JSON with schedule)", loan_json),
                ("GET loan/chart.svg, same inputs (cached per worker)", chart(False)),
                ("GET loan/chart.svg, new inputs every request (drawn)", chart(True)),
            ]
            for _, request in rows:  # warm up both workers
                measure(port, request, 0.5, threads)
            print(
                f"gunicorn -w 2, {threads} client threads, {seconds:g} s per row, "
                f"{os.cpu_count()} CPUs\n"
            )
            print("| request | requests/s | median latency (ms) |")
            print("|---|---:|---:|")
            for label, request in rows:
                rps, median = measure(port, request, seconds, threads)
                print(f"| {label} | {rps:.0f} | {median:.1f} |")
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
