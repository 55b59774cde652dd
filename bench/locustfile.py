"""Locust users for the load proof: workers and welfare managers on the real app, and a baseline.

Run through `bench/bench_load.py`, which prepares the database and the plan file. By hand:

    BENCH_PLAN=/tmp/plan.json locust -f bench/locustfile.py --headless -H http://127.0.0.1:8000 \
        -u 24 -r 8 -t 60s Worker Manager        # the app
    locust -f bench/locustfile.py --headless -H http://127.0.0.1:8001 -u 24 -r 8 -t 60s Hello

Always name the user classes: `Hello` is only for `bench/hello_app.py`.

The plan (JSON, written by `bench_load.py` from the database) holds the demo learners' e-mails,
the password, the bench managers with their TOTP keys, the organization ids, the consultation
request ids, and every published module with its quizzes (ids, types, number of choices and the
right answers), so the users post real answers to real quizzes.

Environment:
    BENCH_PLAN       path of the plan file (required for Worker and Manager)
    BENCH_WAIT       think time between tasks: "0" (default, closed loop: every user sends its
                     next request as soon as the previous one is answered) or "MIN,MAX" seconds
    BENCH_MANAGERS   how many of the users are managers (default 2; the rest are workers)

Each worker logs in as a distinct demo learner (learner00001@demo.it, ...; they wrap around only
if there are more users than learners), each manager as a distinct bench manager, through the
real forms: the CSRF token comes from the page, the manager's code from pyotp.
"""

from __future__ import annotations

import html
import itertools
import json
import os
import random
import re
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

import pyotp
from locust import FastHttpUser, between, constant, task

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
CHART_IMG = re.compile(r'<img src="([^"]+)"[^>]*data-chart')
FORM = {"Content-Type": "application/x-www-form-urlencoded"}

_plan: dict[str, Any] | None = None
_worker_numbers = itertools.count()
_manager_numbers = itertools.count()


def plan() -> dict[str, Any]:
    global _plan  # noqa: PLW0603  # read once per locust process
    if _plan is None:
        path = os.environ.get("BENCH_PLAN")
        if not path:
            raise RuntimeError("set BENCH_PLAN to the plan file written by bench/bench_load.py")
        with open(path, encoding="utf-8") as handle:
            _plan = json.load(handle)
    return _plan


def _wait_time():  # noqa: ANN202  # a locust wait-time function
    raw = os.environ.get("BENCH_WAIT", "0").strip()
    if "," in raw:
        low, high = (float(part) for part in raw.split(",", 1))
        return between(low, high)
    return constant(float(raw or 0))


def csrf_token(page: str) -> str:
    found = CSRF_INPUT.search(page) or CSRF_META.search(page)
    if found is None:
        raise ValueError("no CSRF token on the page")
    return html.unescape(found.group(1))


