"""The juror's journey in a real browser: declare conflicts before reading, score with the keyboard
alone while the sheet saves itself ("opgeslagen om 14:02"), submit; the conflicted application stays
out of sight."""
from __future__ import annotations

import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD

pytestmark = pytest.mark.browser


def _call_under_review(live_server, juror_email: str) -> dict:
    """A counter-voices call of our own under review, with two submitted applications of new
    organisations; the juror on its panel and assigned to both, not declared yet."""
    import sqlalchemy as sa

    from grants.accounts.models import User
    from grants.applications.models import Application
    from grants.applications.states import ApplicationStatus
    from grants.calls.operations import CallData, create_call
    from grants.calls.presets import COUNTER_VOICES
    from grants.calls.states import CallStatus
    from grants.jury.models import Assignment, Panel
    from grants.organisations.models import Organisation, OrganisationKind
    from grants.timeutil import utcnow

    key = uuid.uuid4().hex[:8]
    now = utcnow()
    with live_server.app_context() as session:
        call = create_call(CallData.from_preset(COUNTER_VOICES, title=f"Jury-oproep {key}", dossier_prefix="JRY",
                                                opens_at=now - timedelta(days=60), closes_at=now - timedelta(days=5),
                                                kpis=[]), status=CallStatus.UNDER_REVIEW)
        juror = session.scalar(sa.select(User).where(User.email == juror_email))
        apps = []
        for n, (name, title) in enumerate([(f"vzw Buurtstem {key}", f"Buurtstemmen {key}"),
                                           (f"vzw Tegenwind {key}", f"Tegenwind online {key}")], start=1):
            org = Organisation(name=name, kind=OrganisationKind.NONPROFIT, place="Gent")
            session.add(org)
            session.flush()
            apps.append(Application(call_id=call.id, organisation_id=org.id, status=ApplicationStatus.UNDER_REVIEW,
                                    title=title, summary=f"Wat {title} wil bereiken.", requested_amount=Decimal(30000),
                                    dossier_number=f"JRY-{key}-{n}", dossier_sequence=n, submitted_at=now))
        session.add_all(apps)
        panel = Panel(call_id=call.id, name="Jury", scoring_deadline=now + timedelta(days=7))
        panel.members = [juror]
        session.add(panel)
        session.flush()
        session.add_all([Assignment(application_id=a.id, juror_id=juror.id, panel_id=panel.id) for a in apps])
        session.commit()
        return {"call": call.title, "conflicted": (apps[0].id, apps[0].title), "scored": (apps[1].id, apps[1].title),
                "criteria": [c.name for c in call.criteria]}


def test_a_juror_declares_a_conflict_scores_with_the_keyboard_autosaves_and_submits(page, live_server):
    email = live_server.create_user("juror", name="Jurylid in de browser")
    setting = _call_under_review(live_server, email)
    conflicted_id, conflicted_title = setting["conflicted"]
    scored_id, scored_title = setting["scored"]
    live_server.login(page, email, PASSWORD)

    # Before reading: title and organisation only, and a declaration for each.
    expect(page.get_by_text("Verklaar eerst voor 2 aanvragen")).to_be_visible()
    page.get_by_role("link", name="Belangenconflicten verklaren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Belangenconflicten verklaren")
    first = page.locator(f"#declaration-{conflicted_id}")
    first.get_by_label("belangenconflict", exact=True).check()
    first.get_by_label("Soort").select_option(label="persoonlijk")
    first.get_by_label("Reden").fill("Mijn broer is voorzitter van deze vzw.")
    page.locator(f"#declaration-{scored_id}").get_by_label("geen belangenconflict").check()
    page.get_by_role("button", name="Verklaring bewaren").click()
    expect(page.get_by_text("Uw verklaring is bewaard.")).to_be_visible()

    # The conflicted application is gone from the list, and from the whole site.
    expect(page.get_by_role("link", name=re.compile(re.escape(conflicted_title)))).to_have_count(0)
    page.get_by_role("link", name=re.compile(re.escape(scored_title))).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(scored_title)
    expect(page.get_by_text(f"Wat {scored_title} wil bereiken.")).to_be_visible()  # the application beside the form

    # Scoring with the keyboard alone: each criterion's score, then its comment, then the next.
    page.locator("#score-form input[name^='score_']").first.focus()
    for number, mark in enumerate(["8", "7,5", "6", "7", "9"]):
        page.keyboard.type(mark)
        page.keyboard.press("Tab")  # to the criterion's comment
        if number == 0:
            page.keyboard.type("Een geloofwaardig tegengeluid.")
        page.keyboard.press("Tab")  # to the next criterion's score (or the overall comment)
    page.keyboard.type("Sterk project met een duidelijk bereik.")
    expect(page.locator("#save-status")).to_have_text(re.compile(r"^opgeslagen om \d\d:\d\d$"), timeout=8000)
    page.keyboard.press("Tab")  # into the recommendation: the first choice, "ja"
    page.keyboard.press("Space")
    expect(page.get_by_label("ja, steunen")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Bewaren als ontwerp")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Beoordeling indienen")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_text(f"Uw beoordeling van '{scored_title}' is ingediend.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(re.escape(scored_title)))).to_contain_text("ingediend")

    with live_server.app_context() as session:
        import sqlalchemy as sa

        from grants.accounts.models import User
        from grants.jury.models import Assignment
        juror = session.scalar(sa.select(User).where(User.email == email))
        sheet = session.scalar(sa.select(Assignment).where(Assignment.application_id == scored_id,
                                                           Assignment.juror_id == juror.id)).sheet
        assert sheet.submitted_at is not None and sheet.recommendation.value == "yes"
        assert [s.value for s in sheet.scores] == [Decimal("8"), Decimal("7.5"), Decimal("6"), Decimal("7"),
                                                   Decimal("9")]
        assert sheet.scores[0].comment == "Een geloofwaardig tegengeluid."

    page.goto(live_server.url(f"/applications/{conflicted_id}"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Pagina niet gevonden")
    page.goto(live_server.url(f"/jury/applications/{conflicted_id}"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Pagina niet gevonden")


def test_a_second_tab_that_saves_an_old_version_is_shown_both_versions(page, live_server):
    email = live_server.create_user("juror", name="Jurylid met twee tabbladen")
    setting = _call_under_review(live_server, email)
    live_server.login(page, email, PASSWORD)
    page.get_by_role("link", name="Belangenconflicten verklaren").click()
    for app_id in (setting["conflicted"][0], setting["scored"][0]):
        page.locator(f"#declaration-{app_id}").get_by_label("geen belangenconflict").check()
    page.get_by_role("button", name="Verklaring bewaren").click()
    scored_id = setting["scored"][0]
    page.goto(live_server.url(f"/jury/applications/{scored_id}"))
    second = page.context.new_page()
    second.goto(live_server.url(f"/jury/applications/{scored_id}"))

    page.locator("#score-form input[name^='score_']").first.fill("4")
    expect(page.locator("#save-status")).to_have_text(re.compile(r"^opgeslagen om "), timeout=8000)
    second.locator("#score-form input[name^='score_']").first.fill("9")
    expect(second.locator("#save-status")).to_contain_text("elders bewaard", timeout=8000)
    second.get_by_role("button", name="Toon beide versies").click()
    expect(second.get_by_role("heading", name=re.compile("^Bewaarde versie"))).to_be_visible()
    expect(second.get_by_role("heading", name="Uw versie (nog niet bewaard)")).to_be_visible()
    expect(second.locator("#score-form input[name^='score_']").first).to_have_value("9")  # what was typed stays
    second.close()
