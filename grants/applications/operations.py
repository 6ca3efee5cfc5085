"""The only code that changes applications: validate, write, audit, queue mail, flush.

Every refusal is an ApplicationError with a message for the page (Dutch, or the page's language),
built where it is raised; the request commits. Mail bodies are templates under templates/mail/.
"""
from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from ..audit.operations import diff, record
from ..calls.models import Call
from ..calls.rules import Applicant, WaiverStatus, check_eligibility
from ..extensions import db
from ..i18n import _, lazy_gettext
from ..mail_templates import agency_text, queue_template_mail
from ..links import external_url
from ..locking import lock_for_update
from ..organisations.models import Organisation, Partnership, PartnershipMember
from ..organisations.operations import find_organisation_by_code
from ..organisations.states import PartnerStatus
from ..timeutil import format_local, utcnow
from ..unit_of_work import after_commit
from . import sections as sec
from .models import Application, Attachment, AttachmentKind, InformationRequest
from .queries import checklist_for, existing_application_counts, next_dossier_number
from .rules import failing
from .states import ApplicationStatus as S
from .states import APPLICATION_STATES, can_transition, refusal_message
from . import storage
from .storage import StoredFile, Upload


class ApplicationError(ValueError):
    """A refused change; the message is shown to the user, next to `field` when it names one."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


class EditConflict(ApplicationError):
    """Someone else saved this section after the form was loaded; nothing was written."""

    def __init__(self, message: str, *, theirs: list[tuple[str, str]]):
        super().__init__(message)
        self.theirs = theirs


class ChangedSinceLoaded(ApplicationError):
    """The application changed after the user looked at it; they should look again before acting."""


class AlreadySubmitted(ApplicationError):
    """A second submit of the same application (double click, retry, another tab): it has its dossier
    number already, and the answer is its existing receipt, never a second dossier."""

    def __init__(self, message: str, *, application: Application):
        super().__init__(message)
        self.application = application


class AlreadyStarted(ApplicationError):
    """A second "start" for the same call and organisation by the same person moments after the first
    (double click, retry after a timeout): the answer is the draft the first one created."""

    def __init__(self, message: str, *, application: Application):
        super().__init__(message)
        self.application = application


class SubmissionRefused(ApplicationError):
    def __init__(self, message: str, *, reasons: list[str]):
        super().__init__(message)
        self.reasons = reasons


def current_time() -> datetime:
    """The clock every application rule reads (one place, so tests can move it)."""
    return utcnow()


def _moment(value: datetime) -> str:
    return _("%(date)s om %(time)s", date=format_local(value, "%d-%m-%Y"), time=format_local(value, "%H:%M"))


def _someone(user) -> str:
    return user.display_name if user is not None else _("iemand anders")


def _touch(app: Application, actor, now: datetime) -> None:
    """Mark the application as changed: this also raises its version, even when only child rows changed."""
    app.updated_at = now
    app.updated_by_id = actor.id if actor is not None else None


def _set_status(app: Application, target: S) -> list[Any]:
    if not can_transition(app.status, target):
        raise ApplicationError(refusal_message(app.status, target))
    old = app.status
    app.status = target
    return [old, target]


# --------------------------------------------------------------------------- editing rules


def edit_refusal(app: Application, now: datetime, *, submitting: bool = False) -> str | None:
    """Why the applicant may not change (or, `submitting`, submit) this application now, or None."""
    if app.status == S.DRAFT:
        if app.call.is_open_at(now):
            return None
        if now >= app.call.closes_at:
            if submitting:
                return _("De indieningstermijn van deze oproep is afgelopen op %(moment)s; de aanvraag kan niet "
                         "meer ingediend worden.", moment=_moment(app.call.closes_at))
            return _("De indieningstermijn van deze oproep is afgelopen op %(moment)s; de aanvraag kan niet meer "
                     "gewijzigd of ingediend worden.", moment=_moment(app.call.closes_at))
        return _("De oproep staat niet open voor indiening.")
    if app.status == S.INFO_REQUESTED:
        request = app.open_info_request
        if request is not None and now < request.due_at:
            return None
        if request is None:
            return _("De termijn om de aanvraag aan te vullen is afgelopen.")
        return _("De termijn om de aanvraag aan te vullen is afgelopen op %(moment)s.", moment=_moment(request.due_at))
    return _("Een aanvraag met status '%(status)s' kan niet meer gewijzigd worden.", status=app.status.label)


def ensure_editable(app: Application, now: datetime) -> None:
    reason = edit_refusal(app, now)
    if reason:
        raise ApplicationError(reason)


# --------------------------------------------------------------------------- start


# A second start by the same person for the same call and organisation within this time is taken for
# a repeat of the first (double click, retry after a timeout), not for a wish to have two drafts.
REPEATED_START_WINDOW = timedelta(minutes=2)


def start_application(call: Call, organisation: Organisation, actor) -> Application:
    """Create a draft. Starts for one organisation take turns (a lock on its row), so two clicks in the
    same instant see each other: the second raises AlreadyStarted with the first one's draft."""
    now = current_time()
    lock_for_update(organisation)
    repeated = db.session.scalar(
        sa.select(Application).where(Application.call_id == call.id, Application.organisation_id == organisation.id,
                                     Application.created_by_id == actor.id, Application.status == S.DRAFT,
                                     Application.created_at >= now - REPEATED_START_WINDOW)
        .order_by(Application.id.desc()).limit(1))
    if repeated is not None:
        raise AlreadyStarted(_("U had deze aanvraag net al gestart; hier is ze. Er is geen tweede aanvraag "
                               "aangemaakt."), application=repeated)
    if not call.is_open_at(now):
        if now >= call.closes_at:
            raise ApplicationError(_("De indieningstermijn van deze oproep is afgelopen op %(moment)s.",
                                     moment=_moment(call.closes_at)))
        raise ApplicationError(_("Deze oproep staat niet open voor aanvragen."))
    existing = existing_application_counts([call.id], [organisation.id]).get((call.id, organisation.id), 0)
    result = check_eligibility(call.eligibility_rule(),
                               Applicant(organisation.id, organisation.kind.value, organisation.name),
                               existing_applications=existing)
    if not result.ok:
        raise ApplicationError(" ".join(result.reasons))
    app = Application(call=call, call_id=call.id, organisation=organisation, organisation_id=organisation.id,
                      status=S.DRAFT, created_by_id=actor.id, updated_by_id=actor.id, created_at=now, updated_at=now,
                      contact_name=actor.name or "", contact_email=actor.email,
                      iban=organisation.usual_iban or "")
    db.session.add(app)
    db.session.flush()
    record("application.create", app, {"status": [None, S.DRAFT], "call": [None, call.title],
                                       "organisation": [None, organisation.name]}, actor=actor)
    return app


