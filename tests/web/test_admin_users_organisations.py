"""Admin pages for users and organisations, with their validation and audit trail."""
from __future__ import annotations

import re

import sqlalchemy as sa

from grants.accounts.models import Role, User
from grants.audit.models import AuditEvent
from grants.extensions import db
from grants.organisations.models import Organisation


def test_admin_invites_a_user_who_chooses_a_password(logged_in, municipalities, smtp_server, browser):
    admin_browser, admin = logged_in("admin")
    gent = db.session.scalar(sa.select(Organisation).where(Organisation.refnis == "44021"))
    response = admin_browser.post("/admin/users/new", {
        "email": "Els@Gent.be", "name": "Els", "role": "applicant", "organisation_codes": "44021",
        "active": "y", "send_invitation": "y"}, token_from="/admin/users/new")
    assert response.status_code == 302, response.get_data(as_text=True)
    user = db.session.scalar(sa.select(User).where(User.email == "els@gent.be"))
    assert user.role == Role.APPLICANT and [o.name for o in user.organisations] == ["Gent"]
    assert user.password_hash is None
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "user.create",
                                                          AuditEvent.object_id == user.id))
    assert event.actor_id == admin.id and event.changes["organisations"] == [[], [gent.id]]
    mail = smtp_server.wait_for(1)
    assert mail and mail[0]["to"] == ["els@gent.be"] and "Uitnodiging" in mail[0]["subject"]
    link = re.search(r"http://localhost(/password/reset/\S+)", mail[0]["body"]).group(1)
    admin_browser.logout()
    assert browser.post(link, {"password": "my-own-pass-1", "confirm": "my-own-pass-1"},
                        token_from=link).status_code == 302
    assert browser.login("els@gent.be", "my-own-pass-1").status_code == 302


def test_user_form_validation_in_dutch_keeps_input(logged_in):
    browser, _ = logged_in("admin")
    response = browser.post("/admin/users/new", {"email": "not-an-email", "name": "Ann <b>", "role": "juror",
                                                 "organisation_codes": "99999\nabc"}, token_from="/admin/users/new")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Geef een geldig e-mailadres" in html
    assert "Onbekende organisatie: 99999, abc" in html
    assert 'value="Ann &lt;b&gt;"' in html  # kept, escaped
    response = browser.post("/admin/users/new", {"email": "x@y.be", "name": "x" * 500, "role": "wizard"},
                            token_from="/admin/users/new")
    assert response.status_code == 400
    assert "Hoogstens 200 tekens." in response.get_data(as_text=True)


def test_duplicate_email_is_refused(logged_in, factory):
    browser, _ = logged_in("admin")
    factory.user(email="taken@gent.be")
    db.session.commit()
    response = browser.post("/admin/users/new", {"email": "taken@gent.be", "role": "juror"},
                            token_from="/admin/users/new")
    assert response.status_code == 400 and "bestaat al" in response.get_data(as_text=True)


def test_admin_changes_role_and_organisations_with_history(logged_in, factory, municipalities):
    browser, admin = logged_in("admin")
    user = factory.user(role="applicant")
    db.session.commit()
    antwerpen = db.session.scalar(sa.select(Organisation).where(Organisation.refnis == "11002"))
    url = f"/admin/users/{user.id}"
    response = browser.post(url, {"email": user.email, "name": "Jan", "role": "juror",
                                  "organisation_codes": "11002\n", "active": "y"}, token_from=url)
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.role == Role.JUROR and user.organisation_ids == {antwerpen.id}
    history = browser.get(f"/admin/history/users/{user.id}").get_data(as_text=True)
    # In words: who changed what, the roles by their labels, organisations by name.
    assert "wijzigde het account" in history and "user.update" not in history
    assert "aanvrager" in history and "jurylid" in history and "Antwerpen" in history


def test_admin_cannot_demote_themselves(logged_in):
    browser, admin = logged_in("admin")
    url = f"/admin/users/{admin.id}"
    response = browser.post(url, {"email": admin.email, "role": "juror", "active": "y"}, token_from=url)
    assert response.status_code == 400 and "eigen beheerdersrechten" in response.get_data(as_text=True)


def test_unknown_user_and_history_are_404(logged_in):
    browser, _ = logged_in("admin")
    assert browser.get("/admin/users/999999").status_code == 404
    assert browser.get("/admin/history/no_such_table/1").status_code == 404


def test_admin_adds_an_organisation_with_a_valid_kbo(logged_in):
    browser, admin = logged_in("admin")
    response = browser.post("/admin/organisations/new", {
        "name": "Jeugdhuis De Brug", "kind": "nonprofit", "kbo": "BE 0123.456.749", "place": "Gent",
        "province": "Oost-Vlaanderen", "contact_email": "info@debrug.be"}, token_from="/admin/organisations/new")
    assert response.status_code == 302
    org = db.session.scalar(sa.select(Organisation).where(Organisation.name == "Jeugdhuis De Brug"))
    assert org.kbo == "0123456749"
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.object_type == "organisations",
                                                         AuditEvent.object_id == org.id)).actor_id == admin.id
    page = browser.get(f"/admin/organisations/{org.id}").get_data(as_text=True)
    assert "0123.456.749" in page


def test_kbo_with_wrong_check_digits_gets_a_dutch_message_and_keeps_the_rest(logged_in):
    browser, _ = logged_in("admin")
    response = browser.post("/admin/organisations/new", {
        "name": "Jeugdhuis De Brug", "kind": "nonprofit", "kbo": "0123.456.748", "place": "Gent"},
        token_from="/admin/organisations/new")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "controlecijfers zijn fout" in html
    assert 'value="Jeugdhuis De Brug"' in html and 'value="Gent"' in html
    for bad in ("abc", "12", "2123.456.749", "x" * 50):
        response = browser.post("/admin/organisations/new", {"name": "X", "kind": "nonprofit", "kbo": bad},
                                token_from="/admin/organisations/new")
        assert response.status_code == 400, bad


def test_duplicate_kbo_is_refused(logged_in, factory):
    browser, _ = logged_in("admin")
    factory.organisation(name="Bestaat", kind="nonprofit", kbo="0123456749")
    db.session.commit()
    response = browser.post("/admin/organisations/new", {"name": "Nieuw", "kind": "nonprofit", "kbo": "0123456749"},
                            token_from="/admin/organisations/new")
    assert response.status_code == 400 and "bestaat al" in response.get_data(as_text=True)


def test_organisation_list_filters(logged_in, municipalities):
    browser, _ = logged_in("admin")
    html = browser.get("/admin/organisations/?q=gent&kind=municipality").get_data(as_text=True)
    assert ">Gent</a>" in html and ">Antwerpen</a>" not in html
    html = browser.get("/admin/organisations/?province=Limburg").get_data(as_text=True)
    assert "38 organisaties" in html
    assert browser.get("/admin/organisations/?page=1&kind=<script>").status_code == 200
