#!/usr/bin/env python3
"""The deadline rush: hundreds of organisations submit in the last minute, on gunicorn and PostgreSQL.

    .venv/bin/python scripts/rush.py                  # 300 organisations, about 2 minutes
    .venv/bin/python scripts/rush.py --kill           # the same, with a SIGKILL of the server halfway
    .venv/bin/python scripts/rush.py --both           # both runs, one merged report (what bench.py --rush uses)
    .venv/bin/python scripts/rush.py --orgs 60 --window 10 --kill   # the short form (tests/test_rush.py)

Options: --orgs N (organisations, each submitting one draft; default 300); --window S (seconds over which
the submissions arrive; default 60); --workers N (gunicorn sync workers, default 4); --jurors N (default
20); --admins N (default 5); --kill; --both; --database-url URL (the database to create afresh: its name
must contain "rush"; default RUSH_DATABASE_URL, else the grants_rush database on the test server at
127.0.0.1:5432, role grants_test); --password-hash METHOD (the stored password hashes, default scrypt as
in production; the short form uses a cheap one so its logins take less time; the rush itself does not
log in); --keep (keep the temporary folder with the server logs).

What it does:
  1. drops and creates the database, and builds its schema with the migrations (flask db upgrade, as the
     app is deployed; a migration behind the models is an error here, never create_all);
  2. prepares, with the models in an app context: ORGS organisations (the 285 municipalities, then
     non-profits), each with one applicant and a complete draft on one open call (every checklist item
     passes); a call under jury review with 40 applications, JURORS jurors on its panel, 3 jurors per
     application, all declared free of conflict; ADMINS admins, their second factor (TOTP) enrolled;
  3. starts gunicorn (GRANTS_ENV=production, WORKERS sync workers, scripts/bench.py's Server) and logs
     every client in through the real login form (CSRF token, password, and for admins a TOTP code):
     the "login" kind, measured but outside the rush, since on the last evening people are logged in with
     their draft open;
  4. the rush: each applicant starts at a random instant in the window (seeded) and opens its application
     ("application_page": the checklist and the submit form), submits it through the real form ("submit",
     POST with the CSRF token and the loaded version; the answer is a redirect to the receipt) and reads
     the receipt ("receipt", where the dossier number is read); meanwhile every juror opens a sheet
     ("jury_sheet") and saves scores ("jury_save") every 2-6 s, and every admin opens the screening list
     of the call ("screening_list", plain or filtered) every 2-6 s, until the last applicant is done;
     each starts at a random instant of the first 6 s, and a failed request is retried after a
     jittered back-off, as people do not click in step;
  5. with --kill: once half the applicants have sent their submit, the master and every worker get
     SIGKILL (the process group), gunicorn is started again (same secret key, so sessions survive), and
     every client retries what failed: a submit without an answer is sent again with the same token and
     version, and gets either its existing receipt (a redirect to it, "al ingediend") or a clear 4xx; a
     receipt not read is read again;
  6. checks the database (the truth, read after the run): every acknowledged submit (2xx/3xx) has its
     application submitted, with the dossier number read on its receipt, held by exactly one application;
     the call's dossier sequences are 1..M without gap or duplicate, M the submitted applications; every
     submitted application has its submission instant and exactly one "application.submit" audit event
     (not half-written); and the `verify-audit` command passes on the hash chain (`flask --app wsgi
     verify-audit`, invoked through Flask's CLI runner in this process).

The last line of stdout is one JSON object {"rush": {...}}:
  p50_ms, p95_ms, p99_ms   latency of every answered request of the rush (all kinds, login excluded), ms
  errors                  requests without an answer (connection refused or reset), 5xx, or an unexpected 4xx
  errors_outside_kill     of those, the ones that did not overlap the outage (from the kill until the
                          restarted server answered); 0 is expected
  p95_ms_outside_kill, p99_ms_outside_kill   the latency of the answered requests that did not overlap
                          the outage (equal to p95_ms, p99_ms without --kill)
  answered_during_kill    answered requests that overlapped the outage (they waited for the restart)
  lost                    acknowledged submits whose dossier is not in the database exactly once
  duplicates              dossier numbers held twice, and applications submitted twice (two audit events)
  after_kill_lost         acknowledged before the kill and missing after the restart (null without --kill)
  gaps                    dossier sequences of the call missing between 1 and the highest
  half_written            submitted applications without number, instant or exactly one audit event
  per_kind                {kind: {requests, p50_ms, p95_ms, p99_ms, max_ms, errors}}
  and the run's facts (orgs, acknowledged, submitted, retries, retried_existing_receipt, kill, ...).
With --both: the figures of the run without the kill, lost and duplicates summed over both runs,
after_kill_lost of the kill run, and the kill run's report under "kill_run".
Timings are for reading; the pass/fail checks (tests/test_rush.py) are lost, duplicates, gaps, half-written
and the errors the kill does not explain.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import signal
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "scripts"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import bench  # noqa: E402  (scripts/bench.py: gunicorn Server, plain HTTP requests, CSRF, TOTP login step)

DEFAULT_DATABASE_URL = "postgresql+psycopg://grants_test:grants_test@127.0.0.1:5432/grants_rush"
PASSWORD = "Rush-wachtwoord-2026"
REVIEW_APPLICATIONS = 40  # in the call under review; 3 jurors each
JURORS_PER_APPLICATION = 3
THINK_S = (2.0, 6.0)  # jurors and admins wait this long (uniform) between two actions
RETRY_FOR_S = 60.0  # how long after the window (or after the restart) a client keeps retrying what failed
CLIENT_TIMEOUT_S = 30.0  # a browser waits this long for an answer, at least
DOUBLE_CLICK_EVERY = 10  # one applicant in ten sends its submit twice (a double click, a second tab)
MAX_CLEAR_ANSWERS = 3  # 400/409 answers to a submit before the client stops trying
READY_TIMEOUT_S = 120.0  # gunicorn starting 4 workers on a busy machine
SEED = 2026

_START = time.monotonic()


def log(message: str) -> None:
    print(f"[rush {time.monotonic() - _START:5.1f}s] {message}", file=sys.stderr, flush=True)


# --- the database -----------------------------------------------------------------------------

def fresh_database(url: str) -> str:
    """Drops and creates the database of `url` (its name must contain "rush"); returns the URL."""
    import sqlalchemy as sa
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise SystemExit("the rush runs on PostgreSQL: give a postgresql:// URL")
    name = parsed.database or ""
    if "rush" not in name:
        raise SystemExit(f"the database {name!r} would be dropped: its name must contain 'rush'")
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return parsed.render_as_string(hide_password=False)


def migrate(app) -> None:
    """The schema as deployed: flask db upgrade. A migration behind the models stops the run."""
    from flask_migrate import upgrade

    from grants.extensions import db
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        gaps = bench._schema_gaps(db.engine)
        db.session.remove()
    if gaps:
        raise SystemExit(f"the migrations are behind the models: {', '.join(gaps[:8])}")


# --- the prepared data ------------------------------------------------------------------------

@dataclass
class Plan:
    call_id: int
    review_call_id: int
    applicants: list[tuple[str, int]]  # (e-mail, application id)
    jurors: list[tuple[str, list[int]]]  # (e-mail, assigned application ids)
    admins: list[tuple[str, str]]  # (e-mail, TOTP secret)
    criteria: list[int]  # criterion ids of the call under review


def _draft_values(call, org_id: int, user_id: int, k: int) -> dict:
    """A complete draft (tests/factories.py's application): 40,000 requested + 5,000 own = 45,000 cost."""
    from datetime import date
    return dict(call_id=call.id, organisation_id=org_id, title=f"Samen tegen polarisatie {k}",
                summary="Jongeren maken zelf tegenverhalen op sociale media.",
                problem_analysis="Online haat neemt toe in onze gemeente.",
                objectives="Honderd jongeren leren tegenspraak bieden.", target_groups="Jongeren van 14 tot 20 jaar.",
                activities="Tien workshops en een campagne.", start_date=date(2027, 3, 1),
                end_date=date(2028, 2, 29), requested_amount=Decimal("40000.00"), contact_name="Contactpersoon",
                contact_email=f"contact{k}@rush.example.be", iban="BE68539007547034", created_by_id=user_id,
                updated_by_id=user_id)


def _budget():
    from grants.applications.models import BudgetLine, Contribution, ContributionKind
    lines = [BudgetLine(position=1, category="staff", description="Projectmedewerker", fte=Decimal("0.50"),
                        months=12, amount=Decimal("30000.00")),
             BudgetLine(position=2, category="operating", description="Workshops en campagne",
                        amount=Decimal("15000.00"))]
    return lines, [Contribution(kind=ContributionKind.OWN_FINANCIAL, source="", amount=Decimal("5000.00"))]


def _call(title: str, prefix: str, status, opens, closes):
    from grants.calls.models import Call, Criterion
    from grants.calls.rules import CofinancingKind
    from grants.calls.states import CallKind, SelectionMode
    call = Call(title=title, description="Een **oproep** voor de deadline.", kind=CallKind.COUNTER_VOICES,
                status=status, selection_mode=SelectionMode.COMPETITIVE, dossier_prefix=prefix, opens_at=opens,
                closes_at=closes, envelope=Decimal("15000000.00"), max_amount=Decimal("50000.00"),
                max_duration_months=24, allowed_kinds=["municipality", "nonprofit"],
                cofinancing_kind=CofinancingKind.NONE, eligible_cost_categories=["staff", "operating"],
                report_months=[12])
    call.criteria = [Criterion(position=1, name="Relevantie", weight=Decimal("60"), scale_min=0, scale_max=10),
                     Criterion(position=2, name="Haalbaarheid", weight=Decimal("40"), scale_min=0, scale_max=10)]
    return call


def prepare(app, orgs: int, jurors: int, admins: int, password_hash: str) -> Plan:
    """Everything the clients need, written with the models (one transaction, audit events chained)."""
    import pyotp
    import sqlalchemy as sa

    from grants.accounts.models import Role, User
    from grants.applications.models import Application
    from grants.applications.states import ApplicationStatus as S
    from grants.audit.models import AuditEvent
    from grants.calls.rules import format_dossier_number
    from grants.calls.states import CallStatus
    from grants.extensions import db
    from grants.jury.models import Assignment, ConflictDeclaration, Panel
    from grants.organisations.models import Organisation, OrganisationKind
    from grants.organisations.operations import import_municipalities
    from grants.timeutil import to_local, utcnow

    with app.app_context():
        now = utcnow()
        import_municipalities()
        db.session.flush()
        needed = orgs + REVIEW_APPLICATIONS
        have = db.session.scalar(sa.select(sa.func.count()).select_from(Organisation).where(
            Organisation.kind.in_([OrganisationKind.MUNICIPALITY, OrganisationKind.NONPROFIT])))
        for k in range(max(needed - have, 0)):
            db.session.add(Organisation(name=f"vzw Samenleven {k + 1}", kind=OrganisationKind.NONPROFIT,
                                        kbo=bench._kbo(k + 1), place="Brussel", province=None,
                                        contact_email=f"info{k + 1}@vzw.example.be"))
        db.session.flush()
        org_ids = list(db.session.scalars(sa.select(Organisation.id).where(  # the call's kinds: not VGC, De Rand
            Organisation.kind.in_([OrganisationKind.MUNICIPALITY, OrganisationKind.NONPROFIT]))
            .order_by(Organisation.id)))[:needed]
        # The draft's IBAN is the organisation's known one (no bank letter needed to submit).
        db.session.execute(sa.update(Organisation).where(Organisation.id.in_(org_ids))
                           .values(usual_iban="BE68539007547034"))
        rush_orgs, review_orgs = org_ids[:orgs], org_ids[orgs:]

        call = _call("Projectoproep tegengeluiden: de laatste avond", "RS", CallStatus.PUBLISHED,
                     now - timedelta(days=30), now + timedelta(hours=6))
        review = _call("Projectoproep tegengeluiden: in beoordeling", "JR", CallStatus.UNDER_REVIEW,
                       now - timedelta(days=90), now - timedelta(days=20))
        review.jurors_see_other_scores = True
        db.session.add_all([call, review])
        db.session.flush()

        def user(email: str, name: str, role: Role, **values) -> User:
            return User(email=email, name=name, role=role, active=True, password_hash=password_hash,
                        session_token=secrets.token_hex(16), **values)

        applicant_users = []
        for k, org_id in enumerate(rush_orgs):
            u = user(f"aanvrager-{k + 1}@rush.example.be", f"Aanvrager {k + 1}", Role.APPLICANT)
            u.organisations = [db.session.get(Organisation, org_id)]
            applicant_users.append(u)
        juror_users = [user(f"jurylid-{k + 1}@rush.example.be", f"Jurylid {k + 1}", Role.JUROR)
                       for k in range(jurors)]
        secrets_by_admin = [pyotp.random_base32() for _ in range(admins)]
        admin_users = [user(f"admin-{k + 1}@rush.example.be", f"Dossierbeheerder {k + 1}", Role.ADMIN,
                            totp_secret=secret, totp_enabled_at=now)
                       for k, secret in enumerate(secrets_by_admin)]
        db.session.add_all(applicant_users + juror_users + admin_users)
        db.session.flush()

        drafts = []
        for k, (org_id, u) in enumerate(zip(rush_orgs, applicant_users)):
            lines, contributions = _budget()
            draft = Application(**_draft_values(call, org_id, u.id, k + 1), status=S.DRAFT,
                                budget_lines=lines, contributions=contributions)
            drafts.append(draft)
        db.session.add_all(drafts)
        # The call under review: submitted and screened applications of other organisations.
        year = to_local(review.closes_at).year
        reviewed = []
        for k, org_id in enumerate(review_orgs):
            lines, contributions = _budget()
            reviewed.append(Application(
                **_draft_values(review, org_id, None, 1000 + k), status=S.UNDER_REVIEW, dossier_sequence=k + 1,
                dossier_number=format_dossier_number("JR", year, k + 1), submitted_at=review.closes_at
                - timedelta(days=1), budget_lines=lines, contributions=contributions))
        db.session.add_all(reviewed)
        db.session.flush()
        for app_row in drafts + reviewed:
            db.session.add(AuditEvent(actor_id=app_row.created_by_id, action="application.create",
                                      object_type="applications", object_id=app_row.id,
                                      changes={"status": [None, "draft"]}))

        panel = Panel(call_id=review.id, name="Jury", chair_id=juror_users[0].id if juror_users else None,
                      scoring_deadline=now + timedelta(days=30))
        panel.members = list(juror_users)
        db.session.add(panel)
        db.session.flush()
        assigned: dict[int, list[int]] = {u.id: [] for u in juror_users}
        if juror_users:
            for k, app_row in enumerate(reviewed):
                for i in range(min(JURORS_PER_APPLICATION, len(juror_users))):
                    juror = juror_users[(k * JURORS_PER_APPLICATION + i) % len(juror_users)]
                    db.session.add(Assignment(application_id=app_row.id, juror_id=juror.id, panel_id=panel.id))
                    db.session.add(ConflictDeclaration(application_id=app_row.id, juror_id=juror.id))
                    assigned[juror.id].append(app_row.id)
        db.session.commit()
        plan = Plan(call_id=call.id, review_call_id=review.id,
                    applicants=[(u.email, d.id) for u, d in zip(applicant_users, drafts)],
                    jurors=[(u.email, assigned[u.id]) for u in juror_users],
                    admins=[(u.email, s) for u, s in zip(admin_users, secrets_by_admin)],
                    criteria=[c.id for c in review.criteria])
        db.session.remove()
        db.engine.dispose()
    return plan


# --- the clients ------------------------------------------------------------------------------

class Target:
    """The running server's address: changes when gunicorn is started again after the kill."""

    def __init__(self):
        self.base = ""
        self.outages: list[list[float]] = []  # [from, until] of each outage (until: the restart answered)

    def retry_until(self, after: float) -> float:
        """Clients retry until RETRY_FOR_S after `after` (the end of the window), or after the restart."""
        if self.outages and len(self.outages[-1]) == 1:
            return float("inf")  # the server is down: keep trying until it is back
        return max([after] + [o[1] for o in self.outages]) + RETRY_FOR_S

    def in_outage(self, started: float, ended: float) -> bool:
        """Whether a request from `started` to `ended` overlapped an outage."""
        for outage in self.outages:
            since, until = outage[0], outage[1] if len(outage) > 1 else float("inf")
            if started <= until and ended >= since:
                return True
        return False


@dataclass
class Sample:
    kind: str
    started: float
    ms: float
    status: int | None  # None: no answer (refused, reset, timeout)
    error: str | None = None


class Recorder:
    def __init__(self):
        self.samples: list[Sample] = []
        self._lock = threading.Lock()

    def add(self, sample: Sample) -> None:
        with self._lock:
            self.samples.append(sample)


class Client:
    """One person in a browser: a session cookie, plain HTTP requests (bench._request), every one timed."""

    def __init__(self, email: str, target: Target, recorder: Recorder):
        self.email, self.target, self.recorder = email, target, recorder
        self.session: str | None = None

    def request(self, kind: str, method: str, path: str, body: dict | None = None, expect=(200,)):
        """(status, headers, text), or (None, None, "") when there was no answer. Recorded as a sample."""
        started = time.monotonic()
        cookie = f"session={self.session}" if self.session else None
        try:
            status, headers, text = bench._request(method, self.target.base + path, body, cookie,
                                                   timeout=CLIENT_TIMEOUT_S)
        except OSError as exc:
            self.recorder.add(Sample(kind, started, (time.monotonic() - started) * 1000, None,
                                     exc.__class__.__name__))
            return None, None, ""
        self.session = bench._session_cookie(headers) or self.session
        error = None if status in expect else f"HTTP {status}"
        self.recorder.add(Sample(kind, started, (time.monotonic() - started) * 1000, status, error))
        return status, headers, text

    def login(self, totp_secret: str | None = None) -> None:
        status, _headers, html = self.request("login", "GET", "/login")
        if status != 200:
            raise RuntimeError(f"GET /login answered {status}")
        status, headers, _ = self.request("login", "POST", "/login", {
            "csrf_token": bench._csrf(html), "email": self.email, "password": PASSWORD}, expect=(302,))
        step = headers.get("Location", "") if status == 302 else ""
        if step.endswith("/login/code") and totp_secret:
            bench._totp_secrets[self.email] = totp_secret
            status, headers, self.session = bench._second_factor(self.target.base, self.email, self.session, "code")
            step = headers.get("Location", "")
        if status != 302 or step.endswith(("/login", "/login/code", "/login/enrol")):
            raise RuntimeError(f"logging in as {self.email} failed ({status} to {step})")


HIDDEN_RE = r'name="{name}"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="{name}"'
DOSSIER_RE = re.compile(r"<dd><strong>([A-Z]+-\d{4}-\d+)</strong></dd>")


def hidden_value(html: str, name: str) -> str | None:
    found = re.search(HIDDEN_RE.format(name=re.escape(name)), html)
    return (found.group(1) if found.group(1) is not None else found.group(2)) if found else None


@dataclass
class Outcome:
    """What one applicant saw."""
    application_id: int
    acknowledged: bool = False  # a 2xx/3xx answer to a submit
    acknowledged_at: float | None = None
    dossier_number: str | None = None  # read on the receipt
    submits: int = 0  # submit requests sent (the double click not counted)
    existing_receipt: bool = False  # a submit sent again was answered with the existing receipt
    double_click: str | None = None  # the dossier number on the receipt after the deliberate second submit
    clear_answers: list[int] = field(default_factory=list)  # 4xx answers to a submit
    gave_up: bool = False


def _pause(failures: int) -> None:
    """Back off after a failure: about 0.5 s, doubling, at most about 4 s (a person pressing reload, more
    patiently). Jittered by half either way: people who failed in the same second do not retry in step."""
    time.sleep(min(4.0, 0.5 * 2 ** max(failures - 1, 0)) * random.uniform(0.5, 1.5))


def applicant_journey(client: Client, application_id: int, start_at: float, deadline, *,
                      on_sent, double_click: bool) -> Outcome:
    """Open the application, submit it, read the receipt; after a failure, retry until `deadline()`.

    A submit without an answer is sent again as it was (same token, same loaded version): the server
    either numbers it now or finds it handed in and redirects to the existing receipt. With
    `double_click` the submit is sent once more after the receipt, as a double click or a second tab
    would: the answer must be the same receipt, never a second dossier."""
    outcome = Outcome(application_id)
    time.sleep(max(0.0, start_at - time.monotonic()))
    page = f"/applications/{application_id}"
    token = version = None
    failures = 0
    while time.monotonic() < deadline():
        if token is None:
            status, _h, html = client.request("application_page", "GET", page)
            if status != 200:
                failures += 1
                _pause(failures)
                continue
            token, version = bench._csrf(html), hidden_value(html, "version")
            if version is None:  # no submit form: it is handed in (a submit went through before a failure)
                outcome.acknowledged_at = outcome.acknowledged_at or time.monotonic()
                outcome.acknowledged = outcome.existing_receipt = True
        if not outcome.acknowledged:
            outcome.submits += 1
            if outcome.submits == 1:
                on_sent()
            status, headers, _ = client.request("submit", "POST", page + "/submit", {
                "csrf_token": token, "version": version, "confirm": "y"}, expect=(302,))
            if status is None or status >= 500:
                failures += 1
                _pause(failures)  # no answer: the same submit again, as after a timeout
                continue
            if not 200 <= status < 400:  # a clear answer (400, 409): read the page again and decide
                outcome.clear_answers.append(status)
                if len(outcome.clear_answers) >= MAX_CLEAR_ANSWERS:
                    outcome.gave_up = True
                    return outcome
                token = None
                failures += 1
                _pause(failures)
                continue
            outcome.acknowledged, outcome.acknowledged_at = True, time.monotonic()
        status, _h, html = client.request("receipt", "GET", page + "/receipt")
        found = DOSSIER_RE.search(html) if status == 200 else None
        if not found:
            failures += 1
            _pause(failures)
            continue
        outcome.dossier_number = found.group(1)
        outcome.existing_receipt = outcome.existing_receipt or "al ingediend" in html
        if double_click and outcome.double_click is None and token and version:
            status = None
            while time.monotonic() < deadline():
                status, _h, _ = client.request("submit_again", "POST", page + "/submit", {
                    "csrf_token": token, "version": version, "confirm": "y"}, expect=(302,))
                if status is not None and status < 500:
                    break
                failures += 1
                _pause(failures)  # no answer: click once more
            if status == 302:
                outcome.double_click = "no receipt"
                while time.monotonic() < deadline():
                    status, _h, html = client.request("receipt", "GET", page + "/receipt")
                    if status is not None and status < 500:
                        again = DOSSIER_RE.search(html) if status == 200 else None
                        outcome.double_click = again.group(1) if again and "al ingediend" in html else "no receipt"
                        break
                    failures += 1
                    _pause(failures)  # no answer (the server is down): reload the receipt
            else:
                outcome.double_click = f"HTTP {status}"
        return outcome
    outcome.gave_up = True
    return outcome


def juror_loop(client: Client, assigned: list[int], criteria: list[int], stop: threading.Event,
               rng: random.Random) -> int:
    """Open a sheet, save scores as a draft, think, the next one; until stopped. Returns the saves answered."""
    saved, k = 0, 0
    stop.wait(rng.uniform(0, THINK_S[1]))  # people do not start in step: the first action within one think time
    while not stop.is_set() and assigned:
        app_id = assigned[k % len(assigned)]
        k += 1
        path = f"/jury/applications/{app_id}"
        status, _h, html = client.request("jury_sheet", "GET", path)
        if status == 200:
            form = html[html.find('id="score-form"'):]
            form = form[:form.find("</form>")]
            body = {"csrf_token": bench._csrf(html), "version": hidden_value(form, "version") or "0",
                    "action": "save", "comment": f"Bewaard om {time.time():.0f}.", "recommendation": "maybe"}
            for criterion in criteria:
                body[f"score_{criterion}"] = str(rng.randrange(0, 21) / 2).replace(".", ",")
                body[f"comment_{criterion}"] = ""
            status, _h, _ = client.request("jury_save", "POST", path, body, expect=(302,))
            saved += status == 302
        stop.wait(rng.uniform(*THINK_S))
    return saved


def admin_loop(client: Client, call_id: int, stop: threading.Event, rng: random.Random) -> None:
    """The screening list of the call, plain or filtered, every few seconds until stopped."""
    paths = [f"/admin/calls/{call_id}/applications",
             f"/admin/calls/{call_id}/applications?status=submitted&sort=organisation"]
    stop.wait(rng.uniform(0, THINK_S[1]))  # as the jurors: the first look within one think time
    while not stop.is_set():
        client.request("screening_list", "GET", rng.choice(paths))
        stop.wait(rng.uniform(*THINK_S))


# --- the server -------------------------------------------------------------------------------

def server_env(database_url: str, tmp: Path, secret_key: str) -> dict:
    env = dict(os.environ, GRANTS_ENV="production", SECRET_KEY=secret_key, BASE_URL="http://127.0.0.1",
               DATABASE_URL=database_url, GRANTS_INSTANCE_DIR=str(tmp / "instance"), PYTHONUNBUFFERED="1",
               MAIL_SERVER="")
    env.pop("FLASK_DEBUG", None)
    return env


def _alive(pid: int) -> bool:
    status = bench._proc_status(pid)
    return status is not None and "State:\tZ" not in status


def kill_server(server: bench.Server) -> dict:
    """SIGKILL to the master and every worker at once (their process group); waits until all are gone."""
    master = server.process.pid
    workers = bench.child_pids(master)
    os.killpg(master, signal.SIGKILL)
    server.process.wait(timeout=10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.05)
    return {"master": master, "workers": workers, "survivors": [pid for pid in workers if _alive(pid)]}


# --- the checks -------------------------------------------------------------------------------

def check_database(app, call_id: int, outcomes: list[Outcome], kill_at: float | None) -> dict:
    """Compares what the clients were told with what the database holds."""
    import sqlalchemy as sa

    from grants.applications.models import Application
    from grants.applications.states import ApplicationStatus as S
    from grants.audit.models import AuditEvent
    from grants.extensions import db

    with app.app_context():
        rows = db.session.execute(sa.select(Application.id, Application.status, Application.dossier_number,
                                            Application.dossier_sequence, Application.submitted_at)
                                  .where(Application.call_id == call_id)).all()
        events = dict(db.session.execute(
            sa.select(AuditEvent.object_id, sa.func.count()).where(
                AuditEvent.object_type == "applications", AuditEvent.action == "application.submit")
            .group_by(AuditEvent.object_id)).all())
        numbers = dict(db.session.execute(
            sa.select(Application.dossier_number, sa.func.count()).where(Application.dossier_number.is_not(None))
            .group_by(Application.dossier_number)).all())
        db.session.remove()
        db.engine.dispose()
    by_id = {r.id: r for r in rows}
    submitted = [r for r in rows if r.status == S.SUBMITTED]

    def kept(outcome: Outcome) -> bool:
        row = by_id.get(outcome.application_id)
        if row is None or row.status != S.SUBMITTED or not row.dossier_number:
            return False
        if outcome.dossier_number is not None and outcome.dossier_number != row.dossier_number:
            return False
        return numbers.get(row.dossier_number) == 1

    acknowledged = [o for o in outcomes if o.acknowledged]
    lost = [o.application_id for o in acknowledged if not kept(o)]
    after_kill_lost = None if kill_at is None else sum(
        1 for o in acknowledged if o.acknowledged_at is not None and o.acknowledged_at < kill_at and not kept(o))
    sequences = sorted(r.dossier_sequence for r in submitted if r.dossier_sequence is not None)
    top = sequences[-1] if sequences else 0
    gaps = sorted(set(range(1, top + 1)) - set(sequences))
    duplicates = sum(n - 1 for n in numbers.values() if n > 1) + (len(sequences) - len(set(sequences))) + sum(
        1 for r in submitted if events.get(r.id, 0) > 1)
    half_written = [r.id for r in submitted if not r.dossier_number or r.dossier_sequence is None
                    or r.submitted_at is None or events.get(r.id, 0) != 1]
    half_written += [r.id for r in rows if r.status == S.DRAFT and (r.dossier_number or events.get(r.id))]
    unacknowledged_submitted = len({r.id for r in submitted} - {o.application_id for o in acknowledged})
    return {"lost": len(lost), "lost_ids": lost[:20], "after_kill_lost": after_kill_lost,
            "duplicates": duplicates, "gaps": len(gaps), "half_written": len(half_written),
            "half_written_ids": half_written[:20], "submitted": len(submitted),
            "submitted_without_acknowledgement": unacknowledged_submitted}


def verify_audit(app) -> dict:
    """`flask --app wsgi verify-audit`: the same command, through Flask's CLI runner (no second app start)."""
    result = app.test_cli_runner().invoke(args=["verify-audit"])
    with app.app_context():
        from grants.extensions import db
        db.session.remove()
        db.engine.dispose()
    return {"ok": result.exit_code == 0, "output": result.output.strip()[-500:]}


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (nearest rank), in ms to one decimal."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil(n q / 100)
    return round(ordered[int(rank) - 1], 1)


def summarise(samples: list[Sample], target: Target) -> dict:
    per_kind = {}
    for kind in sorted({s.kind for s in samples}):
        of_kind = [s for s in samples if s.kind == kind]
        answered = [s.ms for s in of_kind if s.status is not None]
        per_kind[kind] = {"requests": len(of_kind), "p50_ms": percentile(answered, 50),
                          "p95_ms": percentile(answered, 95), "p99_ms": percentile(answered, 99),
                          "max_ms": round(max(answered), 1) if answered else None,
                          "errors": sum(1 for s in of_kind if s.error)}
    rush = [s for s in samples if s.kind != "login"]
    answered = [s.ms for s in rush if s.status is not None]
    errors = [s for s in rush if s.error]
    outside = [s for s in errors if not target.in_outage(s.started, s.started + s.ms / 1000)]
    # a request that overlapped the outage waited for the restart: its latency is the outage's, reported apart
    answered_outside = [s.ms for s in rush if s.status is not None
                        and not target.in_outage(s.started, s.started + s.ms / 1000)]
    kinds_of_errors: dict[str, int] = {}
    for s in errors:
        kinds_of_errors[f"{s.kind}: {s.error}"] = kinds_of_errors.get(f"{s.kind}: {s.error}", 0) + 1
    return {"p50_ms": percentile(answered, 50), "p95_ms": percentile(answered, 95),
            "p99_ms": percentile(answered, 99), "mean_ms": round(statistics.fmean(answered), 1) if answered else None,
            "p95_ms_outside_kill": percentile(answered_outside, 95),
            "p99_ms_outside_kill": percentile(answered_outside, 99),
            "answered_during_kill": len(answered) - len(answered_outside),
            "requests": len(rush), "errors": len(errors), "errors_outside_kill": len(outside),
            "error_kinds": kinds_of_errors, "per_kind": per_kind}


# --- one run ----------------------------------------------------------------------------------

def run(database_url: str, *, orgs: int, window: float, workers: int, jurors: int, admins: int, kill: bool,
        password_hash_method: str, tmp: Path) -> dict:
    from werkzeug.security import generate_password_hash

    from grants import create_app

    started = time.monotonic()
    url = fresh_database(database_url)
    app = create_app({"GRANTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url})
    migrate(app)
    plan = prepare(app, orgs, jurors, admins, generate_password_hash(PASSWORD, method=password_hash_method))
    log(f"database {sa_name(url)} migrated and prepared: {orgs} drafts, {jurors} jurors, {admins} admins "
        f"({time.monotonic() - started:.1f}s)")

    env = server_env(url, tmp, secrets.token_hex(32))
    target, recorder = Target(), Recorder()
    server = bench.Server("wsgi:app", workers, env, tmp / "gunicorn-1.log")
    server.wait_ready("/healthz", timeout=READY_TIMEOUT_S)
    target.base = server.base
    log(f"gunicorn with {workers} workers at {server.base}")

    applicants = [(Client(email, target, recorder), app_id) for email, app_id in plan.applicants]
    juror_clients = [(Client(email, target, recorder), assigned) for email, assigned in plan.jurors]
    admin_clients = [(Client(email, target, recorder), secret) for email, secret in plan.admins]
    _login_all([(c, None) for c, _ in applicants] + [(c, None) for c, _ in juror_clients] + admin_clients)
    log(f"{len(applicants) + len(juror_clients) + len(admin_clients)} clients logged in "
        f"({time.monotonic() - started:.1f}s)")

    rng = random.Random(SEED)
    stop = threading.Event()
    half_sent = threading.Event()
    sent_count, sent_lock = [0], threading.Lock()
    load_before = os.getloadavg()[0]
    rush_start = time.monotonic() + 0.5

    def deadline() -> float:
        return target.retry_until(rush_start + window)
    outcomes: list[Outcome | None] = [None] * len(applicants)

    def on_sent() -> None:
        with sent_lock:
            sent_count[0] += 1
            if sent_count[0] * 2 >= len(applicants):
                half_sent.set()  # half the applicants have sent their submit: the moment of the kill

    def applicant(i: int, client: Client, app_id: int, start_at: float) -> None:
        outcomes[i] = applicant_journey(client, app_id, start_at, deadline, on_sent=on_sent,
                                        double_click=i % DOUBLE_CLICK_EVERY == 0)

    threads = [threading.Thread(target=applicant, args=(i, c, a, rush_start + rng.uniform(0, window)), daemon=True)
               for i, (c, a) in enumerate(applicants)]
    background = [threading.Thread(target=juror_loop, args=(c, assigned, plan.criteria, stop,
                                                            random.Random(SEED + k)), daemon=True)
                  for k, (c, assigned) in enumerate(juror_clients)]
    background += [threading.Thread(target=admin_loop, args=(c, plan.call_id, stop, random.Random(SEED - k)),
                                    daemon=True) for k, (c, _secret) in enumerate(admin_clients)]
    for thread in background + threads:
        thread.start()
    log(f"the rush: {len(applicants)} submissions over {window:.0f}s, with {len(juror_clients)} jurors and "
        f"{len(admin_clients)} admins")

    kill_facts, kill_at = None, None
    if kill:
        half_sent.wait(timeout=window + 30)
        kill_at = time.monotonic()
        target.outages.append([kill_at])
        kill_facts = kill_server(server)
        server.stop()
        log(f"SIGKILL to the master {kill_facts['master']} and workers {kill_facts['workers']} "
            f"at {kill_at - rush_start:.1f}s into the rush")
        server = bench.Server("wsgi:app", workers, env, tmp / "gunicorn-2.log", port=server.port)
        server.wait_ready("/healthz", timeout=READY_TIMEOUT_S)
        target.outages[-1].append(time.monotonic())
        kill_facts.update(at_s=round(kill_at - rush_start, 1), outage_s=round(time.monotonic() - kill_at, 1),
                          restarted_master=server.process.pid)
        log(f"gunicorn started again on the same port after {kill_facts['outage_s']}s")

    for thread in threads:
        thread.join()
    rush_s = time.monotonic() - rush_start
    stop.set()
    for thread in background:
        thread.join()
    log(f"the rush is over after {rush_s:.1f}s")
    load_after = os.getloadavg()[0]
    rss = bench.worker_rss_mb(server.process.pid)
    server.stop()

    done = [o for o in outcomes if o is not None]
    checks = check_database(app, plan.call_id, done, kill_at)
    audit = verify_audit(app)
    summary = summarise(recorder.samples, target)
    log(f"p50 {summary['p50_ms']} ms, p95 {summary['p95_ms']} ms, p99 {summary['p99_ms']} ms "
        f"(outside the kill: p99 {summary['p99_ms_outside_kill']} ms); errors "
        f"{summary['errors']} ({summary['errors_outside_kill']} outside the kill); lost {checks['lost']}, "
        f"duplicates {checks['duplicates']}, gaps {checks['gaps']}, half-written {checks['half_written']}; "
        f"verify-audit {'ok' if audit['ok'] else 'FAILED'}")
    return {
        "p50_ms": summary["p50_ms"], "p95_ms": summary["p95_ms"], "p99_ms": summary["p99_ms"],
        "errors": summary["errors"], "lost": checks["lost"], "duplicates": checks["duplicates"],
        "after_kill_lost": checks["after_kill_lost"], "per_kind": summary["per_kind"],
        "errors_outside_kill": summary["errors_outside_kill"], "error_kinds": summary["error_kinds"],
        "p95_ms_outside_kill": summary["p95_ms_outside_kill"], "p99_ms_outside_kill": summary["p99_ms_outside_kill"],
        "answered_during_kill": summary["answered_during_kill"],
        "gaps": checks["gaps"], "half_written": checks["half_written"], "verify_audit": audit,
        "orgs": orgs, "jurors": jurors, "admins": admins, "window_s": window, "rush_s": round(rush_s, 1),
        "requests": summary["requests"], "mean_ms": summary["mean_ms"],
        "acknowledged": sum(o.acknowledged for o in done), "submitted": checks["submitted"],
        "submitted_without_acknowledgement": checks["submitted_without_acknowledgement"],
        "gave_up": sum(o.gave_up for o in done), "submit_requests": sum(o.submits for o in done),
        "retried": sum(o.submits > 1 for o in done),
        "retried_existing_receipt": sum(o.existing_receipt for o in done),
        "double_clicks": sum(o.double_click is not None for o in done),
        "double_clicks_same_receipt": sum(o.double_click is not None and o.double_click == o.dossier_number
                                          for o in done),
        "double_click_answers": sorted(f"{o.dossier_number} -> {o.double_click}" for o in done
                                       if o.double_click is not None and o.double_click != o.dossier_number),
        "clear_answers": sorted(s for o in done for s in o.clear_answers),
        "lost_ids": checks["lost_ids"], "half_written_ids": checks["half_written_ids"],
        "kill": kill_facts, "server": {"software": "gunicorn", "workers": workers, "worker_class": "sync",
                                       "env": "production", "worker_rss_mb": rss},
        "load_average_1min": [round(load_before, 1), round(load_after, 1)], "cpus": os.cpu_count(),
        "database": "postgresql", "password_hash": password_hash_method.split(":")[0],
        "run_s": round(time.monotonic() - started, 1),
    }


def sa_name(url: str) -> str:
    import sqlalchemy as sa
    return sa.engine.make_url(url).database or ""


def _login_all(clients: list[tuple[Client, str | None]]) -> None:
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=8) as pool:
        for future in [pool.submit(client.login, secret) for client, secret in clients]:
            future.result()


def merged(plain: dict, killed: dict) -> dict:
    """--both: the latency of the run without the kill; what must hold, over both runs."""
    return {**plain, "lost": plain["lost"] + killed["lost"], "duplicates": plain["duplicates"] + killed["duplicates"],
            "after_kill_lost": killed["after_kill_lost"], "kill_run": killed}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orgs", type=int, default=300, help="organisations submitting (default 300)")
    parser.add_argument("--window", type=float, default=60.0, help="seconds over which they submit (default 60)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default 4)")
    parser.add_argument("--jurors", type=int, default=20)
    parser.add_argument("--admins", type=int, default=5)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--kill", action="store_true", help="SIGKILL the server halfway through the submissions")
    mode.add_argument("--both", action="store_true", help="a run without and one with the kill, merged")
    parser.add_argument("--database-url", default=os.environ.get("RUSH_DATABASE_URL", "").strip()
                        or DEFAULT_DATABASE_URL, help="the database to create afresh (its name contains 'rush')")
    parser.add_argument("--password-hash", default="scrypt", help="method of the stored password hashes")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (server logs)")
    args = parser.parse_args(argv)
    if args.orgs < 2 or args.window <= 0 or args.workers < 1 or args.admins < 0 or args.jurors < 0:
        parser.error("--orgs >= 2, --window > 0, --workers >= 1")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, bench._CLEANUP.on_signal)  # the servers are stopped however the run ends
    tmp = Path(tempfile.mkdtemp(prefix="grants-rush-"))
    bench._CLEANUP.tmp, bench._CLEANUP.keep = tmp, args.keep
    try:
        options = dict(orgs=args.orgs, window=args.window, workers=args.workers, jurors=args.jurors,
                       admins=args.admins, password_hash_method=args.password_hash, tmp=tmp)
        if args.both:
            report = merged(run(args.database_url, kill=False, **options),
                            run(args.database_url, kill=True, **options))
        else:
            report = run(args.database_url, kill=args.kill, **options)
        print(json.dumps({"rush": report}, ensure_ascii=False), flush=True)
        return 0
    finally:
        bench._CLEANUP()


if __name__ == "__main__":
    sys.exit(main())