# --------------------------------------------------------------------------- sections


def save_section(app: Application, section: str, values: dict[str, Any], actor, *, loaded_version: int | None,
                 loaded_fingerprint: str, bank_letter: Upload | None = None) -> dict[str, list[Any]]:
    """Save one section from its plain values (sections.values_from_form). Refused when someone else
    changed the same section meanwhile. The payout section may bring the bank's confirmation letter."""
    now = current_time()
    ensure_editable(app, now)
    spec = sec.SECTIONS[section]
    if spec.action_only or section == "advice":
        raise ValueError(f"section {section} has no form")
    _check_row_limits(section, values)
    before = sec.snapshot(section, app)
    if loaded_version != app.version and sec.fingerprint(section, app) != (loaded_fingerprint or ""):
        raise _conflict(app, section)
    if bank_letter is not None:
        upload_attachment(app, bank_letter, AttachmentKind.BANK_CONFIRMATION, actor)
    sec.apply(section, values, app)
    after = sec.snapshot(section, app)
    changes = diff(before, after) if isinstance(before, dict) else diff({section: before}, {section: after})
    if changes:
        _touch(app, actor, now)
    db.session.flush()
    if changes:
        record("application.update", app, changes, actor=actor, reason=agency_text(spec.title))
    return changes


def _check_row_limits(section: str, values: dict[str, Any]) -> None:
    """The forms say so first with the numbers; this holds for every caller."""
    from .forms import MAX_BUDGET_LINES, MAX_THIRD_PARTY_ROWS
    if section == "budget" and len(values.get("lines", ())) > MAX_BUDGET_LINES:
        raise ApplicationError(_("Een begroting heeft hoogstens %(limit)s kostenposten.", limit=MAX_BUDGET_LINES))
    if section == "financing" and len(values.get("third_party", ())) > MAX_THIRD_PARTY_ROWS:
        raise ApplicationError(_("Hoogstens %(limit)s bijdragen van derden.", limit=MAX_THIRD_PARTY_ROWS))


