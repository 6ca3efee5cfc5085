"""The applicant's pages: start, the sectioned form, partners, attachments, submission, withdrawal,
and the read-only views (overview, print, receipt) that partners and the agency share."""
from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms.validators import InputRequired

from ...accounts.models import Role
from ...calls.queries import get_call
from ...calls.rules import deadline_message
from ...calls.states import CallStatus
from ...i18n import _
from ...links import external_url
from ...money import format_eur
from ...templating import form_error_items
from ...unit_of_work import on_conflict
from .. import access, queries, storage
from .. import forms as f
from .. import operations as ops
from .. import sections as sec
from ..models import Application, AttachmentKind
from ..rules import budget_totals, build_checklist, cost_category_label, financing_total
from ..states import APPLICATION_STATES, ApplicationStatus
from .common import bp, figures, load, render_show


def _view_url(app: Application) -> str:
    return external_url("applications.show", application_id=app.id)


def _upload(field) -> storage.Upload | None:
    data = field.data
    return storage.Upload(data.stream, data.filename) if data is not None else None


# --------------------------------------------------------------------------- start


@bp.route("/applications/new/<int:call_id>", methods=["GET", "POST"])
@login_required
def start(call_id: int):
    if current_user.role != Role.APPLICANT:
        abort(403)
    call = get_call(call_id, full=False)
    if call is None or call.status == CallStatus.DRAFT:
        abort(404)
    organisations = list(current_user.organisations)
    counts = queries.existing_application_counts([call.id], [o.id for o in organisations])
    options = [(org, queries.eligibility(call, org, counts.get((call.id, org.id), 0))) for org in organisations]
    eligible = [org for org, result in options if result.ok]
    form = f.StartForm(organisations=eligible)
    if len(eligible) == 1 and request.method == "GET":
        form.organisation_id.data = str(eligible[0].id)
    error = None
    if form.validate_on_submit():
        org = next(o for o in eligible if o.id == form.chosen_id())
        try:
            app = ops.start_application(call, org, current_user)
        except ops.AlreadyStarted as exc:
            flash(str(exc), "info")
            return redirect(url_for("applications.show", application_id=exc.application.id))
        except ops.ApplicationError as exc:
            error = str(exc)
        else:
            flash(_("De aanvraag voor '%(title)s' is aangemaakt. Vul de onderdelen in; elk onderdeel bewaart u "
                    "apart.", title=call.title), "success")
            return redirect(url_for("applications.show", application_id=app.id))
    now = ops.current_time()
    status = 400 if (form.errors or error) else 200
    return render_template("applications/start.html", call=call, form=form, options=options, eligible=eligible,
                           error=error, open_now=call.is_open_at(now),
                           deadline=deadline_message(call.opens_at, call.closes_at, now)), status


# --------------------------------------------------------------------------- overview


@bp.route("/applications/<int:application_id>")
@login_required
def show(application_id: int):
    return render_show(load(application_id))


@bp.route("/applications/<int:application_id>/print")
@login_required
def print_view(application_id: int):
    app = load(application_id)
    return render_template("applications/print.html", app=app, call=app.call,
                           access=access.capacity(current_user, app), figures=figures(app),
                           history=queries.status_history(app), storage=storage, printed_at=ops.current_time())


@bp.route("/applications/<int:application_id>/receipt")
@login_required
def receipt(application_id: int):
    app = load(application_id)
    if not app.dossier_number or app.submitted_at is None:
        return redirect(url_for("applications.show", application_id=app.id))
    return render_template("applications/receipt.html", app=app, call=app.call, figures=figures(app))


# --------------------------------------------------------------------------- sections


