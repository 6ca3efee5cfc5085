"""Finding 2: a partner is invited and confirms or declines; until then it blocks nothing and sees only
the invitation; it can leave until submission; the lead cannot submit with unconfirmed partners; every
step is audited and mailed."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from grants.accounts.models import MailMessage
from grants.applications.models import Application
from grants.applications.rules import build_checklist
from grants.applications.queries import checklist_input
from grants.applications.states import ApplicationStatus as S
from grants.audit.models import AuditEvent
from grants.extensions import db
from grants.organisations.models import Partnership, PartnershipMember
from grants.organisations.states import PartnerStatus
from grants.timeutil import utcnow

from tests.support.applications import complete_application, submit_form
from tests.support.calls import page as _page


def page(response) -> str:
    """The page's text without tags (names are in <strong> within sentences)."""
    import re
    return re.sub(r"<[^>]+>", "", _page(response))


@pytest.fixture
def setting(factory):
    gent = factory.organisation("Gent", refnis="44021", contact_email="info@gent.be")
    melle = factory.organisation("Merelbeke-Melle", refnis="44088", contact_email="info@melle.be")
    deinze = factory.organisation("Deinze", refnis="44083")
    call = factory.call(one_application_per_organisation=True, partnerships_allowed=True)
    lead_user = factory.user(email="els@gent.be", organisations=[gent])
    melle_user = factory.user(email="jan@melle.be", organisations=[melle])
    deinze_user = factory.user(email="an@deinze.be", organisations=[deinze])
    app = complete_application(call, gent, lead_user, summary="Geheime samenvatting van Gent.")
    db.session.commit()
    return {"gent": gent, "melle": melle, "deinze": deinze, "call": call, "app": app, "lead": lead_user,
            "melle_user": melle_user, "deinze_user": deinze_user}


def _as(client_factory, factory, user):
    """A browser of its own for this user."""
    from tests.conftest import Browser
    browser = Browser(client_factory())
    assert browser.login(user.email, factory.PASSWORD).status_code == 302
    return browser


@pytest.fixture
def as_user(app, factory):
    return lambda user: _as(app.test_client, factory, user)


def _invite(browser, app_id: int, code: str):
    return browser.post(f"/applications/{app_id}/partners", {"code": code},
                        token_from=f"/applications/{app_id}/sections/partners")


def _member(app_id: int, org_id: int) -> PartnershipMember | None:
    db.session.expire_all()
    app = db.session.get(Application, app_id)
    return next((m for m in app.partner_members if m.organisation_id == org_id), None)


def _mails_to(address: str) -> list[MailMessage]:
    return list(db.session.scalars(sa.select(MailMessage).where(MailMessage.recipient == address)
                                   .order_by(MailMessage.id)))


def test_an_invited_partner_sees_only_the_invitation(setting, as_user):
    lead, partner = as_user(setting["lead"]), as_user(setting["melle_user"])
    app_id = setting["app"].id
    assert _invite(lead, app_id, "44088").status_code == 302
    assert _member(app_id, setting["melle"].id).status == PartnerStatus.INVITED
    # Not the application, nor any of its pages: the same 404 as for a stranger.
    for url in (f"/applications/{app_id}", f"/applications/{app_id}/print", f"/applications/{app_id}/receipt",
                f"/applications/{app_id}/sections/summary"):
        assert partner.get(url).status_code == 404, url
    home = page(partner.get("/"))
    assert "Uitnodigingen als partner" in home and "Gent nodigt Merelbeke-Melle uit als partner" in home
    assert "Samen tegen haat online" not in home  # the title of the application is not on the home page list
    invitation = page(partner.get(f"/applications/{app_id}/invitation"))
    assert "Gent nodigt uw organisatie uit als partner" in invitation
    assert "Geheime samenvatting van Gent." not in invitation
    # Someone of an organisation that was not invited does not even see the invitation.
    assert as_user(setting["deinze_user"]).get(f"/applications/{app_id}/invitation").status_code == 404
    # Mailed to the partner's general address and its applicants, with the link; audited.
    for address in ("info@melle.be", "jan@melle.be"):
        mail = _mails_to(address)
        assert len(mail) == 1 and mail[0].subject.startswith("Uitnodiging als partner")
        assert f"http://localhost/applications/{app_id}/invitation" in mail[0].body
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "application.partner_invite"))
    assert event.object_id == app_id and event.reason == "Merelbeke-Melle"