def _conflict(app: Application, section: str) -> EditConflict:
    return EditConflict(
        _("%(who)s heeft '%(title)s' bewaard op %(moment)s, nadat u dit formulier opende. Er is niets "
          "overschreven. Hieronder staan beide versies: neem over wat u wilt behouden en bewaar opnieuw.",
          who=_someone(app.updated_by), title=sec.SECTIONS[section].title, moment=_moment(app.updated_at)),
        theirs=sec.shown(section, app))


def conflict_after_race(app: Application, section: str) -> EditConflict:
    """For the view: the version check in the database caught a save in the same instant."""
    return _conflict(app, section)


# --------------------------------------------------------------------------- partners
#
# The lead invites; a member of the invited organisation confirms or declines; a confirmed partner
# may leave until the application is submitted; the lead may remove a partner while it can edit.
# Only a confirmed membership counts for "one partnership per call" and for "one application per
# organisation" (grants/organisations/states.py). Every step is audited on the application and mailed.


def _partner_names(app: Application) -> list[str]:
    return [f"{m.organisation.name} ({m.status.value})" for m in app.partner_members]


def _confirmed_elsewhere(call_id: int, organisation_id: int, partnership_id: int | None) -> bool:
    query = sa.select(PartnershipMember.id).where(PartnershipMember.call_id == call_id,
                                                  PartnershipMember.organisation_id == organisation_id,
                                                  PartnershipMember.status == PartnerStatus.CONFIRMED)
    if partnership_id is not None:
        query = query.where(PartnershipMember.partnership_id != partnership_id)
    return db.session.scalar(query) is not None


def _own_application(call: Call, organisation_id: int) -> bool:
    return call.one_application_per_organisation and db.session.scalar(
        sa.select(Application.id).where(Application.call_id == call.id, Application.organisation_id == organisation_id,
                                        Application.status != S.WITHDRAWN)) is not None


def _organisation_addresses(org: Organisation) -> list[str | None]:
    """An organisation's general address and its applicants' addresses."""
    from ..accounts.models import Role
    return [org.contact_email, *(u.email for u in org.members if u.role == Role.APPLICANT and u.active)]


def _lead_addresses(app: Application) -> list[str | None]:
    return [app.contact_email, app.organisation.contact_email]