class _Browser(FastHttpUser):
    """Shared helpers: GETs and form POSTs that check the status they expect."""

    abstract = True
    wait_time = _wait_time()

    def page(self, path: str, name: str, expect: int = 200) -> str:
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != expect:
                response.failure(f"{response.status_code} instead of {expect}")
                return ""
            return response.text or ""

    def submit(self, path: str, fields: list[tuple[str, str]], name: str) -> str | None:
        """POST a form like a browser without JavaScript; returns the redirect target."""
        with self.client.post(
            path,
            data=urlencode(fields),
            headers=FORM,
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code not in (302, 303):
                response.failure(f"{response.status_code} instead of a redirect")
                return None
            location = response.headers.get("Location", "")
            parts = urlsplit(location)
            return parts.path + (f"?{parts.query}" if parts.query else "")

    def log_in(self, email: str, password: str) -> str | None:
        form = self.page("/login", "GET /login")
        return self.submit(
            "/login",
            [("csrf_token", csrf_token(form)), ("email", email), ("password", password)],
            "POST /login",
        )


class Worker(_Browser):
    """A learner: modules, quizzes, simulators, own progress."""

    weight = 1

    def on_start(self) -> None:
        data = plan()
        accounts = data["workers"]
        self.email = accounts[next(_worker_numbers) % len(accounts)]
        self.courses = data["courses"]
        self.course = random.choice(self.courses)
        self.position = 0
        target = self.log_in(self.email, data["password"])
        if target is not None:
            self.page(target, "GET / (home)")

    # --- learning ---------------------------------------------------------------------------

    def _module_path(self, module: dict[str, Any]) -> str:
        return f"/corsi/{self.course['slug']}/{module['slug']}"

    def _read(self, path: str) -> str:
        return self.page(path, "GET /corsi/[course]/[module]")

    @task(6)
    def study_module(self) -> None:
        """Open the next module, answer its quizzes, mark it read (as a browser without JS)."""
        modules = self.course["modules"]
        if self.position >= len(modules):
            self.course = random.choice(self.courses)
            self.position = 0
            modules = self.course["modules"]
        module = modules[self.position]
        self.position += 1
        path = self._module_path(module)
        text = self._read(path)
        if not text:
            return
        token = csrf_token(text)
        if random.random() < 0.2:
            # The reading-time heartbeat that module.js sends every 30 s.
            self.client.post(
                f"{path}/tempo",
                headers={"X-CSRFToken": token},
                name="POST /corsi/[course]/[module]/tempo",
            )
        for quiz in module["quizzes"]:
            if random.random() < 0.3:
                continue  # skipped this one
            fields = [("csrf_token", token), *self._answer(quiz)]
            target = self.submit(f"{path}/quiz/{quiz['id']}", fields, "POST quiz answer")
            if target:
                self._read(target)  # the redirect back to the quiz
        target = self.submit(f"{path}/letto", [("csrf_token", token)], "POST mark read")
        if target:
            self._read(target)

    @staticmethod
    def _answer(quiz: dict[str, Any]) -> list[tuple[str, str]]:
        right = random.random() < 0.65
        if quiz["type"] == "number":
            value = quiz["answer"] if right else (quiz["answer"] or 0) + random.randint(1, 50)
            return [("answer", f"{value:g}".replace(".", ","))]
        if right:
            picked = quiz["correct"]
        elif quiz["type"] == "multiple":
            picked = random.sample(range(quiz["choices"]), k=random.randint(1, quiz["choices"]))
        else:
            picked = [random.randrange(quiz["choices"])]
        return [("choice", str(index)) for index in picked]

    @task(2)
    def browse_courses(self) -> None:
        self.page("/corsi/", "GET /corsi/")
        course = random.choice(self.courses)
        self.page(f"/corsi/{course['slug']}/", "GET /corsi/[course]/")

    @task(1)
    def my_progress(self) -> None:
        self.page("/il-mio-percorso", "GET /il-mio-percorso")
        self.page("/il-mio-percorso/attivita.svg", "GET /il-mio-percorso/attivita.svg")

    @task(1)
    def home(self) -> None:
        self.page("/", "GET / (home)")

    # --- simulators ---------------------------------------------------------------------------

    @task(3)
    def use_simulator(self) -> None:
        """A simulator page (defaults, or the learner's own numbers), its chart, then the live
        updates that simulators.js sends to the JSON API while the learner edits a field."""
        slug, api_name, query, body = random.choice(SIMULATOR_INPUTS)()
        own_numbers = random.random() < 0.6
        path = f"/simulatori/{slug}" + (f"?{urlencode(query)}" if own_numbers else "")
        text = self.page(path, f"GET /simulatori/{slug}")
        chart = CHART_IMG.search(text)
        if chart:
            self.page(html.unescape(chart.group(1)), f"GET /api/v1/simulators/{api_name}/chart.svg")
        for _ in range(random.randint(1, 3)):
            with self.client.post(
                f"/api/v1/simulators/{api_name}",
                json=body,
                name=f"POST /api/v1/simulators/{api_name}",
                catch_response=True,
            ) as response:
                if response.status_code != 200:
                    response.failure(f"{response.status_code}: {(response.text or '')[:200]}")


def _loan() -> tuple[str, str, dict[str, Any], dict[str, Any]]:
    values = {
        "principal": random.randrange(3000, 30001, 500),
        "annual_rate": random.choice([4.9, 5.9, 6.9, 7.5, 8.9, 11.9]),
        "months": random.choice([24, 36, 48, 60, 84]),
    }
    query = {**values, "method": "french", "upfront_fees": 0, "installment_fee": 0}
    return "prestito", "loan", query, values


def _savings() -> tuple[str, str, dict[str, Any], dict[str, Any]]:
    values = {
        "initial": random.randrange(0, 5001, 250),
        "monthly_deposit": random.randrange(25, 401, 25),
        "annual_rate": random.choice([1, 2, 3, 4]),
        "months": random.choice([12, 24, 36, 60, 120]),
    }
    query = {**values, "deposit_timing": "end", "tax_rate": 26, "inflation": 2}
    return "risparmio", "savings", query, values


def _budget() -> tuple[str, str, dict[str, Any], dict[str, Any]]:
    incomes = [{"category": "Stipendio", "amount": random.randrange(900, 2201, 50)}]
    expenses = [
        {"category": "Affitto", "amount": random.randrange(300, 901, 50)},
        {"category": "Spesa", "amount": random.randrange(200, 501, 10)},
        {"category": "Bollette", "amount": random.randrange(60, 201, 10)},
        {"category": "Trasporti", "amount": random.randrange(30, 151, 10)},
    ]
    query: dict[str, Any] = {"savings": random.randrange(0, 5001, 500)}
    for group, rows in (("incomes", incomes), ("expenses", expenses)):
        for index, row in enumerate(rows):
            query[f"{group}-{index}-category"] = row["category"]
            query[f"{group}-{index}-amount"] = row["amount"]
    body = {"incomes": incomes, "expenses": expenses, "savings": query["savings"]}
    return "bilancio", "budget", query, body


def _debt() -> tuple[str, str, dict[str, Any], dict[str, Any]]:
    debts = [
        {
            "name": "Carta",
            "balance": random.randrange(500, 3001, 100),
            "annual_rate": 18,
            "min_payment": 60,
        },
        {
            "name": "Auto",
            "balance": random.randrange(2000, 9001, 500),
            "annual_rate": 7.5,
            "min_payment": 200,
        },
    ]
    budget = random.randrange(300, 701, 50)
    strategy = random.choice(["avalanche", "snowball"])
    query: dict[str, Any] = {"monthly_budget": budget, "strategy": strategy}
    for index, row in enumerate(debts):
        for key, value in row.items():
            query[f"debts-{index}-{key}"] = value
    body = {"debts": debts, "monthly_budget": budget, "strategy": strategy}
    return "debiti", "debt", query, body


SIMULATOR_INPUTS = (_loan, _loan, _savings, _budget, _debt)


class Manager(_Browser):
    """A welfare manager: dashboards (with their charts), learner list, request queue."""

    fixed_count = int(os.environ.get("BENCH_MANAGERS", "2"))

    def on_start(self) -> None:
        data = plan()
        accounts = data["managers"]
        account = accounts[next(_manager_numbers) % len(accounts)]
        self.organizations = data["organizations"]
        self.cases = data["cases"]
        self.course_slugs = [course["slug"] for course in data["courses"]]
        target = self.log_in(account["email"], data["password"])
        if target is None:
            return
        for attempt in range(2):
            form = self.page(target, "GET /login/codice")
            code = pyotp.TOTP(account["totp_secret"]).now()
            home = self.submit(
                target, [("csrf_token", csrf_token(form)), ("code", code)], "POST /login/codice"
            )
            if home is not None:
                self.page(home, "GET / (home)")
                return
            if attempt == 0:
                time.sleep(31)  # the code of this 30-second step was used: wait for the next

    def _dashboard(self, query: str, name: str) -> None:
        if self.page(f"/report/{query}", name):
            org = query.split("org=")[1].split("&")[0] if "org=" in query else "all"
            self.page(f"/report/attivi.svg?org={org}", "GET /report/attivi.svg")
            self.page(f"/report/corsi.svg?org={org}", "GET /report/corsi.svg")

    @task(3)
    def dashboard_all(self) -> None:
        self._dashboard("", "GET /report/ (all organizations)")

    @task(2)
    def dashboard_one(self) -> None:
        self._dashboard(f"?org={random.choice(self.organizations)}", "GET /report/?org=[id]")

    @task(1)
    def dashboard_course(self) -> None:
        self.page(f"/report/?corso={random.choice(self.course_slugs)}", "GET /report/?corso=[slug]")

    @task(2)
    def learner_list(self) -> None:
        sort = random.choice(["name", "name", "activity"])
        page = random.randint(1, 3)
        self.page(f"/report/persone?ordine={sort}&pagina={page}", f"GET /report/persone ({sort})")

    @task(2)
    def request_queue(self) -> None:
        self.page("/manage/", "GET /manage/ (request queue)")
        if self.cases:
            self.page(
                f"/manage/richieste/{random.choice(self.cases)}", "GET /manage/richieste/[id]"
            )


class Hello(FastHttpUser):
    """The baseline: `/` of bench/hello_app.py, with the same think time as the app's users."""

    wait_time = _wait_time()

    @task
    def hello(self) -> None:
        self.client.get("/", name="GET / (hello)")
