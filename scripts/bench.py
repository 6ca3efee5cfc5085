#!/usr/bin/env python3
"""Load benchmark: a synthetic data set, served by gunicorn, loaded by wrk.

    .venv/bin/python scripts/bench.py            # about a minute
    .venv/bin/python scripts/bench.py --quick    # well under a minute
    DATABASE_URL=postgresql://u:p@host/empty_db .venv/bin/python scripts/bench.py [--reset]

What it does:
  1. builds a fresh database (a temporary SQLite file, or DATABASE_URL, which must be empty unless
     --reset is given) with the schema from the migrations (`flask db upgrade`; create_all when
     the migration is missing or behind the models), the 285 municipalities, calls, users and
     applications, first at the small size and then grown to the large size;
  2. counts the SQL queries of each page in PAGES at both sizes, in process, through the Flask
     test client (logged in as the page's role), with a `before_cursor_execute` listener;
  3. serves the large data set with gunicorn (GRANTS_ENV=production, WORKERS sync workers) and loads
     each page with wrk (same threads, connections and duration for every page), logged in through
     the session cookie of a real POST /login;
  4. serves a bare Flask "hello" app (scripts/bench_hello.py) the same way: `floor_rps`.

Progress goes to stderr; the last line of stdout is one JSON object:
  {"server": {...}, "client": {...}, "floor_rps": ..., "dataset": {...},
   "pages": {"NAME": {"rps": ..., "queries": [at_small, at_large], "status": 200, ...}}}

To measure another page, add it to PAGES: name -> (role, path). Roles: "admin", "juror",
"applicant" or None (anonymous). The path may use {call_id} (an open call holding many
applications), {review_call_id} (a call under jury review), {decided_call_id}, {application_id}
(a submitted application of the applicant's organisation), {organisation_id} (the applicant's
organisation) and {user_id} (the applicant). To measure data a page needs that is not built yet,
extend DataSet. Timings are for reading, never for pass/fail tests.
"""
from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# name -> (role, path). Later issues add their pages here.
PAGES: dict[str, tuple[str | None, str]] = {
    "home_admin": ("admin", "/"),
    "home_applicant": ("applicant", "/"),
    "home_juror": ("juror", "/"),
    "public_calls": (None, "/calls"),
}

BENCH_PASSWORD = "Bench-wachtwoord-2026"
BENCH_USERS = {  # role -> e-mail of the user the pages are requested as
    "admin": "bench-admin@bench.example.be",
    "juror": "bench-juror@bench.example.be",
    "applicant": "bench-applicant@bench.example.be",
}
APPLICANT_ORGANISATIONS = ["44021", "12025"]  # Gent and Mechelen (REFNIS)
USER_AGENT = "grants-bench/1"  # the same for login and load: the session is bound to it


@dataclass(frozen=True)
class Size:
    calls: int
    applications: int
    users: int


SIZES = {
    "full": (Size(calls=5, applications=10, users=10), Size(calls=25, applications=1000, users=300)),
    "quick": (Size(calls=5, applications=10, users=10), Size(calls=12, applications=200, users=60)),
}

_START = time.monotonic()


def log(message: str) -> None:
    print(f"[bench {time.monotonic() - _START:5.1f}s] {message}", file=sys.stderr, flush=True)


# --- the data set -----------------------------------------------------------------------------

def _valid_kbo(rng: random.Random) -> str:
    base = f"0{rng.randrange(2 * 10**6, 10**7):07d}"
    return f"{base}{97 - int(base) % 97:02d}"


