"""The call lifecycle: guarded transitions with Dutch refusals, every step audited; a new round."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from grants.applications.models import Application
from grants.applications.states import ApplicationStatus
from grants.audit.models import AuditEvent
from grants.calls.models import Call, CallExclusion, CallKpi, Criterion, PaymentTranche
from grants.calls.states import CallStatus, TriggerKind
from grants.extensions import db
from grants.organisations.models import Partnership, PartnershipMember
from grants.timeutil import format_local, utcnow
from tests.support.calls import brussels, page, submitted_application


@pytest.fixture
def admin(logged_in):
    browser, _ = logged_in("admin")
    return browser


def _tranches():
    return [PaymentTranche(position=1, label="Voorschot", percent=D(60), trigger=TriggerKind.AWARD),
            PaymentTranche(position=2, label="Saldo", percent=D(40), trigger=TriggerKind.FINAL_REPORT)]


def _draft(factory, **values):
    values.setdefault("tranches", _tranches())
    tranches = values.pop("tranches")
    call = factory.call(status=CallStatus.DRAFT, **values)
    call.tranches = tranches
    db.session.commit()
    return call


def _act(browser, call, action, **data):
    response = browser.post(f"/admin/calls/{call.id}/status/{action}", data,
                            token_from=f"/admin/calls/{call.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/calls/{call.id}")
    return page(browser.get(f"/admin/calls/{call.id}"))


def _status(call) -> CallStatus:
    db.session.expire_all()
    return db.session.get(Call, call.id).status


def _actions(call) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.object_type == "calls", AuditEvent.object_id == call.id).order_by(AuditEvent.id)))


def test_the_whole_lifecycle_is_audited(admin, factory):
    call = _draft(factory, closes_at=utcnow() + timedelta(days=5))
    assert "Klaar om te publiceren." in page(admin.get(f"/admin/calls/{call.id}"))
    assert "De oproep '" in _act(admin, call, "publish") and _status(call) == CallStatus.PUBLISHED
    html = _act(admin, call, "close", confirm="1", reason="Het budget is al volledig gevraagd.")
    assert "De indiening voor" in html and _status(call) == CallStatus.CLOSED
    _act(admin, call, "reopen")
    assert _status(call) == CallStatus.PUBLISHED
    _act(admin, call, "close", confirm="1", reason="Toch afsluiten: beslissing van de minister.")
    _act(admin, call, "start_review")
    assert _status(call) == CallStatus.UNDER_REVIEW
    _act(admin, call, "decide")
    assert _status(call) == CallStatus.DECIDED
    _act(admin, call, "archive")
    assert _status(call) == CallStatus.ARCHIVED
    assert _actions(call) == ["call.publish", "call.close", "call.reopen", "call.close", "call.start_review",
                              "call.decide", "call.archive"]
    close = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "call.close")).first()
    assert close.reason == "Het budget is al volledig gevraagd."
    assert close.changes["status"] == ["published", "closed"]
    assert close.actor.role.value == "admin"
    history = page(admin.get(f"/admin/history/calls/{call.id}"))
    assert "startte de beoordeling" in history and "call.start_review" not in history
    assert "Het budget is al volledig gevraagd." in history
    assert f'/admin/history/calls/{call.id}' in admin.get(f"/admin/calls/{call.id}").get_data(as_text=True)


@pytest.mark.parametrize(("values", "criteria", "message"), [
    ({}, [], "Een competitieve oproep heeft minstens één beoordelingscriterium voor de jury nodig."),
    ({}, [("A", 50), ("B", 40)], "De gewichten tellen op tot 90; samen moeten ze 100 zijn."),
    ({"closes_at": brussels(2020, 3, 1, 12, 0), "opens_at": brussels(2020, 1, 1, 9, 0)}, None,
     "De sluiting (01-03-2020 om 12:00) ligt in het verleden"),
    ({"allowed_kinds": []}, None, "Kies minstens één soort organisatie die mag indienen."),
    ({"tranches": []}, None, "Leg minstens één betalingsschijf vast"),
    ({"envelope": D("1000.00")}, None, "is kleiner dan het maximumbedrag per aanvraag"),
])
def test_publishing_is_refused_with_every_reason(admin, factory, values, criteria, message):
    if criteria is not None:
        values["criteria"] = [Criterion(position=i, name=n, weight=D(w)) for i, (n, w) in enumerate(criteria)]
    call = _draft(factory, **values)
    assert message in page(admin.get(f"/admin/calls/{call.id}"))  # the checklist says it before trying
    html = _act(admin, call, "publish")
    assert "De oproep kan nog niet gepubliceerd worden." in html and message in html
    assert _status(call) == CallStatus.DRAFT
    assert _actions(call) == []


@pytest.mark.parametrize(("status", "action", "message"), [
    (CallStatus.DRAFT, "decide", "Een oproep met status 'ontwerp' kan niet: als beslist markeren. "
                                 "Mogelijk: publiceren, archiveren."),
    (CallStatus.PUBLISHED, "publish", "Een oproep met status 'gepubliceerd' kan niet: publiceren."),
    (CallStatus.PUBLISHED, "start_review", "Mogelijk: indiening afsluiten."),
    (CallStatus.CLOSED, "decide", "Mogelijk: opnieuw openen, beoordeling starten."),
    (CallStatus.DECIDED, "reopen", "kan niet: opnieuw openen"),
    (CallStatus.ARCHIVED, "publish", "Er zijn geen verdere stappen mogelijk."),
])
def test_transitions_outside_the_lifecycle_are_refused(admin, factory, status, action, message):
    call = factory.call(status=status)
    db.session.commit()
    assert message in _act(admin, call, action)
    assert _status(call) == status


def test_an_unknown_action_is_404(admin, factory):
    call = factory.call()
    db.session.commit()
    response = admin.post(f"/admin/calls/{call.id}/status/explode", {}, token_from="/admin/calls")
    assert response.status_code == 404


def test_closing_before_the_deadline_needs_confirmation_and_a_reason(admin, factory):
    call = factory.call()
    db.session.commit()
    deadline = format_local(call.closes_at, "%d-%m-%Y om %H:%M")
    html = _act(admin, call, "close")
    assert f"De indieningstermijn loopt nog tot {deadline}. Bevestig dat u de indiening nu al wilt afsluiten" in html
    assert _status(call) == CallStatus.PUBLISHED
    assert "Geef een reden om de indiening vóór de deadline" in _act(admin, call, "close", confirm="1")
    assert _status(call) == CallStatus.PUBLISHED
    _act(admin, call, "close", confirm="1", reason="Dubbel gepubliceerd.")
    assert _status(call) == CallStatus.CLOSED


def test_closing_after_the_deadline_needs_no_confirmation(admin, factory):
    call = factory.call(opens_at=utcnow() - timedelta(days=30), closes_at=utcnow() - timedelta(minutes=1))
    db.session.commit()
    _act(admin, call, "close")
    assert _status(call) == CallStatus.CLOSED


def test_reopening_after_the_deadline_is_refused(admin, factory):
    call = factory.call(status=CallStatus.CLOSED, opens_at=brussels(2026, 1, 5, 9, 0),
                        closes_at=brussels(2026, 3, 1, 23, 59))
    db.session.commit()
    html = _act(admin, call, "reopen")
    assert "De sluitingsdatum (01-03-2026 om 23:59) is voorbij. Verleng eerst de indieningstermijn" in html
    assert _status(call) == CallStatus.CLOSED


def test_deciding_waits_for_every_application_and_archiving_for_every_project(admin, factory):
    call = factory.call(status=CallStatus.UNDER_REVIEW)
    submitted_application(call, factory.organisation(), status=ApplicationStatus.UNDER_REVIEW)
    submitted_application(call, factory.organisation(), status=ApplicationStatus.ADMISSIBLE)
    submitted_application(call, factory.organisation(), status=ApplicationStatus.WITHDRAWN)
    db.session.commit()
    assert "Er zijn nog 2 aanvragen zonder beslissing" in _act(admin, call, "decide")
    assert _status(call) == CallStatus.UNDER_REVIEW
    for app in db.session.scalars(sa.select(Application).where(Application.call_id == call.id)):
        if app.status != ApplicationStatus.WITHDRAWN:
            app.status = ApplicationStatus.AWARDED
    db.session.commit()
    _act(admin, call, "decide")
    assert _status(call) == CallStatus.DECIDED
    assert "Er lopen nog 2 projecten van deze oproep." in _act(admin, call, "archive")
    assert _status(call) == CallStatus.DECIDED


# --------------------------------------------------------------------------- a new round


def test_duplicate_as_a_new_round_copies_the_rules_and_excludes_the_funded(admin, factory):
    call = factory.call(status=CallStatus.DECIDED, title="Lokale regierol 2026",
                        opens_at=brussels(2026, 1, 10, 9, 0), closes_at=brussels(2026, 3, 28, 23, 59),
                        project_start=date(2026, 7, 1), report_months=[6])
    call.kpis = [CallKpi(position=1, name="Netwerkpartners", unit="partners", maximum=D(50))]
    call.tranches = _tranches()
    funded, running, rejected = factory.organisation(name="Gent"), factory.organisation(name="Aalst"), \
        factory.organisation(name="Zele")
    partner = factory.organisation(name="Dilsen-Stokkem")
    already = factory.organisation(name="Menen")
    call.exclusions = [CallExclusion(organisation=already, reason="Al gefinancierd in 2015.")]
    submitted_application(call, funded, status=ApplicationStatus.AWARDED)
    partnership = Partnership(call_id=call.id, name="Maaseik i.s.m. Dilsen-Stokkem", lead_organisation_id=running.id)
    db.session.add(partnership)
    db.session.flush()
    db.session.add(PartnershipMember(partnership=partnership, call_id=call.id, organisation_id=partner.id))
    submitted_application(call, running, status=ApplicationStatus.RUNNING, partnership_id=partnership.id)
    submitted_application(call, rejected, status=ApplicationStatus.REJECTED)
    db.session.commit()

    form_page = admin.get(f"/admin/calls/{call.id}/duplicate")
    assert "3 organisaties kregen in deze ronde financiering" in page(form_page)
    response = admin.post(f"/admin/calls/{call.id}/duplicate",
                          {"title": "Lokale regierol 2027", "exclude_funded": "y",
                           "exclusion_reason": "Al gefinancierd in de vorige ronde."},
                          token_from=f"/admin/calls/{call.id}/duplicate")
    assert response.status_code == 302
    new = db.session.scalar(sa.select(Call).where(Call.title == "Lokale regierol 2027"))
    assert response.headers["Location"].endswith(f"/admin/calls/{new.id}")
    assert new.status == CallStatus.DRAFT and new.previous_round_id == call.id
    assert [(c.name, c.weight) for c in new.criteria] == [(c.name, c.weight) for c in call.criteria]
    assert {c.id for c in new.criteria}.isdisjoint({c.id for c in call.criteria})
    assert [(k.name, k.unit, k.maximum) for k in new.kpis] == [("Netwerkpartners", "partners", D("50.00"))]
    assert [(t.label, t.percent) for t in new.tranches] == [("Voorschot", D("60.00")), ("Saldo", D("40.00"))]
    assert (new.max_amount, new.envelope, new.report_months) == (call.max_amount, call.envelope, [6])
    # the same wall-clock time a year later: 28 March 2027 23:59 is summer time (the clocks changed that night)
    assert format_local(new.closes_at) == "28-03-2027 23:59" and format_local(new.opens_at) == "10-01-2027 09:00"
    assert new.closes_at - call.closes_at == timedelta(days=365, hours=-1)
    assert new.project_start == date(2027, 7, 1)
    assert {e.organisation.name: e.reason for e in new.exclusions} == {
        "Gent": "Al gefinancierd in de vorige ronde.", "Aalst": "Al gefinancierd in de vorige ronde.",
        "Dilsen-Stokkem": "Al gefinancierd in de vorige ronde.", "Menen": "Al gefinancierd in 2015."}
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "call.duplicate"))
    assert event.object_id == new.id and event.changes["previous_round_id"] == [None, call.id]
    assert "3 gefinancierde organisaties uitgesloten" in event.reason
    assert "Lokale regierol 2026" in page(admin.get(f"/admin/calls/{new.id}"))  # link to the previous round


def test_duplicate_without_exclusions_and_with_a_bad_title(admin, factory):
    call = factory.call(status=CallStatus.DECIDED)
    submitted_application(call, factory.organisation(), status=ApplicationStatus.AWARDED)
    db.session.commit()
    url = f"/admin/calls/{call.id}/duplicate"
    response = admin.post(url, {"title": "  "}, token_from=url)
    assert response.status_code == 400 and "Dit veld is verplicht." in page(response)
    response = admin.post(url, {"title": "x" * 400}, token_from=url)
    assert response.status_code == 400 and "Hoogstens 300 tekens." in page(response)
    assert admin.post(url, {"title": "Nieuwe ronde"}, token_from=url).status_code == 302
    new = db.session.scalar(sa.select(Call).where(Call.title == "Nieuwe ronde"))
    assert new.exclusions == [] and new.status == CallStatus.DRAFT
