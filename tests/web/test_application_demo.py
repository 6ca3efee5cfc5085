"""The demo data: the real figures of the historical calls, idempotent, and usable in the screens."""
from __future__ import annotations

from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from grants.applications.models import Application
from grants.applications.states import ApplicationStatus as S
from grants.awards.models import Decision, DecisionOutcome
from grants.calls.models import Call
from grants.extensions import db
from grants.money import format_eur
from grants.organisations.models import Organisation, PartnershipMember

from tests.support.applications import csrf
from tests.support.demo import seed_demo_once

COUNTER_VOICES = "Maatschappelijke tegengeluiden mobiliseren 2017"


@pytest.fixture
def seeded(app):
    messages = seed_demo_once()
    assert db.session.scalar(sa.select(Call).where(Call.title == COUNTER_VOICES)), \
        "the calls demo (grants/demo/calls.py) must create the historical calls: " + " | ".join(messages)
    return messages


def _applications(title: str) -> list[Application]:
    call = db.session.scalar(sa.select(Call).where(Call.title == title))
    return list(db.session.scalars(sa.select(Application).where(Application.call_id == call.id)
                                   .order_by(Application.dossier_number)))


def _awarded(title: str) -> dict[str, D]:
    rows = db.session.execute(
        sa.select(Organisation.name, Decision.amount).join(Application, Decision.application_id == Application.id)
        .join(Organisation, Application.organisation_id == Organisation.id).join(Call)
        .where(Call.title == title, Decision.outcome == DecisionOutcome.AWARDED)).all()
    return dict(rows)


def test_counter_voices_2017_has_its_29_applications_and_the_11_awarded_add_up_to_437_995(seeded):
    applications = _applications(COUNTER_VOICES)
    assert len(applications) == 29
    assert [a.dossier_number for a in applications] == [f"TG-2017-{n:04d}" for n in range(1, 30)]
    assert all(a.submitted_at.month == 9 and a.submitted_at.year == 2017 for a in applications)
    assert all(a.agency_advice for a in applications)  # staff advice on each, before the jury
    awarded = _awarded(COUNTER_VOICES)
    assert awarded == {
        "CIBO": D("42464.00"), "Roeselare": D("49146.00"), "KU Leuven": D("49000.00"), "Samo pravo": D("30575.00"),
        "Ceapire": D("50000.00"), "Gemeente Molenbeek": D("14810.00"), "Vroemvroem": D("35000.00"),
        "Partage en couleurs": D("50000.00"), "Averroes": D("50000.00"), "Vilvoorde": D("17000.00"),
        "PAJ": D("50000.00")}
    assert format_eur(sum(awarded.values())) == "437.995,00 EUR"
    statuses = [a.status for a in applications]
    assert statuses.count(S.AWARDED) == 11 and statuses.count(S.REJECTED) >= 10
    assert statuses.count(S.INADMISSIBLE) >= 2 and statuses.count(S.WITHDRAWN) >= 1
    roeselare = next(a for a in applications if a.organisation.name == "Roeselare")
    assert roeselare.organisation.refnis == "36015"
    # Every demo application's budget adds up: requested + contributions = total cost.
    for a in applications:
        assert a.requested_amount + a.contribution_total() == a.total_cost, a.title


def test_regie_role_2015_has_the_9_municipalities_and_the_maaseik_partnership(seeded):
    awarded = _awarded("Lokale regierol 2015")
    assert awarded == {"Vilvoorde": D("85000.00"), "Maaseik": D("60295.00"), "Aalst": D("61400.00"),
                       "Antwerpen": D("82300.00"), "Gent": D("71041.00"), "Zele": D("56775.00"),
                       "Oostende": D("38000.00"), "Menen": D("58500.00"), "Mechelen": D("55000.00")}
    assert sum(awarded.values()) == D("568311.00")
    maaseik = next(a for a in _applications("Lokale regierol 2015") if a.organisation.name == "Maaseik")
    assert [o.refnis for o in maaseik.partner_organisations] == ["72041"]
    assert maaseik.dossier_number.startswith("RR-2015-")


def test_action_plan_2022_at_25_000_with_equal_cofinancing(seeded):
    applications = _applications("Lokaal actieplan polarisatie 2022")
    assert len(applications) >= 5
    for a in applications:
        assert a.requested_amount == D("25000.00") and a.own_contribution >= D("25000.00")
        assert a.status == S.AWARDED and a.dossier_number.startswith("AP-2022-")


def test_open_calls_have_drafts_and_submitted_applications_for_the_demo_accounts(seeded, browser):
    from grants.demo.accounts import DEMO_PASSWORD
    gent_draft = next(a for a in _applications("Lokaal actieplan polarisatie 2027") if a.organisation.refnis == "44021")
    assert gent_draft.status == S.DRAFT
    antwerpen = next(a for a in _applications("Lokaal actieplan polarisatie 2027")
                     if a.organisation.refnis == "11002")
    assert antwerpen.status == S.SUBMITTED and antwerpen.dossier_number.startswith("AP-2027-")
    assert browser.login("gent@gemeente.demo", DEMO_PASSWORD).status_code == 302
    home = browser.get("/").get_data(as_text=True)
    assert "Gent verbindt" in home and "Regierol preventie radicalisering Gent" in home
    assert "Antwerpen, stad van iedereen" not in home
    page = browser.get(f"/applications/{gent_draft.id}")
    assert page.status_code == 200 and "Controlelijst voor indiening" in page.get_data(as_text=True)
    # Antwerpen's application is not Gent's business.
    assert browser.get(f"/applications/{antwerpen.id}").status_code == 404
    vilvoorde = next(a for a in _applications("Lokale regierol 2027") if a.organisation.refnis == "23088")
    assert [o.name for o in vilvoorde.partner_organisations] == ["Machelen"]


def test_the_agency_screens_the_demo(seeded, browser):
    from grants.demo.accounts import DEMO_PASSWORD
    call = db.session.scalar(sa.select(Call).where(Call.title == COUNTER_VOICES))
    assert browser.login("admin@abb.demo", DEMO_PASSWORD).status_code == 302
    page = browser.get(f"/admin/calls/{call.id}/applications?status=awarded")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "11 aanvragen, samen gevraagd 437.995,00 EUR" in html
    assert csrf(browser.get("/").get_data(as_text=True))


def test_seeding_twice_changes_nothing(seeded):
    from grants.demo import seed_demo
    counts = (db.session.scalar(sa.select(sa.func.count()).select_from(Application)),
              db.session.scalar(sa.select(sa.func.count()).select_from(Decision)),
              db.session.scalar(sa.select(sa.func.count()).select_from(PartnershipMember)))
    seed_demo()
    db.session.commit()
    assert (db.session.scalar(sa.select(sa.func.count()).select_from(Application)),
            db.session.scalar(sa.select(sa.func.count()).select_from(Decision)),
            db.session.scalar(sa.select(sa.func.count()).select_from(PartnershipMember))) == counts
