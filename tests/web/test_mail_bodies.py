"""The mails of applications and accounts, word for word: the receipt, the screening outcomes, the
request for information, the password reset and the invitation (templates under templates/mail/).

Mail goes out in the agency's language (Dutch) whatever language the acting user's pages are in,
except the password reset, which only the person asking receives; values typed by users appear
as typed (plain text: nothing is HTML-escaped).
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal as D

import pytest
import sqlalchemy as sa
from flask import session

from grants.accounts.models import MailMessage, Role
from grants.accounts.operations import create_user, request_password_reset
from grants.applications import operations as ops
from grants.applications.states import ApplicationStatus as S
from grants.audit.models import AuditEvent
from grants.extensions import db
from grants.i18n import _, forget_catalogue
from grants.mail_templates import agency_text, render_mail, unique_addresses

NOW = datetime(2027, 3, 1, 13, 5, tzinfo=timezone.utc)  # 14:05 in Brussels
SIGNATURE = "Met vriendelijke groeten,\nAgentschap Binnenlands Bestuur - Plan Samenleven"


@pytest.fixture
def clock(monkeypatch):
    moments = {"now": NOW}
    monkeypatch.setattr(ops, "current_time", lambda: moments["now"])
    return moments


@pytest.fixture
def setting(factory, clock):
    call = factory.call(title="Tegengeluiden 2027", dossier_prefix="TG", opens_at=NOW - timedelta(days=10),
                        closes_at=NOW + timedelta(days=20))
    gent = factory.organisation("Gent", refnis="44021", contact_email="info@gent.be")
    els = factory.user(organisations=[gent], email="els@gent.be", name="Els Peeters")
    admin = factory.user(role="admin", email="ann@abb.be", name="Ann Dossierbeheerder")
    app = factory.application(call, gent, user=els)
    db.session.flush()
    return {"call": call, "app": app, "els": els, "admin": admin}


def _mails() -> list[MailMessage]:
    return list(db.session.scalars(sa.select(MailMessage).order_by(MailMessage.id)))


@pytest.fixture
def english(app):
    """Within a request whose pages are in English (the language switch)."""
    context = app.test_request_context("/")
    context.push()
    session["lang"] = "en"
    forget_catalogue()  # the test's app context may have looked the language up already
    yield
    context.pop()
    forget_catalogue()


def test_the_receipt_of_a_submission(setting):
    app, els = setting["app"], setting["els"]
    ops.submit_application(app, els, loaded_version=None, view_url="http://localhost/applications/7")
    mails = _mails()
    assert [m.recipient for m in mails] == ["els@gent.be", "info@gent.be"]
    number = app.dossier_number
    assert number == "TG-2027-0001"
    assert {m.subject for m in mails} == {"Ontvangstbevestiging TG-2027-0001: Samen tegen haat online"}
    assert mails[0].body == (
        "Beste,\n\n"
        "Het Agentschap Binnenlands Bestuur heeft de aanvraag goed ontvangen op 01-03-2027 om 14:05.\n\n"
        "Dossiernummer: TG-2027-0001\n"
        "Oproep: Tegengeluiden 2027\n"
        "Aanvrager: Gent\n"
        "Project: Samen tegen haat online\n"
        "Gevraagde subsidie: 40.000,00 EUR\n"
        "Totale projectkost: 45.000,00 EUR\n"
        "Ingediend door: Els Peeters (els@gent.be)\n\n"
        "Vermeld het dossiernummer in al uw berichten over deze aanvraag.\n"
        "U volgt de aanvraag op via http://localhost/applications/7\n\n" + SIGNATURE)
    assert mails[1].body == mails[0].body


def test_the_receipt_of_a_resubmission_without_a_link(setting, clock):
    app, els, admin = setting["app"], setting["els"], setting["admin"]
    ops.submit_application(app, els, loaded_version=None)
    ops.request_information(app, "Voeg de begroting toe.", NOW + timedelta(days=5), admin)
    clock["now"] = NOW + timedelta(days=1, hours=2, minutes=30)
    db.session.execute(sa.delete(MailMessage))
    ops.submit_application(app, els, loaded_version=None, response="Begroting toegevoegd.")
    body = _mails()[0].body
    assert body.startswith("Beste,\n\nHet Agentschap Binnenlands Bestuur heeft de aanvulling van uw aanvraag goed "
                           "ontvangen op 02-03-2027 om 16:35.\n\nDossiernummer: TG-2027-0001\n")
    assert body.endswith("Vermeld het dossiernummer in al uw berichten over deze aanvraag.\n\n\n" + SIGNATURE)


def test_the_screening_outcomes(setting):
    app, els, admin = setting["app"], setting["els"], setting["admin"]
    ops.submit_application(app, els, loaded_version=None)
    db.session.execute(sa.delete(MailMessage))
    ops.screen_application(app, S.INADMISSIBLE, "  Te laat ingediend.  ", admin)
    ops.screen_application(app, S.ADMISSIBLE, "", admin)
    inadmissible, admissible = [m for m in _mails() if m.recipient == "els@gent.be"]
    assert inadmissible.subject == "Uw aanvraag TG-2027-0001 is onontvankelijk"
    assert inadmissible.body == (
        "Beste,\n\n"
        "Uw aanvraag 'Samen tegen haat online' (TG-2027-0001) voor de oproep 'Tegengeluiden 2027' is onontvankelijk "
        "verklaard.\n\n"
        "Reden: Te laat ingediend.\n\n" + SIGNATURE)
    assert admissible.subject == "Uw aanvraag TG-2027-0001 is ontvankelijk"
    assert admissible.body == (
        "Beste,\n\n"
        "Uw aanvraag 'Samen tegen haat online' (TG-2027-0001) voor de oproep 'Tegengeluiden 2027' is ontvankelijk "
        "en wordt nu beoordeeld.\n\n" + SIGNATURE)
    # The applicant who submitted, the organisation's address and the contact person, each once.
    assert sorted({m.recipient for m in _mails()}) == ["els@gent.be", "info@gent.be"]


@pytest.mark.parametrize("view_url, link_line", [
    ("http://localhost/applications/7", "U vindt de aanvraag op http://localhost/applications/7"),
    ("", ""),
])
def test_the_request_for_information(setting, view_url, link_line):
    app, els, admin = setting["app"], setting["els"], setting["admin"]
    ops.submit_application(app, els, loaded_version=None)
    db.session.execute(sa.delete(MailMessage))
    due = datetime(2027, 3, 15, 22, 59, tzinfo=timezone.utc)  # 23:59 in Brussels
    ops.request_information(app, "  Voeg het engagement van de school toe.\n", due, admin, view_url=view_url)
    mail = _mails()[0]
    assert mail.subject == "Aanvullende informatie gevraagd voor TG-2027-0001"
    assert mail.body == (
        "Beste,\n\n"
        "Het agentschap vraagt aanvullende informatie over uw aanvraag 'Samen tegen haat online' (TG-2027-0001).\n\n"
        "Voeg het engagement van de school toe.\n\n"
        "De aanvraag staat voor u open tot 15-03-2027 om 23:59. Vul ze aan en dien ze opnieuw in.\n"
        f"{link_line}\n\n" + SIGNATURE)


def test_typed_values_appear_as_typed(setting):
    app, els = setting["app"], setting["els"]
    app.title = "Jongeren <online> & 'offline'"
    ops.submit_application(app, els, loaded_version=None)
    mail = _mails()[0]
    assert "Project: Jongeren <online> & 'offline'\n" in mail.body
    assert mail.subject.endswith(": Jongeren <online> & 'offline'")


def test_the_password_reset(factory):
    factory.user(email="els@gent.be", name="Els Peeters")
    request_password_reset("els@gent.be")
    mail = _mails()[0]
    assert mail.subject == "Nieuw wachtwoord kiezen - Plan Samenleven"
    body = re.sub(r"/password/reset/\S+", "/password/reset/TOKEN", mail.body)
    assert body == (
        "Beste Els Peeters,\n\n"
        "Via deze link kiest u een nieuw wachtwoord (geldig gedurende 60 minuten, één keer te gebruiken):\n\n"
        "http://localhost/password/reset/TOKEN\n\n"
        "Hebt u dit niet gevraagd? Dan mag u deze e-mail negeren.\n\n"
        "Agentschap Binnenlands Bestuur")


@pytest.mark.parametrize("role, label", [(Role.APPLICANT, "aanvrager"), (Role.JUROR, "jurylid"),
                                         (Role.ADMIN, "dossierbeheerder ABB")])
def test_the_invitation(factory, role, label):
    create_user(email="Nieuw@Gent.be", role=role, name="", invite=True)
    mail = _mails()[0]
    assert mail.recipient == "nieuw@gent.be"
    assert mail.subject == "Uitnodiging - Plan Samenleven projectoproepen"
    body = re.sub(r"/password/reset/\S+", "/password/reset/TOKEN", mail.body)
    assert body == (
        "Beste nieuw@gent.be,\n\n"
        f"U hebt een account gekregen als {label} voor de projectoproepen van het Agentschap Binnenlands Bestuur.\n"
        "Kies via deze link een wachtwoord:\n\n"
        "http://localhost/password/reset/TOKEN\n\n"
        "Agentschap Binnenlands Bestuur")


# --------------------------------------------------------------------------- languages


def test_mail_caused_on_an_english_page_goes_out_in_dutch(setting, english):
    app, els = setting["app"], setting["els"]
    assert _("Dossiernummer") == "Dossier number"  # the page is English
    ops.submit_application(app, els, loaded_version=None)
    body = _mails()[0].body
    assert "Dossiernummer: TG-2027-0001\n" in body and "Gevraagde subsidie: 40.000,00 EUR\n" in body
    assert "Dossier number" not in body
    assert _("Dossiernummer") == "Dossier number"  # and is English again after the mail


def test_an_invitation_from_an_english_page_names_the_role_in_dutch(factory, english):
    create_user(email="jan@aalst.be", role=Role.JUROR, invite=True)
    assert "U hebt een account gekregen als jurylid voor" in _mails()[0].body
    assert Role.JUROR.label == "juror"


def test_a_mail_template_renders_in_the_language_asked(app):
    with app.test_request_context("/"):  # a Dutch page asks for an English mail
        _a_mail_in_english()


def _a_mail_in_english():
    body = render_mail("invitation", language="en", name="Jan", role=Role.JUROR.text, reset_url="http://x/y")
    assert "You have been given an account as juror for the project calls" in body
    receipt = render_mail("application_receipt", language="en", resubmission=False, received_at=NOW,
                          dossier_number="TG-2027-0001", call_title="Oproep", organisation="Gent", title="T",
                          requested=D("1234.5"), total_cost=D("2000"), submitted_by="Els", submitted_by_email="e@x.be",
                          view_url="")
    assert "Dossier number: TG-2027-0001\n" in receipt and "1.234,50 EUR" in receipt


def test_audit_texts_stay_dutch_when_the_page_is_english(setting, english):
    app, els = setting["app"], setting["els"]
    assert agency_text(ops.sec.SECTIONS["problem"].title) == "Probleemanalyse"
    ops.save_section(app, "problem", {"problem_analysis": "Nieuw."}, els, loaded_version=app.version,
                     loaded_fingerprint="")
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "application.update"))
    assert event.reason == "Probleemanalyse"
    assert str(ops.sec.SECTIONS["problem"].title) == "Problem analysis"


@pytest.mark.parametrize("given, expected", [
    (["els@gent.be", "info@gent.be"], ["els@gent.be", "info@gent.be"]),
    (["Els@Gent.be", None, "", "els@gent.be", "info@gent.be"], ["Els@Gent.be", "info@gent.be"]),
    ([None, ""], []),
])
def test_each_address_gets_a_mail_once(given, expected):
    assert unique_addresses(given) == expected


def test_the_password_reset_follows_the_page_it_was_asked_on(factory, english):
    """Only the person asking receives it: in the language of their page."""
    factory.user(email="els@gent.be", name="Els Peeters")
    request_password_reset("els@gent.be")
    assert _mails()[0].body.endswith("\n\nAgency for Domestic Governance (ABB)")