@bp.route("/applications/<int:application_id>/sections/<section>", methods=["GET", "POST"])
@login_required
def edit_section(application_id: int, section: str):
    app = load(application_id)
    spec = sec.section_for(section, app)
    if spec is None or section == "advice" or not spec.applies(app):
        abort(404)
    if section == "partners":
        return _partners_page(app)
    if section == "attachments":
        return _attachments_page(app)
    if not access.can_edit(current_user, app):
        abort(403)
    refusal = ops.edit_refusal(app, ops.current_time())
    form_class = spec.form_factory(app)
    if refusal and request.method == "GET":
        flash(refusal, "error")
        return redirect(url_for("applications.show", application_id=app.id))
    if refusal:
        # Opened in time, sent too late: say so, and give back everything that was typed.
        form = form_class()
        sec.prepare_form(section, form, app)
        return _render_section(app, section, form, status=400, error=refusal)
    if request.method == "GET":
        data = sec.initial_data(section, app)
        data.update(version=str(app.version), fingerprint=sec.fingerprint(section, app))
        form = form_class(data=data)
        sec.prepare_form(section, form, app)
        return _render_section(app, section, form)
    form = form_class()
    sec.prepare_form(section, form, app)
    if not form.validate():
        return _render_section(app, section, form, status=400, error=getattr(form, "limit_error", None))
    on_conflict(lambda: _render_conflict(application_id, section, form))
    try:
        ops.save_section(app, section, sec.values_from_form(section, form), current_user,
                         loaded_version=form.loaded_version(), loaded_fingerprint=form.fingerprint.data or "",
                         bank_letter=_upload(form.bank_letter) if section == "payout" else None)
    except ops.EditConflict as conflict:
        return _render_conflict(application_id, section, form, conflict)
    except ops.UploadRefused as exc:
        form.bank_letter.errors = [str(exc)]
        return _render_section(app, section, form, status=400)
    except ops.ApplicationError as exc:
        return _render_section(app, section, form, status=400, error=str(exc))
    flash(_("'%(title)s' is bewaard.", title=spec.title), "success")
    return redirect(url_for("applications.show", application_id=app.id, _anchor=f"section-{section}"))


@bp.route("/applications/<int:application_id>/sections/<section>/check", methods=["POST"])
@login_required
def check_section(application_id: int, section: str):
    """The live checklist: the section's typed values checked by the same rules as the saved ones.

    Same access as editing the section (404 otherwise: the check tells nothing about an application one
    may not edit). Nothing is saved: the posted values only replace the saved ones in a new, frozen
    checklist input. Bad values give the messages of a save (400), never a guess."""
    app = load(application_id)
    spec = sec.section_for(section, app)
    if section not in queries.LIVE_SECTIONS or spec is None or not spec.applies(app) \
            or not access.can_edit(current_user, app):
        abort(404)
    form = spec.form_factory(app)()
    sec.prepare_form(section, form, app)
    if not form.validate():
        errors = [{"field": field_id, "label": label, "message": message}
                  for field_id, label, message in form_error_items(form)]
        if getattr(form, "limit_error", None):
            errors.append({"field": "", "label": "", "message": form.limit_error})
        html = render_template("applications/_live_checklist.html", errors=errors, checklist=None)
        return jsonify({"valid": False, "errors": errors, "html": html}), 400
    data = queries.overlaid_checklist_input(app, ops.current_time(), section, sec.values_from_form(section, form))
    checklist = build_checklist(data)
    totals = budget_totals(data.lines, data.eligible_categories)
    financing = financing_total(data.requested, (data.own_financial, data.own_staff, data.third_party))
    html = render_template("applications/_live_checklist.html", errors=[], checklist=checklist, live=True)
    return jsonify({
        "valid": True, "html": html,
        "items": [{"key": i.key, "title": i.title, "state": i.state, "detail": i.detail} for i in checklist],
        "total_cost": format_eur(totals.total), "financing": format_eur(financing),
        "total_label": _("Totale projectkost (nog niet bewaard)"),
    })


def _render_conflict(application_id: int, section: str, form, conflict: ops.EditConflict | None = None):
    """Both versions side by side; the next save starts from what is saved now."""
    app = load(application_id)
    conflict = conflict or ops.conflict_after_race(app, section)
    form.version.data = str(app.version)
    form.fingerprint.data = sec.fingerprint(section, app)
    return _render_section(app, section, form, status=409, conflict=conflict)


