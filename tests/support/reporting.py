"""Helpers for the follow-up tests: a funded project with KPIs, tranches and a partnership where asked,
and page shortcuts. Not a test module."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal as D

from grants.applications.models import ApplicationKpi, BudgetLine, Contribution, ContributionKind
from grants.calls.models import CallKpi, PaymentTranche
from grants.calls.rules import CofinancingKind
from grants.calls.states import CallStatus, TriggerKind
from grants.extensions import db

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def funded_call(factory, **overrides):
    """A decided counter-voices-like call: two KPIs, 60% advance and 40% balance, reports after 12 months."""
    values = dict(status=CallStatus.DECIDED, report_months=[12], renewable_times=2, project_start=date(2027, 3, 1))
    values.update(overrides)
    call = factory.call(**values)
    if not call.kpis:
        call.kpis = [CallKpi(position=1, name="Bereikte deelnemers", unit="personen"),
                     CallKpi(position=2, name="Bijeenkomsten", unit="activiteiten")]
    if not call.tranches:
        call.tranches = [PaymentTranche(position=1, label="Voorschot", percent=D(60), trigger=TriggerKind.AWARD),
                         PaymentTranche(position=2, label="Saldo", percent=D(40), trigger=TriggerKind.FINAL_REPORT)]
    db.session.flush()
    return call


def funded_project(factory, call=None, organisation=None, *, amount=None, confirmed=(D(400), D(24)),
                   planned=(D(500), D(30)), partners=(), lines=None, contributions=None, **app_overrides):
    """A project of `call` (funded_call by default): an admissible application with planned KPI values,
    its award (confirmed values as given; None leaves the award without a confirmed value) and its start."""
    call = call or funded_call(factory)
    organisation = organisation or factory.organisation()
    app = factory.application(call, organisation, status="admissible", lines=lines, contributions=contributions,
                              **app_overrides)
    app.kpi_values = [ApplicationKpi(kpi_id=kpi.id, planned_value=p, confirmed_value=c)
                      for kpi, p, c in zip(call.kpis, planned, confirmed)]
    if partners:
        factory.partnership(app, *partners)
    db.session.flush()
    factory.decision(app, amount, confirm_kpis=False)
    return factory.project(app)


def regie_call(factory, **overrides):
    """A regie-role-like call: own contribution at least 20% of the total cost, staff and operating costs."""
    values = dict(cofinancing_kind=CofinancingKind.SHARE_OF_TOTAL_COST, cofinancing_value=D(20),
                  eligible_cost_categories=["staff", "operating"], report_months=[6], renewable_times=3,
                  max_amount=D("60000.00"))
    values.update(overrides)
    return funded_call(factory, **values)


def lines(staff: str, operating: str) -> list[BudgetLine]:
    return [BudgetLine(position=1, category="staff", description="Preventiewerker", fte=D("0.5"), months=12,
                       amount=D(staff)),
            BudgetLine(position=2, category="operating", description="Werking", amount=D(operating))]


def own(financial: str, staff: str = "0") -> list[Contribution]:
    found = [Contribution(kind=ContributionKind.OWN_FINANCIAL, amount=D(financial))]
    if D(staff):
        found.append(Contribution(kind=ContributionKind.OWN_STAFF, amount=D(staff)))
    return found


def csrf(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no csrf token on the page"
    return match.group(1)


def text_of(html: str) -> str:
    """The page's text without tags and with single spaces (for sentences that span elements)."""
    import html as html_lib
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))
