#!/usr/bin/env python3
"""Load benchmark: a synthetic data set, served by gunicorn, loaded by wrk; and the same pages at scale.

    .venv/bin/python scripts/bench.py            # about a minute
    .venv/bin/python scripts/bench.py --quick    # well under a minute
    .venv/bin/python scripts/bench.py --scale    # a call of 1,000 and of 10,000 applications: 1-2 minutes
    DATABASE_URL=postgresql://u:p@host/empty_db .venv/bin/python scripts/bench.py [--reset] [--scale]

Options: --quick (smaller data set, shorter runs); --workers N (gunicorn sync workers, default 2);
--threads N and --connections N (wrk, default 2 and 8); --duration S (seconds of load per page, default
5, --quick 2); --reset (drop everything in DATABASE_URL first: it must be empty otherwise); --only NAME
(repeatable: only these pages of PAGES, or with --scale only these of SCALE_PAGES); --keep (keep the
temporary folder with the SQLite database and the server logs); --scale (see below); --rush (also run
scripts/rush.py --both, the deadline rush on PostgreSQL with and without a SIGKILL of the server, and put its
figures in the JSON as "rush": p50_ms, p95_ms, p99_ms, errors, lost, duplicates, after_kill_lost, per_kind,
kill_run; 300 organisations, --quick 60 in a 10 s window; its database is RUSH_DATABASE_URL, see rush.py).

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
  4. serves a bare Flask "hello" app (scripts/bench_hello.py) the same way: `floor_rps`;
  5. reads the resident memory (VmRSS in /proc/<pid>/status) of each gunicorn worker (the children of
     the master) after every page was loaded: `worker_rss_mb` (and `floor_worker_rss_mb` for hello).

Progress goes to stderr; the last line of stdout is one JSON object:
  {"database": "sqlite"|"postgresql", "database_version": "3.40.1", "server": {...}, "client": {...},
   "floor_rps": ..., "worker_rss_mb": {"max": 97.1, "per_worker": [97.1, 95.8]}, "dataset": {...},
   "pages": {"NAME": {"rps": ..., "queries": [at_small, at_large], "status": 200, ...}}}
Memory is in MB of 1024 kB, as /proc counts it, one number per worker, read once after the load.

--scale measures server time instead of throughput, in process (no gunicorn, no wrk): it builds a small
data set around the busy call (ids["call_id"]), closes that call and fills it, with bulk inserts
(ScaleData), to 1,000 and then 10,000 applications that look like a call being screened (dossier numbers,
mostly submitted or admissible, municipalities and non-profits of all provinces, partnerships, budget
lines, contributions, KPI values, attachments, status history). At each size, for each page in
SCALE_PAGES (the screening list, the application page as the admin, the API list), through the Flask
test client logged in as the page's role: one warm-up request, the queries of one request, then 30 timed
requests (time.perf_counter around client.get; fewer, at least 5, once 15 seconds are spent on the page;
--quick: 10 requests, 5 seconds). The plain URL is requested: a paginated page is measured at its
first page. The JSON:
  {"database": ..., "method": {...}, "dataset": {"1k": {...}, "10k": {...}},
   "scale": {"NAME": {"ms_1k": median, "ms_10k": median, "queries_1k": n, "queries_10k": n,
                      "requests_1k": timed, "requests_10k": timed, "status_1k": 200, ...}},
   "peak_rss_mb": the bench process's peak (building the data included)}

To measure another page, add it to PAGES: name -> (role, path), and its name to SCALE_PAGES to time it
at scale too. Roles: "admin", "juror", "applicant", "api" (no session: the bench admin's API token in
an Authorization: Bearer header) or None (anonymous). The path may use {call_id} (an open call holding
about a third of all applications, the next round of {decided_call_id}, excluding the organisations
funded before; with --scale, the closed call of 1,000 or 10,000), {review_call_id} (a call under jury
review), {decided_call_id}, {application_id} (a submitted application of the applicant's organisation,
in a partnership, with information requests and a status history; it gets more budget lines,
partners, attachments and events at the large size, and has them all with --scale), {organisation_id}
(the applicant's organisation), {user_id} (the applicant), {project_id} (the applicant's funded project in the
decided call, with reports, payments and more extensions at the large size) and {plan_id} (a policy plan whose
action is linked to every decided call, for the progress report). {jury_application_id} is an application of
the call under review that the bench juror is assigned to, declared and scoring (a draft sheet). The
calls under review and decided have a jury (DataSet._grow_jury): the bench juror (the chair) and the
other jurors among the users, three per application, declarations, a few declared conflicts, and
sheets with their scores (submitted, drafts, not started), growing with the call. To measure data a
page needs that is not built yet, extend DataSet (and ScaleData). Timings are for reading, never for
pass/fail tests. `ranking_10k_ms` (both reports) is grants.jury.ranking.bench_ranking(): building the
ranking of 10,000 applications scored by 5 jurors on 6 criteria, in milliseconds. `export_10k_s` and
`export_raw_10k_s` (both reports, measured one after the other in the same run) are
grants.exports.writers.bench_export(): the award workbook with 10,000 applications on its sheet "Alle
aanvragen", written by the product's code (grants.exports.writers.awards_xlsx, through pandas and
xlsxwriter, with the injection guard, number formats, widths, frozen header and autofilter), and the
same cells written with plain xlsxwriter write_row, in seconds: their ratio is what the product's
layer costs over the library.
"""
from __future__ import annotations

import argparse
import contextlib
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
    "public_call": (None, "/calls/{call_id}"),
    "admin_calls": ("admin", "/admin/calls"),
    "admin_call": ("admin", "/admin/calls/{call_id}"),
    "call_form": ("admin", "/admin/calls/{call_id}/edit"),
    "screening_list": ("admin", "/admin/calls/{call_id}/applications"),
    "screening_list_filtered": ("admin", "/admin/calls/{call_id}/applications"
                                         "?status=submitted&kind=municipality&sort=organisation"),
    "application_applicant": ("applicant", "/applications/{application_id}"),
    "application_admin": ("admin", "/applications/{application_id}"),
    "api_call_applications": ("api", "/api/v1/calls/{call_id}/applications"),
    "jury_sheet": ("juror", "/jury/applications/{jury_application_id}"),
    "jury_dashboard": ("admin", "/admin/calls/{review_call_id}/jury/dashboard"),
    "jury_ranking": ("admin", "/jury/calls/{review_call_id}/ranking"),
    "api_call_ranking": ("api", "/api/v1/calls/{review_call_id}/ranking"),
    "awards_page": ("admin", "/admin/calls/{review_call_id}/awards"),
    "award_proposal": ("admin", "/admin/calls/{review_call_id}/awards/proposal"),
    "project_applicant": ("applicant", "/projects/{project_id}"),
    "project_admin": ("admin", "/projects/{project_id}"),
    "reports_list": ("admin", "/admin/reports?view=all"),
    "payment_register": ("admin", "/admin/payments"),
    "progress_report": ("admin", "/admin/progress-report?plan={plan_id}"),
    "award_export_xlsx": ("admin", "/admin/calls/{decided_call_id}/awards/export.xlsx"),
    "api_call_awards": ("api", "/api/v1/calls/{decided_call_id}/awards"),
}

