"""Factories for test objects: sensible defaults, every field overridable."""
from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

from datetime import date

from grants.accounts.models import Role, User
from grants.applications.models import Application, BudgetLine, Contribution, ContributionKind
from grants.applications.states import APPLICATION_STATES, ApplicationStatus
from grants.audit.operations import record
from grants.extensions import db
from grants.organisations.models import Organisation, OrganisationKind
from grants.timeutil import utcnow

_seq = itertools.count(1)
IBAN = "BE68539007547034"  # the textbook Belgian IBAN, valid check digits


class Factory:
    PASSWORD = "correct-horse-42"

    def organisation(self, name=None, kind=OrganisationKind.MUNICIPALITY, refnis=None, kbo=None, **kwargs):
        n = next(_seq)
        if kind == OrganisationKind.MUNICIPALITY and refnis is None:
            refnis = f"9{n:04d}"
        org = Organisation(name=name or f"Organisatie {n}", kind=kind, refnis=refnis, kbo=kbo,
                           province=kwargs.pop("province", "Oost-Vlaanderen"), **kwargs)
        db.session.add(org)
        db.session.flush()
        return org

    def user(self, role="applicant", email=None, organisations=(), password=None, **kwargs):
        n = next(_seq)
        user = User(email=email or f"user{n}@example.be", name=kwargs.pop("name", f"Gebruiker {n}"),
                    role=Role(role), active=kwargs.pop("active", True), **kwargs)
        user.set_password(password or self.PASSWORD)
        user.organisations = list(organisations)
        db.session.add(user)
        db.session.flush()
        return user

    def call(self, **kwargs):
        """A published counter-voices-like call open now (override anything)."""
        from grants.calls.models import Call, Criterion
        from grants.calls.rules import CofinancingKind
        from grants.calls.states import CallKind, CallStatus, SelectionMode
        now = utcnow()
        criteria = kwargs.pop("criteria", None)
        values = dict(
            title=f"Oproep {next(_seq)}", description="Een **testoproep**.", kind=CallKind.COUNTER_VOICES,
            status=CallStatus.PUBLISHED, selection_mode=SelectionMode.COMPETITIVE, dossier_prefix="TG",
            opens_at=now - timedelta(days=10), closes_at=now + timedelta(days=20),
            envelope=Decimal("500000.00"), max_amount=Decimal("50000.00"), max_duration_months=24,
            allowed_kinds=["municipality", "nonprofit", "school", "university", "other_local_government"],
            cofinancing_kind=CofinancingKind.NONE, eligible_cost_categories=["staff", "operating"],
            report_months=[12],
        )
        values.update(kwargs)
        call = Call(**values)
        if criteria is None:
            criteria = [Criterion(position=1, name="Relevantie", weight=Decimal("60"), scale_min=0, scale_max=10),
                        Criterion(position=2, name="Haalbaarheid", weight=Decimal("40"), scale_min=0, scale_max=10)]
        call.criteria = criteria
        db.session.add(call)
        db.session.flush()
        return call

    def application(self, call=None, organisation=None, *, status=ApplicationStatus.DRAFT, user=None,
                    numbered: bool = True, **overrides) -> Application:
        """A complete application (every checklist item of factory.call() passes: 40.000 subsidy + 5.000 own =
        45.000 cost) at any status. Handed-in statuses get a dossier number and a submission instant; a
        Lines and contributions can be replaced; numbered=False leaves the dossier number to the test."""
        call = call or self.call()
        organisation = organisation or self.organisation()
        status = ApplicationStatus(status)
        values = dict(
            call=call, call_id=call.id, organisation=organisation, organisation_id=organisation.id,
            status=status, title="Samen tegen haat online",
            summary="Jongeren maken zelf tegenverhalen op sociale media.",
            problem_analysis="Online haat tegen moslims en joden neemt toe in onze stad.",
            objectives="Honderd jongeren leren tegenspraak bieden.", target_groups="Jongeren van 14 tot 20 jaar.",
            activities="Tien workshops en een campagne.", start_date=date(2027, 3, 1), end_date=date(2028, 2, 29),
            requested_amount=Decimal("40000.00"), contact_name="Els Peeters", contact_email="els@gent.be",
            iban=IBAN, created_by_id=user.id if user else None,
        )
        if numbered and APPLICATION_STATES[status].handed_in:
            sequence = next(_seq)
            values.update(dossier_sequence=sequence, dossier_number=f"{call.dossier_prefix}-2027-{sequence:04d}",
                          submitted_at=utcnow() - timedelta(days=1), submitted_by_id=user.id if user else None)
        if status == ApplicationStatus.WITHDRAWN:
            values["withdrawn_at"] = utcnow()
        lines = overrides.pop("lines", None)
        contributions = overrides.pop("contributions", None)
        values.update(overrides)
        app = Application(**values)
        app.budget_lines = lines if lines is not None else [
            BudgetLine(position=1, category="staff", description="Projectmedewerker", fte=Decimal("0.50"), months=12,
                       amount=Decimal("30000.00")),
            BudgetLine(position=2, category="operating", description="Workshops en campagne",
                       amount=Decimal("15000.00")),
        ]
        app.contributions = contributions if contributions is not None else [
            Contribution(kind=ContributionKind.OWN_FINANCIAL, source="", amount=Decimal("5000.00"))]
        if organisation.usual_iban is None:
            organisation.usual_iban = IBAN
        db.session.add(app)
        db.session.flush()
        record("application.create", app, {"status": [None, "draft"]}, actor=user)
        return app

    def submission(self, call=None, organisation=None, **overrides) -> Application:
        """A complete application just submitted (dossier number, submission instant)."""
        return self.application(call, organisation, status=ApplicationStatus.SUBMITTED, **overrides)

    def partnership(self, app: Application, *partners):
        """Make `app` a partnership's application with these partner organisations (the lead is its organisation)."""
        from grants.organisations.models import Partnership, PartnershipMember
        partnership = Partnership(call_id=app.call_id, name=f"Samenwerkingsverband {app.organisation.name}",
                                  lead_organisation_id=app.organisation_id)
        partnership.members = [PartnershipMember(call_id=app.call_id, organisation_id=org.id)
                               for org in (app.organisation, *partners)]
        db.session.add(partnership)
        app.partnership = partnership
        db.session.flush()
        return partnership

    # --- the jury ------------------------------------------------------------------------------

    def jury(self, call, jurors=(), chair=None, deadline=None, threshold=None, **call_settings):
        """The call's panel with these jurors (users), chair, scoring deadline and quality threshold."""
        from grants.jury.models import Panel
        panel = Panel(call_id=call.id, name=f"Jury {call.title}", chair_id=chair.id if chair else None,
                      scoring_deadline=deadline, quality_threshold=threshold)
        panel.members = list(jurors)
        for name, value in call_settings.items():  # jurors_per_application, jurors_see_other_scores
            setattr(call, name, value)
        db.session.add(panel)
        db.session.flush()
        return panel

    def declaration(self, app, juror):
        from grants.jury.models import ConflictDeclaration
        declaration = ConflictDeclaration(application_id=app.id, juror_id=juror.id)
        db.session.add(declaration)
        db.session.flush()
        return declaration

    def assignment(self, app, juror, *, declared=True):
        """The juror assigned to the application (and, by default, past their conflict declaration for it)."""
        from grants.jury.models import Assignment
        assignment = Assignment(application_id=app.id, juror_id=juror.id)
        db.session.add(assignment)
        if declared:
            self.declaration(app, juror)
        db.session.flush()
        return assignment

    def sheet(self, assignment, scores=None, *, submitted=True, comment="", recommendation="yes", comments=None):
        """A score sheet: scores is {criterion (or its id): value}; submitted now unless submitted=False."""
        from grants.jury.models import Recommendation, Score, ScoreSheet
        sheet = ScoreSheet(assignment_id=assignment.id, comment=comment,
                           recommendation=Recommendation(recommendation) if recommendation else None,
                           submitted_at=utcnow() if submitted else None)
        for criterion, value in (scores or {}).items():
            criterion_id = getattr(criterion, "id", criterion)
            sheet.scores.append(Score(criterion_id=criterion_id, value=Decimal(str(value)),
                                      comment=(comments or {}).get(criterion_id, "")))
        db.session.add(sheet)
        db.session.flush()
        assignment.sheet = sheet
        return sheet

    def conflict(self, app, juror, *, source="declared", kind="personal", reason="Familie van de projectleider.",
                 overridden=False):
        from grants.jury.models import ConflictKind, ConflictOfInterest, ConflictSource
        conflict = ConflictOfInterest(application_id=app.id, user_id=juror.id, source=ConflictSource(source),
                                      kind=ConflictKind(kind), reason=reason,
                                      overridden_at=utcnow() if overridden else None,
                                      override_reason="Geen echt conflict." if overridden else None)
        db.session.add(conflict)
        db.session.flush()
        return conflict

    # --- the follow-up -------------------------------------------------------------------------

    def decision(self, app: Application, amount=None, *, outcome="awarded", confirm_kpis: bool = True, **kwargs):
        """The award of `app` (Decision outcome 'awarded', the requested amount by default); the application
        becomes AWARDED, and its planned KPI values are confirmed unless confirm_kpis=False."""
        from grants.awards.models import Decision, DecisionOutcome
        decision = Decision(application_id=app.id, outcome=DecisionOutcome(outcome),
                            amount=(app.requested_amount if amount is None else Decimal(amount))
                            if outcome == "awarded" else None, motivation=kwargs.pop("motivation", "Toegekend."),
                            **kwargs)
        db.session.add(decision)
        if outcome == "awarded":
            app.status = ApplicationStatus.AWARDED
            if confirm_kpis:
                for value in app.kpi_values:
                    if value.confirmed_value is None:
                        value.confirmed_value = value.planned_value
        db.session.flush()
        return decision

    def project(self, app: Application | None = None, *, amount=None, start=None, actor=None, **app_overrides):
        """A started project: an awarded application (made when not given) with its decision, reports and
        payment tranches, through grants.reporting.operations.start_project."""
        from grants.awards.models import Decision
        from grants.reporting.operations import start_project
        if app is None:
            app = self.application(status=ApplicationStatus.ADMISSIBLE, **app_overrides)
        if db.session.query(Decision).filter_by(application_id=app.id).first() is None:
            self.decision(app, amount)
        elif app.status != ApplicationStatus.AWARDED and app.status not in (ApplicationStatus.RUNNING,
                                                                              ApplicationStatus.CLOSED):
            app.status = ApplicationStatus.AWARDED
        return start_project(app, actor=actor, start=start)

    def report(self, project, *, kind="interim", status=None, narrative="Alles verloopt volgens plan.",
               bottlenecks="Minder deelnemers in de zomer; sterke samenwerking met de scholen.", kpis=None,
               spent=None, own=None, submitted_by=None, reviewed_by=None, review_comment=""):
        """One of the project's scheduled reports (the first of `kind`), filled in and put in `status`
        (draft, submitted, changes_requested, approved) without the operations' checks or mail.
        kpis: {kpi_id: (value, motivation)}; spent: {category: amount}; own: own financial realised."""
        from grants.reporting.models import KpiValue, ReportKind
        from grants.reporting.states import ReportStatus
        report = next(r for r in project.reports if r.kind == ReportKind(kind))
        report.narrative, report.bottlenecks = narrative, bottlenecks
        for kpi_id, (value, motivation) in (kpis or {}).items():
            report.kpi_values.append(KpiValue(kpi_id=kpi_id, value=Decimal(value), motivation=motivation))
        for line in report.cost_lines:
            if spent is not None and line.category in spent:
                line.spent = Decimal(spent[line.category])
        if own is not None:
            report.own_financial_realised = Decimal(own)
            report.own_staff_realised = Decimal("0.00")
        if status is not None:
            status = ReportStatus(status)
            now = utcnow()
            if status != ReportStatus.DRAFT:
                report.submitted_at, report.submitted_by_id = now, submitted_by.id if submitted_by else None
            if status in (ReportStatus.APPROVED, ReportStatus.CHANGES_REQUESTED):
                report.reviewed_at, report.reviewed_by_id = now, reviewed_by.id if reviewed_by else None
                report.review_comment = review_comment
            report.status = status
        db.session.flush()
        return report

    def payment(self, project, *, kind="advance", status="due", amount=None, period=0):
        """A payment row of the project (the scheduled one of this kind and period if any), set to `status`."""
        from grants.reporting.models import Payment
        from grants.reporting.states import PaymentKind, PaymentStatus
        payment = next((p for p in project.payments if p.kind == PaymentKind(kind) and p.period == period), None)
        if payment is None:
            payment = Payment(period=period, position=len(project.payments) + 1, kind=PaymentKind(kind),
                              label=PaymentKind(kind).label.capitalize(), amount=Decimal(amount or "1000.00"))
            project.payments.append(payment)
        if amount is not None:
            payment.amount = Decimal(amount)
        payment.status = PaymentStatus(status)
        if payment.status in (PaymentStatus.PAID, PaymentStatus.RECLAIMED):
            payment.paid_at = utcnow()
        db.session.flush()
        return payment
