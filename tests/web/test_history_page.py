"""The history page in plain language: a sentence per event, field labels, values as the UI shows them."""
from __future__ import annotations

import re
from html import unescape
from datetime import datetime, timezone

import pytest

from grants import create_app
from grants.audit.describe import registered_actions
from grants.audit.models import AuditEvent
from grants.calls.models import CallKpi
from grants.extensions import db

# The parts register their sentences when the app is built: build one before the parametrisation reads them.
create_app({"GRANTS_ENV": "testing"})

# The object each action is recorded on (the part's table). The first four are built by the factory; the
# others' events are shown on an object of their table that the page names by its number.
TABLES = {"application": "applications", "call": "calls", "user": "users", "organisation": "organisations",
          "award": "decisions", "jury": "panels", "payment": "payments", "plan": "policy_plans",
          "project": "projects", "report": "reports"}


@pytest.fixture
def admin(logged_in):
    return logged_in("admin", name="Ann Dossierbeheerder")


def _object_for(table, factory):
    if table == "applications":
        return factory.application(factory.call(title="Tegengeluiden 2027"), factory.organisation("Gent"),
                                   status="submitted")
    if table == "calls":
        return factory.call(title="Tegengeluiden 2027")
    if table == "users":
        return factory.user(email="els@gent.be")
    if table == "organisations":
        return factory.organisation("Gent")
    return None


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


EXPECTED = {
    "application.create": "maakte de aanvraag aan", "application.update": "wijzigde de aanvraag",
    "application.submit": "diende de aanvraag in", "application.withdraw": "trok de aanvraag in",
    "application.screen": "besliste over de ontvankelijkheid",
    "application.request_information": "vroeg aanvullende informatie",
    "application.advice": "schreef het advies van het agentschap", "application.partner_add": "voegde een partner toe",
    "application.attachment_add": "voegde een bijlage toe", "call.publish": "publiceerde de oproep",
    "call.close": "sloot de indiening af", "call.update": "wijzigde de regels van de oproep",
    "user.login": "meldde zich aan", "organisation.create": "voegde de organisatie toe",
}


@pytest.mark.parametrize("action", sorted(registered_actions()))
def test_every_kind_of_event_reads_as_a_sentence(admin, factory, action):
    browser, user = admin
    assert action.split(".")[0] in TABLES, f"{action}: add the table its events are recorded on to TABLES"
    table = TABLES[action.split(".")[0]]
    obj = _object_for(table, factory)
    object_id = obj.id if obj is not None else 4242
    db.session.add(AuditEvent(actor_id=user.id, action=action, object_type=table, object_id=object_id, changes={}))
    db.session.commit()
    response = browser.get(f"/admin/history/{table}/{object_id}")
    assert response.status_code == 200
    text = _text(response.get_data(as_text=True))
    sentence = registered_actions()[action].sentence.format(actor="Ann Dossierbeheerder (agentschap)")
    assert sentence in text
    assert action not in text  # never the event code
    if action in EXPECTED:
        assert f"Ann Dossierbeheerder (agentschap) {EXPECTED[action]}" in text


