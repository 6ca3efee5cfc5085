"""The agency's follow-up pages: overdue reports, projects per call (and starting them from the awards),
the payment register with its steps and its XLSX/CSV export, the policy plan and its actions, and the
API's project list."""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal as D

import sqlalchemy as sa
from openpyxl import load_workbook

from grants.awards.models import Project
from grants.extensions import db
from grants.reporting import operations as ops
from grants.reporting.models import PolicyAction
from grants.reporting.states import PaymentStatus
from tests.conftest import auth
from tests.support.reporting import funded_call, funded_project, text_of


def test_overdue_reports_are_listed_with_their_delay(factory, logged_in):
    project = funded_project(factory, organisation=factory.organisation("Zele"))
    project.reports[-1].due_date = ops.today() - timedelta(days=5)
    on_time = funded_project(factory, organisation=factory.organisation("Aalst"))
    on_time.reports[-1].due_date = ops.today() + timedelta(days=5)
    db.session.commit()
    browser, _admin = logged_in("admin")
    page = text_of(browser.get("/admin/reports?view=overdue").get_data(as_text=True))
    assert "Zele" in page and "5 dagen te laat" in page and "Aalst" not in page
    assert browser.get("/admin/reports?view=nope").status_code == 400
    assert browser.get("/admin/reports?page=0").status_code == 400


def test_projects_per_call_and_starting_the_awarded_ones(factory, logged_in):
    call = funded_call(factory)
    started = funded_project(factory, call, organisation=factory.organisation("Gent"))
    waiting = factory.application(call, factory.organisation("Genk"), status="admissible")
    factory.decision(waiting, "30000.00")
    db.session.commit()
    browser, _admin = logged_in("admin")
    url = f"/admin/calls/{call.id}/projects"
    page = text_of(browser.get(url).get_data(as_text=True))
    assert "1 toegekende aanvraag heeft nog geen project." in page and "Gent" in page
    assert browser.post(f"{url}/start", {}, token_from=url).status_code == 302
    page = text_of(browser.get(url).get_data(as_text=True))
    assert "2 projecten" in page and "Genk" in page and "Totaal 70.000,00 EUR" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Project)) == 2
    assert started.id in {p.id for p in db.session.scalars(sa.select(Project))}


def test_the_payment_register_moves_payments_and_exports_them(factory, logged_in):
    org = factory.organisation("=HYPERLINK(\"http://x\")")  # an organisation name that looks like a formula
    project = funded_project(factory, organisation=org, amount="49146.00")
    db.session.commit()
    browser, _admin = logged_in("admin")
    advance = project.payments[0]
    page = text_of(browser.get("/admin/payments").get_data(as_text=True))
    assert "29.487,60 EUR" in page and "19.658,40 EUR" in page and "verschuldigd" in page
    assert browser.post(f"/admin/payments/{advance.id}/approve", {"next": "/admin/payments"},
                        token_from="/admin/payments").status_code == 302
    bad_date = browser.post(f"/admin/payments/{advance.id}/pay", {"on": "31-02-2026"}, token_from="/admin/payments")
    assert bad_date.status_code == 303
    db.session.refresh(advance)
    assert advance.status == PaymentStatus.APPROVED
    assert browser.post(f"/admin/payments/{advance.id}/pay", {"on": ""}, token_from="/admin/payments").status_code == 302
    db.session.refresh(advance)
    assert advance.status == PaymentStatus.PAID
    assert browser.post(f"/admin/payments/{advance.id}/nonsense", {}, token_from="/admin/payments").status_code == 404

    xlsx = browser.get("/admin/payments.xlsx")
    assert xlsx.status_code == 200 and "attachment" in xlsx.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.data))["Betalingen"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:8] == ("Dossiernummer", "Organisatie", "Oproep", "Periode", "Schijf", "Soort", "Status", "Bedrag")
    by_label = {r[4]: r for r in rows[1:]}
    assert by_label["Voorschot"][1] == "'=HYPERLINK(\"http://x\")"  # neutralised, not a formula
    assert by_label["Voorschot"][7] == 29487.6 and by_label["Voorschot"][6] == "betaald"
    assert by_label["Saldo"][7] == 19658.4 and by_label["Saldo"][6] == "verwacht"
    text = browser.get("/admin/payments.csv?status=planned").data.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(lines) == 2 and lines[1][7] == "19658,40" and lines[1][1].startswith("'=")


