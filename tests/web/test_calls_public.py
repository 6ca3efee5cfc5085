"""Public call pages: only published calls, time left in Brussels time, the rules in plain Dutch."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal as D

import pytest

from grants.calls import views as call_views
from grants.calls.operations import CallData, create_call
from grants.calls.presets import ACTION_PLAN, COUNTER_VOICES, REGIE_ROLE
from grants.calls.states import CallStatus
from grants.extensions import db
from grants.organisations.models import OrganisationKind
from grants.timeutil import utcnow
from tests.support.calls import brussels, count_queries, page

UTC = timezone.utc


@pytest.fixture
def frozen_now(monkeypatch):
    """Freeze the clock the call pages read."""
    def freeze(moment: datetime):
        monkeypatch.setattr(call_views, "utcnow", lambda: moment)
    return freeze


def _preset_call(preset, title, opens, closes, status=CallStatus.PUBLISHED, **overrides):
    call = create_call(CallData.from_preset(preset, title=title, opens_at=opens, closes_at=closes, **overrides),
                       status=status)
    db.session.commit()
    return call


def test_the_list_shows_open_and_upcoming_calls_with_the_time_left(client, factory, frozen_now):
    now = brussels(2026, 11, 24, 10, 0)
    frozen_now(now)
    factory.call(title="Open tegengeluiden", opens_at=now - timedelta(days=20), closes_at=now + timedelta(days=3, hours=4))
    factory.call(title="Binnenkort regierol", opens_at=now + timedelta(days=10), closes_at=now + timedelta(days=90))
    factory.call(title="Geheim ontwerp", status=CallStatus.DRAFT)
    factory.call(title="Afgesloten oproep", status=CallStatus.CLOSED, opens_at=now - timedelta(days=90),
                 closes_at=now - timedelta(days=30))
    factory.call(title="Deadline voorbij", opens_at=now - timedelta(days=60), closes_at=now - timedelta(days=1))
    factory.call(title="Oud archief", status=CallStatus.ARCHIVED, opens_at=now - timedelta(days=900),
                 closes_at=now - timedelta(days=800))
    db.session.commit()
    html = page(client.get("/calls"))
    open_part, _, rest = html.partition("Binnenkort")
    upcoming_part, _, past_part = rest.partition("Afgelopen oproepen")
    assert "Open tegengeluiden" in open_part and "Nog 3 dagen en 4 uur om in te dienen." in open_part
    assert "Binnenkort regierol" in upcoming_part and "De oproep opent op 04-12-2026 om 10:00." in upcoming_part
    assert "Afgesloten oproep" in past_part and "Deadline voorbij" in past_part
    assert "Geheim ontwerp" not in html and "Oud archief" not in html


def test_drafts_are_404_for_everyone_but_admins(app, logged_in, factory):
    draft = factory.call(title="Nog geheim", status=CallStatus.DRAFT)
    db.session.commit()
    client = app.test_client()
    assert client.get(f"/calls/{draft.id}").status_code == 404
    for role in ("applicant", "juror"):
        browser, _ = logged_in(role)
        assert browser.get(f"/calls/{draft.id}").status_code == 404
        assert "Nog geheim" not in browser.get("/calls").get_data(as_text=True)
        browser.logout()
    browser, _ = logged_in("admin")
    response = browser.get(f"/calls/{draft.id}")
    assert response.status_code == 200
    assert "Voorbeeld: deze oproep is een ontwerp en nog niet gepubliceerd." in page(response)


def test_published_and_later_calls_are_public(client, factory):
    for status in (CallStatus.PUBLISHED, CallStatus.CLOSED, CallStatus.UNDER_REVIEW, CallStatus.DECIDED,
                   CallStatus.ARCHIVED):
        call = factory.call(status=status)
        db.session.commit()
        assert client.get(f"/calls/{call.id}").status_code == 200, status
    assert client.get("/calls/99999").status_code == 404


def test_the_action_plan_page_says_who_how_much_and_what_in_plain_dutch(client, frozen_now):
    frozen_now(brussels(2026, 11, 24, 10, 0))
    call = _preset_call(ACTION_PLAN, "Lokaal actieplan polarisatie 2027", brussels(2026, 11, 2, 9, 0),
                        brussels(2027, 2, 26, 23, 59), envelope=D("2500000"))
    html = page(client.get(f"/calls/{call.id}"))
    assert "Deze oproep staat open voor: gemeente, Vlaamse Gemeenschapscommissie en vzw De Rand." in html
    assert "Samenwerkingsverbanden mogen samen indienen" in html
    assert "Per organisatie is één aanvraag toegelaten." in html
    assert "25.000,00 EUR" in html and "2.500.000,00 EUR" in html
    assert "Uw eigen bijdrage is minstens gelijk aan de gevraagde subsidie." in html
    assert "Indienen kan van 02-11-2026 09:00 tot 26-02-2027 23:59 (Brusselse tijd)." in html
    assert "Nog 94 dagen en 13 uur om in te dienen." in html
    assert "Intekening: elke ontvankelijke, volledige aanvraag" in html
    assert "Actieplan opgemaakt" in html and "Actieplan uitgevoerd" in html
    assert "Rapportering: na 6, 12 en 24 maanden, en een eindverslag na afloop van het project." in html
    assert "Voorschot: 60% bij toekenning" in html and "Saldo: 40% na goedkeuring van het eindverslag" in html
    assert "hoogstens 36 maanden" in html
    assert "Aanmelden om een aanvraag in te dienen" in html


def test_the_counter_voices_page_lists_the_criteria_with_their_weights(client):
    call = _preset_call(COUNTER_VOICES, "Tegengeluiden 2027", utcnow() - timedelta(days=1), utcnow() + timedelta(days=60))
    html = page(client.get(f"/calls/{call.id}"))
    assert "Deze oproep staat open voor: gemeente, ander lokaal bestuur, vzw / organisatie zonder winstoogmerk, " \
           "school en universiteit of hogeschool." in html
    assert "Een jury beoordeelt elke ontvankelijke aanvraag" in html
    for name, weight in [("Relevantie van het tegengeluid", "30%"), ("Bereik van de doelgroep", "25%"),
                         ("Aanpak en haalbaarheid", "20%"), ("Samenwerking en verankering", "15%"),
                         ("Verhouding tussen kosten en resultaten", "10%")]:
        assert name in html and f'<td class="num">{weight}</td>' in html
    assert html.index("Relevantie van het tegengeluid") < html.index("Verhouding tussen kosten en resultaten")
    assert "Geen cofinanciering vereist." in html and "50.000,00 EUR" in html and "500.000,00 EUR" in html


def test_the_regie_role_page_states_the_waiver_the_costs_and_the_renewals(client, factory):
    call = _preset_call(REGIE_ROLE, "Regierol 2027", utcnow() - timedelta(days=1), utcnow() + timedelta(days=60))
    call.exclusions  # noqa: B018 - loaded before adding
    from grants.calls.models import CallExclusion
    call.exclusions.append(CallExclusion(organisation=factory.organisation(name="Vilvoorde"),
                                         reason="al gefinancierd in de vorige ronde"))
    db.session.commit()
    html = page(client.get(f"/calls/{call.id}"))
    assert "Uw eigen bijdrage is minstens 20% van de totale projectkost. " \
           "Een gemotiveerde afwijking kan worden aangevraagd." in html
    assert "60.000,00 EUR" in html and "1.500.000,00 EUR" in html
    assert "tot 3 keer verlengbaar" in html
    assert "personeelskosten, werkingskosten; geen structurele kosten of overheadkosten" in html
    assert "Vilvoorde – al gefinancierd in de vorige ronde" in html


# --------------------------------------------------------------------------- deadlines and summer time


@pytest.mark.parametrize(("now", "expected", "open_"), [
    # 28 March 2027, 12:00 Brussels is summer time (the clocks moved that night): 10:00 UTC
    (datetime(2027, 3, 28, 9, 59, 59, 999999, tzinfo=UTC), "Nog 1 min. om in te dienen.", True),
    (datetime(2027, 3, 28, 10, 0, tzinfo=UTC), "De indieningstermijn is afgelopen op 28-03-2027 om 12:00.", False),
    # 10:30 UTC would still be 11:30 in winter time, but it is 12:30 in summer time: closed
    (datetime(2027, 3, 28, 10, 30, tzinfo=UTC), "De indieningstermijn is afgelopen op 28-03-2027 om 12:00.", False),
    (datetime(2027, 3, 27, 11, 0, tzinfo=UTC), "Nog 23 uur en 0 min. om in te dienen.", True),  # a day of 23 hours
])
def test_the_deadline_on_the_spring_switch_day(client, frozen_now, now, expected, open_):
    call = _preset_call(COUNTER_VOICES, "Lentedeadline", brussels(2027, 1, 4, 9, 0), brussels(2027, 3, 28, 12, 0))
    assert call.closes_at == datetime(2027, 3, 28, 10, 0, tzinfo=UTC)
    frozen_now(now)
    html = page(client.get(f"/calls/{call.id}"))
    assert expected in html
    assert "Deadline: 28-03-2027 12:00 (Brusselse tijd)" in html
    assert ("Aanmelden om een aanvraag in te dienen" in html) is open_
    listing = page(client.get("/calls"))
    assert ("Lentedeadline" in listing.partition("Afgelopen oproepen")[2]) is not open_


@pytest.mark.parametrize(("now", "expected"), [
    # 25 October 2026, 12:00 Brussels is winter time again: 11:00 UTC; 10:30 UTC is 11:30 there
    (datetime(2026, 10, 25, 10, 30, tzinfo=UTC), "Nog 30 min. om in te dienen."),
    (datetime(2026, 10, 24, 11, 0, tzinfo=UTC), "Nog 1 dag om in te dienen."),  # 24 hours left, a 25-hour day
    (datetime(2026, 10, 25, 11, 0, tzinfo=UTC), "De indieningstermijn is afgelopen op 25-10-2026 om 12:00."),
])
def test_the_deadline_on_the_autumn_switch_day(client, frozen_now, now, expected):
    call = _preset_call(COUNTER_VOICES, "Herfstdeadline", brussels(2026, 9, 1, 9, 0), brussels(2026, 10, 25, 12, 0))
    frozen_now(now)
    assert expected in page(client.get(f"/calls/{call.id}"))


def test_a_call_closed_by_the_agency_says_so_even_before_its_deadline(client, factory):
    call = factory.call(status=CallStatus.CLOSED)
    db.session.commit()
    html = page(client.get(f"/calls/{call.id}"))
    assert "De indiening is afgesloten (status: afgesloten)." in html
    assert "Aanmelden om een aanvraag in te dienen" not in html


def test_unicode_and_markdown_on_the_public_page(client, factory):
    call = factory.call(title="Samenleven in Ĳzendijke – 🌍",
                        description="## Waarom\n\n[link](javascript:alert(1)) <iframe src=x></iframe> *ok*")
    db.session.commit()
    raw = client.get(f"/calls/{call.id}").get_data(as_text=True)
    assert "Samenleven in Ĳzendijke – 🌍" in raw
    assert "javascript:" not in raw and "<iframe" not in raw and "<em>ok</em>" in raw


def test_public_pages_use_a_fixed_number_of_queries(app, client, factory):
    factory.organisation(kind=OrganisationKind.NONPROFIT)
    factory.call()
    db.session.commit()
    with count_queries(app) as few:
        client.get("/calls")
    for _ in range(8):
        factory.call()
    db.session.commit()
    with count_queries(app) as many:
        client.get("/calls")
    assert many.count == few.count
