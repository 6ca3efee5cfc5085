"""Live checks while typing: the budget and financing pages post what is typed, unsaved, to a small
endpoint that runs the checklist's own rules on it and answers with the checklist.

What a user relies on: the answer is the checklist the overview would show after saving those values;
nothing is saved; bad values get the save's own Dutch messages (never a 500); only who may edit the
section may ask (404 for everyone else); the form's CSRF token is required.
"""
from __future__ import annotations

from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from grants.applications.models import BudgetLine, Contribution, ContributionKind
from grants.audit.models import AuditEvent
from grants.calls.rules import CofinancingKind, WaiverStatus
from grants.extensions import db

from tests.support.applications import complete_application, section_form


@pytest.fixture
def gent(factory):
    return factory.organisation("Gent", refnis="44021", contact_email="info@gent.be")


@pytest.fixture
def applicant(logged_in, gent):
    return logged_in("applicant", organisations=[gent], name="Els Peeters")


def _action_plan_draft(factory, gent, user):
    """The Gent case: an action-plan call (at most 25.000, co-financing at least the subsidy), a budget of
    37.500 and a draft asking 25.000 with 12.500 of its own: the budget closes, the co-financing does not."""
    call = factory.call(max_amount=D("25000.00"), cofinancing_kind=CofinancingKind.MULTIPLE_OF_SUBSIDY,
                        cofinancing_value=D("1"))
    app = complete_application(
        call, gent, user, requested_amount=D("25000.00"),
        lines=[BudgetLine(position=1, category="operating", description="Vorming en campagne", amount=D("37500.00"))],
        contributions=[Contribution(kind=ContributionKind.OWN_FINANCIAL, source="", amount=D("12500.00"))])
    db.session.commit()
    return call, app


def _items(answer) -> dict:
    return {item["key"]: item for item in answer["items"]}


def _events(app) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.object_id == app.id, AuditEvent.object_type == "applications"))


def test_financing_typed_values_are_checked_by_the_checklist_rules_without_saving(applicant, factory, gent):
    browser, user = applicant
    call, app = _action_plan_draft(factory, gent, user)
    version, events = app.version, _events(app)
    form = section_form(browser, app.id, "financing")

    # As saved: the co-financing check fails at 25.000.
    saved = browser.post(f"/applications/{app.id}/sections/financing/check",
                         {**form, "requested_amount": "25.000,00", "own_financial": "12.500,00"})
    assert saved.status_code == 200 and saved.is_json
    items = _items(saved.get_json())
    assert items["cofinancing"]["state"] == "fail"
    assert "Minimale eigen bijdrage bij deze subsidie: 25.000,00 EUR." in items["cofinancing"]["detail"]
    assert items["totals"]["state"] == "ok"

    # Typed: 18.750 asked, 18.750 own -> both the co-financing and the closing budget pass.
    typed = browser.post(f"/applications/{app.id}/sections/financing/check",
                         {**form, "requested_amount": "18.750,00", "own_financial": "18.750,00"})
    answer = typed.get_json()
    items = _items(answer)
    assert typed.status_code == 200 and answer["valid"] is True
    assert items["cofinancing"]["state"] == "ok"
    assert "Minimale eigen bijdrage bij deze subsidie: 18.750,00 EUR." in items["cofinancing"]["detail"]
    assert items["totals"]["state"] == "ok"
    assert items["max_amount"]["detail"] == \
        "De gevraagde subsidie van 18.750,00 EUR blijft binnen het maximum van 25.000,00 EUR."
    assert answer["financing"] == "37.500,00 EUR"
    # The HTML fragment is the checklist as the page shows it, with the note that it is not saved.
    assert 'data-key="cofinancing"' in answer["html"] and "nog niet bewaard" in answer["html"]

    # Nothing was saved or audited.
    db.session.expire_all()
    assert app.requested_amount == D("25000.00") and app.version == version
    assert app.contribution_total(ContributionKind.OWN_FINANCIAL) == D("12500.00")
    assert _events(app) == events


def test_financing_check_counts_third_parties_and_a_missing_subsidy(applicant, factory, gent):
    browser, user = applicant
    call, app = _action_plan_draft(factory, gent, user)
    form = section_form(browser, app.id, "financing")
    answer = browser.post(f"/applications/{app.id}/sections/financing/check", {
        **form, "requested_amount": "", "own_financial": "30.000", "third_party-0-source": "Provincie",
        "third_party-0-amount": "7.500,00"}).get_json()
    items = _items(answer)
    assert items["required"]["state"] == "fail" and "gevraagde subsidie" in items["required"]["detail"]
    assert items["totals"]["state"] == "ok"  # 0 + 30.000 + 7.500 = 37.500
    assert answer["financing"] == "37.500,00 EUR"


