"""The follow-up demo: regie-role 2015 extended twice and paid, counter-voices 2017 with reports in every
state and a reclaim, action plan 2022 running with KPI reports due; the progress report's block for
action 14.2 reads like the seed (page, XLSX and PDF); the applicant's home; idempotent."""
from __future__ import annotations

import io
from decimal import Decimal as D

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from pypdf import PdfReader

from grants.awards.models import Project
from grants.calls.models import Call
from grants.extensions import db
from grants.reporting import queries
from grants.reporting.models import Payment, PolicyPlan, Report
from grants.reporting.rules import ProjectStatus
from grants.reporting.states import PaymentKind, PaymentStatus, ReportStatus
from tests.support.reporting import text_of
from tests.support.demo import seed_demo_once

PASSWORD = "Samenleven-2026"
SEED_142 = [
    "De projectoproep 'Maatschappelijke tegengeluiden mobiliseren 2017' werd in juli 2017 gelanceerd.",
    "Geïnteresseerden konden tot 29 september 2017 een aanvraag indienen.",
    "Er werden 29 aanvragen ingediend.",
    "Er werden 11 projecten geselecteerd:",
    "CIBO – Antwerpen (42.464 euro);", "Roeselare (49.146 euro);", "KU Leuven – Leuven (49.000 euro);",
    "Samo pravo – Bissegem (30.575 euro);", "Ceapire – Antwerpen (50.000 euro);", "Gemeente Molenbeek (14.810 euro);",
    "Vroemvroem – Gent (35.000 euro);", "Averroes – Gent (50.000 euro);", "Vilvoorde (17.000 euro);",
    "PAJ – Antwerpen (50.000 euro).",
    "De projecten gingen van start op 1 maart 2018 en lopen maximaal 2 jaar.",
]


@pytest.fixture
def seeded(app):
    seed_demo_once()


def _projects(title: str) -> list[Project]:
    call = db.session.scalar(sa.select(Call).where(Call.title == title))
    return queries.projects_of_call(call.id, _Admin())


class _Admin:
    is_authenticated = True

    @property
    def role(self):
        from grants.accounts.models import Role
        return Role.ADMIN


def test_regie_role_2015_nine_municipalities_extended_twice_finished_and_paid(seeded):
    projects = _projects("Lokale regierol 2015")
    assert len(projects) == 9
    assert sum(p.awarded_amount for p in projects) == D("568311.00")
    for project in projects:
        facts = queries.facts(project)
        assert [e.amount for e in project.extensions] == [project.awarded_amount] * 2
        assert facts.status == ProjectStatus.FINISHED
        assert facts.figures.paid == 3 * project.awarded_amount and facts.figures.payable == 0
        assert all(r.status == ReportStatus.APPROVED for r in project.reports)
    vilvoorde = next(p for p in projects if p.application.organisation.name == "Vilvoorde")
    assert (vilvoorde.start_date.isoformat(), vilvoorde.end_date.isoformat()) == ("2016-03-01", "2019-02-28")


def test_counter_voices_2017_has_reports_in_every_state_and_one_reclaim(seeded):
    projects = _projects("Maatschappelijke tegengeluiden mobiliseren 2017")
    assert len(projects) == 11 and sum(p.awarded_amount for p in projects) == D("437995.00")
    assert {p.start_date.isoformat() for p in projects} == {"2018-03-01"}
    statuses = {r.status for p in projects for r in p.reports}
    assert statuses == set(ReportStatus)
    samo = next(p for p in projects if p.application.organisation.name == "Samo pravo")
    final = next(r for r in samo.reports if r.is_final)
    assert final.settlement["due"] == "15287.50" and final.settlement["reclaim"] == "3057.50"
    reclaim = next(p for p in samo.payments if p.kind == PaymentKind.RECLAIM)
    assert (reclaim.amount, reclaim.status) == (D("3057.50"), PaymentStatus.APPROVED)  # recovery sent, not repaid


def test_action_plan_2022_projects_run_with_kpi_reports_due(seeded):
    projects = _projects("Lokaal actieplan polarisatie 2022")
    assert len(projects) == 9
    facts = [queries.facts(p) for p in projects]
    assert {f.status for f in facts} == {ProjectStatus.RUNNING}
    assert sum(len(f.open_reports) for f in facts) >= 5 and any(f.overdue_reports for f in facts)
    approved = [r for p in projects for r in p.reports if r.status == ReportStatus.APPROVED]
    assert approved and all(r.kpi_values for r in approved)


def _admin(browser):
    assert browser.login("admin@abb.demo", PASSWORD).status_code == 302