def test_an_invitation_blocks_nothing(setting, as_user, factory):
    """Melle, invited by Gent, may apply itself and may be invited by another lead; confirming Gent's
    invitation is then refused, because it has its own application."""
    lead, partner = as_user(setting["lead"]), as_user(setting["melle_user"])
    call, app_id = setting["call"], setting["app"].id
    assert _invite(lead, app_id, "44088").status_code == 302
    deinze_app = complete_application(call, setting["deinze"], setting["deinze_user"])
    db.session.commit()
    assert _invite(as_user(setting["deinze_user"]), deinze_app.id, "44088").status_code == 302
    # Melle starts its own application: not "heeft al een aanvraag voor deze oproep".
    response = partner.post(f"/applications/new/{call.id}", {"organisation_id": str(setting["melle"].id)})
    assert response.status_code == 302, page(response)
    own = db.session.scalar(sa.select(Application).where(Application.organisation_id == setting["melle"].id))
    assert own.status == S.DRAFT
    # Now it cannot confirm: one application per organisation.
    refused = partner.post(f"/applications/{app_id}/invitation/{setting['melle'].id}", {"decision": "confirm"},
                           token_from=f"/applications/{app_id}/invitation")
    assert refused.status_code == 400
    assert "heeft zelf een aanvraag voor deze oproep" in page(refused)
    assert _member(app_id, setting["melle"].id).status == PartnerStatus.INVITED


def test_the_lead_cannot_submit_until_the_partner_confirms(setting, as_user):
    lead, partner = as_user(setting["lead"]), as_user(setting["melle_user"])
    app_id = setting["app"].id
    assert _invite(lead, app_id, "44088").status_code == 302
    overview = page(lead.get(f"/applications/{app_id}"))
    assert "Nog niet bevestigd door Merelbeke-Melle." in overview
    refused = lead.client.post(f"/applications/{app_id}/submit", data=submit_form(lead, app_id))
    assert refused.status_code == 400 and "Nog niet bevestigd door Merelbeke-Melle." in page(refused)
    assert db.session.get(Application, app_id).status == S.DRAFT
    # The partner confirms: the lead is mailed, the partner now reads the application (and only reads).
    confirmed = partner.post(f"/applications/{app_id}/invitation/{setting['melle'].id}", {"decision": "confirm"},
                             token_from=f"/applications/{app_id}/invitation")
    assert confirmed.status_code == 302 and confirmed.headers["Location"].endswith(f"/applications/{app_id}")
    assert _member(app_id, setting["melle"].id).status == PartnerStatus.CONFIRMED
    shown = page(partner.get(f"/applications/{app_id}"))
    assert "Geheime samenvatting van Gent." in shown and "Uw organisatie is partner in deze aanvraag" in shown
    assert partner.get(f"/applications/{app_id}/sections/summary").status_code == 403
    mail = _mails_to("els@gent.be")[-1]
    assert mail.subject.startswith("Merelbeke-Melle is partner")
    assert db.session.scalar(sa.select(AuditEvent.id).where(AuditEvent.action == "application.partner_confirm"))
    # And the lead can submit.
    submitted = lead.client.post(f"/applications/{app_id}/submit", data=submit_form(lead, app_id))
    assert submitted.status_code == 302, page(submitted)
    assert db.session.get(Application, app_id).status == S.SUBMITTED


def test_a_declined_invitation_tells_the_lead_and_gives_nothing(setting, as_user):
    lead, partner = as_user(setting["lead"]), as_user(setting["melle_user"])
    app_id = setting["app"].id
    assert _invite(lead, app_id, "44088").status_code == 302
    declined = partner.post(f"/applications/{app_id}/invitation/{setting['melle'].id}", {"decision": "decline"},
                            token_from=f"/applications/{app_id}/invitation")
    assert declined.status_code == 302
    assert _member(app_id, setting["melle"].id).status == PartnerStatus.DECLINED
    assert partner.get(f"/applications/{app_id}").status_code == 404
    assert partner.get(f"/applications/{app_id}/invitation").status_code == 404  # answered: nothing left to see
    assert "weigert de uitnodiging" in _mails_to("els@gent.be")[-1].subject
    declined_event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "application.partner_decline")).one()
    assert declined_event.object_id == app_id and declined_event.actor_id == setting["melle_user"].id
    partners_page = page(lead.get(f"/applications/{app_id}/sections/partners"))
    assert "geweigerd" in partners_page and "Opnieuw uitnodigen" in partners_page
    assert "Merelbeke-Melle weigerde de uitnodiging." in page(lead.get(f"/applications/{app_id}"))
    # Invited again, it may confirm after all.
    assert _invite(lead, app_id, "44088").status_code == 302
    assert _member(app_id, setting["melle"].id).status == PartnerStatus.INVITED


