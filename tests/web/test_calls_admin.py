"""Admin pages of calls: presets, the call form and its Dutch messages, concurrent edits, locking."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from grants.audit.models import AuditEvent
from grants.calls.models import Call, Criterion
from grants.calls.rules import CofinancingKind
from grants.calls.states import CallKind, CallStatus, SelectionMode, TriggerKind
from grants.extensions import db
from grants.organisations.models import OrganisationKind
from tests.support.calls import (
    brussels, change, count_queries, fill_dates, page, read_form, submitted_application,
)


@pytest.fixture
def admin(logged_in):
    browser, user = logged_in("admin")
    return browser


def _new_form(browser, kind: str):
    response = browser.get(f"/admin/calls/new?kind={kind}")
    assert response.status_code == 200
    return response.get_data(as_text=True), read_form(response.get_data(as_text=True))


def _post(browser, url, fields):
    return browser.client.post(url, data=fields)


def _only_call() -> Call:
    return db.session.scalars(sa.select(Call)).one()


def _events(action: str, call_id: int | None = None) -> list[AuditEvent]:
    query = sa.select(AuditEvent).where(AuditEvent.action == action, AuditEvent.object_type == "calls")
    if call_id is not None:
        query = query.where(AuditEvent.object_id == call_id)
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


# --------------------------------------------------------------------------- presets


def test_the_list_offers_a_preset_of_each_kind(admin):
    html = admin.get("/admin/calls").get_data(as_text=True)
    for kind in CallKind:
        assert f"/admin/calls/new?kind={kind.value}" in html
    assert "Nog geen oproepen." in html


def test_a_new_action_plan_starts_with_the_rules_of_plan_samenleven(admin):
    html, fields = _new_form(admin, "action_plan")
    assert fields["max_amount"] == "25.000,00"
    assert fields["envelope"] == ""  # the sources give no envelope: the admin fills it in
    assert fields["cofinancing_kind"] == "multiple_of_subsidy" and fields["cofinancing_value"] == "1"
    assert fields["selection_mode"] == "sign_up"
    assert fields.getlist("allowed_kinds") == ["municipality", "vgc", "vzw_de_rand"]
    assert fields["report_months"] == "6, 12, 24"
    assert fields["kpis-0-name"] == "Actieplan opgemaakt" and fields["kpis-1-name"] == "Actieplan uitgevoerd"

    fields = fill_dates(change(fields, title="Lokaal actieplan polarisatie 2028", envelope="2.500.000"),
                        brussels(2027, 11, 2, 9, 0), brussels(2028, 2, 25, 23, 59))
    response = _post(admin, "/admin/calls/new?kind=action_plan", fields)
    assert response.status_code == 302, response.get_data(as_text=True)
    call = _only_call()
    assert response.headers["Location"].endswith(f"/admin/calls/{call.id}")
    assert (call.kind, call.status, call.selection_mode) == (CallKind.ACTION_PLAN, CallStatus.DRAFT, SelectionMode.SIGN_UP)
    assert call.max_amount == D("25000.00") and call.envelope == D("2500000.00")
    assert call.cofinancing_rule.describe() == "Uw eigen bijdrage is minstens gelijk aan de gevraagde subsidie."
    assert [k.name for k in call.kpis] == ["Actieplan opgemaakt", "Actieplan uitgevoerd"]
    assert call.report_months == [6, 12, 24] and call.max_duration_months == 36
    assert [(t.label, t.percent, t.trigger) for t in call.tranches] == [
        ("Voorschot", D("60.00"), TriggerKind.AWARD), ("Saldo", D("40.00"), TriggerKind.FINAL_REPORT)]
    # entered in Brussels time: 25 February 23:59 winter time is 22:59 UTC
    assert call.closes_at == datetime.fromisoformat("2028-02-25T22:59:00+00:00")
    event = _events("call.create", call.id)[0]
    assert event.changes["max_amount"] == [None, "25000.00"]


def test_a_new_counter_voices_call_has_ordered_jury_criteria_summing_to_100(admin):
    _, fields = _new_form(admin, "counter_voices")
    assert (fields["max_amount"], fields["envelope"], fields["max_duration_months"]) == ("50.000,00", "500.000,00", "24")
    assert fields["selection_mode"] == "competitive" and fields["cofinancing_kind"] == "none"
    fields = fill_dates(change(fields, title="Tegengeluiden 2028"))
    assert _post(admin, "/admin/calls/new?kind=counter_voices", fields).status_code == 302
    call = _only_call()
    assert [c.position for c in call.criteria] == [1, 2, 3, 4, 5]
    assert call.criteria[0].name == "Relevantie van het tegengeluid"
    assert sum(c.weight for c in call.criteria) == D(100)
    assert set(call.allowed_kinds) == {"nonprofit", "school", "university", "municipality", "other_local_government"}


def test_a_new_regie_role_call_has_the_2021_rules(admin):
    _, fields = _new_form(admin, "regie_role")
    fields = fill_dates(change(fields, title="Lokale regierol 2028"))
    assert _post(admin, "/admin/calls/new?kind=regie_role", fields).status_code == 302
    call = _only_call()
    assert (call.max_amount, call.max_amount_per_year, call.envelope) == (D("60000.00"), D("60000.00"), D("1500000.00"))
    assert call.cofinancing_kind == CofinancingKind.SHARE_OF_TOTAL_COST and call.cofinancing_value == D(20)
    assert call.waiver_allowed and call.renewable_times == 3
    assert call.eligible_cost_categories == ["staff", "operating"]
    assert call.allowed_kinds == ["municipality"] and call.partnerships_allowed
    assert "Een gemotiveerde afwijking kan worden aangevraagd." in call.cofinancing_rule.describe()


def test_an_unknown_kind_shows_the_choice_of_kinds(admin):
    response = admin.get("/admin/calls/new?kind=bogus")
    assert response.status_code == 200
    assert "Kies de soort oproep" in response.get_data(as_text=True)


# --------------------------------------------------------------------------- validation


def _valid_counter_voices(admin):
    _, fields = _new_form(admin, "counter_voices")
    return fill_dates(change(fields, title="Tegengeluiden 2028"))


@pytest.mark.parametrize(("changes", "message"), [
    ({"closes_date": "2028-01-01", "opens_date": "2028-02-01"}, "moet na de opening"),
    ({"max_amount": "0"}, "Het bedrag moet groter zijn dan nul."),
    ({"max_amount": "-50"}, "Een bedrag mag niet negatief zijn."),
    ({"envelope": "vijfhonderdduizend"}, "Geef een bedrag in euro"),
    ({"envelope": ""}, "Dit veld is verplicht."),
    ({"envelope": "40.000", "max_amount": "50.000"},
     "Het budget van de oproep (40.000,00 EUR) is kleiner dan het maximumbedrag per aanvraag (50.000,00 EUR)."),
    ({"max_amount_per_year": "60.000"}, "kan niet hoger zijn dan het maximum per aanvraag"),
    ({"criteria__0__weight": "20"}, "De gewichten tellen op tot 90; samen moeten ze 100 zijn."),
    ({"criteria__0__weight": "0"}, "Het getal moet groter dan nul zijn."),
    ({"criteria__0__weight": "-5"}, "Het getal moet groter dan nul zijn."),
    ({"criteria__0__weight": "dertig"}, "Geef een getal, bijvoorbeeld 12,5."),
    ({"criteria__0__weight": "12,345"}, "Hoogstens 2 cijfers na de komma."),
    ({"criteria__0__name": ""}, "Dit veld is verplicht."),
    ({"criteria__1__name": "Relevantie van het tegengeluid"}, "Twee criteria hebben dezelfde naam"),
    ({"criteria__0__scale_min": "10", "criteria__0__scale_max": "5"}, "Het hoogste punt van de schaal"),
    ({"tranches__0__percent": "50"}, "De betalingsschijven tellen op tot 90%; samen moeten ze 100% zijn."),
    ({"tranches__0__percent": "120"}, "Het getal mag hoogstens 100 zijn."),
    ({"cofinancing_kind": "share_of_total_cost", "cofinancing_value": ""},
     "Vul de waarde van de cofinancieringsregel in."),
    ({"cofinancing_kind": "share_of_total_cost", "cofinancing_value": "100"},
     "Het aandeel van de eigen bijdrage moet kleiner dan 100% zijn."),
    ({"allowed_kinds": None}, "Kies minstens één soort organisatie die mag indienen."),
    ({"report_months": "6, 36"}, "Een rapportering na 36 maanden valt na de maximale looptijd van 24 maanden."),
    ({"report_months": "zes"}, "gehele getallen"),
    ({"max_duration_months": "9999999999999"}, "Geef een geheel getal van 1 tot en met 120."),
    ({"min_duration_months": "30"}, "minstens even lang zijn als de minimale looptijd"),
    ({"dossier_prefix": "T G"}, "één woord zonder streepjes"),
    ({"title": "   "}, "Dit veld is verplicht."),
    ({"title": "x" * 10000}, "Hoogstens 300 tekens."),
    ({"closes_time": "25:00"}, "Geef een uur tussen 00:00 en 23:59"),
    ({"closes_date": "31-02-2028"}, "Geef een datum als dd-mm-jjjj, bijvoorbeeld 26-02-2027."),
    # 29 March 2026, 02:30 does not exist in Brussels (the clock jumps from 02:00 to 03:00)
    ({"opens_date": "2026-03-29", "opens_time": "02:30"}, "Dit tijdstip bestaat niet in Brussel"),
    ({"kind": "spaceship"}, "Ongeldige keuze."),
])
def test_the_call_form_explains_each_mistake_and_keeps_what_was_typed(admin, changes, message):
    fields = change(_valid_counter_voices(admin), **changes)
    response = _post(admin, "/admin/calls/new?kind=counter_voices", fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page(response)
    assert "Het formulier bevat fouten" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Call)) == 0
    for name, value in changes.items():
        if isinstance(value, str) and value.strip() and len(value) < 100 and name not in ("kind",):
            assert f'value="{value}"' in html or f">{value}<" in html, name  # nothing typed is lost


def test_a_competitive_call_without_criteria_can_be_saved_with_a_warning(admin):
    fields = _valid_counter_voices(admin)
    for i in range(5):
        fields = change(fields, **{f"criteria__{i}__delete": "y"})
    response = _post(admin, "/admin/calls/new?kind=counter_voices", fields)
    assert response.status_code == 302
    assert _only_call().criteria == []
    assert "heeft minstens één beoordelingscriterium voor de jury nodig" in \
        admin.get(f"/admin/calls/{_only_call().id}").get_data(as_text=True)


def test_the_criteria_warning_does_not_block_the_save_but_is_shown(admin):
    fields = _valid_counter_voices(admin)
    for i in range(5):
        fields = change(fields, **{f"criteria__{i}__delete": "y"})
    response = _post(admin, "/admin/calls/new?kind=counter_voices", change(fields, max_amount="0"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "een competitieve oproep heeft beoordelingscriteria nodig" in html


def test_html_and_unicode_in_the_texts_are_escaped_or_sanitised(admin):
    fields = change(_valid_counter_voices(admin), title="Samenleven <script>alert(1)</script> – Ĳsselmonde 🌍",
                    description="## Doel\n\n<script>alert('x')</script><img src=x onerror=alert(1)> **vet**")
    assert _post(admin, "/admin/calls/new?kind=counter_voices", fields).status_code == 302
    call = _only_call()
    assert call.title == "Samenleven <script>alert(1)</script> – Ĳsselmonde 🌍"
    for url in (f"/admin/calls/{call.id}", f"/calls/{call.id}"):
        html = admin.get(url).get_data(as_text=True)
        assert "<script>alert" not in html and "onerror" not in html
        assert "Samenleven &lt;script&gt;alert(1)&lt;/script&gt; – Ĳsselmonde 🌍" in html
        assert "<strong>vet</strong>" in html and "<h2>Doel</h2>" in html


def test_nul_characters_never_reach_the_database(admin):
    fields = change(_valid_counter_voices(admin), title="Oproep\x00 met nul", description="a\x00b")
    assert _post(admin, "/admin/calls/new?kind=counter_voices", fields).status_code == 302
    assert _only_call().title == "Oproep met nul"


# --------------------------------------------------------------------------- organisations by code


def test_allow_list_and_exclusions_by_refnis_kbo_or_name(admin, factory):
    gent = factory.organisation(name="Gent", refnis="44021")
    factory.organisation(name="Aalst", refnis="41002")
    cibo = factory.organisation(name="CIBO", kind=OrganisationKind.NONPROFIT, kbo="0123456749")
    rand = factory.organisation(name="vzw De Rand", kind=OrganisationKind.VZW_DE_RAND)
    db.session.commit()
    fields = change(_valid_counter_voices(admin), allow_list="44021 Gent\n0123.456.749\nVZW DE RAND\n",
                    exclusions="41002; al gefinancierd in de vorige ronde")
    response = _post(admin, "/admin/calls/new?kind=counter_voices", fields)
    assert response.status_code == 302, response.get_data(as_text=True)
    call = _only_call()
    assert {o.id for o in call.allowed_organisations} == {gent.id, cibo.id, rand.id}
    assert [(e.organisation.name, e.reason) for e in call.exclusions] == [("Aalst", "al gefinancierd in de vorige ronde")]
    # the edit form writes the lists back in the same notation, so saving unchanged changes nothing
    fields = read_form(admin.get(f"/admin/calls/{call.id}/edit").get_data(as_text=True))
    assert "44021 Gent" in fields["allow_list"] and "0123.456.749 CIBO" in fields["allow_list"]
    assert fields["exclusions"] == "41002 Aalst; al gefinancierd in de vorige ronde"
    assert _post(admin, f"/admin/calls/{call.id}/edit", fields).status_code == 302
    assert _events("call.update", call.id) == []  # nothing changed, nothing recorded


@pytest.mark.parametrize(("field", "text", "message"), [
    ("allow_list", "99999", "Regel 1: onbekende organisatie '99999'. Geef een REFNIS-code (5 cijfers)"),
    ("allow_list", "44021\n\nNergensdorp", "Regel 3: onbekende organisatie 'Nergensdorp'."),
    ("allow_list", "44021\n44021 Gent", "Regel 2: Gent staat al eerder in de lijst."),
    ("allow_list", "Dubbel", "er zijn meerdere organisaties met de naam 'Dubbel'"),
    ("exclusions", "44021", "Regel 1: geef na een puntkomma de reden van de uitsluiting"),
    ("exclusions", "44021; " + "r" * 301, "de reden mag hoogstens 300 tekens tellen"),
])
def test_unknown_or_unclear_organisations_are_named_by_line(admin, factory, field, text, message):
    factory.organisation(name="Gent", refnis="44021")
    factory.organisation(name="Dubbel", refnis="11111")
    factory.organisation(name="Dubbel", refnis="22222")
    db.session.commit()
    response = _post(admin, "/admin/calls/new?kind=counter_voices", change(_valid_counter_voices(admin), **{field: text}))
    assert response.status_code == 400
    assert message in page(response)


# --------------------------------------------------------------------------- editing lists


def test_criteria_are_edited_in_place_reordered_removed_and_added(admin, factory):
    call = factory.call(status=CallStatus.DRAFT)
    db.session.commit()
    first, second = [c.id for c in call.criteria]
    fields = read_form(admin.get(f"/admin/calls/{call.id}/edit").get_data(as_text=True))
    assert fields["criteria-2-name"] == "" and fields["criteria-3-name"] == ""  # two blank rows
    fields = change(fields, criteria__0__name="Relevantie voor de wijk", criteria__0__weight="50",
                    criteria__0__position="2", criteria__1__delete="y",
                    criteria__2__name="Bereik", criteria__2__weight="50", criteria__2__position="1",
                    criteria__2__scale_max="5")
    response = _post(admin, f"/admin/calls/{call.id}/edit", fields)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    call = db.session.get(Call, call.id)
    assert [(c.position, c.name, c.weight, c.scale_max) for c in call.criteria] == [
        (1, "Bereik", D("50.00"), 5), (2, "Relevantie voor de wijk", D("50.00"), 10)]
    assert call.criteria[1].id == first  # kept its identity (scores refer to it)
    assert db.session.get(Criterion, second) is None
    changes = _events("call.update", call.id)[0].changes
    assert changes["criteria"][1] == ["Bereik (gewicht 50.00, schaal 0-5, verplicht)",
                                      "Relevantie voor de wijk (gewicht 50.00, schaal 0-10, verplicht)"]


def test_an_invalid_edit_is_a_400_with_what_was_typed(admin, factory):
    call = factory.call(status=CallStatus.DRAFT)
    db.session.commit()
    fields = read_form(admin.get(f"/admin/calls/{call.id}/edit").get_data(as_text=True))
    response = _post(admin, f"/admin/calls/{call.id}/edit", change(fields, title="Nieuwe titel", envelope="veel"))
    assert response.status_code == 400
    html = page(response)
    assert "Geef een bedrag in euro" in html and 'value="Nieuwe titel"' in html and 'value="veel"' in html
    db.session.expire_all()
    assert db.session.get(Call, call.id).title != "Nieuwe titel"


def test_more_blank_rows_without_javascript_and_without_saving(admin, factory):
    call = factory.call(status=CallStatus.DRAFT)
    db.session.commit()
    fields = read_form(admin.get(f"/admin/calls/{call.id}/edit").get_data(as_text=True))
    fields = change(fields, title="Nog niet bewaard", add_rows="kpis")
    response = _post(admin, f"/admin/calls/{call.id}/edit", fields)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'name="kpis-3-name"' in html and 'value="Nog niet bewaard"' in html
    db.session.expire_all()
    assert db.session.get(Call, call.id).title != "Nog niet bewaard"


def _tranche_rows(count: int, percent: str) -> dict:
    rows = {}
    for n in range(count):
        rows.update({f"tranches-{n}-label": f"Schijf {n + 1}", f"tranches-{n}-percent": percent,
                     f"tranches-{n}-trigger": TriggerKind.AWARD.value, f"tranches-{n}-position": str(n + 1)})
    return rows


def test_rows_past_a_lists_limit_are_refused_and_shown_again_never_cut_off(admin):
    fields = {k: v for k, v in _valid_counter_voices(admin).items() if not k.startswith("tranches-")}
    criteria = {}
    for n in range(61):
        criteria.update({f"criteria-{n}-name": f"Criterium {n + 1}", f"criteria-{n}-weight": "1",
                         f"criteria-{n}-scale_min": "0", f"criteria-{n}-scale_max": "10",
                         f"criteria-{n}-position": str(n + 1)})
    fields = {k: v for k, v in fields.items() if not k.startswith("criteria-")}
    response = _post(admin, "/admin/calls/new?kind=counter_voices", {**fields, **criteria, **_tranche_rows(21, "5")})
    assert response.status_code == 400
    html = page(response)
    assert "Een oproep heeft hoogstens 60 beoordelingscriteria; u gaf er 61." in html
    assert "Een oproep heeft hoogstens 20 betalingsschijven; u gaf er 21." in html
    # every typed row comes back, the 61st criterion and the 21st tranche too
    assert 'value="Criterium 61"' in html and 'value="Schijf 21"' in html
    assert db.session.scalars(sa.select(Call)).first() is None


def test_a_list_at_its_limit_is_saved(admin):
    fields = {k: v for k, v in _valid_counter_voices(admin).items() if not k.startswith("tranches-")}
    response = _post(admin, "/admin/calls/new?kind=counter_voices", {**fields, **_tranche_rows(20, "5")})
    assert response.status_code == 302, page(response)
    assert [t.percent for t in _only_call().tranches] == [D("5.00")] * 20
    # no blank rows past the limit: the edit page of a full list offers no new tranche
    html = admin.get(f"/admin/calls/{_only_call().id}/edit").get_data(as_text=True)
    assert 'name="tranches-19-label"' in html and 'name="tranches-20-label"' not in html


# --------------------------------------------------------------------------- concurrent edits


def test_a_stale_save_is_refused_and_never_overwrites(app, browser, factory):
    from tests.conftest import Browser
    call = factory.call(status=CallStatus.DRAFT, title="Oorspronkelijk")
    ann = factory.user(role="admin", email="ann@abb.be")
    bob = factory.user(role="admin", email="bob@abb.be")
    db.session.commit()
    ann_browser, bob_browser = browser, Browser(app.test_client())
    ann_browser.login(ann.email, factory.PASSWORD)
    bob_browser.login(bob.email, factory.PASSWORD)
    url = f"/admin/calls/{call.id}/edit"
    ann_fields = read_form(ann_browser.get(url).get_data(as_text=True))
    bob_fields = read_form(bob_browser.get(url).get_data(as_text=True))
    assert _post(ann_browser, url, change(ann_fields, title="Versie van Ann")).status_code == 302
    response = _post(bob_browser, url, change(bob_fields, title="Versie van Bob", max_amount="45.000"))
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Iemand anders heeft deze oproep intussen gewijzigd" in html
    assert 'value="Versie van Bob"' in html and 'value="45.000"' in html  # Bob's typing is still there
    db.session.expire_all()
    saved = db.session.get(Call, call.id)
    assert saved.title == "Versie van Ann" and saved.max_amount == D("50000.00")
    # saving the same stale form again is still refused
    assert _post(bob_browser, url, read_form(html)).status_code == 409


def test_a_form_without_version_is_treated_as_stale(admin, factory):
    call = factory.call(status=CallStatus.DRAFT)
    db.session.commit()
    fields = change(read_form(admin.get(f"/admin/calls/{call.id}/edit").get_data(as_text=True)), version="abc")
    assert _post(admin, f"/admin/calls/{call.id}/edit", fields).status_code == 409


# --------------------------------------------------------------------------- locking


def test_rules_lock_once_an_application_is_submitted_and_unlocking_is_audited(admin, factory):
    call = factory.call()
    org = factory.organisation()
    submitted_application(call, org)
    db.session.commit()
    url = f"/admin/calls/{call.id}/edit"
    page = admin.get(url)
    assert page.status_code == 200 and "Regels vergrendeld" in page.get_data(as_text=True)
    assert 'class="call-form"' not in page.get_data(as_text=True)
    # a direct post is refused too
    response = admin.post(url, {"title": "Anders"}, token_from=url)
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Call, call.id).title != "Anders"

    too_short = admin.post(f"/admin/calls/{call.id}/unlock", {"reason": "typo"}, token_from=url)
    assert too_short.status_code == 400 and "Geef een reden van 10 tot 2000 tekens." in too_short.get_data(as_text=True)
    reason = "De jury vraagt een extra criterium voor de regionale spreiding."
    assert admin.post(f"/admin/calls/{call.id}/unlock", {"reason": reason}, token_from=url).status_code == 302
    assert _events("call.rules_unlock", call.id)[0].reason == reason

    fields = read_form(admin.get(url).get_data(as_text=True))
    fields = change(fields, criteria__0__weight="50", criteria__1__weight="30",
                    criteria__2__name="Regionale spreiding", criteria__2__weight="20")
    assert _post(admin, url, fields).status_code == 302
    event = _events("call.update", call.id)[0]
    assert event.reason == reason and "criteria" in event.changes
    db.session.expire_all()
    call = db.session.get(Call, call.id)
    assert len(call.criteria) == 3 and not call.rules_unlocked  # locked again after one change
    assert "Regels vergrendeld" in admin.get(url).get_data(as_text=True)


def test_drafts_in_progress_do_not_lock_the_rules(admin, factory):
    from grants.applications.states import ApplicationStatus
    call = factory.call()
    submitted_application(call, factory.organisation(), status=ApplicationStatus.DRAFT, submitted_at=None)
    db.session.commit()
    assert 'class="call-form"' in admin.get(f"/admin/calls/{call.id}/edit").get_data(as_text=True)


def test_decided_calls_cannot_be_edited(admin, factory):
    call = factory.call(status=CallStatus.DECIDED)
    db.session.commit()
    response = admin.get(f"/admin/calls/{call.id}/edit")
    assert response.status_code == 302
    assert "kan niet meer gewijzigd worden" in admin.get(f"/admin/calls/{call.id}").get_data(as_text=True)


# --------------------------------------------------------------------------- access and robustness


def _admin_urls(call_id: int) -> list[tuple[str, str]]:
    return [("GET", "/admin/calls"), ("GET", "/admin/calls/new?kind=action_plan"), ("POST", "/admin/calls/new?kind=action_plan"),
            ("GET", f"/admin/calls/{call_id}"), ("GET", f"/admin/calls/{call_id}/edit"),
            ("POST", f"/admin/calls/{call_id}/edit"), ("POST", f"/admin/calls/{call_id}/unlock"),
            ("POST", f"/admin/calls/{call_id}/lock"), ("POST", f"/admin/calls/{call_id}/status/publish"),
            ("GET", f"/admin/calls/{call_id}/duplicate"), ("POST", f"/admin/calls/{call_id}/duplicate")]


def test_admin_pages_send_anonymous_users_to_the_login_page(app, client, factory):
    app.config["WTF_CSRF_ENABLED"] = False
    call = factory.call(status=CallStatus.DRAFT)
    db.session.commit()
    for method, url in _admin_urls(call.id):
        response = client.open(url, method=method)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login"), (method, url)
    assert db.session.get(Call, call.id).status == CallStatus.DRAFT


@pytest.mark.parametrize("role", ["applicant", "juror"])
def test_admin_pages_are_refused_to_applicants_and_jurors(app, logged_in, factory, role):
    call = factory.call(status=CallStatus.DRAFT)
    db.session.commit()
    browser, _ = logged_in(role)
    app.config["WTF_CSRF_ENABLED"] = False
    for method, url in _admin_urls(call.id):
        assert browser.client.open(url, method=method).status_code == 403, (method, url)
    assert db.session.get(Call, call.id).status == CallStatus.DRAFT


def test_unknown_calls_are_404_for_admins(admin):
    for url in ("/admin/calls/999", "/admin/calls/999/edit", "/admin/calls/999/duplicate"):
        assert admin.get(url).status_code == 404
    assert admin.post("/admin/calls/999/status/publish", {}, token_from="/admin/calls").status_code == 404


def test_the_admin_list_groups_calls_by_status_with_application_counts(admin, factory):
    open_call = factory.call(title="Open oproep")
    factory.call(title="Ontwerpoproep", status=CallStatus.DRAFT)
    submitted_application(open_call, factory.organisation())
    db.session.commit()
    html = admin.get("/admin/calls").get_data(as_text=True)
    assert "Gepubliceerd (1)" in html and "Ontwerp (1)" in html
    assert "Open oproep" in html and "Ontwerpoproep" in html


def test_admin_pages_use_a_fixed_number_of_queries(app, admin, factory):
    factory.call()
    db.session.commit()
    with count_queries(app) as few:
        admin.get("/admin/calls")
    for _ in range(6):
        call = factory.call()
        submitted_application(call, factory.organisation())
    db.session.commit()
    with count_queries(app) as many:
        admin.get("/admin/calls")
    assert many.count == few.count

    big = factory.call(criteria=[Criterion(position=i, name=f"C{i}", weight=D(10)) for i in range(10)])
    small = factory.call()
    for _ in range(5):
        submitted_application(big, factory.organisation())
    db.session.commit()
    with count_queries(app) as show_big:
        admin.get(f"/admin/calls/{big.id}")
    with count_queries(app) as show_small:
        admin.get(f"/admin/calls/{small.id}")
    assert show_big.count == show_small.count


NASTY = ["", "-1", "0", "1e9999", "NaN", "٣", "12,345,678.9", "<b>x</b>", "' OR 1=1 --", "\x00", "☃" * 5000,
         "9" * 40]


@pytest.mark.parametrize("value", NASTY, ids=range(len(NASTY)))
def test_no_input_makes_the_call_form_fail(admin, factory, value):
    """Every field of the form with every kind of nonsense: a Dutch message (400), a save, or a
    conflict once an earlier save moved the version on (409); never a 500."""
    call = factory.call(status=CallStatus.DRAFT)
    db.session.commit()
    url = f"/admin/calls/{call.id}/edit"
    fields = read_form(admin.get(url).get_data(as_text=True))
    names = [name for name in fields.keys() if name not in ("csrf_token", "version")
             and not (name.count("-") == 2 and not name.split("-")[1] in ("0", "2"))]
    names += ["criteria-99-name", "criteria-abc-weight", "tranches-5-trigger", "version"]
    for name in names:
        response = _post(admin, url, change(fields, **{name.replace("-", "__"): value}))
        assert response.status_code in (200, 302, 400, 409), (name, response.status_code)


def test_nonsense_in_the_lifecycle_and_unlock_forms(admin, factory):
    call = factory.call()
    submitted_application(call, factory.organisation())
    db.session.commit()
    show = f"/admin/calls/{call.id}"
    response = admin.post(f"{show}/status/close", {"confirm": "1", "reason": "r" * 5000}, token_from=show)
    assert response.status_code == 302
    assert "De reden mag hoogstens 2000 tekens tellen." in page(admin.get(show))
    response = admin.post(f"{show}/unlock", {"reason": "\x00" * 20}, token_from=show)
    assert response.status_code == 400
    response = admin.post(f"{show}/lock", {}, token_from=show)
    assert response.status_code == 302 and "De regels zijn niet ontgrendeld." in page(admin.get(show))
    assert admin.get("/admin/calls/new?kind=%00%27").status_code == 200


# --------------------------------------------------------------------------- award rules


def test_the_call_says_whether_one_award_per_organisation_and_partial_awards_apply(admin):
    fields = _valid_counter_voices(admin)
    assert "one_award_per_organisation" not in fields and "partial_awards" not in fields  # off by default
    response = _post(admin, "/admin/calls/new?kind=counter_voices",
                     change(fields, one_award_per_organisation="y", partial_awards="y"))
    assert response.status_code == 302, page(response)
    call = _only_call()
    assert (call.one_award_per_organisation, call.partial_awards) == (True, True)
    rules = page(admin.get(f"/admin/calls/{call.id}"))
    assert "Per organisatie is hoogstens één toekenning mogelijk." in rules
    assert "gedeeltelijke toekenning" in rules
    fields = read_form(admin.get(f"/admin/calls/{call.id}/edit").get_data(as_text=True))
    assert fields["one_award_per_organisation"] == "y"
    assert _post(admin, f"/admin/calls/{call.id}/edit", change(fields, partial_awards=None)).status_code == 302
    db.session.refresh(call)
    assert (call.one_award_per_organisation, call.partial_awards) == (True, False)
    [event] = _events("call.update", call.id)
    assert event.changes["partial_awards"] == [True, False]


def _steps(html: str) -> list[tuple[str, str, bool, bool]]:
    """(anchor, title, marked as wrong, hidden) of each step of the call form's step navigation."""
    import re
    nav = html[html.index('<nav aria-labelledby="call-steps-title"'):]
    nav = nav[:nav.index("</nav>")]
    steps = []
    for item in re.findall(r"<li class=\"step[^\"]*\"[^>]*>.*?</li>", nav, re.S):
        anchor = re.search(r'href="#([\w-]+)"', item).group(1)
        title = re.search(r'<span class="step-title">(.*?)</span>', item).group(1)
        hidden = re.match(r"<li[^>]*\shidden[\s>]", item) is not None
        steps.append((anchor, title, "bevat een fout" in item, hidden))
    return steps


