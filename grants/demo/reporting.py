"""Demo follow-up: the projects of the awarded demo applications, their reports, payments and extensions,
and the policy plans the progress report to parliament is about.

- Lokale regierol 2015: the 9 municipalities (568.311 euro), each extended twice for the same amount
  after a new dossier, every period reported on, approved, settled and paid: finished.
- Maatschappelijke tegengeluiden mobiliseren 2017: the 11 projects (437.995 euro) from 1 March 2018
  for at most 2 years, with reports in every state; Samo pravo spent half its budget, so its final
  settlement reclaims part of the advance.
- Lokaal actieplan polarisatie 2022: the running projects with their KPI reports (some approved,
  the later ones still due or waiting for review).
- The 2017 action plan (actions 4.1 and 14.2) and Plan Samenleven (action 2), linked to those calls.

Everything goes through the real operations (start_project, submit_report, review_report,
grant_extension, the payment steps) on a simulated clock, so the settlements are computed as they
would be; mail is not sent. Idempotent: a project that exists is left as it is, and so are the plans.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import Decimal as D

import sqlalchemy as sa

from ..accounts.models import User
from ..applications.models import Application
from ..audit.chain import dated
from ..audit.models import AuditEvent
from ..awards.models import Decision, DecisionOutcome, Project
from ..calls.models import Call
from ..extensions import db
from ..reporting import operations as ops
from ..reporting.figures import split_in_proportion
from ..reporting.models import PolicyAction, PolicyActionCall, PolicyPlan, ReportKind
from ..reporting.states import PaymentKind, PaymentStatus, ReportStatus
from ..timeutil import from_local
from .applications import ACTION_PLAN_2022, COUNTER_VOICES_2017, REGIE_ROLE_2015


class _Clock:
    """Runs the operations as if it were `moment`, and dates their audit events accordingly."""

    def __init__(self):
        self.moment = None
        self.last_event = db.session.scalar(sa.select(sa.func.max(AuditEvent.id))) or 0

    def at(self, day: date, hour: int = 10) -> None:
        self.moment = from_local(datetime.combine(day, time(hour, 0)))

    def stamp(self) -> None:
        """Write what was done at the current moment; its audit events are dated then (see _simulated).

        They are dated when written, never afterwards: the audit trail is a hash chain (grants/audit/chain.py)."""
        db.session.flush()
        self.last_event = db.session.scalar(sa.select(sa.func.max(AuditEvent.id))) or self.last_event


@contextmanager
def _simulated(clock: _Clock) -> Iterator[None]:
    saved = ops.current_time, ops.queue_template_mail
    ops.current_time = lambda: clock.moment  # the operations read the clock through this name
    ops.queue_template_mail = lambda *args, **kwargs: []  # the demo sends no mail
    try:
        with dated(lambda: clock.moment):
            yield
    finally:
        ops.current_time, ops.queue_template_mail = saved


class _Follow:
    def __init__(self, admin: User | None, clock: _Clock):
        self.admin, self.clock = admin, clock
        self.users: dict[int, User | None] = {}

    def submitter(self, app: Application) -> User | None:
        if app.organisation_id not in self.users:
            self.users[app.organisation_id] = app.submitted_by or db.session.scalars(
                sa.select(User).where(User.organisations.any(id=app.organisation_id)).limit(1)).first()
        return self.users[app.organisation_id]

    def at(self, day: date, hour: int = 10) -> None:
        self.clock.at(day, hour)

    def fill(self, report, *, spent_share: D = D(1), own_share: D = D(1), kpi_shares=None, narrative: str = "",
             bottlenecks: str = "") -> None:
        app = report.project.application
        who = self.submitter(app)
        ops.save_report_section(report, "progress", {
            "narrative": narrative or "De geplande activiteiten liepen zoals voorzien; de partners zijn betrokken.",
            "bottlenecks": bottlenecks or _BOTTLENECKS[(app.id + report.period) % len(_BOTTLENECKS)].format(
                place=app.organisation.place or app.organisation.name)},
            who, loaded_version=report.version, loaded_fingerprint=ops.fingerprint("progress", report))
        targets = ops.kpi_target_map(app)
        entries = {}
        for n, kpi in enumerate(app.call.kpis):
            target = targets.get(kpi.id)
            if target is None or target.target is None:
                continue
            share = (kpi_shares or {}).get(n, D(1))
            value = (target.target * share).quantize(D("1"))
            if kpi.maximum is not None:
                value = min(value, kpi.maximum)
            motivation = "" if value >= target.target else (
                "Door de coronamaatregelen konden minder activiteiten doorgaan dan gepland.")
            entries[kpi.id] = ops.KpiEntry(value, motivation)
        ops.save_report_section(report, "kpis", entries, who, loaded_version=report.version,
                                loaded_fingerprint=ops.fingerprint("kpis", report))
        if report.is_final:
            own_financial = app.contribution_total(kind=_own_financial()) * own_share
            own_staff = app.contribution_total(kind=_own_staff()) * own_share
            ops.save_report_section(report, "finances", ops.FinanceValues(
                spent=dict(zip([line.category for line in report.cost_lines], split_in_proportion(
                    (sum((line.budgeted for line in report.cost_lines), D(0)) * spent_share).quantize(D("0.01")),
                    [line.budgeted for line in report.cost_lines]))),
                own_financial=own_financial.quantize(D("0.01")), own_staff=own_staff.quantize(D("0.01")),
                third_party=D("0.00")), who, loaded_version=report.version,
                loaded_fingerprint=ops.fingerprint("finances", report))
        self.clock.stamp()

    def draft(self, report, day: date, **fill) -> None:
        """Fill the report in on `day` without submitting it."""
        self.at(day, 10)
        self.fill(report, **fill)

    def submit(self, report, day: date, **fill) -> None:
        """Fill the report in the day before and submit it on `day`."""
        self.draft(report, day - timedelta(days=1), **fill)
        self.at(day, 11)
        ops.submit_report(report, self.submitter(report.project.application))
        self.clock.stamp()

    def review(self, report, day: date, *, approve: bool = True, remarks: str = "") -> None:
        self.at(day, 14)
        ops.review_report(report, approve=approve, remarks=remarks, actor=self.admin)
        self.clock.stamp()

    def pay_due(self, project, day: date, *, period: int | None = None) -> None:
        """Approve and pay (or, for a reclaim, approve) every due payment of the project."""
        for payment in project.payments:
            if payment.status != PaymentStatus.DUE or (period is not None and payment.period != period):
                continue
            self.at(day, 9)
            ops.approve_payment(payment, self.admin)
            if not payment.is_reclaim:
                self.at(day + timedelta(days=3), 9)
                ops.mark_paid(payment, self.admin, day + timedelta(days=3))
            self.clock.stamp()

    def report(self, project, period: int, kind: ReportKind, months: int | None = None):
        return next(r for r in project.reports if r.period == period and r.kind == kind
                    and (months is None or r.months == months))


_BOTTLENECKS = [
    "Knelpunt: deelnemers vinden was in het begin moeilijk. Succes: de samenwerking met de lokale partners in "
    "{place} is sterker dan verwacht.",
    "Knelpunt: de personeelswissel vertraagde de start. Succes: jongeren nemen zelf initiatief en spreken "
    "leeftijdsgenoten aan.",
    "Knelpunt: online reacties vroegen meer moderatie dan gepland. Succes: de campagne bereikte ook ouders en "
    "leerkrachten in {place}.",
    "Knelpunt: de agenda's van politie, scholen en jeugdwerk afstemmen kost tijd. Succes: het casusoverleg komt "
    "nu maandelijks samen.",
]


def _own_financial():
    from ..applications.models import ContributionKind
    return ContributionKind.OWN_FINANCIAL


def _own_staff():
    from ..applications.models import ContributionKind
    return ContributionKind.OWN_STAFF


def _awarded(call: Call) -> list[Application]:
    return list(db.session.scalars(
        sa.select(Application).join(Decision, Decision.application_id == Application.id)
        .where(Application.call_id == call.id, Decision.outcome == DecisionOutcome.AWARDED)
        .order_by(Application.dossier_number)))


def _start(follow: _Follow, app: Application, day: date) -> Project | None:
    """The project, if this run creates it (None when it existed already: then nothing else is done)."""
    if db.session.scalar(sa.select(Project.id).where(Project.application_id == app.id)) is not None:
        return None
    follow.at(day)
    project = ops.start_project(app, actor=follow.admin)
    follow.clock.stamp()
    return project


# --------------------------------------------------------------------------- the three calls


def _follow_up(follow: _Follow, call: Call, start_day: date, advance_day: date, story) -> int:
    """Starts the project of each awarded application of `call` that has none yet (on `start_day`),
    pays its advance (on `advance_day`) and lets `story(follow, n, app, project)` tell the rest; the
    number of projects started."""
    created = 0
    for n, app in enumerate(_awarded(call)):
        project = _start(follow, app, start_day)
        if project is None:
            continue
        created += 1
        follow.pay_due(project, advance_day)
        story(follow, n, app, project)
    return created


def _regie_role(follow: _Follow, n: int, app: Application, project: Project) -> None:
    for period in range(3):
        interim = follow.report(project, period, ReportKind.INTERIM)
        follow.submit(interim, interim.due_date - timedelta(days=5 + n % 4))
        follow.review(interim, interim.due_date + timedelta(days=12))
        if period < 2:
            follow.at(project.end_date - timedelta(days=45))
            ops.grant_extension(project, ops.ExtensionData(
                dossier=f"{app.dossier_number}-V{period + 1}", months=12, amount=project.awarded_amount,
                motivation="Nieuw dossier ingediend na de oproep tot verlenging; de regierol wordt verder "
                           "uitgebouwd."), follow.admin)
            follow.clock.stamp()
            follow.pay_due(project, project.extensions[-1].start_date + timedelta(days=9), period=period + 1)
        final = follow.report(project, period, ReportKind.FINAL)
        follow.submit(final, final.due_date - timedelta(days=7 + n % 5))
        follow.review(final, final.due_date + timedelta(days=15))
        follow.pay_due(project, final.due_date + timedelta(days=25), period=period)


# (organisation name) -> what happened to its reports; the others are finished and paid.
COUNTER_VOICES_STORY = {
    "Samo pravo": "under_spent",  # spent half its budget: the final settlement reclaims part of the advance
    "Ceapire": "final_submitted",
    "Gemeente Molenbeek": "final_changes",
    "Vroemvroem": "final_draft",
    "Partage en couleurs": "interim_submitted",
    "PAJ": "interim_changes",
}


def _counter_voices(follow: _Follow, n: int, app: Application, project: Project) -> None:
    story = COUNTER_VOICES_STORY.get(app.organisation.name, "finished")
    interim = follow.report(project, 0, ReportKind.INTERIM)
    final = follow.report(project, 0, ReportKind.FINAL)
    follow.submit(interim, interim.due_date - timedelta(days=3 + n % 6),
                  kpi_shares={0: D("0.45"), 1: D("0.5"), 2: D("0.4")})
    if story == "interim_submitted":
        return
    if story == "interim_changes":
        follow.review(interim, interim.due_date + timedelta(days=14), approve=False, remarks=(
            "Vul bij de indicatoren aan hoeveel jongeren de workshops bereikten, en voeg de lijst van de "
            "activiteiten toe."))
        return
    follow.review(interim, interim.due_date + timedelta(days=14))
    if story == "final_draft":
        follow.draft(final, final.period_end + timedelta(days=20), narrative="Het eindverslag is in voorbereiding.")
        return
    submitted_on = final.due_date - timedelta(days=4 + n % 7)
    if story == "under_spent":
        follow.submit(final, submitted_on, spent_share=D("0.5"), own_share=D("0.5"),
                      kpi_shares={0: D("0.6"), 1: D("0.5")},
                      bottlenecks="Knelpunt: de projectcoördinator viel maanden uit; een deel van de workshops "
                                  "ging niet door. Succes: de peer educators blijven actief in Bissegem.")
    else:
        follow.submit(final, submitted_on, kpi_shares={0: D("0.85")} if n % 3 == 0 else None)
    if story == "final_submitted":
        return
    if story == "final_changes":
        follow.review(final, final.due_date + timedelta(days=20), approve=False, remarks=(
            "Het financieel overzicht vermeldt de personeelskosten niet pro rata de bestede tijd. Pas dit aan en "
            "voeg de loonfiches toe."))
        return
    follow.review(final, final.due_date + timedelta(days=20))
    follow.pay_due(project, final.due_date + timedelta(days=30))


def _action_plan(follow: _Follow, n: int, app: Application, project: Project) -> None:
    interims = [r for r in project.reports if r.kind == ReportKind.INTERIM]
    # Everyone reported after 6 and 12 months; after 24 months most did; the final report is due.
    for k, report in enumerate(interims):
        if k == 2 and n % 3 == 2:
            break  # the report after 24 months is still due
        follow.submit(report, report.due_date - timedelta(days=2 + n % 5),
                      kpi_shares={0: D(1), 1: D("0.3") * (k + 1)})
        if k == 2 and n % 3 == 1:
            break  # waiting for the agency's review
        follow.review(report, report.due_date + timedelta(days=10))
    if n % 4 == 0:
        final = follow.report(project, 0, ReportKind.FINAL)
        follow.submit(final, final.due_date - timedelta(days=3), kpi_shares={0: D(1), 1: D("0.9")})


# --------------------------------------------------------------------------- the plans


PLANS = [
    ("Actieplan ter preventie van gewelddadige radicalisering en polarisering (2017)",
     "Het geactualiseerde actieplan waarvan de Vlaamse Regering op 2 juni 2017 akte nam; halfjaarlijks wordt aan "
     "het Vlaams Parlement gerapporteerd over de voortgang en de uitvoering.",
     [("4.1", "Financiële ondersteuning van gemeenten met een hoog risicopotentieel, met het oog op het opnemen van "
              "de regierol in het ordenen en afstemmen van het lokaal aanbod, inclusief het bijkomende aanbod dat "
              "voorzien wordt door de Vlaamse overheid.",
       "Minister van Binnenlands Bestuur en Stedenbeleid", "KB",
       "Aalst\nAntwerpen\nGent\nMaaseik\nMechelen\nMenen\nOostende\nVilvoorde\nZele", [REGIE_ROLE_2015]),
      ("14.2", "Lanceren van een projectoproep om maatschappelijke tegengeluiden te mobiliseren. Het draait daarbij "
               "om kleinschalige initiatieven waarbij boodschappen worden verspreid die extremistisch discours "
               "ondermijnen, en dit zowel via lokale netwerken en bijeenkomsten als via sociale media.",
       "Minister van Binnenlands Bestuur", "KB", "", [COUNTER_VOICES_2017])]),
    ("Plan Samenleven (demo)",
     "Het Vlaamse plan voor het samenleven in diversiteit; actie 2 ondersteunt lokale besturen bij een eigen "
     "actieplan tegen polarisatie. (Demo: de nummering en de bevoegdheden zijn voor de demo gekozen.)",
     [("2", "Lokaal actieplan polarisatie ontwikkelen en uitrollen (thema veiligheid en leefbaarheid).",
       "Minister van Binnenlands Bestuur, Bestuurszaken, Inburgering en Gelijke Kansen", "Binnenlands Bestuur",
       "Hannah Arendt Instituut\nWij-Zij Netwerk\nAgentschap Integratie en Inburgering\nVVSG", [ACTION_PLAN_2022])]),
]


def _plans(calls: dict[str, Call]) -> int:
    added = 0
    for title, description, actions in PLANS:
        plan = db.session.scalar(sa.select(PolicyPlan).where(PolicyPlan.title == title))
        if plan is not None:
            continue
        plan = PolicyPlan(title=title, description=description)
        db.session.add(plan)
        for position, (number, action_title, ministers, domains, stakeholders, call_titles) in enumerate(actions, 1):
            action = PolicyAction(position=position, number=number, title=action_title, ministers=ministers,
                                  domains=domains, stakeholders=stakeholders)
            plan.actions.append(action)
            for call_title in call_titles:
                call = calls.get(call_title)
                linked = call is not None and db.session.scalar(
                    sa.select(PolicyActionCall.id).where(PolicyActionCall.call_id == call.id))
                if call is not None and not linked:
                    action.call_links.append(PolicyActionCall(call_id=call.id))
        added += 1
    db.session.flush()
    return added


def seed_reporting(echo=lambda _msg: None) -> dict[str, int]:
    titles = [REGIE_ROLE_2015, COUNTER_VOICES_2017, ACTION_PLAN_2022]
    calls = {c.title: c for c in db.session.scalars(sa.select(Call).where(Call.title.in_(titles)))}
    admin = db.session.scalar(sa.select(User).where(User.email == "admin@abb.demo"))
    clock = _Clock()
    follow = _Follow(admin, clock)
    with _simulated(clock):
        # (call, project start, advance paid, what happened next)
        plan = [(REGIE_ROLE_2015, date(2016, 2, 15), date(2016, 3, 10), _regie_role),
                (COUNTER_VOICES_2017, date(2018, 2, 1), date(2018, 3, 12), _counter_voices),
                (ACTION_PLAN_2022, date(2022, 9, 20), date(2022, 10, 14), _action_plan)]
        for title, start_day, advance_day, story in plan:
            call = calls.get(title)
            if call is None:
                echo(f"Follow-up: call '{title}' not found, skipped.")
                continue
            created = _follow_up(follow, call, start_day, advance_day, story)
            if created:
                echo(f"Follow-up: {created} projects of '{title}'.")
    plans = _plans(calls)
    db.session.flush()
    projects = db.session.scalar(sa.select(sa.func.count()).select_from(Project)) or 0
    echo(f"Follow-up: {projects} projects, {plans} policy plans added.")
    return {"projects": projects}


__all__ = ["COUNTER_VOICES_STORY", "seed_reporting", "PaymentKind", "ReportStatus"]