def _render_section(app: Application, section: str, form, *, status: int = 200, conflict=None, error=None):
    spec = sec.section_for(section, app)
    context = {"app": app, "call": app.call, "section": spec, "form": form, "conflict": conflict,
               "error": error, "sections": sec.sections_for(app)}
    if section == "budget":
        context["choices_note"] = ", ".join(cost_category_label(c) for c in app.call.eligible_cost_categories or [])
        context["figures"] = figures(app)
    if section == "financing":
        context["figures"] = figures(app)
        context["rule"] = app.call.cofinancing_rule
    if section in queries.LIVE_SECTIONS:
        context["checklist"] = queries.checklist_for(app, ops.current_time())
    if section == "payout":
        context["bank_letter_needed"] = queries.bank_letter_needed(app)
        context["letters"] = app.attachments_of(AttachmentKind.BANK_CONFIRMATION)
        context["storage"] = storage
    return render_template("applications/section.html", **context), status


# --------------------------------------------------------------------------- partners


def _partners_page(app: Application, form=None, status: int = 200):
    if request.method == "POST":
        abort(405)
    editable = access.can_edit(current_user, app) and ops.edit_refusal(app, ops.current_time()) is None
    return render_template("applications/partners.html", app=app, call=app.call, editable=editable,
                           form=form or f.PartnerForm(), error=None, section=sec.SECTIONS["partners"],
                           sections=sec.sections_for(app)), status


@bp.route("/applications/<int:application_id>/partners", methods=["POST"])
@login_required
def add_partner(application_id: int):
    app = load(application_id, require=access.can_edit)
    form = f.PartnerForm()
    if form.validate():
        try:
            org = ops.add_partner(app, form.code.data, current_user)
        except ops.ApplicationError as exc:
            form.code.errors = [*form.code.errors, str(exc)]
        else:
            flash(_("%(name)s is uitgenodigd als partner en krijgt een e-mail. De aanvraag kan pas ingediend worden "
                    "als %(name)s bevestigd heeft.", name=org.name), "success")
            return redirect(url_for("applications.edit_section", application_id=app.id, section="partners"))
    editable = ops.edit_refusal(app, ops.current_time()) is None
    return render_template("applications/partners.html", app=app, call=app.call, editable=editable, form=form,
                           error=None, section=sec.SECTIONS["partners"], sections=sec.sections_for(app)), 400


@bp.route("/applications/<int:application_id>/partners/<int:organisation_id>/remove", methods=["POST"])
@login_required
def remove_partner(application_id: int, organisation_id: int):
    app = load(application_id, require=access.can_edit)
    try:
        org = ops.remove_partner(app, organisation_id, current_user)
    except ops.ApplicationError as exc:
        flash(str(exc), "error")
    else:
        flash(_("%(name)s is geen partner meer.", name=org.name), "success")
    return redirect(url_for("applications.edit_section", application_id=application_id, section="partners"))


# --------------------------------------------------------------------------- the partner's side


@bp.route("/applications/<int:application_id>/invitation")
@login_required
def invitation(application_id: int):
    """What an invited partner sees: who invites it to what, and confirm or decline. Not the application."""
    if queries.load_visible(application_id, current_user, full=False) is not None:
        return redirect(url_for("applications.show", application_id=application_id))
    app = queries.load_answerable(application_id, current_user) or abort(404)
    return render_template("applications/invitation.html", app=app, call=app.call, error=None,
                           organisations=_invited_organisations(app))


def _invited_organisations(app: Application) -> list:
    mine = current_user.organisation_ids
    return [m.organisation for m in app.unconfirmed_members_for(mine)]