def test_the_policy_plan_links_calls_to_actions_once(factory, logged_in):
    first, second = funded_call(factory, title="Oproep A"), funded_call(factory, title="Oproep B")
    db.session.commit()
    browser, _admin = logged_in("admin")
    assert browser.post("/admin/plans", {"title": ""}, token_from="/admin/plans").status_code == 400
    created = browser.post("/admin/plans", {"title": "Actieplan 2017"}, token_from="/admin/plans")
    assert created.status_code == 302
    plan_url = created.headers["Location"]
    new = f"{plan_url}/actions/new"
    form = {"number": "14.2", "title": "Tegengeluiden", "ministers": "Minister van Binnenlands Bestuur",
            "domains": "KB", "stakeholders": "", "status_override": "", "call_ids": [str(first.id)]}
    assert browser.post(new, form, token_from=new).status_code == 302
    twice = browser.post(new, {**form, "number": "14.3"}, token_from=new)
    assert twice.status_code == 400
    assert "hoort al bij actie 14.2 van &#39;Actieplan 2017&#39;" in twice.get_data(as_text=True)
    same_number = browser.post(new, {**form, "call_ids": [str(second.id)]}, token_from=new)
    assert same_number.status_code == 400 and "Het plan heeft al een actie 14.2." in same_number.get_data(as_text=True)
    unknown = browser.post(new, {**form, "number": "9", "call_ids": ["999999"]}, token_from=new)
    assert unknown.status_code == 400 and "Kies oproepen uit de lijst." in unknown.get_data(as_text=True)
    action = db.session.scalar(sa.select(PolicyAction))
    assert [link.call_id for link in action.call_links] == [first.id]
    report = text_of(browser.get("/admin/progress-report").get_data(as_text=True))
    assert "Actie 14.2 Tegengeluiden" in report and "Status actie Op te starten" in report


# --------------------------------------------------------------------------- the API


def test_the_api_lists_the_projects_of_a_call_with_their_figures(factory, client, token):
    call = funded_call(factory)
    project = funded_project(factory, call, organisation=factory.organisation("Aalst"), amount="40000.00")
    other = funded_project(factory, organisation=factory.organisation("Zele"))
    project.reports[-1].due_date = ops.today() - timedelta(days=1)
    ops.grant_extension(project, ops.ExtensionData("V1", 12, D("40000.00")), factory.user(role="admin"))
    db.session.commit()
    response = client.get(f"/api/v1/projects?call={call.id}", headers=auth(token))
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == 1 and body["next"] is None and body["page"] == 1
    assert body["items"] == [{
        "id": project.id, "application_id": project.application_id, "organisation": "Aalst", "status": "to_start",
        "status_label": "Op te starten", "awarded": "80000.00", "paid": "0.00", "due": "48000.00", "reclaim": "0.00",
        "reports_due": 2, "reports_overdue": 1, "extensions": 1}]
    everything = client.get("/api/v1/projects", headers=auth(token)).get_json()
    assert {item["id"] for item in everything["items"]} == {project.id, other.id}
    assert client.get("/api/v1/projects?call=999999", headers=auth(token)).status_code == 404
    assert client.get("/api/v1/projects?page=x", headers=auth(token)).status_code == 400
    assert client.get("/api/v1/projects").status_code == 401
    spec = client.get("/api/v1/openapi.json", headers=auth(token)).get_json()
    assert "/projects" in spec["paths"] and "Project" in spec["components"]["schemas"]


def test_the_api_pages_through_the_projects(factory, client, token):
    call = funded_call(factory)
    for n in range(52):
        funded_project(factory, call, organisation=factory.organisation(f"Org {n:02d}"))
    db.session.commit()
    first = client.get(f"/api/v1/projects?call={call.id}", headers=auth(token)).get_json()
    assert first["total"] == 52 and len(first["items"]) == 50
    assert (first["page"], first["per_page"], first["pages"]) == (1, 50, 2)
    assert first["next"] == f"/api/v1/projects?call={call.id}&page=2"
    second = client.get(first["next"], headers=auth(token)).get_json()
    assert len(second["items"]) == 2 and second["next"] is None and second["page"] == 2
    # a page past the last is a 404, as on the other lists
    past = client.get(f"/api/v1/projects?call={call.id}&page=3", headers=auth(token))
    assert past.status_code == 404 and past.is_json
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}


def test_the_payment_date_is_typed_as_dd_mm_yyyy_whatever_the_browser(factory, logged_in):
    from grants.timeutil import to_local
    project = funded_project(factory, amount="49146.00")
    db.session.commit()
    browser, _admin = logged_in("admin")
    advance = project.payments[0]
    browser.post(f"/admin/payments/{advance.id}/approve", {"next": "/admin/payments"}, token_from="/admin/payments")
    html = browser.get("/admin/payments").get_data(as_text=True)
    field = re.search(rf'<input[^>]*id="on-{advance.id}"[^>]*>', html).group(0)
    assert 'type="text"' in field and 'placeholder="dd-mm-jjjj"' in field and 'type="date"' not in html
    assert f'for="on-{advance.id}">Datum als dd-mm-jjjj; leeg: vandaag<' in html
    paid_on = to_local(datetime.now(timezone.utc)).date() - timedelta(days=3)
    typed = paid_on.strftime("%d-%m-%Y")
    assert browser.post(f"/admin/payments/{advance.id}/pay", {"on": typed, "next": "/admin/payments"},
                        token_from="/admin/payments").status_code == 302
    db.session.refresh(advance)
    assert advance.status == PaymentStatus.PAID and to_local(advance.paid_at).date() == paid_on


def test_no_template_uses_the_browsers_date_picker():
    """Every date is typed as dd-mm-jjjj: a type=date input follows the browser's language instead."""
    from pathlib import Path
    templates = Path(__file__).resolve().parents[2] / "templates"
    offenders = [str(path.relative_to(templates)) for path in templates.rglob("*.html")
                 if 'type="date"' in path.read_text(encoding="utf-8")]
    assert offenders == []
