"""Load proof: locust (headless) against the app under gunicorn + PostgreSQL, and against a bare
Flask "hello" app on the same gunicorn settings.

Usage:
    .venv/bin/python bench/bench_load.py [--users 24] [--spawn-rate 8] [--time 60s]
        [--wait 0 | --wait MIN,MAX] [--workers 4] [--threads 1] [--learners 200]
        [--managers 2] [--out results.md] [--admin-url postgresql://elearn:elearn@127.0.0.1:5432/postgres]

What it does, in order:
1. creates a fresh PostgreSQL database (`elearn_bench_load`; dropped first if a previous run left
   it) and fills it with `elearn demo --no-serve --learners N` (courses, demo accounts, N
   synthetic learners with progress, the demo consultation request);
2. adds bench managers (the demo manager plus `bench-manager<k>@demo.it`, each with its own TOTP
   key: a code works only once per 30-second step, so two managers cannot share one account) and
   writes the plan file for bench/locustfile.py (learners, managers, modules and their quizzes);
3. starts `gunicorn elearn:create_app()` with the settings below, warms every worker up, runs
   `locust --headless` with the Worker and Manager users, and measures the CPU time that
   gunicorn, PostgreSQL and locust used;
4. the same for `gunicorn bench.hello_app:app` with the Hello user and the same run shape;
5. prints a markdown table (and writes it to --out): requests/s, p50/p95/p99 per request type and
   overall, failures, and the ratio app / hello; then stops the servers and drops the database.

The login limits are relaxed for the run (all users come from 127.0.0.1): LOGIN_RATE_LIMIT
(Flask-Limiter, per address) and LOGIN_FAILURES_PER_ADDRESS (database-backed throttling,
elearn/auth/throttle.py). Every password and code the users send is right, so the per-account
limit (LOGIN_FAILURES_PER_ACCOUNT) is never reached and stays as configured.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DB_NAME = "elearn_bench_load"


# --- database ------------------------------------------------------------------------------------


def _with_database(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + name


def create_database(admin_url: str) -> str:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DB_NAME))
        )
        conn.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8'").format(sql.Identifier(DB_NAME)))
    return _with_database(admin_url, DB_NAME)


def drop_database(admin_url: str) -> None:
    for attempt in range(5):
        try:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(DB_NAME)
                    )
                )
            return
        except psycopg.OperationalError:
            if attempt == 4:
                raise
            time.sleep(1)  # an autovacuum worker may hold a fresh database for a moment


def postgres_version(url: str) -> str:
    with psycopg.connect(url) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "?"


def seed(database_url: str, workdir: Path, learners: int) -> None:
    started = time.monotonic()
    subprocess.run(
        [str(BIN / "elearn"), "demo", "--no-serve", "--learners", str(learners)],
        cwd=workdir,
        env={**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "bench-load"},
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    print(f"demo data with {learners} learners in {time.monotonic() - started:.0f} s", flush=True)


def write_plan(database_url: str, workdir: Path, managers: int, path: Path) -> dict[str, Any]:
    """Bench managers, then what the locust users need to know, read from the database."""
    import pyotp
    from sqlalchemy import select

    from elearn import create_app
    from elearn.auth.services import hash_password
    from elearn.demo import DEMO_PASSWORD, DEMO_TOTP_SECRETS
    from elearn.extensions import db
    from elearn.models import ConsultationRequest, Course, Organization, User

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url.replace(
                "postgresql://", "postgresql+psycopg://", 1
            ),
            "INSTANCE_PATH": str(workdir / "instance"),
            "SECRET_KEY": "bench-load",
        }
    )
    with app.app_context():
        organizations = list(db.session.scalars(select(Organization).order_by(Organization.id)))
        accounts = [
            {"email": "manager@demo.it", "totp_secret": DEMO_TOTP_SECRETS["manager@demo.it"]}
        ]
        password_hash = hash_password(DEMO_PASSWORD)
        for number in range(2, managers + 1):
            secret = pyotp.random_base32()
            user = User(
                email=f"bench-manager{number}@demo.it",
                full_name=f"Bench Manager {number}",
                password_hash=password_hash,
            )
            user.set_roles({"manager"})
            user.managed_organizations = list(organizations)
            user.totp_secret = secret
            db.session.add(user)
            accounts.append({"email": user.email, "totp_secret": secret})
        db.session.commit()
        courses = []
        for course in db.session.scalars(
            select(Course).where(Course.published_at.is_not(None)).order_by(Course.slug)
        ):
            modules = []
            for module in course.modules:
                if not module.is_visible:
                    continue
                quizzes = [
                    {
                        "id": quiz_id,
                        "type": quiz["type"],
                        "choices": len(quiz.get("choices") or []),
                        "correct": [
                            i
                            for i, choice in enumerate(quiz.get("choices") or [])
                            if choice["correct"]
                        ],
                        "answer": quiz.get("answer"),
                    }
                    for quiz_id, quiz in module.published_version.quiz_map().items()
                ]
                modules.append({"slug": module.slug, "quizzes": quizzes})
            if modules:
                courses.append({"slug": course.slug, "modules": modules})
        plan = {
            "password": DEMO_PASSWORD,
            "workers": list(
                db.session.scalars(
                    select(User.email)
                    .where(User.email.like("learner%@demo.it"))
                    .order_by(User.email)
                )
            ),
            "managers": accounts,
            "organizations": [org.id for org in organizations],
            "cases": list(db.session.scalars(select(ConsultationRequest.id))),
            "courses": courses,
        }
        db.session.remove()
        db.engine.dispose()
    path.write_text(json.dumps(plan, indent=1), encoding="utf-8")
    quizzes = sum(len(m["quizzes"]) for c in courses for m in c["modules"])
    print(
        f"plan: {len(plan['workers'])} learners, {len(accounts)} managers, {len(courses)} courses, "
        f"{sum(len(c['modules']) for c in courses)} modules, {quizzes} quizzes",
        flush=True,
    )
    return plan


# --- servers -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_command(app: str, port: int, workers: int, threads: int) -> list[str]:
    return [
        str(BIN / "gunicorn"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "sync" if threads == 1 else "gthread",
        "--timeout",
        "60",
        "--graceful-timeout",
        "5",
        app,
    ]


def start_gunicorn(
    command: list[str], env: dict[str, str], log: Path, probe: str, cwd: Path
) -> subprocess.Popen[bytes]:
    with log.open("wb") as handle:
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=handle, stderr=subprocess.STDOUT
        )
    port = int(command[command.index("--bind") + 1].rsplit(":", 1)[1])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            if get(port, probe)[0] == 200:
                return process
        except OSError:
            pass
        time.sleep(0.2)  # waiting for the server to start, not timing anything
    stop(process)
    raise SystemExit(f"gunicorn did not start:\n{log.read_text(errors='replace')[-3000:]}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def warm_up(port: int, paths: list[str], rounds: int = 6, threads: int = 8) -> None:
    """Concurrent GETs so that every worker process has imported and cached what it needs."""

    def hit() -> None:
        for _ in range(rounds):
            for path in paths:
                get(port, path)

    pool = [threading.Thread(target=hit) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()


# --- CPU accounting ------------------------------------------------------------------------------


def _cpu_seconds(processes: list[psutil.Process]) -> dict[int, float]:
    seconds = {}
    for process in processes:
        try:
            times = process.cpu_times()
            seconds[process.pid] = times.user + times.system
        except psutil.Error:
            pass
    return seconds


def _tree(pid: int) -> list[psutil.Process]:
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def _postgres() -> list[psutil.Process]:
    return [
        p for p in psutil.process_iter(["name"]) if (p.info["name"] or "").startswith("postgres")
    ]


@dataclass
class CpuMeter:
    """CPU seconds used by gunicorn, all PostgreSQL processes and locust during one run."""

    server_pid: int
    start: dict[str, dict[int, float]] = field(default_factory=dict)
    machine_start: Any = None
    wall_start: float = 0.0

    def begin(self) -> None:
        self.start = {
            "gunicorn": _cpu_seconds(_tree(self.server_pid)),
            "postgres": _cpu_seconds(_postgres()),
        }
        self.machine_start = psutil.cpu_times()
        self.wall_start = time.monotonic()

    def end(self, locust_seconds: float) -> dict[str, float]:
        used: dict[str, float] = {}
        for label, now in (
            ("gunicorn", _cpu_seconds(_tree(self.server_pid))),
            ("postgres", _cpu_seconds(_postgres())),
        ):
            before = self.start[label]
            used[label] = sum(value - before.get(pid, 0.0) for pid, value in now.items())
        used["locust"] = locust_seconds
        machine = psutil.cpu_times()
        busy = sum(
            getattr(machine, name) - getattr(self.machine_start, name)
            for name in ("user", "system", "nice", "irq", "softirq", "steal")
        )
        used["machine busy"] = busy
        used["wall"] = time.monotonic() - self.wall_start
        return used


def wait_until_quiet(limit_seconds: float, busy_percent: float = 20.0) -> float:
    """Wait (at most `limit_seconds`) until the machine is mostly idle; returns the busy %."""
    deadline = time.monotonic() + limit_seconds
    while True:
        busy = psutil.cpu_percent(interval=5)
        if busy <= busy_percent or time.monotonic() >= deadline:
            return busy
        print(f"machine {busy:.0f} % busy with other work: waiting", flush=True)


# --- locust --------------------------------------------------------------------------------------


@dataclass
class Run:
    label: str
    rows: list[dict[str, str]]
    total: dict[str, str]
    failures: list[dict[str, str]]
    exceptions: list[dict[str, str]]
    cpu: dict[str, float]
    errors_in_log: list[str]


def run_locust(
    label: str,
    port: int,
    server: subprocess.Popen[bytes],
    classes: list[str],
    args: argparse.Namespace,
    workdir: Path,
    env: dict[str, str],
    server_log: Path,
) -> Run:
    prefix = workdir / label
    log_offset = server_log.stat().st_size
    command = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--host",
        f"http://127.0.0.1:{port}",
        "-u",
        str(args.users),
        "-r",
        str(args.spawn_rate),
        "-t",
        args.time,
        "--csv",
        str(prefix),
        "--loglevel",
        "WARNING",
        "--stop-timeout",
        "10",
        *classes,
    ]
    busy = wait_until_quiet(args.wait_quiet) if args.wait_quiet else None
    if busy is not None:
        print(f"machine {busy:.0f} % busy just before the run", flush=True)
    meter = CpuMeter(server.pid)
    meter.begin()
    print(f"locust {label}: {' '.join(command[3:])}", flush=True)
    with (workdir / f"{label}-locust.log").open("wb") as handle:
        locust = psutil.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
        locust_cpu = 0.0
        while locust.poll() is None:
            with contextlib.suppress(psutil.Error):
                times = locust.cpu_times()
                locust_cpu = times.user + times.system + times.children_user + times.children_system
            time.sleep(0.5)  # sampling the load generator's CPU time while it runs
    cpu = meter.end(locust_cpu)
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        stats = list(csv.DictReader(handle))
    with open(f"{prefix}_failures.csv", encoding="utf-8") as handle:
        failures = list(csv.DictReader(handle))
    with open(f"{prefix}_exceptions.csv", encoding="utf-8") as handle:
        exceptions = list(csv.DictReader(handle))
    with server_log.open("rb") as handle:
        handle.seek(log_offset)
        new_log = handle.read().decode("utf-8", errors="replace")
    errors = [
        line
        for line in new_log.splitlines()
        if "Traceback" in line
        or "unhandled error" in line
        or "ERROR" in line
        or "WORKER TIMEOUT" in line
    ]
    total = next(row for row in stats if row["Name"] == "Aggregated")
    rows = [row for row in stats if row["Name"] != "Aggregated"]
    rows.sort(key=lambda row: -float(row["Request Count"]))
    return Run(label, rows, total, failures, exceptions, cpu, errors)


# --- report --------------------------------------------------------------------------------------


def _ms(value: str) -> str:
    try:
        return f"{float(value):.0f}"
    except ValueError:
        return value


def table(run: Run) -> list[str]:
    lines = [
        "| request | count | req/s | p50 ms | p95 ms | p99 ms | max ms | failures |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in [*run.rows, run.total]:
        name = row["Name"] if row["Name"] != "Aggregated" else "**all requests**"
        method = row["Type"] if row["Name"] != "Aggregated" else ""
        label = name if name.startswith(("GET", "POST", "**")) else f"{method} {name}"
        lines.append(
            f"| {label} | {row['Request Count']} | {float(row['Requests/s']):.1f} | "
            f"{_ms(row['50%'])} | {_ms(row['95%'])} | {_ms(row['99%'])} | "
            f"{_ms(row['Max Response Time'])} | {row['Failure Count']} |"
        )
    return lines


def cpu_per_request(run: Run) -> tuple[float, float]:
    """(gunicorn, PostgreSQL) CPU milliseconds per request: unlike requests/s, this does not
    depend on how much of the machine other work took during the run."""
    count = max(1, int(run.total["Request Count"]))
    return run.cpu["gunicorn"] * 1000 / count, run.cpu["postgres"] * 1000 / count


def cpu_line(run: Run) -> str:
    cpu = run.cpu
    wall = cpu["wall"] or 1.0
    cores = os.cpu_count() or 1
    others = max(0.0, cpu["machine busy"] - cpu["gunicorn"] - cpu["postgres"] - cpu["locust"])
    return (
        f"CPU during the run ({wall:.0f} s, {cores} cores = {wall * cores:.0f} core-seconds): "
        f"gunicorn {cpu['gunicorn']:.0f} s, PostgreSQL {cpu['postgres']:.0f} s, "
        f"locust {cpu['locust']:.0f} s, other processes {others:.0f} s; whole machine busy "
        f"{cpu['machine busy']:.0f} s ({cpu['machine busy'] / (wall * cores) * 100:.0f} %)"
    )


def report(app: Run, hello: Run, args: argparse.Namespace, facts: dict[str, str]) -> str:
    app_rps = float(app.total["Requests/s"])
    hello_rps = float(hello.total["Requests/s"])
    lines = [
        f"Machine: {facts['cpu']}, {os.cpu_count()} cores, {facts['memory']}; "
        f"load average before the app run {facts['load']}; Python {platform.python_version()}, "
        f"PostgreSQL {facts['postgres']}, gunicorn {facts['gunicorn']}, locust {facts['locust']}.",
        f"gunicorn: {args.workers} workers x {args.threads} thread(s) "
        f"({'sync' if args.threads == 1 else 'gthread'}); locust: -u {args.users} -r "
        f"{args.spawn_rate} -t {args.time}, think time {args.wait!r} s, {args.managers} managers, "
        f"{args.users - args.managers} workers; {args.learners} demo learners in the database.",
        "",
        f"### App (`elearn:create_app()`, PostgreSQL): {app_rps:.1f} requests/s",
        "",
        *table(app),
        "",
        cpu_line(app),
        "",
        f"### Hello (`bench.hello_app:app`): {hello_rps:.1f} requests/s",
        "",
        *table(hello),
        "",
        cpu_line(hello),
        "",
        "### Ratio",
        "",
        "| | app | hello | app / hello |",
        "|---|---:|---:|---:|",
        f"| requests/s | {app_rps:.1f} | {hello_rps:.1f} | {app_rps / hello_rps:.3f} |",
    ]
    for pct in ("50%", "95%", "99%"):
        a, h = float(app.total[pct]), float(hello.total[pct])
        lines.append(
            f"| p{pct[:-1]} ms | {a:.0f} | {h:.0f} | {a / h if h else float('inf'):.1f}x |"
        )
    app_cpu, hello_cpu = cpu_per_request(app), cpu_per_request(hello)
    lines += [
        f"| gunicorn CPU ms per request | {app_cpu[0]:.1f} | {hello_cpu[0]:.2f} | "
        f"{app_cpu[0] / hello_cpu[0]:.0f}x |",
        f"| gunicorn + PostgreSQL CPU ms per request | {sum(app_cpu):.1f} | {sum(hello_cpu):.2f} | "
        f"{sum(app_cpu) / sum(hello_cpu):.0f}x |",
        f"| failures | {app.total['Failure Count']} | {hello.total['Failure Count']} | |",
    ]
    for run in (app, hello):
        if run.failures:
            lines += ["", f"Failures ({run.label}):", ""]
            lines += [
                f"- {row['Method']} {row['Name']}: {row['Occurrences']} x {row['Error']}"
                for row in run.failures
            ]
        if run.exceptions:
            lines += ["", f"Exceptions in the locust users ({run.label}):", ""]
            lines += [f"- {row['Count']} x {row['Message']}" for row in run.exceptions]
        if run.errors_in_log:
            lines += [
                "",
                f"Server log errors ({run.label}): {len(run.errors_in_log)} lines, first:",
            ]
            lines += [f"    {line}" for line in run.errors_in_log[:5]]
    return "\n".join(lines)


def machine_facts(database_url: str) -> dict[str, str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    locust = subprocess.run(
        [str(BIN / "locust"), "--version"], capture_output=True, text=True, check=False
    ).stdout.split()
    gunicorn = subprocess.run(
        [str(BIN / "gunicorn"), "--version"], capture_output=True, text=True, check=False
    ).stdout.split()
    return {
        "cpu": cpu,
        "memory": f"{psutil.virtual_memory().total / 2**30:.0f} GiB RAM",
        "postgres": postgres_version(database_url),
        "locust": locust[1] if len(locust) > 1 else "?",
        "gunicorn": gunicorn[-1].strip("()") if gunicorn else "?",
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


# --- main ----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=24)
    parser.add_argument("--spawn-rate", type=float, default=8)
    parser.add_argument("--time", default="60s")
    parser.add_argument("--wait", default="0", help='think time: "0" or "MIN,MAX" seconds')
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--managers", type=int, default=2)
    parser.add_argument("--out", type=Path)
    parser.add_argument(
        "--admin-url",
        default=os.environ.get(
            "BENCH_ADMIN_URL", "postgresql://elearn:elearn@127.0.0.1:5432/postgres"
        ),
        help="a database URL of a role with CREATEDB; the bench database is created beside it",
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0,
        metavar="SECONDS",
        help="before each run, wait up to this long for the machine to be under 20 %% busy",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database and the files")
    args = parser.parse_args()
    if args.users - args.managers > args.learners:
        parser.error("more worker users than demo learners: raise --learners")

    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    database_url = create_database(args.admin_url)
    servers: list[subprocess.Popen[bytes]] = []
    try:
        seed(database_url, workdir, args.learners)
        plan_file = workdir / "plan.json"
        plan = write_plan(database_url, workdir, args.managers, plan_file)
        facts = machine_facts(database_url)
        locust_env = {
            **os.environ,
            "BENCH_PLAN": str(plan_file),
            "BENCH_WAIT": args.wait,
            "BENCH_MANAGERS": str(args.managers),
        }

        # The app.
        port = free_port()
        app_env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "bench-load",
            "MAIL_BACKEND": "console",
            "LOGIN_RATE_LIMIT": "100000 per minute",
            "LOGIN_FAILURES_PER_ADDRESS": "100000",
        }
        app_log = workdir / "gunicorn-app.log"
        server = start_gunicorn(
            gunicorn_command("elearn:create_app()", port, args.workers, args.threads),
            app_env,
            app_log,
            "/healthz",
            workdir,  # instance/ (nothing is written there: DATABASE_URL and SECRET_KEY are set)
        )
        servers.append(server)
        course = plan["courses"][0]["slug"]
        warm_up(
            port,
            [
                "/",
                "/corsi/",
                f"/corsi/{course}/",
                "/simulatori/prestito",
                "/login",
                "/api/v1/simulators/loan/chart.svg?lang=it&principal=10000&annual_rate=7.5&months=60",
            ],
        )
        facts["load"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
        app_run = run_locust(
            "app", port, server, ["Worker", "Manager"], args, workdir, locust_env, app_log
        )
        stop(server)

        # The bare hello app, same gunicorn settings, same run shape.
        port = free_port()
        hello_log = workdir / "gunicorn-hello.log"
        server = start_gunicorn(
            gunicorn_command("bench.hello_app:app", port, args.workers, args.threads),
            dict(os.environ),
            hello_log,
            "/",
            ROOT,  # so that `bench.hello_app` imports
        )
        servers.append(server)
        warm_up(port, ["/"])
        hello_run = run_locust(
            "hello", port, server, ["Hello"], args, workdir, locust_env, hello_log
        )
        stop(server)

        text = report(app_run, hello_run, args, facts)
        print("\n" + text)
        if args.out:
            args.out.write_text(text + "\n", encoding="utf-8")
    finally:
        for server in servers:
            stop(server)
        if args.keep:
            print(f"kept: database {DB_NAME}, files in {workdir}")
        else:
            drop_database(args.admin_url)
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