class DataSet:
    """Builds the synthetic data with the models; grow_to(size) adds what is missing."""

    CALL_CYCLE = ("published", "under_review", "decided", "closed", "draft")

    def __init__(self, seed: int = 2026):
        self.rng = random.Random(seed)
        self.ids: dict[str, int] = {}
        self._call_seq = itertools.count()
        self._dossier_seq: dict[int, itertools.count] = {}
        self._password_hash: str | None = None

    # setup: organisations and the users the pages are requested as
    def setup(self) -> None:
        from grants.accounts.models import Role, User
        from grants.extensions import db
        from grants.organisations.models import Organisation, OrganisationKind
        from grants.organisations.operations import import_municipalities
        import sqlalchemy as sa

        import_municipalities()
        for n in range(40):
            db.session.add(Organisation(name=f"vzw Samen Sterk {n + 1}", kind=OrganisationKind.NONPROFIT,
                                        kbo=_valid_kbo(self.rng), place="Brussel", province=None))
        db.session.flush()
        self.organisation_ids = list(db.session.scalars(sa.select(Organisation.id).order_by(Organisation.id)))
        self.applicant_org_ids = list(db.session.scalars(
            sa.select(Organisation.id).where(Organisation.refnis.in_(APPLICANT_ORGANISATIONS))
            .order_by(Organisation.refnis)))
        for role, email in BENCH_USERS.items():
            user = User(email=email, name=f"Bench {role}", role=Role(role), active=True)
            user.set_password(BENCH_PASSWORD)
            if role == "applicant":
                user.organisations = list(db.session.scalars(
                    sa.select(Organisation).where(Organisation.id.in_(self.applicant_org_ids))))
            db.session.add(user)
            self._password_hash = self._password_hash or user.password_hash
        db.session.flush()
        self.user_ids = {role: db.session.scalar(sa.select(User.id).where(User.email == email))
                         for role, email in BENCH_USERS.items()}
        self.ids.update(user_id=self.user_ids["applicant"], organisation_id=self.applicant_org_ids[0])
        db.session.commit()

    def counts(self) -> dict[str, int]:
        import sqlalchemy as sa

        from grants.accounts.models import User
        from grants.applications.models import Application
        from grants.calls.models import Call
        from grants.extensions import db
        from grants.jury.models import Assignment
        from grants.organisations.models import Organisation

        def count(model):
            return db.session.scalar(sa.select(sa.func.count()).select_from(model))
        return {"calls": count(Call), "applications": count(Application), "users": count(User),
                "organisations": count(Organisation), "juror_assignments": count(Assignment)}

    def grow_to(self, size: Size) -> None:
        from grants.extensions import db
        have = self.counts()
        self._add_calls(size.calls - have["calls"])
        self._add_users(size.users - have["users"])
        self._add_applications(size.applications - have["applications"])
        db.session.commit()

    def _add_calls(self, n: int) -> None:
        from grants.calls.models import Call, Criterion
        from grants.calls.rules import CofinancingKind
        from grants.calls.states import CallKind, CallStatus, SelectionMode
        from grants.extensions import db
        from grants.timeutil import utcnow

        now = utcnow()
        kinds = [(CallKind.COUNTER_VOICES, "TG", SelectionMode.COMPETITIVE),
                 (CallKind.ACTION_PLAN, "AP", SelectionMode.SIGN_UP),
                 (CallKind.REGIE_ROLE, "RR", SelectionMode.SIGN_UP)]
        for _ in range(max(n, 0)):
            i = next(self._call_seq)
            status = CallStatus(self.CALL_CYCLE[i % len(self.CALL_CYCLE)])
            kind, prefix, mode = kinds[i % len(kinds)]
            if status in (CallStatus.PUBLISHED, CallStatus.DRAFT):
                opens, closes = now - timedelta(days=20), now + timedelta(days=90 + i)
            else:
                opens = now - timedelta(days=200 + 60 * i)
                closes = opens + timedelta(days=90)
            call = Call(
                title=f"Benchmarkoproep {i + 1}: {kind.label}", description="Een **oproep** voor de benchmark.\n" * 20,
                kind=kind, status=status, selection_mode=mode, dossier_prefix=f"{prefix}{i + 1}",
                opens_at=opens, closes_at=closes, envelope=Decimal("500000.00"), max_amount=Decimal("50000.00"),
                max_duration_months=24, allowed_kinds=["municipality", "nonprofit"],
                cofinancing_kind=CofinancingKind.NONE, eligible_cost_categories=["staff", "operating"],
                report_months=[12])
            call.criteria = [Criterion(position=1, name="Relevantie", weight=Decimal("60")),
                             Criterion(position=2, name="Haalbaarheid", weight=Decimal("40"))]
            db.session.add(call)
            db.session.flush()
            key = {"published": "call_id", "under_review": "review_call_id", "decided": "decided_call_id"}.get(
                status.value)
            if key:
                self.ids.setdefault(key, call.id)

    def _add_users(self, n: int) -> None:
        from grants.accounts.models import Role, User
        from grants.extensions import db
        for _ in range(max(n, 0)):
            k = secrets.token_hex(4)
            user = User(email=f"aanvrager-{k}@bench.example.be", name=f"Aanvrager {k}", role=Role.APPLICANT,
                        active=True, password_hash=self._password_hash, session_token=secrets.token_hex(16))
            db.session.add(user)
            db.session.flush()
            db.session.execute(_memberships().insert().values(
                user_id=user.id, organisation_id=self.rng.choice(self.organisation_ids)))

    def _add_applications(self, n: int) -> None:
        import sqlalchemy as sa

        from grants.applications.models import Application, BudgetLine, Contribution, ContributionKind
        from grants.applications.states import ApplicationStatus as S
        from grants.calls.models import Call
        from grants.calls.rules import format_dossier_number
        from grants.calls.states import CallStatus
        from grants.extensions import db
        from grants.jury.models import Assignment, ScoreSheet

        if n <= 0:
            return
        calls = list(db.session.scalars(sa.select(Call).where(Call.status != CallStatus.DRAFT).order_by(Call.id)))
        statuses = {CallStatus.PUBLISHED: [S.DRAFT, S.SUBMITTED, S.SUBMITTED],
                    CallStatus.CLOSED: [S.SUBMITTED, S.ADMISSIBLE, S.INADMISSIBLE],
                    CallStatus.UNDER_REVIEW: [S.UNDER_REVIEW, S.UNDER_REVIEW, S.ADMISSIBLE],
                    CallStatus.DECIDED: [S.AWARDED, S.REJECTED, S.WAITLISTED]}
        juror = self.user_ids["juror"]
        applicant = self.user_ids["applicant"]
        for j in range(n):
            first = "application_id" not in self.ids
            call = calls[0] if first else self.rng.choice(calls)
            status = S.SUBMITTED if first else self.rng.choice(statuses[call.status])
            # one application in ten belongs to the bench applicant's organisations
            ours = first or self.rng.random() < 0.1
            org = self.rng.choice(self.applicant_org_ids if ours else self.organisation_ids)
            requested = Decimal(self.rng.randrange(50, 500)) * 100
            own = (requested * Decimal("0.2")).quantize(Decimal("0.01"))
            seq = self._dossier_seq.setdefault(call.id, itertools.count(1))
            created = call.opens_at + timedelta(days=self.rng.randrange(1, 30))
            application = Application(
                call_id=call.id, organisation_id=org, status=status,
                dossier_number=None if status == S.DRAFT else format_dossier_number(
                    call.dossier_prefix, call.closes_at.year, next(seq)),
                title=f"Project {self.rng.randrange(10**6)}: samen tegen polarisatie",
                summary="Samenvatting van het project. " * 30, objectives="Doelstellingen. " * 20,
                requested_amount=requested, contact_name="Contactpersoon", contact_email="contact@bench.example.be",
                iban="BE68539007547034", created_at=created, updated_at=created,
                created_by_id=applicant if ours else None,
                submitted_at=None if status == S.DRAFT else created + timedelta(days=1),
                submitted_by_id=None if status == S.DRAFT or not ours else applicant)
            application.budget_lines = [
                BudgetLine(position=1, category="staff", description="Projectmedewerker", fte=Decimal("0.50"),
                           months=12, amount=requested * Decimal("0.7")),
                BudgetLine(position=2, category="operating", description="Werkingskosten",
                           amount=requested * Decimal("0.3") + own),
            ]
            application.contributions = [Contribution(kind=ContributionKind.OWN_FINANCIAL, source="Eigen middelen",
                                                      amount=own)]
            db.session.add(application)
            db.session.flush()
            if first:
                self.ids["application_id"] = application.id
            if call.status in (CallStatus.UNDER_REVIEW, CallStatus.DECIDED) and self.rng.random() < 0.2:
                assignment = Assignment(application_id=application.id, juror_id=juror)
                if call.status == CallStatus.DECIDED:
                    assignment.sheet = ScoreSheet(comment="Sterk project.", submitted_at=call.closes_at)
                db.session.add(assignment)
            if j % 200 == 199:
                db.session.flush()