def test_the_call_form_has_a_step_navigation_to_its_parts_marking_those_with_an_error(admin):
    html, fields = _new_form(admin, "counter_voices")
    steps = _steps(html)
    assert [title for _a, title, _w, _h in steps] == [
        "Algemeen", "Indieningsperiode (Brusselse tijd)", "Budget en looptijd", "Wie mag indienen",
        "Cofinanciering en kosten", "Toekenning", "Selectie", "Beoordelingscriteria", "Indicatoren (KPI's)",
        "Rapportering", "Betalingsschijven"]
    for anchor, _title, wrong, hidden in steps:
        assert f'id="{anchor}"' in html  # every step leads to its part of the form
        assert not wrong and not hidden  # a competitive call shows its criteria step
    fields = fill_dates(change(fields, title="Tegengeluiden 2028", envelope="veel"),
                        brussels(2027, 11, 2, 9, 0), brussels(2028, 2, 25, 23, 59))
    refused = _post(admin, "/admin/calls/new?kind=counter_voices", fields)
    assert refused.status_code == 400
    wrong = [title for _a, title, is_wrong, _h in _steps(refused.get_data(as_text=True)) if is_wrong]
    assert wrong == ["Budget en looptijd"]
    # an error on a list as a whole (the weights do not add up to 100) marks the list's step
    fields = change(fields, envelope="500.000", **{"criteria-0-weight": "1"})
    refused = _post(admin, "/admin/calls/new?kind=counter_voices", fields)
    assert refused.status_code == 400
    wrong = [title for _a, title, is_wrong, _h in _steps(refused.get_data(as_text=True)) if is_wrong]
    assert wrong == ["Beoordelingscriteria"]


def test_a_sign_up_call_form_hides_the_criteria_step(admin):
    html, _fields = _new_form(admin, "action_plan")
    criteria = [s for s in _steps(html) if s[0] == "criteria-list"]
    assert len(criteria) == 1 and criteria[0][3]  # hidden with the criteria themselves (calls.js shows both)