def add_partner(app: Application, code: str, actor) -> Organisation:
    """Invite an organisation as partner (or invite again after it declined); it is mailed."""
    now = current_time()
    ensure_editable(app, now)
    call = app.call
    if not call.partnerships_allowed:
        raise ApplicationError(_("Deze oproep staat geen aanvragen in samenwerkingsverband toe."))
    org = find_organisation_by_code(code)
    if org is None:
        raise ApplicationError(_("Geen organisatie gevonden met REFNIS-code of ondernemingsnummer '%(code)s'.",
                                 code=code.strip()))
    if org.id == app.organisation_id:
        raise ApplicationError(_("%(name)s dient de aanvraag zelf in; voeg hier enkel de partners toe.",
                                 name=org.name))
    existing = next((m for m in app.partner_members if m.organisation_id == org.id), None)
    if existing is not None and existing.status == PartnerStatus.CONFIRMED:
        raise ApplicationError(_("%(name)s is al partner in deze aanvraag.", name=org.name))
    if existing is not None and existing.status == PartnerStatus.INVITED:
        raise ApplicationError(_("%(name)s is al uitgenodigd; de uitnodiging wacht op een antwoord.", name=org.name))
    if _confirmed_elsewhere(call.id, org.id, app.partnership_id):
        raise ApplicationError(_in_other_partnership(org.name))
    if _own_application(call, org.id):
        raise ApplicationError(_("%(name)s heeft zelf een aanvraag voor deze oproep; per organisatie is maar één "
                                 "aanvraag toegelaten.", name=org.name))
    # Kind and exclusions apply to partners too; an allow-list names who may lead, not who may join.
    rule = dataclasses.replace(call.eligibility_rule(), allow_list=frozenset(), one_application_per_organisation=False)
    result = check_eligibility(rule, Applicant(org.id, org.kind.value, org.name), as_partnership=True)
    if not result.ok:
        raise ApplicationError(" ".join(result.reasons))
    before = _partner_names(app)
    if app.partnership is None:
        lead = app.organisation
        if _confirmed_elsewhere(call.id, lead.id, None):
            raise ApplicationError(_("%(name)s maakt al deel uit van een ander samenwerkingsverband voor "
                                     "deze oproep.", name=lead.name))
        # The partnership's name is stored: it stays in the agency's language.
        partnership = Partnership(call_id=call.id, name=f"Samenwerkingsverband {lead.name}",
                                  lead_organisation_id=lead.id)
        partnership.members.append(PartnershipMember(call_id=call.id, organisation_id=lead.id,
                                                     status=PartnerStatus.CONFIRMED))
        db.session.add(partnership)
        app.partnership = partnership
    if existing is not None:  # declined before: invited again
        existing.status, existing.invited_at, existing.answered_at = PartnerStatus.INVITED, now, None
    else:
        app.partnership.members.append(PartnershipMember(call_id=call.id, organisation_id=org.id, organisation=org,
                                                         status=PartnerStatus.INVITED, invited_at=now))
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise ApplicationError(_in_other_partnership(app.organisation.name)) from exc
    _touch(app, actor, now)
    db.session.flush()
    record("application.partner_invite", app, {"partners": [before, _partner_names(app)]}, actor=actor,
           reason=org.name)
    queue_template_mail(_organisation_addresses(org), "partner_invitation",
                        lazy_gettext("Uitnodiging als partner: %(title)s", title=app.title or app.call.title),
                        partner=org.name, lead=app.organisation.name, title=app.title, call_title=call.title,
                        invited_by=_someone(actor), closes_at=call.closes_at,
                        invitation_url=external_url("applications.invitation", application_id=app.id))
    return org


def _in_other_partnership(name: str) -> str:
    return _("%(name)s maakt al deel uit van een ander samenwerkingsverband voor deze oproep. Een organisatie kan "
             "maar in één samenwerkingsverband per oproep zitten.", name=name)


def _member(app: Application, organisation_id: int, *statuses: PartnerStatus):
    return next((m for m in app.partner_members if m.organisation_id == organisation_id
                 and (not statuses or m.status in statuses)), None)


def _dissolve_if_alone(app: Application) -> None:
    partnership = app.partnership
    if partnership is not None and not app.partner_members:
        app.partnership = None
        db.session.delete(partnership)


def answer_invitation(app: Application, organisation_id: int, accept: bool, actor) -> Organisation:
    """A member of the invited organisation confirms or declines; the lead is mailed."""
    now = current_time()
    if organisation_id not in actor.organisation_ids:
        raise ApplicationError(_("U kunt enkel antwoorden voor uw eigen organisatie."))
    member = _member(app, organisation_id, PartnerStatus.INVITED)
    if member is None:
        raise ApplicationError(_("Er is geen openstaande uitnodiging voor deze organisatie."))
    if not APPLICATION_STATES[app.status].editable:
        raise ApplicationError(_("De aanvraag kan niet meer gewijzigd worden; de uitnodiging is niet meer geldig."))
    org = member.organisation
    before = _partner_names(app)
    if accept:
        if _confirmed_elsewhere(app.call_id, org.id, app.partnership_id):
            raise ApplicationError(_("%(name)s is al bevestigd als partner in een ander samenwerkingsverband voor "
                                     "deze oproep. Een organisatie kan maar in één samenwerkingsverband per oproep "
                                     "zitten.", name=org.name))
        if _own_application(app.call, org.id):
            raise ApplicationError(_("%(name)s heeft zelf een aanvraag voor deze oproep; per organisatie is maar één "
                                     "aanvraag toegelaten. Trek die eerst in, of weiger de uitnodiging.",
                                     name=org.name))
    member.status = PartnerStatus.CONFIRMED if accept else PartnerStatus.DECLINED
    member.answered_at = now
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:  # another confirmation of the same organisation in the same instant
        raise ApplicationError(_in_other_partnership(org.name)) from exc
    _touch(app, actor, now)
    db.session.flush()
    record("application.partner_confirm" if accept else "application.partner_decline", app,
           {"partners": [before, _partner_names(app)]}, actor=actor, reason=org.name)
    queue_template_mail(_lead_addresses(app), "partner_answer",
                        lazy_gettext("%(partner)s is partner: %(title)s", partner=org.name, title=app.title)
                        if accept else
                        lazy_gettext("%(partner)s weigert de uitnodiging: %(title)s", partner=org.name, title=app.title),
                        answer="confirmed" if accept else "declined", partner=org.name, title=app.title,
                        call_title=app.call.title, who=_someone(actor),
                        view_url=external_url("applications.show", application_id=app.id))
    return org