def test_values_are_shown_as_the_pages_show_them(admin, factory):
    browser, user = admin
    app = _object_for("applications", factory)
    kpi = CallKpi(call_id=app.call_id, position=1, name="Opmaak actieplan", unit="plan")
    db.session.add(kpi)
    db.session.flush()
    db.session.add_all([
        AuditEvent(actor_id=user.id, action="application.submit", object_type="applications", object_id=app.id,
                   created_at=datetime(2027, 2, 26, 22, 30, tzinfo=timezone.utc),
                   changes={"status": ["draft", "submitted"], "dossier_number": [None, "AP-2027-0002"]}),
        AuditEvent(actor_id=user.id, action="application.update", object_type="applications", object_id=app.id,
                   reason="Financiering",
                   changes={"requested_amount": ["25000.00", "18750.00"], "kpis": [{}, {str(kpi.id): "1.00"}],
                            "budget": [[], [["staff", "Coördinator", "0.50", 12, "30000.00"]]],
                            "partners": [["Deinze"], ["Deinze", "Merelbeke-Melle"]],
                            "information_due": [None, "2027-03-31T21:59:00+00:00"]}),
    ])
    db.session.commit()
    text = _text(browser.get(f"/admin/history/applications/{app.id}").get_data(as_text=True))
    assert f"Geschiedenis van aanvraag {app.dossier_number} – Samen tegen haat online" in text
    assert "Status in voorbereiding → wordt ingediend" in text
    assert "submitted" not in text and "None" not in text and "{" not in text
    assert "Dossiernummer AP-2027-0002" in text
    assert "op 26-02-2027 23:30" in text  # Brussels time, not UTC ISO
    assert "25.000,00 EUR" in text and "18.750,00 EUR" in text
    assert "Opmaak actieplan: 1" in text  # the KPI by its name, not its id
    assert "personeelskosten: Coördinator, 0,5 VTE, 12 m., 30.000,00 EUR" in text
    assert "Merelbeke-Melle" in text and "['Deinze'" not in text
    assert "31-03-2027 23:59" in text
    assert "Toelichting: Financiering" in text


def test_call_history_in_words_and_the_filter_by_kind(admin, factory):
    browser, user = admin
    call = factory.call(title="Tegengeluiden 2027")
    db.session.add_all([
        AuditEvent(actor_id=user.id, action="call.update", object_type="calls", object_id=call.id,
                   changes={"cofinancing_kind": ["none", "multiple_of_subsidy"], "waiver_allowed": [False, True],
                            "allowed_kinds": [["municipality"], ["municipality", "nonprofit"]]}),
        AuditEvent(actor_id=user.id, action="call.publish", object_type="calls", object_id=call.id,
                   changes={"status": ["draft", "published"]}),
    ])
    db.session.commit()
    text = _text(browser.get(f"/admin/history/calls/{call.id}").get_data(as_text=True))
    assert "Geschiedenis van oproep Tegengeluiden 2027" in text
    assert "geen cofinanciering" in text and "eigen bijdrage minstens een veelvoud van de subsidie" in text
    assert "nee" in text and "ja" in text and "False" not in text
    assert "vzw / organisatie zonder winstoogmerk" in text
    assert "ontwerp" in text and "gepubliceerd" in text
    only_status = _text(browser.get(f"/admin/history/calls/{call.id}?kind=status").get_data(as_text=True))
    assert "publiceerde de oproep" in only_status and "wijzigde de regels" not in only_status
    assert browser.get(f"/admin/history/calls/{call.id}?kind=nonsense").status_code == 200


def test_history_in_english(admin, factory):
    browser, user = admin
    call = factory.call(title="Tegengeluiden 2027")
    db.session.add(AuditEvent(actor_id=user.id, action="call.publish", object_type="calls", object_id=call.id,
                              changes={"status": ["draft", "published"]}))
    db.session.commit()
    browser.post("/language", {"lang": "en"})
    text = _text(browser.get(f"/admin/history/calls/{call.id}").get_data(as_text=True))
    assert "History of call Tegengeluiden 2027" in text
    assert "Ann Dossierbeheerder (agency) published the call" in text
    assert "published" in text and "draft" in text and "gepubliceerd" not in text


def test_every_action_the_code_records_has_its_sentence(app):  # the app registers the parts' words
    """Each action the operations record (an "<object>.<verb>" literal in an operations module) has a
    sentence on the history page."""
    import pathlib
    actions = re.compile(r'"((?:application|award|call|jury|user|organisation|project|report|payment|plan)\.[a-z_]+)"')
    found = set()
    for path in pathlib.Path("grants").rglob("operations.py"):
        found.update(actions.findall(path.read_text(encoding="utf-8")))
    assert len(found) > 40
    assert sorted(found - set(registered_actions())) == []