def test_the_block_of_action_14_2_reads_like_the_seed_on_the_page_in_xlsx_and_in_pdf(seeded, browser):
    _admin(browser)
    plan = db.session.scalar(sa.select(PolicyPlan).where(PolicyPlan.title.like("Actieplan%2017%")))
    page = text_of(browser.get(f"/admin/progress-report?plan={plan.id}").get_data(as_text=True))
    block = page[page.index("Actie 14.2"):]
    for sentence in SEED_142:
        assert sentence in block, sentence
    assert "Status actie Lopende" in block and "Minister van Binnenlands Bestuur" in block
    assert "Vastgelegd 500.000,00 EUR Toegekend 437.995,00 EUR" in block
    regie = page[page.index("Actie 4.1"):page.index("Actie 14.2")]
    assert "Maaseik i.s.m. Dilsen-Stokkem (60.295 euro);" in regie and "Status actie Afgerond" in regie
    assert "De 9 projecten werden tweemaal verlengd voor hetzelfde bedrag" in regie
    assert "Toegekend 1.704.933,00 EUR Uitbetaald 1.704.933,00 EUR" in regie

    xlsx = browser.get(f"/admin/progress-report.xlsx?plan={plan.id}")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.data))
    rows = list(book["Voortgangsrapport"].iter_rows(values_only=True))
    row = next(r for r in rows if r[1] == "14.2")
    assert row[3] == "Lopende" and all(s in row[7] for s in SEED_142[:3])
    assert row[9] == 437995 and row[8] == 500000
    awards = [r for r in book["Toekenningen"].iter_rows(values_only=True) if r[0] == "14.2"]
    assert len(awards) == 11 and sum(r[5] for r in awards) == 437995

    pdf = browser.get(f"/admin/progress-report.pdf?plan={plan.id}")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.data)).pages)
    for needle in ("Actie 14.2", "Er werden 29 aanvragen ingediend.", "Er werden 11 projecten geselecteerd:",
                   "Samo pravo – Bissegem (30.575 euro);", "1 maart 2018", "maximaal 2 jaar", "437.995,00 EUR"):
        assert needle in text, needle


def test_the_description_draws_on_the_approved_project_reports(seeded, browser):
    _admin(browser)
    plan = db.session.scalar(sa.select(PolicyPlan).where(PolicyPlan.title.like("Actieplan%2017%")))
    page = text_of(browser.get(f"/admin/progress-report?plan={plan.id}").get_data(as_text=True))
    block = page[page.index("Actie 14.2"):page.index("Totaal van het plan")]
    # the demo's counter-voices reports: 15 approved, the others submitted, in draft or sent back
    assert "6 van de 11 projecten zijn afgerond. Het agentschap keurde 15 verslagen goed." in block
    assert "Knelpunten en successen uit de goedgekeurde verslagen:" in block
    assert ("Samo pravo : Knelpunt: de projectcoördinator viel maanden uit; een deel van de workshops ging "
            "niet door. Succes: de peer educators blijven actief in Bissegem.") in block
    # a project without an approved report that names bottlenecks has no line (two of the eleven)
    assert "PAJ :" not in block and "Partage en couleurs :" not in block


def test_the_applicants_home_shows_projects_reports_due_and_payments(seeded, browser):
    assert browser.login("gent@gemeente.demo", PASSWORD).status_code == 302
    home = text_of(browser.get("/").get_data(as_text=True))
    assert "Projecten van uw organisaties" in home
    assert "Lokaal actieplan polarisatie Gent" in home and "Regierol preventie radicalisering Gent" in home
    assert "Verslagen te doen" in home and "uiterlijk" in home
    assert "Ontvangen: 213.123,00 EUR van 213.123,00 EUR." in home  # regie-role 2015: 3 x 71.041
    assert "Ontvangen: 15.000,00 EUR van 25.000,00 EUR." in home and "Saldo 10.000,00 EUR (verwacht)" in home


def test_the_agency_lists_work_on_the_demo(seeded, browser):
    _admin(browser)
    overdue = text_of(browser.get("/admin/reports?view=overdue").get_data(as_text=True))
    assert "Vroemvroem" in overdue and "dagen te laat" in overdue
    review = text_of(browser.get("/admin/reports").get_data(as_text=True))
    assert "Ceapire" in review
    register = browser.get("/admin/payments?status=approved")
    assert register.status_code == 200 and "Samo pravo" in register.get_data(as_text=True)
    call = db.session.scalar(sa.select(Call).where(Call.title == "Maatschappelijke tegengeluiden mobiliseren 2017"))
    page = text_of(browser.get(f"/admin/calls/{call.id}/projects").get_data(as_text=True))
    assert "11 projecten" in page and "Totaal 437.995,00 EUR" in page


def test_seeding_again_changes_nothing(seeded):
    from grants.demo import seed_demo
    counts = [db.session.scalar(sa.select(sa.func.count()).select_from(model))
              for model in (Project, Report, Payment, PolicyPlan)]
    seed_demo()
    db.session.commit()
    assert [db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Project, Report, Payment, PolicyPlan)] == counts
