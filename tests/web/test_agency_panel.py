"""The agency's application page: a screening panel at the top with the automatic checks (the
applicant's checklist as the agency sees it), the decisions possible in this status, the agency's
next step and a link to the full history."""
from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal as D

import pytest

from grants.applications.models import BudgetLine, Contribution, ContributionKind, InformationRequest
from grants.applications.states import ApplicationStatus as S
from grants.extensions import db
from grants.timeutil import utcnow

from tests.support.applications import complete_application


@pytest.fixture
def gent(factory):
    return factory.organisation("Gent", refnis="44021", contact_email="info@gent.be")


@pytest.fixture
def admin(logged_in):
    return logged_in("admin", name="Ann Dossierbeheerder")[0]


def _panel(html: str) -> str:
    match = re.search(r'<section aria-labelledby="agency-title" class="agency-panel no-print">(.*?)</section>', html,
                      re.S)
    assert match, "no agency panel"
    return match.group(1)


def _submitted(factory, gent, **overrides):
    call = factory.call(closes_at=utcnow() - timedelta(days=2), opens_at=utcnow() - timedelta(days=40))
    app = factory.application(call, gent, status=S.SUBMITTED, submitted_at=utcnow() - timedelta(days=3), **overrides)
    db.session.commit()
    return app


def test_the_panel_is_at_the_top_with_the_checks_the_actions_and_the_history(admin, factory, gent):
    app = _submitted(factory, gent)
    html = admin.get(f"/applications/{app.id}").get_data(as_text=True)
    panel = _panel(html)
    # At the top: before the application's own content and before the status history.
    assert html.index("agency-panel") < html.index('id="section-summary"') < html.index('id="history-title"')
    # The agency's next step, not the applicant's.
    assert "Onderzoek de ontvankelijkheid, of vraag aanvullende informatie." in panel
    assert "het agentschap onderzoekt" not in html.lower()
    # The checks, as the agency sees them: the deadline item says when it was handed in.
    assert "Alle automatische controles zijn in orde." in panel
    assert 'data-key="cofinancing"' in panel and 'data-key="totals"' in panel
    assert "vóór de sluiting van de oproep" in panel and "De indieningstermijn is voorbij" not in panel
    # The decisions possible now, in the panel.
    assert f'action="/applications/{app.id}/screening"' in panel
    assert f'action="/applications/{app.id}/information-request"' in panel
    assert f'action="/applications/{app.id}/advice"' in panel
    assert f'href="/admin/history/applications/{app.id}"' in panel
    assert html.count('id="checklist"') == 1  # one checklist on the page, the panel's


def test_failing_checks_are_counted_for_the_agency(admin, factory, gent):
    app = _submitted(factory, gent, requested_amount=D("60000.00"),
                     lines=[BudgetLine(position=1, category="operating", description="Alles", amount=D("45000.00"))],
                     contributions=[Contribution(kind=ContributionKind.OWN_FINANCIAL, source="", amount=D("5000"))])
    panel = _panel(admin.get(f"/applications/{app.id}").get_data(as_text=True))
    assert "2 controles zijn niet in orde." in panel  # over the maximum, and the financing does not close
    assert re.search(r'<li class="fail" data-key="max_amount">', panel)
    assert re.search(r'<li class="fail" data-key="totals">', panel)


@pytest.mark.parametrize("status, step", [
    (S.DRAFT, "Nog niet ingediend: de aanvrager werkt eraan."),
    (S.ADMISSIBLE, "Geef advies en laat de aanvraag beoordelen door de jury, of beslis."),
    (S.WAITLISTED, "Op de reservelijst: ken toe als er middelen vrijkomen, of wijs af."),
    (S.WITHDRAWN, "Ingetrokken door de aanvrager."),
])
def test_the_next_step_is_written_for_the_agency(admin, factory, gent, status, step):
    app = factory.application(factory.call(), gent, status=status)
    db.session.commit()
    html = admin.get(f"/applications/{app.id}").get_data(as_text=True)
    assert step in _panel(html)
    assert "u hoort de beslissing" not in html


def test_information_requested_names_the_due_date_for_the_agency(admin, factory, gent):
    app = _submitted(factory, gent)
    app.status = S.INFO_REQUESTED
    due = utcnow() + timedelta(days=5)
    app.info_requests.append(InformationRequest(message="Voeg het engagement toe.", due_at=due,
                                                requested_at=utcnow()))
    db.session.commit()
    from grants.timeutil import format_local
    panel = _panel(admin.get(f"/applications/{app.id}").get_data(as_text=True))
    assert f"Wacht op de aanvulling van de aanvrager, tot {format_local(due, '%d-%m-%Y')} om" in panel


def test_a_withdrawn_application_offers_no_decision(admin, factory, gent):
    app = factory.application(factory.call(), gent, status=S.WITHDRAWN)
    db.session.commit()
    panel = _panel(admin.get(f"/applications/{app.id}").get_data(as_text=True))
    assert "/screening" not in panel and "/information-request" not in panel
    assert f'href="/admin/history/applications/{app.id}"' in panel


def test_the_applicant_sees_no_agency_panel(logged_in, factory, gent):
    browser, user = logged_in("applicant", organisations=[gent])
    app = complete_application(factory.call(), gent, user)
    db.session.commit()
    html = browser.get(f"/applications/{app.id}").get_data(as_text=True)
    assert "agency-panel" not in html and "Automatische controles" not in html
    assert "Vul de aanvraag aan en dien ze in vóór" in html