def _memberships():
    from grants.accounts.models import memberships
    return memberships


# --- schema -----------------------------------------------------------------------------------

def _reset_database(engine) -> None:
    import sqlalchemy as sa
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
    else:
        meta = sa.MetaData()
        meta.reflect(engine)
        meta.drop_all(engine)


def _schema_gaps(engine) -> list[str]:
    """Tables and columns of the models that the database lacks (a migration behind the models)."""
    import sqlalchemy as sa

    from grants.extensions import db
    inspector = sa.inspect(engine)
    tables = set(inspector.get_table_names())
    gaps = []
    for table in db.metadata.sorted_tables:
        if table.name not in tables:
            gaps.append(table.name)
            continue
        have = {c["name"] for c in inspector.get_columns(table.name)}
        gaps += [f"{table.name}.{c.name}" for c in table.columns if c.name not in have]
    return gaps


def create_schema(app, reset: bool) -> str:
    """Schema through the migrations (flask db upgrade); create_all when they are missing or behind."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from grants.extensions import db
    with app.app_context():
        existing = sa.inspect(db.engine).get_table_names()
        if existing:
            if not reset:
                raise SystemExit(f"The database already has tables ({len(existing)}): the benchmark needs an empty "
                                 "database. Use --reset to drop everything in it first.")
            log("dropping everything in the database (--reset)")
            _reset_database(db.engine)
        if any((ROOT / "migrations" / "versions").glob("*.py")):
            try:
                upgrade(directory=str(ROOT / "migrations"))
            except Exception as exc:  # noqa: BLE001 - fall back, and say so
                log(f"migration failed ({exc.__class__.__name__}: {exc}); using create_all")
            else:
                gaps = _schema_gaps(db.engine)
                if not gaps:
                    return "migrations"
                log(f"the migration is behind the models (missing {', '.join(gaps[:5])}"
                    f"{'...' if len(gaps) > 5 else ''}); using create_all")
            db.session.remove()
            _reset_database(db.engine)
        db.create_all()
        return "create_all"


# --- query counts, in process -----------------------------------------------------------------

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def _csrf(html: str) -> str:
    match = CSRF_RE.search(html)
    if not match:
        raise RuntimeError("no csrf_token in the login form")
    return match.group(1) or match.group(2)


def _test_client_for(app, role: str | None):
    client = app.test_client()
    if role is None:
        return client
    token = _csrf(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": BENCH_USERS[role], "password": BENCH_PASSWORD,
                                           "csrf_token": token})
    if response.status_code != 302:
        raise RuntimeError(f"logging in as {role} in the test client failed ({response.status_code})")
    return client


def count_queries(app, pages: dict, ids: dict) -> dict[str, tuple[int, int]]:
    """name -> (status, number of SQL statements) for one request of the page, after a warm-up request."""
    import sqlalchemy as sa

    from grants.extensions import db
    with app.app_context():
        engine = db.engine
    counter = [0]

    def _count(conn, cursor, statement, parameters, context, executemany):
        counter[0] += 1

    sa.event.listen(engine, "before_cursor_execute", _count)
    try:
        clients: dict = {}
        results = {}
        for name, (role, path) in pages.items():
            if role not in clients:
                clients[role] = _test_client_for(app, role)
            url = path.format(**ids)
            try:
                clients[role].get(url)
                counter[0] = 0
                status = clients[role].get(url).status_code
            except Exception as exc:  # noqa: BLE001 - a broken page is a finding, not the end of the run
                log(f"{name}: {url} raised {exc.__class__.__name__}: {exc}")
                status = 500
            results[name] = (status, counter[0])
        return results
    finally:
        sa.event.remove(engine, "before_cursor_execute", _count)


# --- gunicorn and wrk -------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _gunicorn_command() -> list[str]:
    venv = ROOT / ".venv" / "bin" / "gunicorn"
    return [str(venv)] if venv.exists() else [sys.executable, "-m", "gunicorn"]


class Server:
    """gunicorn in its own process group, stopped (and waited for) on exit."""

    def __init__(self, app_spec: str, workers: int, env: dict, log_path: Path, chdir: Path | None = None):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        command = _gunicorn_command() + ["-w", str(workers), "-b", f"127.0.0.1:{self.port}",
                                         "--log-level", "warning", "--graceful-timeout", "5"]
        if chdir:
            command += ["--chdir", str(chdir)]
        command.append(app_spec)
        self._log = open(log_path, "wb")
        self.process = subprocess.Popen(command, cwd=str(ROOT), env=env, stdout=self._log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        _CLEANUP.servers.append(self)

    def wait_ready(self, path: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if _request("GET", self.base + path)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        tail = self.log_path.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"gunicorn did not answer {path} with 200:\n{tail}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # the master stops its workers
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # its own process group: master and workers
                self.process.wait(timeout=5)
        self._log.close()


class _Cleanup:
    """Stops the servers and removes the temporary folder: at the end, on an error, on a signal."""

    def __init__(self):
        self.servers: list[Server] = []
        self.tmp: Path | None = None
        self.keep = False

    def __call__(self) -> None:
        while self.servers:
            server = self.servers.pop()
            try:
                server.stop()
            except Exception as exc:  # noqa: BLE001 - keep cleaning up
                log(f"stopping gunicorn {server.process.pid}: {exc}")
        if self.tmp is not None:
            if self.keep:
                log(f"kept {self.tmp}")
            else:
                shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None

    def on_signal(self, signum, _frame) -> None:
        log(f"stopped by signal {signum}: cleaning up")
        self()
        os._exit(128 + signum)


_CLEANUP = _Cleanup()


def _request(method: str, url: str, body: dict | None = None, cookie: str | None = None):
    """(status, headers, text) of one plain HTTP request, cookies handled by hand (they are Secure)."""
    from urllib.parse import urlsplit
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    headers = {"User-Agent": USER_AGENT}
    data = None
    if cookie:
        headers["Cookie"] = cookie
    if body is not None:
        data = urlencode(body)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), body=data, headers=headers)
        response = conn.getresponse()
        return response.status, response.headers, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def _session_cookie(headers) -> str | None:
    for header in headers.get_all("Set-Cookie") or []:
        cookie = SimpleCookie()
        cookie.load(header)
        if "session" in cookie:
            return cookie["session"].value
    return None


def login_cookie(base: str, role: str) -> str:
    """The Cookie header of a session logged in through POST /login on the running server."""
    status, headers, html = _request("GET", base + "/login")
    session = _session_cookie(headers)
    if status != 200 or not session:
        raise RuntimeError(f"GET /login answered {status} without a session cookie")
    status, headers, _ = _request("POST", base + "/login", cookie=f"session={session}", body={
        "csrf_token": _csrf(html), "email": BENCH_USERS[role], "password": BENCH_PASSWORD})
    session = _session_cookie(headers)
    if status != 302 or not session or headers.get("Location", "").endswith("/login"):
        raise RuntimeError(f"logging in as {role} on the server failed ({status})")
    return f"session={session}"


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log("installing wrk (Debian package)")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        if subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env,
                          stdout=subprocess.DEVNULL).returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], env=env, check=True)
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, check=True,
                           stdout=subprocess.DEVNULL)
        path = shutil.which("wrk")
    if not path:
        raise SystemExit("wrk is missing: install the Debian package (apt-get install wrk), or run this as root once.")
    return path


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    return round(float(match.group(1)) * _UNITS[match.group(2)], 2) if match else float("nan")


def parse_wrk(output: str) -> dict:
    """Requests per second, latency percentiles and error counts from wrk's report."""
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    requests = re.search(r"(\d+) requests in", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    latency = {f"p{p}": _ms(v) for p, v in re.findall(r"^\s+(50|90|99)%\s+(\S+)", output, re.M)}
    return {"rps": float(rps.group(1)) if rps else None,
            "requests": int(requests.group(1)) if requests else None,
            "non_2xx_3xx": int(non_2xx.group(1)) if non_2xx else 0,
            "socket_errors": sum(int(n) for n in errors.groups()) if errors else 0,
            "latency_ms": latency}


def run_wrk(wrk: str, url: str, client: dict, duration: float, cookie: str | None = None) -> dict:
    command = [wrk, f"-t{client['threads']}", f"-c{client['connections']}", f"-d{duration:g}s", "--latency",
               "-H", f"User-Agent: {USER_AGENT}"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    result = subprocess.run(command + [url], capture_output=True, text=True, timeout=duration + 30)
    if result.returncode != 0:
        raise RuntimeError(f"wrk failed: {result.stderr.strip()}")
    return parse_wrk(result.stdout)


# --- main -------------------------------------------------------------------------------------

def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a smaller data set and shorter runs (< 1 minute)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default 8)")
    parser.add_argument("--duration", type=float, help="seconds of load per page (default 5, --quick 2)")
    parser.add_argument("--reset", action="store_true",
                        help="drop everything in DATABASE_URL first (it must be empty otherwise)")
    parser.add_argument("--only", action="append", metavar="PAGE", help="measure only these pages (repeatable)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (database, server logs)")
    return parser.parse_args(argv)


def build(database_url: str, quick: bool, reset: bool, pages: dict) -> dict:
    """Builds the data set at both sizes and counts the queries of the pages; returns the facts."""
    from grants import create_app
    from grants.extensions import db

    app = create_app({"GRANTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url})
    schema = create_schema(app, reset)
    log(f"schema from {schema}")
    small, large = SIZES["quick" if quick else "full"]
    data = DataSet()
    with app.app_context():
        data.setup()
        data.grow_to(small)
        counts_small = data.counts()
        db.session.remove()
    log(f"small data set: {counts_small}")
    queries_small = count_queries(app, pages, data.ids)
    with app.app_context():
        data.grow_to(large)
        counts_large = data.counts()
        db.session.remove()
    log(f"large data set: {counts_large}")
    queries_large = count_queries(app, pages, data.ids)
    with app.app_context():
        db.engine.dispose()
    return {"schema": schema, "ids": data.ids, "dataset": {"small": counts_small, "large": counts_large},
            "queries": {name: [queries_small[name][1], queries_large[name][1]] for name in pages},
            "status": {name: queries_large[name][0] for name in pages}}


def main(argv=None) -> int:
    args = parse_args(argv)
    pages = {name: spec for name, spec in PAGES.items() if not args.only or name in args.only}
    if args.only and set(args.only) - set(PAGES):
        raise SystemExit(f"unknown pages: {', '.join(sorted(set(args.only) - set(PAGES)))}; known: {', '.join(PAGES)}")
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, _CLEANUP.on_signal)  # the servers are stopped however the run ends
    duration = args.duration or (2 if args.quick else 5)
    warmup = 1
    client = {"tool": "wrk", "threads": args.threads, "connections": args.connections, "duration_s": duration}
    wrk = ensure_wrk()
    client["version"] = subprocess.run([wrk, "--version"], capture_output=True, text=True).stdout.split(" [")[0]

    tmp = Path(tempfile.mkdtemp(prefix="grants-bench-"))
    _CLEANUP.tmp, _CLEANUP.keep = tmp, args.keep
    try:
        database_url = os.environ.get("DATABASE_URL", "").strip() or f"sqlite:///{tmp / 'bench.db'}"
        os.environ["DATABASE_URL"] = database_url
        from config import load_config
        database_url = load_config("testing")["SQLALCHEMY_DATABASE_URI"]  # postgres:// -> postgresql+psycopg://
        facts = build(database_url, args.quick, args.reset, pages)

        import gunicorn
        env = dict(os.environ, GRANTS_ENV="production", SECRET_KEY=secrets.token_hex(32), DATABASE_URL=database_url,
                   GRANTS_INSTANCE_DIR=str(tmp / "instance"), PYTHONUNBUFFERED="1")
        env.pop("FLASK_DEBUG", None)
        server_info = {"software": "gunicorn", "version": gunicorn.__version__, "workers": args.workers,
                       "worker_class": "sync", "env": "production", "database": database_url.split(":")[0].split("+")[0]}

        log("floor: bare Flask hello app")
        hello = Server("bench_hello:app", args.workers, env, tmp / "gunicorn-hello.log", chdir=ROOT / "scripts")
        hello.wait_ready("/")
        run_wrk(wrk, hello.base + "/", client, warmup)
        floor = run_wrk(wrk, hello.base + "/", client, duration)
        hello.stop()
        log(f"floor: {floor['rps']} requests/s")

        server = Server("wsgi:app", args.workers, env, tmp / "gunicorn-app.log")
        server.wait_ready("/healthz")
        cookies = {role: login_cookie(server.base, role) for role in {r for r, _ in pages.values()} if role}
        results = {}
        for name, (role, path) in pages.items():
            url = server.base + path.format(**facts["ids"])
            cookie = cookies.get(role)
            status = _request("GET", url, cookie=cookie)[0]
            entry = {"path": path, "role": role, "status": status, "queries": facts["queries"][name]}
            if status != 200:
                log(f"{name}: {path} answers {status}, not loaded")
                entry.update(rps=None, note=f"answers {status}: not measured")
            else:
                run_wrk(wrk, url, client, warmup, cookie)
                measured = run_wrk(wrk, url, client, duration, cookie)
                entry.update(rps=measured["rps"], latency_ms=measured["latency_ms"],
                             requests=measured["requests"])
                if measured["non_2xx_3xx"] or measured["socket_errors"]:
                    entry.update(non_2xx_3xx=measured["non_2xx_3xx"], socket_errors=measured["socket_errors"])
                log(f"{name}: {measured['rps']} requests/s, queries {entry['queries']}")
            results[name] = {"rps": entry.pop("rps"), "queries": entry.pop("queries"), **entry}
        server.stop()

        report = {"server": server_info, "client": client, "floor_rps": floor["rps"],
                  "floor_latency_ms": floor["latency_ms"], "schema": facts["schema"], "dataset": facts["dataset"],
                  "quick": args.quick, "pages": results}
        print(json.dumps(report, ensure_ascii=False), flush=True)
        return 0
    finally:
        _CLEANUP()


if __name__ == "__main__":
    sys.exit(main())