def test_budget_typed_lines_change_the_totals_and_eligible_costs(applicant, factory, gent):
    browser, user = applicant
    call, app = _action_plan_draft(factory, gent, user)
    form = section_form(browser, app.id, "budget")
    answer = browser.post(f"/applications/{app.id}/sections/budget/check", {
        **form, "lines-0-category": "operating", "lines-0-description": "Vorming", "lines-0-amount": "30.000,00",
        "lines-1-category": "staff", "lines-1-description": "Coördinator", "lines-1-fte": "0,2",
        "lines-1-months": "12", "lines-1-amount": "7.499,99",
        "lines-2-category": "operating", "lines-2-description": "Weg", "lines-2-amount": "999", "lines-2-remove": "y",
    }).get_json()
    items = _items(answer)
    assert answer["total_cost"] == "37.499,99 EUR"  # the removed line does not count
    assert items["totals"]["state"] == "fail"
    assert items["totals"]["detail"].startswith(
        "De financiering (37.500,00 EUR) is 0,01 EUR meer dan de totale kost van de begroting (37.499,99 EUR).")
    assert items["eligible_costs"]["state"] == "ok"
    db.session.expire_all()
    assert [line.amount for line in app.budget_lines] == [D("37500.00")]


@pytest.mark.parametrize("typed", ["twintigduizend", "1e400", "25.000,001", "-5", "9" * 40])
def test_bad_amounts_get_the_messages_of_a_save(applicant, factory, gent, typed):
    browser, user = applicant
    call, app = _action_plan_draft(factory, gent, user)
    form = section_form(browser, app.id, "financing")
    values = {"requested_amount": typed, "own_financial": "12.500"}
    check = browser.post(f"/applications/{app.id}/sections/financing/check", {**form, **values})
    save = browser.post(f"/applications/{app.id}/sections/financing", {**form, **values})
    assert check.status_code == 400 and save.status_code == 400
    answer = check.get_json()
    assert answer["valid"] is False
    [error] = answer["errors"]
    assert error["field"] == "requested_amount" and error["label"] == "Gevraagde subsidie"
    assert error["message"] and error["message"] in save.get_data(as_text=True)
    assert error["message"] in answer["html"]


def test_bad_budget_row_names_the_row(applicant, factory, gent):
    browser, user = applicant
    call, app = _action_plan_draft(factory, gent, user)
    form = section_form(browser, app.id, "budget")
    answer = browser.post(f"/applications/{app.id}/sections/budget/check", {
        **form, "lines-0-category": "staff", "lines-0-description": "Medewerker", "lines-0-amount": "2000"}).get_json()
    messages = [e["message"] for e in answer["errors"]]
    assert "Vul voor personeelskosten het aantal maanden in." in messages
    assert all(e["field"].startswith("lines-0-") for e in answer["errors"])


def test_the_waiver_motivation_typed_turns_the_failure_into_a_warning(applicant, factory, gent):
    browser, user = applicant
    call = factory.call(cofinancing_kind=CofinancingKind.SHARE_OF_TOTAL_COST, cofinancing_value=D("20"),
                        waiver_allowed=True)
    app = complete_application(call, gent, user)  # 40.000 + 5.000 own on 45.000: 11 % own
    db.session.commit()
    form = section_form(browser, app.id, "financing")
    values = {**form, "requested_amount": "40.000,00", "own_financial": "5.000,00"}
    without = _items(browser.post(f"/applications/{app.id}/sections/financing/check", values).get_json())
    assert without["cofinancing"]["state"] == "fail"
    with_motivation = _items(browser.post(f"/applications/{app.id}/sections/financing/check", {
        **values, "waiver_motivation": "Onze gemeente staat onder financieel toezicht."}).get_json())
    assert with_motivation["cofinancing"]["state"] == "warn"
    db.session.expire_all()
    assert app.waiver == WaiverStatus.NONE and not app.waiver_motivation


def test_only_who_may_edit_the_section_may_check_it(logged_in, factory, gent):
    owner, user = logged_in("applicant", organisations=[gent])
    call, app = _action_plan_draft(factory, gent, user)
    form = section_form(owner, app.id, "financing")
    url = f"/applications/{app.id}/sections/financing/check"
    assert owner.post(f"/applications/{app.id}/sections/summary/check", form).status_code == 404
    assert owner.post(f"/applications/{app.id}/sections/nonsense/check", form).status_code == 404
    assert owner.get(url).status_code == 405
    assert owner.post(url, {"requested_amount": "1", "csrf_token": "forged"}).status_code == 400
    owner.logout()

    other, _other_user = logged_in("applicant", organisations=[factory.organisation("Aalst")])
    assert other.post(url, {"requested_amount": "1"}).status_code == 404
    other.logout()
    partner_org = factory.organisation("Melle")
    factory.partnership(app, partner_org)
    db.session.commit()
    partner, _partner_user = logged_in("applicant", organisations=[partner_org])
    assert partner.post(url, {"requested_amount": "1"}).status_code == 404
    partner.logout()
    admin, _admin = logged_in("admin")
    assert admin.post(url, {"requested_amount": "1"}).status_code == 404


def test_section_pages_show_the_saved_checklist_beside_the_fields(applicant, factory, gent):
    browser, user = applicant
    call, app = _action_plan_draft(factory, gent, user)
    for section in ("financing", "budget"):
        html = browser.get(f"/applications/{app.id}/sections/{section}").get_data(as_text=True)
        assert f'data-live-check="/applications/{app.id}/sections/{section}/check"' in html
        assert 'id="live-checklist" aria-live="polite"' in html
        assert 'data-key="cofinancing"' in html and "Met de bewaarde gegevens." in html
    summary = browser.get(f"/applications/{app.id}/sections/summary").get_data(as_text=True)
    assert "data-live-check" not in summary and "live-checklist" not in summary