def _take_out_partner(app: Application, member, actor, now: datetime, action: str) -> None:
    """The partner leaves the partnership (dissolved when only the lead is left); recorded as `action`,
    with the partners before and after and the organisation's name as the reason."""
    before, name = _partner_names(app), member.organisation.name
    app.partnership.members.remove(member)
    db.session.flush()
    _dissolve_if_alone(app)
    _touch(app, actor, now)
    db.session.flush()
    record(action, app, {"partners": [before, _partner_names(app)]}, actor=actor, reason=name)


def leave_partnership(app: Application, organisation_id: int, actor) -> Organisation:
    """A confirmed partner takes its organisation out, until the application is submitted."""
    now = current_time()
    if organisation_id not in actor.organisation_ids:
        raise ApplicationError(_("U kunt enkel voor uw eigen organisatie uit een samenwerkingsverband stappen."))
    member = _member(app, organisation_id, PartnerStatus.CONFIRMED)
    if member is None:
        raise ApplicationError(_("Deze organisatie is geen partner in deze aanvraag."))
    if app.status != S.DRAFT:
        raise ApplicationError(_("De aanvraag is ingediend: uit het samenwerkingsverband stappen kan niet meer. Neem "
                                 "contact op met %(lead)s of met het agentschap.", lead=app.organisation.name))
    org = member.organisation
    _take_out_partner(app, member, actor, now, "application.partner_leave")
    queue_template_mail(_lead_addresses(app), "partner_answer",
                        lazy_gettext("%(partner)s stapt uit het samenwerkingsverband: %(title)s", partner=org.name,
                                     title=app.title),
                        answer="left", partner=org.name, title=app.title, call_title=app.call.title,
                        who=_someone(actor), view_url=external_url("applications.show", application_id=app.id))
    return org


def remove_partner(app: Application, organisation_id: int, actor) -> Organisation:
    """The lead removes a partner (invited, confirmed or declined); the partner is mailed."""
    now = current_time()
    ensure_editable(app, now)
    member = _member(app, organisation_id) if organisation_id != app.organisation_id else None
    if member is None:
        raise ApplicationError(_("Deze organisatie is geen partner in deze aanvraag."))
    org, was = member.organisation, member.status
    _take_out_partner(app, member, actor, now, "application.partner_remove")
    if was != PartnerStatus.DECLINED:
        queue_template_mail(_organisation_addresses(org), "partner_removed",
                            lazy_gettext("Niet langer partner: %(title)s", title=app.title or app.call.title),
                            partner=org.name, lead=app.organisation.name, title=app.title,
                            call_title=app.call.title, invited=was == PartnerStatus.INVITED)
    return org


# --------------------------------------------------------------------------- attachments


class UploadRefused(ApplicationError):
    """The file itself is refused (type, size, name); the message goes next to the file field."""


def _store(upload: Upload) -> StoredFile:
    try:
        return storage.store_in_transaction(upload)
    except storage.UploadError as exc:
        raise UploadRefused(str(exc)) from exc


