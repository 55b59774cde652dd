"""Requests per second of the hot pages as a ratio to a bare Flask hello, measured side by side.

Usage: .venv/bin/python bench/bench_ratio.py [--seconds 3] [--rounds 3] [--clients 4] [--only NAME]

Starts `gunicorn -w 2` (sync workers) twice on the same settings: the app on a throwaway SQLite
database (WAL) filled by `elearn demo --no-serve`, and `bench/hello_app.py`. For every request of
the table, in every round, it drives hello and then the app for the same number of seconds with
the same client threads, one new connection per request (no keep-alive), so each ratio compares
two runs a few seconds apart on the same (shared, noisy) machine. It prints, per request, the
app's requests/s, its ratio to hello (min, median and max over the rounds), p50/p95 latency,
gunicorn's CPU milliseconds per request (master and workers, from /proc) and the SQL statements
the request runs (counted in-process with the Flask test client on the same database).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
WORKER = ("lavoratrice@demo.it", "demo-password")
MODULE = "/corsi/credito-e-prestiti/01-tan-taeg-e-rata"
LOAN = {"principal": 200000, "annual_rate": 3.5, "months": 360}
LOAN_QUERY = urlencode({"principal": 20000, "annual_rate": 7.5, "months": 60, "upfront_fees": 300})
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Request:
    name: str
    method: str
    path: str
    logged_in: bool = False
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


REQUESTS = [
    Request("module page, logged-in worker", "GET", MODULE, logged_in=True),
    Request("worker home", "GET", "/", logged_in=True),
    Request("catalogue", "GET", "/corsi/", logged_in=True),
    Request("course page", "GET", "/corsi/credito-e-prestiti/", logged_in=True),
    Request(
        "loan JSON API, 360 months",
        "POST",
        "/api/v1/simulators/loan",
        body=json.dumps(LOAN).encode(),
        headers={"Content-Type": "application/json"},
    ),
    Request("anonymous home", "GET", "/"),
    Request("loan page with results", "GET", f"/simulatori/prestito?{LOAN_QUERY}"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn(app: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    binary = str(Path(sys.executable).with_name("gunicorn"))
    server = subprocess.Popen(  # noqa: S603
        [binary, "-w", "2", "-k", "sync", "-b", f"127.0.0.1:{port}", app],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/")
            conn.getresponse().read()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"gunicorn {app} did not start")


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and its children, from /proc."""
    total = 0.0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            stat = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(stat[11]) + int(stat[12])) / CLOCK_TICKS
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                pids.extend(int(child) for child in children)
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def one_request(port: int, request: Request, cookie: str) -> tuple[int, float]:
    headers = dict(request.headers)
    if request.logged_in:
        headers["Cookie"] = cookie
    headers["Connection"] = "close"
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(request.method, request.path, body=request.body, headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, time.perf_counter() - started


@dataclass
class Run:
    requests: int
    seconds: float
    latencies: list[float]
    cpu_seconds: float
    bad: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def drive(port: int, request: Request, cookie: str, seconds: float, clients: int, pid: int) -> Run:
    latencies: list[float] = []
    bad = 0
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def client() -> None:
        nonlocal bad
        while time.perf_counter() < stop_at:
            status, elapsed = one_request(port, request, cookie)
            with lock:
                latencies.append(elapsed)
                if status != 200:  # a redirect to the login or consent page is a failure
                    bad += 1

    cpu_before = process_tree_cpu(pid)
    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return Run(len(latencies), elapsed, latencies, process_tree_cpu(pid) - cpu_before, bad)


def log_in(port: int) -> str:
    """The session cookie of the demo worker, through the real login form."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/login")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = "; ".join(
        value.split(";", 1)[0] for key, value in response.getheaders() if key == "Set-Cookie"
    )
    token = CSRF.search(page)
    if token is None:
        raise SystemExit("no CSRF token on /login")
    form = urlencode({"csrf_token": token.group(1), "email": WORKER[0], "password": WORKER[1]})
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(
        "POST",
        "/login",
        body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    response = conn.getresponse()
    response.read()
    cookies = [v.split(";", 1)[0] for k, v in response.getheaders() if k == "Set-Cookie"]
    if response.status not in (302, 303) or not cookies:
        raise SystemExit(f"login failed: {response.status}")
    # Then one page, keeping what it sets, as a browser does: the first page after a login
    # notes in the session that the privacy choice was made (a cookie never updated would ask
    # the database again on every request).
    jar = dict(cookie.split("=", 1) for cookie in cookies)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/", headers={"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())})
    response = conn.getresponse()
    response.read()
    if response.status != 200:
        raise SystemExit(f"first page after login: {response.status}")
    for key, value in response.getheaders():
        if key == "Set-Cookie":
            name, _, rest = value.split(";", 1)[0].partition("=")
            jar[name] = rest
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def statement_counts(env: dict[str, str]) -> dict[str, int]:
    """SQL statements per request, counted in-process on the same database (second request)."""
    os.environ.update(env)
    from sqlalchemy import event

    from elearn import create_app
    from elearn.extensions import db

    app = create_app({"WTF_CSRF_ENABLED": False})
    counts: dict[str, int] = {}
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def count(*_args: object) -> None:
        statements.append("x")

    event.listen(engine, "before_cursor_execute", count)
    logged_in = app.test_client()
    logged_in.post("/login", data={"email": WORKER[0], "password": WORKER[1]})
    # The first login asks what the Welfare Manager may see; answer once, as a worker does.
    logged_in.post("/consenso", data={"progress_sharing": "yes"})
    anonymous = app.test_client()
    for request in REQUESTS:
        client = logged_in if request.logged_in else anonymous
        for _ in range(2):  # the second request: caches warm, as in a running server
            statements.clear()
            client.open(
                request.path, method=request.method, data=request.body, headers=request.headers
            )
        counts[request.name] = len(statements)
    event.remove(engine, "before_cursor_execute", count)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--learners", type=int, default=60)
    parser.add_argument("--only", default="", help="run only requests whose name contains this")
    args = parser.parse_args()
    requests = [r for r in REQUESTS if args.only in r.name]

    folder = Path(tempfile.mkdtemp(prefix="bench-ratio-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
        "SECRET_KEY": "bench-ratio",
        "RATELIMIT_ENABLED": "false",
        "LOGIN_FAILURES_PER_ADDRESS": "100000",
        "MAIL_BACKEND": "console",
    }
    elearn = str(Path(sys.executable).with_name("elearn"))
    subprocess.run(  # noqa: S603
        [elearn, "demo", "--no-serve", "--learners", str(args.learners)],
        cwd=folder,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    counts = statement_counts(env)  # also records the demo worker's consent choice
    app_port, hello_port = free_port(), free_port()
    app = gunicorn("elearn:create_app()", app_port, env)
    hello = gunicorn("bench.hello_app:app", hello_port, env)
    hello_request = Request("hello", "GET", "/")
    try:
        cookie = log_in(app_port)
        for request in requests:  # warm every worker up
            for _ in range(6):
                one_request(app_port, request, cookie)
        results: dict[str, list[tuple[Run, Run]]] = {r.name: [] for r in requests}
        for _ in range(args.rounds):
            for request in requests:
                base = drive(hello_port, hello_request, "", args.seconds, args.clients, hello.pid)
                run = drive(app_port, request, cookie, args.seconds, args.clients, app.pid)
                results[request.name].append((base, run))
    finally:
        app.terminate()
        hello.terminate()
        app.wait()
        hello.wait()

    print(
        f"gunicorn -w 2 sync, SQLite WAL, {args.clients} client threads without keep-alive, "
        f"{args.seconds:g} s per run, {args.rounds} rounds; hello and app alternate.\n"
    )
    print(
        "| request | app req/s (median) | hello req/s (median) | ratio min / median / max "
        "| p50 ms | p95 ms | app CPU ms/req | hello CPU ms/req | SQL statements | errors |"
    )
    print("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|")
    for request in requests:
        pairs = results[request.name]
        ratios = sorted(run.rate / base.rate for base, run in pairs)
        latencies = sorted(x for _, run in pairs for x in run.latencies)
        p50 = latencies[len(latencies) // 2] * 1000
        p95 = latencies[int(len(latencies) * 0.95)] * 1000
        cpu = statistics.median(run.cpu_seconds / max(run.requests, 1) for _, run in pairs)
        hello_cpu = statistics.median(b.cpu_seconds / max(b.requests, 1) for b, _ in pairs)
        print(
            f"| {request.name} | {statistics.median(r.rate for _, r in pairs):.1f} "
            f"| {statistics.median(b.rate for b, _ in pairs):.1f} "
            f"| {ratios[0]:.3f} / {statistics.median(ratios):.3f} / {ratios[-1]:.3f} "
            f"| {p50:.1f} | {p95:.1f} | {cpu * 1000:.1f} | {hello_cpu * 1000:.2f} "
            f"| {counts[request.name]} | {sum(r.bad for _, r in pairs)} |"
        )


if __name__ == "__main__":
    main()