BENCH_PASSWORD = "Bench-wachtwoord-2026"
BENCH_USERS = {  # role -> e-mail of the user the pages are requested as
    "admin": "bench-admin@bench.example.be",
    "juror": "bench-juror@bench.example.be",
    "applicant": "bench-applicant@bench.example.be",
}
APPLICANT_ORGANISATIONS = ["44021", "12025"]  # Gent and Mechelen (REFNIS)
# Production requires a second factor of admins: on the server the bench admin enrols once (the secret
# is read from the enrolment page) and logs in with a code from then on.
_totp_secrets: dict[str, str] = {}
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
    """Builds the synthetic data with the models; grow_to(size) adds what is missing.

    Realistic where the pages look: calls with criteria, KPIs, payment tranches and (the busy open
    call) a previous round with excluded organisations; applications with budget lines, own and
    third-party contributions, KPI values, attachment rows, status history (audit events),
    information requests, screening and dossier numbers. One open call (ids["call_id"]) takes about
    a third of all applications, so the agency's screening list is long at the large size. The
    tracked application (ids["application_id"]) grows with the size too (more budget lines,
    contributions, attachments, partners, information requests and history), so a query per row
    on the application page shows up as a count that grows.
    """

    CALL_CYCLE = ("published", "under_review", "decided", "closed", "draft")
    BUSY_CALL_SHARE = 0.35  # share of the applications that go to the busy open call (ids["call_id"])
    JURY_SIZE = 7  # jurors on a panel at most: the bench juror and the first other jurors

    def __init__(self, seed: int = 2026):
        self.rng = random.Random(seed)
        self.ids: dict[str, int] = {}
        self.api_token: str | None = None  # the bench admin's bearer token for the API pages
        self._call_seq = itertools.count()
        self._dossier_seq: dict[int, itertools.count] = {}
        self._in_partnership: dict[int, set[int]] = {}  # call -> organisations in a partnership there
        self._password_hash: str | None = None
        self._review_seeded = False  # the call under review got its first application
        self._user_seq = itertools.count()

    # setup: organisations and the users the pages are requested as
    def setup(self) -> None:
        from grants.accounts.models import Role, User
        from grants.accounts.operations import create_api_token
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
        self.municipality_ids = list(db.session.scalars(
            sa.select(Organisation.id).where(Organisation.kind == OrganisationKind.MUNICIPALITY)
            .order_by(Organisation.id)))
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
        # The tracked application's partners (see _grow_tracked_application) are kept out of the others.
        self.tracked_partner_ids = [o for o in self.municipality_ids if o not in self.applicant_org_ids][:6]
        self.api_token = create_api_token(db.session.get(User, self.user_ids["admin"]))
        db.session.commit()

    def counts(self) -> dict[str, int]:
        import sqlalchemy as sa

        from grants.accounts.models import User
        from grants.applications.models import Application, Attachment, BudgetLine, Contribution
        from grants.audit.models import AuditEvent
        from grants.calls.models import Call, CallExclusion
        from grants.extensions import db
        from grants.jury.models import Assignment
        from grants.organisations.models import Organisation

        def count(model, *where):
            return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))
        counts = {"calls": count(Call), "applications": count(Application), "users": count(User),
                  "organisations": count(Organisation), "juror_assignments": count(Assignment),
                  "budget_lines": count(BudgetLine), "contributions": count(Contribution),
                  "attachments": count(Attachment), "audit_events": count(AuditEvent)}
        if "call_id" in self.ids:
            counts["applications_in_busy_call"] = count(Application, Application.call_id == self.ids["call_id"])
            counts["exclusions_of_busy_call"] = count(CallExclusion, CallExclusion.call_id == self.ids["call_id"])
        if "application_id" in self.ids:  # the rows of the tracked application's page
            tracked = self.ids["application_id"]
            counts["tracked_application_rows"] = sum(
                count(model, model.application_id == tracked) for model in (BudgetLine, Contribution, Attachment))
        return counts

    def grow_to(self, size: Size) -> None:
        from grants.extensions import db
        have = self.counts()
        self._add_calls(size.calls - have["calls"])
        self._add_users(size.users - have["users"])
        self._add_applications(size.applications - have["applications"])
        self._grow_tracked_application(size)
        self._exclude_previous_round()
        self._grow_jury()
        self._add_projects(size)
        db.session.commit()

    def _add_calls(self, n: int) -> None:
        from grants.calls.models import Call, CallKpi, Criterion, PaymentTranche
        from grants.calls.rules import CofinancingKind
        from grants.calls.states import CallKind, CallStatus, SelectionMode, TriggerKind
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
                cofinancing_kind=CofinancingKind.NONE, eligible_cost_categories=["staff", "operating", "communication"],
                report_months=[12])
            call.criteria = [Criterion(position=1, name="Relevantie", weight=Decimal("60")),
                             Criterion(position=2, name="Haalbaarheid", weight=Decimal("40"))]
            call.kpis = [CallKpi(position=1, name="Deelnemers", unit="personen"),
                         CallKpi(position=2, name="Activiteiten", unit="activiteiten", maximum=Decimal("100"))]
            call.tranches = [PaymentTranche(position=1, label="Voorschot", percent=Decimal("60"),
                                            trigger=TriggerKind.AWARD),
                             PaymentTranche(position=2, label="Saldo", percent=Decimal("40"),
                                            trigger=TriggerKind.FINAL_REPORT)]
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
            juror = next(self._user_seq) % 5 == 4  # one new user in five is a juror (the juries grow too)
            kind = "jurylid" if juror else "aanvrager"
            user = User(email=f"{kind}-{k}@bench.example.be", name=f"{kind.capitalize()} {k}",
                        role=Role.JUROR if juror else Role.APPLICANT, active=True,
                        password_hash=self._password_hash, session_token=secrets.token_hex(16))
            db.session.add(user)
            db.session.flush()
            if not juror:
                db.session.execute(_memberships().insert().values(
                    user_id=user.id, organisation_id=self.rng.choice(self.organisation_ids)))

    def _add_applications(self, n: int) -> None:
        import sqlalchemy as sa
        from sqlalchemy.orm import selectinload

        from grants.applications.models import Application
        from grants.applications.states import ApplicationStatus as S
        from grants.calls.models import Call
        from grants.calls.states import CallStatus
        from grants.extensions import db

        if n <= 0:
            return
        calls = list(db.session.scalars(sa.select(Call).where(Call.status != CallStatus.DRAFT)
                                        .options(selectinload(Call.kpis)).order_by(Call.id)))
        busy = next(c for c in calls if c.id == self.ids["call_id"])
        statuses = {CallStatus.PUBLISHED: [S.DRAFT, S.DRAFT, S.SUBMITTED, S.SUBMITTED, S.SUBMITTED, S.SUBMITTED,
                                           S.INFO_REQUESTED, S.WITHDRAWN],
                    CallStatus.CLOSED: [S.SUBMITTED, S.ADMISSIBLE, S.ADMISSIBLE, S.INADMISSIBLE, S.INFO_REQUESTED],
                    CallStatus.UNDER_REVIEW: [S.UNDER_REVIEW, S.UNDER_REVIEW, S.ADMISSIBLE, S.INADMISSIBLE],
                    CallStatus.DECIDED: [S.AWARDED, S.REJECTED, S.WAITLISTED, S.RUNNING]}
        review = next((c for c in calls if c.id == self.ids.get("review_call_id")), None)
        for j in range(n):
            first = "application_id" not in self.ids
            # The second application goes to the call under review, so its jury has work at every size.
            second = not first and review is not None and not self._review_seeded
            call = busy if first else review if second else (
                busy if self.rng.random() < self.BUSY_CALL_SHARE else self.rng.choice(calls))
            status = S.SUBMITTED if first else S.UNDER_REVIEW if second else self.rng.choice(statuses[call.status])
            self._review_seeded = self._review_seeded or second
            # one application in ten belongs to the bench applicant's organisations
            ours = first or self.rng.random() < 0.1
            org = self.applicant_org_ids[0] if first else self.rng.choice(
                self.applicant_org_ids if ours else self.organisation_ids)
            # the second one is the applicant's awarded application of the decided call: the tracked project
            tracked_project = (not first and not second and "tracked_project_application_id" not in self.ids
                               and "decided_call_id" in self.ids)
            if tracked_project:
                call = next(c for c in calls if c.id == self.ids["decided_call_id"])
                status, org, ours = S.AWARDED, self.applicant_org_ids[0], True
            application = self._application(call, org, status, ours)
            if first:
                self.ids["application_id"] = application.id
            if tracked_project:
                self.ids["tracked_project_application_id"] = application.id
            if j % 200 == 199:
                db.session.flush()

    def _application(self, call, org: int, status, ours: bool):
        """One application with what its pages show: budget, financing, KPIs, attachments, history."""
        from grants.applications.models import (
            Application, ApplicationKpi, Attachment, AttachmentKind, BudgetLine, Contribution, ContributionKind,
            InformationRequest,
        )
        from grants.applications.states import ApplicationStatus as S
        from grants.calls.rules import format_dossier_number
        from grants.calls.states import SelectionMode
        from grants.extensions import db
        from grants.timeutil import to_local

        rng = self.rng
        applicant, admin = self.user_ids["applicant"], self.user_ids["admin"]
        submitter = applicant if ours else None
        requested = Decimal(rng.randrange(50, 500)) * 100
        own_financial = (requested * Decimal("0.15")).quantize(Decimal("0.01"))
        own_staff = (requested * Decimal("0.05")).quantize(Decimal("0.01")) if rng.random() < 0.4 else Decimal("0.00")
        third_party = Decimal(rng.randrange(10, 50)) * 100 if rng.random() < 0.3 else Decimal("0.00")
        created = call.opens_at + timedelta(days=rng.randrange(1, 15), hours=rng.randrange(0, 10))
        submitted = None if status == S.DRAFT else created + timedelta(days=rng.randrange(1, 5))
        sequence = number = None
        if submitted is not None:
            sequence = next(self._dossier_seq.setdefault(call.id, itertools.count(1)))
            number = format_dossier_number(call.dossier_prefix, to_local(call.closes_at).year, sequence)
        screened = submitted + timedelta(days=20) if status in (
            S.ADMISSIBLE, S.INADMISSIBLE, S.UNDER_REVIEW, S.AWARDED, S.REJECTED, S.WAITLISTED, S.RUNNING) else None
        application = Application(
            call_id=call.id, organisation_id=org, status=status, dossier_number=number, dossier_sequence=sequence,
            title=f"Project {rng.randrange(10**6)}: samen tegen polarisatie",
            summary="Samenvatting van het project. " * 30, problem_analysis="Analyse. " * 40,
            objectives="Doelstellingen. " * 20, target_groups="Jongeren en hun ouders. " * 5,
            activities="Activiteiten. " * 40,
            start_date=to_local(call.closes_at).date() + timedelta(days=60),
            end_date=to_local(call.closes_at).date() + timedelta(days=60 + 365),
            priority=1 if call.selection_mode == SelectionMode.SIGN_UP else None,
            requested_amount=requested, contact_name="Contactpersoon", contact_email="contact@bench.example.be",
            contact_phone="02 553 40 00", iban="BE68539007547034", created_at=created,
            updated_at=submitted or created, created_by_id=submitter, updated_by_id=submitter,
            submitted_at=submitted, submitted_by_id=submitter if submitted else None,
            withdrawn_at=submitted + timedelta(days=3) if status == S.WITHDRAWN else None,
            screened_at=screened, screened_by_id=admin if screened else None,
            screening_reason="Niet alle verplichte onderdelen zijn ingevuld." if status == S.INADMISSIBLE else "",
            agency_advice="Een sterk, goed onderbouwd project." if screened else "")
        lines = [BudgetLine(position=1, category="staff", description="Projectmedewerker", fte=Decimal("0.50"),
                            months=12, amount=requested * Decimal("0.7"))]
        if rng.random() < 0.5:
            lines.append(BudgetLine(position=2, category="communication", description="Drukwerk en website",
                                    amount=requested * Decimal("0.1")))
        lines.append(BudgetLine(position=len(lines) + 1, category="operating", description="Werkingskosten",
                                amount=requested - sum(line.amount for line in lines)
                                + own_financial + own_staff + third_party))
        application.budget_lines = lines
        application.contributions = [Contribution(kind=ContributionKind.OWN_FINANCIAL, source="Eigen middelen",
                                                  amount=own_financial)]
        if own_staff:
            application.contributions.append(Contribution(kind=ContributionKind.OWN_STAFF, source="Eigen personeel",
                                                          amount=own_staff))
        if third_party:
            application.contributions.append(Contribution(kind=ContributionKind.THIRD_PARTY,
                                                          source="Provinciale subsidie", amount=third_party))
        application.kpi_values = [ApplicationKpi(kpi_id=kpi.id, planned_value=Decimal(rng.randrange(10, 90)))
                                  for kpi in call.kpis]
        if submitted is not None and rng.random() < 0.4:
            application.attachments = [_attachment_row(rng, AttachmentKind.GENERAL, "projectplan.pdf", submitted,
                                                       submitter)]
        if status == S.INFO_REQUESTED:
            application.info_requests = [InformationRequest(
                message="Bezorg de begroting per jaar.", requested_at=submitted + timedelta(days=7),
                requested_by_id=admin, due_at=submitted + timedelta(days=21))]
        db.session.add(application)
        db.session.flush()
        if org in self.municipality_ids and rng.random() < 0.2:
            self._partnership(application)
        events = [(created, "application.create", None, S.DRAFT, submitter, None)]
        if submitted is not None:
            events.append((submitted, "application.submit", S.DRAFT, S.SUBMITTED, submitter, None))
        if status == S.WITHDRAWN:
            events.append((application.withdrawn_at, "application.withdraw", S.SUBMITTED, S.WITHDRAWN, submitter,
                           "Het project gaat niet door."))
        elif status == S.INFO_REQUESTED:
            events.append((submitted + timedelta(days=7), "application.request_information", S.SUBMITTED,
                           S.INFO_REQUESTED, admin, "Bezorg de begroting per jaar."))
        elif screened is not None:
            outcome = S.INADMISSIBLE if status == S.INADMISSIBLE else S.ADMISSIBLE
            events.append((screened, "application.screen", S.SUBMITTED, outcome, admin, None))
            if status not in (S.ADMISSIBLE, S.INADMISSIBLE):
                events.append((screened + timedelta(days=30), "application.decide", S.ADMISSIBLE, status, admin,
                               None))
        _add_events(application.id, events)
        return application

    def _partnership(self, application) -> None:
        """Municipalities applying together (the lead is a member too); one partnership per call each."""
        from grants.extensions import db
        from grants.organisations.models import Partnership, PartnershipMember

        taken = self._in_partnership.setdefault(
            application.call_id, set(self.tracked_partner_ids) | set(self.applicant_org_ids))
        if application.organisation_id in taken:
            return
        free = [o for o in self.municipality_ids if o not in taken and o != application.organisation_id]
        partners = self.rng.sample(free, min(len(free), self.rng.randrange(1, 4)))
        if not partners:
            return
        members = [application.organisation_id] + partners
        taken.update(members)
        application.partnership = Partnership(
            call_id=application.call_id, name=f"Samenwerkingsverband {application.id}",
            lead_organisation_id=application.organisation_id,
            members=[PartnershipMember(call_id=application.call_id, organisation_id=o) for o in members])
        db.session.flush()

    def _grow_tracked_application(self, size: Size) -> None:
        """The tracked application (the applicant's, submitted, in the busy call) gets more of everything
        as the data set grows: a query per budget line, partner, attachment or event would show."""
        import sqlalchemy as sa

        from grants.applications.models import (
            Application, AttachmentKind, BudgetLine, Contribution, ContributionKind, InformationRequest,
        )
        from grants.applications.states import ApplicationStatus as S
        from grants.audit.models import AuditEvent
        from grants.extensions import db
        from grants.organisations.models import Organisation, Partnership, PartnershipMember

        app = db.session.get(Application, self.ids["application_id"])
        extra = min(10, size.applications // 20)  # 0 at the small size
        applicant, admin = self.user_ids["applicant"], self.user_ids["admin"]
        rng = random.Random(extra)
        own = app.contribution_total(ContributionKind.OWN_FINANCIAL) + app.contribution_total(
            ContributionKind.OWN_STAFF)
        third = [Contribution(kind=ContributionKind.THIRD_PARTY, source=f"Partner {k + 1}",
                              amount=Decimal(1000 + 250 * k)) for k in range(1 + extra // 2)]
        # The budget adds up to the financing: requested + own + third parties.
        total = app.requested_amount + own + sum(c.amount for c in third)
        n_staff = 2 + extra
        per_post = (total * Decimal("0.6") / n_staff).quantize(Decimal("0.01"))
        communication = (total * Decimal("0.05")).quantize(Decimal("0.01"))
        staff = [BudgetLine(position=k + 1, category="staff", description=f"Medewerker {k + 1}",
                            fte=Decimal("0.20"), months=12, amount=per_post) for k in range(n_staff)]
        app.budget_lines = staff + [
            BudgetLine(position=n_staff + 1, category="communication", description="Affiches en website",
                       amount=communication),
            BudgetLine(position=n_staff + 2, category="operating", description="Werkingskosten",
                       amount=total - per_post * n_staff - communication)]
        app.contributions = [c for c in app.contributions if c.kind != ContributionKind.THIRD_PARTY] + third
        app.attachments = [_attachment_row(rng, AttachmentKind.GENERAL, f"bijlage-{k + 1}.pdf", app.submitted_at,
                                           applicant) for k in range(1 + extra)]
        # Partners: other municipalities (the lead is a member too, as the applications part builds it).
        partners = self.tracked_partner_ids[:1 + extra // 2]
        if app.partnership is None:
            app.partnership = Partnership(call_id=app.call_id, name="Samenwerkingsverband benchmark",
                                          lead_organisation_id=app.organisation_id)
            db.session.flush()
        have = {m.organisation_id for m in app.partnership.members}
        app.partnership.members += [PartnershipMember(call_id=app.call_id, organisation_id=o)
                                    for o in [app.organisation_id] + partners if o not in have]
        db.session.flush()
        # Rounds of "more information, please" and resubmissions, each in the status history.
        rounds = 1 + extra // 3
        start = app.submitted_at
        app.info_requests = [InformationRequest(
            message=f"Vraag {k + 1}: verduidelijk de begroting.", requested_at=start + timedelta(days=3 * k + 1),
            requested_by_id=admin, due_at=start + timedelta(days=3 * k + 2),
            resubmitted_at=start + timedelta(days=3 * k + 2), response="Aangevuld.") for k in range(rounds)]
        db.session.flush()
        # The benchmark rewrites its tracked application's (synthetic) history. Its audit trail is no
        # real one: verify-audit is the real application's concern. On PostgreSQL the append-only
        # trigger (migration 9d2e61c4a8f3) is lifted for this one statement by the table's owner.
        with _audit_guard_lifted():
            db.session.execute(sa.delete(AuditEvent).where(AuditEvent.object_type == Application.__tablename__,
                                                           AuditEvent.object_id == app.id))
        events = [(app.created_at, "application.create", None, S.DRAFT, applicant, None),
                  (start, "application.submit", S.DRAFT, S.SUBMITTED, applicant, None)]
        for k, request in enumerate(app.info_requests):
            events += [(request.requested_at, "application.request_information", S.SUBMITTED, S.INFO_REQUESTED,
                        admin, request.message),
                       (request.resubmitted_at, "application.resubmit", S.INFO_REQUESTED, S.SUBMITTED,
                        applicant if k % 2 == 0 else None, None)]
        _add_events(app.id, events)
        names = db.session.scalars(sa.select(Organisation.name).where(Organisation.id.in_(partners))).all()
        db.session.add(AuditEvent(created_at=start, actor_id=applicant, action="application.partner_add",
                                  object_type=Application.__tablename__, object_id=app.id,
                                  changes={"partners": [None, ", ".join(sorted(names))]}))
        db.session.flush()

    def _grow_jury(self) -> None:
        """The juries of the call under review and of the decided call: every juror of the data set on
        the panel (the bench juror chairs), three jurors per application (the bench juror on every
        one), declarations, a declared conflict now and then, and sheets with their scores: in the
        decided call all submitted; under review the bench juror's mixed (submitted, draft, not
        started), the others' mostly submitted. Applications added since the last call get theirs."""
        import sqlalchemy as sa

        from grants.accounts.models import Role, User
        from grants.applications.models import Application
        from grants.calls.models import Call
        from grants.extensions import db
        from grants.jury.models import (
            Assignment, ConflictDeclaration, ConflictKind, ConflictOfInterest, ConflictSource, Panel, Recommendation,
            Score, ScoreSheet,
        )
        from grants.jury.queries import JURY_STATUSES

        bench_juror = self.user_ids["juror"]
        jurors = [bench_juror] + [j for j in db.session.scalars(sa.select(User.id).where(
            User.role == Role.JUROR).order_by(User.id)) if j != bench_juror][:self.JURY_SIZE - 1]
        marks = [Decimal(m) / 2 for m in range(21)]
        for key in ("review_call_id", "decided_call_id"):
            if key not in self.ids:
                continue
            call = db.session.get(Call, self.ids[key])
            decided = key == "decided_call_id"
            call.jurors_see_other_scores = True
            panel = db.session.scalar(sa.select(Panel).where(Panel.call_id == call.id))
            if panel is None:
                panel = Panel(call_id=call.id, name=f"Jury {call.title}", chair_id=bench_juror,
                              quality_threshold=Decimal("60"),
                              scoring_deadline=call.closes_at + timedelta(days=10 if decided else 400))
                db.session.add(panel)
                db.session.flush()
            members = {m.id for m in panel.members}
            panel.members += [db.session.get(User, j) for j in jurors if j not in members]
            criteria = [c.id for c in call.criteria]
            assigned = set(db.session.scalars(sa.select(Assignment.application_id).join(
                Application, Application.id == Assignment.application_id).where(Application.call_id == call.id)))
            apps = list(db.session.scalars(sa.select(Application.id).where(
                Application.call_id == call.id, Application.status.in_(JURY_STATUSES)).order_by(Application.id)))
            for k, app_id in enumerate(a for a in apps if a not in assigned):
                others = jurors[1:]
                on_app = [bench_juror] + ([others[(app_id + i) % len(others)] for i in range(min(2, len(others)))]
                                          if others else [])
                for juror in jurors:
                    db.session.add(ConflictDeclaration(application_id=app_id, juror_id=juror))
                free = [j for j in others if j not in on_app]
                if free and app_id % 7 == 0:
                    db.session.add(ConflictOfInterest(application_id=app_id, user_id=free[0], reason="Familie.",
                                                      kind=ConflictKind.PERSONAL, source=ConflictSource.DECLARED))
                for position, juror in enumerate(on_app):
                    assignment = Assignment(application_id=app_id, juror_id=juror, panel_id=panel.id)
                    db.session.add(assignment)
                    state = "submitted" if decided else (
                        ("draft", "submitted", "submitted", "none", "submitted")[(app_id + position) % 5]
                        if juror == bench_juror else ("submitted", "submitted", "draft")[(app_id + position) % 3])
                    if juror == bench_juror and not decided and "jury_application_id" not in self.ids:
                        state = "draft"
                        self.ids["jury_application_id"] = app_id
                    if state == "none":
                        continue
                    submitted = state == "submitted"
                    assignment.sheet = ScoreSheet(
                        comment="Een goed onderbouwd project met een duidelijk bereik." if submitted else "",
                        recommendation=Recommendation.YES if submitted and self.rng.random() < 0.5 else (
                            Recommendation.MAYBE if submitted else None),
                        submitted_at=call.closes_at + timedelta(days=3) if submitted else None,
                        scores=[Score(criterion_id=c, value=self.rng.choice(marks), comment="")
                                for c in (criteria if submitted else criteria[:1])])
            db.session.flush()
    def _add_projects(self, size: Size) -> None:
        """The follow-up: every awarded (or running) application of a decided call gets its award and its
        project (reports, tranches) through start_project, with reports in every state and payments
        made; the tracked project ({project_id}, the applicant's, in the decided call) gets more approved
        reports, payments and extensions as the data set grows; a policy plan ({plan_id}) has one action
        linked to every decided call, so the progress report covers them all."""
        import sqlalchemy as sa

        from grants.applications.models import Application
        from grants.applications.states import ApplicationStatus as S
        from grants.awards.models import Decision, DecisionOutcome, Project
        from grants.calls.models import Call
        from grants.calls.states import CallStatus
        from grants.extensions import db
        from grants.reporting import operations as ops
        from grants.reporting.models import Extension, PolicyAction, PolicyActionCall, PolicyPlan
        from grants.reporting.states import PaymentStatus, ReportStatus

        admin = db.session.get(_user_model(), self.user_ids["admin"])
        decided = sa.select(Call.id).where(Call.status == CallStatus.DECIDED)
        awarded = db.session.scalars(sa.select(Application).where(
            Application.call_id.in_(decided), Application.status.in_([S.AWARDED, S.RUNNING]),
            ~sa.exists().where(Project.application_id == Application.id)).order_by(Application.id)).all()
        if awarded and not any(a.partnership_id for a in awarded):
            # The progress report names partnerships: have one at every size, so its queries are counted.
            from grants.organisations.models import Partnership, PartnershipMember
            app = awarded[0]
            taken = self._in_partnership.setdefault(app.call_id, set())
            partner = next(o for o in self.municipality_ids if o not in taken and o != app.organisation_id)
            taken.update({app.organisation_id, partner})
            app.partnership = Partnership(
                call_id=app.call_id, name=f"Samenwerkingsverband {app.id}", lead_organisation_id=app.organisation_id,
                members=[PartnershipMember(call_id=app.call_id, organisation_id=o)
                         for o in (app.organisation_id, partner)])
            db.session.flush()
        for n, app in enumerate(awarded):
            if db.session.scalar(sa.select(Decision.id).where(Decision.application_id == app.id)) is None:
                db.session.add(Decision(application_id=app.id, outcome=DecisionOutcome.AWARDED,
                                        amount=app.requested_amount, decided_at=app.call.closes_at,
                                        decided_by_id=admin.id))
                db.session.flush()
            project = ops.start_project(app, actor=admin)
            if app.id == self.ids.get("tracked_project_application_id"):
                self.ids["project_id"] = project.id
            advance = project.payments[0]
            if n % 3:
                ops.approve_payment(advance, admin)
                ops.mark_paid(advance, admin)
            report = project.reports[-1]
            report.narrative, report.bottlenecks = "Voortgang. " * 20, "Knelpunten en successen. " * 10
            report.status = [ReportStatus.DRAFT, ReportStatus.SUBMITTED, ReportStatus.CHANGES_REQUESTED,
                             ReportStatus.APPROVED][n % 4]
        project = db.session.get(Project, self.ids["project_id"])
        # The tracked project grows: an extension (with its own reports and tranches) per step of the size.
        wanted = 1 + min(3, size.applications // 20)  # at least one at every size: the page loads the deciders
        while len(project.extensions) < wanted:
            number = len(project.extensions) + 1
            start, end = ops.rules.next_period(project.end_date, 12)
            project.extensions.append(Extension(number=number, dossier=f"BENCH-V{number}", start_date=start,
                                                end_date=end, previous_end_date=project.end_date,
                                                amount=project.awarded_amount, budget_total=project.awarded_amount,
                                                approved_by_id=admin.id))
            ops._schedule_reports(project, number, start, end, ops.application_budgets(project.application))
            ops._schedule_payments(project, number, project.awarded_amount, ops.today())
            project.end_date = end
            for payment in project.payments:
                if payment.status == PaymentStatus.DUE:
                    payment.status = PaymentStatus.PAID
        db.session.flush()
        plan = db.session.get(PolicyPlan, self.ids["plan_id"]) if "plan_id" in self.ids else None
        if plan is None:
            plan = PolicyPlan(title="Benchmarkplan", description="Het plan van de benchmark.")
            plan.actions = [PolicyAction(position=1, number="1.1", title="Projectoproepen", ministers="Minister",
                                         domains="KB", stakeholders="VVSG")]
            db.session.add(plan)
            db.session.flush()
            self.ids["plan_id"] = plan.id
        action = plan.actions[0]
        linked = set(db.session.scalars(sa.select(PolicyActionCall.call_id)))
        for call_id in db.session.scalars(decided):
            if call_id not in linked:
                action.call_links.append(PolicyActionCall(call_id=call_id))
        db.session.flush()

    def _exclude_previous_round(self) -> None:
        """The busy call is the next round of the decided call: organisations funded in a decided call
        (and not applying to the busy call) may not apply again, so its list of exclusions grows too."""
        import sqlalchemy as sa

        from grants.applications.models import Application
        from grants.applications.states import ApplicationStatus as S
        from grants.calls.models import Call, CallExclusion
        from grants.calls.states import CallStatus
        from grants.extensions import db

        if "decided_call_id" not in self.ids:
            return
        call = db.session.get(Call, self.ids["call_id"])
        call.previous_round_id = self.ids["decided_call_id"]
        applying = set(db.session.scalars(sa.select(Application.organisation_id)
                                          .where(Application.call_id == call.id)))
        decided = sa.select(Call.id).where(Call.status == CallStatus.DECIDED)
        funded = set(db.session.scalars(sa.select(Application.organisation_id).where(
            Application.call_id.in_(decided), Application.status.in_([S.AWARDED, S.RUNNING]))))
        excluded = set(db.session.scalars(sa.select(CallExclusion.organisation_id)
                                          .where(CallExclusion.call_id == call.id)))
        for org in sorted(funded - applying - excluded - set(self.applicant_org_ids)):
            db.session.add(CallExclusion(call_id=call.id, organisation_id=org,
                                         reason="Al gefinancierd in de vorige ronde."))
        db.session.flush()


def _attachment_row(rng: random.Random, kind, name: str, when, uploaded_by: int | None):
    """An attachment's row (no file on disk: the pages measured here show the list, not the file)."""
    from grants.applications.models import Attachment
    return Attachment(kind=kind, original_name=name, stored_name=secrets.token_hex(16), content_type="application/pdf",
                      size=rng.randrange(20_000, 2_000_000), sha256=secrets.token_hex(32), uploaded_at=when,
                      uploaded_by_id=uploaded_by)


@contextlib.contextmanager
def _audit_guard_lifted():
    import sqlalchemy as sa

    from grants.extensions import db
    guarded = db.session.get_bind().dialect.name == "postgresql" and db.session.scalar(sa.text(
        "SELECT 1 FROM pg_trigger WHERE tgname = 'audit_events_append_only'"))
    if guarded:
        db.session.execute(sa.text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
    try:
        yield
    finally:
        if guarded:
            db.session.execute(sa.text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only"))


def _add_events(application_id: int, events) -> None:
    """Status changes of an application as the operations record them: (when, action, old, new, actor, reason)."""
    from grants.applications.models import Application
    from grants.audit.models import AuditEvent
    from grants.extensions import db
    for when, action, old, new, actor, reason in events:
        db.session.add(AuditEvent(created_at=when, actor_id=actor, action=action,
                                  object_type=Application.__tablename__, object_id=application_id,
                                  changes={"status": [old.value if old else None, new.value]}, reason=reason))


def _user_model():
    from grants.accounts.models import User
    return User


def _memberships():
    from grants.accounts.models import memberships
    return memberships


# --- the scale data set (--scale) -------------------------------------------------------------

# Pages of PAGES measured in process at a call of SCALE_SIZES applications (--scale).
SCALE_PAGES = ("screening_list", "application_admin", "api_call_applications")
SCALE_SIZES = (1000, 10000)
SCALE_BASE = Size(calls=5, applications=10, users=10)  # the rest of the data set around the measured call
SCALE_TRACKED = Size(calls=0, applications=200, users=0)  # the tracked application at its fullest
SCALE_REQUESTS = 30  # timed requests per page and size (--quick: 10) ...
SCALE_BUDGET_S = 15.0  # ... or fewer once this many seconds are spent on the page (--quick: 5) ...
SCALE_MIN_REQUESTS = 5  # ... but never fewer than this


def size_label(n: int) -> str:
    """The suffix of the keys in "scale": 1000 -> '1k', 10000 -> '10k', 50 -> '50'."""
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def _kbo(k: int) -> str:
    """The k-th enterprise number of the scale organisations: starts with 1, so never one of _valid_kbo's."""
    base = f"1{k:07d}"
    return f"{base}{97 - int(base) % 97:02d}"


class ScaleData:
    """The busy call (ids["call_id"]) grown to thousands of applications, with bulk inserts.

    The ORM builds an application with its rows in a few milliseconds: far too slow for 10,000, so
    this writes plain rows with Core executemany (ids of applications, partnerships and organisations
    are assigned here; PostgreSQL's sequences are moved past them afterwards).
    The call looks like one being screened: it closed yesterday; its applications are mostly submitted
    or admissible, some inadmissible, reopened for more information, withdrawn, or drafts never handed
    in; each handed-in one has its dossier number. Each has 2-3 budget lines that add up to its
    financing, 1-3 contributions, its KPI values, attachments (4 in 10), its status history in the audit
    log and, when reopened, the information request. The applicants: every free municipality once (some
    as the lead of a partnership with one or two others), and non-profits of all five provinces and
    Brussels, one application each, as a call allows one per organisation.
    """

    STATUSES = (("submitted", 45), ("admissible", 32), ("inadmissible", 5), ("info_requested", 5),
                ("withdrawn", 4), ("draft", 9))
    MUNICIPALITY_SHARE = 0.25  # of the new applications, while free municipalities are left
    PARTNERSHIP_SHARE = 0.15  # of the municipalities, that lead a partnership

    def __init__(self, data: DataSet, seed: int = 2027):
        self.data = data
        self.rng = random.Random(seed)
        self.call_id = data.ids["call_id"]

    def prepare(self) -> None:
        """Closes the call (yesterday) and lists the organisations still free to apply to it."""
        import sqlalchemy as sa

        from grants.applications.models import Application
        from grants.calls.models import Call, CallExclusion
        from grants.calls.states import CallStatus, SelectionMode
        from grants.extensions import db
        from grants.organisations.models import Organisation, OrganisationKind, Partnership, PartnershipMember
        from grants.timeutil import to_local, utcnow

        call = db.session.get(Call, self.call_id)
        call.status = CallStatus.CLOSED
        call.closes_at = utcnow() - timedelta(days=1)  # it opened 20 days ago
        self.opens_at, self.closes_at = call.opens_at, call.closes_at
        self.prefix, self.year = call.dossier_prefix, to_local(call.closes_at).year
        self.sign_up = call.selection_mode == SelectionMode.SIGN_UP
        self.kpi_ids = [kpi.id for kpi in call.kpis]
        self.sequence = db.session.scalar(sa.select(sa.func.max(Application.dossier_sequence))
                                          .where(Application.call_id == call.id)) or 0
        taken = set(db.session.scalars(sa.select(Application.organisation_id).where(Application.call_id == call.id)))
        taken |= set(db.session.scalars(sa.select(PartnershipMember.organisation_id)
                                        .where(PartnershipMember.call_id == call.id)))
        taken |= set(db.session.scalars(sa.select(CallExclusion.organisation_id)
                                        .where(CallExclusion.call_id == call.id)))
        taken |= set(self.data.applicant_org_ids) | set(self.data.tracked_partner_ids)
        rows = db.session.execute(sa.select(Organisation.id, Organisation.kind, Organisation.province,
                                            Organisation.name).order_by(Organisation.id)).all()
        self.free_municipalities = [r.id for r in rows if r.kind == OrganisationKind.MUNICIPALITY
                                    and r.id not in taken]
        self.free_others = [r.id for r in rows if r.kind == OrganisationKind.NONPROFIT and r.id not in taken]
        self.rng.shuffle(self.free_municipalities)
        self.rng.shuffle(self.free_others)
        self.places: dict[str | None, list[str]] = {None: ["Brussel"]}
        for r in rows:
            if r.kind == OrganisationKind.MUNICIPALITY and r.province:
                self.places.setdefault(r.province, []).append(r.name)
        self.next_id = {model.__tablename__: (db.session.scalar(sa.select(sa.func.max(model.id))) or 0) + 1
                        for model in (Organisation, Partnership, Application)}
        self.kbo_seq = itertools.count(1)
        db.session.commit()

    def _take_id(self, table: str) -> int:
        value = self.next_id[table]
        self.next_id[table] += 1
        return value

    def _applicants(self, n: int) -> list[tuple[int, list[int]]]:
        """n (organisation, partners) pairs, creating the non-profits that are missing."""
        picks = []
        for _ in range(n):
            municipal = bool(self.free_municipalities) and self.rng.random() < self.MUNICIPALITY_SHARE
            if municipal:
                lead = self.free_municipalities.pop()
                partners = []
                if self.rng.random() < self.PARTNERSHIP_SHARE and len(self.free_municipalities) >= 2:
                    partners = [self.free_municipalities.pop() for _ in range(self.rng.randint(1, 2))]
                picks.append((lead, partners))
            else:
                picks.append((None, []))
        short = sum(1 for lead, _ in picks if lead is None) - len(self.free_others)
        if short > 0:
            self._add_nonprofits(short)
        return [(lead if lead is not None else self.free_others.pop(), partners) for lead, partners in picks]

    def _add_nonprofits(self, n: int) -> None:
        import sqlalchemy as sa

        from grants.extensions import db
        from grants.organisations.models import Organisation, OrganisationKind
        from grants.timeutil import utcnow

        provinces = sorted(self.places, key=lambda p: (p is None, p or ""))  # the five provinces, then Brussels
        now, rows = utcnow(), []
        for k in range(n):
            province = provinces[k % len(provinces)]
            place = self.rng.choice(self.places[province])
            seq = next(self.kbo_seq)
            rows.append({"id": self._take_id("organisations"), "name": f"vzw Samenleven {place} {seq}",
                         "kind": OrganisationKind.NONPROFIT, "refnis": None, "kbo": _kbo(seq),
                         "province": province, "place": place, "contact_email": f"info{seq}@vzw.example.be",
                         "usual_iban": None, "created_at": now})
        db.session.execute(sa.insert(Organisation.__table__), rows)
        self.free_others.extend(row["id"] for row in rows)
        self.rng.shuffle(self.free_others)

    def _status(self) -> str:
        return self.rng.choices([s for s, _ in self.STATUSES], [w for _, w in self.STATUSES])[0]

    def grow_call_to(self, n: int) -> int:
        """Adds applications until the call has n; returns how many were added."""
        import sqlalchemy as sa

        from grants.applications.models import (
            Application, ApplicationKpi, Attachment, BudgetLine, Contribution, InformationRequest,
        )
        from grants.audit.models import AuditEvent
        from grants.calls.rules import WaiverStatus, format_dossier_number
        from grants.extensions import db
        from grants.organisations.models import Partnership, PartnershipMember
        from grants.timeutil import to_local

        have = db.session.scalar(sa.select(sa.func.count()).select_from(Application)
                                 .where(Application.call_id == self.call_id))
        need = n - have
        if need <= 0:
            return 0
        rng, admin = self.rng, self.data.user_ids["admin"]
        cent = Decimal("0.01")
        window = (self.closes_at - self.opens_at).total_seconds()
        start_date = to_local(self.closes_at).date() + timedelta(days=60)
        rows = {name: [] for name in ("partnerships", "members", "applications", "budget_lines", "contributions",
                                      "kpis", "attachments", "info_requests", "events")}
        for org, partners in self._applicants(need):
            app_id = self._take_id("applications")
            status = self._status()
            partnership_id = None
            if partners:
                partnership_id = self._take_id("partnerships")
                rows["partnerships"].append({"id": partnership_id, "call_id": self.call_id,
                                             "name": f"Samenwerkingsverband {app_id}", "lead_organisation_id": org,
                                             "created_at": self.opens_at + timedelta(days=1)})
                rows["members"] += [{"partnership_id": partnership_id, "call_id": self.call_id, "organisation_id": o}
                                    for o in [org] + partners]
            created = self.opens_at + timedelta(seconds=rng.uniform(0.02, 0.9) * window)
            submitted = sequence = number = screened = withdrawn = None
            if status != "draft":
                submitted = created + timedelta(seconds=rng.uniform(0, (self.closes_at - created).total_seconds()))
                self.sequence += 1
                sequence = self.sequence
                number = format_dossier_number(self.prefix, self.year, sequence)
            if status in ("admissible", "inadmissible"):
                screened = self.closes_at + timedelta(hours=rng.uniform(1, 20))
            if status == "withdrawn":
                withdrawn = submitted + timedelta(seconds=rng.uniform(0, (self.closes_at - submitted).total_seconds()))
            requested = Decimal(rng.randrange(50, 500)) * 100
            own_financial = (requested * Decimal("0.15")).quantize(cent)
            own_staff = (requested * Decimal("0.05")).quantize(cent) if rng.random() < 0.4 else None
            third_party = Decimal(rng.randrange(10, 50)) * 100 if rng.random() < 0.3 else None
            rows["applications"].append({
                "id": app_id, "call_id": self.call_id, "organisation_id": org, "partnership_id": partnership_id,
                "status": status, "dossier_number": number, "dossier_sequence": sequence,
                "title": f"Project {rng.randrange(10**6)}: samen tegen polarisatie",
                "summary": "Samenvatting van het project. " * 30, "problem_analysis": "Analyse. " * 40,
                "objectives": "Doelstellingen. " * 20, "target_groups": "Jongeren en hun ouders. " * 5,
                "activities": "Activiteiten. " * 40, "start_date": start_date,
                "end_date": start_date + timedelta(days=365), "priority": 1 if self.sign_up else None,
                "requested_amount": requested, "waiver": WaiverStatus.NONE, "waiver_motivation": "",
                "contact_name": "Contactpersoon", "contact_email": "contact@bench.example.be",
                "contact_phone": "02 553 40 00", "iban": "BE68539007547034", "created_at": created,
                "created_by_id": None, "updated_at": screened or withdrawn or submitted or created,
                "updated_by_id": admin if screened else None, "submitted_at": submitted, "submitted_by_id": None,
                "withdrawn_at": withdrawn,
                "screening_reason": "Niet alle verplichte onderdelen zijn ingevuld." if status == "inadmissible" else "",
                "screened_at": screened, "screened_by_id": admin if screened else None,
                "agency_advice": "Een sterk, goed onderbouwd project." if status == "admissible" else "",
                "version": 1})
            # The budget adds up to the financing: requested + own + third parties.
            financing = requested + own_financial + (own_staff or 0) + (third_party or 0)
            lines = [("staff", "Projectmedewerker", Decimal("0.50"), 12, (requested * Decimal("0.7")).quantize(cent))]
            if rng.random() < 0.5:
                lines.append(("communication", "Drukwerk en website", None, None,
                              (requested * Decimal("0.1")).quantize(cent)))
            lines.append(("operating", "Werkingskosten", None, None, financing - sum(line[4] for line in lines)))
            rows["budget_lines"] += [{"application_id": app_id, "position": k + 1, "category": category,
                                      "description": description, "fte": fte, "months": months, "amount": amount}
                                     for k, (category, description, fte, months, amount) in enumerate(lines)]
            rows["contributions"] += [{"application_id": app_id, "kind": kind, "source": source, "amount": amount}
                                      for kind, source, amount in (
                                          ("own_financial", "Eigen middelen", own_financial),
                                          ("own_staff", "Eigen personeel", own_staff),
                                          ("third_party", "Provinciale subsidie", third_party)) if amount]
            rows["kpis"] += [{"application_id": app_id, "kpi_id": kpi_id, "confirmed_value": None,
                              "planned_value": Decimal(rng.randrange(10, 90))} for kpi_id in self.kpi_ids]
            if submitted is not None and rng.random() < 0.4:
                rows["attachments"].append({
                    "application_id": app_id, "kind": "general", "original_name": "projectplan.pdf",
                    "stored_name": secrets.token_hex(16), "content_type": "application/pdf",
                    "size": rng.randrange(20_000, 2_000_000), "sha256": secrets.token_hex(32),
                    "uploaded_at": submitted, "uploaded_by_id": None})
            events = [(created, "application.create", None, "draft", None, None)]
            if submitted is not None:
                events.append((submitted, "application.submit", "draft", "submitted", None, None))
            if status == "withdrawn":
                events.append((withdrawn, "application.withdraw", "submitted", "withdrawn", None,
                               "Het project gaat niet door."))
            elif status == "info_requested":
                asked = self.closes_at + timedelta(hours=rng.uniform(1, 20))
                rows["info_requests"].append({
                    "application_id": app_id, "message": "Bezorg de begroting per jaar.", "requested_at": asked,
                    "requested_by_id": admin, "due_at": asked + timedelta(days=14), "resubmitted_at": None,
                    "response": ""})
                events.append((asked, "application.request_information", "submitted", "info_requested", admin,
                               "Bezorg de begroting per jaar."))
            elif screened is not None:
                events.append((screened, "application.screen", "submitted", status, admin, None))
            rows["events"] += [{"created_at": when, "actor_id": actor, "action": action,
                                "object_type": Application.__tablename__, "object_id": app_id,
                                "changes": {"status": [old, new]}, "reason": reason}
                               for when, action, old, new, actor, reason in events]
        # Parents first: the foreign keys hold after every statement.
        for model, key in ((Partnership, "partnerships"), (Application, "applications"),
                           (PartnershipMember, "members"), (BudgetLine, "budget_lines"),
                           (Contribution, "contributions"), (ApplicationKpi, "kpis"), (Attachment, "attachments"),
                           (InformationRequest, "info_requests"), (AuditEvent, "events")):
            if key == "events":  # audit events are hash-chained (grants/audit/chain.py)
                from grants.audit.chain import chain_rows
                rows[key] = chain_rows(db.session.connection(), rows[key])
            if rows[key]:
                db.session.execute(sa.insert(model.__table__), rows[key])
        self._move_sequences()
        db.session.commit()
        return need

    def call_counts(self) -> dict:
        """What the measured call holds beyond DataSet.counts(): its applications by status, its partnerships."""
        import sqlalchemy as sa

        from grants.applications.models import Application
        from grants.extensions import db
        from grants.organisations.models import Partnership
        statuses = db.session.execute(sa.select(Application.status, sa.func.count())
                                      .where(Application.call_id == self.call_id).group_by(Application.status))
        return {"statuses_in_busy_call": {status.value: n for status, n in sorted(statuses, key=lambda r: -r[1])},
                "partnerships_in_busy_call": db.session.scalar(
                    sa.select(sa.func.count()).select_from(Partnership).where(Partnership.call_id == self.call_id))}

    def _move_sequences(self) -> None:
        """PostgreSQL: the id sequences past the ids assigned here, so later inserts get fresh ids."""
        import sqlalchemy as sa

        from grants.extensions import db
        if db.session.get_bind().dialect.name != "postgresql":
            return  # SQLite takes max(id) + 1 by itself
        for table in self.next_id:
            db.session.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                       f"(SELECT max(id) FROM {table}))"))


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
    if role is None or role == "api":
        return client
    token = _csrf(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": BENCH_USERS[role], "password": BENCH_PASSWORD,
                                           "csrf_token": token})
    if response.status_code != 302:
        raise RuntimeError(f"logging in as {role} in the test client failed ({response.status_code})")
    return client


def auth_headers(role: str | None, api_token: str | None) -> dict[str, str]:
    """Extra request headers of a role: the bearer token for "api" (the others use a session cookie)."""
    if role == "api":
        if not api_token:
            raise RuntimeError("no API token for the api pages")
        return {"Authorization": f"Bearer {api_token}"}
    return {}


def count_queries(app, pages: dict, ids: dict, api_token: str | None = None) -> dict[str, tuple[int, int]]:
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
            headers = auth_headers(role, api_token)
            try:
                clients[role].get(url, headers=headers)
                counter[0] = 0
                status = clients[role].get(url, headers=headers).status_code
            except Exception as exc:  # noqa: BLE001 - a broken page is a finding, not the end of the run
                log(f"{name}: {url} raised {exc.__class__.__name__}: {exc}")
                status = 500
            results[name] = (status, counter[0])
        return results
    finally:
        sa.event.remove(engine, "before_cursor_execute", _count)


def time_pages(app, pages: dict, ids: dict, api_token: str | None = None, requests: int = SCALE_REQUESTS,
               budget_s: float = SCALE_BUDGET_S) -> dict[str, dict]:
    """name -> {"ms": median server time, "requests": timed, "status": ...} of each page, in process.

    One warm-up request, then `requests` timed ones (or fewer, at least SCALE_MIN_REQUESTS, once budget_s
    seconds are spent): time.perf_counter around client.get and reading its body, no query listener
    attached. "ms" is None when the page does not answer 200.
    """
    import gc
    import statistics

    clients: dict = {}
    results = {}
    for name, (role, path) in pages.items():
        if role not in clients:
            clients[role] = _test_client_for(app, role)
        client, url, headers = clients[role], path.format(**ids), auth_headers(role, api_token)
        status = client.get(url, headers=headers).status_code  # warm-up: templates, caches, the pool
        if status != 200:
            log(f"{name}: {url} answers {status}, not timed")
            results[name] = {"ms": None, "requests": 0, "status": status}
            continue
        gc.collect()  # the previous page's garbage is not collected on this page's time
        times: list[float] = []
        deadline = time.perf_counter() + budget_s
        least = min(SCALE_MIN_REQUESTS, requests)
        while len(times) < requests and (len(times) < least or time.perf_counter() < deadline):
            start = time.perf_counter()
            response = client.get(url, headers=headers)
            response.get_data()
            times.append(time.perf_counter() - start)
            if response.status_code != 200:
                status = response.status_code
        results[name] = {"ms": round(statistics.median(times) * 1000, 2), "requests": len(times), "status": status}
    return results


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

    def __init__(self, app_spec: str, workers: int, env: dict, log_path: Path, chdir: Path | None = None,
                 port: int | None = None):
        self.port = port or _free_port()  # a given port: started again where the clients are (scripts/rush.py)
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


def _request(method: str, url: str, body: dict | None = None, cookie: str | None = None,
             extra_headers: dict | None = None, timeout: float = 10):
    """(status, headers, text) of one plain HTTP request, cookies handled by hand (they are Secure)."""
    from urllib.parse import urlsplit
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    headers = {"User-Agent": USER_AGENT, **(extra_headers or {})}
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
    session = _session_cookie(headers) or session
    step = headers.get("Location", "") if status == 302 else ""
    if step.endswith(("/login/code", "/login/enrol")):
        status, headers, session = _second_factor(base, role, session, step.rsplit("/", 1)[-1])
    if status != 302 or not session or headers.get("Location", "").endswith(("/login", "/login/code")):
        raise RuntimeError(f"logging in as {role} on the server failed ({status})")
    return f"session={session}"


def _second_factor(base: str, role: str, session: str, step: str):
    """The TOTP step of an admin's login on the server: enrol (the secret is on the page) or give a code.
    A code is accepted once, so a second login within the same 30 seconds waits for the next one."""
    import pyotp
    status, headers = 0, {}
    for _attempt in range(2):
        status, headers, html = _request("GET", f"{base}/login/{step}", cookie=f"session={session}")
        session = _session_cookie(headers) or session
        if step == "enrol":
            found = re.search(r'<code class="secret">([^<]+)</code>', html)
            if not found:
                raise RuntimeError("no secret on the enrolment page")
            _totp_secrets[role] = found.group(1).replace(" ", "")
        status, headers, _ = _request("POST", f"{base}/login/{step}", cookie=f"session={session}", body={
            "csrf_token": _csrf(html), "code": pyotp.TOTP(_totp_secrets[role]).now()})
        session = _session_cookie(headers) or session
        if status in (200, 302):  # enrolment answers with the recovery codes page, already logged in
            return 302, {"Location": "/"}, session
        time.sleep(30 - time.time() % 30 + 1)
    return status, headers, session


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


def run_wrk(wrk: str, url: str, client: dict, duration: float, cookie: str | None = None,
            extra_headers: dict | None = None) -> dict:
    command = [wrk, f"-t{client['threads']}", f"-c{client['connections']}", f"-d{duration:g}s", "--latency",
               "-H", f"User-Agent: {USER_AGENT}"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    for name, value in (extra_headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    result = subprocess.run(command + [url], capture_output=True, text=True, timeout=duration + 30)
    if result.returncode != 0:
        raise RuntimeError(f"wrk failed: {result.stderr.strip()}")
    return parse_wrk(result.stdout)


# --- worker memory ----------------------------------------------------------------------------

def vm_rss_kb(status_text: str) -> int | None:
    """The resident set size (VmRSS, kB) in the text of /proc/<pid>/status; None when absent (a zombie)."""
    match = re.search(r"^VmRSS:\s+(\d+)\s+kB", status_text, re.M)
    return int(match.group(1)) if match else None


def parent_pid(status_text: str) -> int | None:
    """The parent's pid (PPid) in the text of /proc/<pid>/status."""
    match = re.search(r"^PPid:\s+(\d+)", status_text, re.M)
    return int(match.group(1)) if match else None


def _proc_status(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/status").read_text()
    except OSError:  # gone meanwhile, or not Linux
        return None


def child_pids(parent: int) -> list[int]:
    """The pids whose parent is `parent`, from /proc (psutil is not a dependency)."""
    children = []
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if entry.isdigit():
            text = _proc_status(int(entry))
            if text and parent_pid(text) == parent:
                children.append(int(entry))
    return sorted(children)


def worker_rss_mb(master_pid: int) -> dict:
    """{"max": MB, "per_worker": [MB, ...]}: VmRSS of each child of the gunicorn master, in MB of 1024 kB."""
    per_worker = []
    for pid in child_pids(master_pid):
        kb = vm_rss_kb(_proc_status(pid) or "")
        if kb is not None:
            per_worker.append(round(kb / 1024, 1))
    return {"max": max(per_worker) if per_worker else None, "per_worker": per_worker}


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
    parser.add_argument("--only", action="append", metavar="PAGE",
                        help="measure only these pages (repeatable); with --scale, only these scale pages")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (database, server logs)")
    parser.add_argument("--scale", action="store_true",
                        help="instead of the load run: the server time of the scale pages in process, at a call of "
                             "1,000 and of 10,000 applications (a few minutes)")
    # For the tests: other call sizes (e.g. 20,50) and fewer timed requests.
    parser.add_argument("--scale-sizes", type=_sizes, default=SCALE_SIZES, help=argparse.SUPPRESS)
    parser.add_argument("--scale-requests", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--rush", action="store_true",
                        help="also the deadline rush (scripts/rush.py --both) on PostgreSQL: its figures as \"rush\"")
    return parser.parse_args(argv)


def _sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from None
    if not sizes or any(b <= a for a, b in zip(sizes, sizes[1:])) or sizes[0] < 1:
        raise argparse.ArgumentTypeError(f"call sizes must be positive and increasing: {text!r}")
    return sizes


def database_info(engine) -> tuple[str, str]:
    """("sqlite" or "postgresql", the server's version) of an engine."""
    version = engine.dialect.server_version_info or ()
    return engine.dialect.name, ".".join(str(part) for part in version)


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
    queries_small = count_queries(app, pages, data.ids, data.api_token)
    with app.app_context():
        data.grow_to(large)
        counts_large = data.counts()
        db.session.remove()
    log(f"large data set: {counts_large}")
    queries_large = count_queries(app, pages, data.ids, data.api_token)
    with app.app_context():
        database, version = database_info(db.engine)
        db.engine.dispose()
    return {"schema": schema, "ids": data.ids, "api_token": data.api_token,
            "database": database, "database_version": version,
            "dataset": {"small": counts_small, "large": counts_large},
            "queries": {name: [queries_small[name][1], queries_large[name][1]] for name in pages},
            "status": {name: queries_large[name][0] for name in pages}}


def run_scale(database_url: str, reset: bool, names, sizes=SCALE_SIZES, requests: int = SCALE_REQUESTS,
              budget_s: float = SCALE_BUDGET_S) -> dict:
    """Builds the scale data set size by size and measures the pages `names` at each; returns the facts."""
    from grants import create_app
    from grants.extensions import db

    pages = {name: PAGES[name] for name in names}
    app = create_app({"GRANTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url})
    schema = create_schema(app, reset)
    log(f"schema from {schema}")
    data = DataSet()
    with app.app_context():
        data.setup()
        data.grow_to(SCALE_BASE)
        data._grow_tracked_application(SCALE_TRACKED)
        db.session.commit()
        scale = ScaleData(data)
        scale.prepare()
        db.session.remove()
    dataset, measured = {}, {}
    for size in sizes:
        label = size_label(size)
        started = time.monotonic()
        with app.app_context():
            added = scale.grow_call_to(size)
            dataset[label] = {**data.counts(), **scale.call_counts()}
            db.session.remove()
        log(f"call of {label}: {added} applications added in {time.monotonic() - started:.1f}s; {dataset[label]}")
        queries = count_queries(app, pages, data.ids, data.api_token)
        measured[label] = (queries, time_pages(app, pages, data.ids, data.api_token, requests, budget_s))
        for name in pages:
            log(f"{name} at {label}: {measured[label][1][name]['ms']} ms (median of "
                f"{measured[label][1][name]['requests']}), {queries[name][1]} queries")
    with app.app_context():
        database, version = database_info(db.engine)
        db.engine.dispose()
    labels = [size_label(size) for size in sizes]
    results = {}
    for name, (role, path) in pages.items():
        entry = {f"ms_{label}": measured[label][1][name]["ms"] for label in labels}
        entry.update({f"queries_{label}": measured[label][0][name][1] for label in labels})
        entry.update({f"requests_{label}": measured[label][1][name]["requests"] for label in labels})
        entry.update({f"status_{label}": measured[label][1][name]["status"] for label in labels})
        results[name] = {**entry, "path": path, "role": role}
    return {"schema": schema, "database": database, "database_version": version, "dataset": dataset,
            "scale": results}


def main(argv=None) -> int:
    args = parse_args(argv)
    known = SCALE_PAGES if args.scale else tuple(PAGES)
    unknown = sorted(set(args.only or ()) - set(known))
    if unknown:
        raise SystemExit(f"unknown pages: {', '.join(unknown)}; known{' with --scale' if args.scale else ''}: "
                         f"{', '.join(known)}")
    names = [name for name in known if not args.only or name in args.only]
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, _CLEANUP.on_signal)  # the servers are stopped however the run ends
    wrk = None if args.scale else ensure_wrk()

    tmp = Path(tempfile.mkdtemp(prefix="grants-bench-"))
    _CLEANUP.tmp, _CLEANUP.keep = tmp, args.keep
    try:
        database_url = os.environ.get("DATABASE_URL", "").strip() or f"sqlite:///{tmp / 'bench.db'}"
        os.environ["DATABASE_URL"] = database_url
        from config import load_config
        database_url = load_config("testing")["SQLALCHEMY_DATABASE_URI"]  # postgres:// -> postgresql+psycopg://
        if args.scale:
            report = _scale_report(args, database_url, names)
        else:
            report = _load_report(args, database_url, {name: PAGES[name] for name in names}, wrk, tmp)
        if args.rush:
            report["rush"] = run_rush(quick=args.quick)
        print(json.dumps(report, ensure_ascii=False), flush=True)
        return 0
    finally:
        _CLEANUP()


def run_rush(quick: bool) -> dict:
    """scripts/rush.py --both in its own process (its own servers and database); its "rush" object."""
    size = ["--orgs", "60", "--window", "10"] if quick else ["--orgs", "300"]
    log(f"the deadline rush: scripts/rush.py --both {' '.join(size)}")
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "rush.py"), "--both", *size], cwd=str(ROOT),
                          stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"scripts/rush.py failed ({done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])["rush"]


def _scale_report(args, database_url: str, names: list[str]) -> dict:
    import resource

    requests = args.scale_requests or (10 if args.quick else SCALE_REQUESTS)
    budget_s = 5.0 if args.quick else SCALE_BUDGET_S
    facts = run_scale(database_url, args.reset, names, args.scale_sizes, requests, budget_s)
    return {"database": facts["database"], "database_version": facts["database_version"], "schema": facts["schema"],
            "quick": args.quick,
            "method": {"in_process": "Flask test client", "warmup_requests": 1, "timed_requests": requests,
                       "min_requests": min(SCALE_MIN_REQUESTS, requests), "budget_s_per_page": budget_s,
                       "statistic": "median", "unit": "ms"},
            "dataset": facts["dataset"], "scale": facts["scale"], "ranking_10k_ms": _ranking_ms(),
            **_export_seconds(),
            # Linux reports ru_maxrss in kB; the peak includes building the data set.
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def _load_report(args, database_url: str, pages: dict, wrk: str, tmp: Path) -> dict:
    duration = args.duration or (2 if args.quick else 5)
    warmup = 1
    client = {"tool": "wrk", "threads": args.threads, "connections": args.connections, "duration_s": duration}
    client["version"] = subprocess.run([wrk, "--version"], capture_output=True, text=True).stdout.split(" [")[0]
    facts = build(database_url, args.quick, args.reset, pages)

    import gunicorn
    env = dict(os.environ, GRANTS_ENV="production", SECRET_KEY=secrets.token_hex(32), BASE_URL="http://127.0.0.1", DATABASE_URL=database_url,
               GRANTS_INSTANCE_DIR=str(tmp / "instance"), PYTHONUNBUFFERED="1")
    env.pop("FLASK_DEBUG", None)
    server_info = {"software": "gunicorn", "version": gunicorn.__version__, "workers": args.workers,
                   "worker_class": "sync", "env": "production", "database": facts["database"]}

    log("floor: bare Flask hello app")
    hello = Server("bench_hello:app", args.workers, env, tmp / "gunicorn-hello.log", chdir=ROOT / "scripts")
    hello.wait_ready("/")
    run_wrk(wrk, hello.base + "/", client, warmup)
    floor = run_wrk(wrk, hello.base + "/", client, duration)
    floor_rss = worker_rss_mb(hello.process.pid)
    hello.stop()
    log(f"floor: {floor['rps']} requests/s, workers {floor_rss['per_worker']} MB")

    server = Server("wsgi:app", args.workers, env, tmp / "gunicorn-app.log")
    server.wait_ready("/healthz")
    cookies = {role: login_cookie(server.base, role)
               for role in {r for r, _ in pages.values()} if role in BENCH_USERS}
    results = {}
    for name, (role, path) in pages.items():
        url = server.base + path.format(**facts["ids"])
        cookie = cookies.get(role)
        headers = auth_headers(role, facts["api_token"])
        status = _request("GET", url, cookie=cookie, extra_headers=headers)[0]
        entry = {"path": path, "role": role, "status": status, "queries": facts["queries"][name]}
        if status != 200:
            log(f"{name}: {path} answers {status}, not loaded")
            entry.update(rps=None, note=f"answers {status}: not measured")
        else:
            run_wrk(wrk, url, client, warmup, cookie, headers)
            measured = run_wrk(wrk, url, client, duration, cookie, headers)
            entry.update(rps=measured["rps"], latency_ms=measured["latency_ms"],
                         requests=measured["requests"])
            if measured["non_2xx_3xx"] or measured["socket_errors"]:
                entry.update(non_2xx_3xx=measured["non_2xx_3xx"], socket_errors=measured["socket_errors"])
            log(f"{name}: {measured['rps']} requests/s, queries {entry['queries']}")
        results[name] = {"rps": entry.pop("rps"), "queries": entry.pop("queries"), **entry}
    rss = worker_rss_mb(server.process.pid)  # after every page was loaded, before the workers stop
    log(f"workers after the load: {rss['per_worker']} MB")
    server.stop()

    return {"database": facts["database"], "database_version": facts["database_version"], "server": server_info,
            "client": client, "floor_rps": floor["rps"], "floor_latency_ms": floor["latency_ms"],
            "floor_worker_rss_mb": floor_rss, "worker_rss_mb": rss, "schema": facts["schema"],
            "dataset": facts["dataset"], "quick": args.quick, "pages": results, "ranking_10k_ms": _ranking_ms(),
            **_export_seconds()}


def _ranking_ms() -> float:
    """The jury's ranking of 10,000 applications, 5 jurors, 6 criteria (grants.jury.ranking.bench_ranking)."""
    from grants.jury.ranking import bench_ranking
    log("ranking of 10,000 applications (5 jurors, 6 criteria)")
    milliseconds = round(bench_ranking(10_000, jurors=5, criteria=6), 1)
    log(f"ranking_10k_ms: {milliseconds}")
    return milliseconds


def _export_seconds() -> dict:
    """The award workbook of 10,000 applications through the product's writer, and the same cells through
    plain xlsxwriter, in the same run (grants.exports.writers.bench_export)."""
    from grants.exports.writers import bench_export
    log("award export of 10,000 applications (product and plain xlsxwriter)")
    product, raw = bench_export(10_000)
    seconds = {"export_10k_s": round(product, 3), "export_raw_10k_s": round(raw, 3)}
    log(f"export_10k_s: {seconds['export_10k_s']}, export_raw_10k_s: {seconds['export_raw_10k_s']}")
    return seconds

if __name__ == "__main__":
    sys.exit(main())
