"""The demo awards: the historical decisions published with their real figures, the committed budget of
counter-voices 2017 and its 182,00 difference, and regie-role 2021 ready for a proposal."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
import sqlalchemy as sa

from grants.applications.models import Application
from grants.awards.models import Decision, DecisionOutcome
from grants.calls.models import Call
from grants.demo.accounts import DEMO_PASSWORD
from grants.extensions import db
from tests.support.demo import seed_demo_once

D = Decimal


@pytest.fixture
def seeded(app):
    seed_demo_once()


def _call(title: str) -> Call:
    return db.session.scalar(sa.select(Call).where(Call.title == title))


def _admin(browser):
    assert browser.login("admin@abb.demo", DEMO_PASSWORD).status_code == 302
    return browser


@pytest.mark.parametrize("title, count, total", [
    ("Maatschappelijke tegengeluiden mobiliseren 2017", 11, "437.995,00 EUR"),
    ("Lokale regierol 2015", 9, "568.311,00 EUR"),
])
def test_the_historical_awards_are_public_with_their_real_totals(seeded, client, title, count, total):
    call = _call(title)
    assert call.awards_published_at is not None
    html = client.get(f"/calls/{call.id}/awards").get_data(as_text=True)
    assert f'id="total">{total}' in html
    rows = list(csv.reader(io.StringIO(client.get(f"/calls/{call.id}/awards.csv").data.decode("utf-8-sig")),
                           delimiter=";"))
    assert len(rows) == count + 1
    assert sum(D(r[4].replace(",", ".")) for r in rows[1:]) == D(total.split()[0].replace(".", "").replace(",", "."))


def test_counter_voices_2017_shows_the_182_euro_difference(seeded, browser):
    call = _call("Maatschappelijke tegengeluiden mobiliseren 2017")
    assert call.committed_amount == D("438177.00")
    html = _admin(browser).get(f"/admin/calls/{call.id}/awards").get_data(as_text=True)
    assert 'id="total-awarded">437.995,00 EUR' in html
    assert 'id="committed-difference">182,00 EUR' in html


def test_action_plan_2022_awards_are_25000_each(seeded):
    call = _call("Lokaal actieplan polarisatie 2022")
    amounts = db.session.scalars(sa.select(Decision.amount).join(Application).where(
        Application.call_id == call.id, Decision.outcome == DecisionOutcome.AWARDED)).all()
    assert amounts and set(amounts) == {D("25000.00")}
    assert call.awards_published_at is not None


def test_regie_role_2021_has_a_proposal_to_try_and_no_decisions(seeded, browser):
    call = _call("Lokale regierol 2021-2022")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Decision).join(Application).where(
        Application.call_id == call.id)) == 0
    assert call.awards_published_at is None
    page = _admin(browser).get(f"/admin/calls/{call.id}/awards/proposal")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('<tr id="row-') == 6
    assert 'id="proposal-total">330.000,00 EUR' in html  # all six fit the 1.500.000,00 envelope
    # a what-if envelope that ends between the two applications of the same level shows the tie rule
    html = browser.get(f"/admin/calls/{call.id}/awards/proposal?envelope=150000").get_data(as_text=True)
    assert "Gelijke rang" in html


def test_seeding_twice_changes_nothing(seeded):
    from grants.demo import seed_demo
    counts = [db.session.scalar(sa.select(sa.func.count()).select_from(Decision)),
              db.session.scalar(sa.select(sa.func.count()).select_from(Application))]
    seed_demo()
    db.session.commit()
    assert [db.session.scalar(sa.select(sa.func.count()).select_from(Decision)),
            db.session.scalar(sa.select(sa.func.count()).select_from(Application))] == counts