def test_a_confirmed_partner_can_leave_until_submission(setting, as_user):
    lead, partner = as_user(setting["lead"]), as_user(setting["melle_user"])
    app_id, melle_id = setting["app"].id, setting["melle"].id
    assert _invite(lead, app_id, "44088").status_code == 302
    partner.post(f"/applications/{app_id}/invitation/{melle_id}", {"decision": "confirm"},
                 token_from=f"/applications/{app_id}/invitation")
    assert "uit dit samenwerkingsverband halen" in page(partner.get(f"/applications/{app_id}"))
    left = partner.post(f"/applications/{app_id}/partners/{melle_id}/leave", token_from=f"/applications/{app_id}")
    assert left.status_code == 302
    assert _member(app_id, melle_id) is None and db.session.get(Application, app_id).partnership is None
    assert "stapt uit het samenwerkingsverband" in _mails_to("els@gent.be")[-1].subject
    assert db.session.scalar(sa.select(AuditEvent.id).where(AuditEvent.action == "application.partner_leave"))
    assert partner.get(f"/applications/{app_id}").status_code == 404
    # Once submitted, leaving is no longer possible.
    assert _invite(lead, app_id, "44088").status_code == 302
    partner.post(f"/applications/{app_id}/invitation/{melle_id}", {"decision": "confirm"},
                 token_from=f"/applications/{app_id}/invitation")
    assert lead.client.post(f"/applications/{app_id}/submit", data=submit_form(lead, app_id)).status_code == 302
    assert "uit dit samenwerkingsverband halen" not in page(partner.get(f"/applications/{app_id}"))
    refused = partner.post(f"/applications/{app_id}/partners/{melle_id}/leave", token_from=f"/applications/{app_id}")
    assert refused.status_code == 403
    assert _member(app_id, melle_id).status == PartnerStatus.CONFIRMED


def test_the_lead_removing_a_partner_mails_it(setting, as_user):
    lead = as_user(setting["lead"])
    app_id, melle_id = setting["app"].id, setting["melle"].id
    assert _invite(lead, app_id, "44088").status_code == 302
    removed = lead.post(f"/applications/{app_id}/partners/{melle_id}/remove",
                        token_from=f"/applications/{app_id}/sections/partners")
    assert removed.status_code == 302 and _member(app_id, melle_id) is None
    assert _mails_to("info@melle.be")[-1].subject.startswith("Niet langer partner")
    removed_event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "application.partner_remove")).one()
    assert removed_event.object_id == app_id and removed_event.actor_id == setting["lead"].id


def test_the_database_counts_only_confirmed_memberships(setting, factory):
    """The last line of defence: invited twice in one call is fine, confirmed twice is refused."""
    call, melle = setting["call"], setting["melle"]
    one = Partnership(call_id=call.id, name="Een", lead_organisation_id=setting["gent"].id)
    two = Partnership(call_id=call.id, name="Twee", lead_organisation_id=setting["deinze"].id)
    db.session.add_all([one, two])
    db.session.flush()
    first = PartnershipMember(partnership_id=one.id, call_id=call.id, organisation_id=melle.id,
                              status=PartnerStatus.INVITED)
    second = PartnershipMember(partnership_id=two.id, call_id=call.id, organisation_id=melle.id,
                               status=PartnerStatus.INVITED)
    db.session.add_all([first, second])
    db.session.flush()
    first.status = PartnerStatus.CONFIRMED
    db.session.flush()
    second.status = PartnerStatus.CONFIRMED
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("statuses, state, detail", [
    ((PartnerStatus.CONFIRMED,), "ok", "De partner heeft bevestigd: Merelbeke-Melle."),
    ((PartnerStatus.INVITED,), "fail", "Nog niet bevestigd door Merelbeke-Melle."),
    ((PartnerStatus.DECLINED,), "fail", "Merelbeke-Melle weigerde de uitnodiging."),
    ((PartnerStatus.CONFIRMED, PartnerStatus.INVITED), "fail", "Nog niet bevestigd door Deinze."),
])
def test_the_checklist_item_for_partners(setting, factory, statuses, state, detail):
    app = setting["app"]
    partners = [setting["melle"], setting["deinze"]][:len(statuses)]
    partnership = factory.partnership(app, *partners)
    for member, status in zip([m for m in partnership.members if m.organisation_id != app.organisation_id],
                              sorted(statuses, key=lambda s: s != PartnerStatus.CONFIRMED)):
        member.status = status
    db.session.flush()
    db.session.expire(app)
    item = next(i for i in build_checklist(checklist_input(app, utcnow())) if i.key == "partners")
    assert item.state == state and item.detail.startswith(detail), item.detail