@bp.route("/applications/<int:application_id>/invitation/<int:organisation_id>", methods=["POST"])
@login_required
def answer_invitation(application_id: int, organisation_id: int):
    app = queries.load_answerable(application_id, current_user) or abort(404)
    decision = request.form.get("decision", "")
    if decision not in ("confirm", "decline"):
        abort(400, description=_("Kies bevestigen of weigeren."))
    on_conflict(lambda: _invitation_raced(application_id))
    try:
        org = ops.answer_invitation(app, organisation_id, decision == "confirm", current_user)
    except ops.ApplicationError as exc:
        return render_template("applications/invitation.html", app=app, call=app.call, error=str(exc),
                               organisations=_invited_organisations(app)), 400
    if decision == "confirm":
        flash(_("%(name)s is nu partner in deze aanvraag. %(lead)s dient ze in.", name=org.name,
                lead=app.organisation.name), "success")
        return redirect(url_for("applications.show", application_id=app.id))
    flash(_("U hebt de uitnodiging voor %(name)s geweigerd. %(lead)s krijgt een e-mail.", name=org.name,
            lead=app.organisation.name), "success")
    return redirect(url_for("main.home"))


def _invitation_raced(application_id: int):
    flash(_("De aanvraag werd tegelijk gewijzigd. Bekijk de uitnodiging opnieuw."), "error")
    return redirect(url_for("applications.invitation", application_id=application_id))


@bp.route("/applications/<int:application_id>/partners/<int:organisation_id>/leave", methods=["POST"])
@login_required
def leave_partnership(application_id: int, organisation_id: int):
    app = load(application_id, require=access.can_leave)
    on_conflict(lambda: _invitation_raced(application_id))
    try:
        org = ops.leave_partnership(app, organisation_id, current_user)
    except ops.ApplicationError as exc:
        flash(str(exc), "error")
        return redirect(url_for("applications.show", application_id=application_id))
    flash(_("%(name)s is geen partner meer in deze aanvraag. %(lead)s krijgt een e-mail.", name=org.name,
            lead=app.organisation.name), "success")
    return redirect(url_for("main.home"))


# --------------------------------------------------------------------------- attachments


def _attachments_page(app: Application, form=None, status: int = 200):
    if request.method == "POST":
        abort(405)
    editable = access.can_edit(current_user, app) and ops.edit_refusal(app, ops.current_time()) is None
    return render_template("applications/attachments.html", app=app, call=app.call, editable=editable,
                           form=form or f.AttachmentForm(), section=sec.SECTIONS["attachments"],
                           sections=sec.sections_for(app), storage=storage), status


def _attachments_form_error(app: Application, form):
    return render_template("applications/attachments.html", app=app, call=app.call, editable=True, form=form,
                           section=sec.SECTIONS["attachments"], sections=sec.sections_for(app),
                           storage=storage), 400


@bp.route("/applications/<int:application_id>/attachments", methods=["POST"])
@login_required
def upload_attachment(application_id: int):
    app = load(application_id, require=access.can_edit)
    form = f.AttachmentForm()
    refusal = ops.edit_refusal(app, ops.current_time())
    if refusal:
        flash(refusal, "error")
        return redirect(url_for("applications.show", application_id=app.id))
    if not form.validate():
        return _attachments_form_error(app, form)
    if form.file.data is None:
        form.file.errors = [_("Kies een bestand om op te laden.")]
        return _attachments_form_error(app, form)
    on_conflict(lambda: _attachment_raced(application_id))
    try:
        attachment = ops.upload_attachment(app, _upload(form.file), AttachmentKind.GENERAL, current_user)
    except ops.UploadRefused as exc:
        form.file.errors = [str(exc)]
        return _attachments_form_error(app, form)
    except ops.ApplicationError as exc:
        flash(str(exc), "error")
        return redirect(url_for("applications.show", application_id=application_id))
    flash(_("'%(name)s' is toegevoegd.", name=attachment.original_name), "success")
    return redirect(url_for("applications.edit_section", application_id=app.id, section="attachments"))


def _attachment_raced(application_id: int):
    flash(_("De aanvraag werd tegelijk door iemand anders gewijzigd. Laad de bijlage opnieuw op."), "error")
    return redirect(url_for("applications.edit_section", application_id=application_id, section="attachments"))