def _check_quota(app: Application, adding: int | None) -> None:
    """Per application at most MAX_ATTACHMENTS_PER_APPLICATION files and MAX_ATTACHMENT_TOTAL_BYTES together.

    Called before the file is read (the count) and again with its size once it is stored."""
    config = current_app.config
    most, budget = config["MAX_ATTACHMENTS_PER_APPLICATION"], config["MAX_ATTACHMENT_TOTAL_BYTES"]
    if len(app.attachments) >= most:
        raise UploadRefused(_("Deze aanvraag heeft al %(count)s bijlagen, het maximum. Verwijder eerst een bijlage "
                              "die niet meer nodig is.", count=len(app.attachments)))
    if adding is not None:
        used = sum(a.size for a in app.attachments)
        if used + adding > budget:
            raise UploadRefused(_("Met dit bestand (%(size)s) zouden de bijlagen van deze aanvraag samen %(total)s "
                                  "groot zijn; hoogstens %(budget)s is toegelaten. Verwijder eerst een bijlage of "
                                  "verklein het bestand.", size=storage.format_size(adding),
                                  total=storage.format_size(used + adding), budget=storage.format_size(budget)))


def upload_attachment(app: Application, upload: Upload, kind: AttachmentKind, actor) -> Attachment:
    """Store an uploaded file and attach it to the application (within the application's quota)."""
    ensure_editable(app, current_time())
    _check_quota(app, None)
    return add_attachment(app, _store(upload), kind, actor)


def add_attachment(app: Application, stored: StoredFile, kind: AttachmentKind, actor) -> Attachment:
    now = current_time()
    ensure_editable(app, now)
    _check_quota(app, stored.size)  # a refusal rolls back, and the stored file goes with it
    attachment = Attachment(application=app, kind=kind, original_name=stored.original_name,
                            stored_name=stored.stored_name, content_type=stored.content_type, size=stored.size,
                            sha256=stored.sha256, uploaded_at=now, uploaded_by_id=actor.id)
    db.session.add(attachment)
    _touch(app, actor, now)
    db.session.flush()
    record("application.attachment_add", app,
           {"attachments": [None, f"{agency_text(kind.text)}: {stored.original_name}"]}, actor=actor)
    return attachment


def delete_attachment(app: Application, attachment: Attachment, actor) -> str:
    """Remove the attachment from the application; the file goes once that is committed."""
    now = current_time()
    ensure_editable(app, now)
    stored_name = attachment.stored_name
    directory = upload_dir()
    after_commit(lambda: storage.remove(directory, stored_name))
    app.attachments.remove(attachment)
    _touch(app, actor, now)
    db.session.flush()
    record("application.attachment_delete", app,
           {"attachments": [f"{agency_text(attachment.kind.text)}: {attachment.original_name}", None]}, actor=actor)
    return stored_name


# --------------------------------------------------------------------------- submit


def _lock_call(call_id: int) -> None:
    """Submissions of one call take turns while the dossier number is chosen (PostgreSQL row lock)."""
    db.session.execute(sa.select(Call.id).where(Call.id == call_id).with_for_update())


def _assign_dossier_number(app: Application) -> None:
    _lock_call(app.call.id)
    for _attempt in range(5):
        sequence, number = next_dossier_number(app.call)
        try:
            with db.session.begin_nested():
                app.dossier_sequence, app.dossier_number = sequence, number
                db.session.flush()
            return
        except IntegrityError:
            continue
    raise ApplicationError(_("Er kon geen dossiernummer toegekend worden. Probeer het opnieuw."))


