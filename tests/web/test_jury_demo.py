"""The demo jury: counter-voices 2017 as decided (five jurors, conflicts, exactly the 11 awarded above
the threshold, the advice) and the open call being scored (a draft, open sheets, a declaration to do)."""
from __future__ import annotations

from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from grants.accounts.models import User
from grants.applications.models import Application
from grants.applications.states import ApplicationStatus as S
from grants.calls.models import Call
from grants.demo.accounts import DEMO_PASSWORD
from grants.extensions import db
from grants.jury import access
from grants.jury.models import (
    AdviceOutcome, Assignment, ConflictDeclaration, ConflictKind, ConflictOfInterest, ConflictSource, JuryAdvice,
    Panel, ScoreSheet,
)
from grants.jury.queries import call_ranking
from grants.jury.states import SheetStatus, sheet_status
from grants.money import format_eur
from tests.conftest import Browser
from tests.support.demo import seed_demo_once

COUNTER_VOICES = "Maatschappelijke tegengeluiden mobiliseren 2017"
OPEN_CALL = "Maatschappelijke tegengeluiden 2027"
GENT_APPLICANTS = {"Vroemvroem", "Averroes", "Hogeschool Gent", "Moskee-overleg Vlaanderen"}


@pytest.fixture
def seeded(app):
    seed_demo_once()


def _call(title):
    return db.session.scalar(sa.select(Call).where(Call.title == title))


def _user(email):
    return db.session.scalar(sa.select(User).where(User.email == email))


def test_a_jury_of_five_with_its_chair_and_its_conflicts(seeded):
    call = _call(COUNTER_VOICES)
    panel = db.session.scalar(sa.select(Panel).where(Panel.call_id == call.id))
    assert sorted(m.email for m in panel.members) == [
        "jury2@abb.demo", "jury3@abb.demo", "jury4@abb.demo", "jury5@abb.demo", "jury@abb.demo"]
    assert panel.chair.email == "jury@abb.demo" and panel.quality_threshold == D("65.00")
    rows = access.conflict_rows(call.id)
    names = {a.id: a.organisation.name for a in db.session.scalars(sa.select(Application).where(
        Application.call_id == call.id))}
    by_juror = {}
    for r in rows:
        by_juror.setdefault(db.session.get(User, r.juror_id).email, set()).add((names[r.application_id], r.source))
    assert by_juror["jury3@abb.demo"] == {(n, ConflictSource.DECLARED) for n in GENT_APPLICANTS}  # the Gent juror
    assert by_juror["jury4@abb.demo"] == {("KU Leuven", ConflictSource.AUTOMATIC)}  # a member of KU Leuven
    assert by_juror["jury5@abb.demo"] == {("Theater Tussenruimte", ConflictSource.DECLARED)}
    # Nobody is assigned where conflicted, and every application has its three jurors.
    pairs = set(db.session.execute(sa.select(Assignment.application_id, Assignment.juror_id).join(
        Application, Application.id == Assignment.application_id).where(Application.call_id == call.id)).all())
    assert not pairs & access.conflict_pairs(call.id)
    per_app = {}
    for a, _j in pairs:
        per_app[a] = per_app.get(a, 0) + 1
    assert len(per_app) == 24 and set(per_app.values()) == {3}


def test_exactly_the_eleven_awarded_projects_are_above_the_threshold_within_the_envelope(seeded):
    call = _call(COUNTER_VOICES)
    view = call_ranking(call)
    ranking = view.ranking
    awarded = {a.id for a in db.session.scalars(sa.select(Application).where(
        Application.call_id == call.id, Application.status == S.AWARDED))}
    above = [row for row in ranking.rows if row.above_threshold]
    assert {row.application_id for row in above} == awarded and len(above) == 11
    assert format_eur(sum(row.requested for row in above)) == "437.995,00 EUR"
    assert ranking.threshold_index == 11 and ranking.rows[10].running_requested == D("437995.00")
    assert ranking.envelope == D("500000.00") and call.envelope == D("500000.00")
    # It is the threshold, not the money, that ends the list: the first row below it still fits.
    assert ranking.rows[11].within_envelope and ranking.envelope_index > ranking.threshold_index
    assert all(row.count == 3 for row in ranking.rows)
    assert any(row.disagreement for row in ranking.rows)
    assert any(row.rank_change for row in ranking.rows)  # normalising the jurors moves some
    advice = {a.application_id: a.outcome for a in db.session.scalars(sa.select(JuryAdvice).join(
        Application).where(Application.call_id == call.id))}
    assert {a for a, outcome in advice.items() if outcome == AdviceOutcome.AWARD} == awarded
    assert len(advice) == 24 and set(advice.values()) == {AdviceOutcome.AWARD, AdviceOutcome.REJECT}


def test_the_open_call_has_a_draft_open_sheets_and_a_declaration_to_do(seeded, client):
    call = _call(OPEN_CALL)
    assignments = list(db.session.scalars(sa.select(Assignment).join(Application).where(
        Application.call_id == call.id)))
    status = {db.session.get(User, a.juror_id).email: sheet_status(a.sheet) for a in assignments}
    assert status == {"jury@abb.demo": SheetStatus.DRAFT, "jury2@abb.demo": SheetStatus.NOT_STARTED,
                      "jury3@abb.demo": SheetStatus.NOT_STARTED}
    fatima = _user("jury2@abb.demo")
    assert not db.session.scalar(sa.select(sa.func.count()).select_from(ConflictDeclaration).join(
        Application).where(Application.call_id == call.id, ConflictDeclaration.juror_id == fatima.id))
    browser = Browser(client)
    assert browser.login("jury2@abb.demo", DEMO_PASSWORD).status_code == 302
    home = browser.get("/").get_data(as_text=True)
    assert "Verklaar eerst voor 1 aanvraag" in home and "Belangenconflicten verklaren" in home
    browser.logout()
    assert browser.login("jury3@abb.demo", DEMO_PASSWORD).status_code == 302
    home = browser.get("/").get_data(as_text=True)
    assert "Maatschappelijke tegengeluiden mobiliseren 2017" in home
    for name in ("Videoverhalen van Gentse jongeren", "Het andere verhaal"):  # the Gent applicants' titles
        assert name not in home


def test_seeding_the_jury_twice_changes_nothing(seeded):
    from grants.demo import seed_demo
    counts = [db.session.scalar(sa.select(sa.func.count()).select_from(model))
              for model in (Panel, Assignment, ScoreSheet, ConflictOfInterest, ConflictDeclaration, JuryAdvice, User)]
    seed_demo()
    db.session.commit()
    assert [db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Panel, Assignment, ScoreSheet, ConflictOfInterest, ConflictDeclaration, JuryAdvice,
                          User)] == counts
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConflictOfInterest).where(
        ConflictOfInterest.kind == ConflictKind.PROFESSIONAL)) == 4