@bp.route("/applications/<int:application_id>/attachments/<int:attachment_id>")
@login_required
def download_attachment(application_id: int, attachment_id: int):
    app = load(application_id)
    attachment = storage.attachment_of(app, attachment_id)
    return storage.send_stored(attachment)


@bp.route("/applications/<int:application_id>/attachments/<int:attachment_id>/delete", methods=["POST"])
@login_required
def delete_attachment(application_id: int, attachment_id: int):
    app = load(application_id, require=access.can_edit)
    attachment = storage.attachment_of(app, attachment_id)
    name = attachment.original_name
    try:
        ops.delete_attachment(app, attachment, current_user)
    except ops.ApplicationError as exc:
        flash(str(exc), "error")
        return redirect(url_for("applications.show", application_id=application_id))
    flash(_("'%(name)s' is verwijderd.", name=name), "success")
    return redirect(url_for("applications.edit_section", application_id=application_id, section="attachments"))


# --------------------------------------------------------------------------- submit and withdraw


@bp.route("/applications/<int:application_id>/submit", methods=["POST"])
@login_required
def submit(application_id: int):
    app = load(application_id, require=access.can_edit)
    form = f.SubmitForm()
    if not form.validate():
        return render_show(app, 400, submit_form=form)

    def raced():
        fresh = load(application_id)
        form.version.data = str(fresh.version)
        return render_show(fresh, 409, submit_form=form, submit_error=_(
            "De aanvraag werd op hetzelfde moment door iemand anders gewijzigd. Bekijk de controlelijst opnieuw "
            "en dien dan in."))

    on_conflict(raced)
    try:
        ops.submit_application(app, current_user, loaded_version=form.loaded_version(),
                               response=form.response.data or "", view_url=_view_url(app))
    except ops.AlreadySubmitted as exc:
        flash(str(exc), "info")
        return redirect(url_for("applications.receipt", application_id=app.id))
    except ops.SubmissionRefused as exc:
        return render_show(app, 400, submit_form=form, submit_error=str(exc), submit_reasons=exc.reasons)
    except ops.ApplicationError as exc:
        form.version.data = str(app.version)
        return render_show(app, 409 if isinstance(exc, ops.ChangedSinceLoaded) else 400, submit_form=form,
                           submit_error=str(exc))
    flash(_("De aanvraag is ingediend met dossiernummer %(number)s. U ontvangt een ontvangstbevestiging per "
            "e-mail.", number=app.dossier_number), "success")
    return redirect(url_for("applications.receipt", application_id=app.id))


@bp.route("/applications/<int:application_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(application_id: int):
    app = load(application_id, require=access.can_edit)
    form = f.WithdrawForm()
    draft = app.status == ApplicationStatus.DRAFT
    if draft:  # a draft was never handed in: it is stopped, not withdrawn
        form.reason.label.text = _("Waarom zet u de aanvraag stop? (niet verplicht)")
        form.confirm.label.text = _("Ik zet deze aanvraag stop. Ze kan daarna niet meer ingediend worden.")
        form.confirm.validators = [InputRequired(_("Bevestig dat u de aanvraag stopzet."))]
    error = None
    withdrawable = APPLICATION_STATES[app.status].withdrawable

    def raced():
        return render_template("applications/withdraw.html", app=load(application_id), call=app.call, form=form,
                               error=_("De aanvraag werd tegelijk gewijzigd. Probeer opnieuw."),
                               can_withdraw=withdrawable), 409

    if form.validate_on_submit():
        on_conflict(raced)
        try:
            ops.withdraw_application(app, current_user, form.reason.data or "")
        except ops.ApplicationError as exc:
            error = str(exc)
        else:
            flash(_("De aanvraag is stopgezet.") if draft else _("De aanvraag is ingetrokken."), "success")
            return redirect(url_for("applications.show", application_id=app.id))
    elif request.method == "GET" and not withdrawable:
        error = ops.withdraw_refusal(app.status)
    status = 400 if (form.errors or error) and request.method == "POST" else 200
    return render_template("applications/withdraw.html", app=app, call=app.call, form=form, error=error,
                           can_withdraw=withdrawable), status