def submit_application(app: Application, actor, *, loaded_version: int | None, response: str = "",
                       view_url: str = "") -> Application:
    """Validate everything again on the server, freeze, number, and send the receipt.

    Idempotent: the state is checked under the application's row lock, so of two submits in the same
    instant (double click, retry after a timeout, two tabs) one numbers the dossier and the other finds
    it submitted and raises AlreadySubmitted, whose answer is the existing receipt."""
    now = current_time()
    lock_for_update(app)
    if app.status == S.SUBMITTED and app.dossier_number:
        raise AlreadySubmitted(_("Deze aanvraag is al ingediend met dossiernummer %(number)s. Er is geen tweede "
                                 "dossier aangemaakt; hier is de ontvangstbevestiging.", number=app.dossier_number),
                               application=app)
    if app.status not in (S.DRAFT, S.INFO_REQUESTED):
        raise ApplicationError(refusal_message(app.status, S.SUBMITTED) if app.status != S.SUBMITTED
                               else _("Deze aanvraag is al ingediend."))
    reason = edit_refusal(app, now, submitting=True)
    if reason:
        raise ApplicationError(reason)
    if loaded_version is not None and loaded_version != app.version:
        raise ChangedSinceLoaded(_("De aanvraag is gewijzigd door %(who)s op %(moment)s, nadat u de controlelijst "
                                   "opende. Bekijk de controlelijst opnieuw en dien dan in.",
                                   who=_someone(app.updated_by), moment=_moment(app.updated_at)))
    problems = failing(checklist_for(app, now))
    if problems:
        raise SubmissionRefused(_("De aanvraag kan nog niet ingediend worden."),
                                reasons=[_("%(title)s: %(detail)s", title=item.title, detail=item.detail)
                                         for item in problems])
    resubmission = app.status == S.INFO_REQUESTED
    if not resubmission:
        existing = existing_application_counts([app.call_id], [app.organisation_id]).get(
            (app.call_id, app.organisation_id), 0)
        result = check_eligibility(app.call.eligibility_rule(),
                                   Applicant(app.organisation_id, app.organisation.kind.value, app.organisation.name),
                                   existing_applications=max(existing - 1, 0))
        if not result.ok:
            raise SubmissionRefused(_("De aanvraag kan niet ingediend worden."), reasons=list(result.reasons))
        _assign_dossier_number(app)
    changes: dict[str, list[Any]] = {"status": _set_status(app, S.SUBMITTED)}
    if resubmission:
        request = app.open_info_request
        request.resubmitted_at = now
        request.response = response or ""
    else:
        changes["dossier_number"] = [None, app.dossier_number]
        app.submitted_at = now
        app.submitted_by_id = actor.id
    _touch(app, actor, now)
    db.session.flush()
    record("application.resubmit" if resubmission else "application.submit", app, changes, actor=actor,
           reason=response or None)
    _queue_receipt(app, actor, now, resubmission=resubmission, view_url=view_url)
    return app


def _queue_receipt(app: Application, actor, now: datetime, *, resubmission: bool, view_url: str) -> None:
    """To the one who submitted and to the organisation's general address (templates/mail/application_receipt.txt)."""
    queue_template_mail(
        [getattr(actor, "email", None), app.organisation.contact_email], "application_receipt",
        lazy_gettext("Ontvangstbevestiging %(number)s: %(title)s", number=app.dossier_number, title=app.title),
        resubmission=resubmission, received_at=now, dossier_number=app.dossier_number, call_title=app.call.title,
        organisation=app.organisation.name, title=app.title, requested=app.requested_amount,
        total_cost=app.total_cost, submitted_by=actor.display_name, submitted_by_email=actor.email,
        view_url=view_url)


# --------------------------------------------------------------------------- any other transition


def transition_application(app: Application, target: S, actor, *, reason: str | None = None,
                           action: str = "application.status") -> Application:
    """Move an application to another status as the table allows, audited.

    For the later parts of the lifecycle (jury review, decisions, running projects); submitting,
    withdrawing, screening and asking for information have their own operations with their checks.
    """
    if app.status == target:
        raise ApplicationError(_("De aanvraag heeft al de status '%(status)s'.", status=target.label))
    now = current_time()
    changes = {"status": _set_status(app, target)}
    if target == S.WITHDRAWN:
        app.withdrawn_at = now
    _touch(app, actor, now)
    db.session.flush()
    record(action, app, changes, actor=actor, reason=reason)
    return app


# --------------------------------------------------------------------------- withdraw


def withdraw_refusal(status: S) -> str:
    return _("Een aanvraag met status '%(status)s' kan niet meer ingetrokken worden: intrekken kan tot er over de "
             "aanvraag beslist is.", status=status.label)


def withdraw_application(app: Application, actor, reason: str = "") -> Application:
    now = current_time()
    if app.status == S.WITHDRAWN:
        raise ApplicationError(_("Deze aanvraag is al ingetrokken."))
    if not can_transition(app.status, S.WITHDRAWN):
        raise ApplicationError(withdraw_refusal(app.status))
    changes = {"status": _set_status(app, S.WITHDRAWN)}
    app.withdrawn_at = now
    _touch(app, actor, now)
    db.session.flush()
    record("application.withdraw", app, changes, actor=actor, reason=reason or None)
    return app


# --------------------------------------------------------------------------- the agency


def _notify(app: Application, template: str, subject, **context) -> None:
    """Tell the applicant: who submitted, the organisation's general address and the contact person."""
    queue_template_mail(
        [app.submitted_by.email if app.submitted_by else None, app.organisation.contact_email, app.contact_email],
        template, subject, title=app.title, dossier_number=app.dossier_number, call_title=app.call.title, **context)


def screen_application(app: Application, outcome: S, reason: str, actor) -> Application:
    if outcome not in (S.ADMISSIBLE, S.INADMISSIBLE):
        raise ApplicationError(_("Kies ontvankelijk of onontvankelijk."))
    if app.status == outcome:
        raise ApplicationError(_("De aanvraag is al %(status)s.", status=outcome.label))
    if outcome == S.INADMISSIBLE and not reason.strip():
        raise ApplicationError(_("Geef de reden waarom de aanvraag onontvankelijk is."))
    now = current_time()
    before = {"screening_reason": app.screening_reason}
    changes = {"status": _set_status(app, outcome)}
    app.screening_reason = reason.strip()
    app.screened_at = now
    app.screened_by_id = actor.id
    changes.update(diff(before, {"screening_reason": app.screening_reason}))
    _touch(app, actor, now)
    db.session.flush()
    record("application.screen", app, changes, actor=actor, reason=reason.strip() or None)
    if outcome == S.INADMISSIBLE:
        subject = lazy_gettext("Uw aanvraag %(number)s is onontvankelijk", number=app.dossier_number)
    else:
        subject = lazy_gettext("Uw aanvraag %(number)s is ontvankelijk", number=app.dossier_number)
    _notify(app, "application_screened", subject, admissible=outcome == S.ADMISSIBLE, reason=reason.strip())
    return app


def request_information(app: Application, message: str, due_at: datetime, actor, *, view_url: str = "") -> InformationRequest:
    now = current_time()
    if not message.strip():
        raise ApplicationError(_("Beschrijf welke informatie ontbreekt."))
    if due_at <= now:
        raise ApplicationError(_("De datum om aan te vullen moet in de toekomst liggen."), field="due_date")
    changes = {"status": _set_status(app, S.INFO_REQUESTED)}
    request = InformationRequest(application=app, message=message.strip(), requested_at=now,
                                 requested_by_id=actor.id, due_at=due_at)
    db.session.add(request)
    changes["information_due"] = [None, due_at]
    _touch(app, actor, now)
    db.session.flush()
    record("application.request_information", app, changes, actor=actor, reason=message.strip())
    _notify(app, "application_information_request",
            lazy_gettext("Aanvullende informatie gevraagd voor %(number)s", number=app.dossier_number),
            message=message.strip(), due_at=due_at, view_url=view_url)
    return request


def set_agency_advice(app: Application, advice: str, actor, *, loaded_version: int | None,
                      loaded_fingerprint: str) -> dict:
    now = current_time()
    if app.status == S.DRAFT:
        raise ApplicationError(_("Een advies is pas mogelijk nadat de aanvraag ingediend is."))
    if loaded_version != app.version and sec.fingerprint("advice", app) != (loaded_fingerprint or ""):
        raise _conflict(app, "advice")
    before = {"agency_advice": app.agency_advice}
    app.agency_advice = advice
    changes = diff(before, {"agency_advice": advice})
    if changes:
        _touch(app, actor, now)
        db.session.flush()
        record("application.advice", app, changes, actor=actor)
    return changes


def decide_waiver(app: Application, accepted: bool, reason: str, actor) -> Application:
    if not app.call.waiver_allowed:
        raise ApplicationError(_("Deze oproep laat geen afwijking van de cofinanciering toe."))
    if app.waiver == WaiverStatus.NONE:
        raise ApplicationError(_("De aanvrager heeft geen afwijking gevraagd."))
    if app.status == S.DRAFT:
        raise ApplicationError(_("Over een afwijking wordt pas beslist nadat de aanvraag ingediend is."))
    target = WaiverStatus.ACCEPTED if accepted else WaiverStatus.REFUSED
    if app.waiver == target:
        raise ApplicationError(_("Deze beslissing over de afwijking is al genomen."))
    now = current_time()
    changes = {"waiver": [app.waiver, target]}
    app.waiver = target
    _touch(app, actor, now)
    db.session.flush()
    record("application.waiver", app, changes, actor=actor, reason=reason.strip() or None)
    return app


def upload_dir() -> str:
    return storage.configured_upload_dir()
